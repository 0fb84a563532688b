"""What a save may hold: every field's type and range, checked before anything is built.

    check(data)        # raises SaveInvalid('timeline entry 3: "date" ...') on the first fault

The reader (`saves.read_file`) checks every save it opens, and the writer (`saves.encode`) checks
every save before it writes it, so the game never writes a save it would refuse. The bounds are
far above what a real game reaches (a game ends after `engine.MAX_TURNS` decisions) and keep a
crafted save from costing more than its size: no number with thousands of digits, no list of a
million entries, no text of megabytes, no date outside the years the content may use, and no
character that could drive a terminal (see game/output.py). A save of the right shape can still
name nodes or variables the content no longer has: `saves.decode` turns those into notes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from game.engine import MAX_TEXT_LENGTH
from game.schema import MAX_YEAR, MIN_YEAR

MAX_VALUE = 10**15  # a variable's value, a history value, a change (expressions.MAX_RESULT)
MAX_TEXT = 100_000  # characters in one text of a save (a title, a log line, a label)
MAX_NAME = 200  # characters in an id (a node, a choice, a variable, a flag) or a label
MAX_TEXT_VALUE = MAX_TEXT_LENGTH  # characters in a text variable
MAX_ITEMS = 10_000  # entries in one list or table (timeline, history, path, values ...)
MAX_SUMMARY = 1_000  # characters in the summary the save list shows
MAX_PROBLEMS = 100  # content problems remembered
MAX_SEED = 2**64
MAX_SAVED_AT = 10**11  # seconds since 1970 (the year 5138); 1e400 and 1e300 are refused

# The characters content may not hold (game/yamlsrc.py): a text of a save holding one was made
# elsewhere, and would reach the player's terminal. Lone surrogates cannot even be printed.
BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff\ufeff\ufffe\uffff]")
DATE = re.compile(r"(\d{4})-(\d{2})")


class SaveInvalid(ValueError):
    """A field of a save is of the wrong type or out of range; the message says which."""


def _fail(where: str, what: str) -> None:
    raise SaveInvalid(f"{where}: {what}" if where else what)


def is_int(value: Any) -> bool:
    """A JSON whole number (not a bool, not a float)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(bound: int) -> str:
    for power in (15, 12):
        if abs(bound) == 10**power:
            return f"{'-' if bound < 0 else ''}10^{power}"
    if abs(bound) >= 2**63:
        return f"{'-' if bound < 0 else ''}2^64" if abs(bound) == 2**64 else "2^64-1"
    return f"{bound:,}"


def number(value: Any, where: str, low: int = -MAX_VALUE, high: int = MAX_VALUE) -> int:
    """A whole number from low to high."""
    if not is_int(value):
        _fail(where, "expected a whole number")
    if not low <= value <= high:
        _fail(where, f"expected a whole number from {_shown(low)} to {_shown(high)}")
    return int(value)


def text(value: Any, where: str, limit: int = MAX_TEXT, empty: bool = True) -> str:
    """A string of at most `limit` characters with no control character or lone surrogate."""
    if not isinstance(value, str) or (not empty and not value):
        _fail(where, "expected a text" if empty else "expected a text that is not empty")
    if len(value) > limit:
        _fail(where, f"a text longer than {limit:,} characters")
    if BAD_CHAR.search(value):
        _fail(where, "it holds control characters")
    return str(value)


def optional_text(value: Any, where: str, limit: int = MAX_NAME) -> str | None:
    """None, or a text (see `text`)."""
    return None if value is None else text(value, where, limit)


def date(value: Any, where: str) -> int:
    """'1917-03' within the content's years; the month index."""
    if not isinstance(value, str):
        _fail(where, "expected a date like 1917-03")
    match = DATE.fullmatch(value)
    if match is None or not 1 <= int(match.group(2)) <= 12 \
            or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        _fail(where, f"expected a date like 1917-03 from {MIN_YEAR} to {MAX_YEAR}")
        raise AssertionError  # unreachable; for the type checker
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def listing(value: Any, where: str, limit: int = MAX_ITEMS) -> list[Any]:
    """A list of at most `limit` items."""
    if not isinstance(value, list):
        _fail(where, "expected a list")
    if len(value) > limit:
        _fail(where, f"a list of more than {limit:,} items")
    return list(value)


def table(value: Any, where: str, limit: int = MAX_ITEMS) -> dict[str, Any]:
    """An object of at most `limit` keys, each a name."""
    if not isinstance(value, dict):
        _fail(where, "expected an object")
    if len(value) > limit:
        _fail(where, f"an object of more than {limit:,} keys")
    for key in value:
        text(key, f"{where}: a key", MAX_NAME)
    return dict(value)


def pair(value: Any, where: str) -> None:
    """[node id, choice id]."""
    if not isinstance(value, list) or len(value) != 2:
        _fail(where, "expected [node, choice]")
    text(value[0], where, MAX_NAME, empty=False)
    text(value[1], where, MAX_NAME, empty=False)


def path(value: Any, where: str) -> list[Any]:
    """A list of [node, choice] pairs."""
    steps = listing(value, where)
    for index, step in enumerate(steps):
        pair(step, f"{where} step {index + 1}")
    return steps


def changes(value: Any, where: str) -> None:
    """{variable: [label, before, after, shown]}."""
    for key, change in table(value, where).items():
        here = f"{where} of '{key}'"
        if not isinstance(change, list) or len(change) != 4:
            _fail(here, "expected [label, before, after, shown]")
        text(change[0], here, MAX_NAME)
        number(change[1], here)
        number(change[2], here)
        if not isinstance(change[3], bool):
            _fail(here, "expected true or false for shown")


def arrival(value: Any, where: str) -> None:
    """None, or what a node did as it came up: {node, title, log, changes}."""
    if value is None:
        return
    item = table(value, where, 16)
    text(item.get("node", ""), f"{where} node", MAX_NAME)
    text(item.get("title", ""), f"{where} title")
    text(item.get("log", ""), f"{where} log")
    changes(item.get("changes") or {}, f"{where} changes")


def values(value: Any, where: str) -> None:
    """{variable: whole number or text}."""
    for key, item in table(value, where).items():
        if isinstance(item, str):
            text(item, f"{where} '{key}'", MAX_TEXT_VALUE)
        else:
            number(item, f"{where} '{key}'")


def required(item: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    """Every one of `keys` is in the object (its value may be null where that is allowed)."""
    for key in keys:
        if key not in item:
            _fail(where, f"'{key}' is missing")


def _start_state(value: Any) -> None:
    """The state a test-from-here game began from (`--start-at`), when there is one."""
    if value is None:
        return
    start = table(value, "origin state", 8)
    required(start, ("date", "values"), "origin state")
    date(start.get("date"), "origin state date")
    values(start.get("values"), "origin state values")
    text(start.get("source", ""), "origin state source", MAX_SUMMARY)
    for name in ("flags", "seen"):
        for index, item in enumerate(listing(start.get(name, []), f"origin state {name}")):
            text(item, f"origin state {name} {index + 1}", MAX_NAME)
    for index, item in enumerate(listing(start.get("chosen", []), "origin state chosen")):
        pair(item, f"origin state chosen {index + 1}")


def _is_time(value: Any) -> bool:
    """A time in seconds since 1970, within bounds. An int is compared as it is, never made a
    float: `math.isfinite` of a 400-digit integer raises OverflowError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return 0 <= value <= MAX_SAVED_AT


def check(data: Any) -> None:
    """Check a whole save (after its kind and format); raises SaveInvalid on the first fault."""
    if not isinstance(data, dict):
        _fail("", "it is not a JSON object")
    required(data, ("game", "origin", "state", "path"), "the save")
    text(data["game"], "the game's title", MAX_TEXT)
    text(data.get("content_hash", ""), "the content hash", MAX_NAME)
    text(data.get("slot", ""), "the slot", MAX_NAME)
    if not _is_time(data.get("saved_at", 0)):
        _fail("saved_at", "expected a time in seconds since 1970")
    began_at = data.get("began_at")
    if began_at is not None and not _is_time(began_at):
        _fail("began_at", "expected a time in seconds since 1970, or null")
    summary = table(data.get("summary", {}), "the summary", 16)
    text(summary.get("date", ""), "the summary's date", MAX_SUMMARY)
    text(summary.get("title", ""), "the summary's title", MAX_SUMMARY)
    text(summary.get("scenario", ""), "the summary's scenario", MAX_SUMMARY)
    text(summary.get("leader", ""), "the summary's leader", MAX_SUMMARY)
    number(summary.get("decisions", 0), "the summary's decisions", 0, MAX_ITEMS)
    for key, stat in table(summary.get("stats", {}), "the summary's stats", 100).items():
        number(stat, f"the summary's stat '{key}'")

    origin = table(data.get("origin"), "origin", 16)
    required(origin, ("scenario", "seed"), "origin")
    text(origin.get("scenario"), "origin scenario", MAX_NAME, empty=False)
    number(origin.get("seed"), "origin seed", -MAX_SEED, MAX_SEED)
    optional_text(origin.get("start_at"), "origin start")
    values(origin.get("values", {}), "origin values")
    for index, flag in enumerate(listing(origin.get("flags", []), "origin flags")):
        text(flag, f"origin flag {index + 1}", MAX_NAME)
    _start_state(origin.get("state"))
    for index, item in enumerate(listing(origin.get("outcomes", []), "origin outcomes")):
        where = f"origin outcome {index + 1}"
        triple = listing(item, where, 3)
        if len(triple) != 3:
            _fail(where, "expected [node, choice, index]")
        text(triple[0], where, MAX_NAME)
        text(triple[1], where, MAX_NAME)
        number(triple[2], where, 0, MAX_ITEMS)

    state = table(data.get("state"), "state", 32)
    required(state, ("date", "node", "ending", "turn", "rng", "values", "flags", "seen",
                     "chosen"), "state")
    now = date(state.get("date"), "state date")
    optional_text(state.get("node"), "state node")
    optional_text(state.get("ending"), "state ending")
    number(state.get("turn"), "state turn", 0, MAX_ITEMS)
    number(state.get("rng"), "state rng", 0, 2**64 - 1)
    values(state.get("values"), "state values")
    for name in ("flags", "seen"):
        for index, item in enumerate(listing(state.get(name), f"state {name}")):
            text(item, f"state {name} {index + 1}", MAX_NAME)
    for index, item in enumerate(listing(state.get("chosen"), "state chosen")):
        pair(item, f"state chosen {index + 1}")

    steps = path(data.get("path"), "path")
    for index, branch in enumerate(listing(data.get("branches", []), "branches")):
        where = f"branch {index + 1}"
        item = table(branch, where, 16)
        branch_path = path(item.get("path"), f"{where} path")
        number(item.get("at"), f"{where} at", 0, len(branch_path))
        date(item.get("date", state.get("date")), f"{where} date")
        text(item.get("title", ""), f"{where} title")
        text(item.get("label", ""), f"{where} label")

    last = None
    for index, entry in enumerate(listing(data.get("timeline", []), "timeline")):
        where = f"timeline entry {index + 1}"
        item = table(entry, where, 32)
        number(item.get("turn", 0), f"{where} turn", 0, MAX_ITEMS)
        when = date(item.get("date"), f"{where} date")
        if last is not None and when < last:
            _fail(f"{where} date", "the timeline runs backwards")
        last = when
        for key in ("node", "choice"):
            text(item.get(key, ""), f"{where} {key}", MAX_NAME)
        for key in ("title", "label", "log"):
            text(item.get(key, ""), f"{where} {key}")
        outcome = item.get("outcome")
        if outcome is not None:
            number(outcome, f"{where} outcome", 0, MAX_ITEMS)
        changes(item.get("changes") or {}, f"{where} changes")
        arrival(item.get("then"), f"{where} then")
    arrival(data.get("opening"), "opening")

    last = None
    for index, record in enumerate(listing(data.get("history", []), "history")):
        where = f"history record {index + 1}"
        if not isinstance(record, list) or len(record) != 2:
            _fail(where, "expected [date, values]")
        when = date(record[0], where)
        if last is not None and when < last:
            _fail(where, "the history runs backwards")
        last = when
        for key, value in table(record[1], where).items():
            number(value, f"{where} '{key}'")
    if last is not None and now < last:
        _fail("state date", "it is before the last history record")

    for index, problem in enumerate(listing(data.get("problems", []), "problems",
                                            MAX_PROBLEMS)):
        text(problem, f"problem {index + 1}")
    del steps
