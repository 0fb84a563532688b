"""Test any moment (issue 13): where `--start-at` starts from, `--from-seed`, `--set` and
`--flag` on top, forced outcomes, previewing an ending, simulating from a node, per-outcome
counts, `--only PACK` and the content's `unreachable:` list. All on tests/fixtures/mini, whose
second scenario ('late', 1918-01) starts at 'assembly' with Lenin leading and stability 10."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from game import rng
from game.authoring.simulate import Setup, choose_by_policy, simulate
from game.authoring.startstate import (
    StartError,
    find_start,
    parse_outcome,
    play_to,
)
from game.engine import Game
from game.errors import SaveError
from game.loader import load_story, load_with_problems
from game.saves import SaveStore

from conftest import MINI, REPO


def octobers(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, from the checkout."""
    return subprocess.run([sys.executable, "-m", "game", *args], input=stdin,
                          capture_output=True, text=True, cwd=REPO, env=dict(os.environ),
                          timeout=120)


def test_a_mid_campaign_start_takes_the_state_of_a_game_from_the_latest_scenario(mini_story):
    found = find_start(mini_story, "peace")
    assert found.scenario == "late" and not found.fallback
    assert found.state is not None
    assert "random game" in found.note and "scenario 'late'" in found.note
    assert "most typical of 20" in found.note
    game = Game.new(mini_story, found.scenario, 1, "peace", state=found.state)
    assert game.node_id == "peace" and game.date == found.state.date
    # the 'late' world, not the first scenario's 1917 one
    assert game.values["leader"] == "Lenin" and "no_stalin" in game.flags
    assert "assembly" in game.seen  # the history of that game came along
    assert game.scene().title == "Peace"


def test_the_state_is_the_random_games_own_as_the_node_comes_up(make_content):
    """Whatever the random game did up to the node is in the state, and the node's `enter:`
    applies once, as it did in that game."""
    folder = make_content(events="""\
        - id: first
          date: 1917-03
          title: First
          text: Start.
          history: Real.
          choices:
            - {id: up, label: Up, effects: {industry: +7}, set: [went_up]}
            - {id: down, label: Down, effects: {industry: -3}}
        - id: second
          date: 1917-05
          title: Second
          text: Then.
          history: Real.
          enter: {effects: {stability: -4}}
          choices:
            - {id: go, label: Go}
        """)
    story = load_story([folder])
    for seed in range(6):
        game = Game.new(story, "s", rng.derive(seed, 0, 1))  # random game `seed`, by hand
        policy = rng.derive(seed, 0, 2)
        policy, pick = choose_by_policy(game, "random", policy)
        game.step(pick)
        assert game.node_id == "second"
        state = play_to(story, "second", "s", seed)
        assert state is not None
        fresh = Game.new(story, "s", 99, "second", state=state)
        assert fresh.values == game.values  # stability -4 once, industry as that game left it
        assert fresh.flags == game.flags and fresh.seen == game.seen
        assert fresh.values["stability"] == 46


def test_set_and_flag_apply_on_top_of_the_found_state(mini_story):
    found = find_start(mini_story, "peace")
    game = Game.new(mini_story, found.scenario, 1, "peace", {"stability": 33,
                                                             "leader": "Trotsky"},
                    ["risen"], found.state)
    assert game.values["stability"] == 33 and game.values["leader"] == "Trotsky"
    assert {"risen", "no_stalin"} <= game.flags
    assert game.values["democracy"] == dict(found.state.values)["democracy"]


def test_from_seed_takes_that_games_state_or_says_it_never_gets_there(mini_story):
    reaching = [n for n in range(12) if play_to(mini_story, "july", "february", n)]
    missing = [n for n in range(12) if n not in reaching]
    assert reaching and missing
    found = find_start(mini_story, "july", from_seed=reaching[0])
    assert found.state == replace(play_to(mini_story, "july", "february", reaching[0]),
                                  source=found.state.source)
    assert f"random game {reaching[0]} of the scenario 'february'" in found.note
    assert f"--from-seed {reaching[0]}" in found.note
    with pytest.raises(StartError) as error:
        find_start(mini_story, "july", from_seed=missing[0])
    message = str(error.value)
    assert f"seed {missing[0]} of 'february' never reaches 'july'" in message
    assert f"seeds that do, in 'february': {reaching[0]}" in message


def test_a_node_no_game_reaches_falls_back_to_the_scenarios_start_values(mini_story):
    found = find_start(mini_story, "skipped", tries=15)
    assert found.fallback and found.state is None and found.scenario == "february"
    assert "no random game of the scenario 'february' reached 'skipped' in 15 tries" \
        in found.note


def test_a_scenarios_own_first_node_starts_from_that_scenario(mini_story):
    found = find_start(mini_story, "assembly")
    assert found.scenario == "late" and found.state is None
    assert "the scenario 'late' starts here" in found.note
    assert find_start(mini_story, "assembly", from_seed=3) == found


def test_a_run_from_a_node_is_the_same_for_one_or_two_jobs(mini_story):
    found = find_start(mini_story, "july", from_seed=3)
    setup = Setup("july", (("war_readiness", 80),), ("no_stalin",), found.state,
                  (("july", "rise", 1),))
    one = simulate(mini_story, 160, seed=11, scenario=found.scenario, jobs=1,
                   content_dirs=[MINI], setup=setup)
    two = simulate(mini_story, 160, seed=11, scenario=found.scenario, jobs=2,
                   content_dirs=[MINI], setup=setup)
    assert one.to_json(mini_story) | {"seconds": 0} == two.to_json(mini_story) | {"seconds": 0}
    assert one.outcome_counts[("july", "rise", 1)] == one.choice_counts[("july", "rise")] > 0
    assert one.choice_counts[("july", "hidden")] > 0  # the flag on top opened it


def test_a_started_state_and_forced_outcomes_survive_save_load_and_rewind(mini_story, tmp_path):
    found = find_start(mini_story, "july", from_seed=3)
    game = Game.new(mini_story, found.scenario, 5, "july", {"war_readiness": 90}, ["risen"],
                    found.state, [("july", "rise", 0)])
    game.choose("rise")
    store = SaveStore(tmp_path)
    store.save(game, "moment")
    loaded, notes = store.load("moment", mini_story)
    assert notes == [] and loaded.origin == game.origin
    assert loaded.values == game.values and loaded.flags == game.flags
    back = loaded.rewind(0)
    assert back.values == Game.new(mini_story, found.scenario, 5, "july",
                                   {"war_readiness": 90}, ["risen"], found.state).values
    again = back.rewind(0)
    again.choose("rise")
    assert again.timeline[-1].outcome == 0  # still forced after a replay


# ---- forcing an outcome ----------------------------------------------------------------------
def test_a_forced_outcome_is_always_drawn_and_the_luck_after_it_is_unchanged(mini_story):
    for seed in range(20):
        game = Game.new(mini_story, "february", seed, "july", outcomes=[("july", "rise", 0)])
        result = game.choose("rise")
        assert result.entry.outcome == 0 and result.entry.log == "The rising fails."
        assert game.outcome == 0
        free = Game.new(mini_story, "february", seed, "july")
        free.choose("rise")
        assert free.rng_state == game.rng_state  # the roll is still made


@pytest.mark.parametrize(("text", "message"), [
    ("jully.rise=1", "unknown node 'jully' (did you mean 'july'?)"),
    ("july.rsie=1", "node 'july' has no choice 'rsie' (did you mean 'rise'?)"),
    ("july.rise=3", "K must be a number from 1 to 2"),
    ("july.rise=0", "K must be a number from 1 to 2"),
    ("july.retreat=1", "the choice 'july.retreat' has no outcomes"),
    ("july.rise", "write NODE.CHOICE=K, e.g. july.rise=2"),
])
def test_a_bad_outcome_says_what_is_wrong(mini_story, text, message):
    with pytest.raises(ValueError) as error:
        parse_outcome(mini_story, text)
    assert message in str(error.value)
    assert parse_outcome(mini_story, "july.rise=2") == ("july", "rise", 1)


def test_plain_play_with_a_forced_outcome_takes_the_unlikely_branch(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--seed", "1",
                      "--saves-dir", str(tmp_path), "--start-at", "july",
                      "--outcome", "july.rise=2", stdin="1\n")
    assert result.returncode == 0, result.stderr
    assert "Forced outcomes: july.rise=2." in result.stdout
    assert "→ The rising succeeds." in result.stdout
    bad = octobers("play", "--plain", "--content", str(MINI), "--outcome", "july.rize=2")
    assert bad.returncode == 2 and "did you mean 'rise'?" in bad.stderr
    assert "Traceback" not in bad.stderr


# ---- play --start-at and --ending, from the command line -------------------------------------
def test_plain_start_at_says_which_state_it_took_and_applies_set_and_flag(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--saves-dir", str(tmp_path),
                      "--start-at", "peace", "--set", "stability=33", "--flag", "risen")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Testing from 'peace': the state of random game ")
    assert "of the scenario 'late' as it reached 'peace'" in lines[0]
    assert lines[1] == "On top of it: --set stability=33, --flag risen."
    assert "Stability 33 · Industry 20" in result.stdout and "Leading: Lenin" in result.stdout
    assert "Prince Lvov" not in result.stdout

    alone = octobers("play", "--plain", "--content", str(MINI), "--from-seed", "3")
    assert alone.returncode == 2 and "--from-seed needs --start-at NODE" in alone.stderr


def test_plain_ending_preview_fills_the_epilogue_with_the_given_state(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--saves-dir", str(tmp_path),
                      "--ending", "democratic", "--start-at", "peace", "--set", "war_dead=4")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Testing from 'peace': the state of random game ")
    assert "ENDING PREVIEW (democratic): Democracy" in out
    assert "The soviets rule. Lenin leads." in out and "4 million died." in out
    assert "nothing is saved or recorded as discovered" in out
    assert 'in this state: when "democracy >= 50" → ' in out
    assert not any(tmp_path.iterdir())  # no autosave, no endings-discovered file

    plain = octobers("play", "--plain", "--content", str(MINI), "--saves-dir", str(tmp_path),
                     "--ending", "democratic")
    assert "Previewing with the start of the scenario 'february'." in plain.stdout
    assert "The soviets rule. Prince Lvov leads." in plain.stdout
    assert "million died" not in plain.stdout  # the paragraph's condition does not hold
    assert 'when "democracy >= 50" → false (democracy = 30)' in plain.stdout
    fallback = octobers("play", "--plain", "--content", str(MINI), "--saves-dir",
                        str(tmp_path), "--ending", "grey")
    assert "It has no condition: the fallback" in fallback.stdout

    bad = octobers("play", "--plain", "--content", str(MINI), "--ending", "democracy")
    assert bad.returncode == 2
    assert "unknown ending 'democracy' (did you mean 'democratic'?)" in bad.stderr


# ---- simulate ----------------------------------------------------------------------------------
def test_simulate_from_a_node_starts_every_game_there(tmp_path):
    result = octobers("simulate", "--content", str(MINI), "-n", "40", "--json",
                      "--start-at", "july", "--set", "war_readiness=100", "--flag", "no_stalin")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["start"]["node"] == "july" and data["start"]["scenario"] == "february"
    assert "random game" in data["start"]["from"]
    assert sum(data["choices"][f"july.{c}"] for c in ("rise", "hidden", "retreat")) == 40
    assert data["choices"]["july.hidden"] > 0  # --flag no_stalin opened it
    assert "petrograd" not in data["nodes"] and data["nodes_before_start"] == 1
    text = octobers("simulate", "--content", str(MINI), "-n", "20", "--start-at", "july")
    assert text.stdout.startswith("Every game starts at 'july' from the state of random game")
    bad = octobers("simulate", "--content", str(MINI), "--start-at", "jully")
    assert bad.returncode == 2 and "unknown node 'jully' (did you mean 'july'?)" in bad.stderr
    bad = octobers("simulate", "--content", str(MINI), "--flag", "no_stallin")
    assert bad.returncode == 2 and "unknown flag 'no_stallin' (did you mean 'no_stalin'?)" \
        in bad.stderr


def test_simulate_counts_each_outcome_and_can_force_one(mini_story):
    data = simulate(mini_story, 300, seed=1).to_json(mini_story)
    counts = data["outcomes"]["july.rise"]
    assert len(counts) == 2 and all(counts)
    assert sum(counts) == data["choices"]["july.rise"]
    assert data["outcomes_total"] == 2 and data["outcomes_reached"] == 2
    assert data["unreached_outcomes"] == []

    forced = simulate(mini_story, 300, seed=1,
                      setup=Setup(outcomes=(("july", "rise", 1),))).to_json(mini_story)
    assert forced["outcomes"]["july.rise"] == [0, forced["choices"]["july.rise"]]
    assert forced["unreached_outcomes"] == ["july.rise=1"]


def test_the_readable_report_lists_outcome_counts_and_never_drawn_ones(tmp_path):
    result = octobers("simulate", "--content", str(MINI), "-n", "60",
                      "--outcome", "july.rise=2")
    assert result.returncode == 0, result.stderr
    assert "Forced outcomes: july.rise=2" in result.stdout
    assert "Outcomes drawn: 1 of 2 (50%)" in result.stdout
    assert "never drawn: july.rise=1" in result.stdout
    assert "july.rise: 1: 0 (0%) · 2: " in result.stdout


PACK_EVENTS = """\
- extends: august
  choices:
    - id: pack_turn
      label: Turn aside
      goto: pack_event
- id: pack_event
  date: 1917-09
  title: A pack's event
  text: Elsewhere.
  history: Nothing.
  choices:
    - id: pack_go
      label: Go
      outcomes:
        - {weight: 1, log: One.}
        - {weight: 0, log: Never.}
"""


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "side_pack"
    (pack / "events").mkdir(parents=True)
    (pack / "pack.yaml").write_text('name: side_pack\nversion: "1.0"\n', encoding="utf-8")
    (pack / "events" / "side.yaml").write_text(PACK_EVENTS, encoding="utf-8")
    return pack


def test_only_limits_coverage_to_one_packs_events(tmp_path):
    pack = _pack(tmp_path)
    result = octobers("simulate", "--content", str(MINI), "--content", str(pack),
                      "-n", "200", "--json", "--only", "side_pack")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["only"] == str(pack)
    assert data["nodes_total"] == 1 and list(data["nodes"]) == ["pack_event"]
    assert data["choices_total"] == 2  # the choice it adds to 'august', and its event's own
    assert set(data["choices"]) == {"august.pack_turn", "pack_event.pack_go"}
    assert data["unreached_outcomes"] == ["pack_event.pack_go=2"]
    assert data["endings_unreached"] == []  # the pack has no ending of its own
    by_path = octobers("simulate", "--content", str(MINI), "--content", str(pack),
                       "-n", "5", "--only", str(pack))
    assert by_path.returncode == 0 and "Coverage of the pack" in by_path.stdout
    bad = octobers("simulate", "--content", str(MINI), "--content", str(pack),
                   "--only", "side_pak")
    assert bad.returncode == 2 and "did you mean 'side_pack'?" in bad.stderr


def test_what_the_content_marks_unreachable_is_left_out_of_coverage(tmp_path):
    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    with (content / "game.yaml").open("a", encoding="utf-8") as out:
        out.write("unreachable: [skipped, july.wait]\n")
    story = load_story([content])
    assert story.unreachable == {"skipped", "july.wait"}
    data = simulate(story, 200, seed=1).to_json(story)
    assert "skipped" not in data["unreached_nodes"]
    assert "july.wait" not in data["unreached_choices"]
    assert "skipped.ok" not in data["unreached_choices"]  # the node's own choices go with it
    assert data["unreachable_on_purpose"] == ["july.wait", "skipped"]
    assert data["nodes_total"] == len(story.nodes) - 1
    # a pack's report does not repeat them
    pack = _pack(tmp_path)
    layered = octobers("simulate", "--content", str(content), "--content", str(pack),
                       "-n", "50", "--json", "--only", "side_pack")
    pack_data = json.loads(layered.stdout)
    assert "july.wait" not in pack_data["unreached_choices"]


def test_an_unknown_unreachable_entry_is_a_content_error(tmp_path):
    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    with (content / "game.yaml").open("a", encoding="utf-8") as out:
        out.write(textwrap.dedent("""\
            unreachable:
              - skiped
              - july.wiat
              - jully.wait
            """))
    story, problems = load_with_problems([content])
    messages = [p.message for p in problems]
    assert story is None
    assert "unreachable: 'skiped' is no node or ending (did you mean 'skipped'?)" in messages
    assert "unreachable: node 'july' has no choice 'wiat' (did you mean 'wait'?)" in messages
    assert "unreachable: unknown node 'jully' (did you mean 'july'?)" in messages


def test_a_save_with_a_malformed_start_state_or_outcome_is_refused_in_a_sentence(
        mini_story, tmp_path):
    found = find_start(mini_story, "july", from_seed=3)
    game = Game.new(mini_story, "february", 5, "july", state=found.state,
                    outcomes=[("july", "rise", 1)])
    store = SaveStore(tmp_path)
    path = store.save(game, "moment")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["origin"]["outcomes"] == [["july", "rise", 1]]
    assert data["origin"]["state"]["source"] == found.note
    for key, bad in (("outcomes", [["july", "rise"]]), ("outcomes", [["july", "rise", -1]]),
                     ("state", {"date": "1917-07"}), ("state", {"date": "soon", "values": {}})):
        broken = json.loads(json.dumps(data))
        broken["origin"][key] = bad
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(SaveError) as error:
            store.load("moment", mini_story)
        assert "origin" in str(error.value)


def test_transcripts_refuse_the_test_any_moment_options():
    result = octobers("simulate", "--content", str(MINI), "--transcripts", "out",
                      "--start-at", "july")
    assert result.returncode == 2
    assert "does not take --start-at" in result.stderr
