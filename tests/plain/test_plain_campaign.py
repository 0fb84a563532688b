"""The shipped campaign through plain mode: no Markdown reaches the player, and no line is
wider than the terminal (50 seeded games, each choice picked at random, with the history
note at every event and the timeline and the State of the Union now and then)."""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine import Game
from game.loader import load_story
from game.plain import PlainSession
from game.saves import SaveStore

from conftest import REPO

GAMES = 50
WIDTH = 64
MARKUP = {
    "*emphasis*": re.compile(r"\*[^\s*]|[^\s*]\*"),  # not "2 * army" in the stats guide
    "_emphasis_": re.compile(r"(?<![\w])_[^_\s]|[^_\s]_(?![\w])"),
    "a # heading": re.compile(r"#"),
    "a [link](...)": re.compile(r"\]\("),
    "`code`": re.compile(r"`"),
}


class NoAutosave(SaveStore):
    """Saving is tested elsewhere; here it would only make 3,000 fsyncs."""

    def autosave(self, game: Game) -> Path:
        return self.path(self.autosave_slot)


class RandomPlayer:
    """A stdin that plays: `o` at every event, `t` or `u` now and then, then a random open
    choice; after the ending the timeline, then Enter."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.session: PlainSession | None = None
        self.pending: list[str] = []
        self.ended = False

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        assert self.session is not None
        game = self.session.game
        if self.pending:
            return self.pending.pop(0)
        if game.over:
            if self.ended:
                return "\n"
            self.ended = True
            return "t\n"
        views = [v.number for v in game.scene().choices if v.enabled]
        self.pending = [f"{self.random.choice(views)}\n"]
        extra = self.random.random()
        if extra < 0.05:
            self.pending.insert(0, "u\n")
        elif extra < 0.10:
            self.pending.insert(0, "t\n")
        return "o\n"


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory) -> list[str]:
    story = load_story()
    out = []
    for seed in range(GAMES):
        player, text = RandomPlayer(seed), io.StringIO()
        store = NoAutosave(tmp_path_factory.mktemp(f"saves{seed}"))
        session = PlainSession(Game.new(story, seed=seed), store, player, text, width=WIDTH)
        player.session = session
        assert session.run() == 0
        assert session.game.over
        out.append(text.getvalue())
    return out


def test_the_campaign_writes_markdown_that_plain_mode_must_render():
    story = load_story()
    sources = [p.template.source for n in story.nodes.values() for p in n.text] + \
        [n.history for n in story.nodes.values()]
    assert sum("*" in text for text in sources) > 20  # else the next test proves nothing


def test_no_markup_reaches_plain_output(transcripts):
    for seed, text in enumerate(transcripts):
        for name, pattern in MARKUP.items():
            match = pattern.search(text)
            assert match is None, (f"seed {seed}: {name} in plain output: "
                                   f"{text[max(0, match.start() - 60):match.end() + 60]!r}")
    everything = "\n".join(transcripts)
    assert "Pravda" in everything  # the emphasised words themselves are kept
    assert "In our timeline" in everything and "How you got here" in everything


def over_width(text: str, width: int) -> list[str]:
    """Lines wider than `width`, except one unbreakable word (a path) alone on its line."""
    return [line for line in text.splitlines()
            if len(line) > width and len(line.split()) > 1]


def test_no_line_exceeds_the_width(transcripts):
    for seed, text in enumerate(transcripts):
        assert over_width(text, WIDTH) == [], f"seed {seed}"
        assert any(len(line) > WIDTH - 8 for line in text.splitlines())  # it does fill lines


def test_no_line_exceeds_columns_in_a_real_run(tmp_path):
    keys = "o\nu\n?\n2\nt\nd\n1\nq\n"
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--seed", "7",
         "--saves-dir", str(tmp_path)],
        input=keys, capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "COLUMNS": "50"})
    assert result.returncode == 0, result.stderr
    assert over_width(result.stdout, 50) == []
    assert "STATE OF THE UNION" in result.stdout and "DEBUG" in result.stdout
