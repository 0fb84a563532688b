"""Whole games written out as Markdown, every scene's text included, for reading end to end.

    octobers simulate --transcripts DIR [-n N] [--seed S]

Continuity slips (a man dead in one paragraph and speaking in the next, a front that is both
at the Volga and on the Rhine) show only when a whole game is read as a player meets it. This
writes N games for each scenario under each policy (random, first, weighted), then keeps
playing random games until every ending has a transcript, or a bound is reached. Each game is
seeded by (seed, scenario, policy, index), so a transcript can be played again exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from game import rng
from game.authoring.simulate import POLICIES, choose_by_policy
from game.chronicle import describe_changes
from game.engine import Arrival, Change, Game, Scene, TurnResult
from game.model import Story, format_date
from game.why import explain

Turn = tuple[Scene, Arrival | None, TurnResult]
EXTRA_TRIES = 600  # random games played, at most, to find the endings not yet covered


@dataclass(frozen=True)
class Written:
    """One transcript written."""

    path: Path
    scenario: str
    policy: str
    ending: str
    decisions: int


def write_transcripts(story: Story, folder: Path, per: int, seed: int,
                      progress: Callable[[int, int], None] | None = None) -> list[Written]:
    """Write `per` games for each scenario and policy, then one for each missing ending."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = [(scenario.id, policy, index) for scenario in story.scenarios
            for policy in POLICIES for index in range(per)]
    written: list[Written] = []
    total = len(plan) + EXTRA_TRIES
    for step, (scenario, policy, index) in enumerate(plan):
        written.append(_write(story, folder, len(written) + 1, scenario, policy, seed, index))
        if progress:
            progress(step + 1, total)
    covered = {w.ending for w in written}
    wanted = {e.id for e in story.endings} - covered
    for extra in range(EXTRA_TRIES):
        if not wanted:
            break
        scenario = story.scenarios[extra % len(story.scenarios)].id
        game, turns = _play(story, scenario, "random", seed, per + extra)
        if game.ending_id in wanted:
            wanted.discard(game.ending_id or "")
            written.append(_save(game, turns, folder, len(written) + 1, "random", seed,
                                 per + extra))
        if progress:
            progress(len(plan) + extra + 1, total)
    return written


def _write(story: Story, folder: Path, number: int, scenario: str, policy: str, seed: int,
           index: int) -> Written:
    game, turns = _play(story, scenario, policy, seed, index)
    return _save(game, turns, folder, number, policy, seed, index)


def _play(story: Story, scenario: str, policy: str, seed: int, index: int
          ) -> tuple[Game, list[Turn]]:
    """Play one game with the timeline recorded (choose, not step), seeded reproducibly."""
    salt = POLICIES.index(policy) * 1_000_003 + [s.id for s in story.scenarios].index(scenario)
    game = Game.new(story, scenario=scenario, seed=rng.derive(seed, index, 3 + salt))
    state = rng.derive(seed, index, 4 + salt)
    turns: list[Turn] = []
    while not game.over:
        scene = game.scene()
        arrival = game.arrival()
        state, pick = choose_by_policy(game, policy, state)
        result = game.choose(pick)
        turns.append((scene, arrival, result))
    return game, turns


def _save(game: Game, turns: list[Turn], folder: Path, number: int, policy: str, seed: int,
          index: int) -> Written:
    scenario = game.origin.scenario
    name = f"{number:03d}-{scenario}-{policy}-{game.ending_id}.md"
    path = folder / name
    path.write_text(render(game, turns, policy, seed, index), encoding="utf-8")
    return Written(path, scenario, policy, game.ending_id or "?", len(game.path))


def _changes(changes: tuple[Change, ...]) -> str:
    shown = describe_changes(changes)
    hidden = ", ".join(f"{c.label} {c.delta:+d}" for c in changes if not c.shown and c.delta)
    return "; ".join(part for part in (shown, f"hidden: {hidden}" if hidden else "") if part)


def render(game: Game, turns: list[Turn], policy: str, seed: int, index: int) -> str:
    """A played game (from `_play`) as Markdown."""
    story = game.story
    scenario = story.scenario(game.origin.scenario)
    lines = [f"# {scenario.title}: a transcript", "",
             f"*policy {policy} · seed {seed} · game {index} · {len(game.path)} decisions · "
             f"ending {game.ending_id}*", ""]
    shown = story.shown_variables
    for turn, (scene, arrival, result) in enumerate(turns, start=1):
        lines += [f"## {turn}. {scene.date_label}: {scene.title}", ""]
        if arrival is not None:
            then = _changes(arrival.changes)
            lines += [f"*As it comes up: {arrival.log}*" + (f" ({then})" if then else ""), ""]
        lines += [scene.text.strip(), ""]
        for view in scene.choices:
            mark = "**→**" if view.id == result.entry.choice_id else "-"
            locked = f" *(locked: {view.locked_reason})*" if not view.enabled else ""
            lines.append(f"{mark} {view.number}. {view.label}{locked}")
        lines.append("")
        moved = _changes(result.entry.changes)
        lines += [f"> {result.entry.log}" + (f" ({moved})" if moved else ""), ""]
        for warning in result.warnings:
            lines += [f"> ⚠ {warning}", ""]
    final = " · ".join(f"{v.label} {game.values[v.id]}" for v in shown)
    texts = " · ".join(f"{t.label}: {game.values[t.id]}" for t in story.texts.values()
                       if t.shown)
    title, epilogue = game.ending_text()
    lines += [f"## The ending ({format_date(game.date)}): {title}", "", epilogue.strip(), "",
              f"*{final} · {texts}*", ""]
    reasons = explain(game)
    if reasons:
        lines += ["### How you got here", ""]
        lines += [f"- {format_date(r.date)}, {r.title}: *{r.choice}* — {r.why}"
                  for r in reasons]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
