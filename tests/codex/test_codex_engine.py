"""The codex in play: opening by mention and by effect, variants by flag, finding by name."""

from __future__ import annotations

from game import codex
from game.engine import Game
from game.loader import load_story


def test_codex_entries_load_with_their_parts(codex_story):
    folder, _ = codex_story
    story = load_story([folder])
    ids = [e.id for e in story.codex]
    assert ids == ["lvov", "kerensky", "soviet", "tsar"]
    lvov = story.codex[0]
    assert lvov.kind == "person" and lvov.main
    assert lvov.aliases == ("Prince Georgy Lvov", "Lvov", "Prince Lvov")
    assert lvov.fate_ours == "died in Paris, 1925"


def test_an_entry_opens_when_its_name_is_in_a_scene(codex_story):
    folder, _ = codex_story
    game = Game.new(load_story([folder]), seed=1)
    # the first scene names the Tsar and the Soviet (in a choice label), not Lvov or Kerensky
    assert codex.met(game) == {"tsar", "soviet"}
    game.choose("duma")  # the log names Kerensky, but logs are not scenes: he opens only
    assert "kerensky" not in codex.met(game)  # where a scene names him


def test_a_later_scene_opens_more_and_what_was_met_stays_met(codex_story):
    folder, write = codex_story
    write("events/1917.yaml", (folder / "events/1917.yaml").read_text().replace(
        "text: A quiet month.", "text: Kerensky speaks at the Duma. A quiet month."))
    story = load_story([folder])
    game = Game.new(story, seed=1)
    game.choose("duma")
    while not game.over and game.node_id != "august":
        game.choose(1)
    assert game.node_id == "august"
    assert {"tsar", "soviet", "kerensky"} <= codex.met(game)
    rewound = game.rewind(0)
    assert "kerensky" not in codex.met(rewound)


def test_unlock_effect_opens_an_entry_without_a_mention(codex_story):
    folder, write = codex_story
    text = (folder / "events/1917.yaml").read_text().replace(
        "      texts: {leader: Kerensky}\n",
        "      texts: {leader: Kerensky}\n      unlock: [lvov]\n")
    write("events/1917.yaml", text)
    game = Game.new(load_story([folder]), seed=1)
    assert "lvov" not in codex.met(game)
    game.choose("duma")
    assert "lvov" in codex.met(game)
    assert "lvov" in codex.met(game.clone())


def test_sections_and_fate_follow_the_flags(codex_story):
    folder, _ = codex_story
    story = load_story([folder])
    by_id = {e.id: e for e in story.codex}
    game = Game.new(story, seed=1)
    assert codex.view(game, by_id["kerensky"]).sections == ()
    assert codex.fate(game, by_id["lvov"]) == "still in office"
    game.choose("soviet")
    assert codex.view(game, by_id["kerensky"]).sections == (
        "He lost the Soviet's trust in March.",)
    assert codex.fate(game, by_id["lvov"]) == "in exile in Paris"


def test_first_mentions_are_found_once_each_longest_name_first(codex_story):
    folder, _ = codex_story
    index = codex.index(load_story([folder]))
    text = "Prince Lvov met the Soviet. Lvov left; the Soviet stayed. Lvovich is another man."
    marks = index.mentions(text)
    assert [(text[m.start:m.end], m.entry_id) for m in marks] == [
        ("Prince Lvov", "lvov"), ("the Soviet", "soviet")]


def test_find_takes_any_name_or_says_why_not(codex_story):
    folder, _ = codex_story
    story = load_story([folder])
    assert codex.find(story, "kerensky")[0].id == "kerensky"
    assert codex.find(story, "Prince Lvov")[0].id == "lvov"
    entry, why = codex.find(story, "Kerenski")
    assert entry is None and "did you mean" in why and "kerensky" in why
    entry, why = codex.find(story, "Kerensky", among=["lvov"])
    assert entry is None


def test_people_and_who_became_what(codex_story):
    folder, _ = codex_story
    story = load_story([folder])
    game = Game.new(story, seed=1)
    game.choose("soviet")
    people = {e.id: (here, ours) for e, here, ours in codex.people(game)}
    assert people["tsar"] == ("", "")
    assert "lvov" not in people
    assert codex.who_became_what(game) == []  # Lvov, the one main figure, is not met yet
    assert codex.counts(game) == (2, 4)


def finished_game_with_lvov(folder):
    """Back the Soviet, then play the first open choices to an ending, Lvov opened."""
    game = Game.new(load_story([folder]), seed=1)
    game.unlocked.add("lvov")
    game.choose("soviet")
    while not game.over:
        game.choose(1)
    return game


def test_the_chronicle_sets_the_main_figures_fates_side_by_side(codex_story):
    from game.chronicle import chronicle

    folder, _ = codex_story
    game = finished_game_with_lvov(folder)
    text = chronicle(game)
    assert "## Who became what" in text
    assert "| Prince Georgy Lvov | in exile in Paris | died in Paris, 1925 |" in text
    assert "Nicholas II |" not in text  # not a main figure


def test_no_codex_no_table(codex_story):
    from game.chronicle import chronicle
    from tests.codex.conftest import MINI

    game = Game.new(load_story([MINI]), seed=1)
    while not game.over:
        game.choose(1)
    assert "Who became what" not in chronicle(game)
