"""`octobers play --ending ID`: an ending's epilogue for a state, to read while writing it.

The game is never played, saved or counted: the screen shows the ending filled in with the
start state (a scenario's, `--start-at`'s, with `--set` and `--flag` on top) or a save's
(`--load`), says which, and lists the values. Escape goes to the title screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from game.authoring.startstate import ending_condition
from game.engine import Game
from game.model import format_date


class EndingPreviewScreen(Screen[None]):
    """One ending's title and epilogue, for a state that has not ended."""

    DEFAULT_CSS = """
    EndingPreviewScreen #preview-header {
        height: 1; padding: 0 1; background: $primary-darken-2; color: $foreground;
    }
    EndingPreviewScreen #preview-scroll { height: 1fr; padding: 0 1; }
    EndingPreviewScreen #preview-note { color: $text-muted; margin-bottom: 1; }
    EndingPreviewScreen #preview-values { height: auto; padding: 0 1; border: round $primary; }
    EndingPreviewScreen #preview-condition { color: $text-muted; }
    EndingPreviewScreen Markdown { margin: 0; padding: 0; }
    """

    BINDINGS = [Binding("escape", "title", "Title")]

    def __init__(self, game: Game, ending_id: str, note: str):
        super().__init__()
        self.preview_game = game
        self.ending_id = ending_id
        self.note = note

    def compose(self) -> ComposeResult:
        game = self.preview_game
        title, epilogue = game.ending_text(self.ending_id)
        yield Static(Content.assemble(("Ending preview", "bold $secondary"), ("  ·  ", "dim"),
                                      (title, "bold"), (f"  ({self.ending_id})", "dim")),
                     id="preview-header")
        with VerticalScroll(id="preview-scroll"):
            yield Static(Content(f"{self.note} The state of {format_date(game.date)}; "
                                 "nothing is saved or counted as discovered."),
                         id="preview-note")
            yield Markdown(epilogue, id="preview-epilogue", open_links=False)
            values = " · ".join(f"{v.label} {game.values[v.id]}"
                                for v in game.story.shown_variables)
            texts = " · ".join(f"{t.label}: {game.values[t.id]}"
                               for t in game.story.texts.values() if t.shown)
            yield Static(Content(" · ".join(p for p in (values, texts) if p)),
                         id="preview-values")
            yield Static(Content(ending_condition(game, self.ending_id)),
                         id="preview-condition")
        yield Footer()

    def on_mount(self) -> None:
        """Let the arrows scroll."""
        self.query_one("#preview-scroll").focus()

    def action_title(self) -> None:
        """Back to the title screen (no game is under way)."""
        self.dismiss()
