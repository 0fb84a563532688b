"""Where the game keeps its files: the saves folder's default, and how a folder is shown.

Light on purpose (no YAML, no Textual): `octobers --help` and `--version` import it.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_saves_dir() -> Path:
    """Where saves live unless `--saves-dir` says otherwise.

    `$OCTOBERS_SAVES` when set; else, when this code runs from a git checkout of the game
    (`checkout_saves_dir`), the checkout's own `saves/` (for development); else the user's data
    folder, `$XDG_DATA_HOME/many-octobers/saves` (`~/.local/share/many-octobers/saves`). Never
    the current directory: a game started inside a stranger's folder must not use its saves.
    """
    env = os.environ.get("OCTOBERS_SAVES")
    if env:
        return Path(env)
    checkout = checkout_saves_dir()
    if checkout is not None:
        return checkout
    data = os.environ.get("XDG_DATA_HOME")
    base = Path(data) if data and Path(data).is_absolute() else Path.home() / ".local" / "share"
    return base / "many-octobers" / "saves"


def checkout_saves_dir(root: Path | None = None) -> Path | None:
    """The `saves/` of the git checkout this code runs from, or None when installed.

    Detected from where the code is, never from the current directory: the folder above the
    `game` package must hold `.git`, a pyproject.toml naming `many-octobers`, and
    `saves/.gitkeep`, as this repository does.
    """
    root = root or Path(__file__).resolve().parent.parent
    try:
        if not (root / ".git").exists() or not (root / "saves" / ".gitkeep").is_file():
            return None
        if 'name = "many-octobers"' not in (root / "pyproject.toml").read_text("utf-8"):
            return None
    except (OSError, UnicodeDecodeError):
        return None
    return root / "saves"


def shown_folder(folder: Path) -> str:
    """A folder as the player is told it: absolute, with the home folder as `~`."""
    text = str(folder.absolute())
    try:
        home = str(Path.home())
    except (RuntimeError, KeyError):
        return text
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text
