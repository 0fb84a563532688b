"""The timeline: the alternate history so far, by year, like a wiki page of a world that wasn't.

Every decision taken is an entry; picking one (and confirming) returns the game to that
decision to choose otherwise, through `Game.rewind`. The future left behind is kept in
`game.branches`, listed under the timeline: picking one returns to it (`Game.restore_branch`),
and the present becomes a branch in its turn. The engine does the replaying; this screen only
asks and shows. A branch names the choice it took where it parted from this timeline, and the
month and event where it left off. Escape goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.chronicle import describe_changes, entries_by_year, then_line
from game.engine import Branch, Entry, Game
from game.errors import GameError
from game.model import MONTHS, format_date
from game.tui.screens.confirm import ConfirmScreen

Target = tuple[str, int]
"""What an option leads to: ("rewind", decisions kept) or ("branch", index)."""


def entry_prompt(entry: Entry) -> Content:
    """A decision as the timeline shows it: month, event, what happened; what was chosen."""
    parts: list[str | tuple[str, str]] = [
        (MONTHS[entry.date % 12], "bold $secondary"), " — ", (entry.title, "bold"), ": ",
        entry.log]
    detail = [] if entry.log.strip() == entry.label.strip() else [f"Chosen: {entry.label}"]
    changes = describe_changes(entry.changes)
    if changes:
        detail.append(changes)
    then = then_line(entry)
    if then:
        detail.append(then)
    if detail:
        parts.append(("\n   " + " · ".join(detail), "dim italic"))
    return Content.assemble(*parts)


def branch_prompt(game: Game, branch: Branch) -> Content:
    """An abandoned future: the choice it took where it parted, and where it left off."""
    return Content.assemble(("↳ ", "bold $secondary"), (branch_choice(game, branch), "bold"),
                            (f"\n   {branch_left_off(game, branch)}", "dim italic"))


def branch_choice(game: Game, branch: Branch) -> str:
    """'Chose “Rise now” in July 1917 (The July days)': the decision where the branch parted
    from this timeline. A branch saved before labels were kept finds its choice in the
    content, or names the decision by its number."""
    label = branch.label or _content_label(game, branch)
    entry = game.timeline[branch.at] if branch.at < len(game.timeline) else None
    if entry is not None:
        where = f" in {format_date(entry.date)} ({entry.title})"
    elif branch.at < len(branch.path) and game.node_id == branch.path[branch.at][0]:
        where = f" in {format_date(game.date)} ({game.headline()}, the decision now open)"
    else:
        where = f" after decision {branch.at}"
    return f"Chose “{label}”{where}" if label else f"Went another way{where}"


def _content_label(game: Game, branch: Branch) -> str:
    if branch.at >= len(branch.path):
        return ""
    node_id, choice_id = branch.path[branch.at]
    node = game.story.nodes.get(node_id)
    for choice in node.choices if node is not None else ():
        if choice.id == choice_id:
            return game.text(choice.label)
    return ""


def branch_left_off(game: Game, branch: Branch) -> str:
    """'Left off in March 1918 at The Assembly, after 5 decisions'."""
    count = len(branch.path)
    at = f" at {branch.title}" if branch.title else ""
    return (f"Left off in {format_date(branch.date)}{at}, after {count} "
            f"decision{'' if count == 1 else 's'}")


class TimelineScreen(Screen[None]):
    """The history so far; return to any decision, or to an abandoned future."""

    DEFAULT_CSS = """
    TimelineScreen #timeline-intro { height: auto; padding: 0 1; color: $text-muted; }
    TimelineScreen #timeline-heading {
        height: 1; padding: 0 1; background: $primary-darken-2; text-style: bold;
    }
    TimelineScreen #timeline { height: 1fr; border: round $primary; }
    TimelineScreen #timeline:focus { border: round $secondary; }
    TimelineScreen #timeline > .option-list--option-disabled { color: $foreground; }
    """

    BINDINGS = [("escape,t", "close", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self._targets: list[Target | None] = []

    @property
    def game(self) -> Game:
        """The game whose timeline this is (the app's)."""
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None, "the timeline needs a game"
        return game

    def compose(self) -> ComposeResult:
        story = self.game.story
        yield Static(Content.assemble(("Timeline", "bold $secondary"),
                                      (f" · {story.title}: the history so far", "")),
                     id="timeline-heading")
        yield Static("Pick a decision to return to it and choose otherwise; the future you "
                     "leave is kept as a branch you can come back to.", id="timeline-intro")
        yield OptionList(*self._options(), id="timeline")
        yield Footer()

    def _options(self) -> list[Option | None]:
        game = self.game
        options: list[Option | None] = []
        self._targets = []

        def add(option: Option | None, target: Target | None = None) -> None:
            options.append(option)
            if option is not None:
                self._targets.append(target)

        index = 0
        for year, entries in entries_by_year(game.timeline):
            add(Option(Content.styled(str(year), "bold underline $secondary"), disabled=True))
            for entry in entries:
                add(Option(entry_prompt(entry), id=f"entry-{index}"), ("rewind", index))
                index += 1
        if not game.timeline:
            add(Option(Content.styled("No decision has been taken yet.", "italic"),
                       disabled=True))
        if game.over:
            title, _ = game.ending_text()
            now = Content.assemble(("The end", "bold $secondary"), (f" · {title}", "bold"))
        else:
            scene = game.scene()
            now = Content.assemble(("Now", "bold $secondary"),
                                   (f" · {scene.date_label} · {scene.title}", "bold"),
                                   ("  (your decision)", "dim"))
        add(Option(now, disabled=True))
        if game.branches:
            add(None)
            add(Option(Content.styled("Other branches: futures you left", "bold $secondary"),
                       disabled=True))
            for number, branch in enumerate(game.branches):
                add(Option(branch_prompt(game, branch), id=f"branch-{number}"),
                    ("branch", number))
        return options

    def on_mount(self) -> None:
        """Highlight the latest decision."""
        timeline = self.query_one("#timeline", OptionList)
        if self.game.timeline:
            timeline.highlighted = timeline.get_option_index(
                f"entry-{len(self.game.timeline) - 1}")
        timeline.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Ask, then return to the decision or the branch."""
        event.stop()
        target = self._targets[event.option_index]
        if target is None:
            return
        kind, number = target
        game = self.game
        if kind == "rewind":
            entry = game.timeline[number]
            question = (f"Return to {format_date(entry.date)}, {entry.title}, and choose "
                        "otherwise? The future after it is kept as a branch you can come "
                        "back to.")
        else:
            branch = game.branches[number]
            question = (f"Return to the future you left ({branch.title or 'untitled'}, "
                        f"{format_date(branch.date)})? The present is kept as a branch.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.go(kind, number)

        self.app.push_screen(ConfirmScreen(question, yes="Return"), answered)

    def go(self, kind: str, number: int) -> None:
        """Rewind to a decision or restore a branch, and play on from there."""
        game = self.game
        try:
            new = game.rewind(number) if kind == "rewind" else game.restore_branch(number)
        except (GameError, ValueError, IndexError) as exc:
            self.app.notify(f"Cannot return there: {exc}", severity="error", markup=False)
            return
        where = format_date(new.date)
        self.app.install_game(new)  # type: ignore[attr-defined]
        self.app.notify(f"Back in {where}. The future you left is kept as a branch (t).",
                        title="Timeline", markup=False)

    def action_close(self) -> None:
        """Back to the game."""
        self.dismiss()
