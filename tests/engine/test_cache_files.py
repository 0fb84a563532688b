"""The per-file cache: editing one file recompiles that file only, and every load (and every
check) equals a load from the YAML exactly: edited, deleted, renamed files, packs layered on,
edits that change the names other files rely on."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from test_cache import names, shape

import game.loader
from game import cache
from game.cli import main
from game.loader import load_with_problems

from conftest import MINI

PACK_EXTENDS = """\
name: kirov_pack
version: "1.0"
"""
EXTENSION = """\
- extends: assembly
  choices:
    - id: delay
      label: Delay it
      log: The Assembly waits.
"""
REPLACEMENT = """\
- id: peace
  replace: true
  date: 1918-03
  title: Another peace
  text: A different peace.
  history: In our timeline Brest-Litovsk was signed on 3 March 1918.
  choices:
    - {id: refuse, label: Refuse}
"""


@pytest.fixture
def mini(tmp_path):
    return shutil.copytree(MINI, tmp_path / "mini")


def fresh(dirs):
    """The load without any cache: what every cached load must equal."""
    return load_with_problems(dirs, use_cache=False)


def same_as_fresh(dirs, parses=None):
    story, problems = load_with_problems(dirs)
    if parses is not None:
        parsed = names(parses)
        parses[:] = parsed  # what the cached load parsed, not the fresh one
    cold, cold_problems = fresh(dirs)
    assert shape(story) == shape(cold)
    assert problems == cold_problems
    if story is not None:
        assert [n.order for n in story.nodes.values()] == \
            [n.order for n in cold.nodes.values()]
    return story, problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_editing_one_file_recompiles_only_that_file(cache_home, parses, mini):
    load_with_problems([mini])
    edit(mini / "events" / "1918.yaml", "The peace of {year}.", "A harsh peace in {year}.")
    parses.clear()
    story, _ = same_as_fresh([mini], parses)
    assert parses[:2] == ["1918.yaml", "game.yaml"]  # 1917.yaml came from its entry
    assert story.nodes["peace"].text[0].template.source == "A harsh peace in {year}."


def test_an_edit_that_changes_the_names_others_rely_on_is_seen_everywhere(cache_home, mini):
    load_with_problems([mini])
    # 1917.yaml's `goto: assembly` now points at nothing: the error a fresh load gives
    edit(mini / "events" / "1918.yaml", "id: assembly", "id: assembly_1918")
    story, problems = same_as_fresh([mini])
    assert story is None and any("assembly" in p.message for p in problems)
    edit(mini / "events" / "1918.yaml", "id: assembly_1918", "id: assembly")
    story, problems = same_as_fresh([mini])
    assert story is not None and "assembly" in story.nodes
    # a new flag read in one file and set in another: both files agree again
    edit(mini / "events" / "1918.yaml", "log: Peace is signed.",
         "log: Peace is signed.\n      set: [peace_signed]")
    story, _ = same_as_fresh([mini])
    assert "peace_signed" in story.flags


def test_a_deleted_or_renamed_file(cache_home, mini):
    load_with_problems([mini])
    (mini / "events" / "1918.yaml").rename(mini / "events" / "later.yaml")
    story, _ = same_as_fresh([mini])
    assert story.nodes["peace"].where.path.endswith("later.yaml")
    (mini / "events" / "later.yaml").unlink()
    story, problems = same_as_fresh([mini])  # 1917.yaml's goto to 'assembly' now fails
    assert story is None and problems


def test_a_pack_that_extends_or_replaces_a_cached_files_node(cache_home, parses, mini,
                                                              tmp_path):
    load_with_problems([mini])
    load_with_problems([mini])  # every event file is now in the per-file cache
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK_EXTENDS, encoding="utf-8")
    (pack / "more.yaml").write_text(EXTENSION, encoding="utf-8")
    parses.clear()
    story, _ = same_as_fresh([mini, pack], parses)
    assert "1918.yaml" in parses and "1917.yaml" not in parses  # the extended file is read
    assert [c.id for c in story.nodes["assembly"].choices] == ["dissolve", "submit", "delay"]
    (pack / "more.yaml").write_text(REPLACEMENT, encoding="utf-8")
    story, _ = same_as_fresh([mini, pack])
    assert story.nodes["peace"].title.source == "Another peace"
    story, _ = same_as_fresh([mini, pack])  # and again, from the entries just written
    assert story.nodes["peace"].title.source == "Another peace"
    story, _ = same_as_fresh([mini])  # the base alone is untouched by the pack's entries
    assert story.nodes["peace"].title.source == "Peace"


def test_a_duplicate_id_across_a_cached_file_is_reported_as_fresh(cache_home, mini):
    load_with_problems([mini])
    (mini / "events" / "copy.yaml").write_text(
        (mini / "events" / "1918.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    story, problems = same_as_fresh([mini])
    assert story is None and any("already used" in p.message for p in problems)


def check_output(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", *argv])
    return code, out.getvalue()


def test_check_gives_what_a_fresh_check_gives_and_keeps_the_result(cache_home, mini,
                                                                   monkeypatch):
    def fresh_check(*argv):
        monkeypatch.setenv("OCTOBERS_CACHE", "0")
        try:
            return check_output(*argv)
        finally:
            monkeypatch.delenv("OCTOBERS_CACHE")

    first = check_output("--content", str(mini))
    assert first == fresh_check("--content", str(mini))
    # the check's result, and the analysis's warnings under a key of what it read
    assert len(list((cache_home / "checks").glob("*.pickle"))) == 2
    loads: list[object] = []
    monkeypatch.setattr(game.loader._Loader, "build", lambda *a: loads.append(a))
    assert check_output("--content", str(mini)) == first  # unchanged: no story is built
    assert loads == []
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home.parent))
    monkeypatch.delenv("OCTOBERS_CACHE", raising=False)
    edit(mini / "events" / "1918.yaml", "date: 1918-03", "date: 1911-03")  # goes into the past
    for argv in (("--content", str(mini)), ("--content", str(mini), "--format", "json"),
                 ("--content", str(mini), "--no-warnings")):
        assert check_output(*argv) == fresh_check(*argv)
        assert check_output(*argv) == fresh_check(*argv)  # from the stored result


def test_damaged_check_results_are_a_miss(cache_home, mini):
    first = check_output("--content", str(mini))
    entries = sorted((cache_home / "checks").glob("*.pickle"))
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-10])
    assert check_output("--content", str(mini)) == first  # checked afresh
    assert all(os.path.getsize(e) > len(cache._MAGIC) + 32 for e in entries)  # rewritten
    assert check_output("--content", str(mini)) == first


def test_an_edit_to_prose_only_reuses_the_analysis_and_any_other_edit_runs_it(cache_home,
                                                                             mini, monkeypatch):
    import game.authoring.lint as lint

    runs: list[int] = []
    real = lint.lint

    def counting(story):
        runs.append(1)
        return real(story)

    monkeypatch.setattr(lint, "lint", counting)

    def fresh_check():
        monkeypatch.setenv("OCTOBERS_CACHE", "0")
        try:
            return check_output("--content", str(mini))
        finally:
            monkeypatch.delenv("OCTOBERS_CACHE")

    check_output("--content", str(mini))
    assert runs == [1]
    events = mini / "events" / "1918.yaml"
    for old, new, analysed in (
            ("title: Peace", "title: A harsh peace", False),  # prose: the same warnings
            ("label: Sign", "label: Sign it", False),
            ("log: Peace is signed.", "log: Peace, signed.", False),
            ("effects: {stability: +3}", "effects: {stability: +4}", True),  # a fact
            ("history: In our timeline Brest", "history: Brest", False),
            ("date: 1918-03", "date: 1911-03", True)):
        runs.clear()
        edit(events, old, new)
        assert check_output("--content", str(mini)) == fresh_check(), (old, new)
        assert runs == ([1, 1] if analysed else [1]), (old, new)  # the fresh check runs it


TEXT_EXTENSION = """\
- extends: peace
  text:
    - text: A pack's paragraph about the peace.
"""


def test_a_pack_that_adds_text_never_leaks_into_the_base_files_entry(cache_home, parses, mini,
                                                                      tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK_EXTENDS, encoding="utf-8")
    (pack / "more.yaml").write_text(TEXT_EXTENSION, encoding="utf-8")
    for _ in range(3):
        story, _ = same_as_fresh([mini, pack])
        texts = [p.template.source for p in story.nodes["peace"].text]
        assert texts[-1] == "A pack's paragraph about the peace."
    parses.clear()
    story, _ = same_as_fresh([mini], parses)
    assert "1917.yaml" not in parses  # from its entry, stored while the pack was loaded
    assert [p.template.source for p in story.nodes["peace"].text] == ["The peace of {year}."]
    assert story.changes == ()


def test_every_model_field_is_either_in_the_analysis_key_or_declared_left_out():
    import dataclasses

    import game.model as model
    from game.authoring.checking import ANALYSED, NOT_ANALYSED

    for name in ANALYSED.keys() | NOT_ANALYSED.keys():
        fields = {f.name for f in dataclasses.fields(getattr(model, name))}
        assert fields == ANALYSED[name] | NOT_ANALYSED[name], name
        assert not ANALYSED[name] & NOT_ANALYSED[name], name
    reachable = {"Story", "Variable", "TextVariable", "Scenario", "Node", "Paragraph", "Choice",
                 "Outcome", "Effect", "Ending", "Expr", "Template"}
    assert reachable <= ANALYSED.keys()


def test_planted_entries_of_every_kind_are_refused(cache_home, mini, capfd):
    import hashlib
    import pickle

    class Hostile:
        def __reduce__(self):
            return os.system, ("echo owned",)

    first = check_output("--content", str(mini))
    load_with_problems([mini])  # the names entry and the whole story exist too
    planted = 0
    for kind in ("", cache.FILES, cache.NAMES, cache.CHECKS):
        for entry in (cache_home / kind).glob("*.pickle"):
            key = entry.name  # unsealed, or sealed with the right key format but not ours
            payload = pickle.dumps((key, Hostile(), [], ()))
            entry.write_bytes(cache._MAGIC + hashlib.sha256(payload).digest() + payload)
            planted += 1
    assert planted >= 5
    assert check_output("--content", str(mini)) == first
    story, _ = same_as_fresh([mini])
    assert story is not None
    assert "owned" not in capfd.readouterr().out


def test_the_analysis_key_takes_each_stored_files_digest_and_changes_with_any_fact(cache_home,
                                                                                   mini):
    from game.authoring.checking import _analysed
    from game.facts import nodes_digest
    from game.loader import node_segments

    load_with_problems([mini])
    story, _ = load_with_problems([mini])  # every event file from its entry
    segments = node_segments(story)
    assert sum(len(run) for run, _ in segments.values()) == len(story.nodes)
    for run, digest in segments.values():
        assert digest == nodes_digest(run)  # what was stored is what the nodes give now
    key = _analysed(story)
    # without the digests (a story from elsewhere) the key is longer, never the same
    cold, _ = fresh([mini])
    assert node_segments(cold) == {} and _analysed(cold) != key
    # a run that is no longer the story's (a node in between) is counted node by node
    first = next(iter(segments))
    run, digest = segments[first]
    segments[first] = (run[:1] + run, digest)
    assert _analysed(story) not in (key, b"") and len(_analysed(story)) > len(key)
    segments[first] = (run, digest)
    edit(mini / "events" / "1917.yaml", "title: Petrograd", "title: Red Petrograd")  # prose
    story, _ = load_with_problems([mini])
    assert _analysed(story) == key
    edit(mini / "events" / "1917.yaml", "priority: 1", "priority: 2")  # a fact
    story, _ = load_with_problems([mini])
    assert _analysed(story) != key


def test_flags_a_stored_file_sets_are_known_without_reading_it(cache_home, parses, mini):
    load_with_problems([mini])
    edit(mini / "events" / "1918.yaml", "title: Peace", "title: A harsh peace")
    parses.clear()
    story, problems = same_as_fresh([mini], parses)
    assert "1917.yaml" not in parses
    assert {"soviet_power", "risen", "never_set_here"} <= story.flags
    # a flag only the stored file sets, read now in the edited one: no unknown flag
    edit(mini / "events" / "1918.yaml", "title: A harsh peace",
         "title: A harsh peace\n  when: \"flags.risen\"")
    story, problems = same_as_fresh([mini])
    assert story is not None and not [p for p in problems if p.severity == "error"]


def test_check_loads_the_files_it_keyed(cache_home, mini, monkeypatch):
    from game.authoring.checking import CODE
    from game.loader import read_files

    reads: list[str] = []
    real = game.loader.read_regular

    def counting(path, *args, **kwargs):
        reads.append(Path(path).name)
        return real(path, *args, **kwargs)

    key, read = read_files([mini], "check", CODE)
    assert key is not None
    # a save between the key and the load: the load is of the bytes the key was made of
    edit(mini / "events" / "1918.yaml", "title: Peace", "title: Later peace")
    monkeypatch.setattr(game.loader, "read_regular", counting)
    story, _ = load_with_problems([mini], read=read)
    assert reads == [] and story.nodes["peace"].title.source == "Peace"
    story, _ = load_with_problems([mini], read=read)  # taken once: the next load reads again
    assert "1918.yaml" in reads and story.nodes["peace"].title.source == "Later peace"


def test_an_analysis_in_use_outlives_newer_check_results(cache_home, mini, monkeypatch):
    import game.authoring.lint as lint

    runs: list[int] = []
    real = lint.lint
    monkeypatch.setattr(lint, "lint", lambda story: runs.append(1) or real(story))
    monkeypatch.setattr(cache, "KEEP_CHECKS", 3)
    check_output("--content", str(mini))
    events = mini / "events" / "1918.yaml"
    title = "Peace"
    for k in range(6):  # each a new check result: more than are kept
        edit(events, f"title: {title}", f"title: Peace {k}")
        title = f"Peace {k}"
        check_output("--content", str(mini))
    assert runs == [1]  # the prose edits all reused the first analysis
    assert len(list((cache_home / "checks").glob("*.pickle"))) <= 3
