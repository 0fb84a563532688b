"""Live reload (`octobers play --watch`): notice saved content files, reload, keep the game.

    watcher = ContentWatcher(content_dirs)
    ...                                   # every half second or so, from the UI's timer:
    if watcher.poll():
        new_game, problems = reload(game, content_dirs)
        if new_game is None: show the errors, keep playing the old game
        else: game = new_game; show the notes (severity "note") and warnings

No threads and no new dependency: the watcher compares each file's modification time and size
with the last scan. A reload replays the game's path on the new content (same origin, same
seed, so the same draws); when the path no longer fits, it goes the way of an old save: values
and flags are kept, and a note says what vanished.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from game.engine import Game, ReplayError
from game.errors import GameError, Problem, SourceRef
from game.loader import default_content_dir, load_with_problems

WATCHED_SUFFIXES = (".yaml", ".yml")
NOTE = "note"  # the severity of a reload note (not an error, not a warning)

Snapshot = dict[str, tuple[int, int]]


def scan(content_dirs: Sequence[Path | str]) -> Snapshot:
    """Each content file's (modification time in ns, size), by path."""
    found: Snapshot = {}
    for folder in content_dirs:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if not name.endswith(WATCHED_SUFFIXES) or name.startswith("."):
                    continue
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue  # removed between listing and looking
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


class ContentWatcher:
    """Polls content folders for added, removed or changed files."""

    def __init__(self, content_dirs: Sequence[Path | str] | None = None):
        self.dirs = [Path(d) for d in (content_dirs or [default_content_dir()])]
        self.snapshot = scan(self.dirs)

    def changes(self) -> list[str]:
        """The paths added, removed or changed since the last call (and remember them)."""
        now = scan(self.dirs)
        changed = sorted(path for path in now.keys() | self.snapshot.keys()
                         if now.get(path) != self.snapshot.get(path))
        self.snapshot = now
        return changed

    def poll(self) -> bool:
        """True if anything changed since the last poll."""
        return bool(self.changes())


def reload(game: Game, content_dirs: Sequence[Path | str] | None = None
           ) -> tuple[Game | None, list[Problem]]:
    """The game carried over to freshly loaded content, or None and the content's errors.

    The problems list holds the content's errors (then the game is None), else its warnings
    and, with severity "note", what the carried-over game lost.
    """
    story, problems = load_with_problems(content_dirs)
    if story is None:
        return None, [p for p in problems if p.severity == "error"] or problems
    try:
        new = Game.replay(story, game.origin, game.path)
    except (ReplayError, KeyError) as exc:
        return _decode(game, story, problems, str(exc))
    new.branches = list(game.branches)
    return new, problems


def _decode(game: Game, story: object, problems: list[Problem], why: str
            ) -> tuple[Game | None, list[Problem]]:
    from game.saves import decode, encode

    where = SourceRef("reload")
    notes = [Problem(where, f"the decisions so far no longer replay ({why}); "
                            "values and flags are kept as they were", NOTE)]
    try:
        data = json.loads(encode(game, "reload"))
        new, said = decode(data, story, "the game in play")  # type: ignore[arg-type]
    except (GameError, KeyError, ValueError, TypeError) as exc:
        return None, [Problem(where, f"the game cannot be carried over: {exc}")]
    notes += [Problem(where, note, NOTE) for note in said]
    return new, [*problems, *notes]
