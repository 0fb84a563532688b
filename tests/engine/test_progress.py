"""Endings discovered across playthroughs (game/progress.py) and the plain mode's use of it."""

from __future__ import annotations

import io
import json

from game.engine import Game
from game.plain import PlainSession
from game.progress import discovered, endings_found, progress_path, record_ending
from game.saves import SaveStore


def test_nothing_discovered_without_a_file(tmp_path, mini_story):
    assert discovered(tmp_path / "missing", mini_story) == (0, 3)


def test_recorded_endings_count_once_each(tmp_path, mini_story):
    assert record_ending(tmp_path, mini_story, "grey")
    assert record_ending(tmp_path, mini_story, "grey")
    assert record_ending(tmp_path, mini_story, "collapse")
    assert discovered(tmp_path, mini_story) == (2, 3)
    assert endings_found(tmp_path, mini_story) == {"grey", "collapse"}


def test_creates_the_saves_folder(tmp_path, mini_story):
    folder = tmp_path / "new" / "saves"
    assert record_ending(folder, mini_story, "grey")
    assert discovered(folder, mini_story) == (1, 3)


def test_other_games_and_vanished_endings_do_not_count(tmp_path, mini_story):
    progress_path(tmp_path).write_text(json.dumps({
        "kind": "many-octobers-progress", "format": 1,
        "endings": {"Another game": ["grey", "democratic"],
                    mini_story.title: ["grey", "no_longer_exists"]}}), encoding="utf-8")
    assert discovered(tmp_path, mini_story) == (1, 3)
    record_ending(tmp_path, mini_story, "democratic")
    data = json.loads(progress_path(tmp_path).read_text(encoding="utf-8"))
    assert data["endings"]["Another game"] == ["democratic", "grey"]


def test_damaged_file_counts_as_nothing_and_is_replaced(tmp_path, mini_story):
    for junk in ("{not json", "[]", '{"kind": "other"}', "\x00\xff", ""):
        progress_path(tmp_path).write_text(junk, encoding="utf-8", errors="surrogateescape")
        assert discovered(tmp_path, mini_story) == (0, 3)
    assert record_ending(tmp_path, mini_story, "grey")
    assert discovered(tmp_path, mini_story) == (1, 3)


def test_unwritable_folder_returns_false(tmp_path, mini_story):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert record_ending(blocker, mini_story, "grey") is False


def test_progress_file_is_not_listed_as_a_save(tmp_path, mini_story):
    record_ending(tmp_path, mini_story, "grey")
    assert SaveStore(tmp_path).slots() == []


def test_plain_mode_records_the_ending(tmp_path, mini_story):
    game = Game.new(mini_story, seed=4)
    out = io.StringIO()
    PlainSession(game, SaveStore(tmp_path), io.StringIO("2\n1\n1\n1\n"), out).run()
    assert game.ending_id == "grey"
    assert "Endings discovered: 1 of 3" in out.getvalue()
    assert endings_found(tmp_path, mini_story) == {"grey"}
