"""The gallery of endings: every ending, found or not; Enter reopens a found one's epilogue.

The rows come from `game.gallery` (the endings file read through game/progress.py, every text
already through the output filter). A found ending shows its title, when it was first reached,
the scenario and the number of decisions; one not found yet shows its hint. Enter on a found
ending opens its epilogue as it was first read. Escape goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from game.gallery import Gallery, Row, build, epilogue_markdown


def row_prompt(number: int, row: Row) -> Content:
    """A row as listed: number and title with its facts, or a hint for one not found."""
    if row.found:
        return Content.assemble((f"{number:>2}. ", "dim"), (row.title, "bold"),
                                ("\n    " + row.details(), "$secondary"))
    return Content.assemble((f"{number:>2}. ", "dim"), ("Not found yet", "dim bold"),
                            ("\n    " + row.hint, "italic"))


class GalleryScreen(Screen[None]):
    """The endings found and the hints to the others."""

    DEFAULT_CSS = """
    GalleryScreen #gallery-heading {
        height: 1; padding: 0 1; background: $primary-darken-2; text-style: bold;
    }
    GalleryScreen #gallery-intro { height: auto; padding: 0 1; color: $text-muted; }
    GalleryScreen #gallery-problem { height: auto; padding: 0 1; color: $warning; }
    GalleryScreen #gallery { height: 1fr; border: round $primary; }
    GalleryScreen #gallery:focus { border: round $secondary; }
    GalleryScreen #gallery > .option-list--option { padding: 0 1; }
    """

    BINDINGS = [("escape,g", "close", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.gallery: Gallery = Gallery("", ())

    def compose(self) -> ComposeResult:
        story = self.app.story  # type: ignore[attr-defined]
        self.gallery = build(story, self.app.store.folder)  # type: ignore[attr-defined]
        gallery = self.gallery
        yield Static(Content.assemble(("Endings", "bold $secondary"),
                                      (f" · {gallery.game_title}: {gallery.found} of "
                                       f"{gallery.total} found", "")),
                     id="gallery-heading")
        yield Static("Enter on an ending you have found reads its epilogue again. The others "
                     "show a hint of the road there.", id="gallery-intro")
        if gallery.problem:
            yield Static(Content(gallery.problem), id="gallery-problem")
        yield OptionList(*(Option(row_prompt(n, row), id=f"ending-{row.ending_id}")
                           for n, row in enumerate(gallery.rows, 1)), id="gallery")
        yield Footer()

    def on_mount(self) -> None:
        """The list has the focus."""
        self.query_one("#gallery", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Reopen a found ending's epilogue."""
        event.stop()
        row = self.gallery.rows[event.option_index]
        if not row.found:
            self.app.notify("Not found yet. " + row.hint, title="Endings")
        elif not row.can_reopen:
            self.app.notify("This ending was found before the game kept epilogues; reach it "
                            "again to keep it.", title="Endings")
        else:
            self.app.push_screen(EpilogueScreen(row))

    def action_close(self) -> None:
        """Back."""
        self.dismiss()


class EpilogueScreen(ModalScreen[None]):
    """A found ending's epilogue, final values and "How you got here", as first read."""

    DEFAULT_CSS = """
    EpilogueScreen #epilogue-box { width: 90%; max-width: 100; height: 90%; }
    EpilogueScreen #epilogue-title {
        height: auto; margin-bottom: 1; text-style: bold; color: $secondary;
    }
    EpilogueScreen #epilogue-scroll { height: 1fr; }
    EpilogueScreen Markdown { margin: 0; padding: 0; }
    """

    BINDINGS = [("escape,enter", "close", "Close")]

    def __init__(self, row: Row):
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="epilogue-box", classes="dialog"):
            yield Static(Content.assemble(("The end", "bold $secondary"), ("  ·  ", "dim"),
                                          (self.row.title, "bold")), id="epilogue-title")
            with VerticalScroll(id="epilogue-scroll"):
                yield Markdown(epilogue_markdown(self.row), id="epilogue-text",
                               open_links=False)
            yield Static("Escape closes", classes="dialog-hint")

    def on_mount(self) -> None:
        """The arrows scroll."""
        self.query_one("#epilogue-scroll").focus()

    def action_close(self) -> None:
        """Back to the gallery."""
        self.dismiss()
