"""The gallery of endings (game/gallery.py): its rows, the plain text, the plain mode's `g`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from game import progress
from game.engine import Game
from game.gallery import NO_HINT, build, epilogue_markdown, render_plain
from game.loader import load_story
from game.plain import PlainSession
from game.progress import progress_path, record_ending
from game.saves import SaveStore

from conftest import MINI, REPO


def democratic(story) -> Game:
    game = Game.new(story, seed=4)
    for number in (1, 1, 2):
        game.choose(number)
    return game


def test_a_row_per_ending_found_ones_with_their_facts(tmp_path, mini_story, utc, monkeypatch):
    monkeypatch.setattr(progress.time, "time", lambda: 1_700_000_000)
    record_ending(tmp_path, mini_story, "democratic", democratic(mini_story))
    gallery = build(mini_story, tmp_path)
    assert [row.ending_id for row in gallery.rows] == ["collapse", "democratic", "grey"]
    assert (gallery.found, gallery.total, gallery.problem) == (1, 3, None)
    collapse, found, grey = gallery.rows
    assert not collapse.found and collapse.hint == "Let the state run out of patience."
    assert collapse.title == ""  # not found: no title to spoil it
    assert found.found and found.title == "Democracy" and found.can_reopen
    assert found.details() == "first reached 2023-11-14 22:13 · from February · 3 decisions"
    assert grey.hint == "Change nothing."


def test_an_ending_from_a_format_1_file_says_unknown(tmp_path, mini_story):
    progress_path(tmp_path).write_text(json.dumps({
        "kind": "many-octobers-progress", "format": 1,
        "endings": {mini_story.title: ["grey"]}}), encoding="utf-8")
    (_, _, grey) = build(mini_story, tmp_path).rows
    assert grey.found and grey.title == "Grey" and not grey.can_reopen
    assert grey.details() == ("found before the game kept when, where from and in how many "
                              "decisions")


def test_an_ending_without_a_hint_says_so(make_content, tmp_path):
    story = load_story([make_content()])
    assert {row.hint for row in build(story, tmp_path).rows} == {NO_HINT}


def test_the_epilogue_reopens_as_it_was_read(tmp_path, mini_story, utc):
    game = democratic(mini_story)
    record_ending(tmp_path, mini_story, "democratic", game)
    row = build(mini_story, tmp_path).rows[1]
    text = epilogue_markdown(row)
    assert game.ending_text()[1] in text
    assert "Stability " in text and "3 decisions, from February" in text


def test_texts_from_the_file_go_through_the_output_filter(tmp_path, mini_story):
    evil = "\x1b]0;pwned\x07Grey"
    progress_path(tmp_path).write_text(json.dumps({
        "kind": "many-octobers-progress", "format": 2, "endings": {},
        "reached": {mini_story.title: {"grey": {
            "at": 1_700_000_000, "title": evil, "scenario_title": evil, "epilogue": evil,
            "why": [evil]}}}}), encoding="utf-8")
    gallery = build(mini_story, tmp_path)
    grey = gallery.rows[2]
    shown = render_plain(gallery) + epilogue_markdown(grey)
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b]0;pwned" in shown


def test_the_plain_gallery_wraps_to_the_width_and_never_splits_a_word(tmp_path, utc):
    story = load_story([REPO / "content"])
    gallery = build(story, tmp_path)
    for width in (40, 60, 80, 120):
        text = render_plain(gallery, width)
        assert all(len(line) <= width for line in text.splitlines()), width
        flat = " ".join(text.split())  # a word split across lines would not be found
        assert all(f"Hint: {row.hint}" in flat for row in gallery.rows), width
    assert text.splitlines()[0] == "Endings of Many Octobers: 0 of 10 discovered"
    assert text.count("Not found yet.") == 10
    assert all(row.hint != NO_HINT for row in gallery.rows)


def test_the_plain_gallery_shows_the_files_problem(tmp_path, mini_story):
    progress_path(tmp_path).write_text("{broken", encoding="utf-8")
    text = render_plain(build(mini_story, tmp_path))
    assert "cannot be used (it is truncated or damaged)" in " ".join(text.split())


def test_g_in_plain_mode_shows_the_gallery(tmp_path, mini_story):
    record_ending(tmp_path, mini_story, "democratic", democratic(mini_story))
    out = io.StringIO()
    game = Game.new(mini_story, seed=4)
    PlainSession(game, SaveStore(tmp_path), io.StringIO("?\ng\nq\n"), out).run()
    text = out.getvalue()
    assert "  g        the gallery of endings" in text  # ? lists it
    assert "Endings of Mini Octobers: 1 of 3 discovered" in text
    assert " 2. Democracy" in text and "Hint: Change nothing." in text
    assert game.path == []  # `g` takes no decision


def plain(tmp_path, stdin: str, columns: int) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--content", str(MINI),
         "--saves-dir", str(tmp_path), "--seed", "4"],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "COLUMNS": str(columns), "TZ": "UTC"})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [30, 80])
def test_g_before_and_after_an_ending_in_a_subprocess(tmp_path, columns):
    out = plain(tmp_path, "g\n2\n1\n1\n1\ng\n\n", columns)
    assert all(len(line) <= columns for line in out.splitlines())
    before, after = out.split("THE END: Grey")
    flat_before, flat_after = " ".join(before.split()), " ".join(after.split())
    assert "Endings of Mini Octobers: 0 of 3 discovered" in flat_before
    assert flat_before.count("Not found yet.") == 3
    assert "Hint: Let the state run out of patience." in flat_before
    assert "Endings of Mini Octobers: 1 of 3 discovered" in flat_after
    assert "3. Grey first reached " in flat_after and "from February · 4 decisions" in flat_after
    assert out.rstrip().splitlines()[-1] == "ending: grey"


def test_the_plain_save_list_tells_games_apart(tmp_path):
    out = plain(tmp_path, "2\ns mine\nl\nq\n", 200)
    line = next(line for line in out.splitlines() if line.startswith("  - mine:"))
    assert "; February · begun " in line and " · 1 decision · led by Kerensky; saved " in line
