"""One shown variable: its label and value, the last change ▲/▼, a bar and a sparkline."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult, RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from game.model import Danger


def change_text(delta: int) -> Content:
    """'▲5' in the success colour, '▼3' in the error colour, '' for no change."""
    if delta > 0:
        return Content.styled(f"▲{delta}", "bold $success")
    if delta < 0:
        return Content.styled(f"▼{-delta}", "bold $error")
    return Content("")


def _spark_data(history: Sequence[float], value: int) -> list[float]:
    # One point would draw a full bar; two equal points draw a flat line.
    data = list(history) or [float(value)]
    return data * 2 if len(data) == 1 else data


DANGER_MARK = Content.styled("!", "bold $error")
"""After a value in its danger zone."""


def stat_line(label: str, value: int, delta: int, width: int, danger: bool = False) -> Content:
    """'Stability 35 ▼5', the label shortened with '…' to fit `width` cells; a value in its
    danger zone is red, with a '!'."""
    change = change_text(delta)
    shown = Content.styled(str(value), "bold $error") if danger else Content(str(value))
    tail = Content.assemble(" ", shown, *((" ", change) if change else ()),
                            *((" ", DANGER_MARK) if danger else ()))
    room = max(1, width - tail.cell_length)
    if len(label) > room:
        label = label[: max(0, room - 1)] + "…"
    return Content.assemble((label, "bold"), tail)


def danger_cells(danger: Danger | None, minimum: int, maximum: int, width: int) -> list[int]:
    """The cells of a `width`-cell bar where the danger thresholds fall."""
    if danger is None or width < 2:
        return []
    span = max(1, maximum - minimum)
    cells = []
    for bound in (danger.below, danger.above):
        if bound is not None and minimum < bound < maximum:
            cells.append(min(width - 1, max(0, round((bound - minimum) / span * width))))
    return cells


class Meter(Widget):
    """A one-line bar filled in proportion to a value between a minimum and a maximum, with
    a '│' where a danger zone begins."""

    DEFAULT_CSS = """
    Meter { height: 1; color: $secondary; }
    """

    value: reactive[int] = reactive(0)

    def __init__(self, value: int, minimum: int, maximum: int, *, danger: Danger | None = None,
                 id: str | None = None):
        super().__init__(id=id)
        self.minimum = minimum
        self.maximum = maximum
        self.danger = danger
        self.set_reactive(Meter.value, value)

    def render(self) -> RenderResult:
        width = max(1, self.size.width)
        span = max(1, self.maximum - self.minimum)
        share = min(1.0, max(0.0, (self.value - self.minimum) / span))
        filled = round(share * width)
        in_danger = self.danger is not None and self.danger.holds(self.value)
        cells: list[str | tuple[str, str]] = [
            ("█", "$error") if in_danger and i < filled else "█" if i < filled
            else ("░", "dim") for i in range(width)]
        for cell in danger_cells(self.danger, self.minimum, self.maximum, width):
            cells[cell] = ("│", "bold $error on $secondary" if cell < filled
                           else "bold $error")
        return Content.assemble(*cells)


def resample(values: Sequence[float], width: int) -> list[float]:
    """`values` stretched or squeezed to `width` points (the mean of each cell's share)."""
    if not values or width < 1:
        return []
    n = len(values)
    out = []
    for cell in range(width):
        start = cell * n // width
        end = max(start + 1, (cell + 1) * n // width)
        share = values[start:end]
        out.append(sum(share) / len(share))
    return out


class Trend(Widget):
    """A sparkline on the variable's own scale (min to max), so a move of 3 in 100 looks like
    one; Textual's Sparkline spans the lowest to the highest value seen."""

    DEFAULT_CSS = """
    Trend { height: 1; color: $secondary; }
    """

    def __init__(self, history: Sequence[float], minimum: int, maximum: int):
        super().__init__(classes="trend")
        self.history = list(history)
        self.minimum = minimum
        self.maximum = maximum

    def render(self) -> RenderResult:
        from game.union import trend

        width = max(1, self.size.width)
        points = [round(v) for v in resample(self.history, width)]
        return Content(trend(points, self.minimum, self.maximum, width))

    @property
    def text(self) -> str:
        """The line as drawn at `width` cells."""
        return str(self.render())


class StatBar(Widget):
    """A labelled bar for one variable, with its history as a sparkline."""

    DEFAULT_CSS = """
    StatBar { height: auto; margin-bottom: 1; }
    StatBar > .stat-line { height: 1; }
    StatBar > Sparkline { height: 1; }
    StatBar > Sparkline > .sparkline--max-color { color: $secondary; }
    StatBar > Sparkline > .sparkline--min-color { color: $primary; }
    """

    def __init__(self, var_id: str, label: str, value: int, minimum: int, maximum: int,
                 *, delta: int = 0, history: Sequence[float] = (), danger: Danger | None = None,
                 id: str | None = None, to_scale: bool = False):
        super().__init__(id=id or f"stat-{var_id}")
        self.var_id = var_id
        self.label = label
        self.value = value
        self.delta = delta
        self.danger = danger
        self._meter = Meter(value, minimum, maximum, danger=danger)
        self._history = _spark_data(history, value)
        self._line = Static(self._line_text(), classes="stat-line")
        self._trend = Trend(self._history, minimum, maximum) if to_scale else None

    def compose(self) -> ComposeResult:
        yield self._line
        yield self._meter
        yield self._trend if self._trend is not None else Sparkline(self._history)

    def _line_text(self) -> Content:
        return stat_line(self.label, self.value, self.delta, self._line.size.width
                         if hasattr(self, "_line") and self._line.size.width else 200,
                         self.in_danger)

    @property
    def in_danger(self) -> bool:
        """Whether the value lies in its danger zone."""
        return self.danger is not None and self.danger.holds(self.value)

    def on_resize(self) -> None:
        """Shorten the label, never the value, when the sidebar is narrow."""
        self._line.update(self._line_text())

    def set_stat(self, value: int, delta: int, history: Sequence[float]) -> None:
        """Show a new value, its last change and its history."""
        self.value = value
        self.delta = delta
        self._history = _spark_data(history, value)
        self._line.update(self._line_text())
        self._meter.value = value
        if self._trend is not None:
            self._trend.history = list(self._history)
            self._trend.refresh()
        else:
            self.query_one(Sparkline).data = self._history
