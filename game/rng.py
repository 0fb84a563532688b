"""A small seeded random generator (SplitMix64) whose whole state is one integer.

Saving one integer is what lets a loaded game draw exactly what the unsaved one would have,
and the sequence is the same on every Python version and platform.
"""

from __future__ import annotations

import os

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def new_seed() -> int:
    """A fresh seed from the operating system, small enough to type back in."""
    return int.from_bytes(os.urandom(4), "big")


def mix(state: int) -> tuple[int, int]:
    """Advance the state; returns (new state, 64 random bits)."""
    state = (state + _GOLDEN) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def uniform(state: int) -> tuple[int, float]:
    """Advance the state; returns (new state, a float in [0, 1))."""
    state, bits = mix(state)
    return state, (bits >> 11) * (1.0 / (1 << 53))


def derive(seed: int, *salt: int) -> int:
    """A generator state for a seed and a salt (e.g. the index of a simulated game)."""
    state = seed & _MASK
    for value in salt:
        state, bits = mix(state ^ (value & _MASK))
        state = bits
    return state


def weighted_index(weights: list[float], roll: float) -> int:
    """The index a roll in [0, 1) lands on when each index is as likely as its weight.

    Negative weights count as 0; when every weight is 0 the indexes are equally likely.
    """
    weights = [w if w > 0 else 0.0 for w in weights]
    total = sum(weights)
    if total <= 0:
        return int(roll * len(weights))
    target = roll * total
    for index, weight in enumerate(weights):
        target -= weight
        if target < 0:
            return index
    return len(weights) - 1
