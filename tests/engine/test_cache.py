"""The compiled-content cache: a warm load equals a cold one, and is never stale.

A clean load stores each plain event file's nodes (`files/`); loading the same content again
takes them from there (parsing only game.yaml and the files that changed) and then also stores
the whole story, which the third load reads without parsing anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil

import pytest

from game import cache
from game.engine import Game
from game.errors import Problem, SourceRef
from game.loader import load_story, load_with_problems
from game.model import Expr

from conftest import FIRST_NODE, MINI


def entries(folder):
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def shape(value):
    """A story as plain nested tuples, to compare two loads exactly (an expression by its
    source, place and date use, not by its function object)."""
    if isinstance(value, Expr):
        return ("expr", value.source, value.where, value.uses_date)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                *((f.name, shape(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", *((k, shape(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *(shape(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted(value))
    return value


def names(parses):
    return sorted(os.path.basename(path) for path in parses)


def play(story, picks=30):
    game = Game.new(story, seed=3)
    for _ in range(picks):
        if game.over:
            break
        game.choose(game.choices()[-1].number)
    return [(e.node_id, e.choice_id, e.log, e.changes) for e in game.timeline], \
        game.ending_id, game.scene().text if not game.over else game.ending_text()


def test_second_load_comes_from_the_cache_and_plays_the_same(cache_home, parses, tmp_path):
    folder = shutil.copytree(MINI, tmp_path / "mini")
    cold = load_story([folder])
    assert names(parses) == ["1917.yaml", "1918.yaml", "game.yaml"]
    assert entries(cache_home) == [] and len(entries(cache_home / "files")) == 2
    parses.clear()
    parts = load_story([folder])
    assert names(parses) == ["game.yaml"]  # the event files' nodes came from their entries
    assert len(entries(cache_home)) == 1  # the same content twice: now the whole story too
    parses.clear()
    warm = load_story([folder])
    assert parses == []  # nothing parsed: the story came from the entry
    for story in (parts, warm):
        assert story is not cold
        assert shape(story) == shape(cold)
        assert list(story.nodes) == list(cold.nodes)
        assert [n.order for n in story.nodes.values()] == [n.order for n in cold.nodes.values()]
        assert story.content_hash == cold.content_hash
        assert story.files == cold.files
        node = next(n for n in story.nodes.values() if n.when is not None)
        assert node.when.where == cold.nodes[node.id].when.where
        assert play(story) == play(cold)  # expressions, templates and effects all work


def test_a_changed_file_is_never_served_stale(cache_home, tmp_path, make_content):
    folder = make_content(FIRST_NODE)
    events = folder / "events.yaml"
    assert load_story([folder]).nodes["first"].text[0].template.source == "Start."
    stat = events.stat()
    events.write_text(FIRST_NODE.replace("Start.", "Begin."), encoding="utf-8")
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time
    assert load_story([folder]).nodes["first"].text[0].template.source == "Begin."


def test_an_added_or_removed_file_changes_the_story(cache_home, make_content):
    folder = make_content(FIRST_NODE)
    assert set(load_story([folder]).nodes) == {"first"}
    extra = folder / "more.yaml"
    extra.write_text(FIRST_NODE.replace("id: first", "id: second"), encoding="utf-8")
    assert set(load_story([folder]).nodes) == {"first", "second"}
    extra.unlink()
    assert set(load_story([folder]).nodes) == {"first"}


def test_a_renamed_file_is_reported_under_its_new_name(cache_home, make_content):
    folder = make_content(FIRST_NODE)
    load_story([folder])
    (folder / "events.yaml").rename(folder / "renamed.yaml")
    story = load_story([folder])
    assert story.nodes["first"].where.path.endswith("renamed.yaml")


def test_a_deleted_cache_folder_is_rebuilt_silently(cache_home, make_content, capsys):
    folder = make_content()
    load_story([folder])
    load_story([folder])
    shutil.rmtree(cache_home)
    assert set(load_story([folder]).nodes) == {"first"}
    assert set(load_story([folder]).nodes) == {"first"}
    assert len(entries(cache_home)) == 1
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("damage", [
    lambda data: b"",  # empty
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: b"garbage" * 100,  # not an entry at all
    lambda data: data[:-200] + bytes(b ^ 0x01 for b in data[-200:-190]) + data[-190:],  # rot
])
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(cache_home, make_content, parses, capsys,
                                                    damage):
    folder = make_content()
    load_story([folder])
    load_story([folder])
    [entry] = entries(cache_home)
    [part] = entries(cache_home / "files")
    entry.write_bytes(damage(entry.read_bytes()))
    part.write_bytes(damage(part.read_bytes()))
    parses.clear()
    assert set(load_story([folder]).nodes) == {"first"}
    assert names(parses) == ["events.yaml", "game.yaml"]  # read from the YAML again
    assert capsys.readouterr() == ("", "")
    parses.clear()
    load_story([folder])
    parses.clear()
    load_story([folder])
    assert parses == []  # and the rewritten entries serve the next loads


def test_an_entry_holding_anything_but_content_is_refused(cache_home, make_content, capfd):
    folder = make_content()
    load_story([folder])
    load_story([folder])
    [entry] = entries(cache_home)
    [part] = entries(cache_home / "files")

    class Hostile:
        def __reduce__(self):
            return os.system, ("echo owned",)

    payload = pickle.dumps(("k", Hostile(), []))
    entry.write_bytes(cache._MAGIC + hashlib.sha256(payload).digest() + payload)
    part.write_bytes(cache._MAGIC + hashlib.sha256(payload).digest() + payload)
    story, _ = load_with_problems([folder])
    assert story is not None and set(story.nodes) == {"first"}
    assert "owned" not in capfd.readouterr().out


def test_content_with_errors_is_not_cached(cache_home, make_content):
    folder = make_content(FIRST_NODE.replace("title: First", "title: First\n  bogus: 1"))
    story, problems = load_with_problems([folder])
    assert story is None and problems
    assert entries(cache_home) == [] and entries(cache_home / "files") == []
    again, problems_again = load_with_problems([folder])
    assert [p.message for p in problems_again] == [p.message for p in problems]


def test_warnings_are_kept_with_the_entry(tmp_path, make_content):
    story = load_story([make_content()])
    warning = Problem(SourceRef("events.yaml", 3, 5), "something odd", "warning")
    assert cache.store("k" * 64, story, [warning], folder=tmp_path)
    loaded, problems = cache.load("k" * 64, folder=tmp_path)
    assert problems == [warning]
    assert cache.load("j" * 64, folder=tmp_path) is None  # another key is a miss


def test_the_cache_can_be_turned_off(cache_home, make_content, monkeypatch):
    monkeypatch.setenv("OCTOBERS_CACHE", "0")
    load_story([make_content()])
    assert entries(cache_home) == []


def test_an_unwritable_cache_folder_does_not_stop_loading(tmp_path, monkeypatch, make_content):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert set(load_story([make_content()]).nodes) == {"first"}


def test_old_entries_are_pruned(cache_home, make_content, monkeypatch):
    monkeypatch.setattr(cache, "KEEP_FILES", 5)
    folder = make_content()
    events = folder / "events.yaml"
    for index in range(cache.KEEP + 3):
        events.write_text(FIRST_NODE.replace("Start.", f"Start {index}."), encoding="utf-8")
        load_story([folder])
        load_story([folder])
    assert len(entries(cache_home)) == cache.KEEP
    assert len(entries(cache_home / "files")) == 5
