"""The game: a small mutable state and the turn loop, played through a narrow API.

    game = Game.new(story, scenario="february", seed=7)
    scene = game.scene()            # date, title, text, numbered choices
    result = game.choose(1)         # what the choice did
    game.ending                     # set once the story has ended

The TUI, the plain mode and the simulator are all clients of this API; none of them evaluates
a condition or applies an effect itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game import rng
from game.errors import ContentRuntimeError, GameError
from game.expressions import evaluate
from game.model import (
    Choice, Effect, Ending, Expr, Node, Paragraph, Story, Template, format_date,
)
from game.schedule import schedule_for
from game.text import render, render_paragraphs

MAX_TURNS = 1000
CONTINUE_ID = "_continue"


class ReplayError(GameError):
    """A recorded path no longer fits the content (a node or choice has changed)."""


@dataclass(frozen=True)
class Origin:
    """How a game began: enough to replay it from the start."""

    scenario: str
    seed: int
    start_at: str | None = None
    values: tuple[tuple[str, int | str], ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceView:
    """A choice as a player meets it: numbered, labelled, open or locked."""

    number: int
    id: str
    label: str
    enabled: bool
    locked_reason: str | None = None


@dataclass(frozen=True)
class Scene:
    """What the player sees at a decision."""

    date: int
    date_label: str
    node_id: str
    title: str
    text: str
    history: str
    choices: tuple[ChoiceView, ...]


@dataclass(frozen=True)
class Change:
    """A variable's value before and after a turn."""

    id: str
    label: str
    before: int
    after: int
    shown: bool

    @property
    def delta(self) -> int:
        """How much it moved."""
        return self.after - self.before


@dataclass(frozen=True)
class Entry:
    """One line of the alternate history: a decision taken and what came of it."""

    turn: int
    date: int
    node_id: str
    title: str
    choice_id: str
    label: str
    log: str
    outcome: int | None = None
    changes: tuple[Change, ...] = ()


@dataclass
class TurnResult:
    """What one choice did."""

    entry: Entry
    ended: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class Branch:
    """An abandoned future, kept so the player can return to it."""

    at: int
    path: list[tuple[str, str]]
    date: int
    title: str


class Game:
    """One playthrough: the story, the mutable state and its record."""

    def __init__(self, story: Story, origin: Origin):
        self.story = story
        self.origin = origin
        self.values: dict[str, Any] = {}
        self.flags: set[str] = set()
        self.seen: set[str] = set()
        self.chosen: set[tuple[str, str]] = set()
        self.date = 0
        self.node_id: str | None = None
        self.ending_id: str | None = None
        self.rng_state = 0
        self.turn = 0
        self.path: list[tuple[str, str]] = []
        self.timeline: list[Entry] = []
        self.history: list[tuple[int, dict[str, int]]] = []
        self.branches: list[Branch] = []
        self.problems: list[str] = []
        self._schedule = schedule_for(story)

    # ---- starting ------------------------------------------------------------------------
    @classmethod
    def new(cls, story: Story, scenario: str | None = None, seed: int | None = None,
            start_at: str | None = None, values: Mapping[str, int | str] | None = None,
            flags: Iterable[str] = ()) -> Game:
        """A new game of a scenario (the first when None), optionally from another node."""
        chosen = story.scenario(scenario)
        origin = Origin(chosen.id, rng.new_seed() if seed is None else seed, start_at,
                        tuple(sorted((values or {}).items())), tuple(sorted(set(flags))))
        return cls.from_origin(story, origin)

    @classmethod
    def from_origin(cls, story: Story, origin: Origin) -> Game:
        """A game at the start of its origin (scenario, seed and any test-from-here set-up)."""
        game = cls(story, origin)
        scenario = story.scenario(origin.scenario)
        game.values = {v.id: v.start for v in story.variables.values()}
        game.values.update({t.id: t.start for t in story.texts.values()})
        game.values.update(dict(scenario.vars))
        game.values.update(dict(scenario.texts))
        game.flags = set(scenario.set) | set(origin.flags)
        for name, value in origin.values:
            variable = story.variables.get(name)
            game.values[name] = value if variable is None else _clamp(int(value), variable)
        game.rng_state = rng.derive(origin.seed)
        start = story.nodes[origin.start_at or scenario.start]
        game.date = max(scenario.date, start.date) if origin.start_at is None else start.date
        game.node_id = start.id
        game._record_history()
        return game

    @classmethod
    def replay(cls, story: Story, origin: Origin, path: Iterable[tuple[str, str]]) -> Game:
        """Replay a recorded path from its origin; raises ReplayError if it no longer fits."""
        game = cls.from_origin(story, origin)
        for node_id, choice_id in path:
            if game.node_id != node_id:
                raise ReplayError(f"expected '{node_id}' but the story is at "
                                  f"'{game.node_id or game.ending_id}'")
            try:
                game.choose(choice_id)
            except ValueError as exc:
                raise ReplayError(str(exc)) from None
        return game

    # ---- looking -------------------------------------------------------------------------
    @property
    def node(self) -> Node | None:
        """The event waiting for a decision, or None once the game has ended."""
        return None if self.node_id is None else self.story.nodes[self.node_id]

    @property
    def ending(self) -> Ending | None:
        """The ending reached, or None while the game goes on."""
        return None if self.ending_id is None else self.story.ending(self.ending_id)

    @property
    def over(self) -> bool:
        """True once an ending has been reached."""
        return self.ending_id is not None

    def text(self, template: Template) -> str:
        """Fill a template from the current state."""
        return render(template, self.values, self.date)

    def paragraphs(self, paragraphs: tuple[Paragraph, ...]) -> str:
        """Render narrative paragraphs whose conditions hold now."""
        return render_paragraphs(paragraphs, self.values, self.date,
                                 lambda expr: self._holds(expr, "a paragraph"))

    def choices(self) -> list[ChoiceView]:
        """The current node's choices that a player can see, numbered from 1."""
        node = self.node
        if node is None:
            return []
        views = []
        for choice in node.choices:
            open_ = choice.when is None or self._holds(
                choice.when, f"node '{node.id}', choice '{choice.id}'")
            if not open_ and choice.locked is None:
                continue
            reason = None if open_ or choice.locked is None else self.text(choice.locked)
            views.append(ChoiceView(len(views) + 1, choice.id, self.text(choice.label),
                                    open_, reason))
        if not any(view.enabled for view in views):
            views.append(ChoiceView(len(views) + 1, CONTINUE_ID,
                                    "Let events take their course", True))
        return views

    def scene(self) -> Scene:
        """Everything a client needs to show the current decision."""
        node = self.node
        if node is None:
            raise GameError("the game has ended; there is no scene")
        return Scene(self.date, format_date(self.date), node.id, self.text(node.title),
                     self.paragraphs(node.text), node.history.strip(), tuple(self.choices()))

    def ending_text(self) -> tuple[str, str]:
        """The ending's title and epilogue, filled in."""
        ending = self.ending
        if ending is None:
            raise GameError("the game has not ended")
        return self.text(ending.title), self.paragraphs(ending.text)

    def last_change(self, var_id: str) -> int:
        """How much a variable moved on the last turn (0 at the start)."""
        if len(self.history) < 2:
            return 0
        return self.history[-1][1].get(var_id, 0) - self.history[-2][1].get(var_id, 0)

    # ---- playing -------------------------------------------------------------------------
    def choose(self, choice: int | str) -> TurnResult:
        """Take a choice by its number (from 1) or id; raises ValueError if it is not open."""
        node = self.node
        if node is None:
            raise ValueError("the game has ended")
        views = self.choices()
        view = next((v for v in views if v.number == choice or v.id == choice), None)
        if view is None:
            raise ValueError(f"no choice {choice!r} at '{node.id}'")
        if not view.enabled:
            raise ValueError(f"choice '{view.id}' is locked: {view.locked_reason}")
        problems_before = len(self.problems)
        before = {v: self.values[v] for v in self.story.variables}
        logs: list[str] = []
        picked = next((c for c in node.choices if c.id == view.id), None)
        outcome_index: int | None = None
        goto: str | None = None
        if picked is not None:
            goto = self._apply(picked.effect, node, picked, logs)
            if picked.outcomes:
                outcome_index = self._draw(picked, node)
                goto = self._apply(picked.outcomes[outcome_index].effect, node, picked,
                                   logs) or goto
        self.seen.add(node.id)
        self.chosen.add((node.id, view.id))
        self.path.append((node.id, view.id))
        self.turn += 1
        changes = tuple(
            Change(v.id, v.label, before[v.id], self.values[v.id], v.shown)
            for v in self.story.variables.values() if self.values[v.id] != before[v.id])
        entry = Entry(self.turn, self.date, node.id, self.text(node.title), view.id,
                      view.label, " ".join(logs) or view.label, outcome_index, changes)
        self.timeline.append(entry)
        self._advance(goto)
        self._record_history()
        return TurnResult(entry, self.over, self.problems[problems_before:])

    def rewind(self, steps: int) -> Game:
        """A new game that has replayed only the first `steps` decisions of this one.

        The abandoned future is kept in `branches`, so the player can return to it.
        """
        if not 0 <= steps <= len(self.path):
            raise ValueError(f"cannot rewind to decision {steps}")
        game = Game.replay(self.story, self.origin, self.path[:steps])
        game.branches = list(self.branches)
        if steps < len(self.path):
            title = self.text(self.ending.title) if self.ending else (
                self.text(self.node.title) if self.node else "")
            game.branches.append(Branch(steps, list(self.path), self.date, title))
        return game

    def restore_branch(self, index: int) -> Game:
        """Return to an abandoned future; the present becomes a branch in its turn."""
        branch = self.branches[index]
        game = Game.replay(self.story, self.origin, branch.path)
        others = [b for i, b in enumerate(self.branches) if i != index]
        common = 0
        for mine, theirs in zip(self.path, branch.path, strict=False):
            if mine != theirs:
                break
            common += 1
        title = self.text(self.ending.title) if self.ending else (
            self.text(self.node.title) if self.node else "")
        game.branches = [*others, Branch(common, list(self.path), self.date, title)]
        return game

    # ---- inside ----------------------------------------------------------------------------
    def _holds(self, expr: Expr, context: str, date: int | None = None) -> bool:
        try:
            return bool(evaluate(expr, self.values, self.flags, self.seen, self.chosen,
                                 self.date if date is None else date, context))
        except ContentRuntimeError as exc:
            self.problems.append(str(exc))
            return False

    def _number(self, value: int | float | Expr, context: str) -> float:
        if not isinstance(value, Expr):
            return value
        try:
            result = evaluate(value, self.values, self.flags, self.seen, self.chosen,
                              self.date, context)
            return float(result)
        except ContentRuntimeError as exc:
            self.problems.append(str(exc))
            return 0.0

    def _apply(self, effect: Effect, node: Node, choice: Choice, logs: list[str]) -> str | None:
        context = f"node '{node.id}', choice '{choice.id}'"
        deltas = [(name, self._number(amount, context)) for name, amount in effect.deltas]
        assigns = [(name, self._number(amount, context)) for name, amount in effect.assign]
        variables = self.story.variables
        for name, amount in deltas:
            self.values[name] = _clamp(self.values[name] + round(amount), variables[name])
        for name, amount in assigns:
            self.values[name] = _clamp(round(amount), variables[name])
        self.flags.update(effect.set)
        self.flags.difference_update(effect.clear)
        for name, template in effect.texts:
            self.values[name] = self.text(template)
        if effect.log is not None:
            logs.append(self.text(effect.log))
        return effect.goto

    def _draw(self, choice: Choice, node: Node) -> int:
        context = f"node '{node.id}', choice '{choice.id}', outcome weight"
        weights = [max(0.0, self._number(o.weight, context)) for o in choice.outcomes]
        total = sum(weights)
        self.rng_state, roll = rng.uniform(self.rng_state)
        if total <= 0:
            return int(roll * len(weights))
        target = roll * total
        for index, weight in enumerate(weights):
            target -= weight
            if target < 0:
                return index
        return len(weights) - 1

    def _advance(self, goto: str | None) -> None:
        for ending in self.story.endings:
            if ending.immediate and ending.when is not None and \
                    self._holds(ending.when, f"ending '{ending.id}'"):
                self._end(ending.id)
                return
        if self.turn >= MAX_TURNS:
            self.problems.append(f"the game passed {MAX_TURNS} decisions; a goto loop?")
            self._end_final()
            return
        if goto is not None:
            target = self.story.nodes.get(goto)
            if target is None:
                self._end(goto)
            else:
                self.node_id = target.id
                self.date = max(self.date, target.date)
            return
        found = self._schedule.next(
            self.date, self.seen,
            lambda expr, month: self._holds(expr, "an event's condition", month))
        if found is None:
            self._end_final()
        else:
            self.node_id, self.date = found[0].id, found[1]

    def _end_final(self) -> None:
        fallback = None
        for ending in self.story.endings:
            if ending.immediate:
                continue
            if ending.when is None:
                fallback = fallback or ending.id
            elif self._holds(ending.when, f"ending '{ending.id}'"):
                self._end(ending.id)
                return
        self._end(fallback or self.story.endings[-1].id)

    def _end(self, ending_id: str) -> None:
        self.node_id = None
        self.ending_id = ending_id

    def _record_history(self) -> None:
        self.history.append(
            (self.date, {v: int(self.values[v]) for v in self.story.variables}))


def _clamp(value: int, variable: Any) -> int:
    return variable.min if value < variable.min else variable.max if value > variable.max \
        else value
