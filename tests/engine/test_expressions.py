"""The condition language accepts its small subset and refuses everything else."""

from __future__ import annotations

import pytest

from game.errors import ContentRuntimeError, SourceRef
from game.expressions import BOOL, NUM, ExprError, Names, compile_expr, evaluate

NAMES = Names(numbers=["stability", "industry"], texts=["leader"], flags=["no_stalin"],
              nodes=["brest"], choices={"brest": ["stall", "accept"]})
WHERE = SourceRef("content/x.yaml", 3, 9)
VALUES = {"stability": 40, "industry": 0, "leader": "Trotsky"}


def run(source: str, want: str = BOOL, flags=("no_stalin",), seen=(), chosen=(),
        date: int = 1917 * 12 + 2):
    expr = compile_expr(source, WHERE, NAMES, want)
    return evaluate(expr, VALUES, set(flags), set(seen), set(chosen), date, "test")


@pytest.mark.parametrize("source, expected", [
    ("stability <= 40", True),
    ("20 <= stability < 40", False),
    ("flags.no_stalin and not stability > 50", True),
    ('leader == "Trotsky"', True),
    ("year == 1917 and month == 3", True),
    ("min(stability, 10) + max(1, 2, 3) == 13", True),
    ("abs(-5) == 5", True),
    ("2 ** 3 == 8", True),
    ("stability // 3 == 13 and stability % 3 == 1", True),
    ("(10 if flags.no_stalin else 0) == 10", True),
    ("true and not false", True),
    ('visited("brest")', False),
])
def test_accepted_expressions_evaluate(source, expected):
    assert run(source) is expected


def test_visited_and_chosen_read_history():
    assert run('visited("brest")', seen=["brest"]) is True
    assert run('chosen("brest", "stall")', chosen=[("brest", "stall")]) is True
    assert run('chosen("brest", "accept")', chosen=[("brest", "stall")]) is False


def test_number_expression():
    assert run("stability * 2 - 5", NUM) == 75


@pytest.mark.parametrize("source, message", [
    ("().__class__", "not allowed"),
    ("stability.__class__", "attribute access not allowed"),
    ('__import__("os")', "cannot be called"),
    ("__builtins__", "not allowed"),
    ("open('x')", "cannot be called"),
    ("stability[0]", "subscripts"),
    ("lambda: 1", "lambda not allowed"),
    ("[x for x in stability]", "comprehensions"),
    ('f"{stability}"', "f-strings"),
    ("(x := 1)", "assignment"),
    ("stability; industry", "syntax error"),
    ("2 ** 100000", "exponent"),
    ("stability ** stability", "exponent"),
    ("1 in stability", "only < <= > >= == !="),
    ("stabilty > 3", "unknown variable 'stabilty' (did you mean 'stability'?)"),
    ("flags.no_staln", "unknown flag 'no_staln' (did you mean 'no_stalin'?)"),
    ('visited("brst")', "unknown node 'brst' (did you mean 'brest'?)"),
    ('chosen("brest", "stal")', "no choice 'stal' (did you mean 'stall'?)"),
    ("stability", "must be true or false"),
    ('leader > "A"', "text can only be compared with == or !="),
    ("leader == 3", "cannot compare text with a number"),
    ("stability ==", "syntax error"),
    ("", "empty expression"),
    ("x" * 600, "longer than"),
    ("not " * 40 + "true", "nested deeper"),
    ("-(" * 30 + "1" + ")" * 30 + " > 0", "nested deeper"),
    ("1" + " + 1" * 120 + " > 0", "nested deeper"),
    ("max(" + ",".join(["1"] * 210) + ") > 0", "more than"),
    ("stability\x00", "syntax error"),
])
def test_rejected_expressions(source, message):
    with pytest.raises(ExprError) as caught:
        compile_expr(source, WHERE, NAMES, BOOL)
    assert message in caught.value.message


def test_deep_parentheses_do_not_crash():
    with pytest.raises(ExprError):
        compile_expr("(" * 5000 + "1" + ")" * 5000, WHERE, NAMES, BOOL)


def test_division_by_zero_names_place():
    expr = compile_expr("stability / industry > 1", WHERE, NAMES, BOOL)
    with pytest.raises(ContentRuntimeError) as caught:
        evaluate(expr, VALUES, set(), set(), set(), 0, "node 'brest'")
    assert "content/x.yaml:3:9: node 'brest'" in str(caught.value)
    assert "division by zero" in str(caught.value)


def test_compiled_function_has_no_builtins():
    expr = compile_expr("stability > 1", WHERE, NAMES, BOOL)
    assert expr.fn.__globals__["__builtins__"] == {}
