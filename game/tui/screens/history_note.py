"""The "In our timeline" note of an event: what really happened, in a modal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static


class HistoryNoteScreen(ModalScreen[None]):
    """The real history behind an event; Escape or o closes it."""

    BINDINGS = [("escape,o", "dismiss", "Close")]

    def __init__(self, title: str, history: str):
        super().__init__()
        self.note_title = title
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Static(Content.assemble(("In our timeline: ", "bold $secondary"),
                                          (self.note_title, "bold")), id="note-title")
            with VerticalScroll(id="note-scroll"):
                yield Markdown(self.history or "*No note for this event.*", open_links=False)
            yield Static("Escape closes", classes="dialog-hint")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close the note."""
        self.dismiss(result)
