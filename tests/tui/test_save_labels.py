"""Saves that can be told apart (issue 16): the slot list's game line, the timeline's branch
labels, and slot names in any alphabet under one rule shared by the store and the dialog."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Input, Static

import game.options
from game.engine import Game
from game.errors import SaveError
from game.loader import load_story
from game.saves import SaveStore, check_slot, slot_problem
from game.tui.app import OctobersApp
from game.tui.screens.saves import LoadScreen, SaveScreen, SlotList, game_line, suggest_slot
from game.tui.screens.timeline import TimelineScreen, branch_choice

from tui_helpers import build_app, press, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
GOLDEN = Path(__file__).parent.parent / "fixtures" / "saves"
STORY = load_story([MINI])
BEGAN = 1_700_000_000.0  # 2023-11-14 22:13 UTC


def build(saves: Path, **options) -> OctobersApp:
    return build_app(STORY, MINI, saves, **options)


def two_games(saves: Path) -> None:
    """Two runs at the same month and event, told apart only by where and when they began."""
    first = Game.new(STORY, "february", seed=4)
    first.began_at = BEGAN
    for number in (2, 1):  # the Duma; then on to January 1918, the Assembly
        first.choose(number)
    second = Game.new(STORY, "late", seed=4)
    second.began_at = BEGAN + 86_400 + 3600
    store = SaveStore(saves)
    store.save(first, "game one")
    store.save(second, "game two")


# ---- the save list ----------------------------------------------------------------------------
def test_each_slot_knows_its_game(tmp_path, utc):
    two_games(tmp_path)
    infos = {info.slot: info for info in SaveStore(tmp_path).slots()}
    one, two = infos["game one"], infos["game two"]
    assert (one.date_label, one.title) == (two.date_label, two.title) == \
        ("January 1918", "The Assembly")
    assert (one.scenario, one.began_at, one.decisions, one.leader) == \
        ("February", BEGAN, 2, "Kerensky")
    assert (two.scenario, two.decisions, two.leader) == ("Late start", 0, "Lenin")
    assert game_line(one) == "February · begun 2023-11-14 22:13 · 2 decisions"
    assert game_line(two) == "Late start · begun 2023-11-15 23:13 · 0 decisions"


def test_an_old_save_still_lists_with_what_can_be_derived(tmp_path):
    shutil.copy(GOLDEN / "format1_with_branch.json", tmp_path / "old.json")
    (info,) = SaveStore(tmp_path).slots()
    assert info.problem is None
    assert (info.scenario, info.began_at, info.decisions, info.leader) == \
        ("february", None, 2, "Prince Lvov")
    assert game_line(info) == "february · start time unknown · 2 decisions"


def test_a_new_game_keeps_when_it_began_through_saves_and_rewinds(tmp_path):
    store = SaveStore(tmp_path)
    game = Game.new(STORY, seed=4)
    before = time.time()
    store.autosave(game)  # saved before its first decision: it begins now
    assert game.began_at is not None and before <= game.began_at <= time.time()
    game.choose(1)
    store.save(game, "kept")
    loaded, _ = store.load("kept", STORY)
    assert loaded.began_at == pytest.approx(game.began_at, abs=0.001)
    assert loaded.rewind(0).began_at == loaded.began_at
    assert loaded.clone().began_at == loaded.began_at


async def test_the_load_dialog_tells_two_games_apart(tmp_path, utc):
    two_games(tmp_path)
    app = build(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await press(pilot, "down", "enter")  # Load (no autosave, so no Continue)
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        text = screen_text(app)
        assert "January 1918 · The Assembly · led by Kerensky" in text
        assert "January 1918 · The Assembly · led by Lenin" in text
        assert "February · begun 2023-11-14 22:13 · 2 decisions" in text
        assert "Late start · begun 2023-11-15 23:13 · 0 decisions" in text


async def test_a_game_started_in_the_app_lists_when_it_began(tmp_path, monkeypatch, utc):
    clock = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    monkeypatch.setattr(game.options, "time", SimpleNamespace(**{**clock,
                                                                 "time": lambda: BEGAN}))
    app = build(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await press(pilot, "enter", "enter", "1", "l")
        lines = [game_line(info) for info in app.screen.query_one(SlotList).infos]
        # the autosave and its backup, from the same game
        assert lines == ["February · begun 2023-11-14 22:13 · 1 decision",
                         "February · begun 2023-11-14 22:13 · 0 decisions"]


# ---- timeline branches ------------------------------------------------------------------------
async def test_a_branch_from_an_old_save_finds_its_choice_in_the_content(tmp_path):
    shutil.copy(GOLDEN / "format1_with_branch.json", tmp_path / "old.json")
    app = build(tmp_path, load="old")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.game.branches[0].label == ""  # format 1 kept no label
        await press(pilot, "t")
        assert isinstance(app.screen, TimelineScreen)
        text = screen_text(app)
        assert "↳ Chose “Rise now” in July 1917 (July days)" in text
        assert "Left off in August 1917 at August, after 2 decisions" in text


def test_a_branch_label_survives_a_save(tmp_path):
    game = Game.new(STORY, seed=4)
    for number in (1, 1):
        game.choose(number)
    rewound = game.rewind(1)
    assert rewound.branches[0].label == "Rise now"
    store = SaveStore(tmp_path)
    store.save(rewound, "branched")
    data = json.loads((tmp_path / "branched.json").read_text(encoding="utf-8"))
    assert data["branches"][0]["label"] == "Rise now"
    loaded, _ = store.load("branched", STORY)
    assert branch_choice(loaded, loaded.branches[0]) == \
        "Chose “Rise now” in July 1917 (July days, the decision now open)"
    loaded.choose(3)
    assert branch_choice(loaded, loaded.branches[0]) == \
        "Chose “Rise now” in July 1917 (July days)"


# ---- slot names -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Октябрь 2", "Ленинград_1941", "Ἀθῆναι", "десять-10",
                                  "Февраль"])
def test_names_in_any_alphabet_are_slots(tmp_path, name):
    assert slot_problem(name) is None and check_slot(name) == name
    store = SaveStore(tmp_path)
    store.save(Game.new(STORY, seed=4), name)
    assert [info.slot for info in store.slots()] == [name]
    assert store.load(name, STORY)[0].node_id == "petrograd"


@pytest.mark.parametrize("name, sentence", [
    ("Октябрь/2", "'Октябрь/2' is not a valid slot name: '/' is not allowed (use letters "
                  "(of any alphabet), digits, spaces, '-' and '_')."),
    ("a\\b", "'a\\\\b' is not a valid slot name: '\\\\' is not allowed (use letters (of any "
             "alphabet), digits, spaces, '-' and '_')."),
    ("..", "'..' is not a valid slot name: '.' is not allowed (use letters (of any "
           "alphabet), digits, spaces, '-' and '_')."),
    ("bell\x07", "'bell\\x07' is not a valid slot name: '\\x07' is not allowed (use letters "
                 "(of any alphabet), digits, spaces, '-' and '_')."),
    ("-dash", "'-dash' is not a valid slot name: it must begin with a letter or a digit."),
    ("trail ", "'trail ' is not a valid slot name: it must not end with a space."),
    ("Ж" * 49, f"'{'Ж' * 49}' is not a valid slot name: it is 49 characters long, and a slot "
               "name has at most 48."),
    ("CON", "'CON' is not a valid slot name: Windows keeps it for a device."),
])
def test_a_bad_name_gets_the_same_sentence_from_the_store_and_the_dialog(name, sentence):
    assert slot_problem(name) == sentence
    with pytest.raises(SaveError) as raised:
        check_slot(name)
    assert str(raised.value) == sentence


async def test_the_save_dialog_takes_a_cyrillic_name_and_refuses_a_bad_one(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await press(pilot, "enter", "enter", "s")
        assert isinstance(app.screen, SaveScreen)
        field = app.screen.query_one("#slot-name", Input)
        field.value = "Октябрь/2"
        await pilot.pause()
        error = app.screen.query_one("#slot-error", Static)
        assert error.display and str(error.render()) == slot_problem("Октябрь/2")
        field.value = "autosave"
        await pilot.pause()
        assert str(error.render()) == slot_problem("autosave", automatic=False)
        field.value = "Октябрь 2"
        await pilot.pause()
        assert not error.display
        await press(pilot, "enter")
        assert not isinstance(app.screen, SaveScreen)
        assert (tmp_path / "Октябрь 2.json").is_file()


def test_a_suggested_name_keeps_cyrillic_letters():
    assert suggest_slot("Октябрь 1917", "Штурм Зимнего!") == "Октябрь 1917 Штурм Зимнего"
    assert suggest_slot("March 1918", "The Assembly: day 1") == "March 1918 The Assembly day 1"
    assert slot_problem(suggest_slot("", "…")) is None
