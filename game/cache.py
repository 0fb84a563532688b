"""The compiled-content cache: a checked Story kept on disk, so a second load skips the YAML.

An entry is keyed by everything the compiled story depends on: every content file's bytes,
its path and where it is shown from, the layering of the folders, the source of the code
that reads content, the program's version and the Python that compiled it. So a changed,
added, removed or renamed file, or a new version of the loader, always gives a new key: an
entry is never stale, only unused. Entries live in `$XDG_CACHE_HOME/many-octobers` (or
`~/.cache/many-octobers`); the folder is safe to delete at any time, and anything wrong with
an entry (truncated, corrupt, from another version) makes it a miss and the content is read
again. Only content that loads without errors is cached; its warnings are kept with it.

Besides the entry of a whole load there are two smaller kinds, signed and bounded the same way:
one per content file (`files/`: the nodes an event file compiled to, keyed by that file's bytes
and used only while every name it was compiled with is still declared, which `names/` entries
record, so that editing one file recompiles only that file), and one per `octobers check`
result (`checks/`: the problems and the summary line, keyed by every file and by the code of
the checks, so that checking unchanged content reads neither YAML nor a story). At most KEEP
whole entries, KEEP_CHECKS check results, KEEP_NAMES sets of names and KEEP_FILES file entries
are kept; the oldest go first (for check results: the longest unused).

Compiled expressions are functions, which pickle cannot store: their code objects are stored
with `marshal` instead (hence the Python version in the key) and made into functions again
on load, which costs microseconds where compiling costs tens of them.
`OCTOBERS_CACHE=0` turns the cache off.

Since an entry holds code, an entry is used only if it carries an HMAC made with the player's
own key: 32 random bytes in `$XDG_DATA_HOME/many-octobers/cache.key` (or
`~/.local/share/many-octobers/cache.key`), created with mode 0600 on first use, outside the
cache folder. An entry planted by someone else (a shared CI cache restored into ~/.cache,
another user of a shared home folder) cannot carry a valid HMAC and is a miss; a key file that
is not the player's own regular 0600 file turns the cache off. Entries are read without
following links, as regular files only, at most `MAX_ENTRY_BYTES`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import marshal
import os
import pickle
import secrets
import stat
import sys
import tempfile
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from game import __version__
from game.errors import Problem, SourceRef
from game.expressions import _SAFE_GLOBALS as SAFE_GLOBALS  # the globals of every expression
from game.model import Expr, Story
from game.safefiles import open_regular, read_regular

FORMAT = 2  # 2: entries carry an HMAC of the player's key
MAX_ENTRY_BYTES = 256 * 1024 * 1024
KEY_BYTES = 32
KEEP = 8  # entries kept; older ones are removed when a new one is written
KEEP_CHECKS = 32  # check results and analyses kept (a few KB each)
KEEP_FILES = 4096  # per-file entries kept (a 10,000-node campaign has about 200 files)
KEEP_NAMES = 16  # the names of the content as per-file entries were made in
FILES, CHECKS, NAMES = "files", "checks", "names"  # the sub-folders of the smaller kinds
_MAGIC = b"many-octobers-cache\n"
# The modules whose code decides what a content folder compiles to.
_CODE = ("__init__.py", "cache.py", "codexload.py", "errors.py", "expressions.py", "facts.py",
         "loader.py", "model.py", "packs.py", "schema.py", "text.py", "yamlsrc.py")


def enabled() -> bool:
    """False when the player or a test has turned the cache off (OCTOBERS_CACHE=0)."""
    return os.environ.get("OCTOBERS_CACHE", "1").strip().lower() not in ("0", "off", "no",
                                                                          "false")


def cache_dir() -> Path:
    """Where entries live: $XDG_CACHE_HOME/many-octobers, else ~/.cache/many-octobers."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "many-octobers"


def key_path() -> Path:
    """The player's cache key: $XDG_DATA_HOME/many-octobers/cache.key (outside the cache)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "many-octobers" / "cache.key"


def _own_private_file(fd: int) -> bool:
    info = os.fstat(fd)
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner_ok and info.st_mode & 0o077 == 0


def secret_key() -> bytes | None:
    """The player's HMAC key, made (mode 0600) on first use; None turns the cache off."""
    path = key_path()
    for _ in range(2):
        try:
            fd = open_regular(path)
        except FileNotFoundError:
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue  # another game made it just now: read that one
            except OSError:
                return None
            try:
                key = secrets.token_bytes(KEY_BYTES)
                os.write(fd, key)
                os.fsync(fd)
            except OSError:
                return None
            finally:
                os.close(fd)
            return key
        except OSError:
            return None
        try:
            if not _own_private_file(fd):
                return None  # someone else's key, or readable by others: no cache
            key = os.read(fd, KEY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return key if len(key) == KEY_BYTES else None
    return None


def _seal(key: bytes, payload: bytes | memoryview) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


class Sha256(bytes):
    """A file's SHA-256 digest, given to `content_key` in place of its bytes when it has
    already been computed (the key is the same either way)."""

    __slots__ = ()


def content_key(folders: Iterable[str], files: Iterable[tuple[int, str, str, bytes]],
                purpose: str = "", code: Iterable[Path] = ()) -> str:
    """The key of a load: folders as shown, then (layer, relative path, shown path, bytes).

    Every part is length-prefixed, so two different sets of files never run together into
    the same stream of bytes. `purpose` names another kind of entry ("file", "check"), and
    `code` more source files whose text the entry depends on (the checks' own code).
    """
    digest = hashlib.sha256()

    def part(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)

    part(f"format {FORMAT} octobers {__version__} {sys.implementation.cache_tag} "
         f"{sys.version}".encode())
    part(_code_fingerprint())
    if purpose:
        part(b"purpose " + purpose.encode())
    for source in code:
        part(str(source.name).encode())
        try:
            part(source.read_bytes())
        except OSError:
            part(b"missing")
    for folder in folders:
        part(b"folder")
        part(folder.encode())
    for layer, relative, shown, data in files:
        part(b"file %d" % layer)
        part(relative.encode())
        part(shown.encode())
        part(data if type(data) is Sha256 else hashlib.sha256(data).digest())
    return digest.hexdigest()


_FINGERPRINT: bytes | None = None


def _code_fingerprint() -> bytes:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        digest = hashlib.sha256()
        here = Path(__file__).resolve().parent
        for name in _CODE:
            try:
                digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
            except OSError:
                digest.update(name.encode() + b"\0missing\0")
        _FINGERPRINT = digest.digest()
    return _FINGERPRINT


def _entry(key: str, folder: Path | None = None, kind: str = "") -> Path:
    base = folder or cache_dir()
    return (base / kind if kind else base) / f"{key[:40]}.pickle"


def load(key: str, folder: Path | None = None) -> tuple[Story, list[Problem]] | None:
    """The cached story and warnings for a key, or None on a miss (or a bad entry)."""
    found = _read(key, folder, "")
    if found is None:
        return None
    story, problems = found
    return story, problems


def load_part(key: str, kind: str, folder: Path | None = None) -> tuple[Any, ...] | None:
    """The payload stored under a key of a smaller kind (FILES, CHECKS), or None on a miss.

    The payload is only ever builtins and the model's classes; the caller checks its shape.
    """
    return _read(key, folder, kind)


def store_part(key: str, kind: str, payload: tuple[Any, ...], folder: Path | None = None,
               prune: bool = True) -> bool:
    """Write an entry of a smaller kind; False when the cache cannot be used."""
    return _write(key, payload, folder, kind, prune)


def prune_parts(kind: str, folder: Path | None = None) -> None:
    """Keep only the newest entries of a kind (after storing many without pruning)."""
    target = _entry("0" * 40, folder, kind)
    _prune(target.parent, keep=target, count=_keep(kind))


def _read(key: str, folder: Path | None, kind: str) -> tuple[Any, ...] | None:
    path = _entry(key, folder, kind)
    secret = secret_key()
    if secret is None:
        return None
    try:  # never through a link, never a FIFO or a device, never unbounded
        data = read_regular(path, MAX_ENTRY_BYTES)
    except FileNotFoundError:
        return None
    except OSError:
        _remove(path)  # a link or a special file planted as an entry goes (the link itself)
        return None
    try:
        start = len(_MAGIC) + 32
        if not data.startswith(_MAGIC) or not hmac.compare_digest(
                _seal(secret, data[start:]), data[len(_MAGIC):start]):
            raise ValueError("not an entry of ours, or damaged")
        try:
            entry = _Unpickler(io.BytesIO(data[start:])).load()
        finally:
            _FUNCTIONS.clear()
        if not isinstance(entry, tuple) or len(entry) < 2 or entry[0] != key:
            raise ValueError("entry for another key")
        payload = entry[1:]
        if not kind and (len(payload) != 2 or not isinstance(payload[0], Story)
                         or not isinstance(payload[1], list)):
            raise ValueError("not a whole load")
    except Exception:  # noqa: BLE001 - any fault in an entry is a miss, and the entry goes
        _remove(path)
        return None
    if kind == CHECKS:  # a result used again is kept longest: pruning goes by last use
        _touch(path)
    return payload


def _touch(path: Path) -> None:
    try:
        if os.utime in os.supports_follow_symlinks:
            os.utime(path, follow_symlinks=False)
        else:
            os.utime(path)
    except OSError:
        pass


def store(key: str, story: Story, problems: list[Problem], folder: Path | None = None) -> bool:
    """Write an entry atomically; False (and nothing written) when the cache cannot be used."""
    return _write(key, (story, problems), folder, "", True)


def _write(key: str, payload: tuple[Any, ...], folder: Path | None, kind: str,
           prune: bool) -> bool:
    target = _entry(key, folder, kind)
    secret = secret_key()
    if secret is None:
        return False
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    try:
        pickler.dump((key, *payload))
    except Exception:  # noqa: BLE001 - content we cannot store is simply not cached
        return False
    finally:  # the pickler and its bound method form a cycle: free its memo now, not at the
        pickler.clear_memo()  # next collection (loading pauses the collector)
        pickler.codes.clear()
        pickler.dispatch_table = {}
    body = buffer.getbuffer()
    temp = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + _seal(secret, body))  # damage or forgery is a miss
            out.write(body)
        os.replace(temp, target)
    except OSError:
        if temp is not None:
            _remove(Path(temp))
        return False
    if prune:
        _prune(target.parent, keep=target, count=_keep(kind))
    return True


def _keep(kind: str) -> int:
    return {"": KEEP, FILES: KEEP_FILES, NAMES: KEEP_NAMES}.get(kind, KEEP_CHECKS)


def clear(folder: Path | None = None) -> int:
    """Remove every entry, of every kind; returns how many."""
    removed = 0
    base = folder or cache_dir()
    for path in [*_entries(base), *(p for kind in (FILES, CHECKS, NAMES)
                                    for p in _entries(base / kind))]:
        removed += _remove(path)
    return removed


def _entries(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.suffix == ".pickle"]
    except OSError:
        return []


def _prune(folder: Path, keep: Path, count: int = KEEP) -> None:
    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0
    entries = _entries(folder)
    if len(entries) <= count:
        return
    entries.sort(key=mtime, reverse=True)
    for path in entries[count:]:
        if path != keep:
            _remove(path)


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def _expr(source: str, where: SourceRef, code: bytes, uses_date: bool) -> Expr:
    fn = _FUNCTIONS.get(code)
    if fn is None:
        fn = _FUNCTIONS[code] = types.FunctionType(marshal.loads(code), SAFE_GLOBALS)
    return Expr(source, where, fn, uses_date)


_FUNCTIONS: dict[bytes, types.FunctionType] = {}  # while one entry is read


class _Pickler(pickle.Pickler):
    # An expression goes as its source, position and marshalled code; one bytes object per
    # function, so that pickle's memo stores shared code once.
    def __init__(self, file: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.codes: dict[int, bytes] = {}
        self.dispatch_table = {Expr: self.reduce_expr}

    def reduce_expr(self, expr: Expr) -> Any:
        fn = expr.fn
        if getattr(fn, "__globals__", None) is not SAFE_GLOBALS:
            raise pickle.PicklingError("only compiled expressions can be cached")
        code = self.codes.get(id(fn))
        if code is None:
            code = self.codes[id(fn)] = marshal.dumps(fn.__code__)
        return _expr, (expr.source, expr.where, code, expr.uses_date)


class _Unpickler(pickle.Unpickler):
    # Only our own model and its building blocks may be made while reading an entry.
    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_expr":
            return _expr
        if module in ("game.model", "game.errors") or (
                module in ("builtins", "copyreg") and name in _SAFE_BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a cache entry")


_SAFE_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict", "_reconstructor",
                            "__newobj__", "object"})
