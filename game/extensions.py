"""What `extends:` does beyond adding choices: paragraphs added, and things hidden.

    - extends: purges
      text:                                  # paragraphs, appended or placed by id
        - id: kirov_at_the_table
          after: chief_since_kirov
          when: "flags.kirov_lives"
          text: Kirov sits at the end of the table ...
      hide:                                  # a paragraph, choice or outcome, by id
        - id: chief_since_kirov
          when: "flags.kirov_lives"          # no `when`: hidden in every game

A hide is compiled into the content, so the engine and every tool see one condition:

- a paragraph shows when `(its when) and not (hide)`;
- a choice is open when `(its when) and not (hide)`, and while the hide holds it is not
  shown at all, not even as locked (`Choice.hidden`);
- an outcome's weight becomes `0 if (hide) else (its weight)`.

Without a `when`, the paragraph or choice is dropped and the outcome's weight is 0.
Every pack's changes are listed in `Story.changes`, which `octobers check` summarises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from game.errors import SourceRef, suggest
from game.expressions import BOOL, NUM, ExprError, compile_expr
from game.model import CHANGE_KINDS, Choice, Expr, Outcome, PackChange, Paragraph
from game.schema import Reader
from game.yamlsrc import YMap, YStr

TEXT_KEYS = ("id", "when", "text", "before", "after")
HIDE_KEYS = ("id", "when")


def paragraph_id(r: Reader, spec: YMap, what: str, earlier: list[Paragraph]) -> str | None:
    """A paragraph's optional `id`, unique within its text."""
    if "id" not in spec:
        return None
    pid = r.ident(spec["id"], f"{what}: paragraph id")
    if pid is not None and any(p.id == pid for p in earlier):
        r.error(spec["id"], f"{what}: paragraph id '{pid}' is used twice in this text")
    return pid


def extend_node(loader: Any, raw: Any, text: tuple[Paragraph, ...], choices: list[Choice]
                ) -> tuple[tuple[Paragraph, ...], list[Choice]]:
    """A node's text and choices once every `extends:` block aimed at it is applied, in
    layer order; records each change in `loader.changes`."""
    paragraphs = list(text)
    for spec, file in raw.extensions:
        r = file.reader
        pack = _pack(loader, file.layer)
        what = f"extends '{raw.node_id}'"
        before = len(loader.changes), len(loader.problems)
        for choice, cfile in raw.choices:
            if cfile is file and isinstance(choice, YMap) and choice.get("id") is not None \
                    and _inside(choice, spec):
                label = choice.get("label")
                _record(loader, pack, raw.node_id, "choice added", str(choice["id"]),
                        r.ref(choice["id"]), str(label) if isinstance(label, YStr) else "")
        if "text" in spec:
            for item in r.sequence(spec["text"], f"{what}: text") or []:
                _add_paragraph(loader, r, item, what, paragraphs, pack, raw.node_id)
        if "hide" in spec:
            for item in r.sequence(spec["hide"], f"{what}: hide") or []:
                paragraphs, choices = _hide(loader, r, item, what, paragraphs, choices, pack,
                                            raw.node_id)
        if (len(loader.changes), len(loader.problems)) == before:
            r.error(spec["extends"], f"{what} adds nothing: give it choices, text (paragraphs "
                                     "to add) or hide (ids to hide)")
    return tuple(paragraphs), choices


def _inside(value: YMap, block: YMap) -> bool:
    """Whether a choice was written inside this `extends:` block (a file may hold several)."""
    items = block.get("choices")
    return items is not None and any(item is value for item in items)


def _pack(loader: Any, layer: int) -> str:
    from game.loader import display_path

    return display_path(loader.dirs[layer])


def _record(loader: Any, pack: str, node: str, kind: str, item: str, where: SourceRef,
            text: str = "") -> None:
    loader.changes.append(PackChange(pack, node, kind, item, where, text))


def _add_paragraph(loader: Any, r: Reader, item: Any, what: str, paragraphs: list[Paragraph],
                   pack: str, node: str) -> None:
    if isinstance(item, YStr):
        if not item.strip():
            return
        template = loader.template(r, item, f"{what}: text")
        if template is not None:
            paragraphs.append(Paragraph(template))
            _record(loader, pack, node, "paragraph added", "", r.ref(item), str(item))
        return
    spec = r.mapping(item, f"{what}: text: paragraph")
    if spec is None:
        return
    r.keys(spec, TEXT_KEYS, f"{what}: text: paragraph")
    when = loader.expr(r, spec["when"], f"{what}: paragraph 'when'") if "when" in spec \
        else None
    body = r.text(spec, "text", f"{what}: paragraph", required=True)
    template = loader.template(r, body, f"{what}: text") if body is not None else None
    pid = paragraph_id(r, spec, what, paragraphs)
    at = len(paragraphs)
    if "before" in spec and "after" in spec:
        r.error(spec["after"], f"{what}: a paragraph goes 'before' or 'after' another, "
                               "not both")
    for key, shift in (("before", 0), ("after", 1)):
        if key not in spec:
            continue
        anchor = r.ident(spec[key], f"{what}: {key}")
        if anchor is None:
            continue
        index = next((i for i, p in enumerate(paragraphs) if p.id == anchor), None)
        if index is None:
            known = [p.id for p in paragraphs if p.id]
            hint = suggest(anchor, known) or (
                f" (its paragraphs' ids: {', '.join(known)})" if known else
                " (none of its paragraphs has an id)")
            r.error(spec[key], f"{what}: no paragraph with the id '{anchor}' in node "
                               f"'{node}'{hint}")
            continue
        at = index + shift
    if template is not None:
        paragraphs.insert(at, Paragraph(template, when, pid))
        _record(loader, pack, node, "paragraph added", pid or "", r.ref(spec),
                template.source)


def _hide(loader: Any, r: Reader, item: Any, what: str, paragraphs: list[Paragraph],
          choices: list[Choice], pack: str, node: str
          ) -> tuple[list[Paragraph], list[Choice]]:
    if isinstance(item, YStr):
        spec = YMap(item.where)
        spec["id"] = item
    else:
        found = r.mapping(item, f"{what}: hide")
        if found is None:
            return paragraphs, choices
        spec = found
        r.keys(spec, HIDE_KEYS, f"{what}: hide")
        if "id" not in spec:
            r.error(spec, f"{what}: hide: missing 'id' (of a paragraph, choice or outcome)")
            return paragraphs, choices
    target = r.ident(spec["id"], f"{what}: hide: id")
    cond = loader.expr(r, spec["when"], f"{what}: hide: when") if "when" in spec else None
    if target is None or ("when" in spec and cond is None):
        return paragraphs, choices
    hits: list[str] = []
    if any(p.id == target for p in paragraphs):
        hits.append("paragraph")
    if any(c.id == target for c in choices):
        hits.append("choice")
    if any(o.id == target for c in choices for o in c.outcomes):
        hits.append("outcome")
    if not hits:
        known = [p.id for p in paragraphs if p.id] + [c.id for c in choices] + \
            [o.id for c in choices for o in c.outcomes if o.id]
        r.error(spec["id"], f"{what}: hide: no paragraph, choice or outcome with the id "
                            f"'{target}' in node '{node}'{suggest(target, known)}")
        return paragraphs, choices
    if len(hits) > 1 or Counter(o.id for c in choices for o in c.outcomes)[target] > 1:
        r.error(spec["id"], f"{what}: hide: the id '{target}' names more than one thing in "
                            f"node '{node}' ({', '.join(hits)}); give them different ids")
        return paragraphs, choices
    where = r.ref(spec["id"])
    _record(loader, pack, node, f"{hits[0]} hidden", target, where)

    def joined(template: str, *parts: Expr | None, want: str = BOOL) -> Expr | None:
        source = template.format(*[p.source for p in parts if p is not None])
        try:
            return compile_expr(source, cond.where if cond else where, loader.names, want)
        except ExprError as exc:
            r.error(spec.get("when", spec["id"]), f"{what}: hide: this condition and the "
                                                  f"one it joins: {exc.message}")
            return None

    if hits[0] == "paragraph":
        out = []
        for p in paragraphs:
            if p.id != target:
                out.append(p)
            elif cond is not None:
                both = joined("({}) and not ({})", p.when, cond) if p.when is not None else \
                    joined("not ({})", cond)
                out.append(replace(p, when=both) if both is not None else p)
        return out, choices
    kept = []
    for c in choices:
        if hits[0] == "choice" and c.id == target:
            if cond is None:
                continue
            both = joined("({}) and not ({})", c.when, cond) if c.when is not None else \
                joined("not ({})", cond)
            hidden = cond if c.hidden is None else joined("({}) or ({})", c.hidden, cond)
            kept.append(replace(c, when=both or c.when, hidden=hidden))
        elif hits[0] == "outcome" and any(o.id == target for o in c.outcomes):
            kept.append(replace(c, outcomes=tuple(_hide_outcome(o, target, cond, joined)
                                                  for o in c.outcomes)))
        else:
            kept.append(c)
    return paragraphs, kept


def _hide_outcome(outcome: Outcome, target: str, cond: Expr | None, joined: Any) -> Outcome:
    if outcome.id != target:
        return outcome
    if cond is None:
        return replace(outcome, weight=0.0)
    weight = outcome.weight.source if isinstance(outcome.weight, Expr) else repr(outcome.weight)
    both = joined("0 if ({}) else (" + weight.replace("{", "{{").replace("}", "}}") + ")",
                  cond, want=NUM)
    return replace(outcome, weight=both) if both is not None else outcome


def pack_changes(loader: Any) -> tuple[PackChange, ...]:
    """Every pack's changes: its own nodes (new or replacing), then what its `extends:` did."""
    out = []
    for raw in loader.raw_nodes.values():
        if raw.file.layer > 0:
            kind = "node replaced" if "replace" in raw.raw else "node added"
            out.append(PackChange(_pack(loader, raw.file.layer), raw.node_id, kind, raw.node_id,
                                  raw.file.reader.ref(raw.raw.get("id", raw.raw))))
    return (*out, *loader.changes)


def describe_changes(changes: Iterable[PackChange]) -> list[str]:
    """One line per pack for `octobers check`: what it adds to and hides in the layers below.

    'pack kirov_lives: 9 nodes added; extends 2 nodes (kirov, purges): 1 choice added,
    2 paragraphs added, 1 paragraph hidden'
    """
    by_pack: dict[str, list[PackChange]] = {}
    for change in changes:
        by_pack.setdefault(change.pack, []).append(change)
    lines = []
    for pack, items in by_pack.items():
        counts = Counter(c.kind for c in items)
        own = [_count(counts[k], k) for k in ("node added", "node replaced") if counts[k]]
        extended = list(dict.fromkeys(c.node for c in items
                                      if c.kind not in ("node added", "node replaced")))
        parts = ["; ".join(own)] if own else []
        if extended:
            shown = ", ".join(extended[:6]) + (", ..." if len(extended) > 6 else "")
            what = ", ".join(_count(counts[k], k) for k in CHANGE_KINDS[2:] if counts[k])
            parts.append(f"extends {_count(len(extended), 'node')} ({shown}): {what}")
        lines.append(f"pack {pack}: " + "; ".join(parts))
    return lines


def _count(n: int, kind: str) -> str:
    noun, _, rest = kind.partition(" ")
    return f"{n} {noun}{'s' if n != 1 else ''}{' ' + rest if rest else ''}"


def changes_json(changes: Iterable[PackChange]) -> list[dict[str, Any]]:
    """`check --format json`'s "packs": each pack's changes, one entry per change."""
    by_pack: dict[str, list[dict[str, Any]]] = {}
    for c in changes:
        by_pack.setdefault(c.pack, []).append(
            {"node": c.node, "kind": c.kind, "id": c.item, "path": c.where.path,
             "line": c.where.line, "col": c.where.col})
    return [{"pack": pack, "changes": items} for pack, items in by_pack.items()]
