"""The content's errors after a live reload (`--watch`), in a modal; the old content plays on."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from game.errors import Problem

HEADING = "The content has errors"
ADVICE = ("The game plays on with the content as it was. Save a fix and it reloads; "
          "Escape closes this.")


def problems_text(problems: Sequence[Problem]) -> str:
    """Each problem as `path:line:col: message`, with its source line and a caret."""
    return "\n\n".join(problem.format() for problem in problems)


class ContentErrorsScreen(ModalScreen[None]):
    """Why the changed content did not load; Escape closes, a fix closes it by itself."""

    BINDINGS = [("escape", "dismiss", "Close")]
    DEFAULT_CSS = """
    #content-errors-title { height: auto; }
    #content-errors-advice { height: auto; color: $text-muted; margin-bottom: 1; }
    """

    def __init__(self, problems: Sequence[Problem]):
        super().__init__()
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="content-errors-box", classes="dialog"):
            yield Static(Content.assemble((HEADING, "bold $error")), id="content-errors-title")
            yield Static(ADVICE, id="content-errors-advice", markup=False)
            with VerticalScroll():
                yield Static(problems_text(self.problems), id="content-errors", markup=False)
            yield Static("Escape closes", classes="dialog-hint")

    @property
    def text(self) -> str:
        """The problems as shown."""
        return problems_text(self.problems)

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Show a newer list of problems (the author saved again, still broken)."""
        self.problems = list(problems)
        self.query_one("#content-errors", Static).update(problems_text(self.problems))

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close; the game plays on with the old content."""
        self.dismiss(result)
