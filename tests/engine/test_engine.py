"""The turn loop: scheduling, windows, clamping, outcomes, endings, rewinding."""

from __future__ import annotations

import pytest

from game.engine import CONTINUE_ID, Game
from game.loader import load_story


def test_new_game_starts_at_scenario_node(mini_story):
    game = Game.new(mini_story, seed=1)
    assert game.node_id == "petrograd"
    scene = game.scene()
    assert scene.date_label == "March 1917"
    assert "Stability is 40" in scene.text
    assert "Write {braces}." in scene.text


def test_scenario_sets_values_texts_and_flags(mini_story):
    game = Game.new(mini_story, scenario="late", seed=1)
    assert game.node_id == "assembly"
    assert game.values["stability"] == 10
    assert game.values["leader"] == "Lenin"
    assert "no_stalin" in game.flags
    assert game.scene().text == "The Assembly meets under Lenin in January 1918."


def test_choice_applies_effects_flags_and_log(mini_story):
    game = Game.new(mini_story, seed=1)
    result = game.choose("soviet")
    assert game.values["democracy"] == 40
    assert game.values["stability"] == 35
    assert "soviet_power" in game.flags
    assert result.entry.log == "The Soviet takes the lead."
    assert {c.id: c.delta for c in result.entry.changes} == {"stability": -5, "democracy": 10}


def test_text_variable_set_and_interpolated_in_log(mini_story):
    game = Game.new(mini_story, seed=1)
    result = game.choose("duma")
    assert game.values["leader"] == "Kerensky"
    assert result.entry.log == "Kerensky takes the lead."


def test_conditional_node_fires_in_its_window(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    assert game.node_id == "july"
    assert game.scene().date_label == "July 1917"


def test_conditional_node_skipped_when_condition_false(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("duma")
    assert game.node_id == "august"


def test_hidden_and_locked_choices(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    views = {v.id: v for v in game.choices()}
    assert "hidden" not in views
    assert views["wait"].enabled is False
    assert views["wait"].locked_reason == "The Soviet will not wait."
    with pytest.raises(ValueError, match="locked"):
        game.choose("wait")


def test_conditional_paragraph(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    assert game.scene().text == "Crowds fill the streets.\n\nThe Soviet hesitates."


def test_clear_and_assign(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    game.choose("retreat")
    assert "soviet_power" not in game.flags
    assert game.values["war_readiness"] == 10


def test_goto_node_and_goto_ending(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("duma")
    game.choose("on")
    assert game.node_id == "assembly"
    game = Game.new(mini_story, seed=1)
    game.choose("duma")
    game.choose("end_now")
    assert game.over and game.ending_id == "democratic"


def test_effects_clamp_to_range(mini_story):
    game = Game.new(mini_story, scenario="late", seed=1)
    game.choose("submit")
    assert game.values["democracy"] == 55
    game2 = Game.new(mini_story, seed=1, values={"democracy": 95})
    game2.choose("soviet")
    assert game2.values["democracy"] == 100


def test_expression_effect(mini_story):
    game = Game.new(mini_story, scenario="late", seed=1)
    game.choose("dissolve")
    assert game.values["stability"] == 5


def test_immediate_ending_after_choice(mini_story):
    game = Game.new(mini_story, seed=1, values={"stability": 5})
    game.choose("soviet")
    assert game.ending_id == "collapse"
    assert game.ending_text() == ("Collapse", "It falls apart in 1917.")


def test_final_endings_in_order(mini_story):
    game = Game.new(mini_story, scenario="late", seed=1)
    game.choose("submit")
    game.choose("sign")
    assert game.ending_id == "democratic"
    title, text = game.ending_text()
    assert text == "The soviets rule. Lenin leads.\n\n3 million died."


def test_fallback_ending(mini_story):
    game = Game.new(mini_story, scenario="late", seed=1)
    game.choose("dissolve")
    game.choose("sign")
    assert game.ending_id == "grey"


def test_outcomes_are_deterministic_for_a_seed(mini_story):
    def play(seed: int) -> list[int | None]:
        outcomes = []
        for _ in range(20):
            game = Game.new(mini_story, seed=seed)
            game.choose("soviet")
            outcomes.append(game.choose("rise").entry.outcome)
            seed += 1
        return outcomes

    first = play(100)
    assert first == play(100)
    assert set(first) == {0, 1}


def test_outcome_weights_follow_expressions(mini_story):
    counts = [0, 0]
    for seed in range(300):
        game = Game.new(mini_story, seed=seed, values={"war_readiness": 0})
        game.choose("soviet")
        outcome = game.choose("rise").entry.outcome
        assert outcome is not None
        counts[outcome] += 1
    assert counts == [300, 0]


def test_scheduler_prefers_priority_then_load_order(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices: [{id: go, label: Go}]
    - id: low
      date: 1917-05
      title: Low
      text: t
      choices: [{id: go, label: Go}]
    - id: high
      date: 1917-05
      priority: 5
      title: High
      text: t
      choices: [{id: go, label: Go}]
    - id: later
      date: 1917-04
      until: 1917-09
      when: "stability < 50"
      title: Later
      text: t
      choices: [{id: go, label: Go}]
    """
    story = load_story([make_content(events)])
    game = Game.new(story, seed=1)
    order = []
    while not game.over:
        order.append(game.node_id)
        game.choose("go")
    assert order == ["first", "high", "low"]


def test_window_lets_late_condition_fire(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices: [{id: go, label: Go, effects: {stability: -10}}]
    - id: windowed
      date: 1917-01
      until: 1917-09
      when: "stability < 50"
      title: Windowed
      text: t
      choices: [{id: go, label: Go}]
    - id: expired
      date: 1917-01
      when: "stability < 50"
      title: Expired
      text: t
      choices: [{id: go, label: Go}]
    """
    story = load_story([make_content(events)])
    game = Game.new(story, seed=1)
    game.choose("go")
    assert game.node_id == "windowed"
    assert game.scene().date_label == "March 1917"
    game.choose("go")
    assert game.over


def test_date_condition_fires_in_the_right_month(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices: [{id: go, label: Go}]
    - id: dated
      date: 1917-03
      until: 1919-12
      when: "year >= 1918 and month >= 6"
      title: Dated
      text: t
      choices: [{id: go, label: Go}]
    - id: far
      date: 1919-01
      title: Far
      text: t
      choices: [{id: go, label: Go}]
    """
    story = load_story([make_content(events)])
    game = Game.new(story, seed=1)
    game.choose("go")
    assert game.node_id == "dated"
    assert game.scene().date_label == "June 1918"


def test_dead_end_offers_a_way_on(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices: [{id: go, label: Go, when: "stability > 90"}]
    """
    game = Game.new(load_story([make_content(events)]), seed=1)
    views = game.choices()
    assert [v.id for v in views] == [CONTINUE_ID]
    game.choose(1)
    assert game.over


def test_runtime_fault_names_node_and_game_goes_on(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices:
        - {id: go, label: Go, effects: {stability: "10 // (industry - 20)"}}
    """
    game = Game.new(load_story([make_content(events)]), seed=1)
    result = game.choose("go")
    assert result.problems and "node 'first', choice 'go'" in result.problems[0]
    assert "division by zero" in result.problems[0]
    assert game.values["stability"] == 50
    assert game.over


def test_rewind_replays_and_keeps_the_branch(mini_story):
    game = Game.new(mini_story, seed=5)
    game.choose("soviet")
    game.choose("rise")
    game.choose("on")
    rewound = game.rewind(1)
    assert rewound.node_id == "july"
    assert rewound.path == [("petrograd", "soviet")]
    assert len(rewound.branches) == 1 and rewound.branches[0].path == game.path
    back = rewound.restore_branch(0)
    assert back.path == game.path
    assert back.values == game.values
    assert back.rng_state == game.rng_state


def test_history_records_values_each_turn(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    assert len(game.history) == 2
    assert game.history[0][1]["stability"] == 40
    assert game.history[1][1]["stability"] == 35
    assert game.last_change("stability") == -5



def test_clone_plays_on_without_touching_the_original(mini_story):
    game = Game.new(mini_story, seed=1)
    copy = game.clone()
    copy.choose("soviet")
    assert game.turn == 0 and game.path == [] and "soviet_power" not in game.flags
    assert game.values["democracy"] != copy.values["democracy"]
    # the copy plays the same game the original would have played
    game.choose("soviet")
    assert (game.values, game.flags, game.node_id, game.rng_state) == \
        (copy.values, copy.flags, copy.node_id, copy.rng_state)
