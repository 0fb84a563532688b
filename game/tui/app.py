"""The Textual app: one Game at a time, shown through a stack of screens.

How it fits together
--------------------
`OctobersApp` holds `story`, `options`, `store` (the SaveStore) and `game` (the Game being
played, or None on the title screen). Screens read `self.app.game` and call app methods; no
screen applies a rule itself, every change goes through the engine.

- `app.new_game(scenario_id)` starts a game (seed, start node and set-up from the options) and
  shows it; `app.install_game(game)` shows any Game, e.g. after a load, a rewind or a return to
  a branch: it drops every screen above the title, pushes a fresh GameScreen (or the ending
  screen when the game is over) and autosaves unless told not to.
- `app.take_choice(number)` is the only way play moves on: the engine's `choose`, then the
  autosave, then (when the game ended) the endings-discovered file and the ending screen.
- `app.autosave()` writes `autosave.json` (SaveStore.autosave); a failure is a
  `notify(severity="error")` and play goes on. Quitting autosaves only if the game changed
  since the last autosave, so backups are not pushed out by idle quits.
- Screens: the title screen is the bottom of the stack. Add a screen by pushing an instance
  (`app.push_screen(MyScreen())`); dialogs are `ModalScreen`s and Escape dismisses them.
  Screens that may not exist yet are opened by name with `app.show(name)` (see `NAMED_SCREENS`:
  a module path and class, constructed with no arguments; `app.has_screen(name)` tells whether
  it exists). Below `MIN_SIZE` a "terminal too small" screen covers everything; the screens
  underneath are created only once the terminal is big enough.
- Authors' tools: with `--watch`, `app.reloader` (game/tui/reloader.py) polls the content
  folders and puts a reloaded game in with `install_game`; with `--dev`, F12 on the game
  screen shows the debug panel (game/tui/widgets/dev_panel.py; open while `dev_panel_open`).

Keys
----
App-wide: `q` quit (autosaves), `?`/`F1` help, `ctrl+p` command palette. Game screen: `1`-`9`
choose, arrows and Enter choose, `o` "In our timeline" note, `u` State of the Union, `t` timeline,
`s` save, `l` load,
`F12` debug panel (with --dev).
Ending screen: `e` export. Dialogs: Escape goes back. `q` is a priority binding, so it also
works in modal screens; Textual still lets a focused text input keep its `q`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen

from game.engine import Game, TurnResult
from game.errors import SaveError
from game.model import Story
from game.options import PlayOptions
from game.output import printable
from game.progress import discovered, record_ending
from game.saves import SaveStore, default_saves_dir
from game.tui.theme import DEFAULT_THEME, THEMES

if TYPE_CHECKING:
    from game.tui.reloader import Reloader

MIN_SIZE = (40, 12)

NAMED_SCREENS: dict[str, tuple[str, str]] = {
    "title": ("game.tui.screens.title", "TitleScreen"),
    "scenario": ("game.tui.screens.scenario", "ScenarioScreen"),
    "game": ("game.tui.screens.game", "GameScreen"),
    "help": ("game.tui.screens.help", "HelpScreen"),
    "timeline": ("game.tui.screens.timeline", "TimelineScreen"),
    "save": ("game.tui.screens.saves", "SaveScreen"),
    "load": ("game.tui.screens.saves", "LoadScreen"),
    "ending": ("game.tui.screens.ending", "EndingScreen"),
    "union": ("game.tui.screens.union", "UnionScreen"),
    "codex": ("game.tui.screens.codex", "CodexScreen"),
    "people": ("game.tui.screens.codex", "PeopleScreen"),
}
"""Screens opened by name: name -> (module, class). Part of the contract between screens."""


class OctobersApp(App[int]):
    """Many Octobers in the terminal."""

    TITLE = "Many Octobers"
    CSS_PATH = Path(__file__).parent / "octobers.tcss"  # absolute: subclasses live elsewhere
    BINDINGS = [
        Binding("q", "quit", "Quit", priority=True),  # also in dialogs; a text input keeps q
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]

    def __init__(self, story: Story, options: PlayOptions, store: SaveStore | None = None):
        super().__init__()
        self.story = story
        self.options = options
        self.store = store or SaveStore(options.saves_dir or default_saves_dir())
        self.game: Game | None = None
        self.last_result: TurnResult | None = None
        self._saved: tuple[int, int] | None = None
        self._started = False
        self.dev_panel_open = False  # --dev: the debug panel (F12) on the game screen
        self.reloader: Reloader | None = None  # --watch: polls the content folders
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME

    # ---- screens -------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """A blank base: the title goes on top once the terminal is big enough."""
        return Screen(id="_base")

    def on_mount(self) -> None:
        """Start on the title screen (or straight into a game with --load)."""
        self.store.clean_temp_files()
        elsewhere = self.store.claim_session()
        if elsewhere is not None:
            self.notify(f"Many Octobers is already open on this saves folder. This window "
                        f"autosaves to '{elsewhere}', so neither overwrites the other's game.",
                        title="Open elsewhere", severity="warning", timeout=12)
        if self.options.watch:
            self.watch_content()
        self._check_size()

    def on_unmount(self) -> None:
        """Give the saves folder back to other copies of the game."""
        self.store.release_session()

    def watch_content(self) -> None:
        """--watch: reload the content when a file is saved (see game/tui/reloader.py)."""
        from game.tui.reloader import Reloader

        self.reloader = Reloader(self, self.options.content_dirs)
        self.reloader.start()

    def on_resize(self, event: events.Resize) -> None:
        """Cover the screens with a notice while the terminal is too small."""
        self._check_size(event.size)

    @property
    def too_small(self) -> bool:
        """Whether the terminal is below the minimum size."""
        return self._too_small(self.size)

    @staticmethod
    def _too_small(size: Size) -> bool:
        return size.width < MIN_SIZE[0] or size.height < MIN_SIZE[1]

    def _check_size(self, size: Size | None = None) -> None:
        from game.tui.screens.too_small import TooSmallScreen

        too_small = self._too_small(size or self.size)
        # Hide every screen's widgets (Textual lays out covered screens too, and some
        # widgets cannot be laid out in a few cells), then cover them with the notice.
        for screen in self.screen_stack:
            screen.set_class(too_small, "-too-small")
        covered = isinstance(self.screen, TooSmallScreen)
        if too_small and not covered:
            while isinstance(self.screen, CommandPalette):  # it cannot be used down there,
                self.pop_screen()  # and Ctrl+P would open a second one (DuplicateIds)
            self.push_screen(TooSmallScreen())
        elif not too_small:
            if covered:
                self.pop_screen()
            if not self._started:
                self._started = True
                self._start()

    def _start(self) -> None:
        from game.tui.screens.title import TitleScreen

        self.push_screen(TitleScreen())
        if self.options.ending is not None:  # --ending: a preview, not a game
            self.preview_ending(self.options.ending)
            return
        if self.options.load is not None:
            self.load_slot(self.options.load)

    def has_screen(self, name: str) -> bool:
        """Whether a named screen is available (another part may not have built it yet)."""
        module, _ = NAMED_SCREENS.get(name, ("", ""))
        try:
            return bool(module) and importlib.util.find_spec(module) is not None
        except ImportError:
            return False

    def show(self, name: str) -> bool:
        """Push a fresh instance of a named screen; False (and a notice) if it is missing."""
        if not self.has_screen(name):
            self.notify(f"The {name} screen is not available.", severity="warning")
            return False
        module, cls_name = NAMED_SCREENS[name]
        screen_cls = getattr(importlib.import_module(module), cls_name)
        self.push_screen(screen_cls())
        return True

    def _drop_to_title(self) -> None:
        from game.tui.screens.title import TitleScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()

    def action_go_to_title(self) -> None:
        """Escape on the game screen: back to the title; Continue picks the game up again."""
        self.go_to_title()

    def go_to_title(self) -> None:
        """Back to the title screen; the game stays saved in the autosave."""
        self.autosave_if_changed()
        self._drop_to_title()
        self.game = None
        self.last_result = None
        self.screen.refresh(recompose=True)

    # ---- games ---------------------------------------------------------------------------
    def new_game(self, scenario_id: str | None = None) -> Game:
        """Start a new game of a scenario with the options' seed and set-up, and show it."""
        game = self.options.new_game(self.story, scenario_id)
        self.install_game(game)
        start = self.options.start_lines(game.origin.scenario)  # a test start: say which
        if start:
            self.notify(" ".join(start), title="Test from here", timeout=15)
        self.warn(game.warnings_now())
        return game

    def preview_ending(self, ending_id: str) -> None:
        """`--ending ID`: the ending's epilogue for the start (or loaded) state; nothing is
        saved or recorded as discovered."""
        from game.tui.screens.ending_preview import EndingPreviewScreen

        options = self.options
        if options.load is not None:
            try:
                game, _ = self.store.load(options.load, self.story)
            except SaveError as exc:
                self.notify(str(exc), title="Cannot load", severity="error", timeout=10)
                return
            note = f"With the state of the save '{options.load}'."
        else:
            game = options.new_game(self.story)
            note = " ".join(options.start_lines(game.origin.scenario)) or \
                f"With the start of the scenario '{game.origin.scenario}'."
        self.push_screen(EndingPreviewScreen(game, ending_id, note))

    def warn(self, warnings: Iterable[str]) -> None:
        """A notice for each stat that has just crossed into its danger zone."""
        for warning in warnings:
            self.notify(warning, title="Danger", severity="warning", markup=False, timeout=10)

    def install_game(self, game: Game, autosave: bool = True,
                     notes: Iterable[str] = ()) -> None:
        """Make `game` the game being played and show it (game screen, or ending if over)."""
        from game.tui.screens.game import GameScreen

        self.game = game
        self.last_result = None
        self._drop_to_title()
        if game.over and self.has_screen("ending"):
            self.show("ending")
        else:
            self.push_screen(GameScreen())
        if self.too_small:  # loaded from the palette in a tiny terminal: cover it again
            self._check_size()
        for note in notes:
            self.notify(f"Note: {note}.", severity="warning", markup=False, timeout=8)
        if autosave:
            self.autosave()
        else:
            self._saved = (id(game), game.turn)

    def load_slot(self, slot: str) -> bool:
        """Load a save and show it; a bad save is one notice and the game goes on."""
        try:
            game, notes = self.store.load(slot, self.story)
        except SaveError as exc:
            message = str(exc)
            backup = self.store.usable_backup(slot)
            if backup is not None:
                message += f" A backup that loads exists: {backup}."
            self.notify(message, title="Cannot load", severity="error", markup=False,
                        timeout=10)
            return False
        self.install_game(game, autosave=False, notes=notes)
        return True

    def take_choice(self, number: int) -> TurnResult | None:
        """Take a choice of the current game; autosave; on an ending, record and show it."""
        game = self.game
        if game is None or game.over:
            return None
        try:
            result = game.choose(number)
        except ValueError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return None
        self.last_result = result
        for problem in result.problems:
            self.notify(f"Content problem: {problem}", severity="warning", markup=False)
        if not game.over:
            self.warn(result.warnings)
        self.autosave()
        if game.over:
            self.record_ending(game)
            if self.has_screen("ending"):
                self._drop_to_title()
                self.show("ending")
        return result

    def record_ending(self, game: Game) -> None:
        """Remember the ending for "endings discovered" (quietly: it is not a save)."""
        if game.ending_id is not None:
            record_ending(self.store.folder, self.story, game.ending_id)

    def endings_discovered(self) -> tuple[int, int]:
        """(discovered, total) endings of this story."""
        return discovered(self.store.folder, self.story)

    def autosave(self) -> Path | None:
        """Write the autosave; on failure tell the player and go on."""
        game = self.game
        if game is None:
            return None
        try:
            path = self.store.autosave(game)
        except SaveError as exc:
            self.notify(f"Autosave failed: {exc} Play goes on.", title="Autosave",
                        severity="error", markup=False, timeout=8)
            return None
        self._saved = (id(game), game.turn)
        if self.store.last_kept is not None:
            self.notify(f"Your unfinished game is kept as the save '{self.store.last_kept}' "
                        "(Load picks it up).", title="Game kept", markup=False, timeout=10)
        return path

    def autosave_if_changed(self) -> Path | None:
        """Autosave unless the game is unchanged since the last autosave."""
        game = self.game
        if game is None or self._saved == (id(game), game.turn):
            return None
        return self.autosave()

    @property
    def saved_marker(self) -> tuple[int, int] | None:
        """(game identity, turn) at the last autosave; tells whether there is unsaved play."""
        return self._saved

    @property
    def autosave_path(self) -> Path:
        """Where the autosave lives."""
        return self.store.path(self.store.autosave_slot)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notice is plain text through the one output filter: a path, a save's key or
        a content line in it can neither drive the terminal nor be read as markup."""
        super().notify(printable(message), title=printable(title), severity=severity,
                       timeout=timeout, markup=False)

    # ---- actions -------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit from any screen; the autosave is the progress."""
        self.autosave_if_changed()
        self.exit(0)

    def action_command_palette(self) -> None:
        """Ctrl+P: the command palette, except while the terminal is too small for it."""
        if not self.too_small and not isinstance(self.screen, CommandPalette):
            super().action_command_palette()

    def action_help(self) -> None:
        """Show every key."""
        from game.tui.screens.help import HelpScreen

        if not self.too_small and not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_new_game(self) -> None:
        """Pick a scenario and start a new game (at once when --scenario was given).

        When an unfinished game exists, ask first; the old game is then kept in a dated slot
        by the first autosave of the new one (see SaveStore.autosave).
        """
        from game.tui.screens.confirm import ConfirmScreen

        self.autosave_if_changed()
        where = self.store.unfinished()
        if where is None:
            self._pick_scenario()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._pick_scenario()

        self.push_screen(ConfirmScreen(
            f"You have an unfinished game ({where}). Start a new one? The unfinished game "
            "is kept as a save you can load.", yes="New game", no="Back"), answered)

    def _pick_scenario(self) -> None:
        from game.tui.screens.scenario import ScenarioScreen

        if self.options.scenario is not None:
            self.new_game(self.options.scenario)
        else:
            self.push_screen(ScenarioScreen())

    def action_show(self, name: str) -> None:
        """Open a named screen (timeline, save, load)."""
        if name in ("timeline", "save", "union", "codex", "people") and self.game is None:
            self.notify("Start or continue a game first.", severity="warning")
            return
        self.show(name)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: the game's main actions, then Textual's own."""
        yield SystemCommand("New game", "Pick a scenario and start again", self.action_new_game)
        if self.game is not None:
            yield SystemCommand("Save", "Save the game to a named slot",
                                lambda: self.action_show("save"))
            yield SystemCommand("Timeline", "The history so far; return to a decision",
                                lambda: self.action_show("timeline"))
            yield SystemCommand("State of the Union",
                                "Every stat you can see, its trend and its danger zone (u)",
                                lambda: self.action_show("union"))
            if self.story.codex:
                yield SystemCommand("Codex", "The people, parties and terms met so far (c)",
                                    lambda: self.action_show("codex"))
                yield SystemCommand("People", "Everyone met: what became of them, here and "
                                              "in our timeline", lambda: self.action_show("people"))
        export = getattr(screen, "action_export", None)
        if export is not None:  # the ending screen
            yield SystemCommand("Export chronicle",
                                "Write this run as Markdown into the saves folder", export)
        yield SystemCommand("Load", "Load a saved game", lambda: self.action_show("load"))
        yield SystemCommand("Help", "Every key and what it does", self.action_help)
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command
        yield SystemCommand("Quit", "Quit (the game is autosaved)", self.action_quit)


def make_app(story: Story, options: PlayOptions) -> OctobersApp:
    """The app for a story and options, not yet running (tests build it this way)."""
    return OctobersApp(story, options)


def run_app(story: Story, options: PlayOptions) -> int:
    """Run the app; after an unexpected error, autosave and say where the save is."""
    app = make_app(story, options)
    try:
        code = app.run()
    except Exception:  # anything that escapes Textual itself: the terminal is restored by now
        traceback.print_exc()
        code = 1
    else:
        if app.return_code in (None, 0):
            if app.game is not None and app.autosave_path.exists():
                print(f"Your game is saved in {app.autosave_path}; Continue on the title "
                      "screen picks it up.")
            return int(code or 0)
    sys.stderr.write("octobers: the game hit an unexpected error (details above).\n")
    path = save_after_crash(app)
    if path is not None:
        sys.stderr.write(f"octobers: your game is saved in {path}; continue it with "
                         f"'octobers play --load \"{app.store.autosave_slot}\"' (or Continue "
                         "on the title "
                         "screen).\n")
    return int(code or 1)


def save_after_crash(app: OctobersApp) -> Path | None:
    """Autosave the game after a crash, if it changed; the autosave's path, or None."""
    game = app.game
    if game is not None and app.saved_marker != (id(game), game.turn):
        try:
            return app.store.autosave(game)
        except (SaveError, OSError, ValueError, TypeError):
            pass  # the previous autosave is still there (and the backups)
    path = app.autosave_path
    return path if game is not None and path.exists() else None
