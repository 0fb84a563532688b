"""The game screen: date and event, the narrative, the choices and the state of the country."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from game import codex
from game.engine import Arrival, Change, Game, TurnResult
from game.model import format_date
from game.tui.widgets.choice_list import ChoiceList
from game.tui.widgets.dev_panel import refresh_dev_panel, scroll_dev_panel, toggle_dev_panel
from game.tui.widgets.narrative import Narrative
from game.tui.widgets.sidebar import Sidebar
from game.tui.widgets.stat_bar import change_text
from game.tui.widgets.stat_strip import StatStrip


def _changes(changes: Iterable[Change]) -> list[str | tuple[str, str] | Content]:
    parts: list[str | tuple[str, str] | Content] = []
    for change in changes:
        if change.shown and change.delta:
            parts += ["  ", (change.label, "bold"), " ", change_text(change.delta)]
    return parts


def result_line(result: TurnResult | None, arrival: Arrival | None = None) -> Content:
    """What the last choice did (its log line and the shown values it moved), then what the
    event now waiting did as it came up (its `enter:`)."""
    parts: list[str | tuple[str, str] | Content] = []
    if result is not None:
        parts += [("→ ", "bold $secondary"), result.entry.log, *_changes(result.entry.changes)]
    if arrival is not None and (arrival.log or any(c.shown and c.delta
                                                   for c in arrival.changes)):
        if parts:
            parts.append("\n")
        parts += [("⇒ ", "bold $secondary"), (f"{arrival.title}: ", "bold"), arrival.log,
                  *_changes(arrival.changes)]
    return Content.assemble(*parts)


WIDE = 100
FOOTER_ROOM_FOR_CODEX = 90
"""The narrowest terminal that has room for the sidebar next to the narrative."""


class GameScreen(Screen[None]):
    """Play: one event at a time, until an ending."""

    BINDINGS = [
        *[Binding(str(n), f"choose({n})", f"Choice {n}", show=False) for n in range(1, 10)],
        Binding("o", "history_note", "In our timeline"),
        Binding("u", "app.show('union')", "Union"),
        Binding("c", "codex", "Codex"),  # shown in the footer when there is room (check_action)
        Binding("c", "open_codex", "Codex", show=False),  # the key itself, at any width
        Binding("t", "app.show('timeline')", "Timeline"),
        Binding("s", "app.show('save')", "Save"),
        Binding("l", "app.show('load')", "Load"),
        Binding("escape", "app.go_to_title", "Title", show=False),
        Binding("f12", "dev_panel", "Debug panel", show=False),  # with --dev
        Binding("left_square_bracket", "scroll_dev_panel(-1)", "Scroll debug up", show=False),
        Binding("right_square_bracket", "scroll_dev_panel(1)", "Scroll debug down",
                show=False),
        Binding("pageup", "scroll_narrative(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_narrative(1)", "Scroll down", show=False, priority=True),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    """Below WIDE columns the sidebar folds into the one-line stat strip under the header."""

    def compose(self) -> ComposeResult:
        game = self.game
        text = game.ending_text()[1] if game.over else game.scene().text
        yield Static(id="scene-header")
        yield StatStrip(game, id="stat-strip")
        with Horizontal(id="game-body"):
            with Vertical(id="main-column"):
                yield Narrative(text, id="narrative")
                with VerticalScroll(id="last-turn"):  # never cut: it scrolls when long
                    yield Static(id="last-turn-text", markup=False)
                yield ChoiceList(id="choices")
            yield Sidebar(game, id="sidebar")
        yield Footer(compact=True)  # every key of the screen fits in 80 columns

    @property
    def game(self) -> Game:
        """The game being played (the app's)."""
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None, "the game screen needs a game"
        return game

    def on_mount(self) -> None:
        """Show the current event."""
        self.show_scene(self.app.last_result)  # type: ignore[attr-defined]

    def show_scene(self, result: TurnResult | None = None) -> None:
        """Show the current event (or the ending), and what the last choice did."""
        game = self.game
        line = result_line(result, None if game.over else game.arrival())
        self.query_one("#last-turn-text", Static).update(line)
        last = self.query_one("#last-turn", VerticalScroll)
        last.display = bool(line)
        last.scroll_home(animate=False)
        self.query_one(Sidebar).update_from(game)
        self.query_one(StatStrip).update_from(game)
        refresh_dev_panel(self)
        choices = self.query_one(ChoiceList)
        if game.over:
            title, epilogue = game.ending_text()
            self._header_text(format_date(game.date), f"The end: {title}")
            self.query_one(Narrative).show(codex.link_mentions(game.story, epilogue))
            choices.set_choices(())
            choices.display = False
            return
        scene = game.scene()
        self._header_text(scene.date_label, scene.title)
        self.query_one(Narrative).show(codex.link_mentions(game.story, scene.text))
        choices.display = True
        choices.set_choices(scene.choices)
        choices.focus()

    def _header_text(self, date_label: str, title: str) -> None:
        header = Content.assemble((date_label, "bold $secondary"), ("  ·  ", "dim"),
                                  (title, "bold"))
        self.query_one("#scene-header", Static).update(header)

    def on_screen_resume(self) -> None:
        """Back from a dialog (or a too-small terminal): the choices have the keyboard."""
        choices = self.query_one(ChoiceList)
        if choices.display:
            choices.focus()

    def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        """Take the choice through the app (engine, autosave, ending)."""
        message.stop()
        result = self.app.take_choice(message.number)  # type: ignore[attr-defined]
        if result is not None and self.is_current:
            self.show_scene(result)

    def action_choose(self, number: int) -> None:
        """Keys 1-9."""
        if not self.game.over:
            self.query_one(ChoiceList).pick(number)

    def action_scroll_narrative(self, direction: int) -> None:
        """Page Up/Down scroll the narrative wherever the keyboard is."""
        narrative = self.query_one(Narrative)
        if direction < 0:
            narrative.scroll_page_up()
        else:
            narrative.scroll_page_down()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`c` is in the footer only with a codex and room for it (90 columns: at 80 the
        footer is full; the help, the palette and the marked names still lead to it)."""
        if action == "codex":
            return bool(self.game.story.codex) and self.size.width >= FOOTER_ROOM_FOR_CODEX
        return True

    def on_resize(self) -> None:
        """The footer's keys depend on the width."""
        self.refresh_bindings()

    def action_open_codex(self) -> None:
        """`c` at any width."""
        self.action_codex()

    def action_codex(self, entry: str | None = None) -> None:
        """`c`: the codex, at the entries this scene names; a name in the text opens its own."""
        from game.tui.screens.codex import CodexScreen

        if not self.game.story.codex:
            self.notify("This story has no codex.", severity="warning")
            return
        self.app.push_screen(CodexScreen(entry, codex.scene_entries(self.game)))

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        """A marked name in the narrative opens its codex entry."""
        if message.href.startswith("codex:"):
            message.stop()
            self.action_codex(message.href.removeprefix("codex:"))

    def action_dev_panel(self) -> None:
        """F12: the debug panel (with --dev)."""
        toggle_dev_panel(self)

    def action_scroll_dev_panel(self, direction: int) -> None:
        """[ and ]: scroll the debug panel (with --dev, while it is open)."""
        scroll_dev_panel(self, direction)

    def action_history_note(self) -> None:
        """Show the event's "In our timeline" note."""
        from game.tui.screens.history_note import HistoryNoteScreen

        game = self.game
        if game.over:
            return
        scene = game.scene()
        self.app.push_screen(HistoryNoteScreen(scene.title, scene.history))
