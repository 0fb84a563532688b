"""The seeded generator and the weighted draw every chance in the game goes through."""

from __future__ import annotations

import pytest

from game import rng


def test_same_seed_same_sequence():
    def draws(seed: int) -> list[float]:
        state, out = rng.derive(seed), []
        for _ in range(5):
            state, value = rng.uniform(state)
            out.append(value)
        return out

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert all(0.0 <= x < 1.0 for x in draws(7))


@pytest.mark.parametrize("weights, roll, expected", [
    ([1, 1], 0.0, 0),
    ([1, 1], 0.49, 0),
    ([1, 1], 0.5, 1),
    ([1, 3], 0.26, 1),
    ([0, 5, 0], 0.99, 1),
    ([-4, 2], 0.1, 1),          # a negative weight counts as 0
    ([0, 0, 0, 0], 0.6, 2),     # all zero: equally likely
    ([1e-300, 1], 0.999999, 1),
])
def test_weighted_index(weights, roll, expected):
    assert rng.weighted_index(weights, roll) == expected
