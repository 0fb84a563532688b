"""The numbered choices of the current event: keys 1-9, arrows and Enter, or the mouse."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine import ChoiceView


def choice_prompt(view: ChoiceView) -> Content:
    """A choice as shown: its number and label; a locked one dimmed, with its reason.

    Labels come from content, so they are plain text: never parsed as markup.
    """
    if view.enabled:
        return Content.assemble((f"{view.number}. ", "bold"), view.label)
    reason = view.locked_reason or "not open to you"
    return Content.assemble((f"{view.number}. ", "dim"), (view.label, "dim"),
                            (f"\n   locked: {reason}", "dim italic"))


class ChoiceList(OptionList):
    """The choices as an option list; posts `ChoiceList.Chosen` with the choice's number."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto; max-height: 70%;
        /* a kept one-cell gutter, so the width to wrap at never changes (and no row kept
           for a horizontal scrollbar, which Textual would add to an auto height) */
        overflow-x: hidden; scrollbar-gutter: stable;
        scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0;
        scrollbar-background: $surface;  /* an empty gutter looks like padding */
    }
    """

    class Chosen(Message):
        """The player picked a choice."""

        def __init__(self, number: int):
            super().__init__()
            self.number = number

    def __init__(self, choices: Sequence[ChoiceView] = (), *, id: str | None = None):
        super().__init__(id=id)
        self._views: tuple[ChoiceView, ...] = ()
        self.set_choices(choices)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The height of every option, wrapped as they will be drawn.

        Textual asks at the width inside the border and padding, but draws the options beside
        the scrollbar's gutter (kept, so the width never changes when a scrollbar comes or
        goes): measuring at the drawn width keeps a wrapped label from being cut.
        """
        gutter = self.styles.scrollbar_size_vertical if self.styles.scrollbar_gutter == "stable" \
            else 0
        return super().get_content_height(container, viewport, max(1, width - gutter))

    @property
    def views(self) -> tuple[ChoiceView, ...]:
        """The choices being shown."""
        return self._views

    def set_choices(self, choices: Sequence[ChoiceView]) -> None:
        """Show a new set of choices, highlighting the first open one."""
        self._views = tuple(choices)
        self.set_options(Option(choice_prompt(view), id=f"choice-{view.number}",
                                disabled=not view.enabled) for view in self._views)
        first_open = next((i for i, v in enumerate(self._views) if v.enabled), None)
        self.highlighted = first_open
        self.scroll_home(animate=False)

    def pick(self, number: int) -> bool:
        """Choose by number (keys 1-9); False when there is no such open choice."""
        view = next((v for v in self._views if v.number == number), None)
        if view is None:
            return False
        if not view.enabled:
            self.app.notify(f"Locked: {view.locked_reason or 'not open to you'}",
                            severity="warning", markup=False)
            return False
        self.post_message(self.Chosen(number))
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on an option chooses it."""
        event.stop()
        if 0 <= event.option_index < len(self._views):
            self.pick(self._views[event.option_index].number)
