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
    code: str = ""  # the rule (see RULES); "" means: found from the message

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
            "code": self.code or rule_of(self.message),
            "message": self.message,
            "hint": hint_of(self.message),
        }


# Every problem's rule code, stable across versions (documented in docs/authoring.md). Check
# warnings carry their code from game/authoring/lint.py; errors are told apart by their words,
# first match wins. The order matters: the narrow patterns come before the broad ones.
RULES: tuple[tuple[str, str], ...] = (
    ("yaml-tag", r"YAML tags are not supported"),
    ("yaml-syntax", r"^YAML syntax:|nesting deeper than"),
    ("yaml-feature", r"(anchors|aliases|merge keys) .*not supported|a key must be a plain"),
    ("file", r"file is larger|cannot read file|not valid UTF-8|^the file contains|^refused:"
             r"|holds one YAML document|problems in this file|the text holds the character"),
    ("content-folder", r"content folder|no game\.yaml|no pack\.yaml"),
    ("comment-cut", r"YAML reads ' #'"),
    ("duplicate-key", r"duplicate key"),
    ("unknown-key", r"unknown key"),
    ("expression-syntax", r"syntax error in expression"),
    ("flag-typo", r"likely (the|a) typo"),
    ("unknown-flag", r"unknown flag"),
    ("unknown-variable", r"unknown (variable|text variable)|unquoted text"),
    ("unknown-name", r"unknown name '\{"),
    ("unknown-node", r"unknown node|goto to unknown|start node .* does not exist|has no choice"),
    ("duplicate-id", r"duplicate choice id|already used|declared twice|replace: true"),
    ("date", r"must be a month|'until' is before"),
    ("pack", r"pack manifest|requires (the|octobers)|which is (not loaded|layered after)"),
    ("ending-fallback", r"no fallback ending"),
    ("no-scenario", r"no scenarios|no start node"),
    ("missing-key", r"missing '|without an '|needs at least one|needs a|needs '"),
    ("expression", r"expression|a condition must be|cannot compare|can only be compared|"
                   r"cannot be called|takes (one|two|a|quoted|no)|not allowed|exponent"),
    ("text", r"in text|the text (is|has)|characters, the most"),
    ("value", r"must be|is not a valid id|too large|is outside|lies outside|overlap|is empty"),
)
_RULES = [(code, re.compile(pattern)) for code, pattern in RULES]
_DID_YOU_MEAN = re.compile(r"did you mean [^)]*?\?")
_ADVICE = re.compile(r"(?:[;:(] ?|, )((?:put|write|use|add|quote|line|give|remove|split|indent"
                     r"|save|copy|close|fix|declare|compare) [^;()]*)")


def rule_of(message: str) -> str:
    """The stable rule code of a problem's message ("content" when no rule knows it)."""
    for code, pattern in _RULES:
        if pattern.search(message):
            return code
    return "content"


def hint_of(message: str) -> str:
    """What to do about a problem, as said in its message ('' when it says nothing)."""
    match = _DID_YOU_MEAN.search(message)
    if match is not None:
        tail = message[match.end():]
        extra = tail.lstrip(" ").rstrip(")")
        return match.group() + (" " + extra if extra and not tail.startswith(")") else "")
    advice = _ADVICE.findall(message)
    return advice[-1].strip().rstrip(".)") if advice else ""


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
