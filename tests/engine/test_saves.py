"""Saves: round trips, atomic autosave with backups, and one clear sentence for bad files."""

from __future__ import annotations

import json

import pytest

from game.engine import Game
from game.errors import SaveError
from game.loader import load_story
from game.saves import SAVE_FORMAT, SaveStore, check_slot

from conftest import MINI


def played(story, seed=11, turns=2):
    game = Game.new(story, seed=seed)
    game.choose("soviet")
    if turns > 1:
        game.choose("rise")
    return game


def test_round_trip_restores_state_and_continues_identically(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    game = Game.new(mini_story, seed=21)
    game.choose("soviet")
    store.save(game, "one")
    loaded, notes = store.load("one", mini_story)
    assert notes == []
    for attr in ("values", "flags", "seen", "chosen", "date", "node_id", "rng_state", "turn",
                 "path"):
        assert getattr(loaded, attr) == getattr(game, attr), attr
    assert [e.log for e in loaded.timeline] == [e.log for e in game.timeline]
    assert loaded.choose("rise").entry == game.choose("rise").entry
    assert loaded.values == game.values


def test_save_load_save_gives_identical_bytes_but_time(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    store.save(played(mini_story), "a")
    loaded, _ = store.load("a", mini_story)
    store.save(loaded, "a")
    first = json.loads((tmp_path / "a.json").read_text())
    store.save(store.load("a", mini_story)[0], "a")
    second = json.loads((tmp_path / "a.json").read_text())
    first.pop("saved_at"), second.pop("saved_at")
    assert first == second


def test_autosave_keeps_rotating_backups(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    game = Game.new(mini_story, seed=1)
    store.autosave(game)
    game.choose("soviet")
    store.autosave(game)
    game.choose("rise")
    store.autosave(game)
    assert store.backups("autosave") == ["autosave.1", "autosave.2"]
    older, _ = store.load("autosave.1", mini_story)
    assert older.turn == 1
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.parametrize("content, phrase", [
    (b"", "is empty"),
    (b'{"kind": "many-octobers-save", "format": 1, "origin": {', "truncated or damaged"),
    (b"\x00" * 64, "not a usable save"),
    (b"not json at all", "truncated or damaged"),
    (b'[1, 2, 3]', "not a Many Octobers save"),
    (b'{"kind": "many-octobers-save", "format": 1, "x": NaN}', "not valid JSON"),
    (b'{"kind": "many-octobers-save", "kind": "x"}', "duplicate key"),
    (b'{"kind": "many-octobers-save", "format": 99}', "newer version"),
    (b'{"kind": "many-octobers-save", "format": 1, "origin": {}, "state": {}}', "damaged"),
    (b"[" * 100000 + b"]" * 100000, "not"),
])
def test_bad_saves_give_one_sentence_and_harm_nothing(mini_story, tmp_path, content, phrase):
    store = SaveStore(tmp_path)
    store.save(played(mini_story), "good")
    good_bytes = (tmp_path / "good.json").read_bytes()
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(SaveError) as caught:
        store.load("bad", mini_story)
    message = str(caught.value)
    assert phrase in message
    assert str(tmp_path / "bad.json") in message
    assert "\n" not in message
    assert (tmp_path / "good.json").read_bytes() == good_bytes
    assert store.load("good", mini_story)[0].turn == 2
    slots = {info.slot: info for info in store.slots()}
    assert slots["bad"].problem is not None and slots["good"].problem is None


def test_newer_format_save_is_never_overwritten(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    newer = json.dumps({"kind": "many-octobers-save", "format": SAVE_FORMAT + 1}).encode()
    (tmp_path / "future.json").write_bytes(newer)
    with pytest.raises(SaveError, match="newer version"):
        store.save(played(mini_story), "future")
    assert (tmp_path / "future.json").read_bytes() == newer


def test_save_from_older_content_loads_with_notes(tmp_path, make_content):
    store = SaveStore(tmp_path / "saves")
    story = load_story([MINI])
    game = Game.new(story, seed=3)
    game.choose("soviet")
    store.save(game, "old")
    data = json.loads((tmp_path / "saves" / "old.json").read_text())
    data["state"]["node"] = "vanished_node"
    data["state"]["values"]["old_variable"] = 5
    (tmp_path / "saves" / "old.json").write_text(json.dumps(data))
    loaded, notes = store.load("old", story)
    assert any("'vanished_node' no longer exists" in n for n in notes)
    assert any("old_variable" in n for n in notes)
    assert loaded.node_id is not None or loaded.over


@pytest.mark.parametrize("slot", ["../escape", "/etc/passwd", "a/b", "..", ".hidden", "",
                                  "x" * 80, "nul\x00", "name.json"])
def test_slot_names_cannot_escape(slot):
    with pytest.raises(SaveError):
        check_slot(slot)


def test_read_only_folder_gives_clear_error(mini_story, tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="Could not write"):
            SaveStore(folder).save(played(mini_story), "x")
    finally:
        folder.chmod(0o700)
