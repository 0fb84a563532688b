"""Two copies of the game on one saves folder (issue 14): the second copy is told the game is
open elsewhere and autosaves to its own slot, so neither overwrites the other's game."""

from __future__ import annotations

import io
import subprocess
import sys

from game.engine import Game
from game.loader import load_story
from game.plain import PlainSession
from game.saves import SaveStore

from conftest import MINI, REPO

STORY = load_story([MINI])


def test_the_second_store_autosaves_to_its_own_slot(tmp_path):
    first, second = SaveStore(tmp_path), SaveStore(tmp_path)
    assert first.claim_session() is None
    assert second.claim_session() == "autosave 2"
    mine, theirs = Game.new(STORY, seed=1), Game.new(STORY, seed=2)
    for _ in range(3):
        mine.choose(1)
        first.autosave(mine)
        theirs.choose(1)
        second.autosave(theirs)
    assert first.load("autosave", STORY)[0].origin.seed == 1
    assert second.load("autosave 2", STORY)[0].origin.seed == 2
    assert not list(tmp_path.glob("unfinished *.json"))  # no ping-pong of kept games
    first.release_session()
    third = SaveStore(tmp_path)
    assert third.claim_session() is None  # the folder's own autosave is free again
    second.release_session()
    third.release_session()


def test_a_second_plain_game_is_told_and_keeps_its_own_game(tmp_path):
    holder = SaveStore(tmp_path)
    holder.claim_session()  # a first copy, running
    code = ("from game.cli import main\nimport sys\n"
            f"sys.exit(main(['play', '--plain', '--seed', '9', '--saves-dir', {str(tmp_path)!r},"
            f" '--content', {str(MINI)!r}]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, input="1\n1\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "already open on this saves folder" in result.stdout
    assert "--load 'autosave 2'" in result.stdout
    assert SaveStore(tmp_path).load("autosave 2", STORY)[0].origin.seed == 9
    assert not (tmp_path / "autosave.json").exists()
    holder.release_session()


def test_one_copy_alone_uses_the_autosave(tmp_path):
    store = SaveStore(tmp_path)
    assert store.claim_session() is None
    out = io.StringIO()
    PlainSession(Game.new(STORY, seed=1), store, io.StringIO("1\n"), out).run()
    assert (tmp_path / "autosave.json").is_file()
    store.release_session()
