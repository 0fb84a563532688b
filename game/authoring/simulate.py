"""Many random playthroughs at once: which endings, which nodes, how long, what broke."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from game import rng
from game.engine import Game
from game.model import Story

POLICIES = ("random", "first", "weighted")


@dataclass
class SimReport:
    """The summary of a simulation run."""

    runs: int
    seed: int
    endings: Counter[str] = field(default_factory=Counter)
    nodes_reached: set[str] = field(default_factory=set)
    choices_reached: set[tuple[str, str]] = field(default_factory=set)
    decisions: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self, story: Story) -> dict[str, Any]:
        """The report as plain data for `--json`."""
        all_choices = {(n.id, c.id) for n in story.nodes.values() for c in n.choices}
        decisions = self.decisions or [0]
        return {
            "runs": self.runs,
            "seed": self.seed,
            "endings": dict(sorted(self.endings.items(), key=lambda kv: (-kv[1], kv[0]))),
            "endings_unreached": sorted(e.id for e in story.endings
                                        if e.id not in self.endings),
            "nodes_total": len(story.nodes),
            "nodes_reached": len(self.nodes_reached & set(story.nodes)),
            "unreached_nodes": sorted(set(story.nodes) - self.nodes_reached),
            "choices_total": len(all_choices),
            "choices_reached": len(self.choices_reached & all_choices),
            "unreached_choices": sorted(f"{n}.{c}" for n, c in
                                        all_choices - self.choices_reached),
            "decisions": {
                "min": min(decisions), "median": statistics.median(decisions),
                "max": max(decisions), "total": sum(self.decisions),
            },
            "errors": self.errors[:200],
            "seconds": round(self.seconds, 3),
        }


def play_one(story: Story, seed: int, index: int, scenario: str | None = None,
             policy: str = "random") -> tuple[Game, list[str]]:
    """Play one game to its end with a policy; the choice stream is seeded by (seed, index)."""
    game = Game.new(story, scenario=scenario, seed=rng.derive(seed, index, 1))
    state = rng.derive(seed, index, 2)
    errors: list[str] = []
    while not game.over:
        views = [v for v in game.choices() if v.enabled]
        if policy == "first":
            pick = views[0]
        else:
            state, roll = rng.uniform(state)
            if policy == "weighted":
                pick = _weighted(game, views, roll)
            else:
                pick = views[int(roll * len(views))]
        result = game.choose(pick.id)
        errors.extend(result.problems)
    return game, errors


def _weighted(game: Game, views: list[Any], roll: float) -> Any:
    node = game.node
    assert node is not None
    by_id = {c.id: c for c in node.choices}
    weights = []
    for view in views:
        choice = by_id.get(view.id)
        weight = 1.0 if choice is None else game._number(choice.ai, f"choice '{view.id}' ai")
        weights.append(max(0.0, weight))
    total = sum(weights)
    if total <= 0:
        return views[int(roll * len(views))]
    target = roll * total
    for view, weight in zip(views, weights, strict=True):
        target -= weight
        if target < 0:
            return view
    return views[-1]


def simulate(story: Story, runs: int, seed: int = 0, scenario: str | None = "all",
             policy: str = "random") -> SimReport:
    """Play `runs` games and gather the report; scenario "all" cycles through every one."""
    started = time.perf_counter()
    report = SimReport(runs, seed)
    for index in range(runs):
        scenario_id = scenario
        if scenario == "all":
            scenario_id = story.scenarios[index % len(story.scenarios)].id
        try:
            game, errors = play_one(story, seed, index, scenario_id, policy)
        except Exception as exc:  # noqa: BLE001 - a simulation reports engine faults, not dies
            report.errors.append(f"game {index}: {type(exc).__name__}: {exc}")
            continue
        report.endings[game.ending_id or "?"] += 1
        report.nodes_reached.update(node for node, _ in game.path)
        report.choices_reached.update(game.path)
        report.decisions.append(len(game.path))
        for error in errors:
            if len(report.errors) < 1000:
                report.errors.append(f"game {index}: {error}")
    report.seconds = time.perf_counter() - started
    return report
