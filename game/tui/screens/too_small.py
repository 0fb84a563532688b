"""A notice that covers everything while the terminal is too small to play in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """Shown below the minimum size; removed by the app when the terminal grows."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    #too-small-notice { width: auto; height: auto; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        from game.tui.app import MIN_SIZE

        yield Static(f"Terminal\ntoo small\nneeds\n{MIN_SIZE[0]}x{MIN_SIZE[1]}\nq quits",
                     markup=False, id="too-small-notice")
