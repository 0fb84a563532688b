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
from dataclasses import MISSING, dataclass, field, fields
from typing import Any
from weakref import WeakKeyDictionary

from game import rng
from game.errors import ContentRuntimeError, GameError
from game.expressions import evaluate
from game.model import (
    Choice,
    Effect,
    Ending,
    Expr,
    Node,
    Paragraph,
    Story,
    Template,
    Variable,
    format_date,
)
from game.schedule import schedule_for
from game.text import render, render_paragraphs

MAX_TURNS = 1000
MAX_TEXT_LENGTH = 1000  # characters a text variable may hold while playing (a content error)
CONTINUE_ID = "_continue"
# node id -> its choices' views when they never change (or None), per story
_FIXED_VIEWS: WeakKeyDictionary[Story, dict[str, tuple[ChoiceView, ...] | None]] = \
    WeakKeyDictionary()


def _quick_init(cls: type) -> type:
    """Give a frozen dataclass a faster __init__, for the objects made several times a turn.

    dataclasses makes a frozen class's __init__ set each field through `object.__setattr__`,
    five times slower than a plain class's. This one (same signature and defaults, made the
    way dataclasses makes its own) fills the instance's dict at once; the class stays frozen:
    assigning a field afterwards still raises FrozenInstanceError.
    """
    names = [f.name for f in fields(cls)]
    defaults = {f"_d_{f.name}": f.default for f in fields(cls) if f.default is not MISSING}
    params = ", ".join(f"{n}=_d_{n}" if f"_d_{n}" in defaults else n for n in names)
    body = ", ".join(f"{n!r}: {n}" for n in names)
    namespace: dict[str, Any] = dict(defaults)
    exec(f"def __init__(self, {params}):\n"  # noqa: S102 - field names of our own classes
         f"    self.__dict__.update({{{body}}})\n", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


class ReplayError(GameError):
    """A recorded path no longer fits the content (a node or choice has changed)."""


@dataclass(frozen=True)
class StartState:
    """A whole state to begin from instead of a scenario's start values (for testing a moment).

    Made by game/authoring/startstate.py, e.g. from a random game that reached the node;
    `source` says where it came from, in words for the player.
    """

    date: int
    values: tuple[tuple[str, int | str], ...]
    flags: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    chosen: tuple[tuple[str, str], ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Origin:
    """How a game began: enough to replay it from the start.

    `state` replaces the scenario's start values (then `values` and `flags` apply on top);
    `outcomes` forces the outcome drawn at a choice: (node id, choice id, outcome index).
    """

    scenario: str
    seed: int
    start_at: str | None = None
    values: tuple[tuple[str, int | str], ...] = ()
    flags: tuple[str, ...] = ()
    state: StartState | None = None
    outcomes: tuple[tuple[str, str, int], ...] = ()


@_quick_init
@dataclass(frozen=True)
class ChoiceView:
    """A choice as a player meets it: numbered, labelled, open or locked."""

    number: int
    id: str
    label: str
    enabled: bool
    locked_reason: str | None = None


@_quick_init
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


@_quick_init
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
class Arrival:
    """What a node did as it came up (its `enter:`), before the player read it."""

    node_id: str
    title: str
    log: str
    changes: tuple[Change, ...] = ()


@_quick_init
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
    then: Arrival | None = None


@dataclass
class TurnResult:
    """What one choice did."""

    entry: Entry
    ended: bool
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
        self.opening: Arrival | None = None
        self.unlocked: set[str] = set()  # codex entries opened by `unlock:` effects
        self.outcome: int | None = None  # the outcome drawn at the last decision, if any
        self._forced = {(node, choice): index for node, choice, index in origin.outcomes}
        self._schedule = schedule_for(story)
        self._var_ids = tuple(story.variables)
        self._var_order = {name: index for index, name in enumerate(self._var_ids)}
        self._fixed_views = _FIXED_VIEWS.setdefault(story, {})
        self._immediate = tuple(e for e in story.endings if e.immediate and e.when is not None)

    # ---- starting ------------------------------------------------------------------------
    @classmethod
    def new(cls, story: Story, scenario: str | None = None, seed: int | None = None,
            start_at: str | None = None, values: Mapping[str, int | str] | None = None,
            flags: Iterable[str] = (), state: StartState | None = None,
            outcomes: Iterable[tuple[str, str, int]] = ()) -> Game:
        """A new game of a scenario (the first when None), optionally from another node."""
        chosen = story.scenario(scenario)
        origin = Origin(chosen.id, rng.new_seed() if seed is None else seed, start_at,
                        tuple(sorted((values or {}).items())), tuple(sorted(set(flags))),
                        state, tuple(sorted(set(outcomes))))
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
        state = origin.state
        if state is not None:
            game.values.update((k, v) for k, v in state.values if k in game.values)
            game.flags = set(state.flags) | set(origin.flags)
            game.seen, game.chosen = set(state.seen), set(state.chosen)
        for name, value in origin.values:
            variable = story.variables.get(name)
            game.values[name] = value if variable is None else _clamp(int(value), variable)
        game.rng_state = rng.derive(origin.seed)
        start = story.nodes[origin.start_at or scenario.start]
        game.date = max(scenario.date, start.date) if origin.start_at is None else start.date
        if state is not None:
            game.date = max(state.date, start.date)
        game.node_id = start.id
        game.opening = game._arrive(start, record=True)
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
        parts = template.parts
        if len(parts) == 1 and not parts[0][0]:
            return parts[0][1]  # plain text, the commonest case
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
        fixed = self._fixed_views.get(node.id)
        if fixed is not None:
            return list(fixed)
        views: list[ChoiceView] = []
        any_open = False
        for choice in node.choices:
            open_ = choice.when is None or self._open(node, choice)
            if not open_ and (choice.locked is None or self._hidden(choice)):
                continue
            reason = None if open_ or choice.locked is None else self.text(choice.locked)
            any_open = any_open or open_
            views.append(ChoiceView(len(views) + 1, choice.id, self.text(choice.label),
                                    open_, reason))
        if not any_open:
            views.append(ChoiceView(len(views) + 1, CONTINUE_ID,
                                    "Let events take their course", True))
        if node.id not in self._fixed_views:
            # A node whose choices have no conditions and no {names} shows the same views
            # in every state: keep them (frozen, so sharing is safe) for every game.
            fixed_views = all(c.when is None and len(c.label.parts) == 1
                              and not c.label.parts[0][0] for c in node.choices)
            self._fixed_views[node.id] = tuple(views) if fixed_views else None
        return views

    def scene(self) -> Scene:
        """Everything a client needs to show the current decision."""
        node = self.node
        if node is None:
            raise GameError("the game has ended; there is no scene")
        return Scene(self.date, format_date(self.date), node.id, self.text(node.title),
                     self.paragraphs(node.text), node.history.strip(), tuple(self.choices()))

    def ending_text(self, ending_id: str | None = None) -> tuple[str, str]:
        """The ending's title and epilogue, filled in; `ending_id` fills in any ending with
        the state now, for a preview (KeyError if there is no such ending)."""
        ending = self.ending if ending_id is None else self.story.ending(ending_id)
        if ending is None:
            raise GameError("the game has not ended")
        return self.text(ending.title), self.paragraphs(ending.text)

    def arrival(self) -> Arrival | None:
        """What the node now waiting did as it came up (its `enter:`), if anything."""
        if self.node_id is None:
            return None
        if self.timeline:
            then = self.timeline[-1].then
            return then if then is not None and then.node_id == self.node_id else None
        opening = self.opening
        return opening if opening is not None and opening.node_id == self.node_id else None

    def in_danger(self, var_id: str) -> bool:
        """True when a variable lies in its danger zone now."""
        danger = self.story.variables[var_id].danger
        return danger is not None and danger.holds(int(self.values[var_id]))

    def warnings_now(self) -> list[str]:
        """Warnings for the variables that have just entered danger for the first time.

        Worked out from the history, so it needs no state of its own: a variable warns when
        its latest value is in danger and no earlier value was.
        """
        if not self.history:
            return []
        latest, earlier = self.history[-1][1], self.history[:-1]
        out = []
        for variable in self.story.variables.values():
            danger = variable.danger
            if danger is None or not danger.holds(latest.get(variable.id, variable.start)):
                continue
            if any(danger.holds(values.get(variable.id, variable.start))
                   for _, values in earlier):
                continue
            value = latest[variable.id]
            out.append(f"{variable.label} {value}: {danger.describe()} "
                       f"{danger.warning or 'is the danger zone'}")
        return out

    def is_revealed(self, var_id: str) -> bool:
        """Whether the player may see a variable now: shown ones always, hidden ones once
        their `reveal:` holds."""
        variable = self.story.variables[var_id]
        if variable.shown:
            return True
        reveal = variable.reveal
        if reveal is None:
            return False
        return reveal.always or (reveal.flag is not None and reveal.flag in self.flags) \
            or (reveal.date is not None and self.date >= reveal.date)

    def revealed(self) -> list[Variable]:
        """The variables the player may see now, in declaration order."""
        return [v for v in self.story.variables.values() if self.is_revealed(v.id)]

    def series(self, var_id: str) -> list[tuple[int, int]]:
        """A variable's (month, value) after each turn, from the start."""
        return [(date, values[var_id]) for date, values in self.history if var_id in values]

    def last_change(self, var_id: str) -> int:
        """How much a variable moved on the last turn (0 at the start)."""
        if len(self.history) < 2:
            return 0
        return self.history[-1][1].get(var_id, 0) - self.history[-2][1].get(var_id, 0)

    # ---- playing -------------------------------------------------------------------------
    def open_choice_ids(self) -> list[str]:
        """The ids of the choices open now, without rendering any text (for simulators)."""
        node = self.node
        if node is None:
            return []
        ids = [c.id for c in node.choices if c.when is None or self._open(node, c)]
        return ids or [CONTINUE_ID]

    def step(self, choice_id: str) -> list[str]:
        """Take a choice by id as `choose` does, but write no timeline entry or log text.

        For simulators, which need the state, the path and the history but not the prose;
        returns the content problems this turn raised.
        """
        problems_before = len(self.problems)
        self._take(choice_id, record=False)
        return self.problems[problems_before:]

    def choose(self, choice: int | str) -> TurnResult:
        """Take a choice by its number (from 1) or id; raises ValueError if it is not open."""
        problems_before = len(self.problems)
        entry = self._take(choice, record=True)
        assert entry is not None
        return TurnResult(entry, self.over, self.problems[problems_before:],
                          self.warnings_now())

    def _take(self, choice: int | str, record: bool) -> Entry | None:
        node = self.node
        if node is None:
            raise ValueError("the game has ended")
        picked, choice_id, label = self._pick(node, choice, label=record)
        before: dict[str, int] = {}  # the value of each variable an effect touched, before it
        logs: list[str] | None = [] if record else None
        outcome_index: int | None = None
        self.outcome = None
        goto: str | None = None
        if picked is not None:
            context = f"node '{node.id}', choice '{picked.id}'"
            goto = self._apply(picked.effect, context, logs, before)
            if picked.outcomes:
                outcome_index = self.outcome = self._draw(picked, node)
                goto = self._apply(picked.outcomes[outcome_index].effect, context,
                                   logs, before) or goto
        self.seen.add(node.id)
        taken = (node.id, choice_id)
        self.chosen.add(taken)
        self.path.append(taken)
        self.turn += 1
        if logs is None:
            self._advance(goto, record=False)
            self._record_history()
            return None
        changes = self._changes(before)
        date, title = self.date, self.text(node.title)
        then = self._advance(goto, record=True)
        entry = Entry(self.turn, date, node.id, title, choice_id,
                      label, " ".join(logs) or label, outcome_index, changes, then)
        self.timeline.append(entry)
        self._record_history()
        return entry

    def _changes(self, before: dict[str, int]) -> tuple[Change, ...]:
        """The variables an effect touched that really moved, in declaration order."""
        if not before:
            return ()
        variables, values = self.story.variables, self.values
        names = sorted(before, key=self._var_order.__getitem__) if len(before) > 1 \
            else before
        return tuple(Change(name, variables[name].label, before[name], values[name],
                            variables[name].shown)
                     for name in names if values[name] != before[name])

    def rewind(self, steps: int) -> Game:
        """A new game that has replayed only the first `steps` decisions of this one.

        The abandoned future is kept in `branches`, so the player can return to it.
        """
        if not 0 <= steps <= len(self.path):
            raise ValueError(f"cannot rewind to decision {steps}")
        game = Game.replay(self.story, self.origin, self.path[:steps])
        game.branches = list(self.branches)
        if steps < len(self.path):
            game.branches.append(Branch(steps, list(self.path), self.date, self.headline()))
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
        game.branches = [*others, Branch(common, list(self.path), self.date,
                                         self.headline())]
        return game

    def clone(self) -> Game:
        """An independent copy of this game, to play on from here (for counterfactuals).

        Far cheaper than replaying the path: the records are copied shallowly, since their
        entries are frozen.
        """
        game = Game(self.story, self.origin)
        game.values = dict(self.values)
        game.flags = set(self.flags)
        game.seen = set(self.seen)
        game.chosen = set(self.chosen)
        game.date, game.node_id, game.ending_id = self.date, self.node_id, self.ending_id
        game.rng_state, game.turn = self.rng_state, self.turn
        game.path = list(self.path)
        game.timeline = list(self.timeline)
        game.history = list(self.history)
        game.branches = list(self.branches)
        game.problems = list(self.problems)
        game.opening = self.opening
        game.unlocked = set(self.unlocked)
        return game

    def headline(self) -> str:
        """The title of where the game stands: its ending, or the event awaiting a decision."""
        if self.ending is not None:
            return self.text(self.ending.title)
        return self.text(self.node.title) if self.node is not None else ""

    # ---- inside ----------------------------------------------------------------------------
    def _pick(self, node: Node, choice: int | str, label: bool = True
              ) -> tuple[Choice | None, str, str]:
        """The choice a player means (by number or id), its id and label; ValueError if none.

        By id (as the simulator and the UI take choices) only that choice's condition is
        evaluated, not every choice's label and condition; the answer is the same as looking
        it up in `choices()`.
        """
        if isinstance(choice, str):
            for candidate in node.choices:
                if candidate.id == choice:
                    open_ = candidate.when is None or self._open(node, candidate)
                    if open_:
                        return candidate, candidate.id, \
                            self.text(candidate.label) if label else ""
                    if candidate.locked is not None and not self._hidden(candidate):
                        raise ValueError(f"choice '{candidate.id}' is locked: "
                                         f"{self.text(candidate.locked)}")
                    break
            else:
                if choice == CONTINUE_ID and not any(
                        c.when is None or self._open(node, c) for c in node.choices):
                    return None, CONTINUE_ID, "Let events take their course"
            raise ValueError(f"no choice {choice!r} at '{node.id}'")
        view = next((v for v in self.choices() if v.number == choice), None)
        if view is None:
            raise ValueError(f"no choice {choice!r} at '{node.id}'")
        if not view.enabled:
            raise ValueError(f"choice '{view.id}' is locked: {view.locked_reason}")
        return next((c for c in node.choices if c.id == view.id), None), view.id, view.label

    def _open(self, node: Node, choice: Choice) -> bool:
        """Whether a choice's condition holds now (its `when` must not be None)."""
        assert choice.when is not None
        result = self._try(choice.when, self.date)
        if result is None:
            return self._holds(choice.when, f"node '{node.id}', choice '{choice.id}'")
        return result

    def _hidden(self, choice: Choice) -> bool:
        """Whether a pack's `hide:` takes a choice out of sight now (not even locked)."""
        return choice.hidden is not None and self._holds(choice.hidden, f"choice '{choice.id}'")

    def _event_holds(self, expr: Expr, month: int) -> bool:
        """Whether an event's condition holds in a month (for the scheduler)."""
        try:  # as in _try, without the extra call: the scheduler asks often
            return bool(expr.fn(self.values, self.flags, self.seen, self.chosen,
                                month // 12, month % 12 + 1))
        except Exception:  # noqa: BLE001 - evaluated again, to report the fault
            return self._holds(expr, "an event's condition", month)

    def _try(self, expr: Expr, date: int) -> bool | None:
        """A condition's value, or None if it fails (then `_holds` says why, as a problem).

        The hot path of a turn: the compiled function is called directly, without the
        error-wrapping of `evaluate`.
        """
        try:
            return bool(expr.fn(self.values, self.flags, self.seen, self.chosen,
                                date // 12, date % 12 + 1))
        except Exception:  # noqa: BLE001 - evaluated again by _holds, to report the fault
            return None

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
        date = self.date
        try:  # fast path, as in _try
            return float(value.fn(self.values, self.flags, self.seen, self.chosen,
                                  date // 12, date % 12 + 1))
        except Exception:  # noqa: BLE001 - evaluated again below, to report the fault
            pass
        try:
            result = evaluate(value, self.values, self.flags, self.seen, self.chosen,
                              self.date, context)
            return float(result)
        except ContentRuntimeError as exc:
            self.problems.append(str(exc))
            return 0.0

    def _apply(self, effect: Effect, context: str, logs: list[str] | None,
               before: dict[str, int] | None = None) -> str | None:
        values = self.values
        variables = self.story.variables
        deltas: Any = effect.deltas
        assigns: Any = effect.assign
        dynamic = False
        for _, amount in deltas:
            if amount.__class__ is not int:
                dynamic = True
                break
        if dynamic or assigns:
            # every amount is worked out from the state before any of them is applied
            deltas = [(name, self._number(amount, context)) for name, amount in deltas]
            assigns = [(name, self._number(amount, context)) for name, amount in assigns]
        if before is None:
            before = {}
        for name, amount in deltas:
            old = values[name]
            if name not in before:
                before[name] = old
            value = old + (amount if amount.__class__ is int else round(amount))
            variable = variables[name]
            values[name] = variable.min if value < variable.min else \
                variable.max if value > variable.max else value
        for name, amount in assigns:
            if name not in before:
                before[name] = values[name]
            values[name] = _clamp(round(amount), variables[name])
        if effect.set:
            self.flags.update(effect.set)
        if effect.clear:
            self.flags.difference_update(effect.clear)
        if effect.unlock:
            self.unlocked.update(effect.unlock)
        for name, template in effect.texts:
            text = self.text(template)
            if len(text) > MAX_TEXT_LENGTH:  # e.g. {echo}{echo} on a loop: it would double
                self.problems.append(f"{context}: the text '{name}' grew past "
                                     f"{MAX_TEXT_LENGTH:,} characters; it is cut there")
                text = text[:MAX_TEXT_LENGTH]
            self.values[name] = text
        if effect.log is not None and logs is not None:
            logs.append(self.text(effect.log))
        return effect.goto

    def outcome_weights(self, choice: Choice, node: Node | None = None) -> list[float]:
        """The weights of a choice's outcomes in the current state (for the debug panel).

        Only looks: a weight that fails to evaluate counts 0 and is not kept as a problem.
        """
        node = node or self.node
        context = f"node '{node.id if node else '?'}', choice '{choice.id}', outcome weight"
        problems = len(self.problems)
        weights = [o.weight if not isinstance(o.weight, Expr) else self._number(o.weight, context)
                   for o in choice.outcomes]
        del self.problems[problems:]
        return weights

    def _draw(self, choice: Choice, node: Node) -> int:
        weights = [o.weight if not isinstance(o.weight, Expr) else  # outcome_weights, inline:
                   self._number(o.weight, f"node '{node.id}', choice '{choice.id}', "
                                          "outcome weight")  # a call fewer per draw
                   for o in choice.outcomes]
        self.rng_state, roll = rng.uniform(self.rng_state)
        forced = self._forced.get((node.id, choice.id)) if self._forced else None
        if forced is not None and forced < len(weights):  # --outcome: the roll is still made
            return forced
        return rng.weighted_index(weights, roll)

    def _advance(self, goto: str | None, record: bool = True) -> Arrival | None:
        """Move to the next node (or an ending) and apply the node's arrival effects."""
        if self._immediate_ending():
            return None
        if self.turn >= MAX_TURNS:
            self.problems.append(f"the game passed {MAX_TURNS} decisions; a goto loop?")
            self._end_final()
            return None
        if goto is not None:
            target = self.story.nodes.get(goto)
            if target is None:
                self._end(goto)
                return None
            self.node_id = target.id
            self.date = max(self.date, target.date)
        else:
            found = self._schedule.next(self.date, self.seen, self._event_holds)
            if found is None:
                self._end_final()
                return None
            target, self.node_id, self.date = found[0], found[0].id, found[1]
        if target.enter is None:
            return None
        arrival = self._arrive(target, record)
        self._immediate_ending()  # what the node did on arrival may end the game at once
        return arrival

    def _arrive(self, node: Node, record: bool) -> Arrival | None:
        """Apply a node's `enter:` effects; the record of them when asked for."""
        if node.enter is None:
            return None
        logs: list[str] | None = [] if record else None
        before: dict[str, int] = {}
        self._apply(node.enter, f"node '{node.id}', enter", logs, before)
        if logs is None:
            return None
        return Arrival(node.id, self.text(node.title), " ".join(logs), self._changes(before))

    def _immediate_ending(self) -> bool:
        """End the game if an immediate ending's condition holds; True if it did."""
        if not self._immediate:
            return False
        state = (self.values, self.flags, self.seen, self.chosen,
                 self.date // 12, self.date % 12 + 1)
        for ending in self._immediate:
            assert ending.when is not None
            try:  # as in _try, without a call per ending
                hit = bool(ending.when.fn(*state))
            except Exception:  # noqa: BLE001 - evaluated again, to report the fault
                hit = self._holds(ending.when, f"ending '{ending.id}'")
            if hit:
                self._end(ending.id)
                return True
        return False

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
        values = self.values
        self.history.append((self.date, {v: int(values[v]) for v in self._var_ids}))


def _clamp(value: int, variable: Any) -> int:
    return variable.min if value < variable.min else variable.max if value > variable.max \
        else value
