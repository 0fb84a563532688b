"""The options a game is started with, shared by the plain mode and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.engine import Game, StartState
    from game.model import Story


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
    # test any moment (game/authoring/startstate.py): the state --start-at begins from (None:
    # the scenario's start values), the sentence saying which, forced outcomes (node, choice,
    # index from 0), and --ending's id to preview instead of playing
    start_state: StartState | None = None
    start_note: str = ""
    outcomes: tuple[tuple[str, str, int], ...] = ()
    ending: str | None = None

    def new_game(self, story: Story, scenario: str | None = None) -> Game:
        """A new game with these options' seed and test-from-here set-up."""
        from game.engine import Game

        scenario = scenario or self.scenario
        state = self.start_state if scenario == self.scenario else None
        return Game.new(story, scenario, self.seed, self.start_at, self.values, self.flags,
                        state, self.outcomes)

    def start_lines(self, scenario: str | None = None) -> list[str]:
        """What a test-from-here game starts from, for the first lines of the game."""
        lines = []
        if self.start_at is not None:
            note = self.start_note or \
                f"the start values of the scenario '{scenario or self.scenario or '?'}'"
            lines.append(f"Testing from '{self.start_at}': {note}"
                         f"{'' if note.endswith('.') else '.'}")
        set_up = [f"--set {k}={v}" for k, v in self.values.items()] + \
            [f"--flag {f}" for f in self.flags]
        if set_up:
            lines.append("On top of it: " + ", ".join(set_up) + ".")
        if self.outcomes:
            lines.append("Forced outcomes: " + ", ".join(f"{n}.{c}={k + 1}"
                                                         for n, c, k in self.outcomes) + ".")
        return lines
