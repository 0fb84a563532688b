"""A strict, positioned YAML reader for content files.

It builds values straight from PyYAML's event stream (the C parser when available), so that:
every value carries its line and column; every scalar stays the exact text written (types are
decided later by the schema, never by YAML's implicit resolver: `NO` stays "NO"); duplicate
keys, anchors, aliases, merge keys and tags are refused; nesting depth and file size are capped
before anything is built. Problems are collected, never raised one by one.

Limits and policies (documented in SECURITY.md and docs/authoring.md):

- a file may be at most MAX_FILE_BYTES; nesting (maps and lists inside each other) at most
  MAX_DEPTH levels: the builder stops at the first event deeper than that, so neither the
  parser nor anything after it ever holds a deeper structure (PyYAML's own C constructor would
  crash the whole process on very deep nesting; it is never used here);
- anchors (&a), aliases (*a), merge keys (<<) and every tag except the plain-string ones are
  refused, so an alias bomb expands nothing and `!!python/object` constructs nothing;
- text must be UTF-8 (a leading byte-order mark is dropped); CRLF and lone CR line breaks are
  read as LF; control characters, a stray byte-order mark and the unusual line breaks U+0085,
  U+2028 and U+2029 are refused at their line and column, so every reported line is the line
  an editor shows; a tab in indentation is reported with a hint;
- after MAX_PROBLEMS problems in one file, reading that file stops.
"""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from game.errors import Problem, SourceRef
from game.safefiles import read_regular

try:  # the C parser is several times faster; fall back quietly when PyYAML lacks it
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_PROBLEMS = 50

# Characters YAML does not allow in a stream, plus those that would make the parser count lines
# differently from an editor (NEL, LS, PS) and a byte-order mark anywhere but the start.
# Bidirectional overrides are refused too, so that what a reviewer reads is what the game shows.
_BAD_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u0085\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)
# The same characters written as escapes in a double-quoted string ("\e[2J", "\x9b"): they
# would reach the player's terminal as escape sequences. Tab and newline stay allowed.
_BAD_ESCAPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff\ufffe\uffff]"
)


class _MarkedWhere:
    """`where` of a value read by the builder, made from the parser's mark on first use.

    Most positions are never asked for (only those of problems and of the objects the loader
    keeps), so building a SourceRef for each of the ~50 values of a node up front would be
    wasted work.
    """

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        mark = obj._mark
        ref = SourceRef(obj._file, (mark >> 32) + 1, (mark & _COLUMN) + 1)
        obj.__dict__["where"] = ref
        return ref


class YStr(str):
    """A scalar's text, with its position and whether it was written plain (unquoted)."""

    __slots__ = ("_file", "_mark", "plain", "__dict__")  # a dict only once `where` is made
    where: SourceRef
    plain: bool
    where = _MarkedWhere()  # type: ignore[assignment]  # an instance value overrides it

    def __new__(cls, value: str, where: SourceRef, plain: bool) -> YStr:
        obj = super().__new__(cls, value)
        obj.where = where
        obj.plain = plain
        return obj

    @property
    def is_null(self) -> bool:
        """True for an empty plain scalar, `~` or `null`."""
        return self.plain and str(self) in ("", "~", "null", "Null", "NULL")


class _KeyWhere:
    """`key_where` of a mapping read by the builder, made from its keys on first use."""

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        name = obj._file
        table = {key: SourceRef(name, (mark >> 32) + 1, (mark & _COLUMN) + 1)
                 for key, mark in obj._keys.items()}
        obj.__dict__["key_where"] = table
        return table


class YMap(dict[str, Any]):
    """A mapping, with its own position and the position of each key."""

    __slots__ = ("_keys", "_file", "_mark", "__dict__")
    where: SourceRef
    key_where: dict[str, SourceRef]
    where = _MarkedWhere()  # type: ignore[assignment]
    key_where = _KeyWhere()  # type: ignore[assignment]

    def __init__(self, where: SourceRef):
        super().__init__()
        self.where = where
        self.key_where = {}


class YSeq(list[Any]):
    """A sequence, with its position."""

    __slots__ = ("_file", "_mark", "__dict__")
    where: SourceRef
    where = _MarkedWhere()  # type: ignore[assignment]

    def __init__(self, where: SourceRef):
        super().__init__()
        self.where = where


_new_str = str.__new__
_intern = sys.intern
# A value's `_mark` is where it starts, packed into one int: line << 32 | column (0-based);
# a mapping's `_keys` holds the packed position of each key. Small, because a 10,000-node
# campaign has about a million values and keys alive while it is read.
_COLUMN = (1 << 32) - 1
_new_dict = dict.__new__
_new_list = list.__new__


def where_of(value: Any, fallback: SourceRef) -> SourceRef:
    """The position of a value read by this module, or the fallback."""
    return getattr(value, "where", fallback)


def read_yaml(path: Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Read one content file; returns (value or None, problems)."""
    name = display or str(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES + 1, truncate=True)  # never a link or a FIFO
        if len(raw) > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            return None, [Problem(SourceRef(name), f"file is larger than {limit} MiB; split it")]
    except OSError as exc:
        return None, [Problem(SourceRef(name), f"cannot read file: {exc.strerror or exc}")]
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> tuple[Any, list[Problem]]:
    """Parse bytes of a content file; returns (value or None, problems)."""
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return None, [Problem(SourceRef(name), f"file is larger than {limit} MiB; split it")]
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = _normalise(raw[: exc.start].decode("utf-8", errors="replace"))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        return None, [Problem(SourceRef(name, line, col), "the file is not valid UTF-8 "
                                                          "(save it as UTF-8)")]
    text = _normalise(text)
    bad = _BAD_CHAR.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        char = bad.group()
        what = {"\x00": "a NUL character", "\ufeff": "a byte-order mark (U+FEFF) after the start",
                "\u0085": "the line break U+0085", "\u2028": "the line separator U+2028",
                "\u2029": "the paragraph separator U+2029"}.get(
            char, f"the {'bidirectional' if 0x202a <= ord(char) <= 0x2069 else 'control'} "
                  f"character U+{ord(char):04X}")
        return None, [Problem(SourceRef(name, line, col), f"the file contains {what}; "
                                                          "remove it")]
    return _Builder(name).build(text)


def _normalise(text: str) -> str:
    """CRLF and lone CR line breaks as LF, so lines count as an editor counts them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TooMany(Exception):
    """Raised inside the builder when a file has too many problems to be worth reading on."""


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def _ref(self, mark: Any) -> SourceRef:
        return SourceRef(self.name, mark.line + 1, mark.column + 1)

    def _problem(self, mark: Any, message: str) -> None:
        self.problems.append(Problem(self._ref(mark), message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def build(self, text: str) -> tuple[Any, list[Problem]]:
        try:
            return self._build(text)
        except _TooMany:
            self.problems.append(Problem(self.problems[-1].where, f"more than {MAX_PROBLEMS} "
                                         "problems in this file; stopped reading it"))
            return None, self.problems
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = exc.problem or str(exc)
            if exc.context and exc.problem:
                message = f"{exc.problem} ({exc.context})"
            if "maximum nesting depth" in message:
                # PyYAML 6.0.4's own limit (1,000 levels), met by its scanner, which reads
                # ahead of the events the builder refuses past MAX_DEPTH: the same fault
                message = f"nesting deeper than {MAX_DEPTH} levels"
            elif mark is not None and _tab_indented(text, mark.line):
                message += "; indent with spaces, not tabs"
            else:
                plain = explain_yaml_error(text, exc)
                if plain is not None:
                    message, mark = plain
            if mark is not None:
                self.problems.append(Problem(self._ref(mark), f"YAML syntax: {message}"))
            else:
                self.problems.append(Problem(SourceRef(self.name), f"YAML syntax: {message}"))
            return None, self.problems
        except yaml.YAMLError as exc:  # a reader error: no mark, but a character position
            reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
            position = getattr(exc, "position", None)
            where = SourceRef(self.name)
            if isinstance(position, int) and 0 <= position <= len(text):
                line = text.count("\n", 0, position) + 1
                col = position - (text.rfind("\n", 0, position) + 1) + 1
                where = SourceRef(self.name, line, col)
            self.problems.append(Problem(where, f"YAML syntax: {reason}"))
            return None, self.problems

    def _build(self, text: str) -> tuple[Any, list[Problem]]:
        # The hot loop of loading: one pass over the parser's events, the commonest first.
        # Values are made without their SourceRef; `where` is filled in from the mark on demand.
        name = self.name
        documents: list[Any] = []
        stack: list[Any] = []  # containers being built
        keys: list[Any] = []  # pending key for each container on the stack (None in lists)
        root: Any = None
        parent: Any = None  # stack[-1]
        in_map = False  # parent is a YMap
        key: Any = None  # the pending key of parent, when in_map
        ScalarEvent, MappingStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent
        SequenceStartEvent, AliasEvent = yaml.SequenceStartEvent, yaml.AliasEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        parser = _Loader(text)
        try:
            get_event = parser.get_event
            while True:
                event = get_event()
                kind = type(event)
                if kind is ScalarEvent:
                    if event.anchor is not None or event.tag is not None:
                        self._check_node(event)
                    value: Any = _new_str(YStr, event.value)
                    value._file = name
                    mark = event.start_mark
                    value._mark = mark.line << 32 | mark.column
                    value.plain = not event.style
                    if event.style == '"':
                        bad = _BAD_ESCAPED.search(event.value)
                        if bad is not None:
                            self._problem(event.start_mark, f"the text holds the character "
                                                            f"U+{ord(bad.group()):04X} (written "
                                                            "as an escape); remove it")
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    if event.anchor is not None or event.tag is not None:
                        self._check_node(event)
                    if len(stack) >= MAX_DEPTH:
                        self._problem(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
                        return None, self.problems
                    if kind is MappingStartEvent:
                        container: Any = _new_dict(YMap)
                        container._keys = {}
                    else:
                        container = _new_list(YSeq)
                    container._file = name
                    mark = event.start_mark
                    container._mark = mark.line << 32 | mark.column
                    if stack:
                        keys[-1] = key
                    stack.append(container)
                    keys.append(None)
                    parent, in_map, key = container, kind is MappingStartEvent, None
                    continue
                elif kind in ends:
                    value = stack.pop()
                    keys.pop()
                    if stack:
                        parent = stack[-1]
                        in_map = type(parent) is YMap
                        key = keys[-1]
                elif kind is AliasEvent:
                    self._problem(event.start_mark, "aliases (*name) are not supported in content")
                    value = _new_str(YStr, "")
                    value._file = name
                    value._mark = event.start_mark.line << 32 | event.start_mark.column
                    value.plain = True
                elif kind is yaml.DocumentStartEvent:
                    root = None
                    continue
                elif kind is yaml.DocumentEndEvent:
                    documents.append(root)
                    continue
                elif kind is yaml.StreamEndEvent:
                    break
                else:  # the stream's start
                    continue
                if not stack:
                    root = value
                    continue
                if not in_map:
                    parent.append(value)
                elif key is None:
                    if type(value) is not YStr:
                        self._problem_at(value, "a key must be a plain word, not a list or map")
                        key = YStr("\x00invalid", parent.where, True)
                    elif value == "<<" and value.plain:
                        self._problem_at(value, "merge keys (<<) are not supported in content")
                        key = YStr("\x00merge", value.where, True)
                    else:
                        key = value
                else:
                    text_key = _intern(str(key))  # keys repeat: one string for each
                    seen = parent._keys
                    if text_key.startswith("\x00"):
                        pass
                    elif text_key in seen:
                        self._problem_at(key, f"duplicate key '{key}' (first given at line "
                                              f"{(seen[text_key] >> 32) + 1})")
                    else:
                        parent[text_key] = value
                        seen[text_key] = key._mark  # where it was written, not the key itself
                    key = None
        finally:
            parser.dispose()
        if len(documents) > 1:
            self.problems.append(Problem(SourceRef(self.name, 1, 1),
                                         "a content file holds one YAML document, not several"))
        return (documents[0] if documents else None), self.problems

    def _check_node(self, event: Any) -> None:  # noqa: D102
        if event.anchor is not None:
            self._problem(event.start_mark, "anchors (&name) are not supported in content")
        tag = event.tag
        if tag is not None and tag != "!" and not (
            isinstance(event, yaml.ScalarEvent) and tag == "tag:yaml.org,2002:str"
        ):
            if isinstance(event, yaml.ScalarEvent) and tag.startswith("!") and \
                    not tag.startswith("!!"):  # `when: !flags.x`, a C habit
                rest = f"{tag[1:]} {event.value}".strip()
                self._problem(event.start_mark, f"YAML tags are not supported in content "
                                                f"({tag}): a `!` at the start of a value "
                                                f"starts a YAML tag; to say 'not', quote the "
                                                f"condition and write `not`: \"not {rest}\"")
                return
            self._problem(event.start_mark, f"YAML tags are not supported in content ({tag})")

    def _problem_at(self, value: Any, message: str) -> None:
        self.problems.append(Problem(where_of(value, SourceRef(self.name)), message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    row = lines[line]
    return "\t" in row[: len(row) - len(row.lstrip())]


class _Mark:
    """A position of our own making (0-based line and column, like PyYAML's marks)."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def explain_yaml_error(text: str, exc: Any) -> tuple[str, Any] | None:
    """The commonest YAML structure mistakes in plain words, at the line of the mistake:
    (message, mark), or None to keep PyYAML's own words."""
    problem = exc.problem or ""
    context = exc.context or ""
    mark, start = exc.problem_mark, exc.context_mark
    lines = text.split("\n")
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    row = lines[mark.line]
    body = row.lstrip(" ")
    if body.startswith("- "):
        body = body[2:].lstrip(" ")
    col = mark.column
    if "mapping values are not allowed" in problem:
        first = row.find(": ")
        if 0 <= first < col:  # a second `: ` on the line: inside unquoted text
            key = row[:first].strip().lstrip("- ").strip()
            return (f"a colon and a space inside unquoted text (after '{key}:') "
                    f"make YAML read a new key; put the text in quotes: "
                    f"{key}: \"{row[first + 2:].strip()}\"", mark)
        above = _previous_row(lines, mark.line)
        if above is not None and _indent(row) > _indent(lines[above]):
            return (f"bad indentation: this line is indented more than the line "
                    f"above ({_indent(row)} spaces, not {_indent(lines[above])}), so YAML reads "
                    "it as part of that line's value; line its key up with the keys above",
                    _Mark(mark.line, _indent(row)))
        return None
    if "could not find expected ':'" in problem and start is not None:
        return ("this line has no ':' after its key; write 'key: value' (or, if "
                "it continues the text above, indent it further or put the text in quotes)",
                _Mark(start.line, start.column))
    if "end of stream" in problem and "quoted scalar" in context and start is not None:
        return ("a quoted text that never ends: the quote opened here has no "
                "closing quote", start)
    if ("expected ','" in problem or "flow" in context) and start is not None:
        return ("a '{' or '[' opened here is not closed on its line; close it "
                "with '}' or ']'", start)
    if "while parsing a block" in context and ("expected '-'" in problem or "expected key"
                                               in problem or "block end" in problem):
        item = row.lstrip(" ").startswith("-")
        here = _Mark(mark.line, _indent(row))
        if item:
            above = _previous_row(lines, mark.line, item=True)
            if above is not None and lines[above].lstrip(" ")[1:2] not in ("", " "):
                return ("a '-' with no space after it: YAML reads '-" +
                        lines[above].lstrip(" ")[1:].split(":")[0] + "' as a key, not as a "
                        "list item; write '- ' (a dash and a space)",
                        _Mark(above, _indent(lines[above])))
            where = "" if above is None else \
                f" (the item above starts at column {_indent(lines[above]) + 1}, line {above + 1})"
            return (f"a list item out of line: this '- ' starts at column {_indent(row) + 1}"
                    f"{where}; the items of one list line up with each other, under the key "
                    "that holds them (like 'choices:')", here)
        if body.startswith('"') or body.startswith("'") or "quoted" in problem:
            return None
        if row[col - 1:col] in ("\"", "'") or (col > 0 and row[:col].rstrip().endswith(
                ('"', "'"))):
            return ("text after a closing quote: put the whole text in quotes",
                    mark)
        above = _previous_row(lines, mark.line)
        where = "" if above is None else \
            f" and the line above at column {_indent(lines[above]) + 1}"
        return (f"bad indentation: this line starts at column {_indent(row) + 1}{where}; "
                "line its key up with the keys of the same block (YAML counts spaces)", here)
    return None


def _previous_row(lines: list[str], line: int, item: bool = False) -> int | None:
    """The nearest line above with content (with `item`: the nearest list item)."""
    for index in range(line - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#") and (not item or stripped.startswith("-")):
            return index
    return None
