"""The gallery of endings in the TUI: from the title and the palette, rows, the epilogue.

Built on tests/fixtures/mini with seed 4; the endings file is written by the game itself (or by
hand for old and damaged files). SVG snapshots at 80x24 and 120x40 at the end, with the time
of each ending and the time zone fixed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList

from game import progress
from game.engine import Game
from game.loader import load_story
from game.progress import progress_path, record_ending
from game.tui.app import OctobersApp
from game.tui.screens.ending import EndingScreen
from game.tui.screens.gallery import EpilogueScreen, GalleryScreen

from tui_helpers import build_app, notices, press, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
FIXED_TIME = 1_700_000_000  # 2023-11-14 22:13 UTC


def build(saves: Path, **options) -> OctobersApp:
    return build_app(load_story([MINI]), MINI, saves, **options)


async def open_from_title(pilot) -> None:
    await pilot.pause()
    menu = pilot.app.screen.query_one("#menu", OptionList)
    ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
    await press(pilot, *["down"] * (ids.index("endings") - (menu.highlighted or 0)), "enter")


def democratic(story) -> Game:
    game = Game.new(story, seed=4)
    for number in (1, 1, 2):  # the Soviet; rise (fails); end it
        game.choose(number)
    return game


def found_file(saves: Path, monkeypatch) -> None:
    """The endings file after 'Democracy' was reached (at FIXED_TIME) and 'Grey' was
    found by a game from before the records (format 1)."""
    story = load_story([MINI])
    progress_path(saves).parent.mkdir(parents=True, exist_ok=True)
    progress_path(saves).write_text(json.dumps({
        "kind": "many-octobers-progress", "format": 1, "endings": {story.title: ["grey"]}}),
        encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(progress.time, "time", lambda: FIXED_TIME)
        record_ending(saves, story, "democratic", democratic(story))


async def test_the_title_opens_the_gallery_and_a_found_ending_reopens(tmp_path, utc,
                                                                        monkeypatch):
    found_file(tmp_path, monkeypatch)
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_title(pilot)
        assert isinstance(app.screen, GalleryScreen)
        text = screen_text(app)
        assert "Endings · Mini Octobers: 2 of 3 found" in text
        assert "Not found yet" in text and "Let the state run out of patience." in text
        assert "Democracy" in text
        assert "first reached 2023-11-14 22:13 · from February · 3 decisions" in text
        assert "Grey" in text and "found before the game kept when" in text
        assert "Collapse" not in text  # a title not found is not given away
        await press(pilot, "down", "enter")  # Democracy
        assert isinstance(app.screen, EpilogueScreen)
        text = screen_text(app)
        assert "The end  ·  Democracy" in text and "The soviets rule." in text
        assert "How you got here" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, GalleryScreen)
        await press(pilot, "down", "enter")  # Grey: found before epilogues were kept
        assert isinstance(app.screen, GalleryScreen)
        assert any("reach it again to keep it" in n for n in notices(app))
        await press(pilot, "up", "up", "enter")  # Collapse: not found
        assert isinstance(app.screen, GalleryScreen)
        assert any(n.startswith("Not found yet.") for n in notices(app))
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "TitleScreen"


async def test_the_palette_opens_the_gallery_in_a_game(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "enter", "enter")  # a new game
        assert app.screen.__class__.__name__ == "GameScreen"
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Endings"].callback()
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        assert "0 of 3 found" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "GameScreen"


async def test_an_ending_reached_in_play_is_in_the_gallery(tmp_path, utc):
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await press(pilot, "enter", "enter", "1", "1", "2")
        assert isinstance(app.screen, EndingScreen)
        await press(pilot, "escape")
        await open_from_title(pilot)
        row = app.screen.gallery.rows[1]
        assert row.found and row.decisions == "3 decisions" and row.scenario == "February"
        assert row.record is not None and row.record.title == "Democracy"
        assert "1 of 3 found" in screen_text(app)


async def test_a_damaged_endings_file_is_one_sentence_in_the_gallery(tmp_path):
    progress_path(tmp_path).write_text("{\x1b[31m", encoding="utf-8")
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_title(pilot)
        text = screen_text(app)
        assert "cannot be used (it is truncated or damaged); the next ending you reach" in \
            " ".join(text.split())
        assert "0 of 3 found" in text


# ---- snapshots ----------------------------------------------------------------------------
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _home_is_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_gallery(snap_compare, tmp_path, size, utc, monkeypatch):
    found_file(tmp_path, monkeypatch)
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=open_from_title)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_epilogue_reopened(snap_compare, tmp_path, size, utc, monkeypatch):
    found_file(tmp_path, monkeypatch)

    async def run(pilot):
        await open_from_title(pilot)
        await press(pilot, "down", "enter")

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run)
