"""Endings discovered across playthroughs: a small JSON file beside the saves.

    record_ending(saves_dir, story, "collapse")      # after a game ends
    discovered(saves_dir, story)                     # -> (k, n) for "endings discovered: k of n"

The file is keyed by the game's title, so two content sets never mix. It is a nicety, not a
save: a missing, damaged or unwritable file counts as "nothing discovered yet" and never stops
play (writing returns False instead of raising).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from game.model import Story
from game.safefiles import read_regular, write_atomic

PROGRESS_FILE = "_progress.json"  # "_" keeps it out of the save list: no slot starts so
KIND = "many-octobers-progress"
MAX_BYTES = 256 * 1024


def progress_path(saves_dir: Path | str) -> Path:
    """Where the progress file of a saves folder lives."""
    return Path(saves_dir) / PROGRESS_FILE


def read_progress(saves_dir: Path | str) -> dict[str, list[str]]:
    """Game title -> ending ids discovered; {} when the file is absent or unusable."""
    path = progress_path(saves_dir)
    try:
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return {}
    games = data.get("endings")
    if not isinstance(games, dict):
        return {}
    return {str(title): sorted({e for e in ids if isinstance(e, str)})
            for title, ids in games.items() if isinstance(ids, list)}


def endings_found(saves_dir: Path | str, story: Story) -> set[str]:
    """The endings of this story discovered so far (only ones the story still has)."""
    known = {ending.id for ending in story.endings}
    return set(read_progress(saves_dir).get(story.title, [])) & known


def discovered(saves_dir: Path | str, story: Story) -> tuple[int, int]:
    """(endings discovered, endings in the story)."""
    return len(endings_found(saves_dir, story)), len(story.endings)


def record_ending(saves_dir: Path | str, story: Story, ending_id: str) -> bool:
    """Remember that an ending was reached; False if the file could not be written."""
    games = read_progress(saves_dir)
    found = set(games.get(story.title, []))
    if ending_id in found:
        return True
    found.add(ending_id)
    games[story.title] = sorted(found)
    data: dict[str, Any] = {"kind": KIND, "format": 1, "endings": games}
    return _write_atomically(progress_path(saves_dir), json.dumps(data, indent=1) + "\n")


def _write_atomically(path: Path, text: str) -> bool:
    """Write the progress file whole (temp file and rename); False if the disk refused."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), prefix=".tmp-progress-")
    except OSError:
        return False
    return True
