"""The State of the Union as text: every variable the player may see now, and the stats guide.

    for line in union_lines(game): print(line)     # plain mode's `u`
    guide_markdown(story)                           # help and the State of the Union view

Pure: it reads a game or a story and returns text. The full-screen view
(game/tui/screens/union.py) lays out the same facts with bars; this module is what plain
mode prints and what both share (`trend`, `danger_text`, `guide_markdown`).
"""

from __future__ import annotations

from collections.abc import Sequence

from game.engine import Game
from game.model import Story, Variable
from game.statsguide import guide

SPARKS = "▁▂▃▄▅▆▇█"


def trend(values: Sequence[int], low: int, high: int, width: int = 40) -> str:
    """A sparkline of the last `width` values on the variable's own scale."""
    span = max(1, high - low)
    out = []
    for value in list(values)[-width:]:
        share = min(1.0, max(0.0, (value - low) / span))
        out.append(SPARKS[min(len(SPARKS) - 1, int(share * len(SPARKS)))])
    return "".join(out)


def danger_text(variable: Variable) -> str:
    """'danger below 15: the state may come apart', or '' without a danger zone."""
    danger = variable.danger
    if danger is None:
        return ""
    text = f"danger {danger.describe()}"
    return f"{text}: {danger.warning}" if danger.warning else text


def change_word(delta: int) -> str:
    """'+5', '-3' or 'no change'."""
    return f"{delta:+d}" if delta else "no change"


def union_lines(game: Game) -> list[str]:
    """Every variable the player may see now, then the text values, as plain lines."""
    lines = ["STATE OF THE UNION"]
    for variable in game.revealed():
        value = int(game.values[variable.id])
        mark = "  (in danger)" if game.in_danger(variable.id) else ""
        lines.append("")
        lines.append(f"{variable.label}: {value} (from {variable.min} to {variable.max}), "
                     f"last change {change_word(game.last_change(variable.id))}{mark}")
        if variable.description:
            lines.append(f"  {' '.join(variable.description.split())}")
        series = [v for _, v in game.series(variable.id)]
        lines.append(f"  trend: {trend(series, variable.min, variable.max)}")
        danger = danger_text(variable)
        if danger:
            lines.append(f"  {danger}")
    texts = [f"{t.label}: {game.values[t.id]}" for t in game.story.texts.values() if t.shown]
    if texts:
        lines += ["", " · ".join(texts)]
    return lines


def guide_markdown(story: Story) -> str:
    """The stats guide as Markdown: each shown stat, what it means, where its danger lies and
    what happens at its extremes (the endings and events whose conditions read it)."""
    out = []
    for entry in guide(story, shown_only=True):
        variable = entry.variable
        out.append(f"#### {variable.label}")
        out.append("")
        if variable.description:
            out += [" ".join(variable.description.split()), ""]
        out.append(f"- Danger: {entry.danger}" if entry.danger else "- No danger zone.")
        if entry.readers:
            out.append("- What reads it:")
            out += [f"  - {reader}" for reader in entry.readers]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def guide_lines(story: Story) -> list[str]:
    """The stats guide as plain lines."""
    lines = ["WHAT THE STATS MEAN"]
    for entry in guide(story, shown_only=True):
        variable = entry.variable
        lines += ["", variable.label]
        if variable.description:
            lines.append(f"  {' '.join(variable.description.split())}")
        lines.append(f"  danger: {entry.danger}" if entry.danger else "  no danger zone")
        lines += [f"  - {reader}" for reader in entry.readers]
    return lines
