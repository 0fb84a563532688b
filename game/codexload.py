"""Reading `codex:` entries: the people, parties, institutions, places and terms of a story.

An entry is written in game.yaml, a pack's manifest or an event file, under `codex:`:

    codex:
      - id: pyatakov
        kind: person
        name: Georgy Pyatakov
        aliases: [Pyatakov]
        summary: A Bolshevik economist from Kiev ...
        sections:
          - when: "flags.pyatakov_shot"
            text: Shot in 1937 after ...
        fate:
          - when: "flags.pyatakov_shot"
            text: shot, 1937
          - text: alive
        fate_ours: shot, January 1937
        history: In our timeline ...
        main: true          # listed in the ending's "Who became what"

`sections` are paragraphs like a node's text (every one whose `when` holds is shown); `fate`
is a list of the same, of which the first that holds is the line the People view shows. The
loader (game/loader.py) gathers the raw entries and calls `build_codex` once the flags and
variables are known, so a `when` is checked like any other condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.errors import SourceRef, suggest
from game.model import CODEX_KINDS, CodexEntry, Paragraph
from game.yamlsrc import YMap, YStr

if TYPE_CHECKING:
    from game.schema import Reader

CODEX_KEYS = ("id", "kind", "name", "aliases", "summary", "sections", "fate", "fate_ours",
              "history", "main")
MAX_ALIASES = 24
MAX_ALIAS_LENGTH = 80


def build_codex(loader: Any, raw: list[tuple[Any, Reader]]) -> tuple[CodexEntry, ...]:
    """Compile the raw `codex:` items; problems go to each file's reader."""
    entries: list[CodexEntry] = []
    ids: dict[str, SourceRef] = {}
    claimed: dict[str, tuple[str, SourceRef]] = {}  # alias (folded) -> entry id, where
    for item, r in raw:
        spec = r.mapping(item, "codex entry")
        if spec is None:
            continue
        entry_id = r.ident(spec.get("id"), "codex id") if "id" in spec else None
        if "id" not in spec:
            r.error(spec, "codex entry without an 'id'")
        what = f"codex entry '{entry_id or '?'}'"
        r.keys(spec, CODEX_KEYS, what)
        if entry_id is not None:
            if entry_id in ids:
                r.error(spec["id"], f"{what}: id already used at {ids[entry_id]}")
                continue
            ids[entry_id] = r.ref(spec["id"])
        kind = str(spec.get("kind", "")) if "kind" in spec else None
        if kind is None:
            r.error(spec, f"{what}: missing 'kind' (one of {', '.join(CODEX_KINDS)})")
        elif kind not in CODEX_KINDS:
            r.error(spec["kind"], f"{what}: unknown kind '{kind}'{suggest(kind, CODEX_KINDS)}; "
                                  f"use one of {', '.join(CODEX_KINDS)}")
        name = r.text(spec, "name", what, required=True)
        summary = r.text(spec, "summary", what, required=True)
        history = r.text(spec, "history", what) if "history" in spec else None
        fate_ours = r.text(spec, "fate_ours", what) if "fate_ours" in spec else None
        aliases = _aliases(r, spec, what, name)
        for alias, where in aliases:
            folded = alias.casefold()
            if folded in claimed and claimed[folded][0] != entry_id:
                other, first = claimed[folded]
                r.error(YStr(alias, where, True),
                        f"{what}: the name '{alias}' is already claimed by codex entry "
                        f"'{other}' at {first}; the text could not tell which is meant")
            elif entry_id is not None:
                claimed.setdefault(folded, (entry_id, where))
        sections = loader._paragraphs(r, spec["sections"], f"{what}: sections") \
            if "sections" in spec else ()
        fate = _fate(loader, r, spec, what)
        main = bool(r.boolean(spec["main"], f"{what}: main")) if "main" in spec else False
        if entry_id is None or name is None or summary is None or kind not in CODEX_KINDS:
            continue
        entries.append(CodexEntry(
            id=entry_id, kind=str(kind), name=str(name),
            aliases=tuple(a for a, _ in aliases), summary=str(summary),
            where=r.ref(spec["id"]), sections=sections, fate=fate,
            history=str(history or ""), fate_ours=str(fate_ours or ""), main=main))
    return tuple(entries)


def _aliases(r: Reader, spec: YMap, what: str, name: Any) -> list[tuple[str, SourceRef]]:
    """The entry's name and its aliases, each once, with where it was written."""
    out: list[tuple[str, SourceRef]] = []
    if name is not None:
        out.append((str(name), r.ref(name)))
    if "aliases" not in spec:
        return out
    items: Any = r.sequence(spec["aliases"], f"{what}: aliases") or []
    if len(items) > MAX_ALIASES:
        r.error(spec["aliases"], f"{what}: {len(items)} aliases; at most {MAX_ALIASES}")
        return out
    for item in items:
        if not isinstance(item, YStr) or item.is_null or not str(item).strip():
            r.error(item, f"{what}: an alias is a name, as the text writes it")
            continue
        if len(str(item)) > MAX_ALIAS_LENGTH:
            r.error(item, f"{what}: an alias longer than {MAX_ALIAS_LENGTH} characters")
            continue
        if all(str(item).casefold() != a.casefold() for a, _ in out):
            out.append((str(item), r.ref(item)))
    return out


def _fate(loader: Any, r: Reader, spec: YMap, what: str) -> tuple[Paragraph, ...]:
    """`fate:` as a line, or as variants of which the first that holds is shown."""
    if "fate" not in spec:
        return ()
    return tuple(loader._paragraphs(r, spec["fate"], f"{what}: fate"))
