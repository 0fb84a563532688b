"""Hostile expressions: no way out to Python, no denial of service, faults named and survived."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_util import fuzz_examples

from game.engine import Game
from game.errors import ContentRuntimeError, SourceRef
from game.expressions import (
    BOOL,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    NUM,
    ExprError,
    Names,
    compile_expr,
    evaluate,
)
from game.loader import load_story

NAMES = Names(numbers=["stability", "industry"], texts=["leader"], flags=["no_stalin"],
              nodes=["brest"], choices={"brest": ["stall"]})
WHERE = SourceRef("content/x.yaml", 3, 9)
VALUES = {"stability": 40, "industry": 0, "leader": "Trotsky"}


def refused(source: str, want: str = BOOL) -> str:
    with pytest.raises(ExprError) as caught:
        compile_expr(source, WHERE, NAMES, want)
    return caught.value.message


def run(source: str, want: str = BOOL, values: dict[str, object] | None = None) -> object:
    expr = compile_expr(source, WHERE, NAMES, want)
    return evaluate(expr, values or VALUES, set(), set(), set(), 1917 * 12, "node 'brest'")


# ---- escapes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("source, phrase", [
    # dunder names and attributes
    ("__import__('os').system('ls') == 0", "can be called"),
    ("__builtins__ == 1", "'__builtins__' is not allowed"),
    ("__class__ == 1", "'__class__' is not allowed"),
    ("__debug__", "'__debug__' is not allowed"),
    ("flags.__class__", "'__class__' is not allowed"),
    ("flags.__dict__", "'__dict__' is not allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "can be called"),
    ("''.__class__.__mro__", "attribute access not allowed"),
    ("leader.upper() == 'X'", "only min(), max(), abs(), visited() and chosen() can be called"),
    ("stability.real == 40", "attribute access not allowed"),
    ("flags.no_stalin.x", "attribute access not allowed"),
    ("(flags).no_stalinn", "unknown flag"),  # parentheses hide nothing: still flags.NAME
    # subscripts and slices
    ("leader[0] == 'T'", "subscripts"),
    ("leader[::-1] == 'x'", "subscripts"),
    ("V['stability'] > 0", "subscripts"),
    # lambdas, comprehensions, generators
    ("(lambda: 1)() == 1", "can be called"),
    ("lambda: 1", "lambda not allowed"),
    ("[x for x in (1, 2)]", "comprehensions"),
    ("{x for x in (1, 2)}", "comprehensions"),
    ("{x: 1 for x in (1, 2)}", "comprehensions"),
    ("any(x for x in (1, 2))", "cannot be called"),
    ("(x for x in (1, 2))", "comprehensions"),
    # f-strings and literals of containers
    ("f'{stability}' == '40'", "f-strings"),
    ("f'{__import__(\"os\")}' == ''", "f-strings"),
    ("[1, 2] == [1, 2]", "lists"),
    ("(1, 2) == (1, 2)", "tuples"),
    ("{1: 2} == {}", "dicts"),
    ("{1} == {1}", "sets"),
    ("b'x' == b'x'", "bytes values are not allowed"),
    ("... == ...", "ellipsis values are not allowed"),
    ("1j == 1j", "complex values are not allowed"),
    # assignment, statements, other syntax
    ("(stability := 1) > 0", "assignment (:=)"),
    ("stability = 1", "syntax error"),
    ("stability; industry", "syntax error"),
    ("import os", "syntax error"),
    ("exec('1')", "cannot be called"),
    ("eval('1')", "cannot be called"),
    ("open('/etc/passwd')", "cannot be called"),
    ("getattr(stability, 'real')", "cannot be called"),
    ("globals()", "cannot be called"),
    ("vars()", "cannot be called"),
    ("breakpoint()", "cannot be called"),
    ("min(stability, key=abs) > 0", "takes no keyword arguments"),
    ("max(1, *stability) > 0", "* unpacking"),
    ("max(**stability) > 0", "takes no keyword arguments"),
    ("visited(leader)", "takes quoted ids"),
    ("abs(stability)(1)", "only min(), max(), abs()"),
    ("stability if True else (yield)", "yield"),
    ("await stability", "await"),
    ("stability @ industry", "bitwise and matrix"),
    ("stability | industry", "bitwise and matrix"),
    ("stability << 999", "bitwise and matrix"),
    ("~stability", "not allowed"),
    ("stability is 1", "not 'in' or 'is'"),
    ("leader in 'Trotsky'", "not 'in' or 'is'"),
    ("V > 1", "unknown variable 'V'"),
    ("_min(1, 2) > 0", "cannot be called"),
    ("Y > 1", "unknown variable 'Y'"),
    ("# comment", "syntax error"),
])
def test_every_escape_route_is_refused(source, phrase):
    assert phrase in refused(source)


@pytest.mark.parametrize("name", ["V", "F", "S", "C", "Y", "M", "_min", "_pow", "_num",
                                  "__builtins__", "__import__", "print", "open"])
def test_internal_and_builtin_names_are_not_reachable(name):
    message = refused(f"{name} == 1")
    assert "unknown variable" in message or "is not allowed" in message


def test_a_declared_variable_named_like_an_internal_is_only_its_value():
    names = Names(numbers=["V", "_num", "F"], texts=[], flags=[], nodes=[], choices={})
    expr = compile_expr("V + _num + F > 2", WHERE, names, BOOL)
    assert evaluate(expr, {"V": 1, "_num": 1, "F": 1}, set(), set(), set(), 0, "x") is True


def test_compiled_functions_see_no_builtins():
    for source, want in (("stability > 1", BOOL), ("stability * 2", NUM), ("2 ** 3", NUM)):
        fn = compile_expr(source, WHERE, NAMES, want).fn
        assert fn.__globals__["__builtins__"] == {}
        assert set(fn.__globals__) <= {"__builtins__", "_min", "_max", "_abs", "_pow", "_num"}


def test_strings_in_expressions_are_only_ever_data():
    payload = "__import__('os').system('echo pwned')"
    assert run(f"leader == {payload!r}") is False
    assert run('leader == "\\x00\'\\"; import os"') is False


# ---- denial of service -----------------------------------------------------------------------
@pytest.mark.parametrize("source, phrase", [
    ("2 ** 100000 > 0", "exponent"),
    (f"2 ** {MAX_EXPONENT + 1} > 0", "exponent"),
    ("2 ** -17 > 0", "exponent"),
    ("2 ** stability > 0", "exponent"),
    ("2 ** 1.5 > 0", "exponent"),
    ("2 ** True > 0", "exponent"),
    ("9" * 20 + " > 0", "number too large"),
    ("1e999 > 0", "number too large"),
    ("-1e999 < 0", "number too large"),
    ("1e13 > 0", "number too large"),
    ("0x" + "f" * 20 + " > 0", "number too large"),
    ("1" + " + 1" * (MAX_NODES // 2 + 10) + " > 0", "nested deeper"),
    ("max(" + ",".join(["1"] * (MAX_NODES + 5)) + ") > 0", f"more than {MAX_NODES} parts"),
    ("x" * (MAX_LENGTH + 1), f"longer than {MAX_LENGTH}"),
    ("not " * (MAX_DEPTH + 1) + "true", f"nested deeper than {MAX_DEPTH}"),
    ("-" * 480 + "1 > 0", "nested deeper"),
    ("(" * 240 + "1" + ")" * 240, "syntax error"),  # Python's own parser limit, reported
    ("1 if true else " * 30 + "1 > 0", "nested deeper"),
])
def test_denial_of_service_is_bounded_at_compile_time(source, phrase):
    assert phrase in refused(source)


def test_parser_faults_are_caught(monkeypatch):
    import ast

    for fault in (RecursionError("deep"), MemoryError(), ValueError("source code string "
                                                                     "cannot contain null bytes")):
        def parse(*args, _fault=fault, **kwargs):
            raise _fault

        monkeypatch.setattr(ast, "parse", parse)
        with pytest.raises(ExprError):
            compile_expr("stability > 1", WHERE, NAMES, BOOL)


def test_deep_parentheses_are_harmless_or_refused():
    # Parentheses make no tree nodes; Python's parser refuses more than 200 of them.
    assert run("(" * 199 + "stability" + ")" * 199 + " > 0") is True
    for depth in (201, 240, 5000):
        with pytest.raises(ExprError):
            compile_expr("(" * depth + "1" + ")" * depth, WHERE, NAMES, BOOL)


@pytest.mark.parametrize("source", [
    "((stability ** 16) ** 16) ** 16 > 0",
    "(((9 ** 16) ** 16) ** 16) ** 16 > 0",
    "((999999 ** 16) ** 16) ** 16 > 0",
])
def test_nested_powers_are_refused_at_run_time_not_computed(source):
    with pytest.raises(ContentRuntimeError) as caught:
        run(source)
    assert "number too large" in str(caught.value)
    assert str(caught.value).startswith("content/x.yaml:3:9: node 'brest': expression")


def test_reasonable_powers_still_work():
    assert run("stability ** 2 == 1600") is True
    assert run("(stability ** 2) ** 2 == 2560000") is True
    assert run("2 ** -2 == 0.25") is True


@pytest.mark.parametrize("source, reason", [
    ("stability * 1e12 * 1e12", "number too large"),
    ("stability / 0", "division by zero"),
    ("stability // industry", "division by zero"),
    ("stability % industry", "division by zero"),
    ("0 ** -1", "division by zero"),
    ("1e12 * 1e12 * 1e12 * 1e12 * 1e12 * 1e12 * 1e12 * 1e12 * 1e12 * 1e12", "too large"),
    ("leader or 1", "the result is text"),
])
def test_number_faults_at_run_time_name_the_place(source, reason):
    with pytest.raises(ContentRuntimeError) as caught:
        run(source, NUM)
    message = str(caught.value)
    assert message.startswith("content/x.yaml:3:9: node 'brest': expression ")
    assert reason in message
    assert "\n" not in message


def test_a_number_expression_never_returns_inf_nan_or_text():
    assert run("stability * 1e11", NUM) == 4e12
    assert run("true", NUM) == 1
    with pytest.raises(ContentRuntimeError):
        run("stability * 1e11 * 1e11", NUM)


# ---- a fault while playing names the node and file, and the game goes on ---------------------
FAULTY = """\
- id: first
  date: 1917-03
  title: First
  text: Start.
  history: Real.
  choices:
    - id: go
      label: Go
      effects: {stability: "stability * 1e12 * 1e12", industry: "industry / (stability - 50)"}
    - id: other
      label: Other
      when: "stability // (industry - 20) > 1"
- id: second
  date: 1917-04
  when: "stability / (industry - 20) > 0"
  title: Second
  text: More.
  history: Real.
  choices:
    - id: on
      label: On
      outcomes:
        - {weight: "1 / (industry - 20)", log: "A."}
        - {weight: "((stability ** 16) ** 16) ** 16", log: "B."}
"""


def test_faults_while_playing_are_recorded_and_the_game_reaches_an_ending(make_content):
    story = load_story([make_content(FAULTY)])
    game = Game.new(story, seed=4)
    views = game.choices()
    assert [v.id for v in views] == ["go"]  # the faulty `when` hides its choice
    result = game.choose("go")
    assert not game.over or game.ending_id
    assert game.values["stability"] == 50 and game.values["industry"] == 20  # faults count as 0
    problems = game.problems
    assert any("events.yaml:12:" in p and "node 'first', choice 'other'" in p
               and "division by zero" in p for p in problems)
    assert any("events.yaml:9:" in p and "node 'first', choice 'go'" in p
               and "number too large" in p for p in problems)
    assert any("division by zero" in p for p in result.problems)
    while not game.over:
        game.choose(game.choices()[0].id)
    assert game.ending_id == "fallback"


def test_plain_mode_shows_a_content_fault_and_plays_on(make_content, tmp_path, monkeypatch):
    from game.cli import main

    folder = make_content(FAULTY)
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n1\n1\n1\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    status = main(["play", "--plain", "--content", str(folder), "--seed", "1",
                   "--saves-dir", str(tmp_path / "saves")])
    text = " ".join(out.getvalue().split())  # plain mode wraps lines at spaces
    assert status == 0
    assert "(content problem: " in text and "division by zero" in text
    assert "THE END: Fallback" in text


# ---- fuzzing ---------------------------------------------------------------------------------
EXPR_BITS = st.sampled_from([
    "stability", "industry", "leader", "flags.no_stalin", "flags", "year", "month", "true",
    "false", "True", "None", "x", "__import__", "__class__", "V", "_num", "min", "max", "abs",
    "visited", "chosen", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "=", ":=", "+", "-",
    "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", " and ", " or ", "not ", " if ",
    " else ", " in ", " is ", "lambda", " for ", "f'", "'", '"', '"brest"', '"stall"', "0", "1",
    "16", "17", "1e999", "1.5", "-", "99999999999999", "\\", "\n", "#", "@", "|", "&", "^", "~",
    " ", "\x00", "é", "ｓ", "yield", "await", "...", "b'x'", "1j",
])


def _check(source: str) -> None:
    for want in (BOOL, NUM):
        try:
            expr = compile_expr(source, WHERE, NAMES, want)
        except ExprError as exc:
            assert isinstance(exc.message, str) and exc.message
            continue
        for values in (VALUES, {"stability": 0, "industry": -3, "leader": ""}):
            try:
                result = evaluate(expr, values, {"no_stalin"}, {"brest"}, {("brest", "stall")},
                                  1917 * 12, "fuzz")
            except ContentRuntimeError as exc:
                assert str(exc).startswith("content/x.yaml:3:9: fuzz: expression")
                continue
            if want == NUM:
                assert isinstance(result, int | float) and not isinstance(result, bool)
                assert abs(result) <= 10**15


FUZZ = settings(max_examples=fuzz_examples(500), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(EXPR_BITS, max_size=25).map("".join))
def test_fuzz_expression_tokens_end_in_expr_error_or_a_value(source):
    _check(source)


@FUZZ
@given(st.text(max_size=80))
def test_fuzz_expression_text_ends_in_expr_error_or_a_value(source):
    _check(source)


def _exprs() -> st.SearchStrategy[str]:
    leaves = st.sampled_from(["stability", "industry", "1", "0", "2.5", "16", "-3", "year",
                              "flags.no_stalin", 'visited("brest")', "leader", '"Lenin"'])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<",
                                                   "==", "!=", ">=", "and", "or"]), inner)
        return st.one_of(
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda e: f"(not {e})"),
            inner.map(lambda e: f"(-{e})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
            inner.map(lambda e: f"abs({e})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        )

    return st.recursive(leaves, extend, max_leaves=30)


@FUZZ
@given(_exprs())
def test_fuzz_well_formed_expressions_compile_and_evaluate_safely(source):
    _check(source)
