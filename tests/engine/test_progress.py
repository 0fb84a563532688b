"""Endings discovered across playthroughs (game/progress.py) and the plain mode's use of it."""

from __future__ import annotations

import io
import json

from game import progress
from game.engine import Game
from game.plain import PlainSession
from game.progress import discovered, endings_found, progress_path, reached, record_ending
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


# ---- the records the gallery of endings reads (format 2) -----------------------------------
def finished(story, inputs=(1, 1, 2), seed=4) -> Game:
    """A finished game of the mini story: by default the Soviet, a failed rising, the end."""
    game = Game.new(story, seed=seed)
    for number in inputs:
        game.choose(number)
    assert game.over
    return game


def test_the_first_reach_is_recorded_with_its_epilogue(tmp_path, mini_story, monkeypatch):
    monkeypatch.setattr(progress.time, "time", lambda: 1_700_000_000.4)
    game = finished(mini_story)
    assert record_ending(tmp_path, mini_story, "democratic", game)
    found, problem = reached(tmp_path, mini_story)
    assert problem is None and set(found) == {"democratic"}
    record = found["democratic"]
    assert record.at == 1_700_000_000 and not record.earlier
    assert (record.scenario, record.scenario_title) == ("february", "February")
    assert record.decisions == len(game.timeline) == 3
    assert (record.title, record.epilogue) == game.ending_text()
    assert record.final.startswith("Stability ") and record.has_epilogue


def test_a_later_reach_keeps_the_first_record(tmp_path, mini_story, monkeypatch):
    monkeypatch.setattr(progress.time, "time", lambda: 1_700_000_000)
    record_ending(tmp_path, mini_story, "democratic", finished(mini_story))
    monkeypatch.setattr(progress.time, "time", lambda: 1_800_000_000)
    other = Game.new(mini_story, "late", seed=4)
    other.ending_id = "democratic"
    assert record_ending(tmp_path, mini_story, "democratic", other)
    record = reached(tmp_path, mini_story)[0]["democratic"]
    assert record.at == 1_700_000_000 and record.scenario == "february"


def test_a_format_1_file_still_loads_and_is_extended(tmp_path, mini_story):
    old = {"kind": "many-octobers-progress", "format": 1,
           "endings": {mini_story.title: ["democratic", "grey"], "Another game": ["x"]}}
    progress_path(tmp_path).write_text(json.dumps(old), encoding="utf-8")
    found, problem = reached(tmp_path, mini_story)
    assert problem is None and discovered(tmp_path, mini_story) == (2, 3)
    assert found["grey"].at is None and not found["grey"].has_epilogue
    # reached again: now it is recorded, marked as first reached earlier than that
    assert record_ending(tmp_path, mini_story, "democratic", finished(mini_story))
    found, _ = reached(tmp_path, mini_story)
    assert found["democratic"].earlier and found["democratic"].has_epilogue
    assert found["grey"].at is None
    data = json.loads(progress_path(tmp_path).read_text(encoding="utf-8"))
    # an older game reads only "endings": it still finds every ending, and the other game
    assert data["endings"] == {mini_story.title: ["democratic", "grey"], "Another game": ["x"]}
    assert data["format"] == 2


def test_an_ending_reached_first_records_without_earlier(tmp_path, mini_story):
    record_ending(tmp_path, mini_story, "grey")  # e.g. by a caller without the game
    record_ending(tmp_path, mini_story, "democratic", finished(mini_story))
    assert not reached(tmp_path, mini_story)[0]["democratic"].earlier


def test_a_malformed_record_is_dropped_and_the_rest_counts(tmp_path, mini_story):
    good = {"at": 1_700_000_000, "scenario": "february", "decisions": 3, "title": "Grey"}
    bad = [{"at": "yesterday"}, {"at": 1e400}, {"decisions": -1}, {"decisions": True},
           {"title": ["x"]}, {"why": "not a list"}, {"why": [1]}, "not an object"]
    for item in bad:
        data = {"kind": "many-octobers-progress", "format": 2, "endings": {},
                "reached": {mini_story.title: {"grey": good, "democratic": item}}}
        progress_path(tmp_path).write_text(json.dumps(data), encoding="utf-8")
        found, problem = reached(tmp_path, mini_story)
        assert set(found) == {"grey"} and problem is None, item
        assert discovered(tmp_path, mini_story) == (1, 3)


def test_texts_of_a_record_are_bounded(tmp_path, mini_story):
    data = {"kind": "many-octobers-progress", "format": 2, "endings": {},
            "reached": {mini_story.title: {"grey": {"title": "T" * 5000,
                                                    "epilogue": "e" * 100_000,
                                                    "why": ["w" * 5000] * 50}}}}
    progress_path(tmp_path).write_text(json.dumps(data), encoding="utf-8")
    record = reached(tmp_path, mini_story)[0]["grey"]
    assert len(record.title) == progress.LIMITS["title"]
    assert len(record.epilogue) == progress.LIMITS["epilogue"]
    assert len(record.why) == progress.MAX_WHY
    assert all(len(line) == progress.MAX_WHY_LINE for line in record.why)


def test_a_bad_file_is_one_sentence_and_never_a_crash(tmp_path, mini_story):
    cases = {"{not json": "truncated or damaged", "[]": "not a Many Octobers endings file",
             '{"kind": "other"}': "not a Many Octobers endings file",
             "\udcff\udcfe": "not UTF-8 text"}
    for junk, reason in cases.items():
        progress_path(tmp_path).write_text(junk, encoding="utf-8", errors="surrogateescape")
        found, problem = reached(tmp_path, mini_story)
        assert found == {}
        assert problem == (f"The endings file {progress_path(tmp_path)} cannot be used "
                           f"(it is {reason}); the next ending you reach starts a fresh one, "
                           "and the old file is kept beside it as _progress-damaged.json.")
    progress_path(tmp_path).unlink()
    progress_path(tmp_path).symlink_to(tmp_path / "elsewhere.json")
    found, problem = reached(tmp_path, mini_story)
    assert found == {} and problem == (
        f"The endings file {progress_path(tmp_path)} cannot be used (it is a symbolic link, "
        "which the game never follows); the next ending you reach starts a fresh one, and the "
        "old file is kept beside it as _progress-damaged.json.")
    progress_path(tmp_path).unlink()
    progress_path(tmp_path).write_bytes(b" " * (progress.MAX_BYTES + 1))
    assert "larger than" in reached(tmp_path, mini_story)[1]


def test_the_write_goes_through_the_atomic_writer(tmp_path, mini_story, monkeypatch):
    record_ending(tmp_path, mini_story, "grey")
    before = progress_path(tmp_path).read_bytes()
    calls = []

    def refuse(path, data, prefix=".tmp-"):
        calls.append((path, prefix))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress, "write_atomic", refuse)
    assert record_ending(tmp_path, mini_story, "democratic", finished(mini_story)) is False
    assert calls == [(progress_path(tmp_path), ".tmp-progress-")]
    assert progress_path(tmp_path).read_bytes() == before  # the old file stands whole


def test_an_outgrown_file_sheds_old_epilogues_first(tmp_path, mini_story, monkeypatch):
    monkeypatch.setattr(progress, "MAX_BYTES", 4200)
    monkeypatch.setattr(progress.time, "time", lambda: 1_600_000_000)
    old = {"kind": "many-octobers-progress", "format": 2, "endings": {},
           "reached": {"Another game": {"x": {"at": 1_500_000_000, "epilogue": "o" * 4000}}}}
    progress_path(tmp_path).write_text(json.dumps(old), encoding="utf-8")
    assert record_ending(tmp_path, mini_story, "democratic", finished(mini_story))
    data = json.loads(progress_path(tmp_path).read_text(encoding="utf-8"))
    assert "epilogue" not in data["reached"]["Another game"]["x"]
    assert data["reached"]["Another game"]["x"]["at"] == 1_500_000_000
    assert reached(tmp_path, mini_story)[0]["democratic"].has_epilogue


def test_an_unusable_file_is_kept_aside_when_a_fresh_one_is_written(tmp_path, mini_story):
    progress_path(tmp_path).write_bytes(b"{half a file")
    assert record_ending(tmp_path, mini_story, "grey")
    assert (tmp_path / progress.DAMAGED_FILE).read_bytes() == b"{half a file"
    assert reached(tmp_path, mini_story)[1] is None
    assert discovered(tmp_path, mini_story) == (1, 3)
    assert SaveStore(tmp_path).slots() == []  # neither file is listed as a save
