"""Static reasoning about conditions: what an expression reads, and whether it can hold.

Two questions, answered soundly in one direction each:

* `can_hold(expr, domain)`: False only when no state in the domain makes the expression true
  (an interval/flag abstract interpretation that narrows ranges through `and`/`or`/`not`,
  backed by an exact search when every comparison is simple). "Never holds" warnings use it.
* `witness(goals, domain)`: a concrete state in the domain that meets every goal, or None.
  Only a found state backs a "this can happen" warning (a dead end), so it is never a guess.

A `Domain` says what each name may be at one place in the story: numeric ranges (or the few
values of a variable nothing changes), which flags may be up or down, which nodes may have
been visited, and the span of dates. Expressions are re-parsed from their source with `ast`
(the loader has already checked them); nothing here evaluates author text except through the
compiled, whitelisted function the loader produced.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from game.errors import SourceRef
from game.model import Expr, month_index

SEARCH_LIMIT = 20000
_RUNTIME_FAULTS = (ArithmeticError, TypeError, ValueError, KeyError)
_BOTH = frozenset((True, False))
_TRUE = frozenset((True,))
_FALSE = frozenset((False,))
_INF = math.inf


# ---- what an expression reads ------------------------------------------------------------
@dataclass(frozen=True)
class Atom:
    """One thing an expression reads: a variable, a text, a flag, a visit, a choice, the date.

    `key` is the variable, text or flag id, the node id for `visited`, "node.choice" for
    `chosen`, and "year"/"month" for the date. `line`/`col` are 1-based inside the source.
    """

    kind: str  # "number", "text", "flag", "visited", "chosen", "date"
    key: str
    line: int
    col: int

    @property
    def label(self) -> str:
        """How the atom is written in an expression."""
        if self.kind == "flag":
            return f"flags.{self.key}"
        if self.kind == "visited":
            return f'visited("{self.key}")'
        if self.kind == "chosen":
            node, choice = self.key.split(".", 1)
            return f'chosen("{node}", "{choice}")'
        return self.key


@lru_cache(maxsize=4096)
def parse(source: str) -> ast.expr:
    """The expression's syntax tree (sources were accepted by the loader)."""
    return ast.parse(source.strip(), mode="eval").body


def atoms_of(expr: Expr | str, numbers: Iterable[str] = (), texts: Iterable[str] = ()
             ) -> list[Atom]:
    """Everything an expression reads, in source order, each name once per place.

    A bare name is a number unless it is in `texts` (pass the story's text variables).
    """
    source = expr.source if isinstance(expr, Expr) else expr
    text_names = frozenset(texts)
    return list(_atoms(source, text_names))


@lru_cache(maxsize=8192)
def _atoms(source: str, text_names: frozenset[str]) -> tuple[Atom, ...]:
    # the same text reads the same names (a campaign has a few distinct texts per hundred)
    out: list[Atom] = []

    def visit(node: ast.AST) -> None:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Name):
            if node.id in ("year", "month"):
                out.append(Atom("date", node.id, line, col))
            elif node.id not in ("true", "True", "false", "False"):
                out.append(Atom("text" if node.id in text_names else "number", node.id,
                                line, col))
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "flags":
            out.append(Atom("flag", node.attr, line, col))
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "visited" and len(args) == 1:
                out.append(Atom("visited", str(args[0]), line, col))
                return
            if node.func.id == "chosen" and len(args) == 2:
                out.append(Atom("chosen", f"{args[0]}.{args[1]}", line, col))
                return
            for arg in node.args:
                visit(arg)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(parse(source))
    out.sort(key=lambda a: (a.line, a.col))
    return tuple(out)


def atom_ref(expr: Expr, atom: Atom) -> SourceRef:
    """Where an atom was written in its content file, or the expression's start if unsure."""
    where = expr.where
    if atom.line != 1 or not where.line:
        return where
    text = _source_line(where.path, where.line)
    if text is None:
        return where
    token = atom.label.split("(")[0] if atom.kind in ("visited", "chosen") else atom.label
    start = where.col - 1
    if start < len(text) and text[start] in "\"'":
        start += 1
    start += len(text[start:]) - len(text[start:].lstrip())  # the loader strips the source
    col = start + atom.col - 1
    if text[col:col + len(token)] == token:
        return SourceRef(where.path, where.line, col + 1)
    return where


def _source_line(path: str, line: int) -> str | None:
    if path not in _LINES:  # each file is read and split once per analysis, not once per atom
        from game.safefiles import read_regular

        lines: list[str] | None
        try:
            text = read_regular(path, 4 * 1024 * 1024, truncate=True).decode("utf-8-sig")
            lines = re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if "\r" in text else \
                [row + "\n" for row in text.split("\n")]
        except (OSError, UnicodeDecodeError):
            lines = None
        _LINES[path] = lines
    found = _LINES[path]
    if found is None:
        return None
    return found[line - 1] if 1 <= line <= len(found) else None


_LINES: dict[str, list[str] | None] = {}  # path -> its lines, for one analysis


# ---- what names may be -------------------------------------------------------------------
@dataclass(frozen=True)
class Domain:
    """What each name may be at one place in the story.

    `ranges`: numeric variables and their (low, high); `fixed`: variables nothing changes,
    with the few values they can hold; `texts`: the values a text may hold (None: anything);
    `flags`, `visited`, `chosen`: the truth values each may have (missing: may be either);
    `dates`: the first and last month (month indexes).
    """

    ranges: Mapping[str, tuple[float, float]]
    fixed: Mapping[str, frozenset[int]] = field(default_factory=dict)
    texts: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    flags: Mapping[str, frozenset[bool]] = field(default_factory=dict)
    visited: Mapping[str, frozenset[bool]] = field(default_factory=dict)
    chosen: Mapping[str, frozenset[bool]] = field(default_factory=dict)
    dates: tuple[int, int] = (0, 12 * 3000)

    def number(self, name: str) -> tuple[float, float]:
        """The range a numeric variable may take."""
        if name in self.fixed and self.fixed[name]:
            values = self.fixed[name]
            return (min(values), max(values))
        return self.ranges.get(name, (-_INF, _INF))

    def truth(self, atom: Atom) -> frozenset[bool]:
        """The truth values a flag, visit or choice may have."""
        table = {"flag": self.flags, "visited": self.visited, "chosen": self.chosen}[atom.kind]
        return table.get(atom.key, _BOTH)

    def with_dates(self, low: int, high: int) -> Domain:
        """The same domain over another span of months."""
        return replace(self, dates=(low, high))


# ---- can it hold? -------------------------------------------------------------------------
PACK_LIMIT = 1_000_000  # candidate states tried in one `check` of a whole pack
_MATH_ERRORS = (OverflowError, ValueError, ZeroDivisionError, RecursionError, MemoryError)
_budget = [PACK_LIMIT]


def reset_budget(limit: int | None = None) -> None:
    """Start a new pack's analysis with a fresh budget of candidate states."""
    _budget[0] = PACK_LIMIT if limit is None else limit
    _LINES.clear()  # files may have changed since the last analysis (check --watch)
    _HOLDS.clear()


def budget_left() -> int:
    """Candidate states the pack's analysis may still try (0: it stopped early)."""
    return _budget[0]


def can_hold(expr: Expr, domain: Domain, want: bool = True) -> bool:
    """False only if no state in the domain gives the expression the truth value `want`.

    Bounded work: at most SEARCH_LIMIT states per call and PACK_LIMIT per pack; past either,
    or when a constant folds to infinity, the answer is the safe one (True: no warning).
    """
    key = _holds_key(expr, domain, want) if _budget[0] >= SEARCH_LIMIT else None
    if key is not None and key in _HOLDS:
        return _HOLDS[key]
    try:
        found, exact = _search([(expr, want)], domain)
        if found is not None:
            answer = True
        elif exact:
            answer = False
        else:
            answer = _Abstract(domain).possible(parse(expr.source), want)
    except _MATH_ERRORS:
        answer = True
    if key is not None:
        _HOLDS[key] = answer
    return answer


# Answers of can_hold in this analysis. The answer depends only on the expression's text and
# on what the domain says of the names it reads, so a condition asked again where those are
# the same (the commonest case: a campaign repeats its conditions) is not searched again.
# Only answers reached with a whole search budget are kept, so a kept answer is always what
# the search would find again.
_HOLDS: dict[tuple[Any, ...], bool] = {}


def _holds_key(expr: Expr, domain: Domain, want: bool) -> tuple[Any, ...]:
    parts: list[Any] = [expr.source, want]
    for atom in _atoms(expr.source, frozenset()):
        if atom.kind == "number":  # a bare name: a number or a text, as the domain says
            name = atom.key
            parts.append((name, name in domain.texts, domain.texts.get(name),
                          domain.fixed.get(name), domain.ranges.get(name)))
        elif atom.kind == "date":
            parts.append(domain.dates)
        else:
            parts.append(domain.truth(atom))
    return tuple(parts)


def witness(goals: list[tuple[Expr, bool]], domain: Domain) -> dict[str, Any] | None:
    """A concrete state (atom label -> value) meeting every (expression, truth) goal, or None
    (also when the work bounds of `can_hold` are reached)."""
    try:
        found, _ = _search(goals, domain)
    except _MATH_ERRORS:
        return None
    return found


def describe_state(state: Mapping[str, Any]) -> str:
    """A witness state in words: 'stability = 10, flags.nep is down'."""
    parts = []
    for label, value in state.items():
        if label.startswith("flags."):
            parts.append(f"{label} {'is up' if value else 'is down'}")
        elif label.startswith(("visited(", "chosen(")):
            parts.append(label if value else f"not {label}")
        elif label == "date":
            from game.model import format_date
            parts.append(f"in {format_date(value)}")
        elif isinstance(value, str):
            parts.append(f"{label} = {value!r}")
        else:
            parts.append(f"{label} = {value}")
    return ", ".join(parts) if parts else "always"


def _search(goals: list[tuple[Expr, bool]], domain: Domain
            ) -> tuple[dict[str, Any] | None, bool]:
    """Enumerate candidate states; returns (a state meeting every goal or None, exhaustive)."""
    trees = [parse(expr.source) for expr, _ in goals]
    scan = _Scan(domain)
    for tree in trees:
        scan.visit(tree)
    axes: list[tuple[str, list[Any]]] = []
    for name in scan.numbers:
        axes.append((f"V:{name}", scan.number_candidates(name)))
    for name in scan.texts:
        axes.append((f"T:{name}", scan.text_candidates(name)))
    for atom in scan.truths.values():
        values = sorted(domain.truth(atom), reverse=True)
        if not values:
            return None, True
        axes.append((f"B:{atom.kind}:{atom.key}", values))
    if scan.uses_date:
        axes.append(("D", scan.date_candidates()))
    if any(not values for _, values in axes):
        return None, True
    exact = scan.exact
    size = 1
    for _, values in axes:
        size *= len(values)
    limit = min(SEARCH_LIMIT, _budget[0])
    if size > limit:
        exact = False
    combos: Iterator[tuple[Any, ...]] = itertools.product(*(values for _, values in axes))
    for count, combo in enumerate(combos):
        if count >= limit:
            break
        _budget[0] -= 1
        values_: dict[str, Any] = {}
        flags: set[str] = set()
        seen: set[str] = set()
        chosen: set[tuple[str, str]] = set()
        date = domain.dates[0]
        for (axis, _), value in zip(axes, combo, strict=True):
            kind, _, name = axis.partition(":")
            if kind in ("V", "T"):
                values_[name] = value
            elif kind == "D":
                date = value
            elif value:
                sub, _, key = name.partition(":")
                if sub == "flag":
                    flags.add(key)
                elif sub == "visited":
                    seen.add(key)
                else:
                    node, choice = key.split(".", 1)
                    chosen.add((node, choice))
        ok = True
        for (expr, want), _tree in zip(goals, trees, strict=True):
            try:
                value = bool(expr.fn(values_, flags, seen, chosen, date // 12, date % 12 + 1))
            except _RUNTIME_FAULTS:
                value = False  # the engine treats a failed condition as false
            if value != want:
                ok = False
                break
        if ok:
            return _state_of(axes, combo, scan), exact
    return None, exact


def _state_of(axes: list[tuple[str, list[Any]]], combo: tuple[Any, ...], scan: _Scan
              ) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for (axis, _), value in zip(axes, combo, strict=True):
        kind, _, name = axis.partition(":")
        if kind in ("V", "T"):
            state[name] = value
        elif kind == "D":
            state["date"] = value
        else:
            state[scan.truths[name].label] = value
    return state


class _Scan(ast.NodeVisitor):
    """Collects the names in a set of expressions and the constants they are compared with."""

    def __init__(self, domain: Domain):
        self.domain = domain
        self.numbers: dict[str, set[float]] = {}
        self.texts: dict[str, set[str]] = {}
        self.truths: dict[str, Atom] = {}
        self.years: set[float] = set()
        self.months: set[float] = set()
        self.uses_date = False
        self.exact = True
        self._compared: set[int] = set()

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for left, right in itertools.pairwise(operands):
            for side, other in ((left, right), (right, left)):
                constant = _fold(other)
                if isinstance(side, ast.Name) and constant is not None:
                    self._compared.add(id(side))
                    self._threshold(side.id, constant)
        self.generic_visit(node)

    def _threshold(self, name: str, constant: float | str) -> None:
        if name == "year" and not isinstance(constant, str):
            self.years.add(constant)
        elif name == "month" and not isinstance(constant, str):
            self.months.add(constant)
        elif name in self.domain.texts or isinstance(constant, str):
            self.texts.setdefault(name, set()).add(str(constant))
        elif not isinstance(constant, str):
            self.numbers.setdefault(name, set()).add(constant)

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if name in ("true", "True", "false", "False"):
            return
        if id(node) not in self._compared:
            self.exact = False  # arithmetic, min/max or a truth test: candidates may miss
        if name in ("year", "month"):
            self.uses_date = True
        elif name in self.domain.texts:
            self.texts.setdefault(name, set())
        else:
            self.numbers.setdefault(name, set())

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id == "flags":
            self.truths.setdefault(f"flag:{node.attr}", Atom("flag", node.attr, 1, 1))
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = getattr(node.func, "id", "")
        args = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
        if name == "visited" and len(args) == 1:
            self.truths.setdefault(f"visited:{args[0]}", Atom("visited", args[0], 1, 1))
            return
        if name == "chosen" and len(args) == 2:
            key = f"{args[0]}.{args[1]}"
            self.truths.setdefault(f"chosen:{key}", Atom("chosen", key, 1, 1))
            return
        for arg in node.args:  # min(), max(), abs(): the function's name is no variable
            self.visit(arg)

    def number_candidates(self, name: str) -> list[int]:
        fixed = self.domain.fixed.get(name)
        if fixed:
            return sorted(fixed)
        low, high = self.domain.ranges.get(name, (0, 100))
        if math.isinf(low) or math.isinf(high):
            self.exact = False
            low, high = (0 if math.isinf(low) else low), (100 if math.isinf(high) else high)
        out = {int(low), int(high)}
        for constant in self.numbers.get(name, ()):
            for value in (math.floor(constant) - 1, math.floor(constant), math.ceil(constant),
                          math.ceil(constant) + 1):
                if low <= value <= high:
                    out.add(int(value))
        if not self.exact:
            out.update(int(low + (high - low) * k / 4) for k in (1, 2, 3))
        return sorted(out)

    def text_candidates(self, name: str) -> list[str]:
        values = self.domain.texts.get(name)
        if values is not None:
            return sorted(values)
        return sorted(self.texts.get(name, set())) + ["\x00something else"]

    def date_candidates(self) -> list[int]:
        low, high = self.domain.dates
        if high < low:
            return []
        if high - low <= 240:
            return list(range(low, high + 1))
        years = {low // 12, high // 12}
        for constant in self.years:
            for value in (math.floor(constant) - 1, math.floor(constant), math.ceil(constant),
                          math.ceil(constant) + 1):
                years.add(int(value))
        months = {1, 12}
        if self.months:
            self.exact = False  # month thresholds over a long span: candidates may miss
        for constant in self.months:
            for value in (math.floor(constant) - 1, math.floor(constant), math.ceil(constant),
                          math.ceil(constant) + 1):
                if 1 <= value <= 12:
                    months.add(int(value))
        out = set()
        for year in years:
            for month in months:
                date = month_index(year, month)
                out.add(min(max(date, low), high))
        return sorted(out)


def _fold(node: ast.AST) -> float | str | None:
    """The value of a constant sub-expression (numbers, signs, arithmetic), or None."""
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and \
            isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _fold(node.operand)
        if isinstance(value, int | float):
            return -value if isinstance(node.op, ast.USub) else value
        return None
    if isinstance(node, ast.BinOp):
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(left, int | float) and isinstance(right, int | float):
            try:
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if isinstance(node.op, ast.Div):
                    return left / right
                if isinstance(node.op, ast.FloorDiv):
                    return left // right
            except ZeroDivisionError:
                return None
    return None


# ---- the abstract interpretation -----------------------------------------------------------
_Num = tuple[float, float]


@dataclass
class _Env:
    numbers: dict[str, _Num]
    texts: dict[str, frozenset[str] | None]
    truths: dict[str, frozenset[bool]]
    dates: tuple[int, int]

    def copy(self) -> _Env:
        return _Env(dict(self.numbers), dict(self.texts), dict(self.truths), self.dates)


class _Abstract:
    """Intervals for numbers, sets of truth values for conditions; narrowing through logic."""

    def __init__(self, domain: Domain):
        self.domain = domain

    def env(self) -> _Env:
        return _Env({}, {}, {}, self.domain.dates)

    def possible(self, tree: ast.expr, want: bool, env: _Env | None = None) -> bool:
        env = env or self.env()
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
            return self.possible(tree.operand, not want, env)
        if isinstance(tree, ast.BoolOp):
            conjunction = isinstance(tree.op, ast.And) == want
            if conjunction:
                narrowed = self.narrow_all(tree.values, want, env)
                return narrowed is not None and all(
                    self.possible(part, want, narrowed) for part in tree.values)
            return any(self.possible(part, want, env) for part in tree.values)
        narrowed = self.narrow(tree, want, env)
        if narrowed is None:
            return False
        return want in self.truth(self.eval(tree, narrowed))

    def narrow_all(self, parts: list[ast.expr], want: bool, env: _Env) -> _Env | None:
        current: _Env | None = env
        for _ in range(2):  # twice, so that a later part's narrowing reaches an earlier one
            for part in parts:
                if current is None:
                    return None
                current = self.narrow(part, want, current)
        return current

    def narrow(self, tree: ast.expr, want: bool, env: _Env) -> _Env | None:
        """The environment restricted to states where `tree` is `want` (None: no such state)."""
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
            return self.narrow(tree.operand, not want, env)
        if isinstance(tree, ast.BoolOp):
            if isinstance(tree.op, ast.And) == want:
                return self.narrow_all(tree.values, want, env)
            return env
        truth_key = self.truth_key(tree)
        if truth_key is not None:
            possible = self.truth_of(truth_key, env)
            if want not in possible:
                return None
            out = env.copy()
            out.truths[truth_key] = frozenset((want,))
            return out
        if isinstance(tree, ast.Compare):
            operands = [tree.left, *tree.comparators]
            out = env
            for op, left, right in zip(tree.ops, operands, operands[1:], strict=False):
                if not want and len(tree.ops) > 1:
                    return env  # 'not (a < x < b)' is a disjunction: no narrowing
                narrowed = self.narrow_compare(op, left, right, want, out)
                if narrowed is None:
                    return None
                out = narrowed
            return out
        return env

    def narrow_compare(self, op: ast.cmpop, left: ast.expr, right: ast.expr, want: bool,
                       env: _Env) -> _Env | None:
        if not want:
            op = _NEGATE[type(op)]()
        for side, other, flipped in ((left, right, False), (right, left, True)):
            if not isinstance(side, ast.Name):
                continue
            constant = _fold(other)
            if constant is None:
                continue
            kind = type(op)
            if flipped:
                kind = _FLIP[kind]
            name = side.id
            if isinstance(constant, str):
                if name not in self.domain.texts or kind not in (ast.Eq, ast.NotEq):
                    return env
                values = self.text_of(name, env)
                if kind is ast.Eq:
                    if values is not None and constant not in values:
                        return None
                    out = env.copy()
                    out.texts[name] = frozenset((constant,))
                    return out
                if values is not None:
                    rest = values - {constant}
                    if not rest:
                        return None
                    out = env.copy()
                    out.texts[name] = rest
                    return out
                return env
            if name == "month":
                return env
            low, high = self.number_of(name, env)
            integral = name == "year" or name in self.domain.ranges or name in self.domain.fixed
            new = _cut(low, high, kind, constant, integral)
            if new is None:
                return None
            out = env.copy()
            if name == "year":
                dlow, dhigh = env.dates
                dlow = max(dlow, month_index(int(new[0]), 1)) if not math.isinf(new[0]) \
                    else dlow
                dhigh = min(dhigh, month_index(int(new[1]), 12)) if not math.isinf(new[1]) \
                    else dhigh
                if dlow > dhigh:
                    return None
                out.dates = (dlow, dhigh)
            else:
                fixed = self.domain.fixed.get(name)
                if fixed and not any(new[0] <= v <= new[1] for v in fixed):
                    return None
                out.numbers[name] = new
            return out
        return env

    # ---- values --------------------------------------------------------------------------
    def truth_key(self, tree: ast.expr) -> str | None:
        if isinstance(tree, ast.Attribute) and isinstance(tree.value, ast.Name) and \
                tree.value.id == "flags":
            return f"flag:{tree.attr}"
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            args = [str(a.value) for a in tree.args if isinstance(a, ast.Constant)]
            if tree.func.id == "visited" and len(args) == 1:
                return f"visited:{args[0]}"
            if tree.func.id == "chosen" and len(args) == 2:
                return f"chosen:{args[0]}.{args[1]}"
        return None

    def truth_of(self, key: str, env: _Env) -> frozenset[bool]:
        if key in env.truths:
            return env.truths[key]
        kind, _, name = key.partition(":")
        return self.domain.truth(Atom(kind, name, 1, 1))

    def number_of(self, name: str, env: _Env) -> _Num:
        if name == "year":
            return (env.dates[0] // 12, env.dates[1] // 12)
        if name == "month":
            low, high = env.dates
            if low // 12 == high // 12:
                return (low % 12 + 1, high % 12 + 1)
            return (1, 12)
        if name in env.numbers:
            return env.numbers[name]
        return self.domain.number(name)

    def text_of(self, name: str, env: _Env) -> frozenset[str] | None:
        if name in env.texts:
            return env.texts[name]
        return self.domain.texts.get(name)

    @staticmethod
    def truth(value: Any) -> frozenset[bool]:
        kind, data = value
        if kind == "bool":
            return data
        if kind == "num":
            low, high = data
            if low == high == 0:
                return _FALSE
            if low > 0 or high < 0:
                return _TRUE
            return _BOTH
        if kind == "str":
            return _BOTH if data is None else frozenset(bool(s) for s in data)
        return _BOTH

    def eval(self, tree: ast.expr, env: _Env) -> tuple[str, Any]:
        """An abstract value: ('num', (low, high)), ('bool', {truths}), ('str', set | None)."""
        if isinstance(tree, ast.Constant):
            value = tree.value
            if isinstance(value, bool):
                return ("bool", frozenset((value,)))
            if isinstance(value, str):
                return ("str", frozenset((value,)))
            return ("num", (value, value))
        if isinstance(tree, ast.Name):
            if tree.id in ("true", "True"):
                return ("bool", _TRUE)
            if tree.id in ("false", "False"):
                return ("bool", _FALSE)
            if tree.id in self.domain.texts:
                return ("str", self.text_of(tree.id, env))
            return ("num", self.number_of(tree.id, env))
        key = self.truth_key(tree)
        if key is not None:
            return ("bool", self.truth_of(key, env))
        if isinstance(tree, ast.UnaryOp):
            kind, data = self.eval(tree.operand, env)
            if isinstance(tree.op, ast.Not):
                return ("bool", frozenset(not t for t in self.truth((kind, data))))
            if kind == "num" and isinstance(tree.op, ast.USub):
                return ("num", (-data[1], -data[0]))
            return (kind, data)
        if isinstance(tree, ast.BoolOp):
            truths = [self.truth(self.eval(v, env)) for v in tree.values]
            if isinstance(tree.op, ast.And):
                if any(t == _FALSE for t in truths):
                    return ("bool", _FALSE)
                return ("bool", _TRUE if all(t == _TRUE for t in truths) else _BOTH)
            if any(t == _TRUE for t in truths):
                return ("bool", _TRUE)
            return ("bool", _FALSE if all(t == _FALSE for t in truths) else _BOTH)
        if isinstance(tree, ast.Compare):
            operands = [self.eval(o, env) for o in [tree.left, *tree.comparators]]
            results = [_compare(op, a, b) for op, a, b in
                       zip(tree.ops, operands, operands[1:], strict=False)]
            if any(r == _FALSE for r in results):
                return ("bool", _FALSE)
            return ("bool", _TRUE if all(r == _TRUE for r in results) else _BOTH)
        if isinstance(tree, ast.BinOp):
            left, right = self.eval(tree.left, env), self.eval(tree.right, env)
            if left[0] != "num" or right[0] != "num":
                return ("num", (-_INF, _INF))
            return ("num", _arith(tree.op, left[1], right[1]))
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            args = [self.eval(a, env) for a in tree.args]
            if any(a[0] != "num" for a in args) or not args:
                return ("num", (-_INF, _INF))
            spans = [a[1] for a in args]
            if tree.func.id == "min":
                return ("num", (min(s[0] for s in spans), min(s[1] for s in spans)))
            if tree.func.id == "max":
                return ("num", (max(s[0] for s in spans), max(s[1] for s in spans)))
            if tree.func.id == "abs":
                low, high = spans[0]
                if low >= 0:
                    return ("num", (low, high))
                if high <= 0:
                    return ("num", (-high, -low))
                return ("num", (0, max(-low, high)))
        if isinstance(tree, ast.IfExp):
            test = self.truth(self.eval(tree.test, env))
            options = []
            if True in test:
                options.append(self.eval(tree.body, env))
            if False in test:
                options.append(self.eval(tree.orelse, env))
            if len(options) == 1:
                return options[0]
            (ka, da), (kb, db) = options
            if ka == kb == "num":
                return ("num", (min(da[0], db[0]), max(da[1], db[1])))
            if ka == kb == "bool":
                return ("bool", da | db)
            if ka == kb == "str" and da is not None and db is not None:
                return ("str", da | db)
            return ("str", None) if "str" in (ka, kb) else ("bool", _BOTH)
        return ("bool", _BOTH)


_NEGATE: dict[type, type] = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt,
                             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_FLIP: dict[type, type] = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE,
                           ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _cut(low: float, high: float, kind: type, constant: float, integral: bool) -> _Num | None:
    """The part of [low, high] where `x <kind> constant` holds (None when empty)."""
    step = 1 if integral else 0
    if kind is ast.Lt:
        bound = (math.ceil(constant) - 1) if integral else constant
        high = min(high, bound)
    elif kind is ast.LtE:
        high = min(high, math.floor(constant) if integral else constant)
    elif kind is ast.Gt:
        bound = (math.floor(constant) + 1) if integral else constant
        low = max(low, bound)
    elif kind is ast.GtE:
        low = max(low, math.ceil(constant) if integral else constant)
    elif kind is ast.Eq:
        if integral and constant != int(constant):
            return None
        if not low <= constant <= high:
            return None
        low = high = constant
    elif kind is ast.NotEq:
        if low == high == constant:
            return None
        if low == constant and step:
            low += step
        elif high == constant and step:
            high -= step
    if low > high:
        return None
    if kind in (ast.Lt, ast.Gt) and not integral and low == high:
        return None
    return (low, high)


def _compare(op: ast.cmpop, a: tuple[str, Any], b: tuple[str, Any]) -> frozenset[bool]:
    (ka, da), (kb, db) = a, b
    if ka == "num" and kb == "num":
        (al, ah), (bl, bh) = da, db
        kind = type(op)
        if kind is ast.Lt:
            return _truths(al < bh, ah >= bl)
        if kind is ast.LtE:
            return _truths(al <= bh, ah > bl)
        if kind is ast.Gt:
            return _truths(ah > bl, al <= bh)
        if kind is ast.GtE:
            return _truths(ah >= bl, al < bh)
        overlap = al <= bh and bl <= ah
        same = al == ah == bl == bh
        if kind is ast.Eq:
            return _truths(overlap, not same)
        return _truths(not same, overlap)
    if ka == "str" and kb == "str" and da is not None and db is not None:
        overlap = bool(da & db)
        same = len(da) == len(db) == 1 and da == db
        if isinstance(op, ast.Eq):
            return _truths(overlap, not same)
        if isinstance(op, ast.NotEq):
            return _truths(not same, overlap)
    return _BOTH


def _truths(can_true: bool, can_false: bool) -> frozenset[bool]:
    return frozenset(v for v, ok in ((True, can_true), (False, can_false)) if ok)


def _arith(op: ast.operator, a: _Num, b: _Num) -> _Num:
    (al, ah), (bl, bh) = a, b
    if isinstance(op, ast.Add):
        return (al + bl, ah + bh)
    if isinstance(op, ast.Sub):
        return (al - bh, ah - bl)
    if isinstance(op, ast.Mult):
        products = [x * y for x in (al, ah) for y in (bl, bh)
                    if not (math.isinf(x) and y == 0) and not (math.isinf(y) and x == 0)]
        return (min(products, default=-_INF), max(products, default=_INF))
    if isinstance(op, ast.Div | ast.FloorDiv) and (bl > 0 or bh < 0):
        quotients = [x / y for x in (al, ah) for y in (bl, bh) if not math.isinf(y)]
        if not quotients or any(math.isinf(y) for y in (bl, bh)):
            return (-_INF, _INF)
        low, high = min(quotients), max(quotients)
        if isinstance(op, ast.FloorDiv):
            return (math.floor(low) if not math.isinf(low) else low,
                    math.floor(high) if not math.isinf(high) else high)
        return (low, high)
    if isinstance(op, ast.Mod) and bl > 0 and not math.isinf(bh):
        return (0, bh)
    return (-_INF, _INF)
