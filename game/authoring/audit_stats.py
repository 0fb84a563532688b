"""The statistics of `octobers audit`: TVD between choices with its interval, quartiles, shares.

Pure functions of the play-ons that game/authoring/audit.py gathers; every random draw (the
bootstrap's) is seeded, so the figures depend on the seed alone.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from game import rng

BOOTSTRAP = 200


@dataclass
class Sample:
    """One state of a decision and the endings of its futures, choice by choice."""

    node: str
    index: int  # the game it came from
    choices: tuple[str, ...]  # the choices open there
    futures: list[tuple[str, ...]] = field(default_factory=list)  # an ending per choice


@dataclass
class DecisionFigures:
    """How far a decision's choices move the ending distribution."""

    node: str
    states: int
    futures: int
    endings: dict[str, dict[str, int]]  # choice -> ending -> play-ons
    tvd: float
    low: float
    high: float
    pair: tuple[str, str] | None  # the two choices furthest apart
    changed: float  # share of (state, future) whose choices do not all end alike

    def verdict(self, dead_below: float) -> str:
        """"dead": the interval reaches 0 and stays under `dead_below`; "unclear": it reaches
        0 but the sample cannot rule out more; "moves": the choices are shown to matter."""
        if self.low > 0.0:
            return "moves"
        return "dead" if self.high < dead_below else "unclear"


class _Rows:
    """A decision's play-ons as numbers, for the TVD between pairs of choices, fast.

    Only the futures whose choices end differently make a difference between two choices'
    ending counts; the others count towards the pairs' totals only. Pairs of choices open
    together in fewer than `least` futures are left out (their TVD is mostly noise), unless
    no pair has that many.
    """

    def __init__(self, samples: Sequence[Sample], least: int):
        self.choices: list[str] = []
        for sample in samples:
            self.choices.extend(c for c in sample.choices if c not in self.choices)
        number = {c: i for i, c in enumerate(self.choices)}
        pairs = [(a, b) for a in range(len(self.choices))
                 for b in range(a + 1, len(self.choices))]
        together: Counter[tuple[int, int]] = Counter()
        for sample in samples:
            opened = sorted(number[c] for c in sample.choices)
            for i, a in enumerate(opened):
                for b in opened[i + 1:]:
                    together[(a, b)] += len(sample.futures)
        kept = [pair for pair in pairs if together[pair] >= least]
        self.pairs = kept or [pair for pair in pairs if together[pair]]
        pair_of = {pair: p for p, pair in enumerate(self.pairs)}
        self.width = 0
        endings: dict[str, int] = {}
        # per state: (pair, futures with both open); per differing future: (state, the
        # pairs that end differently with their two endings)
        self.paired: list[list[tuple[int, int]]] = []
        self.rows: list[tuple[int, list[tuple[int, int, int]]]] = []
        for state, sample in enumerate(samples):
            opened = sorted(number[c] for c in sample.choices)
            self.paired.append([(pair_of[(a, b)], len(sample.futures))
                                for i, a in enumerate(opened) for b in opened[i + 1:]
                                if (a, b) in pair_of])
            for row in sample.futures:
                if len(set(row)) == 1:
                    continue
                ends = {number[c]: endings.setdefault(e, len(endings))
                        for c, e in zip(sample.choices, row, strict=True)}
                split = [(pair_of[(a, b)], ends[a], ends[b]) for a, b in self.pairs
                         if a in ends and b in ends and ends[a] != ends[b]]
                if split:
                    self.rows.append((state, split))
        self.width = len(endings)

    def largest(self, weights: Sequence[int]) -> tuple[float, int]:
        """The largest TVD over pairs (and that pair), each state counted `weights` times."""
        totals = [0] * len(self.pairs)
        for state, pairs in enumerate(self.paired):
            weight = weights[state]
            if weight:
                for p, count in pairs:
                    totals[p] += weight * count
        sums = [[0] * self.width for _ in self.pairs]
        for state, split in self.rows:
            weight = weights[state]
            if weight:
                for p, ea, eb in split:
                    line = sums[p]
                    line[ea] += weight
                    line[eb] -= weight
        best, best_pair = 0.0, -1
        for p, total in enumerate(totals):
            if total:
                value = sum(abs(v) for v in sums[p]) / (2 * total)
                if value > best or best_pair < 0:
                    best, best_pair = value, p
        return best, best_pair


def decision_figures(node: str, samples: Sequence[Sample], seed: int, salt: int,
                     rounds: int = BOOTSTRAP, least: int = 20) -> DecisionFigures:
    """TVD between choices (the largest over pairs) and its 95% interval.

    The interval is the basic (bias-correcting) bootstrap one, `rounds` resamplings of the
    states, each with all its futures: [2T - q97.5, 2T - q2.5], kept within [0, 1]. A sample
    TVD is biased upwards (two samples of one distribution still differ), and resampling
    shows by how much: a decision whose choices only reshuffle chance gets an interval
    that reaches 0.
    """
    rows = _Rows(samples, least)
    endings: dict[str, Counter[str]] = {c: Counter() for c in rows.choices}
    futures = changed = 0
    for sample in samples:
        for row in sample.futures:
            futures += 1
            changed += len(set(row)) > 1
            for choice, ending in zip(sample.choices, row, strict=True):
                endings[choice][ending] += 1
    n = len(samples)
    tvd, best = rows.largest([1] * n)
    low = high = tvd
    if rows.rows and n > 1:
        draws = random.Random(rng.derive(seed, 5, salt))
        spread: list[float] = []
        every = range(n)
        for _ in range(rounds):
            weights = [0] * n
            for pick in draws.choices(every, k=n):
                weights[pick] += 1
            spread.append(rows.largest(weights)[0])
        spread.sort()
        low = max(0.0, 2 * tvd - spread[math.ceil(0.975 * (len(spread) - 1))])
        high = min(1.0, 2 * tvd - spread[int(0.025 * (len(spread) - 1))])
    pair = None
    if best >= 0:
        a, b = rows.pairs[best]
        pair = (rows.choices[a], rows.choices[b])
    return DecisionFigures(node, n, futures,
                           {c: dict(endings[c].most_common()) for c in rows.choices},
                           tvd, low, high, pair, changed / futures if futures else 0.0)


def quartiles(values: Sequence[int]) -> list[tuple[int, int]]:
    """The value ranges (inclusive) of a variable's quartiles; ties can leave fewer than four.

    The cuts are the values a quarter, half and three quarters of the way up; a value equal
    to a cut falls in the lower group.
    """
    ordered = sorted(values)
    if not ordered:
        return []
    count = len(ordered)
    cuts = [ordered[max(0, math.ceil(count * q / 4) - 1)] for q in (1, 2, 3)]
    groups: dict[int, list[int]] = {}
    for value in ordered:
        groups.setdefault(sum(value > cut for cut in cuts), []).append(value)
    return [(group[0], group[-1]) for _, group in sorted(groups.items())]


def wilson(hits: int, total: int) -> tuple[float, float]:
    """A 95% Wilson interval for a share."""
    if total == 0:
        return 0.0, 1.0
    z = 1.96
    share = hits / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / \
        (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)
