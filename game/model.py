"""The compiled story: frozen dataclasses the engine plays. The engine never sees YAML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game.errors import SourceRef

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def month_index(year: int, month: int) -> int:
    """A date as a count of months, so that dates compare and subtract as integers."""
    return year * 12 + (month - 1)


def year_of(date: int) -> int:
    """The year of a month index."""
    return date // 12


def month_of(date: int) -> int:
    """The month (1-12) of a month index."""
    return date % 12 + 1


def format_date(date: int) -> str:
    """'March 1917'."""
    return f"{MONTHS[date % 12]} {date // 12}"


def iso_date(date: int) -> str:
    """'1917-03', as written in content."""
    return f"{date // 12:04d}-{date % 12 + 1:02d}"


@dataclass(frozen=True, eq=False)
class Expr:
    """A compiled expression: its source text, where it was written, and a safe function."""

    source: str
    where: SourceRef
    fn: Callable[..., Any] = field(repr=False)
    uses_date: bool = False


@dataclass(frozen=True)
class Template:
    """Text with `{name}` holes, pre-split into (is_name, text) parts."""

    parts: tuple[tuple[bool, str], ...]
    source: str

    @property
    def is_plain(self) -> bool:
        """True when the text has no holes."""
        return all(not is_name for is_name, _ in self.parts)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of narrative, shown only when its condition holds (or always)."""

    template: Template
    when: Expr | None = None
    id: str | None = None  # a stable name, so that a pack can add text beside it or hide it


@dataclass(frozen=True)
class Danger:
    """A variable's danger zone: below one value, above another, or both."""

    below: int | None
    above: int | None
    warning: str = ""

    def holds(self, value: int) -> bool:
        """True when a value lies in the danger zone."""
        return (self.below is not None and value < self.below) or \
            (self.above is not None and value > self.above)

    def describe(self) -> str:
        """'below 15', 'above 80' or 'below 15 or above 80'."""
        parts = [f"below {self.below}" if self.below is not None else "",
                 f"above {self.above}" if self.above is not None else ""]
        return " or ".join(p for p in parts if p)


@dataclass(frozen=True)
class Reveal:
    """When a hidden variable becomes known to the player: always, after a flag, or a date."""

    always: bool = False
    flag: str | None = None
    date: int | None = None


@dataclass(frozen=True)
class Variable:
    """A numeric variable the story moves."""

    id: str
    label: str
    start: int
    min: int
    max: int
    shown: bool
    description: str
    where: SourceRef
    danger: Danger | None = None
    reveal: Reveal | None = None


@dataclass(frozen=True)
class TextVariable:
    """A text variable, for `{leader}` in narrative."""

    id: str
    label: str
    start: str
    shown: bool
    where: SourceRef


@dataclass(frozen=True)
class Effect:
    """What a choice or an outcome does to the state."""

    deltas: tuple[tuple[str, int | Expr], ...] = ()
    assign: tuple[tuple[str, int | Expr], ...] = ()
    set: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    texts: tuple[tuple[str, Template], ...] = ()
    log: Template | None = None
    goto: str | None = None
    unlock: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One weighted result of a choice."""

    weight: float | Expr
    effect: Effect
    where: SourceRef
    id: str | None = None  # optional, so that a pack can hide it


@dataclass(frozen=True)
class Choice:
    """A decision the player can take at a node."""

    id: str
    label: Template
    effect: Effect
    where: SourceRef
    when: Expr | None = None
    locked: Template | None = None
    outcomes: tuple[Outcome, ...] = ()
    ai: float | Expr = 1.0
    hidden: Expr | None = None  # a pack's `hide:` condition: then not shown, even as locked


@dataclass(frozen=True)
class Node:
    """A dated event with its narrative and choices."""

    id: str
    date: int
    until: int
    title: Template
    text: tuple[Paragraph, ...]
    history: str
    choices: tuple[Choice, ...]
    where: SourceRef
    order: int
    when: Expr | None = None
    priority: int = 0
    enter: Effect | None = None


@dataclass(frozen=True)
class Ending:
    """A way the game ends."""

    id: str
    title: Template
    text: tuple[Paragraph, ...]
    where: SourceRef
    when: Expr | None = None
    immediate: bool = False


@dataclass(frozen=True)
class Scenario:
    """A starting point the player can pick."""

    id: str
    title: str
    date: int
    start: str
    description: str
    where: SourceRef
    set: tuple[str, ...] = ()
    vars: tuple[tuple[str, int], ...] = ()
    texts: tuple[tuple[str, str], ...] = ()


CODEX_KINDS = ("person", "party", "institution", "place", "term")


@dataclass(frozen=True)
class CodexEntry:
    """A codex entry: a person, party, institution, place or term the story names.

    `sections` and `fate` are paragraphs with optional conditions, like a node's text, so an
    entry says what became of its subject in the player's timeline; `history` says what
    became of it in ours. `aliases` are the forms in which the text mentions it.
    """

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    where: SourceRef
    sections: tuple[Paragraph, ...] = ()
    fate: tuple[Paragraph, ...] = ()
    history: str = ""
    fate_ours: str = ""
    main: bool = False


@dataclass(frozen=True)
class PackChange:
    """One thing a pack does to the content beneath it (for `check`'s summary)."""

    pack: str  # the pack's folder, as shown
    node: str
    kind: str  # one of CHANGE_KINDS
    item: str  # the id of what was added or hidden ('' when it has none)
    where: SourceRef
    text: str = ""  # what was added: a paragraph's text, a choice's label (for `proof`)


CHANGE_KINDS = ("node added", "node replaced", "choice added", "paragraph added",
                "paragraph hidden", "choice hidden", "outcome hidden")


@dataclass(frozen=True, eq=False)
class Story:
    """All the content, compiled and checked."""

    title: str
    variables: Mapping[str, Variable]
    texts: Mapping[str, TextVariable]
    flags: frozenset[str]
    scenarios: tuple[Scenario, ...]
    nodes: Mapping[str, Node]
    endings: tuple[Ending, ...]
    content_hash: str
    files: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()
    codex: tuple[CodexEntry, ...] = ()
    codex_ignore: frozenset[str] = frozenset()
    changes: tuple[PackChange, ...] = ()  # what each pack adds to or hides in earlier layers
    unreachable: frozenset[str] = frozenset()  # ids `unreachable:` lists: never reached on purpose

    @property
    def shown_variables(self) -> list[Variable]:
        """The variables a player sees, in declaration order."""
        return [v for v in self.variables.values() if v.shown]

    def scenario(self, scenario_id: str | None) -> Scenario:
        """The scenario with this id, or the first when None."""
        if scenario_id is None:
            return self.scenarios[0]
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)

    def ending(self, ending_id: str) -> Ending:
        """The ending with this id."""
        for ending in self.endings:
            if ending.id == ending_id:
                return ending
        raise KeyError(ending_id)
