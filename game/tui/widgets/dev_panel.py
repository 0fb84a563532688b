"""The debug panel (`octobers play --dev`, F12): every variable, the flags, and why.

The game screen calls two functions and holds nothing itself:

    toggle_dev_panel(screen)    # F12: show or hide (a notice without --dev)
    refresh_dev_panel(screen)   # after every choice and whenever a game screen is shown
    scroll_dev_panel(screen, 1) # [ and ]: half a panel up (-1) or down (1)

Whether the panel is open is the app's `dev_panel_open`, so it stays open across the fresh
game screens a rewind, a load or a live reload bring. The "why" is the engine's
`game.authoring.explain`; this module only lays it out. While the panel is open it takes the
sidebar's place (it shows every variable, hidden ones too), and the screen gets the class
`-dev-open`, which moves notifications to the left half (octobers.tcss) so they never cover it.
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
    if origin.state is not None and origin.state.source:
        parts += ["\n  ", (f"from {origin.state.source}", "dim")]
    parts += ["\n\n", ("Why", "bold $secondary")]
    why = explain(game)
    if why is None:
        parts.append(f"\n  the game has ended: {game.ending_id}")
        return Content.assemble(*parts, *outcome_parts(game))
    for line in format_explanation(why).splitlines():
        style = next((s for marker, s in STATUS_STYLES.items() if marker in line), "")
        parts += ["\n  ", (line, style) if style else line]
    return Content.assemble(*parts, *outcome_parts(game))


def _short(text: str, width: int = 44) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def outcome_parts(game: Game) -> list[str | tuple[str, str] | Content]:
    """The last outcome drawn, and the weights of the current choices' outcomes now."""
    parts: list[str | tuple[str, str] | Content] = ["\n\n", ("Outcomes", "bold $secondary")]
    forced = {(n, c): k for n, c, k in game.origin.outcomes}
    last = game.timeline[-1] if game.timeline else None
    node = game.story.nodes.get(last.node_id) if last is not None else None
    choice = next((c for c in node.choices if c.id == last.choice_id), None) \
        if node is not None and last is not None else None
    if last is not None and last.outcome is not None and choice is not None:
        tag = "  (forced by --outcome)" if (last.node_id, last.choice_id) in forced else ""
        parts += ["\n  last draw: ", (f"{last.node_id}.{last.choice_id}", "bold"),
                  f" → outcome {last.outcome + 1} of {len(choice.outcomes)}",
                  (tag, "$warning") if tag else "", ("\n    " + _short(last.log), "dim")]
    else:
        parts += ["\n  ", ("last decision drew no outcome", "dim")]
    current = game.node
    if current is None:
        return parts
    for option in current.choices:
        if not option.outcomes:
            continue
        weights = game.outcome_weights(option)
        total = sum(w for w in weights if w > 0)
        parts += ["\n  ", (option.id, "bold"), " draws:"]
        for index, (outcome, weight) in enumerate(zip(option.outcomes, weights, strict=True)):
            share = f"{max(weight, 0) / total:.0%}" if total > 0 else "–"
            log = game.text(outcome.effect.log) if outcome.effect.log is not None else ""
            mark = "  ← forced (--outcome)" if forced.get((current.id, option.id)) == index \
                else ""
            parts += [f"\n    {index + 1}. weight {weight:g} ({share})",
                      (f" {_short(log)}", "dim") if log else "",
                      (mark, "$warning") if mark else ""]
    return parts


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
        yield Static(" Debug (F12 hides, [ and ] scroll)", id="dev-title", markup=False)
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
    screen.set_class(wanted, "-dev-open")  # notifications go to the left half (octobers.tcss)
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


def scroll_dev_panel(screen: Screen[Any], direction: int) -> bool:
    """`[` and `]`: scroll the open panel half its height up (-1) or down (1); False if shut."""
    for panel in screen.query(DevPanel).results(DevPanel):
        panel.scroll_relative(y=direction * max(1, panel.size.height // 2), animate=False)
        return True
    return False
