"""Reading and writing files in the game's own folders without being led out of them.

    raw = read_regular(path, limit)     # bytes; never follows a symlink, never blocks
    write_atomic(path, data)            # temp file in the same folder, fsync, rename

A file in a content, saves or cache folder may have been planted by someone else: a symlink to
`~/.bashrc` or `/proc/self/environ`, a FIFO that blocks a reader for ever, `/dev/zero`.
`read_regular` opens with O_NOFOLLOW and O_NONBLOCK, checks on the open descriptor that it is a
regular file, and reads at most `limit` bytes; anything else raises `UnsafeFile` (an OSError
whose `strerror` is the sentence to show). `write_atomic` writes a temporary file created with
O_EXCL and renames it over the target: a rename replaces a symlink itself, never the file it
points to, and a kill at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafeFile(OSError):
    """A file that is a symlink or not a regular file, or too large; strerror says which."""

    def __init__(self, message: str):
        super().__init__(errno.EINVAL, message)


def kind_problem(path: Path | str) -> str | None:
    """Why `path` is not a plain regular file ('is a symbolic link' ...), or None (lstat)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # gone: the reader will say so
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    return None


def open_regular(path: Path | str, flags: int = os.O_RDONLY, mode: int = 0o644) -> int:
    """A descriptor of a regular file at `path`, opened without following a symlink."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) or kind_problem(path) == \
                "is a symbolic link":
            raise UnsafeFile("it is a symbolic link, which the game never follows") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeFile("it is not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path | str, limit: int, *, truncate: bool = False) -> bytes:
    """The bytes of a regular file, at most `limit` (more raises UnsafeFile unless
    `truncate`, which returns the first `limit` bytes)."""
    fd = open_regular(path)
    try:
        if not truncate and os.fstat(fd).st_size > limit:
            raise UnsafeFile(f"it is larger than {limit:,} bytes")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        if truncate:
            return data[:limit]
        raise UnsafeFile(f"it is larger than {limit:,} bytes")
    return data


def write_atomic(path: Path | str, data: bytes, prefix: str = ".tmp-") -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        try:
            os.unlink(name)
        except OSError:
            pass
        raise
