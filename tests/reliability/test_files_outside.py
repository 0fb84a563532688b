"""Files outside the folders they belong to (issue 14): links and special files in a content
folder or the saves folder are refused, never followed; exports are atomic; the default saves
folder is the user's data folder, never the current directory.

Cases that hung or ran out of memory before the fix (a FIFO, /dev/zero) run in a subprocess
with a generous timeout that only catches a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.engine import Game
from game.errors import SaveError
from game.loader import load_story, load_with_problems
from game.saves import (
    AUTOSAVE,
    LOCK_NAME,
    SaveStore,
    checkout_saves_dir,
    default_saves_dir,
    read_file,
)

from conftest import FIRST_NODE, GAME_YAML, MINI, REPO

STORY = load_story([MINI])
SECRET = "AWS_SECRET=hunter2"
HANG = 120  # seconds; only a hang takes this long


def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    (folder / "events").mkdir(parents=True)
    (folder / "game.yaml").write_text(GAME_YAML, encoding="utf-8")
    (folder / "events" / "first.yaml").write_text(FIRST_NODE, encoding="utf-8")
    return folder


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=HANG)


# ---- content folders -------------------------------------------------------------------------
def test_a_symlink_in_a_pack_is_refused_not_followed(tmp_path, capsys):
    folder = pack(tmp_path)
    secret = tmp_path / "environ"
    secret.write_text(f"- id: x\n  {SECRET}: [\n", encoding="utf-8")
    (folder / "events" / "env.yaml").symlink_to(secret)
    _, problems = load_with_problems([folder])
    assert [p.message for p in problems if "env.yaml" in p.where.path] == [
        "refused: a symbolic link; a content folder holds only regular files and never "
        "follows a link (copy the file in instead)"]
    assert main(["check", "--content", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "hunter2" not in out + err and "env.yaml" in out


def test_a_symlinked_folder_in_a_pack_is_refused(tmp_path):
    folder = pack(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "more.yaml").write_text(FIRST_NODE.replace("first", "more"), encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    _, problems = load_with_problems([folder])
    assert any("linked" in p.where.path and "symbolic link to a folder" in p.message
               for p in problems)
    assert not any("more.yaml" in p.where.path for p in problems)


def test_a_fifo_or_device_in_a_pack_is_refused_without_hanging(tmp_path):
    folder = pack(tmp_path)
    os.mkfifo(folder / "events" / "fifo.yaml")
    (folder / "events" / "zero.yaml").symlink_to("/dev/zero")
    result = run_python(f"from game.loader import load_with_problems\n"
                        f"_, ps = load_with_problems([{str(folder)!r}])\n"
                        "print(sorted(p.message.split(';')[0] for p in ps))")
    assert result.returncode == 0, result.stderr
    assert "'refused: not a regular file'" in result.stdout
    assert "'refused: a symbolic link'" in result.stdout


# ---- the saves folder ------------------------------------------------------------------------
def test_export_never_writes_through_a_link(tmp_path, capsys):
    saves = tmp_path / "saves"
    SaveStore(saves).autosave(Game.new(STORY, seed=1))
    victim = tmp_path / "bashrc"
    victim.write_text("# mine\n", encoding="utf-8")
    (saves / "autosave-chronicle.md").symlink_to(victim)
    assert main(["export", AUTOSAVE, "--saves-dir", str(saves), "--content", str(MINI)]) == 0
    assert victim.read_text(encoding="utf-8") == "# mine\n"
    chronicle = saves / "autosave-chronicle.md"
    assert not chronicle.is_symlink() and chronicle.read_text().startswith("# ")


def test_export_replaces_the_chronicle_whole(tmp_path, capsys):
    """Written in place, a kill mid-export left the previous chronicle at 0 bytes; now a new
    file is renamed over it, so the old one is whole until the new one is."""
    saves = tmp_path / "saves"
    SaveStore(saves).autosave(Game.new(STORY, seed=1))
    args = ["export", AUTOSAVE, "--saves-dir", str(saves), "--content", str(MINI)]
    assert main(args) == 0
    chronicle = saves / "autosave-chronicle.md"
    os.link(chronicle, tmp_path / "old.md")
    before = chronicle.read_bytes()
    assert main(args) == 0
    assert (tmp_path / "old.md").read_bytes() == before  # the old file was never rewritten
    assert os.stat(chronicle).st_ino != os.stat(tmp_path / "old.md").st_ino
    assert not list(saves.glob(".tmp-*"))


def test_a_dangling_lock_link_creates_nothing_outside(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    outside = tmp_path / "planted"
    (saves / LOCK_NAME).symlink_to(outside)
    SaveStore(saves).save(Game.new(STORY, seed=1), "mine")
    SaveStore(saves).autosave(Game.new(STORY, seed=1))
    assert not outside.exists()
    assert (saves / "mine.json").is_file()


@pytest.mark.parametrize("kind", ["zero", "fifo", "link", "folder"])
def test_the_autosave_is_never_read_through_a_link_or_special_file(tmp_path, kind):
    saves = tmp_path / "saves"
    saves.mkdir()
    target = saves / "autosave.json"
    if kind == "zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "link":
        SaveStore(tmp_path / "elsewhere").save(Game.new(STORY, seed=1), "real")
        target.symlink_to(tmp_path / "elsewhere" / "real.json")
    else:
        target.mkdir()
    result = run_python(
        "from pathlib import Path\nfrom game.saves import SaveStore\nfrom game.errors import "
        f"SaveError\nstore = SaveStore({str(saves)!r})\ntry:\n    store.read('autosave')\n"
        "except SaveError as exc:\n    print(exc)\n"
        "print([s.slot for s in store.slots() if s.problem])\n"
        "print(store.usable_backup('autosave'))\n")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{target} ") and "not a usable save" in first or \
        "cannot be read" in first, first
    assert result.stdout.splitlines()[1:] == ["['autosave']", "None"]


def test_a_planted_autosave_link_is_replaced_not_written_through(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("precious", encoding="utf-8")
    (saves / "autosave.json").symlink_to(victim)
    store = SaveStore(saves)
    for _ in range(5):
        store.autosave(Game.new(STORY, seed=1))
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (saves / "autosave.json").is_symlink()
    assert not any(p.is_symlink() for p in saves.iterdir())  # not rotated into a backup


def test_reading_a_save_reads_at_most_the_limit(tmp_path, monkeypatch):
    import game.saves

    monkeypatch.setattr(game.saves, "MAX_SAVE_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 10_000)
    with pytest.raises(SaveError, match="too large"):
        read_file(path)


# ---- the default saves folder ----------------------------------------------------------------
def test_the_default_saves_folder_is_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("OCTOBERS_SAVES", raising=False)
    monkeypatch.setattr("game.folders.checkout_saves_dir", lambda root=None: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "saves").mkdir()  # a stranger's folder with its own saves/
    assert default_saves_dir() == tmp_path / "data" / "many-octobers" / "saves"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_saves_dir() == tmp_path / "home" / ".local/share/many-octobers/saves"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the spec wants absolute paths
    assert default_saves_dir() == tmp_path / "home" / ".local/share/many-octobers/saves"
    monkeypatch.setenv("OCTOBERS_SAVES", str(tmp_path / "env"))
    assert default_saves_dir() == tmp_path / "env"


def test_only_a_real_checkout_uses_its_saves_folder(tmp_path):
    assert checkout_saves_dir(REPO) == REPO / "saves"
    fake = tmp_path / "clone"
    (fake / "saves").mkdir(parents=True)
    assert checkout_saves_dir(fake) is None
    (fake / ".git").mkdir()
    (fake / "saves" / ".gitkeep").write_text("")
    (fake / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    assert checkout_saves_dir(fake) is None
    (fake / "pyproject.toml").write_text('[project]\nname = "many-octobers"\n')
    assert checkout_saves_dir(fake) == fake / "saves"


def test_help_says_where_saves_live(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OCTOBERS_SAVES", str(tmp_path / "my saves"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit):
        main(["--help"])
    assert f"Saves live in {tmp_path / 'my saves'}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    assert "XDG_DATA_HOME" in capsys.readouterr().out
