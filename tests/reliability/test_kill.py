"""A game killed with SIGKILL at any moment leaves an autosave that loads."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from game.errors import SaveError
from game.loader import load_story
from game.saves import AUTOSAVE, SaveStore

from conftest import MINI, REPO

PLAYER = textwrap.dedent("""
    import random, sys
    from game.engine import Game
    from game.loader import load_story
    from game.saves import SaveStore
    story = load_story([sys.argv[1]])
    store = SaveStore(sys.argv[2])
    chance = random.Random(int(sys.argv[3]))
    store.autosave(Game.new(story, seed=0))
    print("ready", flush=True)
    game_number = 0
    while True:  # play and autosave after every choice, as the game does, until killed
        game_number += 1
        game = Game.new(story, seed=game_number)
        while not game.over:
            game.choose(chance.choice([v for v in game.choices() if v.enabled]).id)
            store.autosave(game)
""")

ROUNDS = 15


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_while_autosaving_always_leaves_a_loadable_autosave(tmp_path):
    story = load_story([MINI])
    saves = tmp_path / "saves"
    store = SaveStore(saves)
    moments = random.Random(1917)
    interrupted_writes = 0
    for round_number in range(ROUNDS):
        player = subprocess.Popen([sys.executable, "-c", PLAYER, str(MINI), str(saves),
                                   str(round_number)], cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            assert player.stdout.readline().strip() == "ready", player.stderr.read()
            time.sleep(moments.uniform(0.0, 0.2))
        finally:
            os.kill(player.pid, signal.SIGKILL)
            player.wait(timeout=30)
        assert player.returncode == -signal.SIGKILL
        interrupted_writes += len(list(saves.glob(".tmp-*")))
        # The newest autosave is always there and loads (the rotation links, never moves it);
        # were it ever missing or damaged, its newest backup would have to load instead.
        try:
            game, _ = store.load(AUTOSAVE, story)
        except SaveError as exc:  # pragma: no cover - the failure this test exists to catch
            backup = store.usable_backup(AUTOSAVE)
            pytest.fail(f"round {round_number}: {exc} (usable backup: {backup})")
        assert game.over or game.scene().choices
        for backup in store.backups(AUTOSAVE):
            store.load(backup, story)
        # A new game started over the unfinished one a kill left keeps that one in a dated
        # slot (issue 14); every such slot loads too.
        kept = {p.name for p in saves.glob("unfinished *.json")}
        for name in kept:
            store.load(name[:-len(".json")], story)
        # What a kill leaves behind is only temporary files, which start-up cleans.
        leftovers = {p.name for p in saves.iterdir()} - kept - {
            f"{AUTOSAVE}.json", *(f"{b}.json" for b in store.backups(AUTOSAVE)),
            ".octobers.lock"}
        assert all(name.startswith(".tmp-") for name in leftovers), leftovers
        store.clean_temp_files(older_than=-1)
        assert not list(saves.glob(".tmp-*"))
    # A kill in the middle of a rotation may leave a gap among the backups until the next
    # autosave; the ones there all loaded above.
    assert store.backups(AUTOSAVE)
    print(f"{ROUNDS} kills, {interrupted_writes} in the middle of a write")
