"""How you got here: the decisions that most shaped a finished game's ending.

The ending's condition, and the conditions of the epilogue paragraphs that were shown, say
which flags and variables decided it. The game is replayed from its origin (cheap: a few
dozen decisions), and each decision is credited with what it did to those names, measured
only in the direction the conditions needed:

- a flag the ending needs set (or cleared), set (or cleared) by the decision: 100 points,
  for the last decision that did it;
- a variable a comparison reads (`army >= 60`), moved towards the side the comparison holds
  on: its share of the variable's range, times 100 (+12 on 0..100 is 12 points);
- a `chosen("node", "choice")` the conditions read: the decision itself, 100 points.

Only the parts of a condition that hold at the end count, so a branch of an `or` that did not
decide the ending credits nobody. What a node did on arrival (`enter:`) is not a decision and
is left out. The answer is exact for the recorded game and needs no simulation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from game.engine import Game, ReplayError
from game.model import Expr, Story

FLAG_POINTS = 100.0


@dataclass(frozen=True)
class Reason:
    """One decision and why it mattered to the ending."""

    turn: int
    date: int
    node_id: str
    title: str
    choice: str
    why: str
    score: float


@dataclass
class _Needs:
    """What the deciding conditions read, in the direction they held."""

    flags: dict[str, bool] = field(default_factory=dict)  # flag -> needed set (True) or clear
    # variable -> (direction +1/-1/0, the comparison's operator and bound, for the text)
    numbers: dict[str, tuple[int, str]] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)
    chosen: set[tuple[str, str]] = field(default_factory=set)


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE,
         ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
_WORDS = {ast.Lt: "below {}", ast.LtE: "at {} or less", ast.Gt: "above {}",
          ast.GtE: "at {} or more", ast.Eq: "at exactly {}", ast.NotEq: "anywhere but {}"}


def explain(game: Game, limit: int = 5) -> list[Reason]:
    """The (up to `limit`) decisions that most shaped the ending, in the order taken."""
    ending = game.ending
    if ending is None:
        return []
    story = game.story
    # The ending's own condition decided it; the epilogue's paragraphs only coloured it,
    # so what they read counts half.
    own = _needs(story, game, [ending.when] if ending.when is not None else [])
    told = _needs(story, game, [p.when for p in ending.text
                                if p.when is not None and _holds(game, p.when)])
    if not (own.flags or own.numbers or own.texts or own.chosen):
        # a fallback ending that reads nothing: what moved the shown stats counts too
        own.numbers = {v.id: (0, "") for v in story.shown_variables}
    merged: dict[int, Reason] = {}
    for needs, weight in ((own, 1.0), (told, 0.5)):
        for reason in _credit(game, needs):
            first = merged.get(reason.turn)
            score = reason.score * weight
            if first is None:
                merged[reason.turn] = Reason(reason.turn, reason.date, reason.node_id,
                                             reason.title, reason.choice, reason.why, score)
            else:
                merged[reason.turn] = Reason(first.turn, first.date, first.node_id,
                                             first.title, first.choice,
                                             "; ".join(dict.fromkeys(
                                                 [*first.why.split("; "),
                                                  *reason.why.split("; ")])),
                                             first.score + score)
    ranked = sorted(merged.values(), key=lambda r: (-r.score, r.turn))[:limit]
    return sorted(ranked, key=lambda r: r.turn)


def _holds(game: Game, expr: Expr) -> bool:
    result = game._try(expr, game.date)  # noqa: SLF001 - the engine's own quiet evaluation
    return bool(result)


def _needs(story: Story, game: Game, exprs: Iterable[Expr]) -> _Needs:
    needs = _Needs()
    for expr in exprs:
        try:
            tree = ast.parse(expr.source.strip(), mode="eval").body
        except SyntaxError:  # pragma: no cover - compiled expressions always parse
            continue
        _walk(tree, True, story, game, needs)
    return needs


def _walk(node: ast.AST, positive: bool, story: Story, game: Game, needs: _Needs) -> None:
    """Collect the names a condition reads, keeping only the parts that hold now."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _walk(node.operand, not positive, story, game, needs)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _walk(value, positive, story, game, needs)
        return
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == "flags":
        is_set = node.attr in game.flags
        if is_set == positive:
            needs.flags[node.attr] = positive
        return
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        _compare(node, positive, story, game, needs)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == "chosen" and len(node.args) == 2 \
            and all(isinstance(a, ast.Constant) for a in node.args):
        key = (str(node.args[0].value), str(node.args[1].value))  # type: ignore[attr-defined]
        if (key in game.chosen) == positive:
            needs.chosen.add(key)
        return
    for child in ast.iter_child_nodes(node):  # arithmetic and the rest: any direction
        if isinstance(child, ast.Name) and child.id in story.variables:
            needs.numbers.setdefault(child.id, (0, ""))
        else:
            _walk(child, positive, story, game, needs)


def _compare(node: ast.Compare, positive: bool, story: Story, game: Game,
             needs: _Needs) -> None:
    left, op, right = node.left, type(node.ops[0]), node.comparators[0]
    if isinstance(right, ast.Name) and not isinstance(left, ast.Name):
        left, right, op = right, left, _FLIP.get(op, op)
    if not isinstance(left, ast.Name):
        for child in (left, right):
            _walk(child, positive, story, game, needs)
        return
    name = left.id
    if name in story.texts:
        needs.texts.add(name)
        return
    if name not in story.variables or not isinstance(right, ast.Constant) \
            or not isinstance(right.value, int | float):
        if name in story.variables:
            needs.numbers.setdefault(name, (0, ""))
        return
    bound = right.value
    value = game.values[name]
    holds = {ast.Lt: value < bound, ast.LtE: value <= bound, ast.Gt: value > bound,
             ast.GtE: value >= bound, ast.Eq: value == bound,
             ast.NotEq: value != bound}.get(op)
    if holds is None or holds != positive:
        return  # this part did not decide the ending
    if not positive:  # `not (army >= 60)` held: the ending needed the other side
        op = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt,
              ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}[op]
    direction = 1 if op in (ast.Gt, ast.GtE) else -1 if op in (ast.Lt, ast.LtE) else 0
    bound_text = int(bound) if float(bound).is_integer() else bound
    needs.numbers[name] = (direction, _WORDS[op].format(bound_text))


def _credit(game: Game, needs: _Needs) -> list[Reason]:
    """Replay the game and credit each decision with what it did to the needed names."""
    story = game.story
    try:
        replay = Game.from_origin(story, game.origin)
    except (KeyError, ValueError):
        return []
    last_setter: dict[str, int] = {}  # flag -> index of the last decision that moved it
    parts: list[list[tuple[float, str]]] = []
    entries = []
    for index, (node_id, choice_id) in enumerate(game.path):
        if replay.node_id != node_id:
            break
        values, flags = dict(replay.values), set(replay.flags)
        try:
            result = replay.choose(choice_id)
        except (ValueError, ReplayError):
            break
        entry = result.entry
        entries.append(entry)
        arrival = entry.then
        arrived = story.nodes.get(arrival.node_id) if arrival is not None else None
        enter = arrived.enter if arrived is not None else None
        by_arrival = {c.id: c.delta for c in arrival.changes} if arrival is not None else {}
        mine: list[tuple[float, str]] = []
        for flag, wanted in needs.flags.items():
            moved = (flag in replay.flags) != (flag in flags)
            if enter is not None and flag in (*enter.set, *enter.clear):
                moved = False
            if moved and (flag in replay.flags) == wanted:
                last_setter[flag] = index
        for name, (direction, words) in needs.numbers.items():
            variable = story.variables[name]
            delta = replay.values[name] - values[name] - by_arrival.get(name, 0)
            if delta == 0 or (direction and delta * direction < 0):
                continue
            span = max(1, variable.max - variable.min)
            need = f" (this ending needs it {words})" if words else ""
            # a year or a count set outright reads better as its new value than as a jump
            change = f"{variable.label} {delta:+d}" if span <= 200 else \
                f"{variable.label} now {replay.values[name]}"
            mine.append((100.0 * abs(delta) / span, f"{change}{need}"))
        for name in needs.texts:
            if replay.values[name] != values[name] and name not in dict(enter.texts
                                                                         if enter else ()):
                label = story.texts[name].label
                mine.append((FLAG_POINTS / 2, f"{label}: {replay.values[name]}"))
        if (node_id, choice_id) in needs.chosen:
            mine.append((FLAG_POINTS, "this ending turns on this very choice"))
        parts.append(mine)
    for flag, index in last_setter.items():
        verb = "set" if needs.flags[flag] else "cleared"
        parts[index].append((FLAG_POINTS, f"{verb} the {flag} flag"))
    reasons = []
    for index, mine in enumerate(parts):
        if not mine:
            continue
        mine.sort(key=lambda p: -p[0])
        entry = entries[index]
        reasons.append(Reason(index + 1, entry.date, entry.node_id, entry.title, entry.label,
                              "; ".join(text for _, text in mine[:3]),
                              sum(score for score, _ in mine)))
    return reasons
