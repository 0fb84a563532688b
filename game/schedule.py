"""The timeline scheduler: which event comes next, found through an index by month.

Each month knows the events whose window covers it (`covers`) and the events worth looking at
when the calendar reaches it from an earlier month (`arrivals`: those that start then, and
windowed events whose condition reads the date). A step looks at the current month's events and
then walks forward through the months that have arrivals, so its cost follows the events near
the current date, never the size of the whole content.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from weakref import WeakKeyDictionary

from game.model import Expr, Node, Story

_CACHE: WeakKeyDictionary[Story, Schedule] = WeakKeyDictionary()


class Schedule:
    """The month index of one story's events."""

    def __init__(self, story: Story):
        covers: dict[int, list[Node]] = {}
        arrivals: dict[int, list[Node]] = {}
        for node in story.nodes.values():
            for month in range(node.date, node.until + 1):
                covers.setdefault(month, []).append(node)
            arrivals.setdefault(node.date, []).append(node)
            if node.when is not None and node.when.uses_date:
                for month in range(node.date + 1, node.until + 1):
                    arrivals.setdefault(month, []).append(node)

        def rank(node: Node) -> tuple[int, int]:
            return (-node.priority, node.order)

        self.covers = {m: sorted(v, key=rank) for m, v in covers.items()}
        self.arrivals = {m: sorted(v, key=rank) for m, v in arrivals.items()}
        self.months = sorted(self.arrivals)

    def next(self, date: int, seen: set[str], holds: Callable[[Expr, int], bool]
             ) -> tuple[Node, int] | None:
        """The next event and the month it happens, or None when the story has run out."""
        found = self._pick(self.covers.get(date, ()), date, seen, holds)
        if found is not None:
            return found, date
        for month in self.months[bisect.bisect_right(self.months, date):]:
            found = self._pick(self.arrivals[month], month, seen, holds)
            if found is not None:
                return found, month
        return None

    @staticmethod
    def _pick(nodes: list[Node] | tuple[()], month: int, seen: set[str],
              holds: Callable[[Expr, int], bool]) -> Node | None:
        for node in nodes:
            if node.id in seen or node.until < month:
                continue
            if node.when is None or holds(node.when, month):
                return node
        return None


def schedule_for(story: Story) -> Schedule:
    """The (cached) schedule of a story."""
    schedule = _CACHE.get(story)
    if schedule is None:
        schedule = _CACHE[story] = Schedule(story)
    return schedule
