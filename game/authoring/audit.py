"""`octobers audit`: counterfactuals for authors. Which decisions move the ending, and which don't.

Three passes, every random stream seeded by (seed, game index, ...) alone, so that the result
is the same whatever `--jobs`:

1. **Games.** Random games are played with the policy (game `i` exactly as `octobers simulate`
   plays it), in rounds, until every decision reached has `samples` arrivals or the game budget
   is spent. Each game gives its ending, the outcome, the variables at `--at`, and its last
   decision with a real choice, which is tried again (see `last_decision_changes`).
2. **Counterfactuals.** For each decision (a node with more than one open choice), the states
   of its first `samples` arrivals (in game order) are sampled. From each, every open choice is
   taken and the game is played on to an ending with the policy; the choices share their future
   luck (common random numbers: the same policy stream and the same outcome stream), so two
   choices that do the same thing end the same way. The taken choice's play-on is the game's
   own. A decision reached fewer than `samples` times shares `samples` futures among its
   states, so that every choice is played on `samples` times.
3. **Figures.** How far the ending distribution moves between choices: the largest total
   variation distance (TVD) between two choices' ending distributions, over the states where
   both are open, with a 95% basic bootstrap interval (states resampled, with their futures);
   see game/authoring/audit_stats.py.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game import rng
from game.authoring.audit_stats import DecisionFigures, Sample, decision_figures
from game.authoring.simulate import choose_by_policy
from game.engine import Game
from game.model import Story

Progress = Callable[[str, int, int], None]
CRASH = "!crash"  # the "ending" of a play-on the engine could not finish


@dataclass(frozen=True)
class Settings:
    """What an audit samples and measures."""

    seed: int = 0
    scenario: str = "all"
    policy: str = "random"
    samples: int = 200
    max_games: int = 0  # 0: twenty games per sample
    at: int | None = None  # month index of the variable snapshot
    variables: tuple[str, ...] = ()
    outcome: str | None = None
    last_futures: int = 3
    last_games: int = 0  # 0: five games per sample
    dead_below: float = 0.1
    top: int = 10

    @property
    def game_budget(self) -> int:
        """The most games the first pass plays."""
        return self.max_games or 20 * self.samples

    @property
    def last_budget(self) -> int:
        """How many of the games have their last real decision tried again."""
        return self.last_games or 5 * self.samples


@dataclass
class GameRecord:
    """What the first pass keeps of one game."""

    index: int
    ending: str
    hit: bool  # the outcome (a flag at the end, or the ending itself)
    values: tuple[int, ...] | None  # the audited variables at `at`; None if it ended before
    decisions: tuple[str, ...]  # nodes met with more than one open choice, first time each
    last: str | None = None  # the last decision with a real choice
    last_changes: bool | None = None  # whether a choice there can change it (None: untried)
    errors: int = 0


# ---- playing -----------------------------------------------------------------------------------
def _scenario(story: Story, scenario: str, index: int) -> str:
    return story.scenarios[index % len(story.scenarios)].id if scenario == "all" else scenario


def _pick(game: Game, ids: list[str], policy: str, state: int) -> tuple[int, str]:
    """The policy's pick, as `simulate.play_one` makes it (the same draws from the stream)."""
    return choose_by_policy(game, policy, state, ids)


def play_on(game: Game, state: int, policy: str) -> tuple[str, int]:
    """Play a game to its end with a policy stream; (ending id, problems raised)."""
    errors = 0
    uniform, step, choices = rng.uniform, game.step, game.open_choice_ids
    try:
        if policy == "random":  # the commonest case, without a call per turn to _pick
            while game.ending_id is None:
                ids = choices()
                state, roll = uniform(state)
                errors += len(step(ids[int(roll * len(ids))]))
        while game.ending_id is None:
            ids = choices()
            state, pick = _pick(game, ids, policy, state)
            errors += len(step(pick))
    except Exception:  # noqa: BLE001 - an audit reports engine faults, it does not die
        return CRASH, errors + 1
    return game.ending_id or "?", errors


def _branch(game: Game, choice: str, state: int, policy: str, luck: int | None) -> str:
    """The ending when `choice` is taken from this state, then played on with the policy."""
    copy = game.clone()
    if luck is not None:
        copy.rng_state = luck
    try:
        copy.step(choice)
    except Exception:  # noqa: BLE001
        return CRASH
    return play_on(copy, state, policy)[0]


def _value_at(game: Game, at: int, names: Sequence[str]) -> tuple[int, ...] | None:
    for date, values in game.history:
        if date >= at:
            return tuple(values[name] for name in names)
    return None


def _outcome_hit(game: Game, outcome: str | None) -> bool:
    return outcome is not None and (outcome in game.flags or game.ending_id == outcome)


def play_record(story: Story, settings: Settings, index: int) -> GameRecord:
    """Play game `index` with the policy and try its last real decision again."""
    policy = settings.policy
    try:
        game = Game.new(story, _scenario(story, settings.scenario, index),
                        seed=rng.derive(settings.seed, index, 1))
    except Exception:  # noqa: BLE001
        return GameRecord(index, CRASH, False, None, (), errors=1)
    state = rng.derive(settings.seed, index, 2)
    decisions: list[str] = []
    met: set[str] = set()
    last: tuple[Game | None, str, list[str], str, int] | None = None
    tried = index < settings.last_budget  # is the last real decision to be tried again?
    errors = 0
    try:
        while not game.over:
            ids = game.open_choice_ids()
            if len(ids) > 1:
                node = game.node_id
                assert node is not None
                if node not in met:
                    met.add(node)
                    decisions.append(node)
                before = game.clone() if tried else None
                state, pick = _pick(game, ids, policy, state)
                last = (before, node, ids, pick, state)
            else:
                state, pick = _pick(game, ids, policy, state)
            errors += len(game.step(pick))
    except Exception:  # noqa: BLE001
        return GameRecord(index, CRASH, False, None, tuple(decisions), errors=errors + 1)
    ending = game.ending_id or "?"
    values = None
    if settings.at is not None and settings.variables:
        values = _value_at(game, settings.at, settings.variables)
    record = GameRecord(index, ending, _outcome_hit(game, settings.outcome), values,
                        tuple(decisions), errors=errors)
    if last is not None:
        before, record.last, ids, taken, after = last
        if before is not None:
            record.last_changes = last_decision_changes(story, settings, index, before,
                                                        ids, taken, after, ending)
    return record


def last_decision_changes(story: Story, settings: Settings, index: int, before: Game,
                          ids: list[str], taken: str, after: int, ending: str) -> bool:
    """Whether some other choice at a game's last real decision ends it differently.

    "Can change the ending" means: in at least one of `last_futures` futures, some open
    choice other than the one taken, played on from the same state with the same future luck
    (the same policy stream and the same outcome stream) as the taken choice, reaches another
    ending. Future 0 is the game's own (its ending is the game's ending); the others are fresh
    draws, in which the taken choice is played on again too.
    """
    policy = settings.policy
    for future in range(settings.last_futures):
        if future == 0:
            state, luck, own = after, None, ending
        else:
            state = rng.derive(settings.seed, index, 7, future)
            luck = rng.derive(settings.seed, index, 8, future)
            own = _branch(before, taken, state, policy, luck)
        for choice in ids:
            if choice != taken and _branch(before, choice, state, policy, luck) != own:
                return True
    return False


def sample_game(story: Story, settings: Settings, index: int,
                wanted: dict[str, int]) -> list[Sample]:
    """Replay game `index` and, at each wanted decision, play every open choice on.

    `wanted` maps a node to how many futures each of its states gets; future 0 of a state is
    the game's own continuation (the taken choice's ending is the game's ending).
    """
    policy = settings.policy
    wanted = dict(wanted)
    order = {node: number for number, node in enumerate(story.nodes)}
    game = Game.new(story, _scenario(story, settings.scenario, index),
                    seed=rng.derive(settings.seed, index, 1))
    state = rng.derive(settings.seed, index, 2)
    samples: list[Sample] = []
    pending: list[tuple[Sample, int]] = []  # samples waiting for the game's own ending
    try:
        while not game.over:
            ids = game.open_choice_ids()
            node = game.node_id
            before = game.clone() if node in wanted and len(ids) > 1 else None
            state, pick = _pick(game, ids, policy, state)
            if before is not None and node is not None:
                futures = wanted.pop(node)
                sample = Sample(node, index, tuple(ids))
                own = [CRASH if choice == pick else _branch(before, choice, state, policy, None)
                       for choice in ids]
                sample.futures.append(tuple(own))
                pending.append((sample, ids.index(pick)))
                for future in range(1, futures):
                    salt = order[node]
                    future_state = rng.derive(settings.seed, index, 3, salt, future)
                    luck = rng.derive(settings.seed, index, 4, salt, future)
                    sample.futures.append(tuple(
                        _branch(before, choice, future_state, policy, luck) for choice in ids))
                samples.append(sample)
            game.step(pick)
        ending = game.ending_id or "?"
    except Exception:  # noqa: BLE001
        ending = CRASH
    for sample, position in pending:
        first = list(sample.futures[0])
        first[position] = ending
        sample.futures[0] = tuple(first)
    return samples


# ---- running -----------------------------------------------------------------------------------
@dataclass
class AuditResult:
    """Everything an audit found, before it is turned into a report."""

    settings: Settings
    games: list[GameRecord]
    decisions: list[DecisionFigures]
    seconds: float = 0.0


_WORKER: tuple[Story, Settings] | None = None


def _init_worker(content_dirs: list[str] | None, settings: Settings) -> None:
    global _WORKER
    # Ctrl-C is the parent's to handle: it stops the workers, which die without tracebacks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if content_dirs is not None:  # pragma: no cover - spawn (no fork) only
        from game.loader import load_story
        _WORKER = (load_story(content_dirs), settings)
    elif _WORKER is not None:
        _WORKER = (_WORKER[0], settings)


def _games_task(task: tuple[int, int]) -> list[GameRecord]:
    assert _WORKER is not None
    story, settings = _WORKER
    return [play_record(story, settings, index) for index in range(*task)]


def _samples_task(task: list[tuple[int, dict[str, int]]]) -> list[Sample]:
    assert _WORKER is not None
    story, settings = _WORKER
    return [s for index, wanted in task for s in sample_game(story, settings, index, wanted)]


def _figures_task(task: tuple[str, list[Sample], int, int]) -> DecisionFigures:
    node, samples, seed, salt = task
    return decision_figures(node, samples, seed, salt)


class _Runner:
    """Runs tasks here or in a pool of forked workers, results always in task order."""

    def __init__(self, story: Story, settings: Settings, jobs: int,
                 content_dirs: Sequence[Path | str] | None):
        global _WORKER
        _WORKER = (story, settings)
        self.pool: Any = None
        methods = multiprocessing.get_all_start_methods()
        if jobs > 1 and ("fork" in methods or content_dirs):
            if "fork" in methods:
                context: Any = multiprocessing.get_context("fork")
                initargs: tuple[Any, ...] = (None, settings)
            else:  # pragma: no cover - Windows and macOS defaults
                context = multiprocessing.get_context("spawn")
                initargs = ([str(d) for d in content_dirs or []], settings)
            self.pool = context.Pool(jobs, initializer=_init_worker, initargs=initargs)

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        if self.pool is None:
            return map(function, tasks)
        return iter(self.pool.imap(function, tasks))

    def close(self, finished: bool) -> None:
        """Let the workers finish (or stop them at once after an error or Ctrl-C)."""
        global _WORKER
        if self.pool is not None:
            if finished:
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
        _WORKER = None


def _spans(start: int, stop: int, size: int) -> list[tuple[int, int]]:
    return [(s, min(stop, s + size)) for s in range(start, stop, size)]


def audit(story: Story, settings: Settings, jobs: int = 1, progress: Progress | None = None,
          content_dirs: Sequence[Path | str] | None = None) -> AuditResult:
    """Run the three passes; the result depends on the story and settings, not on `jobs`."""
    started = time.perf_counter()
    runner = _Runner(story, settings, jobs, content_dirs)
    try:
        games = _play_games(story, settings, runner, progress)
        samples = _sample_decisions(story, settings, games, runner, progress)
        order = {node: number for number, node in enumerate(story.nodes)}
        tasks = [(node, found, settings.seed, order[node])
                 for node, found in sorted(samples.items(), key=lambda kv: order[kv[0]])]
        figures = []
        for figure in runner.map(_figures_task, tasks):
            figures.append(figure)
            if progress is not None:
                progress("measuring", len(figures), len(tasks))
    except BaseException:
        runner.close(finished=False)
        raise
    runner.close(finished=True)
    return AuditResult(settings, games, figures, time.perf_counter() - started)


def _play_games(story: Story, settings: Settings, runner: _Runner,
                progress: Progress | None) -> list[GameRecord]:
    """Play rounds of games until every decision met has its samples, or the budget is out."""
    budget = settings.game_budget
    size = min(budget, max(2 * settings.samples, 100))
    games: list[GameRecord] = []
    arrivals: Counter[str] = Counter()
    while len(games) < budget:
        start, stop = len(games), min(budget, len(games) + size)
        for part in runner.map(_games_task, _spans(start, stop, 25)):
            games.extend(part)
            for record in part:
                arrivals.update(record.decisions)
            if progress is not None:
                progress("playing games", len(games), budget)
        if all(count >= settings.samples for count in arrivals.values()):
            break
    if progress is not None:
        progress("playing games", budget, budget)
    return games


def _sample_decisions(story: Story, settings: Settings, games: list[GameRecord],
                      runner: _Runner, progress: Progress | None) -> dict[str, list[Sample]]:
    """Pick each decision's states (its first arrivals) and play every choice on from them."""
    arrivals: dict[str, list[int]] = {}
    for record in games:
        for node in record.decisions:
            found = arrivals.setdefault(node, [])
            if len(found) < settings.samples:
                found.append(record.index)
    wanted: dict[int, dict[str, int]] = {}
    for node, indices in arrivals.items():
        # `samples` futures in all, shared as evenly as can be among the states found
        each, extra = divmod(settings.samples, len(indices))
        for number, index in enumerate(indices):
            wanted.setdefault(index, {})[node] = each + (number < extra)
    tasks = [(index, wanted[index]) for index in sorted(wanted)]
    # an early game holds many samples, a late one few: chunks of about equal work
    chunks: list[list[tuple[int, dict[str, int]]]] = [[]]
    weight = 0
    total = sum(sum(w.values()) for _, w in tasks)
    target = max(1, total // 64)
    for task in tasks:
        chunks[-1].append(task)
        weight += sum(task[1].values())
        if weight >= target:
            chunks.append([])
            weight = 0
    samples: dict[str, list[Sample]] = {}
    done = 0
    for chunk, part in zip(chunks, runner.map(_samples_task, chunks), strict=True):
        for sample in part:
            samples.setdefault(sample.node, []).append(sample)
        done += sum(sum(w.values()) for _, w in chunk)
        if progress is not None:
            progress("trying choices", done, total)
    return samples
