"""`octobers audit` on small stories whose dead and pivotal decisions are known by construction."""

from __future__ import annotations

import json

import pytest

from game.authoring.audit import Settings, audit
from game.authoring.audit_report import to_json
from game.authoring.audit_stats import Sample, decision_figures, quartiles
from game.cli import main
from game.loader import load_story
from game.model import month_index

GAME = """\
title: Audit test
variables:
  stability: {label: Stability, start: 50, shown: true}
  might: {label: Might, start: 0}
flags: [fled]
scenarios:
  - {id: s, title: S, date: 1917-03, start: pivot}
endings:
  - {id: fled, immediate: true, when: "flags.fled", title: Fled, text: Gone.}
  - {id: red, when: "flags.red", title: Red, text: Red.}
  - {id: blue, when: "flags.blue", title: Blue, text: Blue.}
  - {id: grey, title: Grey, text: Nothing came of it.}
"""

# `pivot` picks the ending outright; `idle`, after it, offers three choices that do nothing
# the ending reads; `luck` has one choice only, so it is no decision at all.
PIVOT_THEN_IDLE = """\
- id: pivot
  date: 1917-03
  title: Pivot
  text: Red or blue.
  history: Real.
  choices:
    - {id: go_red, label: Red, set: [red]}
    - {id: go_blue, label: Blue, set: [blue]}
- id: idle
  date: 1917-05
  title: Idle
  text: Nothing hangs on this.
  history: Real.
  choices:
    - {id: a, label: A, effects: {stability: +5}}
    - {id: b, label: B, effects: {stability: -5}}
    - {id: c, label: C}
- id: luck
  date: 1917-07
  title: Luck
  text: One way on.
  history: Real.
  choices:
    - id: on
      label: On
      outcomes:
        - {weight: 1, effects: {stability: +1}}
        - {weight: 1, effects: {stability: -1}}
"""

# `fork` decides which decision comes last: after `x` it is `late_pivot` (which picks the
# ending), after `y` it is `late_dead` (whose choices end alike).
FORK = """\
- id: pivot
  date: 1917-03
  title: Fork
  text: Which way.
  history: Real.
  choices:
    - {id: x, label: X, set: [took_x]}
    - {id: y, label: Y}
- id: late_pivot
  date: 1917-06
  when: "flags.took_x"
  title: Late pivot
  text: Red or blue.
  history: Real.
  choices:
    - {id: go_red, label: Red, set: [red]}
    - {id: go_blue, label: Blue, set: [blue]}
- id: late_dead
  date: 1917-06
  when: "not flags.took_x"
  title: Late and dead
  text: Nothing hangs on this.
  history: Real.
  choices:
    - {id: a, label: A, effects: {stability: +5}}
    - {id: b, label: B}
"""

# `arm` sets might to 0, 10, 20 or 30 (or flees, ending the game at once); in June the war
# is lost (the `lost` flag) exactly when might is under 15.
MIGHT = """\
- id: pivot
  date: 1917-03
  title: Arm
  text: How much.
  history: Real.
  choices:
    - {id: none, label: None}
    - {id: some, label: Some, effects: {might: +10}}
    - {id: more, label: More, effects: {might: +20}}
    - {id: most, label: Most, effects: {might: +30}}
    - {id: flee, label: Flee, set: [fled]}
- id: war
  date: 1917-06
  title: War
  text: It comes.
  history: Real.
  choices:
    - {id: lose, label: Lose, when: "might < 15", set: [lost, red]}
    - {id: win, label: Win, when: "might >= 15", set: [blue]}
"""


def story_of(make_content, events: str):
    return load_story([make_content(events=events, game=GAME)])


def by_node(data: dict) -> dict[str, dict]:
    return {row["node"]: row for row in data["decisions"]}


def test_a_decision_that_picks_the_ending_is_pivotal_and_one_that_does_not_is_dead(
        make_content):
    story = story_of(make_content, PIVOT_THEN_IDLE)
    settings = Settings(seed=3, samples=40)
    data = to_json(audit(story, settings), story)
    rows = by_node(data)
    assert set(rows) == {"pivot", "idle"}  # `luck` has one choice: no decision
    assert "luck" in data["never_a_decision"]
    pivot, idle = rows["pivot"], rows["idle"]
    assert pivot["tvd"] == 1.0 and pivot["low"] == 1.0 and pivot["high"] == 1.0
    assert pivot["verdict"] == "moves" and data["pivotal"] == ["pivot"]
    assert pivot["endings"] == {"go_red": {"red": 40}, "go_blue": {"blue": 40}}
    assert pivot["states"] == 40 and pivot["changed"] == 1.0
    assert idle["tvd"] == 0.0 and idle["high"] == 0.0 and idle["verdict"] == "dead"
    assert data["dead"] == ["idle"] and idle["changed"] == 0.0
    # every choice of `idle` is played from every state: 40 states, three choices each
    assert all(sum(e.values()) == 40 for e in idle["endings"].values())
    assert set(idle["endings"]) == {"a", "b", "c"}


def test_a_rarely_reached_decision_gets_several_futures_per_state(make_content):
    story = story_of(make_content, FORK)
    data = to_json(audit(story, Settings(seed=5, samples=30, max_games=30)), story)
    rows = by_node(data)
    late = rows["late_pivot"]
    # about half the 30 games reach it: fewer states than samples, several futures each
    assert 5 < late["states"] < 30 and late["futures"] == 30
    assert all(sum(e.values()) == 30 for e in late["endings"].values())
    assert late["tvd"] == 1.0 and rows["late_dead"]["verdict"] == "dead"


def test_noise_alone_gives_an_interval_that_reaches_zero():
    # two choices whose endings are drawn independently from one distribution
    import random

    draw = random.Random(1)
    samples = []
    for index in range(200):
        sample = Sample("n", index, ("a", "b"))
        sample.futures.append(tuple(draw.choice("pqrs") for _ in range(2)))
        samples.append(sample)
    figures = decision_figures("n", samples, seed=1, salt=0)
    assert figures.tvd > 0.02  # a sample TVD is never quite 0...
    assert figures.low == 0.0 and figures.verdict(0.2) == "dead"  # ...but it is noise


def test_the_last_decision_can_change_the_ending_exactly_when_it_is_the_late_pivot(
        make_content):
    story = story_of(make_content, FORK)
    result = audit(story, Settings(seed=9, samples=50, last_games=200))
    tried = [g for g in result.games if g.last_changes is not None]
    assert len(tried) == 200
    assert all(g.last_changes == (g.last == "late_pivot") for g in tried)
    last = to_json(result, story)["last_decisions"]
    pivots = sum(g.last == "late_pivot" for g in tried)
    assert last["can_change"] == pivots and last["games"] == 200
    assert 60 < pivots < 140  # the fork is a coin toss
    assert last["share"] == round(pivots / 200, 4)
    assert {r["node"]: r["can_change"] for r in last["by_node"]} == \
        {"late_pivot": pivots, "late_dead": 0}


def test_variable_quartiles_show_the_outcome_a_variable_decides(make_content):
    story = story_of(make_content, MIGHT)
    settings = Settings(seed=2, samples=50, at=month_index(1917, 6), variables=("might",),
                        outcome="lost")
    result = audit(story, settings)
    data = to_json(result, story)["variables"]
    assert data["at"] == "1917-06" and data["outcome"] == "lost"
    fled = sum(g.ending == "fled" for g in result.games)
    assert fled > 0 and data["ended_before"] == fled  # those never reach June
    assert data["games"] == len(result.games) - fled
    groups = data["by_variable"]["might"]
    assert [(g["low"], g["high"]) for g in groups] == [(0, 0), (10, 10), (20, 20), (30, 30)]
    assert [g["rate"] for g in groups] == [1.0, 1.0, 0.0, 0.0]
    assert groups[0]["endings"] == {"red": groups[0]["games"]}
    assert groups[3]["endings"] == {"blue": groups[3]["games"]}
    assert groups[3]["rate_high"] < 0.3 and groups[0]["rate_low"] > 0.7
    assert sum(g["games"] for g in groups) == data["games"]


def test_quartiles_split_at_the_quarter_points_and_keep_ties_together():
    assert quartiles(list(range(1, 9))) == [(1, 2), (3, 4), (5, 6), (7, 8)]
    assert quartiles([5] * 10) == [(5, 5)]
    assert quartiles([1, 1, 1, 2, 9, 9, 9, 9]) == [(1, 1), (2, 2), (9, 9)]
    assert quartiles([]) == []


def test_the_result_is_the_same_for_one_or_two_jobs(make_content):
    story = story_of(make_content, FORK)
    settings = Settings(seed=4, samples=30, at=month_index(1917, 6),
                        variables=("stability",), outcome="red")
    one = to_json(audit(story, settings, jobs=1), story)
    two = to_json(audit(story, settings, jobs=2), story)
    one.pop("seconds")
    two.pop("seconds")
    assert one == two
    other = to_json(audit(story, Settings(seed=5, samples=30, at=month_index(1917, 6),
                                          variables=("stability",), outcome="red")), story)
    other.pop("seconds")
    assert other != one  # the seed matters


def test_cli_json_and_readable_report(make_content, capsys):
    folder = make_content(events=PIVOT_THEN_IDLE, game=GAME)
    assert main(["audit", "--content", str(folder), "--samples", "20", "--json",
                 "--at", "1917-06", "--outcome", "red", "--var", "might"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dead"] == ["idle"] and data["pivotal"] == ["pivot"]
    assert list(data["variables"]["by_variable"]) == ["stability", "might"]
    assert main(["audit", "--content", str(folder), "--samples", "20"]) == 0
    out = capsys.readouterr().out
    assert "Pivotal" in out and "Dead (1" in out and "idle" in out
    assert "go_red → red 100%" in out and "go_blue → blue 100%" in out
    assert "Last decisions:" in out and "Variables at 1941-06" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--samples", "0"], "--samples must be at least 1"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--at", "1941"], "--at: expected a date like 1941-06"),
    (["--at", "1941-13"], "--at: expected a date like 1941-06"),
    (["--var", "nope"], "--var: unknown variable 'nope'"),
    (["--outcome", "nope"], "--outcome: 'nope' is neither a flag"),
    (["--scenario", "nope"], "unknown scenario 'nope'"),
    (["--policy", "clever"], "invalid choice: 'clever'"),
    (["--samples", "many"], "invalid int value: 'many'"),
    (["--dead-below", "2"], "--dead-below must be above 0"),
])
def test_bad_arguments_get_usage_not_a_traceback(make_content, capsys, args, message):
    folder = make_content(events=PIVOT_THEN_IDLE, game=GAME)
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "--content", str(folder), *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage: octobers" in err and message in err and "Traceback" not in err
