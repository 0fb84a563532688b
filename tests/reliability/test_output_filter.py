"""The one output filter (game/output.py): nothing read from a file drives the terminal.

Issue 14: a content line refused for a control character was re-read and printed raw, a pack's
file names were printed raw, and a save's duplicate key holding an escape sequence reached
`export`, `play --load` and the TUI's notices. Each kind of output is tested here (the CLI's
errors, `check`, `export`, plain play); the TUI's notices and dialogs in tests/tui.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from game.cli import main
from game.engine import Game
from game.loader import load_story
from game.output import FilteredStream, printable
from game.plain import PlainSession
from game.saves import SaveStore

from conftest import FIRST_NODE, GAME_YAML, MINI

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZWNobyBoaQ==\x07"  # title, clear, clipboard
STORY = load_story([MINI])


def raw_control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f for c in text)


# ---- the filter itself ----------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\r", "\x7f", "\x9b", "\u2028",
                                  "\u202e", "\u2066", "\ud800", "\udfff", "\u0085"])
def test_every_unsafe_character_is_escaped(char):
    shown = printable(f"a{char}b")
    assert char not in shown and shown.startswith("a\\") and shown.endswith("b")
    assert printable(shown) == shown  # idempotent
    shown.encode("utf-8")  # a lone surrogate no longer breaks the encoder


def test_text_newlines_tabs_and_letters_stay():
    text = "Петроград, 1917 — «Вся власть Советам!»\n\tok é 中"
    assert printable(text) == text


def test_the_filtered_stream_escapes_what_is_written():
    out = io.StringIO()
    FilteredStream(out).write("x" + ESC)
    assert not raw_control(out.getvalue()) and "\\x1b]0;pwned" in out.getvalue()


# ---- the CLI: check and play on a hostile pack -----------------------------------------------
def evil_pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "game.yaml").write_text(GAME_YAML, encoding="utf-8")
    (folder / "events.yaml").write_text(FIRST_NODE.replace("text: Start.",
                                                           f"text: Start{ESC}."),
                                        encoding="utf-8")
    (folder / f"evil{ESC}.yaml").write_text("- id: [\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [["check"], ["check", "--no-warnings"],
                                     ["play", "--plain"], ["simulate", "-n", "1"],
                                     ["graph"]])
def test_source_lines_and_file_names_are_escaped(tmp_path, capsys, command, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    pack = evil_pack(tmp_path)
    code = main([*command, "--content", str(pack)])
    out, err = capsys.readouterr()
    assert code != 0
    assert not raw_control(out + err)
    assert "\\x1b]0;pwned\\x07" in out + err  # the line, shown escaped
    assert "evil\\x1b" in out + err  # the file name, shown escaped


# ---- the CLI: export and play --load on a hostile save ----------------------------------------
def evil_save(saves: Path, slot: str = "evil") -> None:
    saves.mkdir(parents=True, exist_ok=True)
    key = f"\\u001b]0;{'x' * 5}\\u0007"
    (saves / f"{slot}.json").write_text(
        '{"kind": "many-octobers-save", "format": 1, "' + key + '": 1, "' + key + '": 2}',
        encoding="utf-8")


@pytest.mark.parametrize("command", [["export", "evil"], ["play", "--plain", "--load", "evil"],
                                     ["play", "--plain", "--load", "autosave"]])
def test_a_save_key_with_an_escape_is_shown_escaped(tmp_path, capsys, command, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    saves = tmp_path / "saves"
    evil_save(saves)
    evil_save(saves, "autosave")
    code = main([*command, "--saves-dir", str(saves), "--content", str(MINI)])
    out, err = capsys.readouterr()
    assert code == 1
    assert not raw_control(out + err)
    assert "duplicate key '\\x1b]0;xxxxx\\x07'" in err


def test_a_saves_folder_name_with_an_escape_is_shown_escaped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    saves = tmp_path / f"saves{ESC}"
    code = main(["play", "--plain", "--saves-dir", str(saves), "--content", str(MINI)])
    out, err = capsys.readouterr()
    assert code == 0 and os.path.isdir(saves)
    assert not raw_control(out + err) and "saves\\x1b]0;pwned" in out


def test_plain_play_escapes_text_from_a_save(tmp_path):
    game = Game.new(STORY, seed=1)
    text_var = next(iter(STORY.texts))
    game.values[text_var] = f"Lenin{ESC}"  # as a doctored save would carry it
    out = io.StringIO()
    PlainSession(game, SaveStore(tmp_path), io.StringIO(""), out).run()
    assert not raw_control(out.getvalue())
