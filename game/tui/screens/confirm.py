"""A yes/no question in a modal: rewind, return to a branch, overwrite or delete a save.

    if await self.app.push_screen_wait(ConfirmScreen("Delete 'x'?")): ...
    self.app.push_screen(ConfirmScreen("Overwrite 'x'?"), callback)   # callback(bool)

`y` or the Yes button answers True; `n`, Escape or the No button answer False. No is
focused first, so an Enter pressed without reading never destroys anything.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from game.output import printable


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be undone from here."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-box {
        width: 60; max-width: 90%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ConfirmScreen #confirm-question { width: 100%; height: auto; margin-bottom: 1; }
    ConfirmScreen #confirm-buttons { width: 100%; height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; min-width: 8; }
    """

    BINDINGS = [
        ("y", "answer(True)", "Yes"),
        ("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(printable(self.question), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.no_label, id="no")
                yield Button(self.yes_label, id="yes", variant="error")

    def on_mount(self) -> None:
        """No has the focus: only a deliberate answer says yes."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Yes or No."""
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """y or n (Escape is n)."""
        self.dismiss(answer)
