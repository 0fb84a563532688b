"""The game screen's layout: the stat strip below 100 columns, the consequence strip, and room
for every choice of the shipped campaign at 80x24.

Each test builds the real app with a fixed seed and a temporary saves folder and measures the
widgets Textual laid out (their regions and scroll ranges), or reads the terminal's text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.engine import Change, ChoiceView, Entry, Game, TurnResult
from game.loader import load_story
from game.model import Story
from game.tui.app import OctobersApp
from game.tui.screens.game import GameScreen
from game.tui.widgets.choice_list import ChoiceList
from game.tui.widgets.narrative import Narrative
from game.tui.widgets.stat_strip import StatStrip, fit_strip, short_label, strip_candidates

from tui_helpers import build_app, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
CONTENT = Path(__file__).parent.parent.parent / "content"


def build(story: Story, saves: Path, content: Path = MINI, **options) -> OctobersApp:
    return build_app(story, content, saves, **options)


async def settle(pilot) -> None:
    """Let a fresh screen finish its layout (a new game screen takes its narrow or wide
    form on its first resize, and the choices wrap again then)."""
    for _ in range(3):
        await pilot.pause(0.02)


async def start(pilot, app: OctobersApp, **setup) -> None:
    await pilot.pause()
    app.install_game(Game.new(app.story, seed=4, **setup), autosave=False)
    await pilot.pause()


# ---- the stat strip -----------------------------------------------------------------------
@pytest.mark.parametrize("width", [80, 99])
async def test_below_100_columns_the_sidebar_folds_into_one_line(mini_story, tmp_path, width):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GameScreen)
        assert not screen.query_one("#sidebar").display
        strip = screen.query_one(StatStrip)
        assert strip.display and strip.region.height == 1
        lines = screen_text(app).splitlines()
        assert lines[1].strip() == ("Stability 35 ▼5  ·  Industry 20  ·  War-readiness 30  ·  "
                                    "Leading: Prince Lvov")


async def test_at_100_columns_the_sidebar_is_back(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, app)
        assert app.screen.query_one("#sidebar").display
        assert not app.screen.query_one(StatStrip).display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.query_one("#sidebar").display
        assert app.screen.query_one(StatStrip).display


async def test_at_80_columns_the_narrative_is_76_wide(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        narrative = app.screen.query_one(Narrative)
        assert narrative.scrollable_content_region.width >= 76


STRIP_GAME = """\
title: Strip
variables:
  stability: {label: Stability, start: 50, shown: true}
  industry: {label: Industry, start: 20, shown: true}
  war_readiness: {label: War-readiness, start: 30, shown: true}
texts:
  leader: {label: Leading, start: Konstantin Ustinovich Chernenko, shown: true}
  union_name: {label: The state, start: the Union of Soviet Socialist Republics,
               shown: true}
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: fallback, title: Fallback, text: The end.}
"""


def test_the_strip_gives_up_text_labels_then_long_labels_then_cuts(make_content):
    story = load_story([make_content(game=STRIP_GAME)])
    forms = strip_candidates(Game.new(story, seed=1))
    full = ("Stability 50  ·  Industry 20  ·  War-readiness 30  ·  Leading: Konstantin "
            "Ustinovich Chernenko  ·  The state: the Union of Soviet Socialist Republics")
    assert fit_strip(forms, 200).plain == full
    assert fit_strip(forms, 140).plain == ("Stability 50 · Industry 20 · War-readiness 30 · "
                                           "Konstantin Ustinovich Chernenko · the Union of "
                                           "Soviet Socialist Republics")
    assert fit_strip(forms, 88).plain == ("Stability 50 · Industry 20 · War-readiness 30 · "
                                          "Leading: Konstantin Ustinovich Chernenko")
    assert fit_strip(forms, 79).plain == ("Stability 50 · Industry 20 · War-readiness 30 · "
                                          "Konstantin Ustinovich Chernenko")
    assert fit_strip(forms, 78).plain == "Stabil. 50 · Indust. 20 · War 30 · Konstantin " \
                                         "Ustinovich Chernenko"
    assert fit_strip(forms, 30).plain == "Stabil. 50 · Indust. 20 · War…"
    assert all(fit_strip(forms, w).cell_length <= w for w in range(1, 200))
    assert short_label("War-readiness") == "War" and short_label("Terror") == "Terror"


# ---- the consequence strip ----------------------------------------------------------------
async def test_the_consequence_strip_shows_the_whole_log_and_every_change(tmp_path):
    story = load_story([CONTENT])
    for size in ((120, 40), (80, 24)):
        app = build(story, tmp_path, CONTENT, scenario="february")
        async with app.run_test(size=size) as pilot:
            await start(pilot, app, scenario="february")
            for key in ("3", "1", "2"):
                await pilot.press(key)
                await pilot.pause()
            result = app.last_result
            assert result is not None and len(result.entry.log) > 160  # 3 lines at 80 columns
            strip = app.screen.query_one("#last-turn", VerticalScroll)
            text = app.screen.query_one("#last-turn-text", Static)
            rendered = text.render()
            shown = " ".join(getattr(rendered, "plain", str(rendered)).split())
            # every word of the log line, and every shown change, is in the strip...
            log = " ".join(result.entry.log.split())
            assert shown.startswith(f"→ {log}")
            for change in result.entry.changes:
                if change.shown and change.delta:
                    assert change.label in shown
            # ...and the strip shows all of its lines
            assert log.split()[-1] in screen_text(app)
            assert strip.max_scroll_y == 0  # all of it shows, nothing to scroll to
            assert text.region.height == text.virtual_size.height


def long_result(game: Game, words: int) -> TurnResult:
    changes = tuple(Change(v.id, v.label, 10, 20 + i, True)
                    for i, v in enumerate(game.story.shown_variables))
    log = " ".join(f"word{i}" for i in range(words)) + " the last word."
    return TurnResult(Entry(1, game.date, "x", "X", "x", "X", log, None, changes), False)


async def test_a_very_long_consequence_scrolls_and_is_never_cut(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        screen = app.screen
        assert isinstance(screen, GameScreen)
        result = long_result(app.game, 200)
        screen.show_scene(result)
        await pilot.pause()
        strip = screen.query_one("#last-turn", VerticalScroll)
        text = screen.query_one("#last-turn-text", Static)
        assert text.virtual_size.height > strip.scrollable_content_region.height
        assert strip.max_scroll_y > 0  # it scrolls instead of cutting
        rendered = text.render()
        plain = getattr(rendered, "plain", str(rendered))
        assert "the last word." in plain and "War-readiness ▲12" in plain
        strip.scroll_end(animate=False)
        await pilot.pause()
        assert "War-readiness ▲12" in screen_text(app)
        assert screen.query_one(ChoiceList).max_scroll_y == 0  # the choices keep their room


# ---- every campaign choice at 80x24 -------------------------------------------------------
def every_choice(game: Game) -> list[ChoiceView]:
    """The node's choices as they would look if every one were visible, each choice that can
    be locked shown locked with its reason: the most room the node can ever need."""
    node = game.node
    assert node is not None
    return [ChoiceView(number, choice.id, game.text(choice.label), choice.locked is None,
                       None if choice.locked is None else game.text(choice.locked))
            for number, choice in enumerate(node.choices, start=1)]


def longest_consequence(story: Story, game: Game) -> TurnResult:
    """The campaign's longest log line, with every shown stat moved."""
    effects = [effect for node in story.nodes.values() for choice in node.choices
               for effect in (choice.effect, *(o.effect for o in choice.outcomes))]
    log = max(("".join(text for _, text in effect.log.parts)
               for effect in effects if effect.log is not None), key=len)
    changes = tuple(Change(v.id, v.label, 10, 21, True) for v in story.shown_variables)
    return TurnResult(Entry(1, game.date, "x", "X", "x", "X", log, None, changes), False)


async def test_every_choice_of_every_campaign_node_shows_at_80x24(tmp_path):
    story = load_story([CONTENT])
    app = build(story, tmp_path, CONTENT)
    checked = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.install_game(Game.new(story, seed=4), autosave=False)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GameScreen)
        choices = screen.query_one(ChoiceList)
        for node_id in story.nodes:
            # one game screen shows each node in turn, as after a choice (fresh screens for
            # 123 nodes take a minute)
            app.game = Game.new(story, seed=4, start_at=node_id)
            screen.show_scene()
            await pilot.pause()
            assert choices.option_count == len(app.game.scene().choices)
            assert choices.max_scroll_y == 0, node_id
            assert screen.query_one(Narrative).scrollable_content_region.width >= 76
            # the most a node can ask for: every choice visible, the lockable ones locked,
            # under the longest consequence of the campaign
            screen.show_scene(longest_consequence(story, app.game))
            choices.set_choices(every_choice(app.game))
            await pilot.pause()
            assert choices.max_scroll_y == 0, node_id
            last_option = choices.region.y + choices.region.height - 1
            assert last_option < screen.query_one("Footer").region.y, node_id
            checked += 1
    assert checked == len(story.nodes) > 100
