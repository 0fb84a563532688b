"""Reading typed fields out of positioned YAML, collecting problems instead of raising."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from game.errors import Problem, SourceRef, suggest
from game.model import month_index
from game.yamlsrc import YMap, YSeq, YStr, where_of

ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})\Z")
INT_RE = re.compile(r"^[+-]?\d+\Z")
NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\Z")
MAX_NUMBER = 10**12  # the largest number a content field may hold (as in expressions)
MIN_YEAR, MAX_YEAR = 1800, 2199  # the years a date in content (or a save) may name
_TRUE = ("true", "True", "TRUE", "yes", "Yes", "on")
_FALSE = ("false", "False", "FALSE", "no", "No", "off")


# Keys from other formats (or other places of this one) and what they mean here.
_KEY_HINTS = {
    "flags": ("set", "a choice raises flags with 'set:'"),
    "flag": ("set", "a choice raises flags with 'set:'"),
    "condition": ("when", "conditions are written under 'when:'"),
    "conditions": ("when", "conditions are written under 'when:'"),
    "if": ("when", "conditions are written under 'when:'"),
    "requires": ("when", "conditions are written under 'when:'"),
    "chance": ("weight", "chances are written as 'weight:' on each outcome"),
    "probability": ("weight", "chances are written as 'weight:' on each outcome"),
    "odds": ("weight", "chances are written as 'weight:' on each outcome"),
    "effect": ("effects", "changes to variables go under 'effects:'"),
    "next": ("goto", "a jump to another node is written 'goto:'"),
    "description": ("text", "a scene's words go under 'text:'"),
}


def _key_hint(key: str, allowed: Collection[str]) -> str:
    """' (did you mean 'set'? ...)' for a key from another format, or ''."""
    target, why = _KEY_HINTS.get(key, ("", ""))
    if target in allowed:
        return f" (did you mean '{target}'? {why})"
    if target == "weight" and "outcomes" in allowed:
        return (" (a choice has no chance of its own: give it 'outcomes:', each with a "
                "'weight:')")
    return ""


class Reader:
    """Typed access to positioned YAML for one file; problems accumulate in `problems`."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.comment_rows: dict[int, str] = {}  # line -> its text, for lines with a ` #`

    def ref(self, value: Any) -> SourceRef:
        """Where a value was written (the file's start when unknown)."""
        return where_of(value, SourceRef(self.path, 1, 1))

    def error(self, value: Any, message: str) -> None:
        """Record an error at a value's position."""
        self.problems.append(Problem(self.ref(value), message))

    def warn(self, value: Any, message: str) -> None:
        """Record a warning at a value's position."""
        self.problems.append(Problem(self.ref(value), message, "warning"))

    def mapping(self, value: Any, what: str) -> YMap | None:
        """The value as a mapping, or None with an error."""
        if isinstance(value, YMap):
            return value
        self.error(value, f"{what} must be a mapping of keys to values")
        return None

    def sequence(self, value: Any, what: str) -> YSeq | None:
        """The value as a list (a lone scalar is a list of one), or None with an error."""
        if isinstance(value, YSeq):
            return value
        if isinstance(value, YStr) and not value.is_null:
            seq = YSeq(value.where)
            seq.append(value)
            return seq
        if isinstance(value, YStr) and value.is_null:
            return YSeq(value.where)
        self.error(value, f"{what} must be a list")
        return None

    def keys(self, mapping: YMap, allowed: Collection[str], what: str,
             listed: bool = False) -> list[str]:
        """Report keys the format does not know, with a suggestion (`listed`: name every key
        it can take). Returns the keys each unknown one was taken to mean ('' for none)."""
        meant = []
        for key in mapping:
            if key not in allowed:
                where = mapping.key_where.get(key, mapping.where)
                hint = _key_hint(key, allowed) or suggest(key, allowed)
                if listed:
                    hint += f"; it takes only {', '.join(repr(a) for a in allowed)}"
                self.problems.append(Problem(where, f"{what}: unknown key '{key}'{hint}"))
                close = re.search(r"did you mean '(\w+)", hint)
                meant.append(close.group(1) if close else "")
        return meant

    def text(self, mapping: YMap, key: str, what: str, required: bool = False) -> YStr | None:
        """A text field: exactly the characters written."""
        if key not in mapping:
            if required:
                self.error(mapping, f"{what}: missing '{key}'")
            return None
        value = mapping[key]
        if not isinstance(value, YStr):
            self.error(value, f"{what}: '{key}' must be text")
            return None
        if value.is_null:
            if required:
                self.error(value, f"{what}: '{key}' is empty")
            return None
        return value

    def ident(self, value: Any, what: str) -> str | None:
        """An id: letters, digits and underscores, not starting with a digit."""
        if not isinstance(value, YStr) or value.is_null:
            self.error(value, f"{what} must be an id")
            return None
        if not ID_RE.match(value):
            self.error(value, f"{what} '{value}' is not a valid id "
                              "(use letters, digits and _, not starting with a digit)")
            return None
        return str(value)

    def integer(self, value: Any, what: str) -> int | None:
        """A whole number written as a number."""
        if isinstance(value, YStr) and INT_RE.match(value.strip()):
            digits = value.strip().lstrip("+-").lstrip("0")
            if len(digits) > 13 or int(value) > MAX_NUMBER or int(value) < -MAX_NUMBER:
                self.error(value, f"{what} is too large (at most {MAX_NUMBER:,} either way)")
                return None
            return int(value)
        if isinstance(value, YStr) and NUM_RE.match(value.strip()):
            self.error(value, f"{what} must be a whole number, not '{value}'")
            return None
        self.error(value, f"{what} must be a whole number")
        return None

    def number(self, value: Any, what: str) -> float | None:
        """A number (whole or decimal)."""
        if isinstance(value, YStr) and value.plain and NUM_RE.match(value.strip()):
            number = float(value)
            if not -MAX_NUMBER <= number <= MAX_NUMBER:  # also refuses inf from 400 digits
                self.error(value, f"{what} is too large (at most {MAX_NUMBER:,} either way)")
                return None
            return number
        self.error(value, f"{what} must be a number")
        return None

    def boolean(self, value: Any, what: str) -> bool | None:
        """true or false."""
        if isinstance(value, YStr) and value.plain:
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
        self.error(value, f"{what} must be true or false")
        return None

    def date(self, value: Any, what: str) -> int | None:
        """A month, written YYYY-MM."""
        if isinstance(value, YStr):
            match = DATE_RE.fullmatch(value.strip())
            if match and 1 <= int(match.group(2)) <= 12:
                if not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
                    self.error(value, f"{what} must be a month from {MIN_YEAR}-01 to "
                                      f"{MAX_YEAR}-12")
                    return None
                return month_index(int(match.group(1)), int(match.group(2)))
        short = re.fullmatch(r"(\d{4})-(\d)", value.strip()) if isinstance(value, YStr) else None
        if short is not None:  # `1934-1`: the month needs two digits
            self.error(value, f"{what} must be a month written YYYY-MM, with two digits for "
                              f"the month: write {short[1]}-0{short[2]}")
            return None
        self.error(value, f"{what} must be a month written YYYY-MM, like 1917-10")
        return None

    def id_list(self, value: Any, what: str) -> list[YStr]:
        """A list of ids (a single id is accepted too)."""
        seq = self.sequence(value, what)
        if seq is None:
            return []
        out = []
        for item in seq:
            if self.ident(item, f"{what} entry") is not None:
                out.append(item)
        return out
