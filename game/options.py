"""The options a game is started with, shared by the plain mode and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PlayOptions:
    """How to start playing: which content, which save folder, which game."""

    content_dirs: list[Path] = field(default_factory=list)
    saves_dir: Path | None = None
    seed: int | None = None
    scenario: str | None = None
    load: str | None = None
    start_at: str | None = None
    values: dict[str, int | str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    dev: bool = False
    watch: bool = False
