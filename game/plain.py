"""Plain-terminal play: numbered text on stdin and stdout, for screen readers, pipes and tests."""

from __future__ import annotations

import textwrap
from typing import TextIO

from game.engine import ChoiceView, Game, TurnResult
from game.errors import SaveError
from game.output import printable
from game.progress import discovered, record_ending
from game.saves import SaveStore
from game.union import guide_lines, union_lines

RULE = "─" * 60


def _wrap(text: str, width: int = 78) -> str:
    paragraphs = text.split("\n\n")
    out = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if any(line.startswith(("-", "*", ">", "|", "#", " ")) for line in lines):
            out.append(paragraph)
        else:
            out.append(textwrap.fill(" ".join(line.strip() for line in lines), width))
    return "\n\n".join(out)


def status_line(game: Game) -> str:
    """The shown variables and text variables, on one line."""
    parts = [f"{v.label} {game.values[v.id]}{' (in danger)' if game.in_danger(v.id) else ''}"
             for v in game.story.shown_variables]
    parts += [f"{t.label}: {game.values[t.id]}" for t in game.story.texts.values() if t.shown]
    return " · ".join(parts)


def describe_result(game: Game, result: TurnResult) -> list[str]:
    """Lines saying what a choice did: its log line and the shown stats it moved."""
    lines = [f"→ {result.entry.log}"]
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
    lines = [f"⇒ {arrival.title}: {arrival.log}".rstrip()]
    if moved:
        lines.append("  " + ", ".join(f"{c.label} {c.delta:+d} ({c.after})" for c in moved))
    return lines


class PlainSession:
    """Plays a game on text streams."""

    def __init__(self, game: Game, store: SaveStore, stdin: TextIO, stdout: TextIO):
        self.game = game
        self.store = store
        self.stdin = stdin
        self.out = stdout

    def say(self, text: str = "") -> None:
        """Write a line."""
        self.out.write(printable(text) + "\n")

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

    def run(self) -> int:
        """Play until an ending or the end of input; returns the exit status."""
        game = self.game
        for warning in game.warnings_now():
            self.say(f"(Danger: {warning}.)")
        while not game.over:
            scene = game.scene()
            self.say(RULE)
            self.say(f"{scene.date_label} · {scene.title}")
            self.say(RULE)
            if scene.text:
                self.say(_wrap(scene.text))
            self.say()
            for line in describe_arrival(game):
                self.say(line)
            self.say(status_line(game))
            self.say()
            for view in scene.choices:
                if view.enabled:
                    self.say(f"  {view.number}. {view.label}")
                else:
                    self.say(f"  {view.number}. [locked: {view.locked_reason}] {view.label}")
            choice = self.ask(scene.choices)
            if choice is None:
                saved = self.autosave()
                self.say()
                if saved:
                    slot = self.store.autosave_slot
                    shown = slot if " " not in slot else f"'{slot}'"
                    self.say(f"Your game is saved in {self.store.path(slot)}. Continue it "
                             f"with: octobers play --plain --load {shown}")
                return 0
            result = game.choose(choice)
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
        title, epilogue = game.ending_text()
        self.say("═" * 60)
        self.say(f"THE END: {title}")
        self.say("═" * 60)
        self.say(_wrap(epilogue))
        self.say()
        self.say(status_line(game))
        if game.ending_id is not None:
            record_ending(self.store.folder, game.story, game.ending_id, game)
        found, total = discovered(self.store.folder, game.story)
        self.say(f"Endings discovered: {found} of {total}")
        self.say(f"Decisions taken: {len(game.path)}")
        self.say(f"ending: {game.ending_id}")
        return 0

    def ask(self, choices: tuple[ChoiceView, ...]) -> int | None:
        """Read a choice number; None at the end of input. Wrong entries ask again."""
        numbers = [c.number for c in choices]
        while True:
            self.out.write(f"Your choice [1-{max(numbers)}, u: State of the Union, "
                           "g: endings, q: quit]: ")
            self.out.flush()
            line = self.stdin.readline()
            if not line:
                return None
            entry = line.strip()
            if entry in ("q", "quit"):
                return None
            if entry in ("g", "gallery"):  # the gallery of endings
                from game.gallery import build, render_plain
                self.say()
                self.say(render_plain(build(self.game.story, self.store.folder)))
                self.say()
                continue
            if entry in ("u", "union"):
                self.say()
                for text in [*union_lines(self.game), "", *guide_lines(self.game.story)]:
                    self.say(text)
                self.say()
                continue
            # ASCII digits only, and short: '²' or a 5,000-digit number is a wrong entry
            if not (entry.isascii() and entry.isdigit() and len(entry) <= 6) \
                    or int(entry) not in numbers:
                self.say(f"Please enter a number from 1 to {max(numbers)}.")
                continue
            view = choices[int(entry) - 1]
            if not view.enabled:
                self.say(f"That choice is locked: {view.locked_reason}")
                continue
            return view.number
