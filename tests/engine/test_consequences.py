"""Consequences the player sees: `enter:` arrival effects, danger zones, revealed variables,
the stats guide and "How you got here"."""

from __future__ import annotations

import pytest

from game.engine import Game
from game.loader import load_story
from game.saves import SaveStore
from game.statsguide import guide
from game.why import explain

GAME = """\
title: Test
variables:
  stability:
    label: Stability
    start: 50
    shown: true
    danger: {below: 15, warning: "the state may come apart"}
  army: {label: The army's weight, start: 20, reveal: always, description: Generals.}
  terror: {label: Terror, start: 10, reveal: {flag: cheka}}
  market: {label: Market, start: 30, reveal: {date: 1921-03}}
  secret: {label: Secret, start: 5}
texts:
  leader: {label: Leading, start: Lvov, shown: true}
flags: [junta]
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: collapse, immediate: true, when: "stability <= 0", title: Collapse, text: Gone.}
  - {id: generals, when: "flags.junta and army >= 60", title: Generals, text: Boots.}
  - {id: fallback, title: Fallback, text: The end.}
"""

EVENTS = """\
- id: first
  date: 1917-03
  title: First
  text: "{leader} leads."
  enter: {log: "Lvov takes office.", effects: {army: +1}}
  choices:
    - {id: cheka, label: Found the Cheka, set: [cheka], effects: {stability: -40}}
    - {id: calm, label: Keep calm}
- id: death
  date: 1924-01
  title: The funeral
  text: "{leader} speaks at the grave."
  enter: {texts: {leader: Stalin}, effects: {stability: -5}, set: [junta],
          log: "Lenin is dead; Stalin leads."}
  choices:
    - {id: army_up, label: Lean on the army, effects: {army: +45}}
    - {id: army_down, label: Keep the army out, effects: {army: -10}}
- id: last
  date: 1930-01
  title: Last
  text: t
  choices:
    - {id: small, label: A little more, effects: {army: +2}}
"""


@pytest.fixture
def story(make_content):
    return load_story([make_content(EVENTS, GAME)])


def test_enter_applies_on_arrival_before_the_scene(story):
    game = Game.new(story, seed=1)
    assert game.values["army"] == 21  # the first node's own enter:, at the start
    assert game.arrival() is not None and game.arrival().log == "Lvov takes office."
    result = game.choose("calm")
    assert game.node_id == "death"
    assert game.values["leader"] == "Stalin" and "junta" in game.flags
    assert game.scene().text == "Stalin speaks at the grave."
    then = result.entry.then
    assert then is not None and then.node_id == "death"
    assert then.log == "Lenin is dead; Stalin leads."
    assert {c.id: c.delta for c in then.changes} == {"stability": -5}
    assert {c.id: c.delta for c in result.entry.changes} == {}  # the choice moved nothing
    assert game.arrival() == then


def test_enter_is_applied_once_across_save_load_rewind_and_replay(story, tmp_path):
    game = Game.new(story, seed=1)
    game.choose("calm")
    assert game.values["stability"] == 45
    store = SaveStore(tmp_path)
    store.save(game, "slot")
    loaded, _ = store.load("slot", story)
    assert loaded.values["stability"] == 45 and loaded.values["army"] == 21
    assert loaded.timeline[-1].then == game.timeline[-1].then
    assert loaded.opening == game.opening
    loaded.choose("army_up")
    assert loaded.values["stability"] == 45
    rewound = loaded.rewind(1)
    assert rewound.values["stability"] == 45 and rewound.node_id == "death"
    replayed = Game.replay(story, game.origin, loaded.path)
    assert replayed.values == loaded.values


def test_enter_applies_in_the_simulators_fast_path_too(story):
    game = Game.new(story, seed=1)
    game.step("calm")
    assert game.values["leader"] == "Stalin" and game.values["stability"] == 45


def test_enter_that_breaks_the_state_ends_the_game_at_once(make_content):
    events = EVENTS.replace("effects: {stability: -5}", "effects: {stability: -60}")
    game = Game.new(load_story([make_content(events, GAME)]), seed=1)
    game.choose("calm")
    assert game.ending_id == "collapse"


def test_enter_with_goto_is_an_error(problems_of):
    events = EVENTS.replace('log: "Lvov takes office."', 'log: x, goto: last')
    problems = problems_of(events, GAME)
    assert any("enter: 'goto' has no place here" in p for p in problems), problems


def test_danger_warns_the_first_time_only(story):
    game = Game.new(story, seed=1)
    assert game.warnings_now() == [] and not game.in_danger("stability")
    result = game.choose("cheka")  # 50 - 40, then -5 as the funeral comes up
    assert game.in_danger("stability")
    assert result.warnings == ["Stability 5: below 15 the state may come apart"]
    result = game.choose("army_down")  # still in danger: no second warning
    assert result.warnings == []


@pytest.mark.parametrize("danger, message", [
    ("{below: 0}", "danger below 0 lies outside 0 .. 100"),
    ("{above: 100}", "danger above 100 lies outside 0 .. 100"),
    ("{warning: x}", "danger needs 'below', 'above' or both"),
    ("{below: 50, above: 20}", "danger below 50 and above 20 overlap"),
    ("{belwo: 5}", "unknown key 'belwo'"),
])
def test_bad_danger_is_reported(problems_of, danger, message):
    game = GAME.replace('{below: 15, warning: "the state may come apart"}', danger)
    problems = problems_of(EVENTS, game)
    assert any(message in p for p in problems), problems


def test_reveal_always_flag_and_date(story):
    game = Game.new(story, seed=1)
    assert [v.id for v in game.revealed()] == ["stability", "army"]
    game.choose("cheka")
    assert [v.id for v in game.revealed()] == ["stability", "army", "terror", "market"]
    assert not game.is_revealed("secret")


def test_reveal_problems(problems_of):
    bad_flag = GAME.replace("reveal: {flag: cheka}", "reveal: {flag: chekka}")
    assert any("unknown flag 'chekka' (did you mean 'cheka'?)" in p
               for p in problems_of(EVENTS, bad_flag))
    shown = GAME.replace("start: 20, reveal: always", "start: 20, shown: true, reveal: always")
    assert any("'reveal' is for hidden variables" in p for p in problems_of(EVENTS, shown))
    odd = GAME.replace("reveal: always", "reveal: sometimes")
    assert any("must be 'always'" in p for p in problems_of(EVENTS, odd))


def test_series_follows_the_history(story):
    game = Game.new(story, seed=1)
    game.choose("calm")
    assert [value for _, value in game.series("stability")] == [50, 45]


def test_stats_guide_names_danger_and_readers(story):
    entries = {g.variable.id: g for g in guide(story)}
    assert entries["stability"].danger == "below 15: the state may come apart"
    assert entries["stability"].readers == ("ending: Collapse (when stability <= 0)",)
    assert entries["army"].readers == ("ending: Generals (when flags.junta and army >= 60)",)
    assert [g.variable.id for g in guide(story, shown_only=True)] == ["stability"]


def test_how_you_got_here_credits_the_deciding_choice(story):
    game = Game.new(story, seed=1)
    for choice in ("calm", "army_up", "small"):
        game.choose(choice)
    assert game.ending_id == "generals"
    reasons = explain(game)
    # junta was set on arrival, not by a decision: only the army's rise is credited,
    # the big push first and the small one after it
    assert [(r.node_id, r.choice) for r in reasons] == [("death", "Lean on the army"),
                                                       ("last", "A little more")]
    assert reasons[0].why == "The army's weight +45 (this ending needs it at 60 or more)"
    assert reasons[0].score > reasons[1].score


def test_how_you_got_here_credits_a_flag_to_its_last_setter(make_content):
    events = EVENTS.replace("set: [junta],\n", "\n").replace(
        "{id: army_up, label: Lean on the army, effects: {army: +45}}",
        "{id: army_up, label: Lean on the army, effects: {army: +45}, set: [junta]}")
    game = Game.new(load_story([make_content(events, GAME)]), seed=1)
    for choice in ("calm", "army_up", "small"):
        game.choose(choice)
    reasons = explain(game)
    assert reasons[0].node_id == "death"
    assert reasons[0].why.startswith("set the junta flag")


def test_how_you_got_here_for_a_fallback_ending_names_the_stat_moves(story):
    game = Game.new(story, seed=1)
    for choice in ("cheka", "army_down", "small"):
        game.choose(choice)
    assert game.ending_id == "fallback"
    # the fallback reads nothing, so the shown stats' moves count; the funeral's -5 on
    # arrival was no decision
    assert [(r.choice, r.why) for r in explain(game)] == [("Found the Cheka", "Stability -40")]


def test_no_explanation_before_the_end(story):
    game = Game.new(story, seed=1)
    game.choose("cheka")
    assert explain(game) == []


def test_check_counts_flags_set_on_arrival(make_content):
    from game.authoring.lint import lint

    events = EVENTS + """\
- id: generals_meet
  date: 1925-01
  when: "flags.junta"
  title: The generals meet
  text: t
  history: h
  choices:
    - {id: ok, label: OK}
"""
    messages = [p.message for p in lint(load_story([make_content(events, GAME)]))]
    # junta is set only by the funeral's enter:; the event that reads it is reachable
    assert not any("'junta'" in m for m in messages), messages
    assert not any("generals_meet" in m and "cannot be reached" in m for m in messages)
    assert not any("'generals_meet': 'when' can never hold" in m for m in messages)
