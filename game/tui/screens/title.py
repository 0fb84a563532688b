"""The title screen: the name, the main menu and the endings discovered so far (the Endings
entry opens the gallery of endings)."""

from __future__ import annotations

from textual.app import ComposeResult, RenderResult
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from game.errors import SaveError
from game.output import printable
from game.saves import AUTOSAVE

BIG_TITLE = (
    "█▀▄▀█ ▄▀█ █▄ █ █▄█   █▀█ █▀▀ ▀█▀ █▀█ ██▄ █▀▀ █▀█ █▀\n"
    "█ ▀ █ █▀█ █ ▀█  █    █▄█ █▄▄  █  █▄█ █▄█ ██▄ █▀▄ ▄█"
)


class BigTitle(Widget):
    """"Many Octobers" in block letters, or in plain capitals when the terminal is narrow."""

    DEFAULT_CSS = """
    BigTitle { width: 100%; height: 2; content-align: center middle; color: $primary-lighten-1;
               text-style: bold; }
    """

    def render(self) -> RenderResult:
        width = max(len(line) for line in BIG_TITLE.splitlines())
        if self.size.width >= width:
            return Content(BIG_TITLE)
        return Content("MANY OCTOBERS")


class TitleScreen(Screen[None]):
    """Where the game starts: new game, continue, load, how to play, quit."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]

    _warned = False

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield BigTitle()
            yield Static("A game of alternate history, 1917–1991", id="subtitle")
            with Center():
                yield OptionList(*self._menu(), id="menu")
            found, total = self.app.endings_discovered()  # type: ignore[attr-defined]
            yield Static(f"endings discovered: {found} of {total}", id="endings-found")
        yield Footer()

    def _menu(self) -> list[Option]:
        options = [Option("New game", id="new")]
        continue_label = self._continue_label()
        if continue_label is not None:
            options.append(Option(continue_label, id="continue"))
        options += [Option("Load", id="load"), Option("Endings", id="endings"),
                    Option("How to play", id="help"),
                    Option("Quit", id="quit")]
        return options

    def _continue_label(self) -> Content | None:
        """'Continue — March 1918 · The Assembly', or None when there is no usable autosave."""
        store = self.app.store  # type: ignore[attr-defined]
        self._continue_slot: str | None = None
        for slot in (AUTOSAVE, *store.backups(AUTOSAVE)):
            try:
                data = store.read(slot)
            except SaveError as exc:
                if slot == AUTOSAVE and store.exists(AUTOSAVE) and not self._warned:
                    self._warned = True  # once, not on every return to the title
                    self.app.notify(str(exc), title="Autosave unreadable", severity="warning",
                                    markup=False, timeout=10)
                continue
            self._continue_slot = slot
            summary = data.get("summary", {})
            where = " · ".join(str(x) for x in (summary.get("date"), summary.get("title")) if x)
            label = "Continue" + (f" — {where}" if where else "")
            if slot != AUTOSAVE:
                label += f" (backup {slot})"
            return Content(printable(label))
        return None

    def on_mount(self) -> None:
        """Continue is highlighted when there is a game to continue, else New game: Enter
        never starts a new game over one in progress by accident."""
        menu = self.query_one("#menu", OptionList)
        try:
            menu.highlighted = menu.get_option_index("continue")
        except OptionDoesNotExist:  # nothing to continue
            menu.highlighted = 0
        menu.focus()

    def on_screen_resume(self) -> None:
        """Coming back to the title: the autosave and the endings may have changed."""
        if self.is_mounted and self.query("#menu"):
            self.refresh(recompose=True)
            self.call_after_refresh(self.on_mount)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Do what the menu entry says."""
        app = self.app
        choice = event.option.id
        if choice == "new":
            app.action_new_game()  # type: ignore[attr-defined]
        elif choice == "continue" and self._continue_slot is not None:
            app.load_slot(self._continue_slot)  # type: ignore[attr-defined]
        elif choice == "load":
            app.show("load")  # type: ignore[attr-defined]
        elif choice == "endings":
            app.show("endings")  # type: ignore[attr-defined]
        elif choice == "help":
            app.action_help()  # type: ignore[attr-defined]
        elif choice == "quit":
            app.exit(0)
