"""Pacing of the shipped campaign: no long silences, no endless runs of battles.

Issue 12 ("the missing years"): no game from a 1917 scenario may go more than five years
without a decision, and no game may play more than six decisions of the great war in a row
without a home-front or diplomatic event between them. These play seeded random games of
content/ itself and are skipped, like the soak, while the campaign fails `octobers check`.
"""

from __future__ import annotations

import random

from test_soak import CONTENT, STORY, needs_campaign

from game.engine import Game

GAMES_PER_SCENARIO = 300
FIVE_YEARS = 60  # months
WAR_FOLDER = "1941_war"
# Events in the war folder that are not battles: they are what breaks a run of them.
NOT_BATTLES = {"tankograd_1942", "tehran_1943", "the_rear"}  # the_rear: the Ivanovo strikes


def _played(scenario: str, index: int) -> list[tuple[int, str]]:
    """The (date, node) of every decision of one seeded random game."""
    game = Game.new(STORY, scenario, seed=10_000 + index)
    chance = random.Random(index)
    seen: list[tuple[int, str]] = []
    while not game.over:
        seen.append((game.date, game.node_id or ""))
        game.step(chance.choice(game.open_choice_ids()))
    return seen


@needs_campaign
def test_no_game_from_1917_goes_five_years_without_a_decision():
    worst: list[str] = []
    for scenario in ("february", "tiflis", "sealed_train"):
        for index in range(GAMES_PER_SCENARIO):
            played = _played(scenario, index)
            for (before, node), (after, next_node) in zip(played, played[1:], strict=False):
                if after - before > FIVE_YEARS:
                    worst.append(f"{scenario} #{index}: {node} ({before // 12}) -> "
                                 f"{next_node} ({after // 12}), {after - before} months")
    assert not worst, "\n".join(worst[:10])


@needs_campaign
def test_no_game_plays_more_than_six_battles_in_a_row():
    battles = {node.id for node in STORY.nodes.values()
               if WAR_FOLDER in str(node.where) and node.id not in NOT_BATTLES}
    assert battles, f"no war events found under {CONTENT / WAR_FOLDER}"
    too_long: list[str] = []
    for scenario in [s.id for s in STORY.scenarios]:
        for index in range(GAMES_PER_SCENARIO // 2):
            run: list[str] = []
            for _, node in _played(scenario, index):
                run = run + [node] if node in battles else []
                if len(run) > 6:
                    too_long.append(f"{scenario} #{index}: {' '.join(run)}")
                    break
    assert not too_long, "\n".join(too_long[:10])
