"""The ending: its title and epilogue, the final values, a chart of the years, the timeline.

Under the final values, "How you got here" lists the decisions that most shaped the ending
(game/why.py: date, event, choice and why), and "Who became what" sets the main figures'
fates in this timeline against ours (game/codex.py). `u` opens the State of the Union.
`e` exports the run as a Markdown chronicle (`game.chronicle`) into the saves folder; `t`
opens the timeline, from which the player can still return to any decision; Escape goes back
to the title. Reaching this screen records the ending in the "endings discovered" file, so a
loaded finished game or a restored branch that had ended counts too.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from game.chronicle import (
    chronicle,
    chronicle_name,
    entries_by_year,
    entry_line,
    how_you_got_here,
    who_became_what,
)
from game.engine import Game
from game.model import format_date
from game.safefiles import write_atomic
from game.tui.widgets.chart import StatChart, chart_of


def final_values(game: Game) -> Content:
    """The shown variables and texts at the end, and how long the run was."""
    parts: list[str | tuple[str, str]] = []
    for variable in game.story.shown_variables:
        if parts:
            parts.append((" · ", "dim"))
        parts += [(variable.label, "bold"), f" {game.values[variable.id]}"]
    for text in game.story.texts.values():
        if text.shown:
            parts += [(" · ", "dim"), (f"{text.label}:", "bold"), f" {game.values[text.id]}"]
    start = game.history[0][0] if game.history else game.date
    decisions = len(game.timeline)
    parts.append((f"\n{decisions} decision{'s' if decisions != 1 else ''}, "
                  f"{format_date(start)} to {format_date(game.date)}", "dim"))
    return Content.assemble(*parts)


def timeline_markdown(game: Game) -> str:
    """The whole timeline as Markdown, by year (the chronicle's wording)."""
    out = []
    for year, entries in entries_by_year(game.timeline):
        out += [f"### {year}", "", *(entry_line(entry) for entry in entries), ""]
    return "\n".join(out) or "*No decision was taken.*"


class EndingScreen(Screen[None]):
    """How the story ended, and how it got there."""

    DEFAULT_CSS = """
    EndingScreen #ending-header {
        height: 1; padding: 0 1; background: $primary-darken-2; color: $foreground;
    }
    EndingScreen #ending-scroll { height: 1fr; padding: 0 1; }
    EndingScreen #final-values { height: auto; padding: 0 1; border: round $primary; }
    EndingScreen .ending-heading {
        height: 1; margin-top: 1; text-style: bold; color: $secondary;
    }
    EndingScreen #ending-chart { margin: 1 0 0 0; }
    EndingScreen Markdown { margin: 0; padding: 0; }
    """

    BINDINGS = [
        Binding("e", "export", "Export chronicle"),
        Binding("t", "app.show('timeline')", "Timeline"),
        Binding("u", "app.show('union')", "Union"),
        Binding("s", "app.show('save')", "Save"),
        Binding("escape", "title", "Title"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exported: Path | None = None

    @property
    def game(self) -> Game:
        """The finished game (the app's)."""
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None and game.over, "the ending screen needs a finished game"
        return game

    def compose(self) -> ComposeResult:
        game = self.game
        title, epilogue = game.ending_text()
        yield Static(Content.assemble(("The end", "bold $secondary"), ("  ·  ", "dim"),
                                      (title, "bold")), id="ending-header")
        with VerticalScroll(id="ending-scroll"):
            yield Markdown(epilogue, id="epilogue", open_links=False)
            yield Static(final_values(game), id="final-values")
            reasons = how_you_got_here(game)
            if reasons:
                yield Static("How you got here", classes="ending-heading")
                yield Markdown("\n".join(reasons), id="how-you-got-here", open_links=False)
            table = who_became_what(game)
            if table:
                yield Static("Who became what", classes="ending-heading")
                yield Markdown("\n".join(table), id="who-became-what", open_links=False)
            yield Static("Across the years", classes="ending-heading")
            chart = StatChart(id="ending-chart")
            chart.series = chart_of(game)
            yield chart
            yield Static("The timeline", classes="ending-heading")
            yield Markdown(timeline_markdown(game), id="ending-timeline", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        """Remember the ending for "endings discovered"; let the arrows scroll."""
        self.app.record_ending(self.game)  # type: ignore[attr-defined]
        self.query_one("#ending-scroll").focus()

    def action_export(self) -> None:
        """Write the chronicle into the saves folder and say where."""
        folder: Path = self.app.store.folder  # type: ignore[attr-defined]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            taken = [path.name for path in folder.glob("chronicle-*.md")]
            path = folder / chronicle_name(self.game, taken)
            write_atomic(path, chronicle(self.game).encode("utf-8"))
        except OSError as exc:
            self.app.notify(f"Could not write the chronicle: {exc.strerror or exc}.",
                            severity="error", markup=False)
            return
        self.exported = path
        self.app.notify(f"Chronicle written to {path}", title="Exported", markup=False,
                        timeout=8)

    def action_title(self) -> None:
        """Back to the title screen."""
        self.app.go_to_title()  # type: ignore[attr-defined]
