"""What the player sees of consequences: `enter:` arrivals, danger markers and warnings, the
State of the Union (`u`, the palette, plain mode's `u`) and "How you got here".

Each test builds the real app on a small inline story whose answers are known by
construction, and reads the widgets or the terminal's text; the snapshots are at the end.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from game.engine import Game
from game.loader import load_story
from game.model import Story
from game.plain import PlainSession
from game.saves import SaveStore
from game.tui.app import OctobersApp
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.union import UnionScreen
from game.tui.widgets.stat_bar import Meter, StatBar
from game.tui.widgets.stat_strip import StatStrip

from tui_helpers import build_app, notices, screen_text

GAME = """\
title: Consequences
variables:
  stability: {label: Stability, start: 40, shown: true,
              description: Whether the state holds together.,
              danger: {below: 15, warning: "the state may come apart"}}
  industry: {label: Industry, start: 20, shown: true}
  army: {label: The army's weight, start: 10, reveal: {flag: army_known},
         description: How much the generals count.}
  secret: {label: Secret police files, start: 5}
texts:
  leader: {label: Leading, start: Lenin, shown: true}
scenarios:
  - {id: s, title: S, date: 1924-01, start: first}
endings:
  - {id: junta, when: "flags.junta", title: The junta, text: The generals rule.}
  - {id: fallback, title: Fallback, text: The end.}
"""

EVENTS = """\
- id: first
  date: 1924-01
  title: Lenin's chair
  text: Lenin is ill.
  history: Lenin died on 21 January 1924.
  choices:
    - {id: calm, label: Keep calm, log: Nothing moves., effects: {industry: 1}}
    - {id: purge, label: Purge the committees, log: The committees empty.,
       effects: {stability: -30}, set: [army_known]}
- id: successor
  date: 1924-02
  title: The successor
  enter:
    texts: {leader: Alexei Rykov}
    effects: {stability: -2}
    log: Rykov takes the chair.
  text: "{leader} sits in the chair now."
  history: Rykov chaired the Sovnarkom from 1924.
  choices:
    - {id: generals, label: Call in the generals, log: The generals come.,
       effects: {army: 30}, set: [junta]}
    - {id: wait, label: Wait, log: Nothing.}
"""


@pytest.fixture
def story(make_content) -> Story:
    return load_story([make_content(EVENTS, GAME)])


def build(story: Story, tmp_path: Path, **options) -> OctobersApp:
    return build_app(story, tmp_path / "content-unused", tmp_path / "saves", **options)


async def start(pilot, app: OctobersApp) -> None:
    await pilot.pause()
    app.new_game()
    await pilot.pause()


def rendered(widget: Static) -> str:
    content = widget.render()
    return str(getattr(content, "plain", content))


# ---- enter: arrivals ----------------------------------------------------------------------
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_leader_shown_matches_the_text_on_arrival(story, tmp_path, size):
    app = build(story, tmp_path)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await pilot.press("1")
        await pilot.pause()
        assert app.game.node_id == "successor"
        screen = app.screen
        assert isinstance(screen, GameScreen)
        text = screen_text(app)
        assert "Alexei Rykov sits in the chair now." in text
        if size[0] >= 100:
            assert rendered(screen.query_one("#text-vars", Static)).splitlines() == [
                "Leading", "Alexei Rykov"]
        else:
            assert screen.query_one(StatStrip).text.endswith("Leading: Alexei Rykov")
        assert "Lenin" not in text.replace("Lenin's chair", "")
        # the arrival's log and changes sit under the choice's, in the consequence strip
        strip = rendered(screen.query_one("#last-turn-text", Static))
        assert strip.splitlines() == ["→ Nothing moves.  Industry ▲1",
                                      "⇒ The successor: Rykov takes the chair.  Stability ▼2"]
        assert app.game.values["stability"] == 38


async def test_an_opening_arrival_shows_before_any_choice(story, tmp_path):
    app = build(story, tmp_path, start_at="successor")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        strip = rendered(app.screen.query_one("#last-turn-text", Static))
        assert strip == "⇒ The successor: Rykov takes the chair.  Stability ▼2"
        assert app.screen.query_one("#last-turn").display


# ---- danger -------------------------------------------------------------------------------
async def test_crossing_into_danger_warns_once_and_marks_the_stat(story, tmp_path):
    app = build(story, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        bar = app.screen.query_one("#stat-stability", StatBar)
        meter = bar.query_one(Meter)
        assert rendered(meter).count("│") == 1 and not bar.in_danger  # the threshold marker
        assert not [n for n in notices(app) if "below 15" in n]
        await pilot.press("2")
        await pilot.pause()
        warnings = [n for n in app._notifications if n.title == "Danger"]
        assert [str(w.message) for w in warnings] == [
            "Stability 8: below 15 the state may come apart"]
        assert warnings[0].severity == "warning"
        bar = app.screen.query_one("#stat-stability", StatBar)
        assert bar.in_danger and "Stability 8 ▼32 !" in screen_text(app)
        app.clear_notifications()
        await pilot.press("2")  # still in danger: no second warning
        await pilot.pause()
        assert not [n for n in app._notifications if n.title == "Danger"]


async def test_the_strip_marks_a_stat_in_danger(story, tmp_path):
    app = build(story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one(StatStrip).text.startswith("Stability 8 ▼32 !  ·  ")


async def test_a_game_that_starts_in_danger_warns_at_once(story, tmp_path):
    app = build(story, tmp_path, values={"stability": 5})
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        assert "Stability 5: below 15 the state may come apart" in notices(app)


# ---- the State of the Union ---------------------------------------------------------------
async def test_u_shows_every_revealed_variable_and_the_guide(story, tmp_path):
    app = build(story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, UnionScreen)
        bars = [bar.var_id for bar in screen.query(StatBar).results(StatBar)]
        assert bars == ["stability", "industry"]  # the army is not revealed yet
        text = screen_text(app)
        assert "Whether the state holds together." in text
        assert "Danger below 15: the state may come apart" in text
        guide = screen.query_one("#union-guide", Markdown).source
        assert "#### Stability" in guide and "Danger: below 15" in guide
        await pilot.press("u")  # u closes it again
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await pilot.press("2", "u")  # the purge reveals the army
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, UnionScreen)
        bars = [bar.var_id for bar in screen.query(StatBar).results(StatBar)]
        assert bars == ["stability", "industry", "army"]
        army = screen.query_one("#union-army", StatBar)
        assert army.label == "The army's weight" and army.value == 10
        assert "How much the generals count." in screen_text(app)
        assert "Secret police files" not in screen_text(app)  # never revealed
        stability = screen.query_one("#union-stability", StatBar)
        assert (stability.value, stability.delta, stability.in_danger) == (8, -32, True)
        from game.tui.widgets.stat_bar import Trend

        trend = stability.query_one(Trend)
        assert trend.history == [40.0, 8.0]
        # on the stat's own 0-100 scale: 40 is a middle block, 8 the lowest
        line = trend.text
        assert set(line[: len(line) // 2]) == {"▄"} and set(line[len(line) // 2:]) == {"▁"}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_the_palette_and_help_lead_to_the_union(story, tmp_path):
    app = build(story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "State of the Union" in commands
        commands["State of the Union"].callback()
        await pilot.pause()
        assert isinstance(app.screen, UnionScreen)
        await pilot.press("escape", "f1")
        await pilot.pause()
        source = app.screen.query_one(Markdown).source
        assert "| u |" in source and "## What the stats mean" in source
        assert "Danger: below 15: the state may come apart" in source


def test_plain_mode_prints_the_union_on_u(story, tmp_path):
    out = io.StringIO()
    session = PlainSession(Game.new(story, seed=4), SaveStore(tmp_path), io.StringIO("u\n2\nq\n"),
                           out)
    assert session.run() == 0
    text = out.getvalue()
    assert "u: State of the Union" in text
    union = text.split("STATE OF THE UNION", 1)[1]
    assert "Stability: 40 (from 0 to 100), last change no change" in union
    assert "  Whether the state holds together." in union
    assert "  danger below 15: the state may come apart" in union
    assert "WHAT THE STATS MEAN" in union
    assert "The army's weight" not in union.split("WHAT THE STATS MEAN")[0]
    assert "(Danger: Stability 8: below 15 the state may come apart.)" in text
    assert "⇒ The successor: Rykov takes the chair." in text


# ---- How you got here ---------------------------------------------------------------------
async def test_the_ending_says_how_you_got_here(story, tmp_path):
    app = build(story, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen) and app.game.ending_id == "junta"
        source = app.screen.query_one("#how-you-got-here", Markdown).source
        assert source == ("- **February 1924 — The successor.** *Chosen: Call in the "
                          "generals.* Set the junta flag.")
        assert "How you got here" in screen_text(app)


# ---- snapshots ----------------------------------------------------------------------------
SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_state_of_the_union(snap_compare, story, tmp_path, size):
    async def run(pilot):
        await start(pilot, pilot.app)
        await pilot.press("2", "u")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(build(story, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_ending_with_how_you_got_here(snap_compare, story, tmp_path, size):
    async def run(pilot):
        await start(pilot, pilot.app)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        pilot.app.screen.query_one("#how-you-got-here").scroll_visible(animate=False)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(build(story, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_arrival_and_danger(snap_compare, story, tmp_path, size):
    """80x24 is the collapsed layout (the stat strip); 120x40 has the sidebar."""
    async def run(pilot):
        await start(pilot, pilot.app)
        await pilot.press("2")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(build(story, tmp_path), terminal_size=size, run_before=run)
