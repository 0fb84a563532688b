"""The timeline scheduler: which event comes next, found through an index of the calendar.

The calendar is cut into spans at every month where an event's window opens or closes; each
span knows the events whose window covers it (`covers`) and, of those, the ones whose condition
reads the date (`watching`: they may come true in any month of their window). `starts` lists
the events that open in each month. A step looks at the current month's events, then walks
forward: month by month while some event is watching the date, else straight to the next month
where an event opens. So building the index costs the number of events (times the events that
overlap), never the length of their windows: a window of a thousand years is one span, not
twelve thousand months; and a step's cost follows the events near the current date, never the
size of the whole content.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from weakref import WeakKeyDictionary

from game.model import Expr, Node, Story

_CACHE: WeakKeyDictionary[Story, Schedule] = WeakKeyDictionary()


class Schedule:
    """The calendar index of one story's events."""

    def __init__(self, story: Story):
        def rank(node: Node) -> tuple[int, int]:
            return (-node.priority, node.order)

        nodes = sorted(story.nodes.values(), key=rank)
        cuts = sorted({n.date for n in nodes} | {n.until + 1 for n in nodes})
        self.cuts = cuts  # span i covers the months cuts[i] .. cuts[i + 1] - 1
        self.covers: list[list[Node]] = [[] for _ in cuts]
        self.watching: list[list[Node]] = [[] for _ in cuts]
        starts: dict[int, list[Node]] = {}
        for node in nodes:
            starts.setdefault(node.date, []).append(node)
            watches = node.when is not None and node.when.uses_date
            for span in range(bisect.bisect_left(cuts, node.date),
                              bisect.bisect_left(cuts, node.until + 1)):
                self.covers[span].append(node)
                if watches:
                    self.watching[span].append(node)
        self.starts = starts
        self.months = sorted(starts)
        # Every window opens at a cut, so an event can start only in its span's first month:
        # what may arrive there is the span's openers and watchers, in rank order; in the
        # span's later months only its watchers can (a list made once, not every month).
        self.entering: list[list[Node]] = [
            [n for n in covers if n.date == cut or (n.when is not None and n.when.uses_date)]
            for cut, covers in zip(cuts, self.covers, strict=True)]

    def _span(self, month: int) -> int:
        """The span a month falls in (-1 before the first)."""
        return bisect.bisect_right(self.cuts, month) - 1

    def covering(self, month: int) -> list[Node]:
        """The events whose window covers a month, best rank first."""
        span = self._span(month)
        return self.covers[span] if span >= 0 else []

    def next(self, date: int, seen: set[str], holds: Callable[[Expr, int], bool]
             ) -> tuple[Node, int] | None:
        """The next event and the month it happens, or None when the story has run out."""
        found = self._pick(self.covering(date), date, seen, holds)
        if found is not None:
            return found, date
        month = date + 1
        while True:
            span = self._span(month)
            watching = self.watching[span] if span >= 0 else []
            if watching and any(n.id not in seen for n in watching):
                arrivals = self.entering[span] if month == self.cuts[span] else watching
                found = self._pick(arrivals, month, seen, holds)
                if found is not None:
                    return found, month
                month += 1
                continue
            found = self._pick(self.starts.get(month, ()), month, seen, holds)
            if found is not None:
                return found, month
            following = [self.months[i] for i in (bisect.bisect_right(self.months, month),)
                         if i < len(self.months)]
            if span + 1 < len(self.cuts):  # a watcher may begin at the next span
                following.append(self.cuts[span + 1])
            if not following:
                return None
            month = min(following)

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
