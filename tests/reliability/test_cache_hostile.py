"""The compiled-content cache against planted entries (issue 14): entries hold code, so an
entry is used only with an HMAC of the player's own key (kept 0600, outside the cache folder);
links, FIFOs and devices planted as entries are refused without hanging."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from game import cache
from game.loader import load_story

from conftest import MINI, REPO

STORY = load_story([MINI])
KEY = "k" * 64


def test_the_key_is_made_private_on_first_use_outside_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cache.store(KEY, STORY, [], folder=tmp_path / "cache")
    key = cache.key_path()
    assert key.parent == tmp_path / "data" / "many-octobers"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert not any(p.name.endswith(".key") for p in (tmp_path / "cache").iterdir())
    assert cache.load(KEY, folder=tmp_path / "cache") is not None


def test_an_entry_sealed_with_another_key_is_a_miss_and_goes(tmp_path, monkeypatch):
    folder = tmp_path / "shared-ci-cache"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "attacker"))
    assert cache.store(KEY, STORY, [], folder=folder)  # planted by someone else
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "player"))
    assert cache.load(KEY, folder=folder) is None
    assert not list(folder.glob("*.pickle"))


def test_a_key_that_is_not_the_players_private_file_turns_the_cache_off(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cache.store(KEY, STORY, [], folder=tmp_path / "cache")
    os.chmod(cache.key_path(), 0o644)  # readable by others: anyone could forge entries
    assert cache.load(KEY, folder=tmp_path / "cache") is None
    assert not cache.store(KEY, STORY, [], folder=tmp_path / "cache")
    cache.key_path().unlink()
    cache.key_path().symlink_to(tmp_path / "elsewhere.key")
    assert not cache.store(KEY, STORY, [], folder=tmp_path / "cache")
    assert not (tmp_path / "elsewhere.key").exists()


def test_links_and_fifos_planted_as_entries_are_refused_without_hanging(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    os.mkfifo(folder / f"{'a' * 40}.pickle")
    (folder / f"{'b' * 40}.pickle").symlink_to("/dev/zero")
    code = (f"from game import cache\nfrom pathlib import Path\nf = Path({str(folder)!r})\n"
            "print(cache.load('a' * 64, folder=f), cache.load('b' * 64, folder=f))\n"
            "print(sorted(p.name[:1] for p in f.iterdir()))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=120)  # only a hang takes this long
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["None None", "[]"]
