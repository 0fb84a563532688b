"""Soak: thousands of random games of the shipped campaign, every one reaching an ending.

These run against content/ itself. While the campaign fails `octobers check` they are skipped,
with the first problem as the reason; once it is clean they run in CI like any other test.
"""

from __future__ import annotations

import random
import re

import pytest

from game.engine import Game
from game.loader import load_with_problems
from game.saves import SaveStore, encode

from conftest import REPO

CONTENT = REPO / "content"
GAMES = 2000
SEED = 1917
SAVED_AT = re.compile(rb'"saved_at":[-0-9.e+]+,')


def _campaign(folder=CONTENT):
    story, problems = load_with_problems([folder])
    errors = [p for p in problems if p.severity == "error"]
    if story is None or errors:
        first = errors[0].format(with_source=False) if errors else "no story"
        return None, (f"`octobers check` fails on content/ ({len(errors)} errors, first: "
                      f"{first}); the soak runs once the campaign is clean")
    return story, ""


STORY, WHY = _campaign()
needs_campaign = pytest.mark.skipif(STORY is None, reason=WHY)


@needs_campaign
def test_two_thousand_random_games_of_the_campaign_all_reach_an_ending():
    from game.authoring.simulate import simulate

    report = simulate(STORY, GAMES, seed=SEED, scenario="all", policy="random", jobs=2,
                      content_dirs=[CONTENT])
    assert report.errors == [], "\n".join(report.errors[:20])
    assert sum(report.endings.values()) == GAMES
    endings = {e.id for e in STORY.endings}
    assert set(report.endings) <= endings, report.endings
    assert len(report.decisions) == GAMES and min(report.decisions) >= 1


@needs_campaign
def test_campaign_games_saved_at_random_moments_load_and_play_on_identically(tmp_path):
    store = SaveStore(tmp_path)
    chance = random.Random(SEED)
    for index in range(40):
        scenario = STORY.scenarios[index % len(STORY.scenarios)].id
        game = Game.new(STORY, scenario, seed=chance.randrange(2**32))
        stop = chance.randrange(1, 40)
        while not game.over and game.turn < stop:
            game.choose(chance.choice([v for v in game.choices() if v.enabled]).id)
        store.save(game, "soak")
        loaded, notes = store.load("soak", STORY)
        assert notes == []
        assert SAVED_AT.sub(b"", encode(loaded, "soak")) == SAVED_AT.sub(b"", encode(game, "soak"))
        while not game.over:
            pick = chance.choice([v for v in game.choices() if v.enabled]).id
            assert loaded.choose(pick).entry == game.choose(pick).entry
        assert loaded.ending_id == game.ending_id and loaded.values == game.values
        assert loaded.ending_text() == game.ending_text()
