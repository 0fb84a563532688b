"""`octobers check --watch`: after each save, only what changed; Ctrl-C ends it cleanly."""

from __future__ import annotations

import contextlib
import io
import os
import shutil

import pytest

from game.authoring import checking
from game.cli import main

from conftest import MINI


@pytest.fixture
def mini(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("OCTOBERS_CACHE", raising=False)
    return shutil.copytree(MINI, tmp_path / "mini")


def save(path, old, new):
    """Edit a file as an editor saves it (and make sure its time moves on)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def run_watch(folder, edits, polls=None):
    """Watch `folder`, making edits[n]() before poll n (a missing one: no edit)."""
    out = io.StringIO()
    calls = []

    def sleep(_seconds):
        calls.append(len(calls))
        edit = edits.get(len(calls))
        if edit is not None:
            edit()

    checking.watch([folder], out=out, polls=polls or max(edits, default=0) + 1, sleep=sleep)
    return out.getvalue().splitlines(), len(calls)


CLEAN_GAME = """\
title: Clean
variables:
  stability: {label: Stability, start: 50, shown: true}
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: calm, title: Calm, hint: Keep it quiet., text: It holds.}
"""
CLEAN_EVENTS = """\
- id: first
  date: 1917-03
  title: First
  text: Start.
  history: In our timeline the Tsar abdicated.
  choices:
    - {id: go, label: Go, effects: {stability: +1}}
"""


def after_start(lines):
    """The lines after 'watching ...', split into one block per change."""
    start = next(i for i, line in enumerate(lines) if line.startswith("watching "))
    blocks: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("-- ") and line.endswith(" changed"):
            blocks.append([])
        blocks[-1].append(line)
    return lines[:start + 1], blocks


def test_a_watch_prints_the_check_then_only_what_changed(mini):
    events = mini / "events" / "1918.yaml"

    def typo():
        save(events, "effects: {stability: +3}", "effects: {stabilty: +3}")

    def fix():
        save(events, "effects: {stabilty: +3}", "effects: {stability: +3}")

    def text_only():
        save(events, "The peace of {year}.", "A harsh peace in {year}.")

    lines, polls = run_watch(mini, {2: typo, 4: fix, 5: text_only})
    assert polls == 6  # polls 1 and 3 saw no change and printed nothing
    head, blocks = after_start(lines)
    assert head[-2] == "ok: 6 nodes, 3 endings, 2 scenarios in 3 files; 5 warnings"
    assert head[-1].startswith("watching 3 files in ") and head[-1].endswith("; Ctrl-C to stop")
    assert len(blocks) == 3
    typo_block, fix_block, text_block = blocks
    assert typo_block[0].endswith("1918.yaml changed")
    assert typo_block[1].startswith("new: ") and typo_block[1].endswith(
        "1918.yaml:23:17: node 'peace', choice 'sign': unknown variable 'stabilty' "
        "(did you mean 'stability'?)")
    assert typo_block[2:4] == ["   23 |       effects: {stabilty: +3}",
                               "      |                 ^"]
    # the warnings are not analysed while there are errors: they are neither fixed nor new
    assert typo_block[4:] == ["now 1 error, 5 warnings (the warnings are those of the last "
                              "check without errors: they are analysed again once the errors "
                              "are fixed)"]
    assert len(fix_block) == 3
    assert fix_block[1].startswith("fixed: ") and fix_block[1].endswith(
        "1918.yaml: node 'peace', choice 'sign': unknown variable 'stabilty' "
        "(did you mean 'stability'?)")
    assert fix_block[2] == "now 0 errors, 5 warnings"
    assert text_block[1:] == ["no new or fixed problems (0 errors, 5 warnings)"]


def test_all_clear_once_nothing_is_left(tmp_path, make_content, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = make_content(CLEAN_EVENTS.replace("+1}}", "+1}, set: [gone]}"), CLEAN_GAME)
    events = folder / "events.yaml"

    def clean():
        save(events, "+1}, set: [gone]}", "+1}}")

    lines, _ = run_watch(folder, {1: clean})
    head, [block] = after_start(lines)
    assert head[-2] == "ok: 1 nodes, 1 endings, 1 scenarios in 2 files; 1 warning"
    assert block[1].startswith("fixed: ") and \
        block[1].endswith("events.yaml: warning: flag 'gone' is set here but no condition reads it")
    assert block[2] == "all clear: 1 nodes, 1 endings, 1 scenarios in 2 files"


def test_moving_a_problem_down_a_line_does_not_make_it_new(mini):
    events = mini / "events" / "1918.yaml"
    save(events, "effects: {stability: +3}", "effects: {stabilty: +3}")

    def push_down():
        save(events, "- id: assembly", "# a comment line\n- id: assembly")

    lines, _ = run_watch(mini, {1: push_down})
    head, [block] = after_start(lines)
    assert head[-2] == "1 error, 0 warnings"
    assert block[1:] == ["no new or fixed problems (1 error, 0 warnings)"]


def test_ctrl_c_ends_the_watch_cleanly(mini, monkeypatch, capsys):
    def interrupt(_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(checking.time, "sleep", interrupt)
    monkeypatch.setattr(checking, "watch", _with_default_sleep(checking.watch, interrupt))
    code = main(["check", "--watch", "--content", str(mini)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.rstrip().endswith("stopped watching")
    assert "Traceback" not in out + err


def _with_default_sleep(watch, sleep):
    def run(*args, **kwargs):
        kwargs.setdefault("sleep", sleep)
        return watch(*args, **kwargs)
    return run


def test_file_names_and_problems_reach_the_terminal_filtered(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = shutil.copytree(MINI, tmp_path / "mini")
    hostile = folder / "events" / "x\x1b[2Jy.yaml"
    shutil.move(folder / "events" / "1918.yaml", hostile)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checking.watch([folder], out=out, polls=0)
    assert "\x1b" not in out.getvalue()
