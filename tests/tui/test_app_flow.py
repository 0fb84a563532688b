"""The Textual game from the timeline on: rewind and branches, save and load, the ending.

Each test builds the real app from tests/fixtures/mini with seed 4 (with it, "Rise now" fails)
and a temporary saves folder, drives it with the Pilot and asserts structure: which screen,
which game, which files. SVG snapshots of the timeline, save, load and ending screens are at
the end, with the save times and the time zone fixed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Input, OptionList, Static

import game.saves
from game.chronicle import chronicle
from game.engine import Game
from game.loader import load_story
from game.progress import endings_found
from game.saves import SaveStore
from game.tui.app import OctobersApp
from game.tui.screens.confirm import ConfirmScreen
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.saves import LoadScreen, SaveScreen, SlotList, suggest_slot
from game.tui.screens.timeline import TimelineScreen
from game.tui.widgets.chart import Series, StatChart, plot, year_ticks

from tui_helpers import build_app, notices, press, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
FIXED_TIME = 1_700_000_000.0  # 2023-11-14 22:13 UTC


def build(saves: Path, **options) -> OctobersApp:
    """The real app on the mini story, as the CLI builds it, with a fixed seed."""
    return build_app(load_story([MINI]), MINI, saves, **options)


async def new_game(pilot) -> None:
    """Title → New game → the first scenario, by Enter alone."""
    await pilot.pause()
    await press(pilot, "enter", "enter")


async def type_name(pilot, name: str) -> None:
    """Replace the slot name in the save dialog."""
    pilot.app.screen.query_one("#slot-name", Input).value = ""
    await press(pilot, *["space" if c == " " else c for c in name])


async def load_from_title(pilot) -> None:
    """Title → Load, by arrows and Enter."""
    await pilot.pause()
    menu = pilot.app.screen.query_one("#menu", OptionList)
    ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
    await press(pilot, *["down"] * (ids.index("load") - (menu.highlighted or 0)), "enter")


def slot_names(app: OctobersApp) -> list[str]:
    return [info.slot for info in app.screen.query_one(SlotList).infos]


# ---- the whole session ----------------------------------------------------------------------
async def test_a_whole_session_rewinds_saves_loads_ends_and_exports(tmp_path):
    saves = tmp_path / "saves"
    app = build(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1", "1")  # the Soviet; rise (fails); go on
        assert app.game.node_id == "assembly"

        # The timeline: pick the July days and choose otherwise.
        await press(pilot, "t")
        assert isinstance(app.screen, TimelineScreen)
        text = screen_text(app)
        assert "1917" in text and "March — Petrograd: The Soviet takes the lead." in text
        assert "Chosen: Rise now · Stability -10" in text
        assert "Now · January 1918 · The Assembly" in text
        await press(pilot, "up", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Return to July 1917, July days, and choose otherwise?" in screen_text(app)
        await press(pilot, "y")
        assert isinstance(app.screen, GameScreen)
        assert app.game.path == [("petrograd", "soviet")] and app.game.node_id == "july"
        assert [b.path[-1] for b in app.game.branches] == [("august", "on")]
        await press(pilot, "3", "1")  # retreat this time; go on
        assert app.game.path[1] == ("july", "retreat") and app.game.node_id == "assembly"

        # Save to a named slot.
        await press(pilot, "s")
        assert isinstance(app.screen, SaveScreen)
        await type_name(pilot, "my run")
        await press(pilot, "enter")
        assert isinstance(app.screen, GameScreen)
        assert (saves / "my run.json").is_file()
        saved_path = list(app.game.path)

        # Play on, then load the slot: back at the Assembly.
        await press(pilot, "1")  # dissolve
        assert app.game.node_id == "peace"
        await press(pilot, "l")
        assert isinstance(app.screen, LoadScreen)
        names = slot_names(app)
        await press(pilot, *["down"] * names.index("my run"), "enter")
        assert isinstance(app.screen, GameScreen)
        assert app.game.path == saved_path and app.game.node_id == "assembly"
        assert len(app.game.branches) == 1  # the abandoned future came back with the save

        # Reach an ending: submit to the Assembly, sign the peace.
        await press(pilot, "2", "1")
        assert isinstance(app.screen, EndingScreen)
        assert app.game.ending_id == "democratic"
        assert endings_found(saves, app.story) == {"democratic"}
        text = screen_text(app)
        assert "The end  ·  Democracy" in text and "The soviets rule." in text

        # Export the chronicle.
        await press(pilot, "e")
        exported = app.screen.exported
        assert exported == saves / "chronicle-february-democratic.md"
        written = exported.read_text(encoding="utf-8")
        assert written == chronicle(app.game)
        assert "## The ending: Democracy" in written and "## Roads not taken" in written
        assert f"Chronicle written to {exported}" in notices(app)


# ---- timeline -------------------------------------------------------------------------------
async def test_escape_leaves_the_timeline_and_the_game_as_it_was(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1")
        game = app.game
        await press(pilot, "t", "escape")
        assert isinstance(app.screen, GameScreen) and app.game is game
        assert game.node_id == "august"


async def test_saying_no_to_a_rewind_keeps_the_present(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1")
        game = app.game
        await press(pilot, "t", "enter")  # the latest decision is highlighted
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "enter")  # No has the focus
        assert isinstance(app.screen, TimelineScreen)
        await press(pilot, "enter", "n")
        assert isinstance(app.screen, TimelineScreen)
        assert app.game is game and game.branches == []


async def test_returning_to_a_branch_makes_the_present_a_branch(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1", "1")
        first_future = list(app.game.path)
        await press(pilot, "t", "up", "up", "enter", "y")  # back to Petrograd
        assert app.game.path == []
        await press(pilot, "2")  # the Duma this time
        await press(pilot, "t")
        text = screen_text(app)
        # the branch names the choice it took where it parted, and where it left off
        assert "↳ Chose “Back the Soviet” in March 1917 (Petrograd)" in text
        assert "Left off in January 1918 at The Assembly, after 3 decisions" in text
        timeline = app.screen.query_one("#timeline", OptionList)
        timeline.highlighted = timeline.get_option_index("branch-0")
        await press(pilot, "enter", "y")
        assert isinstance(app.screen, GameScreen)
        assert app.game.path == first_future
        assert [b.path for b in app.game.branches] == [[("petrograd", "duma")]]
        assert app.game.branches[0].label == "Back the Duma"


async def test_the_timeline_of_a_new_game_says_nothing_happened_yet(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "t", "enter")
        assert isinstance(app.screen, TimelineScreen)
        text = screen_text(app)
        assert "No decision has been taken yet." in text
        assert "Now · March 1917 · Petrograd" in text


# ---- save -----------------------------------------------------------------------------------
async def test_a_bad_slot_name_is_an_inline_error_and_nothing_is_written(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "s")
        await type_name(pilot, "../x")
        error = app.screen.query_one("#slot-error", Static)
        assert error.display and "'../x' is not a valid slot name" in str(error.render())
        await press(pilot, "enter")
        assert isinstance(app.screen, SaveScreen)
        await type_name(pilot, "autosave")
        await press(pilot, "enter")
        assert "kept for the automatic save" in str(error.render())
        await type_name(pilot, "fine")
        assert not error.display
        assert sorted(p.name for p in tmp_path.glob("*.json")) == ["autosave.json"]


async def test_saving_over_a_slot_asks_first(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "s")
        await type_name(pilot, "slot")
        await press(pilot, "enter")
        assert json.loads((tmp_path / "slot.json").read_text())["path"] == []
        await press(pilot, "2", "s")
        await type_name(pilot, "slot")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, SaveScreen)
        assert json.loads((tmp_path / "slot.json").read_text())["path"] == []
        await press(pilot, "enter", "y")
        assert isinstance(app.screen, GameScreen)
        assert json.loads((tmp_path / "slot.json").read_text())["path"] == \
            [["petrograd", "duma"]]


async def test_the_save_list_leaves_out_the_autosaves_and_fills_the_name(tmp_path):
    SaveStore(tmp_path).save(Game.new(load_story([MINI]), seed=4), "earlier")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "s")
        assert slot_names(app) == ["earlier"]  # not autosave, autosave.1
        await press(pilot, "tab", "enter")
        assert app.screen.query_one("#slot-name", Input).value == "earlier"
        await press(pilot, "enter", "y")
        assert json.loads((tmp_path / "earlier.json").read_text())["path"] == \
            [["petrograd", "soviet"]]


def test_slot_suggestions_are_valid_names():
    assert suggest_slot("March 1918", "The Assembly") == "March 1918 The Assembly"
    assert suggest_slot("May 1920", "Warsaw: 'the red army' at the gates!") == \
        "May 1920 Warsaw the red army at the gates"
    assert suggest_slot("", "«»") == "my game"


# ---- load -----------------------------------------------------------------------------------
async def test_the_load_list_shows_each_save_and_refuses_a_broken_one(tmp_path):
    store = SaveStore(tmp_path)
    story = load_story([MINI])
    game = Game.new(story, seed=4)
    game.choose(2)
    store.save(game, "kerensky")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await load_from_title(pilot)
        assert isinstance(app.screen, LoadScreen)
        text = screen_text(app)
        assert "August 1917 · August" in text
        assert "Stability 45 · Industry 20 · War-readiness 30" in text
        assert "broken  cannot be loaded" in text and "is not a usable save" in text
        names = slot_names(app)
        assert sorted(names) == ["broken", "kerensky"]
        await press(pilot, *["down"] * names.index("broken"), "enter")
        assert isinstance(app.screen, LoadScreen) and app.game is None
        assert any("is not a usable save" in n for n in notices(app))


async def test_deleting_a_save_asks_first(tmp_path):
    store = SaveStore(tmp_path)
    store.save(Game.new(load_story([MINI]), seed=4), "old")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await load_from_title(pilot)
        await press(pilot, "delete")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert store.exists("old")
        await press(pilot, "delete", "y")
        assert not store.exists("old")
        assert isinstance(app.screen, LoadScreen)
        assert app.screen.query_one("#no-saves", Static).display


async def test_loading_a_save_from_older_content_notes_what_changed(tmp_path):
    store = SaveStore(tmp_path)
    store.save(Game.new(load_story([MINI]), seed=4), "old")
    data = json.loads((tmp_path / "old.json").read_text())
    data["state"]["values"]["gold_reserve"] = 5
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await load_from_title(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, GameScreen)
        assert "Note: variables no longer in the game were dropped: gold_reserve." in \
            notices(app)


# ---- ending ---------------------------------------------------------------------------------
async def test_a_loaded_finished_game_opens_the_ending_and_counts_it(tmp_path):
    story = load_story([MINI])
    game = Game.new(story, seed=4)
    for number in (1, 1, 2):  # the Soviet; rise (fails); end it
        game.choose(number)
    SaveStore(tmp_path).save(game, "done")
    app = build(tmp_path, load="done")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert endings_found(tmp_path, story) == {"democratic"}
        assert "Export chronicle" in [c.title for c in app.get_system_commands(app.screen)]
        await press(pilot, "e", "e")
        assert sorted(p.name for p in tmp_path.glob("*.md")) == \
            ["chronicle-february-democratic-2.md", "chronicle-february-democratic.md"]
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "TitleScreen"


async def test_the_ending_can_still_return_to_a_decision(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1", "2")  # end it
        assert isinstance(app.screen, EndingScreen)
        await press(pilot, "t", "enter", "y")  # the latest decision: August
        assert isinstance(app.screen, GameScreen) and app.game.node_id == "august"
        assert app.game.branches[0].title == "Democracy"


async def test_an_export_that_cannot_be_written_is_a_notice(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    story = load_story([MINI])
    game = Game.new(story, seed=4)
    for number in (1, 1, 2):
        game.choose(number)
    app = build(blocker / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.install_game(game, autosave=False)
        await pilot.pause()
        await press(pilot, "e")
        assert isinstance(app.screen, EndingScreen) and app.screen.exported is None
        assert any(n.startswith("Could not write the chronicle") for n in notices(app))


# ---- the chart ------------------------------------------------------------------------------
def test_the_chart_draws_a_line_from_corner_to_corner():
    cells = plot([Series("x", ((0, 0), (9, 100)))], (0, 9), (0, 100), 5, 2)
    assert ["".join(char for char, _ in row) for row in cells] == ["  ⢀⠤⠊", "⡠⠒⠁  "]
    assert [[owner for _, owner in row] for row in cells] == \
        [[None, None, 0, 0, 0], [0, 0, 0, None, None]]


def test_where_two_lines_share_a_cell_the_first_keeps_its_colour():
    flat = ((0, 50), (9, 50))
    cells = plot([Series("a", flat), Series("b", flat)], (0, 9), (0, 100), 5, 2)
    assert {owner for row in cells for _, owner in row} == {None, 0}


def test_year_ticks_fit_the_width():
    assert year_ticks((1917 * 12 + 2, 1991 * 12 + 11), 60) == [
        (0, 1917), (10, 1930), (18, 1940), (26, 1950), (34, 1960), (42, 1970), (50, 1980)]
    assert year_ticks((1917 * 12 + 2, 1918 * 12 + 2), 60) == [(0, 1917), (49, 1918)]
    assert year_ticks((1917 * 12 + 2, 1917 * 12 + 2), 60) == [(0, 1917)]


async def test_the_ending_chart_has_every_shown_variable(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 30)) as pilot:
        await new_game(pilot)
        await press(pilot, "1", "1", "1", "2", "1")
        chart = app.screen.query_one(StatChart)
        assert [(s.label, s.points[0][1], s.points[-1][1]) for s in chart.series] == [
            ("Stability", 40, 28), ("Industry", 20, 20), ("War-readiness", 30, 30)]
        lines = chart.render().plain.splitlines()
        assert [line[:15] for line in lines[:3]] == ["Stability     ┤", "28            │",
                                                     "0–100         │"]
        assert lines[4].startswith("Industry") and lines[8].startswith("War-readiness")
        assert lines[-1].split() == ["1917", "1918"]


# ---- snapshots ------------------------------------------------------------------------------
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def fixed_clock(monkeypatch):
    """Saves stamped at one moment, shown in UTC."""
    clock = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    monkeypatch.setattr(game.saves, "time", SimpleNamespace(**{**clock,
                                                                "time": lambda: FIXED_TIME}))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def snapshot_app(tmp_path: Path) -> OctobersApp:
    return build(tmp_path / "saves")


@pytest.fixture(autouse=True)
def _home_is_tmp(tmp_path, monkeypatch):
    """The load dialog says where saves live: '~/saves' in every run of the snapshots."""
    monkeypatch.setenv("HOME", str(tmp_path))


async def played_and_rewound(pilot) -> None:
    await new_game(pilot)
    await press(pilot, "1", "1", "1", "t", "up", "enter", "y", "3")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_timeline(snap_compare, tmp_path, size):
    async def run(pilot):
        await played_and_rewound(pilot)
        app = pilot.app
        app.clear_notifications()
        await press(pilot, "t")

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_save(snap_compare, tmp_path, size, fixed_clock):
    saves = tmp_path / "saves"
    SaveStore(saves).save(Game.new(load_story([MINI]), seed=4), "the beginning")

    async def run(pilot):
        await new_game(pilot)
        await press(pilot, "2", "s")
        pilot.app.screen.query_one("#slot-name", Input).cursor_blink = False

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_load(snap_compare, tmp_path, size, fixed_clock):
    saves = tmp_path / "saves"
    story = load_story([MINI])
    game_ = Game.new(story, seed=4)
    game_.choose(1)
    SaveStore(saves).save(game_, "the soviet")
    (saves / "broken.json").write_text("{", encoding="utf-8")

    async def run(pilot):
        await load_from_title(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_ending(snap_compare, tmp_path, size):
    async def run(pilot):
        await new_game(pilot)
        await press(pilot, "1", "1", "1", "2", "1")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=run)
