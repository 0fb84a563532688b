"""The full-screen game (Textual). Textual is imported only when the game is played."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.model import Story
    from game.options import PlayOptions
    from game.tui.app import OctobersApp


def run(story: Story, options: PlayOptions) -> int:
    """Play in the terminal until the player quits; returns the exit status."""
    from game.tui.app import run_app

    return run_app(story, options)


def make_app(story: Story, options: PlayOptions) -> OctobersApp:
    """The app, built but not running (for tests and snapshots)."""
    from game.tui.app import make_app as _make_app

    return _make_app(story, options)
