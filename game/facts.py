"""What the warnings' analysis (game/authoring/lint.py) reads of a node, as plain values.

`octobers check` keeps the analysis's warnings under a key of these facts
(game/authoring/checking.py's `_analysed`): every field of a node but prose, and prose only as
far as the analysis looks at it (whether a history note is empty, whether a choice has a
'locked' text, the text values an effect sets). The per-file cache (game/loader.py) keeps the
digest of each stored file's facts beside its nodes (`nodes_digest`), so that the key after an
edit is made from the changed file's facts and the others' digests, not from 10,000 nodes.
This module is part of the code the per-file cache is keyed by (game/cache.py's _CODE): a
change here makes every stored digest unused, never stale.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable
from typing import Any

from game.model import Expr, Node


def where(place: Any) -> tuple[str, int, int]:
    """A place, without the dataclass's slow repr."""
    return place.path, place.line, place.col


def expr(value: Any) -> Any:
    return (value.source, where(value.where)) if isinstance(value, Expr) else value


def effect(e: Any) -> Any:
    if e is None:
        return None
    return (tuple((n, expr(a)) for n, a in e.deltas), tuple((n, expr(a)) for n, a in e.assign),
            e.set, e.clear, tuple((n, t.source) for n, t in e.texts), e.goto)


def node_facts(n: Node) -> tuple[Any, ...]:
    """A node's facts and its choices', all but its `order` (which its place in the story
    gives)."""
    return (("n", n.id, n.date, n.until, where(n.where), n.priority, bool(n.history.strip()),
             expr(n.when), effect(n.enter), tuple(expr(p.when) for p in n.text)),
            tuple(("c", c.id, where(c.where), expr(c.when), c.locked is not None, expr(c.ai),
                   effect(c.effect), tuple((where(o.where), expr(o.weight), effect(o.effect))
                                           for o in c.outcomes))
                  for c in n.choices))


def nodes_digest(nodes: Iterable[Node]) -> bytes:
    """The digest of consecutive nodes' facts (in their order), as a stored file keeps it."""
    return hashlib.sha256(marshal.dumps([node_facts(n) for n in nodes], 2)).digest()
