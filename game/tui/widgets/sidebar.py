"""The sidebar: every shown variable as a StatBar, then the shown text variables."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from game.engine import Game
from game.tui.widgets.stat_bar import StatBar


def history_of(game: Game, var_id: str) -> list[float]:
    """A variable's value after each decision so far."""
    return [float(values.get(var_id, 0)) for _, values in game.history]


class Sidebar(VerticalScroll):
    """The state of the country at a glance; parents call `update_from(game)`."""

    def __init__(self, game: Game, *, id: str | None = None):
        super().__init__(id=id)
        self._game = game

    def compose(self) -> ComposeResult:
        game = self._game
        for variable in game.story.shown_variables:
            yield StatBar(variable.id, variable.label, int(game.values[variable.id]),
                          variable.min, variable.max, delta=game.last_change(variable.id),
                          history=history_of(game, variable.id), danger=variable.danger)
        yield Static(self._texts(), id="text-vars")

    def _texts(self) -> Content:
        game = self._game
        parts: list[str | tuple[str, str]] = []
        for variable in game.story.texts.values():
            if variable.shown:
                if parts:
                    parts.append("\n")
                parts += [(f"{variable.label}\n", "bold"), str(game.values[variable.id])]
        return Content.assemble(*parts)

    def update_from(self, game: Game) -> None:
        """Show the values of `game` (after a choice, or a different game)."""
        self._game = game
        for variable in game.story.shown_variables:
            self.query_one(f"#stat-{variable.id}", StatBar).set_stat(
                int(game.values[variable.id]), game.last_change(variable.id),
                history_of(game, variable.id))
        self.query_one("#text-vars", Static).update(self._texts())
