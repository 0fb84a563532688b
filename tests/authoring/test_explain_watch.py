"""The debug panel's engine side (explain) and live reload (watch)."""

from __future__ import annotations

import os
import shutil

import pytest

from game.authoring.explain import explain, format_explanation
from game.authoring.watch import ContentWatcher, reload
from game.engine import Game
from game.loader import load_story

from conftest import MINI


def test_explain_says_why_each_choice_is_open_locked_or_hidden():
    game = Game.new(load_story([MINI]), seed=4)
    assert explain(game).arrival == "the start of the scenario 'february'"
    game.choose("soviet")
    why = explain(game)
    assert why.node_id == "july" and why.window == "1917-07 to 1917-09" and why.priority == 1
    assert why.arrival.startswith("the calendar")
    assert why.condition.source == "flags.soviet_power" and why.condition.value is True
    assert [(r.name, r.value) for r in why.condition.reads] == [("flags.soviet_power", True)]
    status = {c.id: c for c in why.choices}
    assert status["rise"].status == "open" and status["rise"].condition is None
    assert status["wait"].status == "locked"
    assert status["wait"].locked_reason == "The Soviet will not wait."
    assert status["wait"].condition.value is False
    assert [(r.name, r.value) for r in status["wait"].condition.reads] == [("democracy", 40)]
    assert status["hidden"].status == "hidden"
    text = format_explanation(why)
    assert '[locked] wait: Wait\n      when "democracy > 100" → false (democracy = 40)' in text


def test_explain_names_the_goto_and_the_test_start():
    story = load_story([MINI])
    game = Game.new(story, seed=4)
    game.choose("soviet")
    game.choose("retreat")
    game.choose("on")
    assert explain(game).arrival == "goto from 'august', choice 'on'"
    test_start = Game.new(story, seed=4, start_at="peace")
    assert explain(test_start).arrival == "test start: --start-at peace"
    ended = Game.new(story, seed=4)
    ended.choose("duma")
    while not ended.over:
        ended.choose(1)
    assert explain(ended) is None


def test_explain_does_not_change_the_game():
    game = Game.new(load_story([MINI]), seed=4)
    game.choose("soviet")
    before = (dict(game.values), set(game.flags), game.rng_state, list(game.problems))
    explain(game)
    assert (dict(game.values), set(game.flags), game.rng_state, list(game.problems)) == before


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(MINI, folder)
    return folder


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_watcher_sees_changed_added_and_removed_files(content):
    watcher = ContentWatcher([content])
    assert watcher.changes() == []
    edit(content / "events" / "1917.yaml", "A quiet month.", "A quiet month, longer.")
    assert watcher.changes() == [str(content / "events" / "1917.yaml")]
    (content / "events" / "new.yaml").write_text("[]\n")
    (content / "events" / "notes.txt").write_text("ignored\n")
    assert watcher.changes() == [str(content / "events" / "new.yaml")]
    os.remove(content / "events" / "new.yaml")
    assert watcher.poll() is True and watcher.poll() is False


def test_reload_replays_the_path_on_the_new_content(content):
    game = Game.new(load_story([content]), seed=4)
    game.choose("soviet")
    game.choose("retreat")
    edit(content / "events" / "1917.yaml", "effects: {democracy: +10, stability: -5}",
         "effects: {democracy: +12, stability: -5}")
    new, problems = reload(game, [content])
    assert problems == []
    assert new.node_id == "august" and new.path == game.path
    assert new.values["democracy"] == game.values["democracy"] + 2


def test_reload_keeps_values_and_notes_what_vanished_when_the_path_breaks(content):
    game = Game.new(load_story([content]), seed=4)
    game.choose("soviet")
    game.choose("retreat")
    edit(content / "events" / "1917.yaml", "- id: retreat", "- id: fall_back")
    edit(content / "events" / "1917.yaml", "- id: august", "- id: late_august")
    new, problems = reload(game, [content])
    assert new is not None and new.values == game.values and new.flags == game.flags
    notes = [p.message for p in problems if p.severity == "note"]
    assert notes[0].startswith("the decisions so far no longer replay (no choice 'retreat'")
    assert "the event 'august' no longer exists; the story moves on to the next one" in notes
    assert new.node_id == "late_august"


def test_reload_with_broken_content_returns_the_errors_and_no_game(content):
    game = Game.new(load_story([content]), seed=4)
    edit(content / "events" / "1917.yaml", "{democracy: +10", "{democrazy: +10")
    new, problems = reload(game, [content])
    assert new is None
    assert [(p.where.line, p.severity) for p in problems] == [(9, "error")]
    assert "unknown variable 'democrazy' (did you mean 'democracy'?)" in problems[0].message
