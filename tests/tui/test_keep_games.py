"""A new game never loses the one in progress (issue 14, data loss).

With an unfinished game in the autosave, the title screen highlights Continue; New game asks
first, and the unfinished game is kept in a dated slot that loads, whatever path starts the new
game (the title, the palette, plain mode). A rewind of the same run is not "another game".
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from textual.widgets import OptionList

from game.engine import Game
from game.loader import load_story
from game.plain import PlainSession
from game.saves import AUTOSAVE, SaveStore
from game.tui.screens.confirm import ConfirmScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.scenario import ScenarioScreen

from tui_helpers import build_app, notices, press

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
STORY = load_story([MINI])


def unfinished_autosave(saves: Path, choices: int = 2) -> Game:
    game = Game.new(STORY, seed=7)
    for _ in range(choices):
        game.choose(1)
    SaveStore(saves).autosave(game)
    return game


def kept_slots(saves: Path) -> list[str]:
    return sorted(p.stem for p in saves.glob("unfinished *.json"))


def menu_id(app) -> str | None:
    menu = app.screen.query_one("#menu", OptionList)
    return menu.get_option_at_index(menu.highlighted).id


async def test_continue_is_the_default_when_there_is_a_game_to_continue(tmp_path):
    saves = tmp_path / "saves"
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert menu_id(app) == "new"  # nothing to continue
    unfinished_autosave(saves)
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert menu_id(app) == "continue"
        await press(pilot, "enter")
        assert isinstance(app.screen, GameScreen)
        assert len(app.game.path) == 2


async def test_new_game_asks_first_and_keeps_the_unfinished_game(tmp_path):
    saves = tmp_path / "saves"
    old = unfinished_autosave(saves)
    before = (saves / "autosave.json").read_bytes()
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "up", "enter")  # New game
        assert isinstance(app.screen, ConfirmScreen)
        assert "unfinished game" in app.screen.question
        await press(pilot, "enter")  # No has the focus: Enter goes back
        assert (saves / "autosave.json").read_bytes() == before
        assert kept_slots(saves) == []
        await press(pilot, "up", "enter", "y")
        assert isinstance(app.screen, ScenarioScreen)
        await press(pilot, "enter")
        assert isinstance(app.screen, GameScreen)
        assert app.game.path == []
        kept = kept_slots(saves)
        assert len(kept) == 1
        assert any(kept[0] in n for n in notices(app))
    game, _ = SaveStore(saves).load(kept[0], STORY)
    assert game.path == old.path and game.origin == old.origin


async def test_the_palette_new_game_asks_too(tmp_path):
    saves = tmp_path / "saves"
    unfinished_autosave(saves)
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")  # Continue
        app.action_new_game()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


def test_plain_play_of_a_new_game_keeps_the_unfinished_one(tmp_path):
    saves = tmp_path / "saves"
    old = unfinished_autosave(saves)
    out = io.StringIO()
    PlainSession(Game.new(STORY, seed=3), SaveStore(saves), io.StringIO("1\n"), out).run()
    kept = kept_slots(saves)
    assert len(kept) == 1 and kept[0] in out.getvalue()
    assert SaveStore(saves).load(kept[0], STORY)[0].path == old.path
    assert json.loads((saves / "autosave.json").read_text())["origin"]["seed"] == 3


def test_a_rewind_or_more_play_of_the_same_run_keeps_nothing(tmp_path):
    saves = tmp_path / "saves"
    store = SaveStore(saves)
    game = unfinished_autosave(saves, choices=3)
    game.choose(1)
    store.autosave(game)
    rewound = game.rewind(1)
    store.autosave(rewound)
    rewound.choose(1)  # the same decision again: still the same run
    store.autosave(rewound)
    back = rewound.restore_branch(0)
    store.autosave(back)
    assert kept_slots(saves) == [] and store.last_kept is None
    # another store (another session) reading the same file agrees
    assert SaveStore(saves).autosave(back.rewind(0)) and kept_slots(saves) == []


def test_a_finished_or_unbegun_autosave_is_not_kept(tmp_path):
    saves = tmp_path / "saves"
    store = SaveStore(saves)
    store.autosave(Game.new(STORY, seed=7))  # not begun
    store.autosave(Game.new(STORY, seed=8))
    assert kept_slots(saves) == []
    assert store.read(AUTOSAVE)["origin"]["seed"] == 8


async def test_a_second_window_on_the_folder_is_told_and_autosaves_apart(tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    first = SaveStore(saves)
    first.claim_session()  # another copy of the game, running
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("already open on this saves folder" in n for n in notices(app))
        await press(pilot, "enter", "enter", "1")
        assert app.autosave_path == saves / "autosave 2.json"
        assert app.autosave_path.is_file() and not (saves / "autosave.json").exists()
    first.release_session()
