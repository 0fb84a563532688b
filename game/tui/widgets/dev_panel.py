"""The debug panel (`octobers play --dev`, F12): every variable, the flags, and why.

The game screen calls two functions and holds nothing itself:

    toggle_dev_panel(screen)    # F12: show or hide (a notice without --dev)
    refresh_dev_panel(screen)   # after every choice and whenever a game screen is shown

Whether the panel is open is the app's `dev_panel_open`, so it stays open across the fresh
game screens a rewind, a load or a live reload bring. The "why" is the engine's
`game.authoring.explain`; this module only lays it out. While the panel is open it takes the
sidebar's place (it shows every variable, hidden ones too).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from game.authoring.explain import explain, format_explanation
from game.engine import Game

STATUS_STYLES = {"[open]": "$success", "[locked]": "$warning", "[hidden]": "dim"}


def _value(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def panel_text(game: Game) -> Content:
    """Variables (hidden ones too), flags, and the explanation of the current node."""
    story = game.story
    parts: list[str | tuple[str, str] | Content] = [("Variables", "bold $secondary")]
    names = [*story.variables, *story.texts]
    width = max((len(name) for name in names), default=0)
    for var_id in names:
        variable = story.variables.get(var_id) or story.texts[var_id]
        parts += ["\n  ", var_id.ljust(width), "  ", (_value(game.values.get(var_id)), "bold")]
        if not variable.shown:
            parts.append(("  hidden", "dim"))
    parts += ["\n\n", ("Flags", "bold $secondary"), "\n  "]
    parts.append(", ".join(sorted(game.flags)) if game.flags else ("none set", "dim"))
    origin = game.origin
    parts += ["\n\n", ("Game", "bold $secondary"),
              f"\n  turn {game.turn}, seed {origin.seed}, scenario {origin.scenario}"]
    if origin.start_at is not None:
        parts.append(f", --start-at {origin.start_at}")
    parts += ["\n\n", ("Why", "bold $secondary")]
    why = explain(game)
    if why is None:
        parts.append(f"\n  the game has ended: {game.ending_id}")
        return Content.assemble(*parts)
    for line in format_explanation(why).splitlines():
        style = next((s for marker, s in STATUS_STYLES.items() if marker in line), "")
        parts += ["\n  ", (line, style) if style else line]
    return Content.assemble(*parts)


class DevPanel(VerticalScroll):
    """The debug panel's contents, scrollable; parents call `update_from(game)`."""

    DEFAULT_CSS = """
    DevPanel {
        width: 50%;
        min-width: 30;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $secondary;
        background: $panel;
    }
    DevPanel > #dev-title {
        text-style: bold reverse;
        color: $secondary;
        width: 100%;
    }
    """

    def __init__(self, game: Game, *, id: str | None = None):
        super().__init__(id=id)
        self._game = game

    def compose(self) -> ComposeResult:
        yield Static(" Debug (F12 hides)", id="dev-title")
        yield Static(panel_text(self._game), id="dev-text")

    @property
    def text(self) -> str:
        """What the panel shows, as plain text."""
        return panel_text(self._game).plain

    def update_from(self, game: Game) -> None:
        """Show `game` (after a choice, or a different game)."""
        self._game = game
        for static in self.query("#dev-text").results(Static):
            static.update(panel_text(game))


def refresh_dev_panel(screen: Screen[Any]) -> None:
    """Show the panel on a game screen if it is open, with the app's current game."""
    app = screen.app
    game: Game | None = getattr(app, "game", None)
    if game is None:
        return
    options = app.options  # type: ignore[attr-defined]
    wanted = bool(options.dev) and bool(getattr(app, "dev_panel_open", False))
    panels = list(screen.query(DevPanel).results(DevPanel))
    sidebars = screen.query("#sidebar")
    if not wanted:
        for panel in panels:
            panel.remove()
        for sidebar in sidebars:
            sidebar.styles.clear_rule("display")  # back to what the stylesheet says
        return
    for sidebar in sidebars:
        sidebar.display = False
    if panels:
        panels[0].update_from(game)
    else:
        screen.query_one("#game-body").mount(DevPanel(game, id="dev-panel"))


def toggle_dev_panel(screen: Screen[Any]) -> None:
    """F12: open or close the panel; without --dev, say how to get it."""
    app = screen.app
    if not getattr(app.options, "dev", False):  # type: ignore[attr-defined]
        app.notify("The debug panel needs --dev: octobers play --dev.", title="F12",
                   markup=False)
        return
    app.dev_panel_open = not app.dev_panel_open  # type: ignore[attr-defined]
    refresh_dev_panel(screen)
