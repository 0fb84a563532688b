"""Shared paths and helpers for the authoring tests."""

from __future__ import annotations

from pathlib import Path

from game.authoring.lint import lint
from game.loader import load_with_problems

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
BASE = FIXTURES / "base"
FAULTS = FIXTURES / "faults"


def warnings_for(*packs: Path) -> list[tuple[str, int, str]]:
    """(file name, line, message) of every check warning for BASE with packs layered on."""
    story, problems = load_with_problems([BASE, *packs])
    assert story is not None, [p.format() for p in problems]
    return [(Path(p.where.path).name, p.where.line, p.message) for p in lint(story)]
