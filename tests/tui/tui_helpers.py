"""What the TUI tests share: building the real app, and reading what the terminal shows."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from game.model import Story
from game.options import PlayOptions
from game.tui import make_app
from game.tui.app import OctobersApp


def build_app(story: Story, content: Path, saves: Path, **options) -> OctobersApp:
    """The real app, as the CLI builds it, with a fixed seed unless one is given."""
    options.setdefault("seed", 4)
    return make_app(story, PlayOptions(content_dirs=[content], saves_dir=saves, **options))


def screen_text(app: OctobersApp) -> str:
    """What the terminal shows, as plain text (the screen and any screens behind it)."""
    console = Console(width=app.size.width, file=io.StringIO(), record=True,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def notices(app: OctobersApp) -> list[str]:
    """The messages of the notifications on show."""
    return [str(n.message) for n in app._notifications]


async def press(pilot, *keys: str) -> None:
    """Press keys one by one, letting the app settle after each."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
