"""Test any moment in the full-screen game: `--ending` previews an epilogue, a `--start-at`
game says which state it took, and the debug panel shows outcome weights and the draw,
scrolls with [ and ], and keeps notifications off it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast

from game.authoring.startstate import find_start
from game.loader import load_story
from game.tui.screens.ending_preview import EndingPreviewScreen
from game.tui.screens.game import GameScreen
from game.tui.widgets.dev_panel import DevPanel

from tui_helpers import build_app, notices, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
STORY = load_story([MINI])


async def test_ending_preview_shows_the_epilogue_for_the_given_state(tmp_path):
    found = find_start(STORY, "peace")
    app = build_app(STORY, MINI, tmp_path / "saves", ending="democratic", start_at="peace",
                    scenario=found.scenario, start_state=found.state, start_note=found.note,
                    values={"war_dead": 4})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EndingPreviewScreen)
        text = screen_text(app)
        assert "Ending preview" in text and "Democracy" in text and "(democratic)" in text
        assert "The soviets rule. Lenin leads." in text and "4 million died." in text
        assert "Testing from 'peace': the state of random game" in text
        assert 'when "democracy >= 50"' in text
        assert app.game is None  # nothing is played, so nothing is autosaved
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EndingPreviewScreen)
    assert not (tmp_path / "saves").exists() or not any((tmp_path / "saves").glob("*.json"))


async def test_a_start_at_game_says_which_state_it_took(tmp_path):
    found = find_start(STORY, "peace")
    app = build_app(STORY, MINI, tmp_path / "saves", start_at="peace",
                    scenario=found.scenario, start_state=found.state, start_note=found.note,
                    flags=["risen"])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # New game: the scenario is known, so no picker
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.node_id == "peace" and app.game.values["leader"] == "Lenin"
        assert "risen" in app.game.flags
        said = " ".join(notices(app))
        assert "Testing from 'peace': the state of random game" in said
        assert "On top of it: --flag risen." in said


async def test_debug_panel_shows_weights_and_the_draw_scrolls_and_is_never_under_a_notice(
        tmp_path):
    app = build_app(STORY, MINI, tmp_path / "saves", scenario="february", dev=True,
                    start_at="july", flags=["soviet_power"], outcomes=(("july", "rise", 1),))
    async with app.run_test(size=(100, 24), notifications=True) as pilot:  # real toasts
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        panel = app.screen.query_one(DevPanel)
        text = panel.text
        assert "rise draws:" in text
        assert "1. weight 50 (62%) The rising fails." in text
        assert "2. weight 30 (38%) The rising succeeds.  ← forced (--outcome)" in text
        assert "last decision drew no outcome" in text

        assert panel.max_scroll_y > 0 and panel.scroll_y == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert panel.scroll_y > 0
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert panel.scroll_y == 0

        await pilot.press("1")  # Rise now: the forced second outcome
        await pilot.pause()
        text = app.screen.query_one(DevPanel).text
        assert "last draw: july.rise → outcome 2 of 2  (forced by --outcome)" in text

        app.notify("A long notice that must not cover the debug panel on the right half.",
                   timeout=30)
        await pilot.pause()
        panel = app.screen.query_one(DevPanel)
        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert toast.region.right <= panel.region.x, (toast.region, panel.region)
