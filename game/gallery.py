"""The gallery of endings: a row per ending, found or not, for the TUI and the plain mode.

    gallery = build(story, saves_dir)       # reads the endings file (game/progress.py)
    print(render_plain(gallery, width=80))  # the plain mode's `g`
    text = epilogue_markdown(row)           # a found ending's epilogue, to reopen it

A found ending's row has its title, when it was first reached, from which scenario and in how
many decisions; one not found yet has its `hint:` from the content. Everything that came from
a file (the endings file or the content) goes through `output.printable` here, so neither
client can show a control sequence. Pure: no Textual, nothing written.
"""

from __future__ import annotations

import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from game.model import Ending, Story
from game.output import printable
from game.plaintext import MIN_WIDTH, inline_text
from game.progress import Reached, reached
from game.text import render

TIME_FORMAT = "%Y-%m-%d %H:%M"
UNKNOWN = "unknown"
NO_HINT = "No hint for this one: any road may lead there."


@dataclass(frozen=True)
class Row:
    """One ending as the gallery lists it."""

    ending_id: str
    found: bool
    title: str = ""  # shown only when found
    hint: str = ""
    reached: str = ""  # '2026-12-03 14:05', 'before 2026-12-03 14:05' or 'unknown'
    scenario: str = ""  # the scenario's title, or 'unknown'
    decisions: str = ""  # '23 decisions', or 'unknown'
    record: Reached | None = None

    @property
    def can_reopen(self) -> bool:
        """Whether the epilogue was kept and can be shown again."""
        return self.record is not None and self.record.has_epilogue

    def details(self) -> str:
        """'first reached 2026-12-03 14:05 · from The February Revolution · 23 decisions'."""
        if UNKNOWN == self.reached == self.scenario == self.decisions:
            return "found before the game kept when, where from and in how many decisions"
        return (f"first reached {self.reached} · from {self.scenario} · "
                f"{self.decisions}")


@dataclass(frozen=True)
class Gallery:
    """Every ending of a story, in the content's order, and the endings file's problem."""

    game_title: str
    rows: tuple[Row, ...]
    problem: str | None = None

    @property
    def found(self) -> int:
        """How many endings have been found."""
        return sum(row.found for row in self.rows)

    @property
    def total(self) -> int:
        """How many endings the story has."""
        return len(self.rows)

    def summary(self) -> str:
        """'Endings discovered: 3 of 10'."""
        return f"Endings discovered: {self.found} of {self.total}"


def build(story: Story, saves_dir: Path | str) -> Gallery:
    """The gallery of a story from the endings file in a saves folder."""
    found, problem = reached(saves_dir, story)
    return Gallery(printable(story.title), tuple(rows(story, found)),
                   None if problem is None else printable(problem))


def rows(story: Story, found: dict[str, Reached]) -> list[Row]:
    """A row per ending of the story, in the content's order."""
    out = []
    for ending in story.endings:
        hint = printable(ending.hint) if ending.hint else NO_HINT
        record = found.get(ending.id)
        if record is None:
            out.append(Row(ending.id, False, hint=hint))
            continue
        title = record.title or plain_title(story, ending)
        out.append(Row(ending.id, True, printable(title), hint, _when(record),
                       printable(record.scenario_title or record.scenario or UNKNOWN),
                       UNKNOWN if record.decisions is None else
                       f"{record.decisions} decision{'' if record.decisions == 1 else 's'}",
                       record))
    return out


def plain_title(story: Story, ending: Ending) -> str:
    """An ending's title without a game (its `{name}` holes filled with the start values)."""
    values: dict[str, object] = {v.id: v.start for v in story.variables.values()}
    values.update({t.id: t.start for t in story.texts.values()})
    date = story.scenarios[0].date if story.scenarios else 0
    return render(ending.title, values, date)


def _when(record: Reached) -> str:
    if record.at is None:
        return UNKNOWN
    try:
        stamp = time.strftime(TIME_FORMAT, time.localtime(record.at))
    except (OverflowError, OSError, ValueError):
        return UNKNOWN
    return f"before {stamp}" if record.earlier else stamp


def epilogue_markdown(row: Row) -> str:
    """A found ending as Markdown: its epilogue, the final values, "How you got here"."""
    record = row.record
    if record is None:
        return ""
    parts = [printable(record.epilogue).strip() or "*The epilogue was not kept.*"]
    facts = [printable(record.final)] if record.final else []
    ended = f"Ended in {printable(record.date)}" if record.date else "Ended"
    facts.append(f"{ended}, {row.decisions}, from {row.scenario}; first reached "
                 f"{row.reached}.")
    parts.append("\n\n".join(f"*{fact}*" if n else fact for n, fact in enumerate(facts)))
    if record.why:
        parts.append("**How you got here**\n\n" + "\n".join(printable(line)
                                                              for line in record.why))
    return "\n\n".join(parts)


def render_plain(gallery: Gallery, width: int = 80) -> str:
    """The gallery as plain text wrapped to `width` without splitting a word (Markdown in a
    title or a hint read as plain words), for the plain mode and pipes."""
    width = max(MIN_WIDTH, width)

    def wrap(text: str, first: str = "", rest: str = "") -> list[str]:
        return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False)

    lines = wrap(f"Endings of {gallery.game_title}: {gallery.found} of {gallery.total} "
                 "discovered")
    if gallery.problem:
        lines += wrap(f"({gallery.problem})")
    for number, row in enumerate(gallery.rows, 1):
        lines.append("")
        head = f"{number:>2}. "
        indent = " " * len(head)
        if row.found:
            lines += wrap(inline_text(row.title), head, indent)
            lines += wrap(row.details(), indent, indent)
        else:
            lines += wrap("Not found yet.", head, indent)
            lines += wrap(f"Hint: {inline_text(row.hint)}", indent, indent)
    return "\n".join(lines)
