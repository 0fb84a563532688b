"""Live reload in the full-screen game (`octobers play --watch`).

    reloader = Reloader(app, options.content_dirs)
    reloader.start()        # polls every POLL_SECONDS with Textual's set_interval
    reloader.check()        # one poll (tests call it directly instead of waiting)

The engine side is `game.authoring.watch`: `ContentWatcher` notices saved files, `reload`
carries the game over to the new content (the same decision where the nodes still exist).
Here the result is shown: a carried-over game is installed (with "Content reloaded" and any
notes on what vanished); content errors open `ContentErrorsScreen` and the old content plays
on until a fix is saved, which closes it.

A reload is applied only where nothing holds on to the old game: the game, title and ending
screens (and the errors dialog). Elsewhere (timeline, save, load, a question) it waits until
the player is back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from game.authoring.watch import NOTE, ContentWatcher, reload
from game.errors import GameError, Problem, SourceRef
from game.loader import load_with_problems

if TYPE_CHECKING:
    from textual.timer import Timer

    from game.tui.app import OctobersApp

POLL_SECONDS = 1.0


class Reloader:
    """Watches the content folders and puts the reloaded content into the app."""

    def __init__(self, app: OctobersApp, content_dirs: Sequence[Path | str] = ()):
        self.app = app
        self.dirs: list[Path | str] | None = list(content_dirs) or None  # None: the default
        self.watcher = ContentWatcher(self.dirs)
        self.pending = False
        self.timer: Timer | None = None

    def start(self, interval: float | None = None) -> None:
        """Poll the content folders every `interval` (POLL_SECONDS) seconds while the app runs."""
        self.timer = self.app.set_interval(interval or POLL_SECONDS, self.check,
                                           name="content watch")

    def check(self) -> bool:
        """Poll once; reload when something changed. True if a reload was applied."""
        if self.watcher.poll():
            if not self.pending and not self._can_apply():
                self.app.notify("Content changed: it reloads when you are back in the game.",
                                title="--watch", markup=False)
            self.pending = True
        if not self.pending or not self._can_apply():
            return False
        self.pending = False
        self.apply()
        return True

    def _can_apply(self) -> bool:
        from game.tui.screens.content_errors import ContentErrorsScreen
        from game.tui.screens.ending import EndingScreen
        from game.tui.screens.game import GameScreen
        from game.tui.screens.title import TitleScreen

        screen_types = (GameScreen, TitleScreen, EndingScreen, ContentErrorsScreen)
        return not self.app.too_small and isinstance(self.app.screen, screen_types)

    def apply(self) -> None:
        """Load the content again; install the carried-over game, or show the errors."""
        app = self.app
        game = app.game
        if game is None:
            story, problems = load_with_problems(self.dirs)
            if story is None:
                self._show_errors(problems)
                return
            self._close_errors()
            app.story = story
            self._say_reloaded(problems)
            return
        try:
            new, problems = reload(game, self.dirs)
        except GameError as exc:  # the new content loads but the game cannot go over to it
            new, problems = None, [Problem(SourceRef("reload"), str(exc))]
        if new is None:
            self._show_errors(problems)
            return
        self._close_errors()
        app.story = new.story
        notes = [p.message for p in problems if p.severity == NOTE]
        app.install_game(new, autosave=False, notes=notes)
        self._say_reloaded(problems)

    def _say_reloaded(self, problems: Sequence[Problem]) -> None:
        warnings = sum(1 for p in problems if p.severity == "warning")
        message = "Content reloaded"
        if warnings:
            message += f" ({warnings} warning{'s' if warnings != 1 else ''}: octobers check)"
        self.app.notify(message + ".", title="--watch", markup=False)

    def _show_errors(self, problems: Sequence[Problem]) -> None:
        from game.tui.screens.content_errors import ContentErrorsScreen

        errors = [p for p in problems if p.severity == "error"] or list(problems)
        if isinstance(self.app.screen, ContentErrorsScreen):
            self.app.screen.show_problems(errors)
        else:
            self.app.push_screen(ContentErrorsScreen(errors))

    def _close_errors(self) -> None:
        from game.tui.screens.content_errors import ContentErrorsScreen

        if isinstance(self.app.screen, ContentErrorsScreen):
            self.app.pop_screen()
