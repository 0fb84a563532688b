"""Continuity of the shipped campaign, 1934-1991: what one era says must agree with the flags
and the sidebar that earlier eras left (docs/campaign.md, "Continuity checklist")."""

from __future__ import annotations

import pytest

from game.engine import Game
from game.loader import load_story

from conftest import REPO

STORY = load_story([REPO / "content"])


def _at(node, scenario="february", flags=(), values=None):
    return Game.new(STORY, scenario=scenario, seed=1, start_at=node, flags=flags,
                    values=values or {})


@pytest.mark.parametrize("flags, expected", [
    ((), None),
    (("warsaw_lost",), "the army he lost on the Vistula"),
    (("warsaw_taken",), "which he took"),
])
def test_campaign_marshal_recalls_only_the_warsaw_that_happened(flags, expected):
    text = _at("tukhachevsky", flags=("purge_limited", *flags)).scene().text
    if expected is None:
        assert "Warsaw" not in text
    else:
        assert expected in text


def test_campaign_stalin_dead_in_1953_is_gone_from_the_sidebar_but_not_from_the_text():
    game = _at("succession_1953", scenario="barbarossa")
    assert game.values["leader"] == "a collective leadership"
    assert game.values["predecessor"] == "Joseph Stalin"
    assert "He takes four days to die" in game.scene().text
    assert game.arrival() is not None


def test_campaign_the_1939_alliance_is_a_war_so_june_1941_is_no_surprise():
    text = _at("barbarossa", scenario="succession", flags=("collective_security",)).scene().text
    assert "quiet war on the Bug ends" in text
    assert "neat rows" not in text
    truce = _at("barbarossa", scenario="succession",
                flags=("collective_security", "bug_truce")).scene().text
    assert "truce on the Bug ends" in truce and "neat rows" in truce


def test_campaign_no_renouncing_claims_that_were_never_made():
    labels = [c.label for c in _at("straits", values={"army": 40}).scene().choices]
    assert not any("Kars" in label for label in labels)
    assert "Guarantee Turkey's eastern border, and ask for free passage in return" in labels


def test_campaign_a_reich_victory_after_the_tide_turned_keeps_the_germans_out_of_baku():
    game = _at("war_outcome_1944", scenario="barbarossa", flags=("tide_turned", "reich_victory"))
    game.choose(1)
    assert game.ending_id == "reich_defeat"
    title, text = game.ending_text()
    assert "oilfields of Baku" not in text and "Volga" not in text.split("\n\n")[0]
    assert "by the end of" in text


def test_campaign_the_state_defence_committee_is_wound_up_after_the_war():
    game = _at("gko_dissolved", scenario="barbarossa",
               values={"leader": "the State Defence Committee"})
    game.choose("cabinet")
    assert game.values["leader"] == "the Council of Ministers"
