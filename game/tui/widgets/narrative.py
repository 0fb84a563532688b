"""The event's narrative: content Markdown in a scrollable area."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown


class Narrative(VerticalScroll, can_focus=True):
    """Scrollable narrative; content text is rendered as Markdown, never as Rich markup."""

    DEFAULT_CSS = """
    Narrative { height: 1fr; padding: 0 1; }
    Narrative > Markdown { margin: 0; padding: 0; background: transparent; max-width: 100; }
    """

    def __init__(self, text: str = "", *, id: str | None = None):
        super().__init__(id=id)
        self._text = text

    def compose(self) -> ComposeResult:
        # open_links=False: a link in content never opens a browser on its own.
        yield Markdown(self._text, open_links=False)

    @property
    def text(self) -> str:
        """The Markdown being shown."""
        return self._text

    def show(self, text: str) -> None:
        """Show new narrative from the top (pass the first text to the constructor)."""
        if text != self._text:
            self._text = text
            self.query_one(Markdown).update(text)
        self.scroll_home(animate=False)
