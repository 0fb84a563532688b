"""Crashes from ordinary use (issue 14): the palette and a tiny terminal, loading while too
small, odd input at the plain prompt, ids with a trailing newline. (A save name with markup is
in test_output_filter_tui.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.command import CommandPalette

from game.engine import Game
from game.loader import load_story
from game.plain import PlainSession
from game.saves import SaveStore
from game.tui.screens.too_small import TooSmallScreen

from tui_helpers import build_app

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
STORY = load_story([MINI])


async def test_the_palette_in_a_tiny_terminal_opens_once(tmp_path):
    app = build_app(STORY, MINI, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        await pilot.press("ctrl+p")  # raised DuplicateIds
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) <= 1
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1


async def test_loading_a_finished_game_while_too_small_stays_covered(tmp_path):
    game = Game.new(STORY, seed=4)
    for choice in (1, 1, 1, 2, 1):
        game.choose(choice)
    assert game.over
    SaveStore(tmp_path / "saves").save(game, "done")
    app = build_app(STORY, MINI, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        app.load_slot("done")  # as the palette's Load does
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        for key in ("escape", "pagedown", "pageup", "down"):  # KeyError: 0 on PageDown
            await pilot.press(key)
            await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert type(app.screen).__name__ == "EndingScreen"
        await pilot.press("pagedown")
        await pilot.pause()


@pytest.mark.parametrize("entry", ["²", "9" * 5000, "١", "1\u0662", "+1", " ", "-1", "1.0"])
def test_odd_input_at_the_plain_prompt_asks_again(tmp_path, entry):
    out = io.StringIO()
    session = PlainSession(Game.new(STORY, seed=4), SaveStore(tmp_path),
                           io.StringIO(f"{entry}\nq\n"), out)
    assert session.run() == 0
    assert "Please enter a number from 1 to" in out.getvalue()


@pytest.mark.parametrize("key", ["id", "choice"])
def test_an_id_with_a_trailing_newline_is_refused(problems_of, key):
    """`id: "x\\n"` matched the old `^...$` pattern; it broke Mermaid output and file names."""
    node, choice = ('"first\\n"', "go") if key == "id" else ("first", '"go\\n"')
    events = f"""\
- id: {node}
  date: 1917-03
  title: First
  text: Start.
  history: Real.
  choices:
    - {{id: {choice}, label: Go}}
"""
    problems = problems_of(events)
    assert any("events.yaml:" in p and "id" in p for p in problems), problems
