"""The codex (`c`): the people, parties, institutions, places and terms met so far.

Tabs filter by kind ("This scene" lists the entries the current scene names); the search box
filters by name, alias and summary. The right pane shows the selected entry as this timeline
has it (summary, the sections that hold, the fate line) and then "In our timeline". Entries
not yet met are counted, never shown. `p` opens the People view; `/` the search; Escape or
`c` closes. Everything from content goes in as Markdown text or through `printable`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Markdown, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option

from game import codex
from game.codex import entry_markdown
from game.engine import Game
from game.model import CODEX_KINDS, CodexEntry, format_date
from game.output import printable

SCENE_TAB = "scene"
ALL_TAB = "all"


class CodexScreen(Screen[None]):
    """The codex; `entry` opens at one entry, `scene_ids` fills the "This scene" tab."""

    DEFAULT_CSS = """
    CodexScreen #codex-header {
        height: 1; padding: 0 1; background: $primary-darken-2; color: $foreground;
    }
    CodexScreen #codex-tabs { height: 2; }
    CodexScreen #codex-list-column { width: 32; height: 1fr; }
    CodexScreen #codex-search { height: 3; margin: 0; }
    CodexScreen #codex-list { height: 1fr; border: none; padding: 0; }
    CodexScreen #codex-entry { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    CodexScreen #codex-entry Markdown { margin: 0; padding: 0; background: transparent; }
    CodexScreen #codex-empty { color: $text-muted; padding: 1; }
    """

    BINDINGS = [
        Binding("escape,c", "close", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("p", "people", "People"),
    ]

    def __init__(self, entry: str | None = None, scene_ids: list[str] | None = None):
        super().__init__()
        self.start_entry = entry
        self.scene_ids = list(scene_ids or [])
        self.kind: str | None = None
        self.shown: list[CodexEntry] = []

    @property
    def game(self) -> Game:
        """The game being played (the app's)."""
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None, "the codex needs a game"
        return game

    def compose(self) -> ComposeResult:
        game = self.game
        opened, total = codex.counts(game)
        yield Static(Content.assemble(("Codex", "bold $secondary"), ("  ·  ", "dim"),
                                      (f"{opened} of {total} met", "bold"), ("  ·  ", "dim"),
                                      format_date(game.date)),
                     id="codex-header")
        tabs = [Tab("All", id=ALL_TAB)]
        if self.scene_ids:
            tabs.append(Tab("This scene", id=SCENE_TAB))
        tabs += [Tab(codex.KIND_LABELS[kind], id=kind) for kind in CODEX_KINDS]
        active = SCENE_TAB if self.scene_ids and self.start_entry is None else ALL_TAB
        yield Tabs(*tabs, active=active, id="codex-tabs")
        with Horizontal():
            with Vertical(id="codex-list-column"):
                yield Input(placeholder="Search names", id="codex-search")
                yield OptionList(id="codex-list")
            with VerticalScroll(id="codex-entry"):
                yield Markdown("", open_links=False, id="codex-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the list; open at the asked-for entry, or the first."""
        self.refill()
        self.query_one("#codex-list", OptionList).focus()

    def refill(self) -> None:
        """The list for the active tab and the search text."""
        game = self.game
        tab = self.query_one(Tabs).active or ALL_TAB
        query = self.query_one("#codex-search", Input).value
        if tab == SCENE_TAB:
            by_id = {e.id: e for e in game.story.codex}
            folded = query.casefold().strip()
            self.shown = [by_id[i] for i in self.scene_ids if i in by_id and
                          (not folded or any(folded in a.casefold() for a in by_id[i].aliases))]
        else:
            self.shown = codex.opened(game, None if tab == ALL_TAB else tab, query)
        options = [Option(printable(e.name), id=e.id) for e in self.shown]
        listing = self.query_one("#codex-list", OptionList)
        listing.set_options(options)
        opened, total = codex.counts(game)
        if tab == ALL_TAB and not query and total > opened:
            listing.add_option(Option(Content.styled(f"{total - opened} not yet met", "dim"),
                                      disabled=True))
        if not self.shown:
            self.query_one("#codex-text", Markdown).update(
                "Nothing here yet." if not query else "No entry matches the search.")
            return
        index = 0
        if self.start_entry is not None:
            ids = [e.id for e in self.shown]
            if self.start_entry in ids:
                index = ids.index(self.start_entry)
            self.start_entry = None
        listing.highlighted = index
        self.show_entry(self.shown[index])

    def show_entry(self, entry: CodexEntry) -> None:
        """The entry in the right pane, from the top."""
        self.query_one("#codex-text", Markdown).update(entry_markdown(self.game, entry))
        self.query_one("#codex-entry", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#codex-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = next((e for e in self.shown if e.id == event.option.id), None)
        if entry is not None:
            self.show_entry(entry)

    @on(Tabs.TabActivated)
    def _tab(self, event: Tabs.TabActivated) -> None:
        if self.is_mounted:
            self.refill()

    @on(Input.Changed, "#codex-search")
    def _search(self, event: Input.Changed) -> None:
        self.refill()

    @on(Input.Submitted, "#codex-search")
    def _searched(self, event: Input.Submitted) -> None:
        self.query_one("#codex-list", OptionList).focus()

    def action_search(self) -> None:
        """`/`: type to filter."""
        self.query_one("#codex-search", Input).focus()

    def action_people(self) -> None:
        """`p`: everyone met, this timeline beside ours."""
        self.app.push_screen(PeopleScreen())

    def action_close(self) -> None:
        """Back to where the player was (Escape in the search box leaves it first)."""
        search = self.query_one("#codex-search", Input)
        if search.has_focus:
            self.query_one("#codex-list", OptionList).focus()
            return
        self.dismiss()


class PeopleScreen(Screen[None]):
    """Everyone met: their fate in this timeline beside their fate in ours."""

    DEFAULT_CSS = """
    PeopleScreen #people-header {
        height: 1; padding: 0 1; background: $primary-darken-2; color: $foreground;
    }
    PeopleScreen DataTable { height: 1fr; }
    """

    BINDINGS = [Binding("escape,p", "close", "Back")]

    def compose(self) -> ComposeResult:
        game = self.app.game  # type: ignore[attr-defined]
        rows = codex.people(game)
        yield Static(Content.assemble(("People", "bold $secondary"), ("  ·  ", "dim"),
                                      (f"{len(rows)} met", "bold")), id="people-header")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "In this timeline", "In ours")
        for entry, here, ours in rows:
            table.add_row(printable(entry.name), printable(here or "-"),
                          printable(ours or "-"), key=entry.id)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """The table has the keyboard."""
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens that person in the codex."""
        self.app.push_screen(CodexScreen(entry=str(event.row_key.value)))

    def action_close(self) -> None:
        """Back."""
        self.dismiss()
