"""`octobers check` warnings: one fixture pack per fault, each reported at its line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import BASE, FAULTS, warnings_for

from game.authoring.lint import lint
from game.authoring.simulate import simulate
from game.loader import display_path, load_story

from conftest import MINI, REPO

EXPECTED = {
    "unreachable": ("events.yaml", 1, "node 'too_early' cannot be reached from any scenario: "
                    "its window closes (1900-01) before any scenario begins and no goto leads "
                    "to it"),
    "unreachable_flag_order": ("events.yaml", 4, "node 'early_bird': 'when' can never hold when "
                               "the node is due (nothing raises flags.late_flag before then), "
                               "so it never fires"),
    "event_never_holds": ("events.yaml", 3, "node 'paradox': 'when' can never hold when the "
                          "node is due (industry stays within 0..100), so it never fires"),
    "choice_never_holds": ("events.yaml", 9, "node 'strike', choice 'crush': 'when' can never "
                           "hold at this node (stability stays within 0..100), so the choice "
                           "is always locked"),
    "dead_end": ("events.yaml", 1, "node 'crossroads' is a dead end: every choice can be locked "
                 "or hidden at once (for instance when stability = 0, industry = 0); the "
                 "player then only gets 'Let events take their course'"),
    "flag_unset": ("events.yaml", 6, "flag 'ghost' is read here but no scenario, choice or "
                   "outcome sets it; only --flag can raise it"),
    "flag_unread": ("events.yaml", 9, "flag 'orphan' is set here but no condition reads it"),
    "flag_unused": ("pack.yaml", 2, "flag 'spare' is declared but nothing sets, clears or "
                    "reads it"),
    "var_unchanged": ("pack.yaml", 2, "variable 'morale' never changes: no choice or outcome "
                      "names it under 'effects' or 'assign'"),
    "goto_past": ("events.yaml", 9, "node 'relapse', choice 'again': goto 'start' goes into "
                  "the past: it is dated 1917-03, before this node (1918-06); the calendar "
                  "never moves back, so it plays out of its time"),
    "date_gap": ("events.yaml", 1, "no event can fire for 81 months, from 1918-04 to 1924-12 "
                 "after 'peace': the calendar jumps straight to 'much_later'"),
    "no_history": ("events.yaml", 1, "node 'undocumented' has no 'history' note (what happened "
                   "in our timeline)"),
    "ending_unreachable": ("pack.yaml", 3, "ending 'utopia' can never be reached: its 'when' "
                           "can never hold (industry stays within 0..100) and no goto leads "
                           "to it"),
    "no_hint": ("pack.yaml", 2, "ending 'unhinted' has no 'hint' (the line the gallery of "
                "endings shows until it is found)"),
    "ending_shadowed": [
        # the base's fallback is checked after every ending with a `when`, the pack's too
        ("game.yaml", 12, "ending 'fallback' can never be reached: ending 'always' "
                          f"({display_path(FAULTS / 'ending_shadowed' / 'pack.yaml')}:2:9) "
                          "comes first and always holds, and no goto leads to it"),
        ("pack.yaml", 7, "ending 'hidden_behind' can never be reached: ending "
                         "'always' comes first and always holds, and no goto leads to it")],
}


def test_the_base_fixture_has_no_warnings():
    assert warnings_for() == []


def test_every_fault_has_a_fixture():
    assert sorted(p.name for p in FAULTS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_check_reports_the_fault_at_its_line(fault):
    expected = EXPECTED[fault]
    assert warnings_for(FAULTS / fault) == (expected if isinstance(expected, list)
                                            else [expected])


def test_warning_column_points_at_the_flag_in_the_condition():
    story = load_story([BASE, FAULTS / "flag_unset"])
    (problem,) = lint(story)
    line = (FAULTS / "flag_unset" / "events.yaml").read_text().splitlines()[5]
    assert line[problem.where.col - 1:].startswith("flags.ghost")


def test_choices_that_complement_each_other_are_no_dead_end(make_content):
    folder = make_content(events="""\
        - id: first
          date: 1917-03
          title: First
          text: Start.
          history: Real.
          choices:
            - {id: up, label: Up, when: "stability > 30 or flags.lucky", effects: {stability: -1}}
            - {id: down, label: Down, when: "stability <= 30", effects: {industry: +1}}
            - {id: luck, label: Luck, when: "stability < 0", set: [lucky]}
        """)
    messages = [p.message for p in lint(load_story([folder]))]
    assert not any("dead end" in m for m in messages)
    assert any("choice 'luck': 'when' can never hold" in m for m in messages)


def test_static_reachability_covers_every_simulated_playthrough():
    story = load_story([MINI])
    from game.authoring.lint import _Linter

    linter = _Linter(story)
    report = simulate(story, 300, seed=3)
    assert report.nodes_reached <= linter.reachable
    assert {c for c in report.choices_reached if c[1] != "_continue"} <= linter.open
    assert "skipped" not in linter.reachable


def octobers(*args):
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120)


def test_check_prints_warnings_and_strict_fails_on_them():
    pack = str(FAULTS / "no_history")
    result = octobers("check", "--content", str(BASE), "--content", pack)
    assert result.returncode == 0
    assert "events.yaml:1:7: warning: node 'undocumented' has no 'history' note" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("; 1 warning")
    strict = octobers("check", "--strict", "--content", str(BASE), "--content", pack)
    assert strict.returncode == 1 and "0 errors, 1 warning" in strict.stdout
    quiet = octobers("check", "--strict", "--no-warnings", "--content", str(BASE),
                     "--content", pack)
    assert quiet.returncode == 0 and "warning" not in quiet.stdout
    data = json.loads(octobers("check", "--format", "json", "--content", str(BASE),
                               "--content", pack).stdout)
    assert data["ok"] is True and data["warnings"] == 1
    assert data["problems"][0]["severity"] == "warning"
    assert data["problems"][0]["line"] == 1 and data["problems"][0]["col"] == 7
