"""The condition language: a small, safe subset of Python expression syntax.

An expression is parsed once with `ast`, every node is checked against a whitelist and every
name against the declarations, and the checked tree is re-emitted as Python source of our own
making (names become lookups in the state, flags become set membership) and compiled into a
function with no builtins. Author text never reaches `eval` except as `repr()` string literals.

Evaluation takes the state as `fn(V, F, S, C, Y, M)`: values by id, raised flags, seen nodes,
chosen (node, choice) pairs, year and month.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from game.errors import ContentRuntimeError, SourceRef, suggest
from game.model import Expr

MAX_LENGTH = 500
MAX_DEPTH = 25
MAX_NODES = 200
MAX_EXPONENT = 16
MAX_NUMBER = 10**12  # the largest number written in an expression
MAX_RESULT = 10**15  # the largest number an expression may produce while playing
MAX_POWER_BITS = 4096  # `a ** b` refuses to build a whole number longer than this

NUM, STR, BOOL = "number", "text", "true/false"

_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_BINOP = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
          ast.Mod: "%", ast.Pow: "**"}
_FORBIDDEN = {
    ast.Attribute: "attribute access (only flags.NAME is allowed)",
    ast.Subscript: "subscripts ([...])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings", ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignment (:=)",
    ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Starred: "* unpacking",
    ast.Slice: "slices",
}


def _pow(base: Any, exponent: int) -> Any:
    """`base ** exponent` that refuses to build huge numbers: ((x**16)**16)**16 ... is a DoS."""
    if isinstance(base, int) and abs(base) > 1 and \
            abs(base).bit_length() * abs(exponent) > MAX_POWER_BITS:
        raise OverflowError("number too large")
    return base**exponent


def _num(value: Any) -> Any:
    """A number expression's result, checked: finite, not huge, and a number at all."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_RESULT:
            raise OverflowError("number too large")
        return value
    raise TypeError(f"the result is text ({value!r}), not a number")


_SAFE_GLOBALS: dict[str, Any] = {"__builtins__": {}, "_min": min, "_max": max, "_abs": abs,
                                 "_pow": _pow, "_num": _num}
_COMPILED: dict[str, Callable[..., Any]] = {}
_COMPILED_MAX = 50_000


@dataclass(frozen=True)
class Names:
    """What an expression may refer to."""

    numbers: Collection[str]
    texts: Collection[str]
    flags: Collection[str]
    nodes: Collection[str]
    choices: Mapping[str, Collection[str]]


class ExprError(Exception):
    """An expression is not acceptable; `col` is 1-based within the expression text."""

    def __init__(self, message: str, col: int = 0, flag: str | None = None):
        super().__init__(message)
        self.message = message
        self.col = col
        self.flag = flag  # the unknown flag the expression reads, if that is the fault


def compile_expr(source: str, where: SourceRef, names: Names, want: str = BOOL) -> Expr:
    """Check and compile an expression; raises ExprError with a message for the author."""
    text = source.strip()
    if not text:
        raise ExprError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # a warning would print on the player's terminal
            warnings.simplefilter("error")  # and becomes a SyntaxError the author sees
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        habit = syntax_hint(text)
        if habit is not None:
            raise ExprError(f"syntax error in expression: {habit[0]}", habit[1]) from None
        detail = (exc.msg or "invalid syntax").replace("'[' was never closed", "unclosed [")
        raise ExprError(f"syntax error in expression: {detail}", exc.offset or 0) from None
    except (RecursionError, MemoryError):
        raise ExprError(f"expression nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # e.g. NUL bytes
        raise ExprError(f"invalid expression: {exc}") from None
    emitter = _Emitter(names)
    code, kind = emitter.emit(tree.body, 1)
    if want == BOOL and kind not in (BOOL,):
        hint = " (compare it, e.g. 'x > 0')" if kind == NUM else ""
        raise ExprError(f"a condition must be true or false, but this is a {kind}{hint}")
    if want == NUM and kind not in (NUM, BOOL):
        raise ExprError(f"expected a number, but this is {kind}")
    if want == NUM:
        code = f"_num({code})"
    return Expr(source=text, where=where, fn=_function(code), uses_date=emitter.uses_date)


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_KEYWORDS = frozenset(("and", "or", "not", "if", "else", "in", "is", "true", "false", "True",
                       "False"))
# Habits from other languages, in the order they are looked for: (pattern, message).
_HABITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"&&"), "`&&` is not an operator here: use `and`"),
    (re.compile(r"\|\|"), "`||` is not an operator here: use `or`"),
    (re.compile(r"=>"), "`=>` is not an operator: did you mean `>=`?"),
    (re.compile(r"=<"), "`=<` is not an operator: did you mean `<=`?"),
    (re.compile(r"<>"), "`<>` is not an operator: use `!=`"),
    (re.compile(r"!(?!=)"), "`!` is not an operator here: use `not`"),
    (re.compile(r"(?<![=!<>])=(?!=)"), "`=` sets a value; to compare, use `==`"),
    (re.compile(r"\b(AND|OR|NOT|And|Or|Not)\b"), "write `{low}` in small letters"),
)
_TWO_WORDS = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)[ \t]+([A-Za-z_][\w.]*)(?![\w.])")


def syntax_hint(text: str) -> tuple[str, int] | None:
    """What a habit from Python, C or SQL means in an expression that does not parse:
    (message, 1-based column), or None. Quoted text is never looked into."""
    masked = _STRING.sub(lambda m: "_" * len(m.group()), text)
    for pattern, message in _HABITS:
        match = pattern.search(masked)
        if match is not None:
            operand = re.match(r"\s*([\w.]+)", masked[match.end():])
            message = message.format(low=match.group().lower())
            if match.group() == "!" and operand is not None:
                message = f"`!` is not an operator here: use `not` (write `not {operand[1]}`)"
            return message, match.start() + 1
    for match in _TWO_WORDS.finditer(masked):
        first, second = match.groups()
        if first not in _KEYWORDS and second not in _KEYWORDS and (
                "." in first or "." in second or masked[match.end():match.end() + 1] == "("):
            return (f"something is missing between '{first}' and '{second}': an operator "
                    "such as `and`, `or` or `==`"), match.end(1) + 1
        if first not in _KEYWORDS and second not in _KEYWORDS:
            words: list[str] = []
            for word in masked[match.start():].split():
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word) or word in _KEYWORDS:
                    break
                words.append(word)
            return (f"'{' '.join(words)}' is not a name: put text in quotes, like "
                    f"'{' '.join(words)}'"), match.start() + 1
    return None


def _function(code: str) -> Callable[..., Any]:
    """The compiled function of emitted code; shared by every expression that emits the same.

    Content repeats itself ("stability >= 30" in many places), and `compile` is most of the
    cost of loading an expression. The functions are pure, so sharing one is safe; faults are
    reported with the Expr's own position by `evaluate`, never through the code's file name.
    """
    fn = _COMPILED.get(code)
    if fn is None:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        fn = _COMPILED[code] = eval(  # noqa: S307 - emitted from a whitelisted tree, no builtins
            compile(f"lambda V, F, S, C, Y, M: {code}", "<expression>", "eval"), _SAFE_GLOBALS)
    return fn


def evaluate(expr: Expr, values: Mapping[str, Any], flags: Collection[str],
             seen: Collection[str], chosen: Collection[tuple[str, str]], date: int,
             context: str) -> Any:
    """Evaluate a compiled expression; a fault raises ContentRuntimeError naming the place."""
    try:
        return expr.fn(values, flags, seen, chosen, date // 12, date % 12 + 1)
    except Exception as exc:  # noqa: BLE001 - any fault in content is reported, never raised
        reason = "division by zero" if isinstance(exc, ZeroDivisionError) else \
            f"unknown name {exc}" if isinstance(exc, KeyError) else str(exc) or \
            type(exc).__name__
        raise ContentRuntimeError(
            f"{expr.where}: {context}: expression '{expr.source}' failed: {reason}"
        ) from None


class _Emitter:
    def __init__(self, names: Names):
        self.names = names
        self.count = 0
        self.uses_date = False

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(message, getattr(node, "col_offset", -1) + 1)

    def emit(self, node: ast.AST, depth: int) -> tuple[str, str]:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"expression has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"expression nested deeper than {MAX_DEPTH} levels")
        method: Callable[[Any, int], tuple[str, str]] | None = getattr(
            self, f"_{type(node).__name__}", None)
        if method is None:
            what = _FORBIDDEN.get(type(node), type(node).__name__)
            raise self.fail(node, f"{what} not allowed in an expression")
        return method(node, depth)

    def _Constant(self, node: ast.Constant, depth: int) -> tuple[str, str]:
        value = node.value
        if isinstance(value, bool):
            return repr(value), BOOL
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                raise self.fail(node, "number too large")
            return repr(value), NUM
        if isinstance(value, str):
            return repr(value), STR
        raise self.fail(node, f"{type(value).__name__} values are not allowed")

    def _Name(self, node: ast.Name, depth: int) -> tuple[str, str]:
        name = node.id
        if name in ("true", "True"):
            return "True", BOOL
        if name in ("false", "False"):
            return "False", BOOL
        if name == "year":
            self.uses_date = True
            return "Y", NUM
        if name == "month":
            self.uses_date = True
            return "M", NUM
        if name.startswith("__"):
            raise self.fail(node, f"'{name}' is not allowed in an expression")
        if name in self.names.numbers:
            return f"V[{name!r}]", NUM
        if name in self.names.texts:
            return f"V[{name!r}]", STR
        if name == "flags":
            raise self.fail(node, "write flags.NAME to test a flag")
        if name in self.names.flags:  # a flag written as a variable: the likeliest meaning
            raise self.fail(node, f"unknown variable '{name}' (did you mean 'flags.{name}'?)")
        pool = [*self.names.numbers, *self.names.texts, "year", "month"]
        raise self.fail(node, f"unknown variable '{name}'{suggest(name, pool)}")

    def _Attribute(self, node: ast.Attribute, depth: int) -> tuple[str, str]:
        if isinstance(node.value, ast.Name) and node.value.id == "flags":
            flag = node.attr
            if flag.startswith("__"):
                raise self.fail(node, f"'{flag}' is not allowed in an expression")
            if flag not in self.names.flags:
                hint = suggest(flag, self.names.flags)
                error = self.fail(node, f"unknown flag '{flag}'{hint}; no choice or scenario "
                                        "sets it")
                error.flag = flag
                raise error
            return f"({flag!r} in F)", BOOL
        raise self.fail(node, "attribute access not allowed in an expression "
                              "(only flags.NAME)")

    def _Call(self, node: ast.Call, depth: int) -> tuple[str, str]:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only min(), max(), abs(), visited() and chosen() can be called")
        name = node.func.id
        if node.keywords:
            raise self.fail(node, f"{name}() takes no keyword arguments")
        args = node.args
        if name in ("min", "max", "abs"):
            if name == "abs" and len(args) != 1:
                raise self.fail(node, "abs() takes one argument")
            if name != "abs" and len(args) < 2:
                raise self.fail(node, f"{name}() takes two or more arguments")
            parts = []
            for arg in args:
                code, kind = self.emit(arg, depth + 1)
                self.need_number(arg, kind, f"{name}()")
                parts.append(code)
            return f"_{name}({', '.join(parts)})", NUM
        if name == "visited":
            if len(args) != 1:
                raise self.fail(node, 'visited() takes one node id: visited("brest_litovsk")')
            node_id = self.string_arg(args[0], "visited()")
            if node_id not in self.names.nodes:
                raise self.fail(args[0], f"unknown node '{node_id}'"
                                         f"{suggest(node_id, self.names.nodes)}")
            return f"({node_id!r} in S)", BOOL
        if name == "chosen":
            if len(args) != 2:
                raise self.fail(node, 'chosen() takes a node id and a choice id: '
                                      'chosen("brest_litovsk", "stall")')
            node_id = self.string_arg(args[0], "chosen()")
            choice_id = self.string_arg(args[1], "chosen()")
            if node_id not in self.names.nodes:
                raise self.fail(args[0], f"unknown node '{node_id}'"
                                         f"{suggest(node_id, self.names.nodes)}")
            choices = self.names.choices.get(node_id, ())
            if choice_id not in choices:
                raise self.fail(args[1], f"node '{node_id}' has no choice '{choice_id}'"
                                         f"{suggest(choice_id, choices)}")
            return f"({(node_id, choice_id)!r} in C)", BOOL
        allowed = ["min", "max", "abs", "visited", "chosen"]
        raise self.fail(node, f"'{name}()' cannot be called in an expression"
                              f"{suggest(name, allowed)}")

    def known(self, name: str) -> bool:
        return name in self.names.numbers or name in self.names.texts or \
            name in ("true", "True", "false", "False", "year", "month", "flags")

    def is_text(self, node: ast.AST) -> bool:
        return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or \
            (isinstance(node, ast.Name) and node.id in self.names.texts)

    def string_arg(self, node: ast.AST, where: str) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        raise self.fail(node, f"{where} takes quoted ids")

    def need_number(self, node: ast.AST, kind: str, where: str) -> None:
        if kind == STR:
            raise self.fail(node, f"{where} needs a number, not text")

    def _BoolOp(self, node: ast.BoolOp, depth: int) -> tuple[str, str]:
        op = " and " if isinstance(node.op, ast.And) else " or "
        parts = [self.emit(value, depth + 1)[0] for value in node.values]
        return "(" + op.join(parts) + ")", BOOL

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple[str, str]:
        code, kind = self.emit(node.operand, depth + 1)
        if isinstance(node.op, ast.Not):
            return f"(not {code})", BOOL
        if isinstance(node.op, ast.USub | ast.UAdd):
            self.need_number(node.operand, kind, "a sign")
            return f"({'-' if isinstance(node.op, ast.USub) else '+'}{code})", NUM
        raise self.fail(node, "this operator is not allowed in an expression")

    def _BinOp(self, node: ast.BinOp, depth: int) -> tuple[str, str]:
        symbol = _BINOP.get(type(node.op))
        if symbol is None:
            raise self.fail(node, "bitwise and matrix operators are not allowed")
        left, lkind = self.emit(node.left, depth + 1)
        right, rkind = self.emit(node.right, depth + 1)
        self.need_number(node.left, lkind, f"'{symbol}'")
        self.need_number(node.right, rkind, f"'{symbol}'")
        if symbol == "**":
            exponent = node.right
            sign = 1
            if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
                exponent, sign = exponent.operand, -1
            if not (isinstance(exponent, ast.Constant) and isinstance(exponent.value, int)
                    and not isinstance(exponent.value, bool)
                    and abs(exponent.value) <= MAX_EXPONENT):
                raise self.fail(node, f"the exponent of ** must be a whole number from "
                                      f"-{MAX_EXPONENT} to {MAX_EXPONENT}")
            return f"_pow({left}, {sign * exponent.value!r})", NUM
        return f"({left} {symbol} {right})", NUM

    def _Compare(self, node: ast.Compare, depth: int) -> tuple[str, str]:
        sides = [node.left, *node.comparators]
        if any(self.is_text(side) for side in sides):
            for side in sides:  # `leader == Kirov`: text written without quotes
                if isinstance(side, ast.Name) and not self.known(side.id):
                    raise self.fail(side, f"unknown variable '{side.id}': to compare with "
                                          f"text, put it in quotes, like '{side.id}'")
        code, kind = self.emit(node.left, depth + 1)
        parts = [code]
        kinds = [kind]
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARE.get(type(op))
            if symbol is None:
                raise self.fail(node, "only < <= > >= == != can compare "
                                      "(not 'in' or 'is')")
            ccode, ckind = self.emit(comparator, depth + 1)
            left_kind = kinds[-1]
            if (STR in (left_kind, ckind)) and left_kind != ckind:
                raise self.fail(comparator, "cannot compare text with a number")
            if symbol not in ("==", "!=") and STR in (left_kind, ckind):
                raise self.fail(comparator, "text can only be compared with == or !=")
            parts.append(f"{symbol} {ccode}")
            kinds.append(ckind)
        return "(" + " ".join(parts) + ")", BOOL

    def _IfExp(self, node: ast.IfExp, depth: int) -> tuple[str, str]:
        test, _ = self.emit(node.test, depth + 1)
        body, bkind = self.emit(node.body, depth + 1)
        orelse, okind = self.emit(node.orelse, depth + 1)
        if bkind != okind and STR in (bkind, okind):
            raise self.fail(node, "both sides of 'x if c else y' must be the same kind")
        return f"({body} if {test} else {orelse})", bkind
