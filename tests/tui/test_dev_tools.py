"""The authoring tools inside the Textual game: the debug panel (--dev, F12), live reload
(--watch) and test-from-here (--start-at, --set, --flag) on a new game.

Each test builds the real app from a copy of tests/fixtures/mini in tmp_path (the watch tests
edit it), with a fixed seed. The watch tests call `app.reloader.check()` themselves: the
timer's interval is set to an hour so that it never fires during a test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import game.tui.reloader
from game.errors import ContentRuntimeError
from game.loader import load_story
from game.tui.app import OctobersApp
from game.tui.screens.content_errors import ContentErrorsScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.dev_panel import DevPanel

from tui_helpers import build_app, notices, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    """A copy of the mini story that a test may edit; no compiled-content cache."""
    monkeypatch.setenv("OCTOBERS_CACHE", "0")
    monkeypatch.setattr(game.tui.reloader, "POLL_SECONDS", 3600.0)
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def build(content: Path, saves: Path, **options) -> OctobersApp:
    """The real app on the copied content, as the CLI builds it, with a fixed seed."""
    return build_app(load_story([content]), content, saves, **options)


def edit(path: Path, old: str, new: str) -> None:
    """Change a content file as an editor saves it (with a later modification time)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # a change even on coarse clocks


async def new_game(pilot) -> None:
    """Title → New game (the options name the scenario, so no picker)."""
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def header(app: OctobersApp) -> str:
    return str(app.screen.query_one("#scene-header").render())


# ---- the debug panel ----------------------------------------------------------------------
async def test_f12_shows_variables_flags_and_why_a_choice_is_locked(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", dev=True, start_at="july",
                values={"democracy": 42}, flags=["soviet_power"])
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot)
        assert isinstance(app.screen, GameScreen)
        assert not app.screen.query(DevPanel)
        await pilot.press("f12")
        await pilot.pause()
        panel = app.screen.query_one(DevPanel)
        text = panel.text
        assert "democracy" in text and "42  hidden" in text  # hidden variables too
        assert "war_dead       0  hidden" in text and "leader         'Prince Lvov'" in text
        assert "soviet_power" in text
        assert "came up by test start: --start-at july" in text
        assert "[locked] wait: Wait" in text
        assert 'when "democracy > 100" → false (democracy = 42)' in text
        assert "locked: The Soviet will not wait." in text
        assert "[hidden] hidden: Hidden choice" in text
        assert "[open] retreat: Retreat" in text
        assert not app.screen.query_one("#sidebar").display  # the panel takes its place
        assert "Debug (F12 hides, [ and ] scroll)" in screen_text(app)
        assert "The Soviet will not wait." in screen_text(app)

        await pilot.press("f12")
        await pilot.pause()
        assert not app.screen.query(DevPanel)
        assert app.screen.query_one("#sidebar").display


async def test_dev_panel_refreshes_after_every_choice_and_stays_open(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", dev=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot)
        await pilot.press("f12")
        await pilot.pause()
        text = app.screen.query_one(DevPanel).text
        assert "petrograd · Petrograd · March 1917" in text
        assert "democracy      30  hidden" in text and "none set" in text
        await pilot.press("1")  # Back the Soviet: democracy +10, sets soviet_power
        await pilot.pause()
        text = app.screen.query_one(DevPanel).text
        assert "july · July days" in text
        assert "democracy      40  hidden" in text and "soviet_power" in text
        assert "goto from" not in text and "came up by the calendar" in text
        assert 'when "flags.soviet_power" → true (flags.soviet_power = true)' in text

        app.install_game(app.game, autosave=False)  # a fresh game screen (rewind, load...)
        await pilot.pause()
        assert "july · July days" in app.screen.query_one(DevPanel).text


async def test_f12_without_dev_only_says_how_to_get_the_panel(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february")
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert not app.screen.query(DevPanel)
        assert any("--dev" in n for n in notices(app))


# ---- test from here -----------------------------------------------------------------------
async def test_new_game_honours_start_at_set_and_flag(content, tmp_path):
    app = build(content, tmp_path / "saves", start_at="august",
                values={"stability": 7, "leader": "Trotsky"}, flags=["risen"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # New game
        await pilot.pause()
        await pilot.press("enter")  # the first scenario in the picker
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        game = app.game
        assert game.node_id == "august" and game.origin.scenario == "february"
        assert game.values["stability"] == 7 and game.values["leader"] == "Trotsky"
        assert "risen" in game.flags
        assert "August" in header(app)
        assert "Trotsky" in screen_text(app)  # the sidebar's text variable


# ---- live reload --------------------------------------------------------------------------
async def test_watch_reloads_a_saved_file_and_keeps_the_decision(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await pilot.press("1")  # Back the Soviet → July days
        await pilot.pause()
        assert app.reloader is not None and app.reloader.check() is False  # nothing changed
        edit(content / "events" / "1917.yaml", "title: July days", "title: The July crisis")
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert "The July crisis" in header(app)
        assert app.game.node_id == "july" and app.game.path == [("petrograd", "soviet")]
        assert app.story.nodes["july"].title.source == "The July crisis"
        assert "Content reloaded." in notices(app)
        await pilot.press("3")  # Retreat, on the new content
        await pilot.pause()
        assert app.game.path[-1] == ("july", "retreat")


async def test_broken_edit_shows_the_error_in_the_ui_then_a_fix_recovers(content, tmp_path):
    events = content / "events" / "1917.yaml"
    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        old_game = app.game
        edit(events, "title: July days", "titel: July days")
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, ContentErrorsScreen)
        assert f"{events}:22:3: node 'july': unknown key 'titel'" in app.screen.text
        await pilot.wait_for_scheduled_animations()
        shown = screen_text(app)
        assert "unknown key 'titel'" in shown and "22 |   titel: July days" in shown
        assert app.game is old_game  # the old content plays on

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and "July days" in header(app)

        edit(events, "titel: July days", "title: July days")
        edit(events, 'when: "flags.soviet_power"\n', 'when: "flags.soviet_power and"\n')
        assert app.reloader.check() is True  # still broken, differently: the dialog again
        await pilot.pause()
        assert isinstance(app.screen, ContentErrorsScreen)
        assert f"{events}:20:9: node 'july': when: syntax error" in app.screen.text
        assert "titel" not in app.screen.text

        edit(events, 'when: "flags.soviet_power and"\n', 'when: "flags.soviet_power"\n')
        edit(events, "title: July days", "title: The July crisis")  # fixed: the dialog closes
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert "The July crisis" in header(app)
        assert app.game.path == old_game.path
        await pilot.press("3")
        await pilot.pause()
        assert app.game.path[-1] == ("july", "retreat")


async def test_reload_notes_what_vanished_and_keeps_the_values(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await pilot.press("1")  # Back the Soviet
        await pilot.pause()
        await pilot.press("3")  # Retreat → August
        await pilot.pause()
        assert app.game.node_id == "august"
        values = dict(app.game.values)
        edit(content / "events" / "1917.yaml", "- id: july", "- id: july_days")
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.node_id == "august" and app.game.values == values
        said = notices(app)
        assert "Content reloaded." in said
        assert any("no longer replay" in n for n in said)


async def test_reload_waits_until_the_player_is_back_in_the_game(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await pilot.press("o")  # the "In our timeline" note holds the old event
        await pilot.pause()
        note_screen = app.screen
        edit(content / "events" / "1917.yaml", "title: Petrograd", "title: Red Petrograd")
        assert app.reloader.check() is False
        await pilot.pause()
        assert app.screen is note_screen
        assert any("reloads when you are back" in n for n in notices(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.reloader.check() is True
        await pilot.pause()
        assert "Red Petrograd" in header(app)


async def test_reload_on_the_title_screen_updates_the_story(content, tmp_path):
    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        edit(content / "events" / "1917.yaml", "title: Petrograd", "title: Red Petrograd")
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "Red Petrograd" in header(app)


async def test_a_game_that_cannot_go_over_is_shown_not_a_crash(content, tmp_path, monkeypatch):
    def failing(game, dirs):
        raise ContentRuntimeError("events/1917.yaml:20:9: node 'july': when: no such name")

    app = build(content, tmp_path / "saves", scenario="february", watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        old_game = app.game
        monkeypatch.setattr(game.tui.reloader, "reload", failing)
        edit(content / "events" / "1917.yaml", "title: Petrograd", "title: Red Petrograd")
        assert app.reloader.check() is True
        await pilot.pause()
        assert isinstance(app.screen, ContentErrorsScreen)
        assert "reload: events/1917.yaml:20:9: node 'july': when: no such name" in app.screen.text
        assert app.game is old_game

