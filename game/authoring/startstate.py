"""Test any moment: the state a game starts from at `--start-at NODE`, and forced outcomes.

`play` and `simulate` both call `find_start` for `--start-at`:

    found = find_start(story, "kirov_1934")              # a typical game's state there
    found = find_start(story, "kirov_1934", from_seed=7)  # random game 7's state there
    game = Game.new(story, found.scenario, seed, "kirov_1934", values, flags, found.state)

A node is reached by random games (simulate's "random" policy; game N is the one that
`octobers simulate -n 1 --seed N --scenario S` plays) from the latest scenario that starts
before it, else from the scenarios before that, in turn. Of the first `sample` games that reach
it (trying at most `tries` seeds a scenario), the most typical is taken: the one whose variables
lie closest to the medians of all of them and whose flags are the commonest. The state is
taken as the node comes up, before its `enter:` applies (the new game applies it again). When
no game reaches the node, the latest scenario's start values are used, and the note says so.
`--set` and `--flag` apply on top of either.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from game import rng
from game.engine import MAX_TEXT_LENGTH, Game, StartState
from game.errors import GameError, suggest
from game.model import Node, Scenario, Story

TRIES = 200  # random games tried per scenario
SAMPLE = 20  # games that reached the node, among which the most typical is taken


class StartError(GameError):
    """A start cannot be made as asked (e.g. the random game with that seed never gets there)."""


@dataclass(frozen=True)
class Found:
    """Where a test-from-here game starts: its scenario, the state (None: the scenario's start
    values), and a sentence saying which was used. `fallback` is True when no random game
    reached the node."""

    scenario: str
    state: StartState | None
    note: str
    fallback: bool = False


class _Probe(Game):
    """A game that keeps the state it had just before the target node's `enter:` applied."""

    target: str | None = None
    captured: StartState | None = None

    def _arrive(self, node: Node, record: bool) -> object:  # type: ignore[override]
        if node.id == self.target and self.turn > 0:
            self.captured = _snapshot(self)
        return super()._arrive(node, record)


def _snapshot(game: Game, source: str = "") -> StartState:
    return StartState(game.date, tuple(sorted(game.values.items())), tuple(sorted(game.flags)),
                      tuple(sorted(game.seen)), tuple(sorted(game.chosen)), source)


def play_to(story: Story, node_id: str, scenario: str, seed: int) -> StartState | None:
    """Random game `seed` of a scenario, played until `node_id` comes up: its state then (before
    the node's `enter:`), or None if the game ends without reaching it."""
    from game.authoring.simulate import choose_by_policy

    game = _Probe.new(story, scenario, rng.derive(seed, 0, 1))
    assert isinstance(game, _Probe)
    game.target = node_id
    policy = rng.derive(seed, 0, 2)
    while not game.over:
        game.captured = None
        policy, pick = choose_by_policy(game, "random", policy)
        game.step(pick)
        if game.node_id == node_id:
            return game.captured or _snapshot(game)
    return None


def candidates(story: Story, node: Node, scenario: str | None = None) -> list[Scenario]:
    """The scenarios to look in: the one asked for, else those that start by the node's date,
    latest first (the first scenario when none does)."""
    if scenario is not None:
        return [story.scenario(scenario)]
    before = [s for s in story.scenarios if s.date <= node.date]
    before.sort(key=lambda s: -s.date)  # stable: scenarios of one month keep their order
    return before or [story.scenarios[0]]


def typical(states: list[tuple[int, StartState]], story: Story) -> tuple[int, StartState]:
    """The (seed, state) closest to the others: variables near their medians (each scaled by
    its range), flags as most games have them; the lowest seed on a tie."""
    numbers = [name for name in story.variables]
    medians = {name: statistics.median(int(dict(s.values)[name]) for _, s in states)
               for name in numbers}
    flag_sets = [set(s.flags) for _, s in states]
    every_flag = set().union(*flag_sets)
    share = {f: sum(f in flags for flags in flag_sets) / len(states) for f in every_flag}

    def distance(item: tuple[int, StartState]) -> tuple[float, int]:
        seed, state = item
        values, flags = dict(state.values), set(state.flags)
        far = sum(abs(int(values[name]) - medians[name])
                  / max(1, story.variables[name].max - story.variables[name].min)
                  for name in numbers)
        far += sum(abs((f in flags) - share[f]) for f in every_flag)
        return far, seed

    return min(states, key=distance)


def find_start(story: Story, node_id: str, scenario: str | None = None,
               from_seed: int | None = None, tries: int = TRIES,
               sample: int = SAMPLE) -> Found:
    """The start of a game at `node_id` (see the module's docstring); StartError when
    `from_seed`'s game never reaches it."""
    node = story.nodes[node_id]
    options = candidates(story, node, scenario)
    here = next((s for s in options if s.start == node_id), None)
    if here is not None:  # every game of that scenario is there at once, in the same state
        return Found(here.id, None, f"the scenario '{here.id}' starts here: its start values")
    if from_seed is not None:
        return _from_seed(story, node_id, options, from_seed, tries)
    for option in options:
        reached = []
        for seed in range(tries):
            state = play_to(story, node_id, option.id, seed)
            if state is not None:
                reached.append((seed, state))
                if len(reached) >= sample:
                    break
        if reached:
            seed, state = typical(reached, story)
            note = (f"the state of random game {seed} of the scenario '{option.id}' as it "
                    f"reached '{node_id}' (the most typical of {len(reached)} that reached it; "
                    f"--from-seed N picks another)")
            return Found(option.id, _with_source(state, note), note)
    names = ", ".join(f"'{s.id}'" for s in options)
    note = (f"no random game of the scenario{'s' if len(options) > 1 else ''} {names} reached "
            f"'{node_id}' in {tries} tries: the start values of the scenario '{options[0].id}'")
    return Found(options[0].id, None, note, fallback=True)


def _from_seed(story: Story, node_id: str, options: list[Scenario], seed: int,
               tries: int) -> Found:
    # the scenario where games reach the node at all (as the default search would take it)
    reaching: dict[str, list[int]] = {}
    for option in options:
        state = play_to(story, node_id, option.id, seed)
        if state is not None:
            note = (f"the state of random game {seed} of the scenario '{option.id}' as it "
                    f"reached '{node_id}' (--from-seed {seed})")
            return Found(option.id, _with_source(state, note), note)
        seeds = [n for n in range(min(tries, 60)) if play_to(story, node_id, option.id, n)]
        if seeds:
            reaching[option.id] = seeds[:5]
    names = ", ".join(f"'{s.id}'" for s in options)
    message = f"the random game with seed {seed} of {names} never reaches '{node_id}'"
    if reaching:
        scenario_id, seeds = next(iter(reaching.items()))
        message += (f"; seeds that do, in '{scenario_id}': "
                    + ", ".join(str(n) for n in seeds))
    else:
        message += f", nor does any of the first {min(tries, 60)} seeds"
    raise StartError(message)


def _with_source(state: StartState, source: str) -> StartState:
    return StartState(state.date, state.values, state.flags, state.seen, state.chosen, source)


# ---- the command line's test-from-here arguments ------------------------------------------
def start_values(story: Story, pairs: Iterable[tuple[str, str]]) -> dict[str, int | str]:
    """`--set VAR=VALUE` pairs as start values; ValueError with a message for a bad one."""
    values: dict[str, int | str] = {}
    for name, value in pairs:
        if name in story.variables:
            try:
                values[name] = int(value)
            except ValueError:
                raise ValueError(f"--set {name}={value}: {name} takes a whole number") from None
        elif name in story.texts:
            if len(value) > MAX_TEXT_LENGTH:
                raise ValueError(f"--set {name}: a text holds at most {MAX_TEXT_LENGTH:,} "
                                 "characters")
            values[name] = value
        else:
            raise ValueError(f"--set: unknown variable '{name}'"
                             f"{suggest(name, [*story.variables, *story.texts])}")
    return values


def start_flags(story: Story, names: Iterable[str]) -> list[str]:
    """`--flag NAME`s, each a flag the story knows; ValueError with a message otherwise."""
    out = []
    for name in names:
        if name not in story.flags:
            raise ValueError(f"--flag: unknown flag '{name}'{suggest(name, story.flags)}")
        out.append(name)
    return out


def parse_outcome(story: Story, text: str) -> tuple[str, str, int]:
    """`NODE.CHOICE=K` (K counts a choice's outcomes from 1, as written) as (node, choice,
    index from 0); ValueError with a message naming what is wrong."""
    spec, equals, number = text.partition("=")
    node_id, dot, choice_id = spec.strip().partition(".")
    if not equals or not dot or not node_id or not choice_id:
        raise ValueError(f"--outcome {text}: write NODE.CHOICE=K, e.g. july.rise=2")
    node = story.nodes.get(node_id)
    if node is None:
        raise ValueError(f"--outcome: unknown node '{node_id}'{suggest(node_id, story.nodes)}")
    choice = next((c for c in node.choices if c.id == choice_id), None)
    if choice is None:
        raise ValueError(f"--outcome: node '{node_id}' has no choice '{choice_id}'"
                         f"{suggest(choice_id, [c.id for c in node.choices])}")
    if not choice.outcomes:
        raise ValueError(f"--outcome: the choice '{node_id}.{choice_id}' has no outcomes")
    count = len(choice.outcomes)
    number = number.strip()
    if not (number.isascii() and number.isdigit() and 1 <= int(number) <= count):
        raise ValueError(f"--outcome {text}: K must be a number from 1 to {count} (the "
                         f"choice's outcomes, counted from 1 in the order they are written)")
    return node_id, choice_id, int(number) - 1


def parse_outcomes(story: Story, texts: Iterable[str]) -> tuple[tuple[str, str, int], ...]:
    """Every `--outcome`; ValueError for the first bad one or two for one choice."""
    out: dict[tuple[str, str], int] = {}
    for text in texts:
        node_id, choice_id, index = parse_outcome(story, text)
        if out.get((node_id, choice_id), index) != index:
            raise ValueError(f"--outcome: '{node_id}.{choice_id}' is forced twice")
        out[(node_id, choice_id)] = index
    return tuple(sorted((n, c, k) for (n, c), k in out.items()))


def describe_outcomes(outcomes: Iterable[tuple[str, str, int]]) -> str:
    """'july.rise=2, ...' as the command line wrote them."""
    return ", ".join(f"{n}.{c}={k + 1}" for n, c, k in outcomes)


def check_ending(story: Story, ending_id: str) -> str:
    """An ending id the story has; ValueError with a did-you-mean otherwise."""
    ids = [e.id for e in story.endings]
    if ending_id not in ids:
        raise ValueError(f"--ending: unknown ending '{ending_id}'{suggest(ending_id, ids)} "
                         f"(known: {', '.join(ids)})")
    return ending_id



def ending_condition(game: Game, ending_id: str) -> str:
    """Whether an ending's `when` holds in a game's state now, in words, for a preview."""
    from game.authoring.explain import condition, format_condition

    ending = game.story.ending(ending_id)
    if ending.when is None:
        return "It has no condition: the fallback, when no other ending holds."
    kind = "an immediate ending, checked after every decision" if ending.immediate \
        else "checked when the story runs out of events"
    return f"Its condition ({kind}) in this state: {format_condition(condition(game, ending.when))}"
