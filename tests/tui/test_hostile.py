"""The Textual game against hostile input: strangers' saves and packs, tiny terminals, UI bugs.

Complements test_app_core.py (which covers the basic too-small notice, the crash autosave and
markup in content): here every screen is squeezed to 1x1 and back, a stranger's save with
markup in every field it can reach is listed and loaded, Markdown links in content open
nothing, and a crash with an unwritable saves folder never claims a save that is not there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList

from game.engine import Game
from game.loader import load_story
from game.options import PlayOptions
from game.saves import SaveStore
from game.tui.app import OctobersApp
from game.tui.screens.too_small import TooSmallScreen

from tui_helpers import build_app, press, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
STORY = load_story([MINI])
EVIL = "[@click=app.quit]Boom[/]"
SQUEEZE = [(1, 1), (2, 2), (3, 3), (1, 40), (200, 1), (39, 12), (40, 11)]


def build(saves: Path, story=STORY, **options) -> OctobersApp:
    return build_app(story, MINI, saves, **options)


async def squeeze_and_restore(pilot, sizes=SQUEEZE) -> None:
    """Shrink the terminal through the sizes that crash naive layouts, then back to 80x24."""
    app = pilot.app
    for width, height in sizes:
        await pilot.resize_terminal(width, height)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen), (width, height)
    await pilot.resize_terminal(80, 24)
    await pilot.pause()
    assert not isinstance(app.screen, TooSmallScreen)


# ---- every screen survives a 1x1 terminal ------------------------------------------------------
async def open_title(pilot) -> None:
    await pilot.pause()


async def open_scenario(pilot) -> None:
    await pilot.pause()
    await press(pilot, "enter")


async def open_game(pilot) -> None:
    await pilot.pause()
    await press(pilot, "enter", "enter")


async def open_note(pilot) -> None:
    await press(pilot, "enter", "enter", "o")


async def open_help(pilot) -> None:
    await press(pilot, "enter", "enter", "question_mark")


async def open_timeline(pilot) -> None:
    await press(pilot, "enter", "enter", "1", "t")


async def open_confirm(pilot) -> None:
    await press(pilot, "enter", "enter", "1", "t", "up", "enter")


async def open_save(pilot) -> None:
    await press(pilot, "enter", "enter", "1", "s")


async def open_load(pilot) -> None:
    await press(pilot, "enter", "enter", "1", "l")


async def open_ending(pilot) -> None:
    await press(pilot, "enter", "enter", "2", "2")  # the Duma; end it now


@pytest.mark.parametrize("opener, screen_name", [
    (open_title, "TitleScreen"), (open_scenario, "ScenarioScreen"), (open_game, "GameScreen"),
    (open_note, "HistoryNoteScreen"), (open_help, "HelpScreen"),
    (open_timeline, "TimelineScreen"), (open_confirm, "ConfirmScreen"),
    (open_save, "SaveScreen"), (open_load, "LoadScreen"), (open_ending, "EndingScreen"),
])
async def test_every_screen_survives_a_1x1_terminal_and_comes_back(tmp_path, opener,
                                                                    screen_name):
    app = build(tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await opener(pilot)
        assert type(app.screen).__name__ == screen_name
        before = app.game.path[:] if app.game else None
        await squeeze_and_restore(pilot)
        assert type(app.screen).__name__ == screen_name
        assert (app.game.path if app.game else None) == before  # nothing was taken meanwhile
        assert screen_text(app).strip()
        await squeeze_and_restore(pilot, [(1, 1)])  # and a second time
        assert type(app.screen).__name__ == screen_name
        if screen_name == "SaveScreen":
            await press(pilot, "escape")  # the slot name field keeps its q
        await press(pilot, "q")
    assert app.return_code == 0


async def test_keys_pressed_while_too_small_take_no_choice(tmp_path):
    app = build(tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_game(pilot)
        await pilot.resize_terminal(3, 3)
        await pilot.pause()
        await press(pilot, "1", "2", "enter", "t", "s", "o")
        assert app.game.path == []
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert type(app.screen).__name__ == "GameScreen"


# ---- a stranger's save -------------------------------------------------------------------------
def hostile_saves(folder: Path) -> None:
    store = SaveStore(folder)
    game = Game.new(STORY, seed=4)
    game.choose("soviet")
    store.save(game, "evil")
    path = folder / "evil.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["summary"] = {"date": "[b]" + EVIL, "title": EVIL + "[/italic]",
                       "stats": {EVIL: 1, "[/]": 2}}
    data["timeline"][0]["log"] = "Log " + EVIL
    data["timeline"][0]["title"] = "[/bold]" + EVIL
    data["timeline"][0]["label"] = "Label " + EVIL
    data["branches"] = [{"at": 0, "path": [["petrograd", "duma"]], "date": "1917-03",
                         "title": "Branch " + EVIL}]
    path.write_text(json.dumps(data), encoding="utf-8")
    (folder / "broken.json").write_bytes(b'{"kind": "many-octobers-save", "format": 1, '
                                         b'"game": "[@click=app.quit]x[/]"')


async def test_a_strangers_save_full_of_markup_is_shown_literally_and_runs_nothing(tmp_path):
    saves = tmp_path / "saves"
    hostile_saves(saves)
    app = build(saves)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        await press(pilot, *["down"] * ids.index("load"), "enter")
        text = screen_text(app)
        assert "[b]" + EVIL in text and EVIL + "[/italic]" in text
        assert "broken  cannot be loaded" in text
        assert await pilot.click("#slots", offset=(4, 1))  # on the markup itself
        await pilot.pause()
        assert app.return_code is None
        await press(pilot, "enter")  # load whatever is highlighted
        assert app.return_code is None
        # Load the evil save and look at everything it brought: timeline, branches.
        app.install_game(SaveStore(saves).load("evil", STORY)[0])
        await pilot.pause()
        await press(pilot, "t")
        text = screen_text(app)
        assert "Log " + EVIL in text
        assert "Branch " + EVIL in text or "Branch [@click" in text
        for y in range(1, 20):
            await pilot.click(offset=(20, y))
            await pilot.pause()
            assert app.return_code is None
        await press(pilot, "q")
    assert app.return_code == 0


# ---- links in content ------------------------------------------------------------------------
LINK_EVENTS = """\
- id: first
  date: 1917-03
  title: Links
  text: "[click me](x'),app.quit('y) [javascript](javascript:alert(1)) [file](file:///etc/passwd)"
  history: "[note link](https://example.org/\\"),app.quit(\\")"
  choices:
    - {id: go, label: Go}
"""

LINK_GAME = """\
title: Links
variables:
  stability: {label: Stability, start: 50, shown: true}
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: fallback, title: Fallback, text: "[end link](app.quit) The end."}
"""


async def test_links_in_content_open_nothing_and_run_nothing(make_content, tmp_path,
                                                              monkeypatch):
    story = load_story([make_content(LINK_EVENTS, LINK_GAME)])
    opened: list[str] = []
    monkeypatch.setattr(OctobersApp, "open_url", lambda self, url, **kw: opened.append(url))
    app = build(tmp_path / "saves", story=story)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_game(pilot)
        narrative = app.screen.query_one("#narrative")
        text = screen_text(app)
        assert "click me" in text and "javascript" in text
        for x in (1, 4, 14, 22, 30):  # on each link of the first line
            await pilot.click(narrative, offset=(x, 0))
            await pilot.pause()
        assert app.return_code is None and type(app.screen).__name__ == "GameScreen"
        await press(pilot, "o")
        assert "note link" in screen_text(app)
        note = type(app.screen).__name__
        for y in range(1, 6):
            await pilot.click(offset=(4, y))
            await pilot.pause()
        assert app.return_code is None
        if type(app.screen).__name__ == note:
            await press(pilot, "escape")
        await press(pilot, "1")
        assert app.game.over and "end link" in screen_text(app)
        for y in range(2, 8):
            await pilot.click(offset=(3, y))
            await pilot.pause()
        assert app.return_code is None
    assert opened == []


# ---- a crash with nowhere to save ------------------------------------------------------------
def run_headless(monkeypatch, saves, keys):
    import game.tui.app as app_module

    async def auto_pilot(pilot):
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()

    class Headless(OctobersApp):
        def run(self, **kwargs):
            return super().run(headless=True, size=(80, 24), auto_pilot=auto_pilot)

    monkeypatch.setattr(app_module, "make_app", lambda s, o: Headless(s, o))
    from game.tui import run

    return run(STORY, PlayOptions(saves_dir=saves, seed=4))


def test_a_crash_with_an_unwritable_saves_folder_claims_no_save(monkeypatch, tmp_path,
                                                                 capsys):
    from game.tui.screens.game import GameScreen

    def broken(self):
        self.app.game.choose(1)
        raise RuntimeError("a bug in the UI")

    blocked = tmp_path / "saves"
    blocked.write_text("a file, not a folder")
    monkeypatch.setattr(GameScreen, "action_history_note", broken)
    code = run_headless(monkeypatch, blocked, ["enter", "enter", "o"])
    assert code == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err
    assert "your game is saved" not in err
    assert blocked.read_text() == "a file, not a folder"


def test_a_crash_before_any_game_says_so_without_a_save(monkeypatch, tmp_path, capsys):
    from game.tui.screens.title import TitleScreen

    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug on the title screen")

    monkeypatch.setattr(TitleScreen, "on_option_list_option_selected", broken, raising=False)
    code = run_headless(monkeypatch, tmp_path / "saves", ["enter"])
    err = capsys.readouterr().err
    assert code == 1
    assert "unexpected error" in err and "your game is saved" not in err
    assert not (tmp_path / "saves" / "autosave.json").exists()
