"""The turn's fast paths give exactly what the general ones give."""

from __future__ import annotations

import dataclasses

import pytest

from game.engine import CONTINUE_ID, Change, ChoiceView, Entry, Game
from game.loader import load_story

from conftest import GAME_YAML


def outcome_of(game: Game, choice: int | str):
    """What taking a choice does, as plain data (or the error it raises)."""
    try:
        result = game.choose(choice)
    except ValueError as exc:
        return ("refused", str(exc).replace(f"no choice {choice!r}", "no choice ?"))
    entry = result.entry
    return (entry.choice_id, entry.label, entry.log, entry.outcome, entry.changes,
            game.node_id, game.ending_id, game.history[-1], sorted(game.flags))


def test_choosing_by_id_is_choosing_by_number(mini_story):
    for scenario in ("february", "late"):
        game = Game.new(mini_story, scenario=scenario, seed=4)
        while not game.over:
            views = game.choices()
            for view in views:
                by_number = Game.replay(mini_story, game.origin, game.path)
                by_id = Game.replay(mini_story, game.origin, game.path)
                assert outcome_of(by_number, view.number) == outcome_of(by_id, view.id)
            game.choose(next(v for v in views if v.enabled).id)


def test_a_hidden_choice_is_unknown_by_id_and_a_locked_one_is_refused(mini_story):
    game = Game.new(mini_story, seed=1)
    game.choose("soviet")
    with pytest.raises(ValueError, match="no choice 'hidden'"):
        game.choose("hidden")
    with pytest.raises(ValueError, match="is locked: The Soviet will not wait."):
        game.choose("wait")
    with pytest.raises(ValueError, match="no choice '_continue'"):
        game.choose(CONTINUE_ID)  # only offered when nothing is open


def test_changes_list_only_what_moved_in_declaration_order(make_content):
    game_yaml = GAME_YAML.replace(
        "  industry: {label: Industry, start: 20, shown: true}\n",
        "  industry: {label: Industry, start: 20, shown: true}\n"
        "  army: {label: Army, start: 5}\n")
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices:
        - id: go
          label: Go
          effects: {army: +2, industry: +0, stability: -3}
          outcomes:
            - {weight: 1, effects: {army: -2, industry: +4}}
    """
    game = Game.new(load_story([make_content(events, game_yaml)]), seed=1)
    changes = game.choose("go").entry.changes
    assert changes == (Change("stability", "Stability", 50, 47, True),
                       Change("industry", "Industry", 20, 24, True))


def test_labels_with_names_are_filled_in_every_time(make_content):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices:
        - {id: a, label: "Ask {leader}", texts: {leader: Kerensky}, goto: second}
    - id: second
      date: 1917-04
      title: Second
      text: t
      choices:
        - {id: b, label: "Ask {leader} again"}
        - {id: c, label: "Plain"}
    """
    story = load_story([make_content(events)])
    game = Game.new(story, seed=1)
    assert [v.label for v in game.choices()] == ["Ask Lvov"]
    game.choose("a")
    assert [v.label for v in game.choices()] == ["Ask Kerensky again", "Plain"]
    assert [v.label for v in Game.new(story, seed=2).choices()] == ["Ask Lvov"]


def test_views_kept_for_fixed_nodes_are_the_same_in_every_game(mini_story):
    first = Game.new(mini_story, seed=1).choices()
    second = Game.new(mini_story, seed=2).choices()
    assert first == second
    first.pop()  # a caller may change its list without touching the next one's
    assert Game.new(mini_story, seed=3).choices() == second


def test_turn_records_stay_frozen_values():
    view = ChoiceView(1, "go", "Go", True)
    entry = Entry(1, 0, "n", "T", "go", "Go", "log")
    assert view == ChoiceView(number=1, id="go", label="Go", enabled=True, locked_reason=None)
    assert entry.outcome is None and entry.changes == ()
    assert hash(view) == hash(ChoiceView(1, "go", "Go", True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.label = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Entry(1, 0, "n")  # type: ignore[call-arg]


def test_step_plays_the_same_game_as_choose_without_a_timeline(mini_story):
    """Game.step (the simulator's turn) changes the state exactly as choose does."""
    from game import rng
    from game.engine import Game

    for seed in range(40):
        full, fast = Game.new(mini_story, seed=seed), Game.new(mini_story, seed=seed)
        state = rng.derive(seed, 7)
        while not full.over:
            open_ids = [v.id for v in full.choices() if v.enabled]
            assert fast.open_choice_ids() == open_ids
            state, roll = rng.uniform(state)
            pick = open_ids[int(roll * len(open_ids))]
            full.choose(pick)
            assert fast.step(pick) == []
        assert fast.over and fast.ending_id == full.ending_id
        for attr in ("values", "flags", "seen", "chosen", "path", "date", "rng_state",
                     "history", "turn"):
            assert getattr(fast, attr) == getattr(full, attr), attr
        assert fast.timeline == [] and len(full.timeline) == full.turn
