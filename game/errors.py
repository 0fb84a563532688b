"""The project's errors, in one tree.

    GameError
    ├── ContentError          content failed to load or validate (carries every Problem)
    ├── SaveError             a save file cannot be read, written or used
    └── ContentRuntimeError   an expression failed while playing (names node and file)

Control flow (the story has ended) is not an error: the engine reports it as state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from game.output import printable


@dataclass(frozen=True, order=True)
class SourceRef:
    """A position in a content file; line and col are 1-based (0 when unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the content, at a source position."""

    where: SourceRef
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self, with_source: bool = True) -> str:
        """Render as `path:line:col: message`, with the source line and a caret under it."""
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        text = f"{self.where}: {prefix}{self.message}"
        if with_source and self.where.line:
            line = _source_line(self.where.path, self.where.line)
            if line is not None:
                gutter = f"{self.where.line:>5} | "
                caret = " " * (len(gutter) - 2) + "| " + " " * max(0, self.where.col - 1) + "^"
                text += f"\n{gutter}{line}\n{caret}"
        return printable(text)  # a file's name and lines can hold escape sequences

    def to_json(self) -> dict[str, object]:
        """A plain dict for `--format json`."""
        return {
            "path": self.where.path,
            "line": self.where.line,
            "col": self.where.col,
            "severity": self.severity,
            "message": self.message,
        }


def _source_line(path: str, line: int) -> str | None:
    from game.safefiles import read_regular

    try:  # the file the problem is in, once more: never through a link, never unbounded
        raw = read_regular(path, 4 * 1024 * 1024, truncate=True)
    except OSError:
        return None
    if _LAST[0] != (path, raw):  # problems come sorted by file: split each file once
        text = raw.decode("utf-8-sig", errors="replace")
        _LAST[:] = [(path, raw), re.split(r"\r\n|\r|\n", text) if "\r" in text
                    else text.split("\n")]
    lines = _LAST[1]
    if not 1 <= line <= len(lines):
        return None
    return lines[line - 1].rstrip("\r\n").replace("\t", " ")


_LAST: list[Any] = [None, []]  # the last file split into lines: ((path, bytes), lines)


class GameError(Exception):
    """Base of every error this project raises on purpose."""


class ContentError(GameError):
    """The content failed to load; `problems` holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.where.path, p.where.line, p.where.col))
        count = len([p for p in self.problems if p.severity == "error"])
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the content")


class SaveError(GameError):
    """A save cannot be read, written or used; the message is one sentence for the player."""


class ContentRuntimeError(GameError):
    """An expression failed while playing; the message names the node and the file."""


def suggest(name: str, candidates: object) -> str:
    """A ' (did you mean 'x'?)' suffix for a misspelt name, or ''."""
    import difflib

    pool = [c for c in candidates if isinstance(c, str)]  # type: ignore[attr-defined]
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
