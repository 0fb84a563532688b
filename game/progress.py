"""Endings discovered across playthroughs: a small JSON file beside the saves.

    record_ending(saves_dir, story, "collapse", game)  # after a game ends
    discovered(saves_dir, story)                     # -> (k, n) for "endings discovered: k of n"
    found, problem = reached(saves_dir, story)       # ending id -> Reached, for the gallery

The file is keyed by the game's title, so two content sets never mix. It is a nicety, not a
save: a missing, damaged or unwritable file counts as "nothing discovered yet" and never stops
play (writing returns False instead of raising); `reached` also gives the one sentence that
says why a file cannot be used. Such a file is renamed `_progress-damaged.json` when the next
ending is recorded, so nothing is thrown away.

The file (format 2):

    {"kind": "many-octobers-progress", "format": 2,
     "endings": {TITLE: [ENDING ID, ...]},          # as in format 1, which older games read
     "reached": {TITLE: {ENDING ID: {"at": 1764770000, "scenario": "february",
                                     "scenario_title": ..., "decisions": 23, "date": ...,
                                     "title": ..., "epilogue": ..., "final": ...,
                                     "why": [...], "earlier": false}}}}

Each record is written once, when the ending is first reached, and is never overwritten: it
keeps what it took to reopen the epilogue (its title and text as the game rendered them, the
final values, "How you got here"), each text bounded. An ending listed in a format-1 file has
no record; reached again, it gets one marked `earlier` (first reached before that time). A
record that is malformed is dropped on reading; the rest of the file still counts.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.model import Story, format_date
from game.safefiles import UnsafeFile, read_regular, write_atomic

if TYPE_CHECKING:
    from game.engine import Game

PROGRESS_FILE = "_progress.json"  # "_" keeps it out of the save list: no slot starts so
DAMAGED_FILE = "_progress-damaged.json"  # an unusable file, kept when a fresh one is written
KIND = "many-octobers-progress"
FORMAT = 2
MAX_BYTES = 1024 * 1024
# the longest text kept of each field of a record (longer ones are cut, with an ellipsis)
LIMITS = {"scenario": 200, "scenario_title": 300, "date": 40, "title": 300,
          "epilogue": 8000, "final": 1500}
MAX_WHY, MAX_WHY_LINE = 8, 600
MAX_AT = 10**11  # seconds since 1970, as in a save


@dataclass(frozen=True)
class Reached:
    """What is remembered of an ending found: when, from where, and its epilogue."""

    ending_id: str
    at: float | None = None  # when it was first reached (None: a format-1 file did not say)
    earlier: bool = False  # it was reached before `at` too, when no record was kept
    scenario: str = ""
    scenario_title: str = ""
    decisions: int | None = None
    date: str = ""  # the in-game month it ended, 'December 1991'
    title: str = ""
    epilogue: str = ""  # Markdown, as the ending screen showed it
    final: str = ""  # the final values, plain text
    why: tuple[str, ...] = ()  # "How you got here", Markdown list items

    @property
    def has_epilogue(self) -> bool:
        """Whether there is anything to reopen."""
        return bool(self.title or self.epilogue)


@dataclass
class _File:
    endings: dict[str, list[str]]
    reached: dict[str, dict[str, dict[str, Any]]]
    problem: str | None = None


def progress_path(saves_dir: Path | str) -> Path:
    """Where the progress file of a saves folder lives."""
    return Path(saves_dir) / PROGRESS_FILE


def _read(saves_dir: Path | str) -> _File:
    """The file's contents; a missing one is empty, an unusable one empty with a problem."""
    path = progress_path(saves_dir)
    empty = _File({}, {})
    try:
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return empty
    except UnsafeFile as exc:
        return _File({}, {}, _problem(path, exc.strerror or "it is not a usable file"))
    except OSError as exc:
        return _File({}, {}, _problem(path, f"it cannot be read: {exc.strerror or exc}"))
    except UnicodeDecodeError:
        return _File({}, {}, _problem(path, "it is not UTF-8 text"))
    except (ValueError, RecursionError):
        return _File({}, {}, _problem(path, "it is truncated or damaged"))
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return _File({}, {}, _problem(path, "it is not a Many Octobers endings file"))
    games = data.get("endings")
    games = games if isinstance(games, dict) else {}
    endings = {str(title): sorted({e for e in ids if isinstance(e, str)})
               for title, ids in games.items() if isinstance(ids, list)}
    reached: dict[str, dict[str, dict[str, Any]]] = {}
    records = data.get("reached")
    for title, table in (records.items() if isinstance(records, dict) else ()):
        if isinstance(table, dict):
            reached[str(title)] = {str(k): v for k, v in table.items()
                                   if isinstance(v, dict) and _record(str(k), v) is not None}
    return _File(endings, reached)


def _problem(path: Path, reason: str) -> str:
    return (f"The endings file {path} cannot be used ({reason}); the next ending you reach "
            f"starts a fresh one, and the old file is kept beside it as {DAMAGED_FILE}.")


def read_progress(saves_dir: Path | str) -> dict[str, list[str]]:
    """Game title -> ending ids discovered; {} when the file is absent or unusable."""
    file = _read(saves_dir)
    out = {title: list(ids) for title, ids in file.endings.items()}
    for title, table in file.reached.items():
        out[title] = sorted({*out.get(title, []), *table})
    return out


def endings_found(saves_dir: Path | str, story: Story) -> set[str]:
    """The endings of this story discovered so far (only ones the story still has)."""
    known = {ending.id for ending in story.endings}
    return set(read_progress(saves_dir).get(story.title, [])) & known


def discovered(saves_dir: Path | str, story: Story) -> tuple[int, int]:
    """(endings discovered, endings in the story)."""
    return len(endings_found(saves_dir, story)), len(story.endings)


def reached(saves_dir: Path | str, story: Story) -> tuple[dict[str, Reached], str | None]:
    """The endings of this story found so far (id -> what is remembered of each), and the
    sentence that says why the file cannot be used, or None."""
    file = _read(saves_dir)
    known = {ending.id for ending in story.endings}
    out = {ending_id: Reached(ending_id) for ending_id in file.endings.get(story.title, [])
           if ending_id in known}
    for ending_id, item in file.reached.get(story.title, {}).items():
        record = _record(ending_id, item)
        if record is not None and ending_id in known:
            out[ending_id] = record
    return out, file.problem


def record_ending(saves_dir: Path | str, story: Story, ending_id: str,
                  game: Game | None = None) -> bool:
    """Remember that an ending was reached (with `game`, when and how, the first time);
    False if the file could not be written."""
    file = _read(saves_dir)
    found = set(file.endings.get(story.title, []))
    records = file.reached.setdefault(story.title, {})
    listed = ending_id in found  # reached before, by a game that kept no record
    if ending_id in records or (listed and game is None):
        return True
    file.endings[story.title] = sorted(found | set(records) | {ending_id})
    if game is not None:
        records[ending_id] = record_of(game, earlier=listed)
    path = progress_path(saves_dir)
    if file.problem is not None:  # keep the unusable file for whoever wants to look at it
        try:
            os.replace(path, path.with_name(DAMAGED_FILE))
        except OSError:
            pass  # the write below replaces it
    return _write(path, file, (story.title, ending_id))


def record_of(game: Game, earlier: bool = False) -> dict[str, Any]:
    """The record of a finished game's ending, as the file keeps it."""
    from game.chronicle import how_you_got_here

    title, epilogue = game.ending_text()
    scenario = game.origin.scenario
    try:
        scenario_title = game.story.scenario(scenario).title
    except KeyError:
        scenario_title = scenario
    try:
        why = how_you_got_here(game)
    except Exception:  # noqa: BLE001 - a nicety: an odd game never stops the record
        why = []
    record: dict[str, Any] = {
        "at": int(time.time()), "scenario": scenario, "scenario_title": scenario_title,
        "decisions": len(game.timeline), "date": format_date(game.date), "title": title,
        "epilogue": epilogue, "final": final_line(game), "why": why[:MAX_WHY],
    }
    if earlier:
        record["earlier"] = True
    return _bounded(record)


def final_line(game: Game) -> str:
    """The shown values at the end, 'Stability 40 · Industry 55 · Leading: Lenin'."""
    parts = [f"{v.label} {game.values[v.id]}" for v in game.story.shown_variables]
    parts += [f"{t.label}: {game.values[t.id]}" for t in game.story.texts.values() if t.shown]
    return " · ".join(parts)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _bounded(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for key, limit in LIMITS.items():
        if isinstance(out.get(key), str):
            out[key] = _cut(out[key], limit)
    if isinstance(out.get("why"), list):
        out["why"] = [_cut(line, MAX_WHY_LINE) for line in out["why"][:MAX_WHY]
                      if isinstance(line, str)]
    return out


def _record(ending_id: str, item: dict[str, Any]) -> Reached | None:
    """A record read from the file, or None when it is malformed (it is then dropped)."""
    at = item.get("at")
    if at is not None and (isinstance(at, bool) or not isinstance(at, int | float)
                           or not math.isfinite(at) or not 0 <= at <= MAX_AT):
        return None
    decisions = item.get("decisions")
    if decisions is not None and (isinstance(decisions, bool) or not isinstance(decisions, int)
                                  or not 0 <= decisions <= 10**6):
        return None
    texts = {}
    for key, limit in LIMITS.items():
        value = item.get(key, "")
        if not isinstance(value, str):
            return None
        texts[key] = _cut(value, limit)
    why = item.get("why", [])
    if not isinstance(why, list) or not all(isinstance(line, str) for line in why):
        return None
    return Reached(ending_id, None if at is None else float(at), item.get("earlier") is True,
                   decisions=decisions, why=tuple(_cut(line, MAX_WHY_LINE)
                                                  for line in why[:MAX_WHY]), **texts)


def _write(path: Path, file: _File, newest: tuple[str, str]) -> bool:
    """Write the file whole (through safefiles.write_atomic); False if the disk refused.

    Should it outgrow MAX_BYTES (many content sets), the oldest records lose their texts
    first, the newest last: the ids and dates stay.
    """
    data: dict[str, Any] = {"kind": KIND, "format": FORMAT, "endings": file.endings,
                            "reached": file.reached}
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if len(text.encode("utf-8")) > MAX_BYTES:
        order = sorted(((title, ending_id) for title, table in file.reached.items()
                        for ending_id in table),
                       key=lambda key: (key == newest,
                                        file.reached[key[0]][key[1]].get("at") or 0))
        for title, ending_id in order:
            record = file.reached[title][ending_id]
            for key in ("epilogue", "final", "why"):
                record.pop(key, None)
            text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
            if len(text.encode("utf-8")) <= MAX_BYTES:
                break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), prefix=".tmp-progress-")
    except OSError:
        return False
    return True
