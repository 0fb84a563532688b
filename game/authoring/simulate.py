"""Many random playthroughs at once: which endings, which nodes, how long, what broke.

Game `i` of a run is seeded by (seed, i) alone, so a report depends only on the seed, the
count, the scenario and the policy: `--jobs 4` splits the games into chunks that worker
processes play, and the chunks are merged back in order into exactly what one process makes.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game import rng
from game.engine import CONTINUE_ID, Game, StartState
from game.model import Story

POLICIES = ("random", "first", "weighted")
MAX_ERRORS = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Setup:
    """How every game of a run starts when it tests a moment (`--start-at`, `--set`, `--flag`,
    `--outcome`): the node, the state found for it (game/authoring/startstate.py), values and
    flags on top, and forced outcomes as (node, choice, index from 0)."""

    start_at: str | None = None
    values: tuple[tuple[str, int | str], ...] = ()
    flags: tuple[str, ...] = ()
    state: StartState | None = None
    outcomes: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class Scope:
    """What the coverage counts: everything, or one pack's events (`--only`): the nodes,
    choices and endings written in its files."""

    nodes: frozenset[str]
    choices: frozenset[tuple[str, str]]
    endings: frozenset[str]
    pack: str | None = None
    before: int = 0  # events left out because their window closed before the start

    @classmethod
    def of(cls, story: Story, pack: Path | None = None) -> Scope:
        """The whole story, or the parts written under the folder `pack`."""
        def mine(path: str) -> bool:
            return pack is None or Path(path).resolve().is_relative_to(pack.resolve())

        return cls(frozenset(n.id for n in story.nodes.values() if mine(n.where.path)),
                   frozenset((n.id, c.id) for n in story.nodes.values() for c in n.choices
                             if mine(c.where.path)),
                   frozenset(e.id for e in story.endings if mine(e.where.path)),
                   None if pack is None else str(pack))

    def since(self, story: Story, date: int) -> Scope:
        """Without the events whose window closed before `date` (a run that starts then)."""
        gone = {n for n in self.nodes if story.nodes[n].until < date}
        return Scope(self.nodes - gone, frozenset(p for p in self.choices if p[0] not in gone),
                     self.endings, self.pack, self.before | len(gone))


@dataclass
class SimReport:
    """The summary of a simulation run (or of a chunk of one, before merging)."""

    runs: int
    seed: int
    endings: Counter[str] = field(default_factory=Counter)
    nodes_reached: set[str] = field(default_factory=set)
    choices_reached: set[tuple[str, str]] = field(default_factory=set)
    decisions: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    choice_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    node_counts: Counter[str] = field(default_factory=Counter)
    # variable -> decade -> [min, max, total, count], whole numbers so that merging is exact
    var_stats: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    outcome_counts: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    raw_errors: list[tuple[bool, str]] = field(default_factory=list, repr=False)

    def add_game(self, index: int, game: Game, errors: list[str],
                 drawn: Sequence[tuple[str, str, int]] = ()) -> None:
        """Count one finished game (`drawn`: the outcomes it drew, as (node, choice, index))."""
        self.endings[game.ending_id or "?"] += 1
        self.outcome_counts.update(drawn)
        self.nodes_reached.update(node for node, _ in game.path)
        self.choices_reached.update(game.path)
        self.choice_counts.update(game.path)
        self.node_counts.update(node for node, _ in game.path)
        self.decisions.append(len(game.path))
        by_decade: dict[int, list[dict[str, int]]] = {}
        for date, values in game.history:
            by_decade.setdefault(date // 120 * 10, []).append(values)
        stats = self.var_stats
        for decade, rows in by_decade.items():
            count = len(rows)
            # every row lists the same variables in the same order: read them as columns
            columns = zip(*(row.values() for row in rows), strict=True)
            for name, column in zip(rows[0], columns, strict=True):
                low, high, total = min(column), max(column), sum(column)
                cell = stats.setdefault(name, {}).get(decade)
                if cell is None:
                    stats[name][decade] = [low, high, total, count]
                else:
                    if low < cell[0]:
                        cell[0] = low
                    if high > cell[1]:
                        cell[1] = high
                    cell[2] += total
                    cell[3] += count
        for error in errors:
            self._error(False, f"game {index}: {error}")

    def add_crash(self, index: int, exc: BaseException) -> None:
        """Record a game the engine could not finish."""
        self._error(True, f"game {index}: {type(exc).__name__}: {exc}")

    def _error(self, crash: bool, message: str) -> None:
        if crash or len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
            self.raw_errors.append((crash, message))

    def merge(self, part: SimReport) -> None:
        """Add a later chunk's counts, as if its games had been played here in order."""
        self.endings.update(part.endings)
        self.nodes_reached |= part.nodes_reached
        self.choices_reached |= part.choices_reached
        self.choice_counts.update(part.choice_counts)
        self.node_counts.update(part.node_counts)
        self.outcome_counts.update(part.outcome_counts)
        self.decisions.extend(part.decisions)
        for name, decades in part.var_stats.items():
            mine = self.var_stats.setdefault(name, {})
            for decade, (low, high, total, count) in decades.items():
                cell = mine.get(decade)
                if cell is None:
                    mine[decade] = [low, high, total, count]
                else:
                    cell[0], cell[1] = min(cell[0], low), max(cell[1], high)
                    cell[2] += total
                    cell[3] += count
        for crash, message in part.raw_errors:
            self._error(crash, message)

    def to_json(self, story: Story, scope: Scope | None = None) -> dict[str, Any]:
        """The report as plain data for `--json` (keys are only ever added, never changed).

        Coverage counts what `scope` holds (the whole story by default), less what the
        content's `unreachable:` lists, which is listed once under `unreachable_on_purpose`.
        """
        scope = scope or Scope.of(story)
        aside = story.unreachable
        all_choices = {pair for pair in scope.choices   # a node's choices go with it
                       if pair[0] not in aside and f"{pair[0]}.{pair[1]}" not in aside}
        nodes = {n for n in scope.nodes if n not in aside}
        decisions = self.decisions or [0]
        outcomes = self.outcomes_json(story, all_choices)
        return {
            "runs": self.runs,
            "seed": self.seed,
            "endings": dict(sorted(self.endings.items(), key=lambda kv: (-kv[1], kv[0]))),
            "endings_unreached": sorted(e.id for e in story.endings
                                        if e.id not in self.endings and e.id in scope.endings
                                        and e.id not in aside),
            "only": scope.pack,
            "nodes_before_start": scope.before,
            "unreachable_on_purpose": sorted(aside),
            "nodes_total": len(nodes),
            "nodes_reached": len(self.nodes_reached & nodes),
            "unreached_nodes": sorted(nodes - self.nodes_reached),
            "choices_total": len(all_choices),
            "choices_reached": len(self.choices_reached & all_choices),
            "unreached_choices": sorted(f"{n}.{c}" for n, c in
                                        all_choices - self.choices_reached),
            "outcomes": outcomes,
            "outcomes_total": sum(len(counts) for counts in outcomes.values()),
            "outcomes_reached": sum(1 for counts in outcomes.values() for n in counts if n),
            "unreached_outcomes": [f"{key}={index + 1}" for key, counts in outcomes.items()
                                   for index, n in enumerate(counts) if not n],
            "decisions": {
                "min": min(decisions), "median": statistics.median(decisions),
                "max": max(decisions), "total": sum(self.decisions),
            },
            "errors": self.errors[:200],
            "seconds": round(self.seconds, 3),
            "nodes": {n: self.node_counts[n] for n in sorted(nodes)},
            "choices": {f"{n}.{c}": self.choice_counts[(n, c)] for n, c in sorted(all_choices)},
            "continued": sum(count for (_, c), count in self.choice_counts.items()
                             if c == CONTINUE_ID),
            "variables": self.variables_json(story),
        }

    def outcomes_json(self, story: Story, choices: set[tuple[str, str]]
                      ) -> dict[str, list[int]]:
        """For each choice with outcomes: how often each outcome was drawn, in written order."""
        out = {}
        for node_id, choice_id in sorted(choices):
            choice = next((c for c in story.nodes[node_id].choices if c.id == choice_id), None)
            if choice is not None and choice.outcomes:
                out[f"{node_id}.{choice_id}"] = [
                    self.outcome_counts[(node_id, choice_id, index)]
                    for index in range(len(choice.outcomes))]
        return out

    def variables_json(self, story: Story) -> dict[str, dict[str, dict[str, float]]]:
        """Each variable's min, mean and max in each decade, over every decision."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for name in story.variables:
            decades = self.var_stats.get(name, {})
            out[name] = {f"{decade}s": {"min": low, "mean": round(total / count, 1),
                                        "max": high}
                         for decade, (low, high, total, count) in sorted(decades.items())}
        return out


def play_one(story: Story, seed: int, index: int, scenario: str | None = None,
             policy: str = "random", setup: Setup | None = None
             ) -> tuple[Game, list[str], list[tuple[str, str, int]]]:
    """Play one game to its end with a policy; the choice stream is seeded by (seed, index).

    Returns the game, its content problems and the outcomes it drew (node, choice, index).
    """
    setup = setup or Setup()
    game = Game.new(story, scenario=scenario, seed=rng.derive(seed, index, 1),
                    start_at=setup.start_at, values=dict(setup.values), flags=setup.flags,
                    state=setup.state, outcomes=setup.outcomes)
    state = rng.derive(seed, index, 2)
    errors: list[str] = []
    drawn: list[tuple[str, str, int]] = []
    while not game.over:
        state, pick = choose_by_policy(game, policy, state)
        node_id = game.node_id
        errors.extend(game.step(pick))
        if game.outcome is not None:
            drawn.append((node_id or "", pick, game.outcome))
    return game, errors, drawn


def choose_by_policy(game: Game, policy: str, state: int, ids: list[str] | None = None
                     ) -> tuple[int, str]:
    """The id of the open choice a policy takes now, and the policy's next random state.

    `ids` are the open choices when the caller has them already (the audit does).
    """
    if ids is None:
        ids = game.open_choice_ids()
    if policy == "first":
        return state, ids[0]
    state, roll = rng.uniform(state)
    if policy == "weighted":
        return state, _weighted(game, ids, roll)
    return state, ids[int(roll * len(ids))]


def _weighted(game: Game, views: list[str], roll: float) -> str:
    node = game.node
    assert node is not None
    by_id = {c.id: c for c in node.choices}
    weights = []
    for view in views:
        choice = by_id.get(view)
        weights.append(1.0 if choice is None else
                       game._number(choice.ai, f"choice '{view}' ai"))
    return views[rng.weighted_index(weights, roll)]


def play_range(story: Story, seed: int, start: int, stop: int, scenario: str | None = "all",
               policy: str = "random", setup: Setup | None = None) -> SimReport:
    """Play games start..stop-1 of a run; the partial report merges into the whole."""
    report = SimReport(stop - start, seed)
    for index in range(start, stop):
        scenario_id = scenario
        if scenario == "all":
            scenario_id = story.scenarios[index % len(story.scenarios)].id
        try:
            game, errors, drawn = play_one(story, seed, index, scenario_id, policy, setup)
        except Exception as exc:  # noqa: BLE001 - a simulation reports engine faults, not dies
            report.add_crash(index, exc)
            continue
        report.add_game(index, game, errors, drawn)
    return report


def chunks(runs: int, jobs: int) -> list[tuple[int, int]]:
    """The (start, stop) index ranges a run is played in."""
    size = max(1, min(250, runs // max(1, jobs * 8) or 1))
    return [(start, min(runs, start + size)) for start in range(0, runs, size)]


def simulate(story: Story, runs: int, seed: int = 0, scenario: str | None = "all",
             policy: str = "random", jobs: int = 1, progress: Progress | None = None,
             content_dirs: Sequence[Path | str] | None = None,
             setup: Setup | None = None) -> SimReport:
    """Play `runs` games and gather the report; scenario "all" cycles through every one.

    With `jobs` > 1 the games are shared among worker processes; the report is the same.
    Where processes cannot be forked, workers load the story again from `content_dirs`.
    """
    started = time.perf_counter()
    report = SimReport(runs, seed)
    ranges = chunks(runs, jobs)
    done = 0
    for part in _parts(story, ranges, seed, scenario, policy, jobs, content_dirs, setup):
        report.merge(part)
        done += part.runs
        if progress is not None:
            progress(done, runs)
    report.runs = runs
    report.seconds = time.perf_counter() - started
    return report


def _parts(story: Story, ranges: list[tuple[int, int]], seed: int, scenario: str | None,
           policy: str, jobs: int, content_dirs: Sequence[Path | str] | None,
           setup: Setup | None = None) -> Any:
    methods = multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(ranges) <= 1 or ("fork" not in methods and not content_dirs):
        for start, stop in ranges:
            yield play_range(story, seed, start, stop, scenario, policy, setup)
        return
    global _WORKER_STORY
    context: Any
    if "fork" in methods:
        context = multiprocessing.get_context("fork")
        _WORKER_STORY = story  # inherited by the forked workers
        initargs: tuple[Any, ...] = (None,)
    else:  # pragma: no cover - Windows and macOS defaults
        context = multiprocessing.get_context("spawn")
        initargs = ([str(d) for d in content_dirs or []],)
    tasks = [(seed, start, stop, scenario, policy, setup) for start, stop in ranges]
    with context.Pool(min(jobs, len(ranges)), initializer=_init_worker,
                      initargs=initargs) as pool:
        yield from pool.imap(_work, tasks)
    _WORKER_STORY = None


_WORKER_STORY: Story | None = None


def _init_worker(content_dirs: list[str] | None) -> None:
    global _WORKER_STORY
    if content_dirs is not None:
        from game.loader import load_story
        _WORKER_STORY = load_story(content_dirs)


def _work(task: tuple[int, int, int, str | None, str, Setup | None]) -> SimReport:
    seed, start, stop, scenario, policy, setup = task
    assert _WORKER_STORY is not None
    return play_range(_WORKER_STORY, seed, start, stop, scenario, policy, setup)


# ---- the readable report ---------------------------------------------------------------------
def _bar(share: float, width: int = 30) -> str:
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[rest]


def print_report(data: dict[str, Any], story: Story, console: Any) -> None:
    """Write a report (from `to_json`) as Rich tables to a Rich console."""
    from rich.table import Table

    runs = data["runs"]
    console.print(f"{runs} games, seed {data['seed']}, {data['seconds']} s")
    if data.get("only"):
        console.print(f"Coverage of the pack {data['only']} only (--only)", markup=False)
    if data.get("nodes_before_start"):
        console.print(f"Coverage leaves out the {data['nodes_before_start']} events whose "
                      "window closes before the start (--start-at)")
    console.print("Endings:")
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("ending")
    table.add_column("games", justify="right")
    table.add_column("share", justify="right")
    table.add_column("", no_wrap=True)
    for ending, count in data["endings"].items():
        share = count / runs
        table.add_row(ending, str(count), f"{share:.1%}", _bar(share))
    for ending in data["endings_unreached"]:
        table.add_row(f"[dim]{ending}[/]", "0", "", "[dim]never reached[/]")
    console.print(table)
    nodes_share = data["nodes_reached"] / max(1, data["nodes_total"])
    choices_share = data["choices_reached"] / max(1, data["choices_total"])
    console.print(f"Nodes reached: {data['nodes_reached']} of {data['nodes_total']} "
                  f"({nodes_share:.0%})")
    if data["unreached_nodes"]:
        console.print("  never reached: " + ", ".join(data["unreached_nodes"]), markup=False)
    console.print(f"Choices reached: {data['choices_reached']} of {data['choices_total']} "
                  f"({choices_share:.0%})")
    unreached = data["unreached_choices"]
    if unreached:
        shown = ", ".join(unreached[:30]) + (f", … ({len(unreached) - 30} more)"
                                              if len(unreached) > 30 else "")
        console.print("  never taken: " + shown, markup=False)
    _print_outcomes(data, console)
    if data.get("unreachable_on_purpose"):
        console.print("Left out on purpose (the content's 'unreachable:'): "
                      + ", ".join(data["unreachable_on_purpose"]), markup=False)
    if data["continued"]:
        console.print(f"Every choice locked ('Let events take their course'): "
                      f"{data['continued']} times")
    d = data["decisions"]
    console.print(f"Decisions per game: min {d['min']}, median {d['median']}, max {d['max']}")
    _print_variables(data["variables"], story, console)
    console.print(f"Errors: {len(data['errors'])}")
    for error in data["errors"][:20]:
        console.print(f"  {error}", markup=False)


def _print_outcomes(data: dict[str, Any], console: Any, most: int = 40) -> None:
    """Outcomes drawn, those never drawn, and each one's count when there are few choices."""
    outcomes = data["outcomes"]
    if not outcomes:
        return
    share = data["outcomes_reached"] / max(1, data["outcomes_total"])
    console.print(f"Outcomes drawn: {data['outcomes_reached']} of {data['outcomes_total']} "
                  f"({share:.0%})")
    unreached = data["unreached_outcomes"]
    if unreached:
        shown = ", ".join(unreached[:30]) + (f", … ({len(unreached) - 30} more)"
                                              if len(unreached) > 30 else "")
        console.print("  never drawn: " + shown, markup=False)
    if len(outcomes) > most:
        console.print(f"  (per-outcome counts of {len(outcomes)} choices: --json, or --only "
                      "PACK)")
        return
    for key, counts in outcomes.items():
        total = sum(counts)
        cells = " · ".join(f"{index + 1}: {n}" + (f" ({n / total:.0%})" if total else "")
                           for index, n in enumerate(counts))
        console.print(f"  {key}: {cells}", markup=False)


def _print_variables(variables: dict[str, dict[str, dict[str, float]]], story: Story,
                     console: Any) -> None:
    from rich.table import Table

    decades = sorted({d for per in variables.values() for d in per})
    if not decades:
        return
    console.print("Variables by decade (mean, and min–max below it):")
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("variable", no_wrap=True)
    for decade in decades:
        table.add_column(decade, justify="right", no_wrap=True)
    for name, per in variables.items():
        cells = []
        for decade in decades:
            cell = per.get(decade)
            cells.append("" if cell is None else
                         f"[bold]{cell['mean']:.0f}[/]\n{cell['min']:g}–{cell['max']:g}")
        table.add_row(name, *cells)  # ids, not labels: they fit an 80-column terminal
    console.print(table)
