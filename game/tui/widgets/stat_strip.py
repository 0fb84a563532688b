"""The sidebar folded into one line, for terminals below 100 columns.

    Stability 12 ▼5 ! · Industry 20 · War-readiness 30 ▲2 · Leading: Lenin

Every shown variable with its value and last change (a value in its danger zone is red, with
a '!'), then the shown text values (who leads
first). When the line does not fit, it gives up, in turn: the later text values, the labels
of the text values, the stats' long labels (cut to their first word); only then is it cut
with "…". `u` opens the State of the Union for everything at full length.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widgets import Static

from game.engine import Game
from game.tui.widgets.stat_bar import DANGER_MARK, change_text

SEPARATOR = ("  ·  ", "dim")
TIGHT_SEPARATOR = (" · ", "dim")


def short_label(label: str) -> str:
    """A label's first word, at most six letters ('War-readiness' → 'War', 'Stability' →
    'Stabil.')."""
    word = label.replace("-", " ").split()[0] if label.split() else label
    return word if len(word) <= 6 else word[:6] + "."


def _stat(game: Game, var_id: str, label: str) -> Content:
    change = change_text(game.last_change(var_id))
    danger = game.in_danger(var_id)
    value = str(game.values[var_id])
    return Content.assemble((label, "bold"), " ", (value, "bold $error") if danger else value,
                            *((" ", change) if change else ()),
                            *((" ", DANGER_MARK) if danger else ()))


def strip_candidates(game: Game) -> list[Content]:
    """The strip's forms, longest first; the widget shows the first that fits."""
    story = game.story
    shown = story.shown_variables
    texts = [t for t in story.texts.values() if t.shown]

    def line(label_of: Callable[[str], str], n_texts: int, labelled: bool,
             sep: tuple[str, str]) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        for variable in shown:
            if parts:
                parts.append(sep)
            parts.append(_stat(game, variable.id, label_of(variable.label)))
        for text in texts[:n_texts]:
            if parts:
                parts.append(sep)
            if labelled:
                parts.append((f"{text.label}: ", "dim"))
            parts.append((str(game.values[text.id]), "bold"))
        return Content.assemble(*parts)

    def full(label: str) -> str:
        return label

    forms = [line(full, len(texts), True, SEPARATOR)]
    for n in range(len(texts), 0, -1):
        forms += [line(full, n, True, TIGHT_SEPARATOR), line(full, n, False, TIGHT_SEPARATOR)]
    forms += [line(short_label, min(1, len(texts)), False, TIGHT_SEPARATOR),
              line(short_label, 0, False, TIGHT_SEPARATOR)]
    return forms


def fit_strip(forms: list[Content], width: int) -> Content:
    """The first form that fits `width` cells, else the last one cut with '…'."""
    for form in forms:
        if form.cell_length <= width:
            return form
    last = forms[-1]
    return last.truncate(max(1, width), ellipsis=True) if width > 0 else Content("")


class StatStrip(Static):
    """One line of stats and who leads; parents call `update_from(game)`."""

    def __init__(self, game: Game, *, id: str | None = None):
        super().__init__(id=id, markup=False)
        self._game = game

    def on_mount(self) -> None:
        """Fill the line once it has a width."""
        self.update_from(self._game)

    def on_resize(self) -> None:
        """Pick the form that fits the new width."""
        self.update_from(self._game)

    def update_from(self, game: Game) -> None:
        """Show the values of `game`."""
        self._game = game
        width = self.content_region.width or self.app.size.width
        self.update(fit_strip(strip_candidates(game), width))

    @property
    def text(self) -> str:
        """What the strip shows, as plain text."""
        return fit_strip(strip_candidates(self._game),
                         self.content_region.width or self.app.size.width).plain
