"""The State of the Union (`u`): every variable the player may see now, at full length.

For each revealed variable (the shown ones, and hidden ones once their `reveal:` holds): its
label, value and last change, a bar with a '│' where its danger zone begins, a trend line of
its history on its own scale (min to max), its description and its danger zone. Then the
text values (who leads, the state's name), then the stats guide (game/union.py
`guide_markdown`). `u` or Escape closes.
On a narrow terminal this is where the sidebar's bars are, one key away.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from game.engine import Game
from game.model import format_date
from game.tui.widgets.stat_bar import StatBar
from game.union import danger_text, guide_markdown


def danger_note(game: Game, var_id: str) -> Content:
    """'Danger below 15: …' in the warning colour (the error colour while in danger)."""
    danger = danger_text(game.story.variables[var_id])
    if not danger:
        return Content("")
    return Content.styled(danger[0].upper() + danger[1:],
                          "$error" if game.in_danger(var_id) else "$warning")


class UnionScreen(Screen[None]):
    """The whole state of the country; `u` or Escape goes back."""

    DEFAULT_CSS = """
    UnionScreen #union-header {
        height: 1; padding: 0 1; background: $primary-darken-2; color: $foreground;
    }
    UnionScreen #union-scroll { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    UnionScreen StatBar { margin-bottom: 0; }
    UnionScreen .union-gap { height: 1; }
    UnionScreen .union-notes { color: $text-muted; height: auto; }
    UnionScreen .union-heading { text-style: bold; color: $secondary; height: 1; }
    UnionScreen #union-texts { height: auto; margin-bottom: 1; }
    UnionScreen #union-guide { margin: 0; padding: 0; }
    """

    BINDINGS = [Binding("escape,u", "close", "Back")]

    @property
    def game(self) -> Game:
        """The game being played (the app's)."""
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None, "the State of the Union needs a game"
        return game

    def compose(self) -> ComposeResult:
        game = self.game
        yield Static(Content.assemble(("State of the Union", "bold $secondary"),
                                      ("  ·  ", "dim"), (format_date(game.date), "bold")),
                     id="union-header")
        with VerticalScroll(id="union-scroll"):
            for variable in game.revealed():
                series = [float(value) for _, value in game.series(variable.id)]
                yield StatBar(variable.id, variable.label, int(game.values[variable.id]),
                              variable.min, variable.max, delta=game.last_change(variable.id),
                              history=series, danger=variable.danger,
                              id=f"union-{variable.id}", to_scale=True)
                if variable.description:
                    yield Static(" ".join(variable.description.split()),
                                 classes="union-notes", markup=False)
                if variable.danger is not None:
                    yield Static(danger_note(game, variable.id),
                                 classes="union-notes union-danger", markup=False)
                yield Static(classes="union-gap")
            texts = [t for t in game.story.texts.values() if t.shown]
            if texts:
                parts: list[str | tuple[str, str]] = []
                for text in texts:
                    if parts:
                        parts.append(("  ·  ", "dim"))
                    parts += [(f"{text.label}: ", "bold"), str(game.values[text.id])]
                yield Static(Content.assemble(*parts), id="union-texts", markup=False)
            yield Static("What the stats mean", classes="union-heading")
            yield Markdown(guide_markdown(game.story), id="union-guide", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        """The arrows and Page Up/Down scroll the view."""
        self.query_one("#union-scroll").focus()

    def action_close(self) -> None:
        """Back to where the player was."""
        self.dismiss()
