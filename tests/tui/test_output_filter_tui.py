"""The TUI's notices and dialogs show what came from a file through the one output filter.

A save whose duplicate key holds an escape sequence is named in the "autosave unreadable"
notice, listed in the load dialog with its problem, and named when loading it fails; a question
in a confirmation dialog and a save name with markup are plain text too (issue 14).
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from game.loader import load_story
from game.tui.screens.confirm import ConfirmScreen
from game.tui.screens.saves import LoadScreen, SlotList, slot_prompt

from tui_helpers import build_app, notices, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
STORY = load_story([MINI])
KEY = "\\u001b]0;pwned\\u0007"


def raw_control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f for c in text)


def evil_save(saves: Path, slot: str) -> None:
    saves.mkdir(parents=True, exist_ok=True)
    (saves / f"{slot}.json").write_text(
        '{"kind": "many-octobers-save", "format": 1, "' + KEY + '": 1, "' + KEY + '": 2}',
        encoding="utf-8")


async def test_the_autosave_unreadable_notice_escapes_the_key(tmp_path):
    saves = tmp_path / "saves"
    evil_save(saves, "autosave")
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = notices(app)
        assert any("\\x1b]0;pwned\\x07" in n for n in shown), shown
        assert not any(raw_control(n) for n in shown)
        app.load_slot("autosave")
        await pilot.pause()
        assert not any(raw_control(n) for n in notices(app))
        assert len(notices(app)) == 2


async def test_the_load_dialog_lists_the_problem_escaped(tmp_path):
    saves = tmp_path / "saves"
    evil_save(saves, "evil")
    app = build_app(STORY, MINI, saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.show("load")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        info = app.screen.query_one(SlotList).infos[0]
        assert not raw_control(str(slot_prompt(info)))
        assert "\\x1b]0;pwned" in str(slot_prompt(info))
        await pilot.press("enter")
        await pilot.pause()
        assert not any(raw_control(n) for n in notices(app))
        assert not raw_control(screen_text(app))


async def test_a_confirmation_shows_its_question_escaped(tmp_path):
    app = build_app(STORY, MINI, tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmScreen("Delete 'x\x1b]0;t\x07[b]y[/b]'?"))
        await pilot.pause()
        shown = str(app.screen.query_one("#confirm-question", Static).render())
        assert not raw_control(shown) and "\\x1b]0;t\\x07[b]y[/b]" in shown


async def test_notices_are_plain_text_whatever_the_caller_says(tmp_path):
    app = build_app(STORY, MINI, tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.notify("Locked: [/x] \x1b[2J", markup=True)  # e.g. a locked reason from content
        await pilot.pause()
        assert notices(app) == ["Locked: [/x] \\x1b[2J"]


async def test_a_save_name_with_markup_is_shown_as_typed(tmp_path):
    """`[/x]` as a save name raised a MarkupError: the error under the field was markup."""
    app = build_app(STORY, MINI, tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter", "s")
        await pilot.pause()
        field = app.screen.query_one("#slot-name", Input)
        field.value = ""
        for key in ["left_square_bracket", "slash", "x", "right_square_bracket", "enter"]:
            await pilot.press(key)
            await pilot.pause()
        error = str(app.screen.query_one("#slot-error", Static).render())
        assert "'[/x]' is not a valid slot name" in error


async def test_the_load_dialog_says_where_saves_live(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = build_app(STORY, MINI, tmp_path / "my saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.show("load")
        await pilot.pause()
        assert "Saves live in ~/my saves" in screen_text(app)
