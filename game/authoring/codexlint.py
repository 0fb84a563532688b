"""`octobers check` on the codex: entries no text names, and people the text names often
who have no entry.

    codex-unnamed   an entry none of whose names appears in any scene or ending (and that no
                    `unlock:` opens): the player can never open it
    codex-missing   (--strict only) a person named in three or more nodes without an entry

The heuristic for a person's name is simple, and documented in docs/authoring.md: a
capitalised word that follows a given name from `GIVEN_NAMES` ("Mikhail Frunze") or a title
from `TITLES` ("General Kornilov"). The name counts as covered when an entry's name or alias
contains its last word. Names that need no entry go under `codex_ignore:` in game.yaml or a
pack's manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from game.errors import Problem, SourceRef
from game.model import Story

MIN_NODES = 3
TITLES = (
    "Admiral", "Ataman", "Chairman", "Chancellor", "Colonel", "Comrade", "Count", "Field Marshal",
    "General", "Grand Duke", "Marshal", "Metropolitan", "Patriarch", "President", "Prince",
    "Princess", "Professor", "Tsar", "Tsarina",
)
GIVEN_NAMES = (
    "Adolf", "Alexander", "Alexandra", "Alexei", "Anastas", "Anatoly", "Andrei", "Angelica",
    "Avel", "Boris", "Dmitry", "Felix", "Franklin", "Fyodor", "Georgy", "Gleb", "Grigory",
    "Harry", "Heinrich", "Inessa", "Ioakim", "Iosif", "Irakli", "Ivan", "Ivar", "Joseph",
    "Jukums", "Karl", "Kliment", "Konstantin", "Lavr", "Lavrenty", "Lazar", "Leon", "Leonid",
    "Lev", "Maria", "Martemyan", "Matvei", "Mikhail", "Nadezhda", "Nestor", "Nikita", "Nikolai",
    "Noe", "Pavel", "Pyotr", "Rosa", "Semyon", "Sergei", "Vasily", "Viktor", "Vladimir",
    "Vyacheslav", "Winston", "Yakov", "Yegor", "Yuri",
)
_WORD = r"[A-Z][\w'’-]+"
_NAME = re.compile(rf"\b(?:{'|'.join(sorted(TITLES + GIVEN_NAMES, key=len, reverse=True))})"
                   rf"((?: {_WORD}){{1,2}})")


def codex_warnings(story: Story, strict: bool = False) -> list[Problem]:
    """The codex's warnings; `strict` adds the names that have no entry."""
    problems = list(_unnamed(story))
    if strict and story.codex:
        problems.extend(_missing(story))
    return problems


def _texts(story: Story) -> Iterator[tuple[str, str]]:
    """(node or ending id, text) for everything a player reads in a scene or an ending."""
    for node in story.nodes.values():
        parts = [node.title.source, node.history, *(p.template.source for p in node.text)]
        for choice in node.choices:
            parts.append(choice.label.source)
            if choice.locked is not None:
                parts.append(choice.locked.source)
        yield node.id, "\n".join(parts)
    for ending in story.endings:
        yield ending.id, "\n".join([ending.title.source,
                                    *(p.template.source for p in ending.text)])


def _unlocked(story: Story) -> set[str]:
    out: set[str] = set()
    for node in story.nodes.values():
        if node.enter is not None:
            out.update(node.enter.unlock)
        for choice in node.choices:
            out.update(choice.effect.unlock)
            for outcome in choice.outcomes:
                out.update(outcome.effect.unlock)
    return out


def _unnamed(story: Story) -> Iterator[Problem]:
    if not story.codex:
        return
    from game.codex import index

    named: set[str] = set()
    codex = index(story)
    for _, text in _texts(story):
        named |= codex.ids_in(text)
    unlocked = _unlocked(story)
    for entry in story.codex:
        if entry.id not in named and entry.id not in unlocked:
            names = ", ".join(f"'{a}'" for a in entry.aliases)
            yield Problem(entry.where, f"codex entry '{entry.id}': none of its names ({names}) "
                                       "appears in any scene or ending, and no 'unlock:' "
                                       "opens it, so no player can open it", "warning")


def _missing(story: Story) -> Iterator[Problem]:
    covered = {word.casefold() for entry in story.codex for alias in entry.aliases
               for word in alias.split()}
    ignored = {name.casefold() for name in story.codex_ignore}
    where_named: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for owner, text in _texts(story):
        for match in _NAME.finditer(text):
            full = re.sub(r"['’]s?$", "", match.group(0))
            surname = full.split()[-1]
            if surname.casefold() in covered or full.casefold() in ignored \
                    or surname.casefold() in ignored:
                continue
            owners = where_named.setdefault(surname, [])
            if owner not in owners:
                owners.append(owner)
            shown.setdefault(surname, full)
    for surname, owners in sorted(where_named.items()):
        if len(owners) < MIN_NODES:
            continue
        first = story.nodes[owners[0]].where if owners[0] in story.nodes \
            else SourceRef(story.files[0] if story.files else "content")
        listed = ", ".join(owners[:4]) + (", …" if len(owners) > 4 else "")
        yield Problem(first, f"'{shown[surname]}' is named in {len(owners)} scenes ({listed}) "
                             "and has no codex entry; add one, or list the name under "
                             "codex_ignore", "warning")
