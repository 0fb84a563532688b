"""The Textual game's core screens, driven with the Pilot: title, scenario, play, notes, help.

Each test builds the real app from tests/fixtures/mini (or inline content) with a fixed seed
and a temporary saves folder, and asserts structure: which screen, which values, which text.
SVG snapshots (pytest-textual-snapshot) of the title and game screens are at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Markdown, OptionList, Static

from game.loader import load_story
from game.options import PlayOptions
from game.progress import discovered, record_ending
from game.saves import SaveStore
from game.tui.app import OctobersApp
from game.tui.screens.game import GameScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.history_note import HistoryNoteScreen
from game.tui.screens.scenario import ScenarioScreen
from game.tui.screens.title import TitleScreen
from game.tui.screens.too_small import TooSmallScreen
from game.tui.widgets.choice_list import ChoiceList
from game.tui.widgets.stat_bar import StatBar

from tui_helpers import build_app, screen_text

MINI = Path(__file__).parent.parent / "fixtures" / "mini"


def build(story, saves: Path, **options) -> OctobersApp:
    """The real app on the mini story, as the CLI builds it, with a fixed seed."""
    return build_app(story, MINI, saves, **options)


def menu_ids(app: OctobersApp) -> list[str | None]:
    menu = app.screen.query_one("#menu", OptionList)
    return [menu.get_option_at_index(i).id for i in range(menu.option_count)]


def stat(app: OctobersApp, var_id: str) -> StatBar:
    return app.screen.query_one(f"#stat-{var_id}", StatBar)


async def start_game(pilot) -> None:
    """Title → New game → first scenario, by Enter alone."""
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


# ---- title and scenario picker ------------------------------------------------------------
async def test_title_has_new_game_first_and_focused(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert menu_ids(app) == ["new", "load", "help", "quit"]  # no autosave: no Continue
        menu = app.screen.query_one("#menu", OptionList)
        assert app.focused is menu and menu.highlighted == 0
        text = screen_text(app)
        assert "█▀▄▀█" in text and "endings discovered: 0 of 3" in text


async def test_enter_enter_starts_the_first_scenario(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        text = screen_text(app)
        assert "February  March 1917" in text and "The first scenario." in text
        assert "Late start  January 1918" in text and "A later start." in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game is not None and app.game.node_id == "petrograd"
        assert "March 1917  ·  Petrograd" in screen_text(app)


async def test_scenario_picker_starts_the_highlighted_scenario(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert app.game is not None and app.game.origin.scenario == "late"
        assert app.game.node_id == "assembly"
        assert "January 1918  ·  The Assembly" in screen_text(app)
        assert "Lenin" in str(app.screen.query_one("#text-vars", Static).render())


async def test_scenario_option_skips_the_picker(mini_story, tmp_path):
    app = build(mini_story, tmp_path, scenario="late")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.game.node_id == "assembly"


async def test_escape_leaves_the_scenario_picker(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen) and app.game is None


# ---- playing ------------------------------------------------------------------------------
async def test_number_key_takes_the_choice_and_the_sidebar_follows(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        assert stat(app, "stability").value == 40 and stat(app, "stability").delta == 0
        await pilot.press("1")
        await pilot.pause()
        assert app.game.node_id == "july"
        bar = stat(app, "stability")
        assert (bar.value, bar.delta) == (35, -5)
        text = screen_text(app)
        assert "July 1917  ·  July days" in text
        assert "Stability 35 ▼5" in text
        assert "→ The Soviet takes the lead.  Stability ▼5" in text
        assert "Crowds fill the streets." in text


async def test_arrows_and_enter_take_the_highlighted_choice(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.game.path == [("petrograd", "duma")]
        assert (stat(app, "stability").value, stat(app, "stability").delta) == (45, 5)
        text = screen_text(app)
        assert "Stability 45 ▲5" in text
        assert "Kerensky" in text  # the shown text variable
        assert "August 1917  ·  August" in text


async def test_a_click_takes_the_choice(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        # inside the border: the first option is on line 1, the second on line 2
        assert await pilot.click("#choices", offset=(4, 2))
        await pilot.pause()
        assert app.game.path == [("petrograd", "duma")]


async def test_sparkline_carries_the_history(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("3")  # retreat: war-readiness set to 10
        await pilot.pause()
        from textual.widgets import Sparkline

        spark = stat(app, "war_readiness").query_one(Sparkline)
        assert list(spark.data) == [30.0, 30.0, 10.0]
        assert stat(app, "war_readiness").delta == -20


async def test_locked_choice_is_dimmed_with_its_reason_and_refused(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        assert [v.id for v in choices.views] == ["rise", "wait", "retreat"]
        assert choices.get_option_at_index(1).disabled
        assert "locked: The Soviet will not wait." in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert app.game.node_id == "july" and len(app.game.path) == 1
        assert any("The Soviet will not wait." in n.message for n in app._notifications)


async def test_history_note_opens_with_o_and_closes_with_escape(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, HistoryNoteScreen)
        assert "Nicholas II abdicated on 15 March 1917" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert isinstance(app.focused, ChoiceList)


async def test_autosave_after_every_choice(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        game, _ = SaveStore(tmp_path).load("autosave", mini_story)
        assert game.path == [("petrograd", "soviet")]
        await pilot.press("3")
        await pilot.pause()
        game, _ = SaveStore(tmp_path).load("autosave", mini_story)
        assert game.path == [("petrograd", "soviet"), ("july", "retreat")]


async def test_autosave_failure_is_a_notice_and_play_goes_on(mini_story, tmp_path):
    blocker = tmp_path / "saves"
    blocker.write_text("a file where the saves folder should be", encoding="utf-8")
    app = build(mini_story, blocker)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert app.game.node_id == "july"
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "Autosave failed" in errors[-1].message


async def test_reaching_an_ending_is_remembered_on_the_title(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        for key in ("2", "1", "1", "1"):
            await pilot.press(key)
            await pilot.pause()
        assert app.game.ending_id == "grey"
        assert discovered(tmp_path, mini_story) == (1, 3)
        app.go_to_title()
        await pilot.pause()
        assert "endings discovered: 1 of 3" in screen_text(app)


# ---- continue, load, damaged saves --------------------------------------------------------
async def test_escape_goes_back_to_the_title_and_continue_resumes(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GameScreen)
        assert menu_ids(app) == ["new", "continue", "load", "help", "quit"]
        await pilot.press("enter")  # Continue is the default
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.path == [("petrograd", "soviet")]


async def test_continue_resumes_the_autosave(mini_story, tmp_path):
    first = build(mini_story, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("q")
    assert first.return_code == 0
    again = build(mini_story, tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert menu_ids(again) == ["new", "continue", "load", "help", "quit"]
        assert "Continue — July 1917 · July days" in screen_text(again)
        await pilot.press("enter")  # Continue is the default
        await pilot.pause()
        assert isinstance(again.screen, GameScreen)
        assert again.game.path == [("petrograd", "soviet")]


async def test_load_option_opens_the_saved_game(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    from game.engine import Game

    game = Game.new(mini_story, seed=4)
    game.choose(1)
    store.save(game, "mine")
    app = build(mini_story, tmp_path, load="mine")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.game.node_id == "july"


async def test_starts_and_quits_cleanly_with_no_saves_folder(mini_story, tmp_path):
    saves = tmp_path / "not" / "yet"
    app = build(mini_story, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("q")
    assert app.return_code == 0
    assert not saves.exists()  # nothing is written until there is something to keep


async def test_corrupt_autosave_is_a_notice_not_a_crash(mini_story, tmp_path):
    (tmp_path / "autosave.json").write_text('{"kind": "many-octobers-save", "form',
                                            encoding="utf-8")
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert "continue" not in menu_ids(app)
        assert any("not a usable save" in n.message for n in app._notifications)
        await pilot.press("enter", "escape")  # back on the title: no second warning
        await pilot.pause()
        assert sum("not a usable save" in n.message for n in app._notifications) == 1
        await pilot.press("q")
    assert app.return_code == 0


async def test_corrupt_save_given_to_load_is_a_notice(mini_story, tmp_path):
    (tmp_path / "broken.json").write_bytes(b"\x00\x01 not json")
    app = build(mini_story, tmp_path, load="broken")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen) and app.game is None
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "broken.json" in errors[0].message
        await pilot.press("q")
    assert app.return_code == 0


async def test_continue_offers_a_backup_when_the_autosave_is_damaged(mini_story, tmp_path):
    from game.engine import Game

    game = Game.new(mini_story, seed=4)
    store = SaveStore(tmp_path)
    store.autosave(game)
    game.choose(1)
    store.autosave(game)
    (tmp_path / "autosave.json").write_text("garbage", encoding="utf-8")
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Continue — March 1917 · Petrograd (backup autosave.1)" in screen_text(app)


# ---- keys, help, palette, quit ------------------------------------------------------------
@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_key(mini_story, tmp_path, key):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        for shown in ("| q |", "| ? or F1 |", "| ctrl+p |", "| Escape |", "| 1 – 9 |",
                      "| o |", "| t |", "| s |", "| l |", "| e |", "| ↑ ↓, Enter |"):
            assert shown in source
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_every_game_screen_binding_is_in_help(mini_story, tmp_path):
    from game.tui.screens.help import keys_markdown

    text = keys_markdown()
    for binding in [*GameScreen.BINDINGS, *OctobersApp.BINDINGS]:
        for key in binding.key.split(","):
            shown = {"question_mark": "?", "f1": "F1", "f12": "F12", "pageup": "Page Up",
                     "pagedown": "Page Down", "escape": "Escape",
                     "left_square_bracket": "[", "right_square_bracket": "]"}.get(key, key)
            if key.isdigit():
                shown = "1 – 9"
            assert any(f"| {shown}{end}" in text for end in (" |", " or", " /")) \
                or f" {shown} |" in text, key


async def test_footer_shows_the_main_keys(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        for shown in ("o In our timeline", "t Timeline", "s Save", "l Load", "q Quit",
                      "? Help", "^p palette"):
            assert shown in footer


async def test_command_palette_offers_the_main_actions(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("New game", "Save", "Load", "Timeline", "Help", "Quit", "Theme"):
            assert wanted in titles
        assert titles.count("Quit") == 1


@pytest.mark.parametrize("where", ["title", "scenario", "game", "help", "note"])
async def test_q_quits_from_any_screen(mini_story, tmp_path, where):
    keys = {"title": [], "scenario": ["enter"], "game": ["enter", "enter"],
            "help": ["enter", "enter", "f1"], "note": ["enter", "enter", "o"]}[where]
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_keeps_the_progress(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.press("2", "q")
    game, _ = SaveStore(tmp_path).load("autosave", mini_story)
    assert game.path == [("petrograd", "duma")]


async def test_house_theme_is_the_default_and_builtins_remain(mini_story, tmp_path):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "octobers"
        assert {"octobers", "octobers-paper", "textual-dark", "nord"} <= set(
            app.available_themes)
        app.theme = "octobers-paper"
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


# ---- leaving the app -------------------------------------------------------------------------
def run_headless(monkeypatch, story, saves, keys):
    """game.tui.run as the CLI calls it, headless, with keys pressed by an auto-pilot."""
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

    return run(story, PlayOptions(saves_dir=saves, seed=4))


def test_quitting_says_where_the_game_is_saved(monkeypatch, mini_story, tmp_path, capsys):
    code = run_headless(monkeypatch, mini_story, tmp_path, ["enter", "enter", "2", "q"])
    assert code == 0
    assert f"Your game is saved in {tmp_path / 'autosave.json'}" in capsys.readouterr().out


def test_unexpected_error_autosaves_and_says_where(monkeypatch, mini_story, tmp_path, capsys):
    def broken(self):
        self.app.game.choose(1)  # the game moves on, then the UI fails before it autosaves
        raise RuntimeError("a bug in the UI")

    monkeypatch.setattr(GameScreen, "action_history_note", broken)
    code = run_headless(monkeypatch, mini_story, tmp_path, ["enter", "enter", "2", "o"])
    assert code == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err
    assert f"your game is saved in {tmp_path / 'autosave.json'}" in err
    game, _ = SaveStore(tmp_path).load("autosave", mini_story)
    assert game.path == [("petrograd", "duma"), ("august", "on")]


# ---- content is text, not markup -----------------------------------------------------------
MARKUP = "[@click=app.quit]x[/]"

MARKUP_GAME = """\
title: Markup
variables:
  stability: {label: "[b]Stab[/b]", start: 50, shown: true}
texts:
  leader: {label: "[red]Leader[/]", start: "[@click=app.quit]x[/]", shown: true}
scenarios:
  - {id: s, title: "[@click=app.quit]S[/]", date: 1917-03, start: first,
     description: "[@click=app.quit]described[/]"}
endings:
  - {id: fallback, title: Fallback, text: The end.}
"""

MARKUP_EVENTS = """\
- id: first
  date: 1917-03
  title: "[@click=app.quit]Title[/]"
  text: "Narrative [@click=app.quit]x[/] and [b]not bold[/b]."
  history: "History [@click=app.quit]x[/]."
  choices:
    - {id: go, label: "[@click=app.quit]x[/] go", log: "Log [@click=app.quit]x[/].",
       effects: {stability: -1}}
- id: second
  date: 1917-04
  title: Second
  text: Two.
  history: Two.
  choices:
    - {id: on, label: On}
"""


async def test_content_text_is_shown_literally_never_as_markup(make_content, tmp_path):
    story = load_story([make_content(MARKUP_EVENTS, MARKUP_GAME)])
    app = build(story, tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]S[/]" in text and "[@click=app.quit]described[/]" in text
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]Title[/]" in text
        assert "Narrative [@click=app.quit]x[/] and [b]not bold[/b]." in text
        assert "1. [@click=app.quit]x[/] go" in text
        assert "[b]Stab[/b] 50" in text and "[red]Leader[/]" in text
        assert MARKUP in text.split("[red]Leader[/]")[1]
        # a click on the label takes the choice; it does not run the action in the text
        assert await pilot.click("#choices", offset=(5, 1))
        await pilot.pause()
        assert app.return_code is None and app.game.node_id == "second"
        assert "→ Log [@click=app.quit]x[/].  [b]Stab[/b] ▼1" in screen_text(app)
        await pilot.press("1")  # ...and nothing else in the text ran either
        await pilot.pause()
        app.go_to_title()
        await pilot.pause()
        app.new_game()
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert "History [@click=app.quit]x[/]." in screen_text(app)
        await pilot.click("#note-box", offset=(10, 3))
        await pilot.pause()
        assert app.return_code is None


# ---- sizes and stress ----------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1, 1), (10, 5), (80, 24)])
async def test_sizes_from_1x1_to_80x24(mini_story, tmp_path, size):
    app = build(mini_story, tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        small = size < (40, 12) or size[1] < 12
        assert isinstance(app.screen, TooSmallScreen) is small
        if size == (10, 5):
            assert screen_text(app).split() == ["Terminal", "too", "small", "needs", "40x12",
                                                "q", "quits"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await start_game(pilot)
        await pilot.press("1")
        for width, height in ((3, 3), (1, 1), (10, 5), (200, 60), (40, 12), (80, 24)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert isinstance(app.focused, ChoiceList)
        text = screen_text(app)
        assert "July 1917  ·  July days" in text and "3. Retreat" in text  # shown again
        await pilot.press("3")
        await pilot.pause()
        assert app.game.path[-1] == ("july", "retreat")
        await pilot.press("q")
    assert app.return_code == 0


LONG_GAME = """\
title: Long
variables:
  stability: {label: Stability of the revolutionary state and its many organs, start: 50,
              shown: true}
  a: {label: A, start: 1, shown: true}
  b: {label: B, start: 2, shown: true}
  c: {label: C, start: 3, shown: true}
  d: {label: D, start: 4, shown: true}
  e: {label: E, start: 5, shown: true}
texts:
  leader: {label: Leading, start: "Someone with a very long name indeed, repeated and repeated",
           shown: true}
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: fallback, title: Fallback, text: The end.}
"""


def long_events() -> str:
    words = " ".join(["Petrograd"] * 40 + ["Supercalifragilisticexpialidocious" * 6])
    text = "\\n\\n".join([words] * 60)
    choices = "\n".join(
        f"    - {{id: c{i}, label: \"Choice {i} {'with a long label ' * 8}\", "
        f"effects: {{stability: {i - 7}, a: 1}}}}" for i in range(1, 16))
    return (f"- id: first\n  date: 1917-03\n  title: \"{'A very long title ' * 12}\"\n"
            f"  text: \"{text}\"\n  history: \"{text}\"\n  choices:\n{choices}\n"
            "- id: second\n  date: 1917-04\n  title: Second\n  text: Two.\n  history: Two.\n"
            "  choices:\n    - {id: on, label: On}\n")


async def test_long_text_and_many_choices(make_content, tmp_path):
    story = load_story([make_content(long_events(), LONG_GAME)])
    app = build(story, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        choices = app.screen.query_one(ChoiceList)
        assert len(choices.views) == 15
        await pilot.press("pagedown", "pagedown")  # scrolls the narrative, not the choices
        await pilot.pause()
        assert app.screen.query_one("#narrative").scroll_y > 0
        assert choices.highlighted == 0
        for _ in range(11):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.game.path == [("first", "c12")]
        for size in ((40, 12), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.screen.query_one(ChoiceList).size.width >= 10
        assert isinstance(app.screen, GameScreen)


async def test_keys_beyond_nine_choices_are_arrows_only(make_content, tmp_path):
    story = load_story([make_content(long_events(), LONG_GAME)])
    app = build(story, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await pilot.pause()
        await pilot.press("9")
        await pilot.pause()
        assert app.game.path == [("first", "c9")]


# ---- snapshots ----------------------------------------------------------------------------
SIZES = [(80, 24), (120, 40)]


def snapshot_app(tmp_path: Path) -> OctobersApp:
    return build(load_story([MINI]), tmp_path)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_title(snap_compare, tmp_path, size):
    record_ending(tmp_path, load_story([MINI]), "grey")
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_game_after_a_choice(snap_compare, tmp_path, size):
    async def play(pilot):
        await start_game(pilot)
        await pilot.press("1")
        await pilot.pause()

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=play)

