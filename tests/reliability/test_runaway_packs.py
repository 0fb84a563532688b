"""Runaway packs (issue 14): a small pack must not exhaust memory, disk or time.

A text variable that doubles every turn is cut at engine.MAX_TEXT_LENGTH with a content problem
(and every autosave still loads); dates are bounded to the documented years and the scheduler's
index does not grow with a window's length; a scene's rendered size is bounded in the loader;
`check`'s analysis has a budget per pack and survives constants that fold to infinity. Slow
cases are bounded by the work they do (entries indexed, states tried), never by a clock.
"""

from __future__ import annotations

import textwrap

import pytest

from game.authoring import analysis
from game.authoring.lint import lint
from game.engine import MAX_TEXT_LENGTH, Game
from game.loader import MAX_SCENE_BLOCKS, MAX_SCENE_CHARS, MAX_TABLE_ROWS, load_story
from game.saves import SaveStore
from game.schedule import Schedule

from conftest import GAME_YAML

ECHO_GAME = GAME_YAML.replace("texts:\n  leader: {label: Leading, start: Lvov}",
                              "texts:\n  leader: {label: Leading, start: Lvov}\n"
                              "  echo: {label: Echo, start: ab, shown: true}")
ECHO_NODE = """\
- id: first
  date: 1917-03
  title: First
  text: "Start {echo}."
  history: Real.
  choices:
    - {id: go, label: Go, texts: {echo: "{echo}{echo}"}, goto: first}
"""


def test_a_doubling_text_is_cut_with_a_content_problem(make_content, tmp_path):
    story = load_story([make_content(ECHO_NODE, ECHO_GAME)])
    game = Game.new(story, seed=1)
    store = SaveStore(tmp_path / "saves")
    problems = []
    for _ in range(60):
        result = game.choose("go")
        problems += result.problems
        store.autosave(game)
        assert len(game.values["echo"]) <= MAX_TEXT_LENGTH
    assert any(f"grew past {MAX_TEXT_LENGTH:,} characters" in p for p in problems)
    for slot in ("autosave", "autosave.1", "autosave.2", "autosave.3"):
        loaded, _ = store.load(slot, story)
        assert loaded.values["echo"] == game.values["echo"]
    assert (tmp_path / "saves" / "autosave.json").stat().st_size < 1_000_000


def test_a_text_start_longer_than_the_cap_is_a_content_error(problems_of):
    game = GAME_YAML.replace("start: Lvov}", "start: " + "x" * (MAX_TEXT_LENGTH + 1) + "}")
    assert any("longer than 1,000 characters" in p for p in problems_of(game=game))


@pytest.mark.parametrize("date", ["0000-01", "9999-12", "1799-12", "2200-01"])
def test_dates_outside_the_documented_years_are_refused(problems_of, date):
    events = FIRST_DATED.format(date="1917-03", until=date) if date > "1917" else \
        FIRST_DATED.format(date=date, until="1917-05")
    assert any("must be a month from 1800-01 to 2199-12" in p for p in problems_of(events))


FIRST_DATED = """\
- id: first
  date: {date}
  until: {until}
  title: First
  text: Start.
  history: Real.
  choices:
    - {{id: go, label: Go}}
"""


def test_the_schedule_index_does_not_grow_with_window_length(make_content):
    nodes = "".join(
        f"- id: n{i}\n  date: 1800-01\n  until: 2199-12\n  title: N\n  text: T.\n"
        f"  history: H.\n  when: \"year > 2100\"\n  choices:\n    - {{id: go, label: Go}}\n"
        for i in range(300))
    story = load_story([make_content(FIRST_DATED.format(date="1917-03", until="1917-05")
                                     + nodes)])
    schedule = Schedule(story)
    entries = sum(len(c) for c in schedule.covers)
    assert len(schedule.covers) <= 2 * len(story.nodes) + 1
    assert entries <= len(story.nodes) * 4  # not 300 nodes x 4,800 months
    game = Game.new(story, seed=1)
    game.choose("go")  # the walk to 2101 finds the watching nodes
    assert game.date == (2101 * 12) and game.node_id.startswith("n")


@pytest.mark.parametrize("text, limit", [
    ("\n\n".join("a" for _ in range(MAX_SCENE_BLOCKS + 1)), "paragraphs"),
    ("| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * MAX_TABLE_ROWS, "table rows"),
    ("word " * (MAX_SCENE_CHARS // 5 + 1), f"{MAX_SCENE_CHARS:,} characters"),
])
def test_a_scene_too_large_to_render_is_a_clear_error(problems_of, text, limit):
    events = textwrap.dedent("""\
        - id: first
          date: 1917-03
          title: First
          history: Real.
          choices:
            - {id: go, label: Go}
        """) + "  text: |\n" + textwrap.indent(text, "    ") + "\n"
    problems = problems_of(events)
    assert any(limit in p and "node 'first'" in p for p in problems), problems


def test_checks_analysis_stops_at_its_pack_budget(make_content, monkeypatch):
    monkeypatch.setattr(analysis, "PACK_LIMIT", 40)
    conditions = [f"stability * industry > {i} and industry - stability < {i * 3}"
                  for i in range(30)]
    events = "".join(
        f"- id: n{i}\n  date: 1917-03\n  title: N\n  text: T.\n  history: H.\n"
        f"  when: \"{cond}\"\n  choices:\n    - {{id: go, label: Go, "
        f"effects: {{stability: -1, industry: 2}}}}\n"
        for i, cond in enumerate(conditions))
    story = load_story([make_content(FIRST_DATED.format(date="1917-03", until="1917-05")
                                     + events)])
    tried = []
    real = analysis._search

    def counting(goals, domain):
        before = analysis.budget_left()
        result = real(goals, domain)
        tried.append(before - analysis.budget_left())
        return result

    monkeypatch.setattr(analysis, "_search", counting)
    problems = lint(story)
    assert 0 < sum(tried) <= 40, tried
    assert any("analysis stopped there" in p.message for p in problems)


def test_a_condition_that_folds_to_infinity_gives_no_traceback(make_content, monkeypatch):
    story = load_story([make_content()])
    expr = story.endings[0].when

    def overflow(*args, **kwargs):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(analysis, "_search", overflow)
    domain = None  # never reached: the search fails first
    assert analysis.can_hold(expr, domain) is True  # the safe answer: no warning
    assert analysis.witness([(expr, True)], domain) is None
