"""Save files: versioned JSON, written atomically, read with suspicion.

A save is one JSON object (see `SAVE_FORMAT`). Writing goes to a temporary file in the same
folder, is flushed to disk, then renamed over the old file, so a crash leaves either the old
save or the new one, never half of each. The autosave keeps a few rotating backups. Reading
never trusts the file: anything wrong gives one SaveError sentence that names the file, and no
other save is touched.

Two games saving into one folder at once take turns through an advisory lock (`fcntl.flock` on
`.octobers.lock`, where the platform has it); without it each write is still atomic. The
autosave rotates its backups with a hard link where the file system allows, so `autosave.json`
exists at every moment, even if the process is killed halfway through a rotation.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game import savecheck
from game.engine import Arrival, Branch, Change, Entry, Game, Origin, StartState
from game.errors import SaveError
from game.folders import checkout_saves_dir as checkout_saves_dir  # re-exported
from game.folders import default_saves_dir as default_saves_dir
from game.folders import shown_folder as shown_folder
from game.model import Story, format_date, iso_date
from game.safefiles import UnsafeFile, kind_problem, open_regular, read_regular

SAVE_FORMAT = 1
OLDEST_FORMAT = 1
KIND = "many-octobers-save"
AUTOSAVE = "autosave"
BACKUPS = 3
MAX_SAVE_BYTES = 5 * 1024 * 1024
LOCK_NAME = ".octobers.lock"
LOCK_WAIT = 5.0  # seconds to wait for another game to finish saving
SESSION_LOCK = ".octobers.session"  # held while a game runs; a second copy autosaves elsewhere
MAX_SESSIONS = 9
_SLOT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,47}(\.[1-9])?")
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.[1-9])?")  # Windows


def check_slot(slot: str) -> str:
    """A slot name that cannot leave the saves folder; raises SaveError otherwise."""
    if not isinstance(slot, str) or not _SLOT_RE.fullmatch(slot) or slot.endswith(" ") \
            or _RESERVED.fullmatch(slot):
        raise SaveError(f"{slot!r} is not a valid slot name: use letters, digits, spaces, "
                        "'-' and '_' (up to 48).")
    return slot


@dataclass(frozen=True)
class SlotInfo:
    """What the save list shows about one slot, read without loading the content."""

    slot: str
    path: Path
    saved_at: float
    date_label: str = ""
    title: str = ""
    stats: tuple[tuple[str, int], ...] = ()
    ending: str | None = None
    problem: str | None = None


class SaveStore:
    """The saves folder."""

    def __init__(self, folder: Path | str | None = None):
        self.folder = Path(folder) if folder is not None else default_saves_dir()
        self.last_kept: str | None = None  # the slot the last autosave kept another run in
        self.autosave_slot = AUTOSAVE  # 'autosave 2' .. when another copy has the folder
        self._session_fd: int | None = None
        self._wants_session = False
        # (file identity, origin, decisions, finished) of the autosave this store last wrote
        self._own_autosave: tuple[tuple[int, int, int], dict[str, Any],
                                  list[tuple[str, str]], bool] | None = None

    def path(self, slot: str) -> Path:
        """The file of a slot."""
        return self.folder / f"{check_slot(slot)}.json"

    # ---- writing -------------------------------------------------------------------------
    def save(self, game: Game, slot: str) -> Path:
        """Write a game to a named slot atomically; raises SaveError if it cannot."""
        target = self.path(slot)
        data = encode(game, slot)
        with self._lock():
            self._refuse_newer(target)
            self._write(target, data)
        return target

    def claim_session(self) -> str | None:
        """Claim the folder for this running game; when other copies of the game already run
        on it, this one autosaves to 'autosave 2' (3, ...) instead of 'autosave', so two
        copies never overwrite each other's game. Returns that slot, or None when this copy
        has the folder's own autosave (or the platform has no locks)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Windows
            return None
        if self._session_fd is not None:
            return None if self.autosave_slot == AUTOSAVE else self.autosave_slot
        self._wants_session = True
        if not self.folder.is_dir():
            return None  # claimed when the first autosave makes the folder
        for number in range(1, MAX_SESSIONS + 1):
            name = SESSION_LOCK if number == 1 else f"{SESSION_LOCK}-{number}"
            try:
                fd = open_regular(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return None  # a read-only folder: nothing will be written anyway
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            except OSError:  # no locks on this file system
                os.close(fd)
                return None
            self._session_fd = fd  # held until the process ends (or release_session)
            self.autosave_slot = AUTOSAVE if number == 1 else f"{AUTOSAVE} {number}"
            return None if number == 1 else self.autosave_slot
        return None

    def release_session(self) -> None:
        """Give the folder back (the lock also goes when the process ends)."""
        self._wants_session = False
        if self._session_fd is not None:
            os.close(self._session_fd)
            self._session_fd = None
            self.autosave_slot = AUTOSAVE

    def autosave(self, game: Game) -> Path:
        """Write the autosave, keeping the previous ones as autosave.1 .. autosave.N.

        When the autosave holds an unfinished game that is another run than `game` (not an
        earlier point of it, nor a future abandoned by a rewind), that game is first kept in a
        dated slot (`last_kept` names it), so starting or loading a game never loses one.
        """
        if self._wants_session and self._session_fd is None:  # the folder is new
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the write below says why
            self.claim_session()
        target = self.path(self.autosave_slot)
        data = encode(game, self.autosave_slot)
        self.last_kept = None
        with self._lock():
            self._refuse_newer(target)
            loadable, self.last_kept = self._keep_other_run(target, game)
            temp = self._write_temp(data)
            try:
                if loadable and self.autosave_slot == AUTOSAVE:  # a damaged autosave never
                    self._rotate(target)  # pushes a good backup out
                os.replace(temp, target)
            except OSError as exc:
                _unlink_quietly(temp)
                raise SaveError(f"Could not write {target}: {exc.strerror or exc}.") from None
            _fsync_dir(self.folder)
            self._own_autosave = (_identity(target), _origin_json(game.origin),
                                  list(game.path), game.over)
        return target

    def unfinished(self) -> str | None:
        """'March 1918 · The Assembly' when the autosave holds an unfinished game, else None."""
        try:
            data = self.read(self.autosave_slot)
        except SaveError:
            return None
        if data["state"].get("ending") is not None or not data["path"]:
            return None
        summary = data.get("summary")
        summary = summary if isinstance(summary, dict) else {}
        where = " · ".join(str(summary.get(k)) for k in ("date", "title") if summary.get(k))
        return where or "an unfinished game"

    def _keep_other_run(self, target: Path, game: Game) -> tuple[bool, str | None]:
        """Whether the autosave loads; and, if it is an unfinished game of another run, the
        dated slot it is first copied to."""
        own = self._own_autosave
        if own is not None and own[0] == _identity(target):  # the file we wrote last
            if own[3] or not own[2] or same_run(own[1], own[2], game):
                return True, None
        try:
            data = read_file(target)
        except SaveError:
            return False, None  # nothing there, or nothing loadable: not worth a backup
        if data["state"].get("ending") is not None or not data["path"]:
            return True, None  # a finished game (its ending is recorded) or one not begun
        saved = [(str(a), str(b)) for a, b in data["path"]]
        if same_run(data["origin"], saved, game):
            return True, None
        stamp = time.strftime("%Y-%m-%d %H-%M", time.localtime())
        slot, number = f"unfinished {stamp}", 1
        while self.path(slot).exists():
            number += 1
            slot = f"unfinished {stamp} {number}"
        data["slot"] = slot
        self._write(self.path(slot), (json.dumps(data, ensure_ascii=False,
                                                 separators=(",", ":")) + "\n").encode())
        return True, slot

    def _rotate(self, target: Path) -> None:
        """autosave.N-1 -> autosave.N ..., then a copy of the autosave as autosave.1."""
        for index in range(BACKUPS - 1, 0, -1):
            try:
                os.replace(self.folder / f"{AUTOSAVE}.{index}.json",
                           self.folder / f"{AUTOSAVE}.{index + 1}.json")
            except FileNotFoundError:
                pass
        first = self.folder / f"{AUTOSAVE}.1.json"
        link = self.folder / f".tmp-{os.getpid()}-link.json"
        try:
            _unlink_quietly(link)
            if kind_problem(target) is not None:
                raise FileNotFoundError  # a planted link or device is not rotated into a backup
            # the autosave stays in place until the new one replaces it
            os.link(target, link, follow_symlinks=False)
            os.replace(link, first)
        except FileNotFoundError:
            pass  # no autosave yet
        except OSError:  # no hard links here: move it, leaving a moment without autosave.json
            _unlink_quietly(link)
            try:
                os.replace(target, first)
            except FileNotFoundError:
                pass

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the folder's advisory lock (if the platform and folder allow one)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Windows
            yield
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = open_regular(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # a read-only folder, or a link planted as the lock file: the
            # write itself says why or is atomic anyway; nothing is created through a link
            yield
            return
        try:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SaveError(f"Another game is saving in {self.folder}; "
                                        "try again.") from None
                    time.sleep(0.005)
                except OSError:  # a file system without locks: atomic writes still hold
                    break
            yield
        finally:
            os.close(fd)  # releases the lock

    def _refuse_newer(self, target: Path) -> None:
        try:
            head = read_regular(target, 4096, truncate=True)
        except OSError:
            return
        match = re.search(rb'"format"\s*:\s*(\d+)', head)
        if match and int(match.group(1)) > SAVE_FORMAT:
            raise SaveError(f"{target} was made by a newer version of Many Octobers; "
                            "it is left as it is (save to another slot).")

    def _write(self, target: Path, data: bytes) -> None:
        temp = self._write_temp(data)
        try:
            os.replace(temp, target)
        except OSError as exc:
            _unlink_quietly(temp)
            raise SaveError(f"Could not write {target}: {exc.strerror or exc}.") from None
        _fsync_dir(self.folder)

    def _write_temp(self, data: bytes) -> Path:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.folder)
        except OSError as exc:
            raise SaveError(f"Could not write to the saves folder {self.folder}: "
                            f"{exc.strerror or exc}.") from None
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            _unlink_quietly(Path(name))
            raise SaveError(f"Could not write to the saves folder {self.folder}: "
                            f"{exc.strerror or exc}.") from None
        return Path(name)

    def clean_temp_files(self, older_than: float = 60.0) -> int:
        """Remove temporary files left by a crash; returns how many."""
        removed = 0
        now = time.time()
        try:
            candidates = list(self.folder.glob(".tmp-*.json"))
        except OSError:
            return 0
        for path in candidates:
            try:
                if now - path.stat().st_mtime > older_than:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        return removed

    def delete(self, slot: str) -> None:
        """Remove a slot."""
        try:
            self.path(slot).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise SaveError(f"Could not delete {self.path(slot)}: {exc.strerror or exc}.") \
                from None

    # ---- reading -------------------------------------------------------------------------
    def read(self, slot: str) -> dict[str, Any]:
        """The checked JSON of a slot; raises SaveError with one sentence."""
        return read_file(self.path(slot))

    def load(self, slot: str, story: Story) -> tuple[Game, list[str]]:
        """A game from a slot, and notes about anything in it the content no longer has."""
        path = self.path(slot)
        data = read_file(path)
        try:
            return decode(data, story, str(path))
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
            raise SaveError(f"{path} is damaged ({exc}).") from None

    def exists(self, slot: str) -> bool:
        """Whether a slot has a file (a link or a device there counts, to be refused on load)."""
        return os.path.lexists(self.path(slot))

    def backups(self, slot: str) -> list[str]:
        """The backup slots of a slot that exist, newest first."""
        if slot != AUTOSAVE:
            return []
        return [f"{AUTOSAVE}.{i}" for i in range(1, BACKUPS + 1)
                if os.path.lexists(self.folder / f"{AUTOSAVE}.{i}.json")]

    def usable_backup(self, slot: str) -> str | None:
        """The newest backup of a slot that reads as a save, or None."""
        for backup in self.backups(slot):
            try:
                self.read(backup)
            except SaveError:
                continue
            return backup
        return None

    def slots(self) -> list[SlotInfo]:
        """Every save in the folder, newest first; broken ones carry their problem."""
        infos = []
        try:
            files = sorted(self.folder.glob("*.json"))
        except OSError:
            return []
        for path in files:
            slot = path.stem
            if path.name.startswith(".") or not _SLOT_RE.fullmatch(slot):
                continue
            try:
                mtime = path.lstat().st_mtime
            except OSError:
                continue
            try:
                data = read_file(path)
            except SaveError as exc:
                infos.append(SlotInfo(slot, path, mtime, problem=str(exc)))
                continue
            summary = data.get("summary")
            summary = summary if isinstance(summary, dict) else {}
            stats_json = summary.get("stats")
            stats = tuple((str(k), v) for k, v in stats_json.items() if _is_int(v)) \
                if isinstance(stats_json, dict) else ()
            saved_at = data.get("saved_at")
            if not isinstance(saved_at, int | float) or not math.isfinite(saved_at):
                saved_at = mtime
            ending = data["state"].get("ending")
            infos.append(SlotInfo(slot, path, float(saved_at), str(summary.get("date", "")),
                                  str(summary.get("title", "")), stats,
                                  ending if isinstance(ending, str) else None))
        infos.sort(key=lambda info: info.saved_at, reverse=True)
        return infos


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        info = os.lstat(path)
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _origin_json(origin: Origin) -> dict[str, Any]:
    out: dict[str, Any] = {"scenario": origin.scenario, "seed": origin.seed,
                           "start_at": origin.start_at, "values": dict(origin.values),
                           "flags": list(origin.flags)}
    state = origin.state
    if state is not None:  # only test-from-here games have these: older saves stay the same
        out["state"] = {"date": iso_date(state.date), "values": dict(state.values),
                        "flags": list(state.flags), "seen": list(state.seen),
                        "chosen": [list(pair) for pair in state.chosen],
                        "source": state.source}
    if origin.outcomes:
        out["outcomes"] = [list(item) for item in origin.outcomes]
    return out


def _start_state(item: Any, story: Story) -> StartState | None:
    """The saved start state of a test-from-here game (checked by savecheck already)."""
    if not isinstance(item, dict):
        return None
    values = {k: v for k, v in item.get("values", {}).items()
              if (k in story.variables and _is_int(v)) or (k in story.texts and isinstance(v, str))}
    return StartState(_date(item["date"]), tuple(sorted(values.items())),
                      tuple(str(f) for f in item.get("flags", [])),
                      tuple(str(s) for s in item.get("seen", []) if s in story.nodes),
                      tuple((str(a), str(b)) for a, b in item.get("chosen", [])),
                      str(item.get("source", "")))


def same_run(origin: Any, path: list[tuple[str, str]], game: Game) -> bool:
    """Whether a game saved with `origin` and `path` is an earlier point of `game`, or a
    future it abandoned (a rewind or a return to a branch keeps the future it leaves as a
    branch): the origins match and the saved decisions lead up to the game's, or a branch's.
    """
    mine = json.loads(json.dumps(_origin_json(game.origin)))
    if not isinstance(origin, dict) or {**origin, "values": origin.get("values", {}),
                                        "flags": origin.get("flags", [])} != mine:
        return False
    paths = [game.path, *(branch.path for branch in game.branches)]
    return any(list(other[:len(path)]) == path for other in paths)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- encoding ------------------------------------------------------------------------------
def encode(game: Game, slot: str) -> bytes:
    """The bytes of a save file for a game."""
    story = game.story
    title, date_label = game.headline(), format_date(game.date)
    data = {
        "kind": KIND,
        "format": SAVE_FORMAT,
        "game": story.title,
        "content_hash": story.content_hash,
        "saved_at": round(time.time(), 3),
        "slot": slot,
        "summary": {
            "date": date_label,
            "title": title if len(title) <= 200 else title[:199] + "…",
            "stats": {v.label: int(game.values[v.id]) for v in story.shown_variables},
        },
        "origin": _origin_json(game.origin),
        "state": {
            "date": iso_date(game.date),
            "node": game.node_id,
            "ending": game.ending_id,
            "turn": game.turn,
            "rng": game.rng_state,
            "values": game.values,
            "flags": sorted(game.flags),
            "seen": sorted(game.seen),
            "chosen": sorted([list(pair) for pair in game.chosen]),
        },
        "path": [list(step) for step in game.path],
        "branches": [
            {"at": b.at, "path": [list(s) for s in b.path], "date": iso_date(b.date),
             "title": b.title}
            for b in game.branches
        ],
        "timeline": [_entry_json(entry) for entry in game.timeline],
        "opening": None if game.opening is None else _arrival_json(game.opening),
        "history": [[iso_date(date), values] for date, values in game.history],
        "problems": game.problems[-20:],
    }
    try:  # never write a save the reader would refuse
        savecheck.check(data)
    except savecheck.SaveInvalid as exc:
        raise SaveError(f"This game cannot be saved: it is beyond what a save may hold "
                        f"({exc}).") from None
    out = (json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
           + "\n").encode("utf-8")
    if len(out) > MAX_SAVE_BYTES:
        raise SaveError("This game cannot be saved: it is larger than a save may be "
                        f"({MAX_SAVE_BYTES // (1024 * 1024)} MiB).")
    return out


def _entry_json(entry: Entry) -> dict[str, Any]:
    data = {
        "turn": entry.turn, "date": iso_date(entry.date), "node": entry.node_id,
        "title": entry.title, "choice": entry.choice_id, "label": entry.label,
        "log": entry.log, "outcome": entry.outcome,
        "changes": _changes_json(entry.changes),
    }
    if entry.then is not None:
        data["then"] = _arrival_json(entry.then)
    return data


def _changes_json(changes: tuple[Change, ...]) -> dict[str, list[Any]]:
    return {c.id: [c.label, c.before, c.after, c.shown] for c in changes}


def _arrival_json(arrival: Arrival) -> dict[str, Any]:
    return {"node": arrival.node_id, "title": arrival.title, "log": arrival.log,
            "changes": _changes_json(arrival.changes)}


# ---- decoding ------------------------------------------------------------------------------
def read_file(path: Path) -> dict[str, Any]:
    """Read and structurally check a save file; raises SaveError with one sentence."""
    try:
        raw = read_regular(path, MAX_SAVE_BYTES + 1, truncate=True)  # never a link or a FIFO
        if len(raw) > MAX_SAVE_BYTES:
            raise SaveError(f"{path} is too large to be a save.")
    except FileNotFoundError:
        raise SaveError(f"There is no save at {path}.") from None
    except UnsafeFile as exc:
        raise SaveError(f"{path} is not a usable save ({exc.strerror}).") from None
    except OSError as exc:
        raise SaveError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if not raw.strip():
        raise SaveError(f"{path} is empty; it is not a usable save.")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            reason = "it is not UTF-8 text"
        elif isinstance(exc, json.JSONDecodeError):
            reason = "it is truncated or damaged"
        elif isinstance(exc, RecursionError | MemoryError):
            reason = "it is nested too deeply"
        elif isinstance(exc, _Refused):
            reason = str(exc)
        else:  # e.g. an integer with thousands of digits
            reason = "it is not valid JSON text"
        raise SaveError(f"{path} is not a usable save ({reason}).") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise SaveError(f"{path} is not a Many Octobers save.")
    if _has_control_characters(data):  # e.g. terminal escape sequences aimed at the player
        raise SaveError(f"{path} is not a usable save (it holds control characters or "
                        "broken characters).")
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"{path} has no valid format version.")
    if version > SAVE_FORMAT:
        raise SaveError(f"{path} was made by a newer version of Many Octobers "
                        f"(save format {version}); update the game to load it.")
    if version < OLDEST_FORMAT:
        raise SaveError(f"{path} uses save format {version}, too old to load.")
    try:
        savecheck.check(data)
    except savecheck.SaveInvalid as exc:
        raise SaveError(f"{path} is damaged ({exc}).") from None
    return data


class _Refused(ValueError):
    """Valid JSON that a save never holds."""


_CONTROL = savecheck.BAD_CHAR


def _has_control_characters(data: Any) -> bool:
    """Whether any key or text in a save holds a control character (tab and newline aside).

    Every text in a save comes from content, which cannot hold them (see game/yamlsrc.py), so a
    save that does was made elsewhere; its texts would reach the player's terminal.
    """
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _CONTROL.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 60 else key[:57] + "..."
            raise _Refused(f"it has a duplicate key '{shown}'")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _Refused(f"it holds {name}, which is not valid JSON for a save")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(x, str) for x in value)


def _date(text: str) -> int:
    return savecheck.date(text, "a date")


def decode(data: dict[str, Any], story: Story, name: str) -> tuple[Game, list[str]]:
    """A game from checked save data; notes say what the content no longer has."""
    notes: list[str] = []
    if data.get("game") != story.title:
        raise SaveError(f"{name} belongs to another game ('{data.get('game')}').")
    origin_json, state = data["origin"], data["state"]
    scenario_ids = [s.id for s in story.scenarios]
    scenario = origin_json["scenario"]
    if scenario not in scenario_ids:
        notes.append(f"the scenario '{scenario}' no longer exists")
        scenario = scenario_ids[0]
    start_at = origin_json.get("start_at")
    if start_at is not None and start_at not in story.nodes:
        notes.append(f"the starting node '{start_at}' no longer exists")
        start_at = None
    origin_values = {k: v for k, v in origin_json.get("values", {}).items()
                     if (k in story.variables and _is_int(v))
                     or (k in story.texts and isinstance(v, str))}
    origin = Origin(scenario, origin_json["seed"], start_at,
                    tuple(sorted(origin_values.items())),
                    tuple(str(f) for f in origin_json.get("flags", [])),
                    _start_state(origin_json.get("state"), story),
                    tuple((str(n), str(c), int(k)) for n, c, k in origin_json.get("outcomes", [])))
    game = Game(story, origin)
    values: dict[str, Any] = {v.id: v.start for v in story.variables.values()}
    values.update({t.id: t.start for t in story.texts.values()})
    dropped = []
    for key, value in state["values"].items():
        variable = story.variables.get(key)
        if variable is not None and _is_int(value):
            values[key] = max(variable.min, min(variable.max, value))
        elif key in story.texts and isinstance(value, str):
            values[key] = value
        else:
            dropped.append(key)
    if dropped:
        notes.append(f"variables no longer in the game were dropped: {', '.join(dropped)}")
    game.values = values
    game.flags = set(state["flags"])
    game.seen = {s for s in state["seen"] if s in story.nodes}
    game.chosen = {(a, b) for a, b in state["chosen"]}
    game.date = _date(state["date"])
    game.turn = state["turn"]
    game.rng_state = state["rng"]
    game.path = [(a, b) for a, b in data["path"]]
    game.branches = [Branch(b["at"], [(x, y) for x, y in b["path"]],
                            _date(b.get("date", state["date"])), str(b.get("title", "")))
                     for b in data.get("branches", [])]
    game.timeline = [_entry(e) for e in data.get("timeline", []) if isinstance(e, dict)]
    game.opening = _arrival(data.get("opening"))
    game.history = [(_date(d), {k: int(v) for k, v in vals.items() if _is_int(v)})
                    for d, vals in data.get("history", [])
                    if isinstance(d, str) and isinstance(vals, dict)]
    node, ending = state["node"], state["ending"]
    ending_ids = {e.id for e in story.endings}
    if ending is not None:
        if ending in ending_ids:
            game.ending_id = ending
        else:
            notes.append(f"the ending '{ending}' no longer exists; the story goes on")
            game._advance(None)
    elif node is not None and node in story.nodes:
        game.node_id = node
    else:
        if node is not None:
            notes.append(f"the event '{node}' no longer exists; the story moves on to the "
                         "next one")
        game._advance(None)
    game.problems = [p for p in data.get("problems", []) if isinstance(p, str)][-20:]
    if not game.history:
        game._record_history()
    return game, notes


def _entry(item: dict[str, Any]) -> Entry:
    outcome = item.get("outcome")
    return Entry(int(item.get("turn", 0)), _date(str(item.get("date", "0001-01"))),
                 str(item.get("node", "")), str(item.get("title", "")),
                 str(item.get("choice", "")), str(item.get("label", "")),
                 str(item.get("log", "")), outcome if _is_int(outcome) else None,
                 _changes(item.get("changes")), _arrival(item.get("then")))


def _changes(table: Any) -> tuple[Change, ...]:
    changes = []
    for key, value in (table if isinstance(table, dict) else {}).items():
        if isinstance(value, list) and len(value) == 4 and _is_int(value[1]) \
                and _is_int(value[2]):
            changes.append(Change(key, str(value[0]), int(value[1]), int(value[2]),
                                  bool(value[3])))
    return tuple(changes)


def _arrival(item: Any) -> Arrival | None:
    """A node's recorded arrival effects (saves before format 2 have none)."""
    if not isinstance(item, dict):
        return None
    return Arrival(str(item.get("node", "")), str(item.get("title", "")),
                   str(item.get("log", "")), _changes(item.get("changes")))
