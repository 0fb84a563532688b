"""Plain-terminal play: numbered text on stdin and stdout, for screen readers, pipes and tests.

The same game as the full-screen UI, one line of input at a time. At a decision the player
types a choice's number or a key (`?` lists them): the "In our timeline" note, the timeline
and rewinding, saves, the chronicle, the State of the Union, the codex, and for authors a
debug dump (`--dev` also says under each choice why it is open or locked). After the ending
the keys that still make sense stay (timeline, rewind, save, load, export) and anything else
finishes; the last line printed is then always `ending: ID`, for scripts.

Every text goes through `game.output.printable`, and is wrapped to the terminal's width
(`shutil.get_terminal_size`: $COLUMNS, else the terminal, else 80 in a pipe) without
splitting a word; content's Markdown is rendered as plain text (game/plaintext.py).

The keys are a table (`COMMANDS`): a key, its argument, a line of help, and the method that
runs it, so a new key is one row and one method.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from game import codex
from game.chronicle import (
    chronicle,
    chronicle_name,
    describe_changes,
    entries_by_year,
    how_you_got_here,
    then_line,
)
from game.engine import ChoiceView, Game, TurnResult
from game.errors import GameError, SaveError
from game.model import CODEX_KINDS, MONTHS, Story, format_date
from game.output import printable
from game.plaintext import MIN_WIDTH, inline_text, markdown_lines, wrap_line
from game.progress import discovered, record_ending
from game.safefiles import write_atomic
from game.saves import AUTOSAVE, SaveStore, check_slot, shown_folder
from game.union import guide_lines, union_lines

RULE_WIDTH = 60


def status_line(game: Game) -> str:
    """The shown variables and text variables, on one line."""
    parts = [f"{v.label} {game.values[v.id]}{' (in danger)' if game.in_danger(v.id) else ''}"
             for v in game.story.shown_variables]
    parts += [f"{t.label}: {game.values[t.id]}" for t in game.story.texts.values() if t.shown]
    return " · ".join(parts)


def describe_result(game: Game, result: TurnResult) -> list[str]:
    """Lines saying what a choice did: its log line and the shown stats it moved."""
    lines = [f"→ {inline_text(result.entry.log)}"]
    moved = [c for c in result.entry.changes if c.shown]
    if moved:
        lines.append("  " + ", ".join(f"{c.label} {c.delta:+d} ({c.after})" for c in moved))
    return lines


def describe_arrival(game: Game) -> list[str]:
    """What the event now waiting did as it came up (its `enter:`), if anything."""
    arrival = game.arrival()
    if arrival is None:
        return []
    moved = [c for c in arrival.changes if c.shown and c.delta]
    if not arrival.log and not moved:
        return []
    lines = [f"⇒ {inline_text(arrival.title)}: {inline_text(arrival.log)}".rstrip()]
    if moved:
        lines.append("  " + ", ".join(f"{c.label} {c.delta:+d} ({c.after})" for c in moved))
    return lines


def final_values(game: Game) -> list[str]:
    """The shown values at the end, and how long the run was (as the ending screen says)."""
    start = game.history[0][0] if game.history else game.date
    decisions = len(game.timeline)
    return [status_line(game),
            f"{decisions} decision{'s' if decisions != 1 else ''}, "
            f"{format_date(start)} to {format_date(game.date)}"]


def timeline_lines(game: Game) -> list[str]:
    """The timeline as the `t` key prints it: decisions numbered from 1, by year; branches
    numbered B1, B2 ...; `r N` / `r BN` return to them."""
    lines = [f"TIMELINE · {inline_text(game.story.title)}: the history so far"]
    number = 0
    for year, entries in entries_by_year(game.timeline):
        lines += ["", str(year)]
        for entry in entries:
            number += 1
            lines.append(f"  {number}. {MONTHS[entry.date % 12]} — {inline_text(entry.title)}: "
                         f"{inline_text(entry.log)}")
            detail = [] if entry.log.strip() == entry.label.strip() \
                else [f"Chosen: {inline_text(entry.label)}"]
            changes = describe_changes(entry.changes)
            if changes:
                detail.append(changes)
            then = then_line(entry)
            if then:
                detail.append(inline_text(then))
            if detail:
                lines.append("     " + " · ".join(detail))
    if not game.timeline:
        lines += ["", "No decision has been taken yet."]
    lines.append("")
    if game.over:
        lines.append(f"The end · {inline_text(game.ending_text()[0])}")
    else:
        scene = game.scene()
        lines.append(f"Now · {scene.date_label} · {inline_text(scene.title)} (your decision)")
    if game.branches:
        lines += ["", "Other branches: futures you left"]
        for index, branch in enumerate(game.branches, start=1):
            if branch.at < len(game.timeline):
                entry = game.timeline[branch.at]
                left = (f"at decision {branch.at + 1} ({format_date(entry.date)}, "
                        f"{inline_text(entry.title)})")
            else:
                left = f"after decision {branch.at}" if branch.at else "at the start"
            reached = f"{inline_text(branch.title)}, {format_date(branch.date)}" \
                if branch.title else format_date(branch.date)
            count = len(branch.path)
            lines.append(f"  B{index}. {reached}: {count} decision{'s' if count != 1 else ''}; "
                         f"parted from this timeline {left}")
    if game.timeline or game.branches:
        lines += ["", "Type r N to return to decision N and choose otherwise"
                  + (", or r B1 for a branch" if game.branches else "")
                  + "; the future you leave is kept as a branch."]
    return lines


def debug_lines(game: Game) -> list[str]:
    """The `d` dump: every variable (hidden ones too), the flags, the game's origin, and why
    the event now waiting came up (the debug panel's facts, as text)."""
    from game.authoring.explain import explain, format_explanation

    story = game.story
    lines = ["DEBUG", "", "Variables"]
    names = [*story.variables, *story.texts]
    width = max((len(name) for name in names), default=0)
    for var_id in names:
        variable = story.variables.get(var_id) or story.texts[var_id]
        value = game.values.get(var_id)
        shown = repr(value) if isinstance(value, str) else str(value)
        lines.append(f"  {var_id.ljust(width)}  {shown}{'' if variable.shown else '  hidden'}")
    lines += ["", "Flags", "  " + (", ".join(sorted(game.flags)) if game.flags else "none set")]
    origin = game.origin
    game_line = f"  turn {game.turn}, seed {origin.seed}, scenario {origin.scenario}"
    if origin.start_at is not None:
        game_line += f", --start-at {origin.start_at}"
    lines += ["", "Game", game_line, "", "Why"]
    why = explain(game)
    if why is None:
        lines.append(f"  the game has ended: {game.ending_id}")
    else:
        lines += ["  " + line for line in format_explanation(why).splitlines()]
    return lines


def choice_reasons(game: Game) -> tuple[dict[str, str], list[str]]:
    """For `--dev`: why each shown choice is open or locked (by choice id), and the choices
    hidden now with why."""
    from game.authoring.explain import explain, format_condition

    why = explain(game)
    reasons: dict[str, str] = {}
    hidden: list[str] = []
    if why is None:
        return reasons, hidden
    for choice in why.choices:
        reason = format_condition(choice.condition).replace("\n", " ") \
            if choice.condition is not None else "no condition"
        if choice.status == "hidden":
            hidden.append(f"[hidden] {choice.id}: {choice.label} ({reason})")
        else:
            reasons[choice.id] = f"{choice.status}: {reason}"
    return reasons, hidden


def is_automatic(slot: str) -> bool:
    """Whether a slot is the autosave or one of its backups, which no one saves to (the save
    dialog's rule, game/tui/screens/saves.py; plain mode cannot import the TUI)."""
    return slot == AUTOSAVE or slot.startswith((f"{AUTOSAVE}.", f"{AUTOSAVE} "))


@dataclass(frozen=True)
class Command:
    """A key of the plain prompt."""

    key: str
    arg: str  # what follows the key ("NAME", "N"), "" for none
    help: str
    method: str  # the PlainSession method that runs it: (self, argument) -> True if the game
    #              being played was replaced (rewound, loaded), so it is shown afresh
    at_end: bool = True  # also after the ending
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("o", "", 'the "In our timeline" note: what really happened', "cmd_history",
            at_end=False),
    Command("t", "", "the timeline: every decision so far, numbered", "cmd_timeline",
            aliases=("timeline",)),
    Command("r", "N", "return to decision N of the timeline and choose otherwise "
            "(r B1: to a branch you left)", "cmd_rewind"),
    Command("s", "NAME", "save the game as NAME (s alone lists the saves)", "cmd_save",
            aliases=("save",)),
    Command("l", "NAME", "load the save NAME (l alone lists the saves)", "cmd_load",
            aliases=("load",)),
    Command("e", "", "export the chronicle (Markdown) into the saves folder", "cmd_export",
            aliases=("export",)),
    Command("u", "", "the State of the Union and what the stats mean", "cmd_union",
            aliases=("union",)),
    Command("c", "NAME", "the codex entry NAME (people, places, terms)", "cmd_codex",
            aliases=("codex",)),
    Command("d", "", "debug: every variable (hidden ones too), the flags, why this event",
            "cmd_debug", aliases=("debug",)),
    Command("?", "", "this list of keys", "cmd_help", aliases=("h", "help")),
    Command("q", "", "quit (the game is autosaved; --load autosave continues it)", "cmd_quit",
            aliases=("quit", "exit")),
)


def find_command(word: str) -> Command | None:
    """The command a typed word names, if any (case does not matter)."""
    word = word.lower()
    return next((c for c in COMMANDS if word == c.key or word in c.aliases), None)


class _Quit(Exception):
    """The player asked to stop (q, or the end of input)."""


class PlainSession:
    """Plays a game on text streams."""

    def __init__(self, game: Game, store: SaveStore, stdin: TextIO, stdout: TextIO,
                 width: int | None = None, dev: bool = False):
        self.game = game
        self.store = store
        self.stdin = stdin
        self.out = stdout
        columns = width if width is not None else shutil.get_terminal_size((80, 24)).columns
        self.width = max(MIN_WIDTH, columns)
        self.dev = dev
        self._guide: tuple[Story, list[str]] | None = None
        try:
            self.interactive = stdin.isatty()
        except (AttributeError, ValueError, OSError):
            self.interactive = False

    # ---- output ------------------------------------------------------------------------
    def say(self, text: str = "", hang: str | None = None) -> None:
        """Write text (printable, each line wrapped to the width under its own indent or
        marker, or under `hang`)."""
        for line in printable(text).split("\n"):
            for part in wrap_line(line, self.width, hang):
                self.out.write(part + "\n")

    def say_markdown(self, text: str) -> None:
        """Write content's Markdown as wrapped plain text."""
        for line in markdown_lines(printable(text), self.width):
            self.out.write(line + "\n")

    def rule(self, char: str = "─") -> None:
        """A line across (at most RULE_WIDTH)."""
        self.out.write(char * min(RULE_WIDTH, self.width) + "\n")

    def prompt(self, text: str) -> str | None:
        """Ask on one line (wrapped if the width needs it); the answer, or None at the end
        of input."""
        lines = wrap_line(printable(text), self.width - 1)  # room for the space after it
        for line in lines[:-1]:
            self.out.write(line + "\n")
        self.out.write(lines[-1] + " ")
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            self.out.write("\n")
            return None
        entry = line.strip()
        if not self.interactive:  # piped input is not echoed: show it, so a transcript
            echo = printable(entry)  # reads as typed, and what follows starts its own line
            fits = len(lines[-1]) + 1 + len(echo) <= self.width
            self.out.write((echo if fits else "\n" + "\n".join(wrap_line(echo, self.width)))
                           + "\n")
        return entry

    def autosave(self) -> bool:
        """Autosave; a failure is reported and play goes on."""
        try:
            self.store.autosave(self.game)
        except SaveError as exc:
            self.say(f"(Autosave failed: {exc} Play goes on.)")
            return False
        if self.store.last_kept is not None:
            self.say(f"(Your unfinished game is kept as the save '{self.store.last_kept}': "
                     f"octobers play --plain --load '{self.store.last_kept}')")
        return True

    # ---- the game ------------------------------------------------------------------------
    def run(self) -> int:
        """Play until the player quits or the input ends; returns the exit status."""
        for warning in self.game.warnings_now():
            self.say(f"(Danger: {warning}.)")
        shown_end: Game | None = None
        try:
            while True:
                if not self.game.over:
                    self.show_scene()
                    self.decide()
                elif shown_end is not self.game:
                    shown_end = self.game
                    self.show_ending()
                else:
                    self.after_ending()
        except _Quit:
            pass
        return self.finish()

    def finish(self) -> int:
        """Say goodbye: where an unfinished game is kept, or the machine-readable ending."""
        game = self.game
        if game.over:
            self.say(f"ending: {game.ending_id}")
            return 0
        if self.autosave():
            slot = self.store.autosave_slot
            shown = slot if " " not in slot else f"'{slot}'"
            self.say(f"Your game is saved in {self.store.path(slot)}. Continue it "
                     f"with: octobers play --plain --load {shown}")
        return 0

    def show_scene(self) -> None:
        """The event waiting: date and title, text, what came with it, values, choices."""
        game = self.game
        scene = game.scene()
        self.rule()
        self.say(f"{scene.date_label} · {inline_text(scene.title)}")
        self.rule()
        if scene.text:
            self.say_markdown(scene.text)
        self.say()
        for line in describe_arrival(game):
            self.say(line)
        self.say(status_line(game))
        self.say()
        reasons, hidden = choice_reasons(game) if self.dev else ({}, [])
        for view in scene.choices:
            label = inline_text(view.label)
            if view.enabled:
                self.say(f"  {view.number}. {label}")
            else:
                self.say(f"  {view.number}. [locked: {inline_text(view.locked_reason or '')}] "
                         f"{label}")
            if view.id in reasons:
                self.say(f"     {reasons[view.id]}")
        for line in hidden:
            self.say(f"     {line}")

    def decide(self) -> None:
        """Read entries until a choice is taken or the game is replaced."""
        choices = self.game.scene().choices
        last = max(c.number for c in choices)
        while True:
            entry = self.prompt(f"Your choice [1-{last}, u: State of the Union, "
                                "? for help, q to quit]:")
            if entry is None:
                raise _Quit
            changed = self.command(entry) if entry else None
            if changed is not None:
                if changed:
                    return
                continue
            number = int(entry) if entry.isascii() and entry.isdigit() and len(entry) <= 6 \
                else None  # '²' or a 5,000-digit number is a wrong entry
            if number is None or not 1 <= number <= last:
                self.say(f"Please enter a number from 1 to {last}. "
                         "(? lists the other keys.)")
                continue
            view = choices[number - 1]
            if not view.enabled:
                self.say(f"That choice is locked: {inline_text(view.locked_reason or '')}")
                continue
            self.take(view)
            return

    def take(self, view: ChoiceView) -> None:
        """Take a choice, say what it did, autosave."""
        game = self.game
        try:
            result = game.choose(view.number)
        except ValueError as exc:  # as the full-screen game: a notice, and the event stays
            self.say(f"(That choice cannot be taken: {exc})")
            return
        self.say()
        for line in describe_result(game, result):
            self.say(line)
        for problem in result.problems:
            self.say(f"(content problem: {problem})")
        if not game.over:
            for warning in result.warnings:
                self.say(f"(Danger: {warning}.)")
        self.say()
        self.autosave()

    def command(self, entry: str) -> bool | None:
        """Run the key `entry` names: None when it names none, else True when the game
        being played was replaced (rewound, loaded) and must be shown afresh."""
        word, _, argument = entry.partition(" ")
        command = find_command(word)
        if command is None:
            return None
        if self.game.over and not command.at_end:
            self.say(f"'{command.key}' is for a decision, and the game has ended.")
            return False
        handler: Callable[[str], bool | None] = getattr(self, command.method)
        self.say()
        changed = bool(handler(argument.strip()))
        self.say()
        return changed

    def show_ending(self) -> None:
        """The ending as the ending screen shows it: title, epilogue, final values, how you
        got here; it is recorded among the endings discovered."""
        game = self.game
        title, epilogue = game.ending_text()
        self.rule("═")
        self.say(f"THE END: {inline_text(title)}")
        self.rule("═")
        if epilogue.strip():
            self.say_markdown(epilogue)
        self.say()
        for line in final_values(game):
            self.say(line)
        reasons = how_you_got_here(game)
        if reasons:
            self.say()
            self.say("How you got here")
            self.say_markdown("\n".join(reasons))
        figures = codex.who_became_what(game)
        if figures:
            self.say()
            self.say("Who became what (this timeline; ours)")
            for who, here, ours in figures:
                self.say(f"- {who}: {here}; in ours, {ours}", hang="  ")
        self.say()
        if game.ending_id is not None:
            record_ending(self.store.folder, game.story, game.ending_id)
        found, total = discovered(self.store.folder, game.story)
        self.say(f"Endings discovered: {found} of {total}")
        self.say(f"Decisions taken: {len(game.path)}")

    def after_ending(self) -> None:
        """One entry after the ending: a key (t, r N, s, l, e, u ...) runs; anything else
        (Enter, q, a number) finishes, so piped input never loops here."""
        entry = self.prompt("The end. Keys: t timeline, r N return, e export, "
                            "? help; Enter to finish:")
        if not entry or self.command(entry) is None:
            raise _Quit

    # ---- the keys (COMMANDS) ---------------------------------------------------------------
    def cmd_help(self, argument: str) -> None:
        """? : the keys."""
        over = self.game.over
        self.say("Keys (type one and press Enter):")
        if not over:
            last = max(c.number for c in self.game.scene().choices)
            self.say(f"  {'1-' + str(last):<8} take that choice", hang=" " * 11)
        for command in COMMANDS:
            if over and not command.at_end:
                continue
            key = f"{command.key} {command.arg}".strip()
            self.say(f"  {key:<8} {command.help}", hang=" " * 11)

    def cmd_quit(self, argument: str) -> None:
        """q : stop (finish() autosaves an unfinished game)."""
        raise _Quit

    def cmd_history(self, argument: str) -> None:
        """o : the event's "In our timeline" note."""
        scene = self.game.scene()
        self.say(f"In our timeline: {inline_text(scene.title)}")
        self.say()
        if scene.history:
            self.say_markdown(scene.history)
        else:
            self.say("No note for this event.")

    def cmd_timeline(self, argument: str) -> None:
        """t : the timeline."""
        for line in timeline_lines(self.game):
            self.say(line)

    def cmd_rewind(self, argument: str) -> bool:
        """r N : back to decision N (r BN: to a branch), keeping the future left as a branch."""
        game = self.game
        text = argument.strip().upper()
        branch = text.startswith("B")
        digits = text[1:] if branch else text
        limit = len(game.branches) if branch else len(game.timeline)
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 6) \
                or not 1 <= int(digits) <= limit:
            if limit == 0:
                self.say("There is no branch to return to." if branch
                         else "No decision has been taken yet.")
            else:
                self.say(f"Type r and a number from 1 to {limit}"
                         + (" after B" if branch else "") + " (t lists them).")
            return False
        number = int(digits)
        try:
            new = game.restore_branch(number - 1) if branch else game.rewind(number - 1)
        except (GameError, ValueError, IndexError) as exc:
            self.say(f"Cannot return there: {exc}")
            return False
        self.game = new
        if branch:
            self.say(f"Back in the future you left, {format_date(new.date)}. The present is "
                     "kept as a branch (t lists it).")
        else:
            self.say(f"Back in {format_date(new.date)}. The future you left is kept as a "
                     "branch (t lists it).")
        self.autosave()
        return True

    def list_slots(self, automatic: bool) -> None:
        """The saves in the folder, newest first (a broken one with its problem)."""
        infos = [info for info in self.store.slots() if automatic or not
                 is_automatic(info.slot)]
        self.say(f"Saves in {shown_folder(self.store.folder)}:")
        if not infos:
            self.say("  none yet.")
        for info in infos:
            saved = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.saved_at))
            if info.problem is not None:
                problem = info.problem.replace(str(info.path), info.path.name)
                self.say(f"  - {info.slot}: cannot be loaded. {problem}")
                continue
            where = " · ".join(x for x in (info.date_label, info.title) if x)
            if info.ending is not None:
                where += " (the end)"
            stats = " · ".join(f"{label} {value}" for label, value in info.stats)
            self.say(f"  - {info.slot}: {where}; {stats}; saved {saved}")

    def cmd_save(self, name: str) -> None:
        """s NAME : save to a named slot (asking before saving over one)."""
        if not name:
            self.list_slots(automatic=False)
            self.say("Type s and a name to save, e.g. s my game (letters, digits, spaces, "
                     "- and _).")
            return
        if is_automatic(name):
            self.say("'autosave' is kept for the automatic save; choose another name.")
            return
        try:
            check_slot(name)
        except SaveError as exc:
            self.say(str(exc))
            return
        if self.store.exists(name):
            answer = self.prompt(f"There is already a save called '{name}'. Save over it? "
                                 "[y/N]")
            if (answer or "").lower() not in ("y", "yes"):
                self.say("Not saved.")
                return
        try:
            path = self.store.save(self.game, name)
        except SaveError as exc:
            self.say(str(exc))
            return
        self.say(f"Saved to '{name}' ({path}).")

    def cmd_load(self, name: str) -> bool:
        """l NAME : load a save instead of the game being played."""
        if not name:
            self.list_slots(automatic=True)
            self.say("Type l and a save's name to load it, e.g. l autosave.")
            return False
        try:
            game, notes = self.store.load(name, self.game.story)
        except SaveError as exc:
            message = str(exc)
            try:
                backup = self.store.usable_backup(name)
            except SaveError:
                backup = None
            if backup is not None:
                message += f" A backup that loads exists: {backup}."
            self.say(message)
            return False
        self.game = game
        for note in notes:
            self.say(f"Note: {note}.")
        self.say(f"Loaded '{name}'.")
        return True

    def cmd_export(self, argument: str) -> None:
        """e : the chronicle, as Markdown, into the saves folder; says where."""
        folder = self.store.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            taken = [path.name for path in folder.glob("chronicle-*.md")]
            path = folder / chronicle_name(self.game, taken)
            write_atomic(path, chronicle(self.game).encode("utf-8"))
        except OSError as exc:
            self.say(f"Could not write the chronicle: {exc.strerror or exc}.")
            return
        self.say(f"Chronicle written to {path}")

    def cmd_union(self, argument: str) -> None:
        """u : the State of the Union and the stats guide (the same for the whole story)."""
        story = self.game.story
        if self._guide is None or self._guide[0] is not story:
            self._guide = (story, guide_lines(story))
        for text in [*union_lines(self.game), "", *self._guide[1]]:
            self.say(inline_text(text))

    def cmd_codex(self, name: str) -> None:
        """c NAME : a codex entry met so far, by any of its names (c alone lists them)."""
        game = self.game
        if not game.story.codex:
            self.say("There is no codex in this content.")
            return
        met, total = codex.counts(game)
        if not name:
            self.say(f"The codex: {met} of {total} met.")
            for kind in CODEX_KINDS:
                entries = codex.opened(game, kind)
                if entries:
                    self.say(f"{codex.KIND_LABELS[kind]}: "
                             + ", ".join(e.name for e in entries) + ".", hang="  ")
            self.say("Type c and a name to read an entry, e.g. c "
                     f"{codex.opened(game)[0].aliases[-1] if met else 'Lenin'}.")
            return
        entry, why = codex.find(game.story, name, among=codex.met(game))
        if entry is None:
            self.say(why[0].upper() + why[1:] + ".")
            return
        self.say_markdown(codex.entry_markdown(game, entry))

    def cmd_debug(self, argument: str) -> None:
        """d : the debug dump."""
        for line in debug_lines(self.game):
            self.say(line)
