"""The codex as a player meets it: `c` from a scene, tabs, search, People, marked names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Markdown, OptionList, Tabs

from game.loader import load_story
from game.tui.app import OctobersApp
from game.tui.screens.codex import CodexScreen, PeopleScreen
from game.tui.screens.game import GameScreen
from game.tui.widgets.narrative import Narrative
from tests.codex.conftest import CODEX
from tests.tui.tui_helpers import build_app, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
SIZES = [(80, 24), (120, 40)]


def codex_content(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    if not folder.exists():
        shutil.copytree(MINI, folder)
        (folder / "events" / "codex.yaml").write_text(CODEX, encoding="utf-8")
    return folder


def build(tmp_path: Path) -> OctobersApp:
    folder = codex_content(tmp_path)
    return build_app(load_story([folder]), folder, tmp_path / "saves")


async def start_game(pilot) -> None:
    for _ in range(2):
        await pilot.pause()
        await pilot.press("enter")
    await pilot.pause()


def listed(app: OctobersApp) -> list[str | None]:
    menu = app.screen.query_one("#codex-list", OptionList)
    return [menu.get_option_at_index(i).id for i in range(menu.option_count)]


async def test_c_opens_the_codex_at_the_scene_s_entries(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        assert isinstance(app.screen, GameScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CodexScreen)
        assert app.screen.query_one(Tabs).active == "scene"
        assert listed(app) == ["tsar", "soviet"]  # in the order the scene names them
        text = screen_text(app)
        assert "2 of 4 met" in text
        assert "Nicholas II" in text and "The last emperor." in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_all_tab_counts_what_is_not_yet_met_and_search_filters(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one(Tabs).active = "all"
        await pilot.pause()
        assert listed(app) == ["tsar", "soviet", None]  # by surname; then the locked count
        assert "2 not yet met" in screen_text(app)
        assert "Kerensky" not in screen_text(app)  # not met: never shown
        await pilot.press("slash")
        assert app.screen.query_one(Input).has_focus
        await pilot.press(*"council")  # the Soviet's summary
        await pilot.pause()
        assert listed(app) == ["soviet"]
        await pilot.press("escape")  # leaves the search box first
        await pilot.pause()
        assert isinstance(app.screen, CodexScreen)


async def test_the_entry_shows_this_timeline_and_ours(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_game(pilot)
        await pilot.press("1")  # back the Soviet: Kerensky's section and Lvov's fate change
        await pilot.pause()
        game = app.game
        game.unlocked.update({"kerensky", "lvov"})
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one(Tabs).active = "all"
        await pilot.pause()
        menu = app.screen.query_one("#codex-list", OptionList)
        menu.highlighted = listed(app).index("lvov")
        await pilot.pause()
        text = screen_text(app)
        assert "In this timeline: in exile in Paris" in text
        assert "In our timeline" in text and "died in Paris, 1925" in text
        menu.highlighted = listed(app).index("kerensky")
        await pilot.pause()
        assert "He lost the Soviet's trust in March." in screen_text(app)


async def test_people_view_sets_fates_side_by_side(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_game(pilot)
        app.game.unlocked.add("lvov")
        await pilot.press("c", "p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["Prince Georgy Lvov", "still in office", "died in Paris, 1925"] in rows
        await pilot.press("enter")  # opens the first person in the codex
        await pilot.pause()
        assert isinstance(app.screen, CodexScreen)


async def test_the_narrative_marks_first_mentions_as_codex_links(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        narrative = app.screen.query_one(Narrative)
        assert narrative.text.startswith("The [Tsar](codex:tsar) is gone.")
        markdown = narrative.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "codex:tsar"))
        await pilot.pause()
        assert isinstance(app.screen, CodexScreen)
        menu = app.screen.query_one("#codex-list", OptionList)
        assert listed(app)[menu.highlighted or 0] == "tsar"


async def test_no_codex_means_no_codex_screen(tmp_path):
    app = build_app(load_story([MINI]), MINI, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_codex(snap_compare, tmp_path, size):
    async def open_codex(pilot):
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        pilot.app.game.unlocked.update({"lvov"})
        await pilot.press("c")
        await pilot.pause()
        pilot.app.screen.query_one(Tabs).active = "all"
        await pilot.pause()

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=open_codex)


@pytest.mark.parametrize(("width", "shown"), [(80, False), (120, True)])
async def test_the_footer_names_c_where_there_is_room(tmp_path, width, shown):
    app = build(tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await start_game(pilot)
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        assert ("c Codex" in footer) is shown
        assert "? Help" in footer
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CodexScreen)  # the key works at every width


async def test_the_ending_screen_says_who_became_what(tmp_path):
    from game.tui.screens.ending import EndingScreen

    app = build(tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        await start_game(pilot)
        app.game.unlocked.add("lvov")
        await pilot.press("1")
        for _ in range(10):
            if isinstance(app.screen, EndingScreen):
                break
            await pilot.press("1")
            await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        text = screen_text(app)
        assert "Who became what" in text
        assert "in exile in Paris" in text and "died in Paris, 1925" in text
