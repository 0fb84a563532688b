"""Helpers shared by the reliability tests."""

from __future__ import annotations

import os


def fuzz_examples(base: int) -> int:
    """An example count for Hypothesis: `base`, times $OCTOBERS_FUZZ when set (for long hunts)."""
    try:
        factor = float(os.environ.get("OCTOBERS_FUZZ", "1"))
    except ValueError:
        factor = 1.0
    return max(1, int(base * factor))
