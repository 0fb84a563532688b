"""A chart of several variables across the years, drawn with Unicode braille.

    chart = StatChart()
    chart.series = chart_of(game)       # one Series per shown variable

Each variable gets its own band (small multiples) on its own declared scale, under one
shared axis of years: lines never cross or hide one another, and it reads at 80x24 as on a
large terminal. Each cell holds 2x4 braille dots. Colours come from the component classes
`stat-chart--series-0` .. `-5`, so they follow the theme.

Our own widget rather than textual-plotext: that package's last release (1.0.1, 2024) pins
plotext below 6 and predates the Textual 8 we use, and a few lines need only braille dots,
year ticks and labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from game.engine import Game

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [dot row][dot column]
COLOURS = 6
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


@dataclass(frozen=True)
class Series:
    """One variable's values over time: (month index, value) points in date order."""

    label: str
    points: tuple[tuple[int, int], ...]
    low: int = 0
    high: int = 100


Cell = tuple[str, "int | None"]


def plot(series: list[Series], x_range: tuple[int, int], y_range: tuple[int, int],
         width: int, height: int) -> list[list[Cell]]:
    """Braille cells (character, index of the series drawn there) for a width x height plot.

    Its cost follows the plot's size and the number of points, never the data's extent: every
    dot is clamped into the plot before a line is drawn, so no line is longer than the plot is
    wide and high, whatever dates or values a (doctored) history holds.
    """
    bits = [[0] * width for _ in range(height)]
    owner: list[list[int | None]] = [[None] * width for _ in range(height)]
    x0, x1 = x_range
    y0, y1 = y_range
    dots_w, dots_h = width * 2, height * 4

    def dot_x(date: int) -> int:
        share = (min(max(date, x0), x1) - x0) / max(1, x1 - x0)
        return round(share * (dots_w - 1))

    def dot_y(value: int) -> int:
        share = (min(max(value, y0), y1) - y0) / max(1, y1 - y0)
        return round((1 - share) * (dots_h - 1))

    def put(x: int, y: int, index: int) -> None:
        if 0 <= x < dots_w and 0 <= y < dots_h:
            bits[y // 4][x // 2] |= DOTS[y % 4][x % 2]
            owner[y // 4][x // 2] = index

    for index in reversed(range(len(series))):  # drawn last, the first series wins a cell
        dots = [(dot_x(date), dot_y(value)) for date, value in series[index].points]
        dots = [dot for n, dot in enumerate(dots) if n == 0 or dot != dots[n - 1]]
        if len(dots) == 1:
            put(*dots[0], index)
        for (ax, ay), (bx, by) in zip(dots, dots[1:], strict=False):
            for x, y in _segment(ax, ay, bx, by):
                put(x, y, index)
    return [[(chr(BRAILLE + bits[r][c]) if bits[r][c] else " ", owner[r][c])
             for c in range(width)] for r in range(height)]


def _segment(ax: int, ay: int, bx: int, by: int) -> list[tuple[int, int]]:
    """The dots of a straight line between two dots (Bresenham)."""
    points = []
    dx, dy = abs(bx - ax), -abs(by - ay)
    sx, sy = (1 if ax < bx else -1), (1 if ay < by else -1)
    err = dx + dy
    while True:
        points.append((ax, ay))
        if ax == bx and ay == by:
            return points
        twice = 2 * err
        if twice >= dy:
            err += dy
            ax += sx
        if twice <= dx:
            err += dx
            ay += sy


def year_ticks(x_range: tuple[int, int], width: int) -> list[tuple[int, int]]:
    """(column, year) labels under a plot of months x_range: the start, then Januaries."""
    start, end = x_range
    span = max(1, end - start)
    years = end // 12 - start // 12 + 1
    step = next((s for s in YEAR_STEPS if (years + s - 1) // s * 5 <= width), 0)
    while not step or (years + step - 1) // step * 5 > max(width, 5):  # centuries and more
        step = max(step * 10, YEAR_STEPS[-1] * 10)
    ticks = [(0, start // 12)]
    first = (start // 12 + 1 + step - 1) // step * step  # only the years a label may go at
    for year in range(first, end // 12 + 1, step):
        column = round((year * 12 - start) / span * (width * 2 - 1)) // 2
        if column - ticks[-1][0] >= 5 and column + 4 <= width:
            ticks.append((column, year))
    return ticks


class StatChart(Widget):
    """Every shown variable as a line over the years, one band each, with a year axis."""

    COMPONENT_CLASSES = {f"stat-chart--series-{i}" for i in range(COLOURS)} | {
        "stat-chart--axis"}

    DEFAULT_CSS = """
    StatChart { height: 14; min-height: 5; }
    StatChart > .stat-chart--axis { color: $foreground-muted; }
    StatChart > .stat-chart--series-0 { color: $error; }
    StatChart > .stat-chart--series-1 { color: $secondary; }
    StatChart > .stat-chart--series-2 { color: $success; }
    StatChart > .stat-chart--series-3 { color: $accent-lighten-2; }
    StatChart > .stat-chart--series-4 { color: $primary-lighten-2; }
    StatChart > .stat-chart--series-5 { color: $foreground; }
    """

    series: reactive[tuple[Series, ...]] = reactive(tuple)

    def render(self) -> Text:
        """Draw the chart to the widget's size."""
        width, height = self.size
        series = [s for s in self.series if s.points]
        axis = self.get_component_rich_style("stat-chart--axis")
        if not series:
            return Text("No history yet.", style=axis)
        label_w = min(20, max(max(len(s.label), len(f"{s.low}–{s.high}")) for s in series) + 1)
        plot_w, band_h = width - label_w - 1, (height - 2) // len(series)
        if plot_w < 10 or band_h < 1:
            return Text("(The chart needs a larger window.)", style=axis)
        x_range = (min(date for s in series for date, _ in s.points),
                   max(date for s in series for date, _ in s.points))
        text = Text(no_wrap=True, overflow="crop")
        for index, line in enumerate(series):
            colour = self.get_component_rich_style(f"stat-chart--series-{index % COLOURS}")
            cells = plot([line], x_range, (line.low, line.high), plot_w, band_h)
            final = line.points[-1][1]
            margin = [line.label, str(final), f"{line.low}–{line.high}"] if band_h >= 3 else \
                [line.label, str(final)] if band_h == 2 else [f"{line.label} {final}"]
            for row, cells_row in enumerate(cells):
                left = margin[row] if row < len(margin) else ""
                text.append(f"{left[:label_w - 1]:<{label_w}}",
                            colour if row == 0 else axis)
                text.append("┤" if row in (0, band_h - 1) else "│", axis)
                for char, owner in cells_row:
                    text.append(char, colour if owner is not None else Style())
                text.append("\n")
        ticks = year_ticks(x_range, plot_w)
        rule, labels = ["─"] * plot_w, [" "] * plot_w
        for column, year in ticks:
            rule[column] = "┬"
            for offset, char in enumerate(str(year)):
                if column + offset < plot_w:
                    labels[column + offset] = char
        text.append(" " * label_w + "└" + "".join(rule) + "\n", axis)
        text.append(" " * (label_w + 1) + "".join(labels), axis)
        return text


def chart_of(game: Game) -> tuple[Series, ...]:
    """A series for every shown variable in a game's history, on its declared scale."""
    return tuple(
        Series(v.label, tuple((date, values[v.id]) for date, values in game.history
                              if v.id in values), v.min, v.max)
        for v in game.story.shown_variables)
