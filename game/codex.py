"""The codex in play: which entries the player has met, and what each says in this timeline.

An entry opens the first time one of its names appears in a scene the player is shown (its
title, text, choices or "In our timeline" note), or by an `unlock:` effect. Which entries are
open is not saved: it is worked out from the game's path, by replaying it and reading each
scene, so saves, rewinds and timeline branches need nothing new. That replay costs a few
milliseconds for a whole game, and only when the codex is opened, never on a turn.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from game.engine import Game
from game.errors import suggest
from game.model import CODEX_KINDS, CodexEntry, Story
from game.output import printable

KIND_LABELS = {"person": "People", "party": "Parties", "institution": "Institutions",
               "place": "Places", "term": "Terms"}


@dataclass(frozen=True)
class EntryView:
    """An entry as the player's timeline has it."""

    id: str
    kind: str
    name: str
    summary: str
    sections: tuple[str, ...]
    fate: str
    fate_ours: str
    history: str


@dataclass(frozen=True)
class Mention:
    """Where an entry's name first appears in a text: [start, end) and the entry's id."""

    start: int
    end: int
    entry_id: str


class Index:
    """The story's codex, with one pattern that finds every name in a text."""

    def __init__(self, story: Story):
        self.entries = {e.id: e for e in story.codex}
        self.by_name: dict[str, str] = {}
        for entry in story.codex:
            for alias in entry.aliases:
                self.by_name.setdefault(alias, entry.id)
        names = sorted(self.by_name, key=len, reverse=True)  # the longest name wins
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)") \
            if names else None

    def mentions(self, text: str) -> list[Mention]:
        """The first mention of each entry in a text, in the order they appear."""
        if self.pattern is None:
            return []
        seen: set[str] = set()
        out = []
        for match in self.pattern.finditer(text):
            entry_id = self.by_name[match.group(0)]
            if entry_id not in seen:
                seen.add(entry_id)
                out.append(Mention(match.start(), match.end(), entry_id))
        return out

    def ids_in(self, text: str) -> set[str]:
        """Every entry a text names."""
        if self.pattern is None:
            return set()
        return {self.by_name[m.group(0)] for m in self.pattern.finditer(text)}


_INDEXES: weakref.WeakKeyDictionary[Story, Index] = weakref.WeakKeyDictionary()


def index(story: Story) -> Index:
    """The story's codex index, built once per story."""
    found = _INDEXES.get(story)
    if found is None:
        found = _INDEXES[story] = Index(story)
    return found


def scene_text(game: Game) -> str:
    """Everything the player reads where the game now stands."""
    if game.over:
        title, text = game.ending_text()
        return f"{title}\n{text}"
    scene = game.scene()
    labels = "\n".join(c.label for c in scene.choices)
    return f"{scene.title}\n{scene.text}\n{labels}\n{scene.history}"


def link_mentions(story: Story, markdown: str) -> str:
    """Markdown with the first mention of each entry made a `codex:ID` link, for the TUI.

    A mention inside a link or code span already in the text is left alone."""
    marks = index(story).mentions(markdown)
    if not marks:
        return markdown
    out: list[str] = []
    position = 0
    for mark in marks:
        before = markdown[:mark.start]
        if before.count("`") % 2 or before.rfind("[") > before.rfind("]"):
            continue
        out += [markdown[position:mark.start],
                f"[{markdown[mark.start:mark.end]}](codex:{mark.entry_id})"]
        position = mark.end
    out.append(markdown[position:])
    return "".join(out)


def scene_entries(game: Game) -> list[str]:
    """The ids of the entries the current scene names, in the order it names them."""
    if not game.story.codex:
        return []
    return [m.entry_id for m in index(game.story).mentions(scene_text(game))]


def met(game: Game) -> frozenset[str]:
    """The ids of the entries this game has opened so far."""
    if not game.story.codex:
        return frozenset()
    return _met(game.story, game.origin, tuple(game.path), game.over) | game.unlocked


@lru_cache(maxsize=8)
def _met(story: Story, origin: object, path: tuple[tuple[str, str], ...],
         over: bool) -> frozenset[str]:
    codex = index(story)
    replay = Game.from_origin(story, origin)  # type: ignore[arg-type]
    found: set[str] = set()
    for node_id, choice_id in path:
        if replay.node_id != node_id:
            break  # the content changed under a loaded game: keep what was found
        found |= codex.ids_in(scene_text(replay))
        replay.step(choice_id)
    if replay.over == over:
        found |= codex.ids_in(scene_text(replay))
    return frozenset(found | replay.unlocked)


def view(game: Game, entry: CodexEntry) -> EntryView:
    """What an entry says in this game's timeline."""
    sections = tuple(text for text in (game.paragraphs((p,)) for p in entry.sections) if text)
    return EntryView(entry.id, entry.kind, entry.name, entry.summary.strip(), sections,
                     fate(game, entry), entry.fate_ours.strip(), entry.history.strip())


def entry_markdown(game: Game, entry: CodexEntry) -> str:
    """An entry as Markdown: this timeline first, then ours."""
    shown = view(game, entry)
    kind = entry.kind.capitalize()
    parts = [f"## {_md(shown.name)}", f"*{kind}*", _md(shown.summary)]
    parts += [_md(section) for section in shown.sections]
    if shown.fate:
        parts.append(f"**In this timeline:** {_md(shown.fate)}")
    if shown.history or shown.fate_ours:
        parts.append("### In our timeline")
        if shown.fate_ours:
            parts.append(f"**Fate:** {_md(shown.fate_ours)}")
        if shown.history:
            parts.append(_md(shown.history))
    return "\n\n".join(p for p in parts if p)


def _md(text: str) -> str:
    """Content text as one Markdown paragraph: control characters escaped, lines joined."""
    return printable(" ".join(text.split()))


def fate(game: Game, entry: CodexEntry) -> str:
    """The first of an entry's fate lines that holds in this game, or ''."""
    for paragraph in entry.fate:
        text = game.paragraphs((paragraph,))
        if text:
            return text
    return ""


def opened(game: Game, kind: str | None = None, query: str = "") -> list[CodexEntry]:
    """The open entries, by kind and a search over names, aliases and summaries, by name."""
    ids = met(game)
    folded = query.casefold().strip()
    out = [e for e in game.story.codex if e.id in ids and (kind is None or e.kind == kind)
           and (not folded or any(folded in text.casefold()
                                  for text in (*e.aliases, e.summary)))]
    return sorted(out, key=lambda e: sort_name(e))


def sort_name(entry: CodexEntry) -> str:
    """A person sorts by surname ('Stalin, Joseph'); anything else by its name."""
    if entry.kind == "person" and " " in entry.name:
        return entry.name.rsplit(" ", 1)[1].casefold()
    return entry.name.casefold()


def counts(game: Game) -> tuple[int, int]:
    """(entries open, entries in the story)."""
    return len(met(game) & {e.id for e in game.story.codex}), len(game.story.codex)


def people(game: Game) -> list[tuple[CodexEntry, str, str]]:
    """Everyone met: (entry, fate in this timeline, fate in ours)."""
    return [(e, fate(game, e), e.fate_ours) for e in opened(game, "person")]


def who_became_what(game: Game) -> list[tuple[str, str, str]]:
    """The main figures met in this game: (name, this timeline, ours), for the ending."""
    ids = met(game)
    return [(e.name, fate(game, e) or "-", e.fate_ours or "-")
            for e in game.story.codex if e.main and e.id in ids]


def find(story: Story, name: str, among: Iterable[str] | None = None
         ) -> tuple[CodexEntry | None, str]:
    """The entry a player's typed name means (id, name or alias, any case), among the open
    ones when given; else None and a sentence that says why, with a did-you-mean."""
    allowed = set(among) if among is not None else {e.id for e in story.codex}
    folded = name.casefold().strip()
    names: dict[str, CodexEntry] = {}
    for entry in story.codex:
        if entry.id in allowed:
            for key in (entry.id, *entry.aliases):
                names.setdefault(key.casefold(), entry)
    if folded in names:
        return names[folded], ""
    partial = [e for key, e in names.items() if folded and folded in key]
    if len({e.id for e in partial}) == 1:
        return partial[0], ""
    if not story.codex:
        return None, "this content has no codex"
    return None, f"no open codex entry '{name}'{suggest(folded, names)}"


__all__ = ["CODEX_KINDS", "KIND_LABELS", "EntryView", "Index", "Mention", "counts",
           "entry_markdown", "fate",
           "find", "index", "link_mentions", "met", "opened", "people", "scene_entries",
           "scene_text", "view", "who_became_what"]
