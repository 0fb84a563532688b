"""Why the game stands where it stands: the debug panel's engine side (`--dev`, F12).

    why = explain(game)             # None once the game has ended
    why.arrival                     # how this node came up: start, goto, or the calendar
    why.condition                   # its `when`, its value now, and what it read
    for c in why.choices: c.status, c.condition

Pure and read-only: conditions are evaluated on the game's current state without touching
it (no problems are recorded, no chance is drawn). `format_explanation` renders plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.authoring.analysis import atoms_of
from game.engine import Game
from game.errors import ContentRuntimeError
from game.expressions import evaluate
from game.model import Expr, Node, format_date, iso_date


@dataclass(frozen=True)
class Reading:
    """One thing a condition read, and its value now."""

    name: str  # as written: "stability", "flags.nep", 'visited("x")', "year"
    value: Any


@dataclass(frozen=True)
class Condition:
    """A condition, where it is written, its value now and what it read."""

    source: str
    where: str
    value: bool | None  # None: evaluating it failed (the engine counts that as false)
    reads: tuple[Reading, ...]
    error: str | None = None


@dataclass(frozen=True)
class ChoiceWhy:
    """Why one choice of the current node is open, locked or hidden."""

    id: str
    label: str
    status: str  # "open", "locked" or "hidden"
    condition: Condition | None
    locked_reason: str | None
    goto: str | None
    ai: float | None


@dataclass(frozen=True)
class NodeWhy:
    """Why the current node fired now, and the state of each of its choices."""

    node_id: str
    title: str
    date: str
    window: str
    priority: int
    arrival: str
    condition: Condition | None
    rivals: tuple[str, ...]
    choices: tuple[ChoiceWhy, ...]
    where: str


def condition(game: Game, expr: Expr, date: int | None = None) -> Condition:
    """Evaluate a condition on the game's state, with the values of what it reads."""
    when = game.date if date is None else date
    value: bool | None
    error = None
    try:
        value = bool(evaluate(expr, game.values, game.flags, game.seen, game.chosen, when,
                              "debug panel"))
    except ContentRuntimeError as exc:
        value, error = None, str(exc)
    reads: list[Reading] = []
    seen_names: set[str] = set()
    for atom in atoms_of(expr, texts=game.story.texts):
        if atom.label in seen_names:
            continue
        seen_names.add(atom.label)
        reads.append(Reading(atom.label, _read(game, atom.kind, atom.key, when)))
    return Condition(expr.source, str(expr.where), value, tuple(reads), error)


def _read(game: Game, kind: str, key: str, date: int) -> Any:
    if kind == "flag":
        return key in game.flags
    if kind == "visited":
        return key in game.seen
    if kind == "chosen":
        node, choice = key.split(".", 1)
        return (node, choice) in game.chosen
    if kind == "date":
        return date // 12 if key == "year" else date % 12 + 1
    return game.values.get(key)


def arrival(game: Game) -> str:
    """How the current node came up: the scenario's start, a goto, or the calendar."""
    node = game.node
    if node is None:
        return "the game has ended"
    if not game.path:
        if game.origin.start_at is not None:
            return f"test start: --start-at {node.id}"
        return f"the start of the scenario '{game.origin.scenario}'"
    last_node, last_choice = game.path[-1]
    source = game.story.nodes.get(last_node)
    choice = None if source is None else next(
        (c for c in source.choices if c.id == last_choice), None)
    if choice is not None:
        goto = choice.effect.goto
        outcome = game.timeline[-1].outcome if game.timeline else None
        if outcome is not None and outcome < len(choice.outcomes):
            goto = choice.outcomes[outcome].effect.goto or goto
        if goto == node.id:
            return f"goto from '{last_node}', choice '{last_choice}'"
    return f"the calendar: the earliest event due after '{last_node}' whose condition held"


def _window(node: Node) -> str:
    if node.date == node.until:
        return iso_date(node.date)
    return f"{iso_date(node.date)} to {iso_date(node.until)}"


def _rivals(game: Game, node: Node) -> tuple[str, ...]:
    """Other unseen events due this month whose condition holds, which this one outranked."""
    out = []
    for other in game.story.nodes.values():
        if other.id == node.id or other.id in game.seen:
            continue
        if not other.date <= game.date <= other.until:
            continue
        if other.when is not None and condition(game, other.when).value is not True:
            continue
        reason = f"priority {other.priority}" if other.priority != node.priority else \
            "later in load order" if other.order > node.order else "earlier in load order"
        out.append(f"{other.id} ({reason})")
    return tuple(out)


def explain(game: Game) -> NodeWhy | None:
    """Why the current node fired now and why each choice is open, locked or hidden."""
    node = game.node
    if node is None:
        return None
    views = {v.id: v for v in game.choices()}
    choices = []
    for choice in node.choices:
        cond = condition(game, choice.when) if choice.when is not None else None
        view = views.get(choice.id)
        status = "open" if view is not None and view.enabled else \
            "locked" if view is not None else "hidden"
        ai = None
        if not isinstance(choice.ai, Expr):
            ai = float(choice.ai)
        choices.append(ChoiceWhy(choice.id, game.text(choice.label), status, cond,
                                 view.locked_reason if view is not None else None,
                                 choice.effect.goto, ai))
    how = arrival(game)
    return NodeWhy(
        node.id, game.text(node.title), format_date(game.date), _window(node), node.priority,
        how, condition(game, node.when) if node.when is not None else None,
        _rivals(game, node) if how.startswith("the calendar") else (), tuple(choices),
        str(node.where),
    )


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def format_condition(cond: Condition) -> str:
    """'when "stability > 30" → true (stability = 42)'."""
    verdict = "failed" if cond.value is None else "true" if cond.value else "false"
    reads = ", ".join(f"{r.name} = {_value(r.value)}" for r in cond.reads)
    text = f'when "{cond.source}" → {verdict}'
    if reads:
        text += f" ({reads})"
    if cond.error:
        text += f"\n      {cond.error}"
    return text


def format_explanation(why: NodeWhy) -> str:
    """The explanation as plain text, one fact per line."""
    lines = [f"{why.node_id} · {why.title} · {why.date}",
             f"  at {why.where}",
             f"  window {why.window}, priority {why.priority}",
             f"  came up by {why.arrival}"]
    if why.condition is not None:
        lines.append("  " + format_condition(why.condition))
    if why.rivals:
        lines.append("  also due this month, outranked: " + ", ".join(why.rivals))
    lines.append("  choices:")
    for choice in why.choices:
        line = f"    [{choice.status}] {choice.id}: {choice.label}"
        if choice.goto:
            line += f" → {choice.goto}"
        lines.append(line)
        if choice.condition is not None:
            lines.append("      " + format_condition(choice.condition))
        if choice.locked_reason:
            lines.append(f"      locked: {choice.locked_reason}")
    return "\n".join(lines)
