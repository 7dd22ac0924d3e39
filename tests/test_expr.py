"""The condition language: parsing, evaluation, errors, and that nothing is ever eval'd."""

from __future__ import annotations

import ast
import builtins
import inspect
from typing import Any

import pytest

from intake.flows import expr
from intake.flows.expr import ConditionError, Node, Ref


def ev(source: str, **answers: Any) -> bool:
    """Evaluate `source` with answers given by name; `name__view` gives `name.view`."""

    def resolve(ref: Ref) -> Any:
        key = f"{ref.name}__{ref.view}" if ref.view else ref.name
        return answers.get(key)

    result = expr.evaluate(expr.parse(source), resolve)
    assert isinstance(result, bool)
    return result


# --- comparisons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "x", "expected"),
    [
        ("x == 3", 3, True),
        ("x == 3", 4, False),
        ("x != 3", 4, True),
        ("x != 3", 3, False),
        ("x < 3", 2, True),
        ("x < 3", 3, False),
        ("x <= 3", 3, True),
        ("x <= 3", 4, False),
        ("x > 3", 4, True),
        ("x > 3", 3, False),
        ("x >= 3", 3, True),
        ("x >= 3", 2, False),
        ("x >= 2.5", 2.5, True),
        ("x > 2.5", 2, False),
        ("x > -1", 0, True),
        ("x == 2", 2.0, True),
        ("x == 'a'", "a", True),
        ('x == "a"', "a", True),
        ("x == 'a'", "b", False),
        ("x != 'a'", "b", True),
        ("x == true", True, True),
        ("x == true", False, False),
        ("x == false", False, True),
        ("x != false", True, True),
    ],
)
def test_comparisons(source: str, x: Any, expected: bool) -> None:
    assert ev(source, x=x) is expected


def test_literal_on_the_left() -> None:
    assert ev("3 < x", x=4) is True
    assert ev("3 < x", x=3) is False
    assert ev("'a' == x", x="a") is True


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
@pytest.mark.parametrize(("left", "right"), [("'3'", "x"), ("x", "'3'"), ("x", "'a'")])
def test_numbers_and_strings_never_order(op: str, left: str, right: str) -> None:
    # Whatever the numeric value, comparing it with a string by order is false, both ways round.
    for x in (-5, 0, 3, 10, 2.5):
        assert ev(f"{left} {op} {right}", x=x) is False
    # And a string answer against a number literal.
    assert ev(f"x {op} 3", x="3") is False
    assert ev(f"x {op} 3", x="zzz") is False


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_strings_do_not_order_among_themselves_either(op: str) -> None:
    assert ev(f"x {op} 'b'", x="a") is False
    assert ev(f"x {op} 'b'", x="c") is False


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_booleans_do_not_order_as_numbers(op: str) -> None:
    assert ev(f"x {op} 0", x=True) is False
    assert ev(f"x {op} 5", x=False) is False


def test_number_string_equality_is_false() -> None:
    assert ev("x == '3'", x=3) is False
    assert ev("x == 3", x="3") is False
    assert ev("x != '3'", x=3) is True


def test_scale_special_answers_never_compare_with_numbers() -> None:
    for special in ("not_discussed", "not_applicable"):
        for op in ("<", "<=", ">", ">="):
            assert ev(f"x {op} 2", x=special) is False


# --- and / or / not ----------------------------------------------------------


@pytest.mark.parametrize("a", [True, False])
@pytest.mark.parametrize("b", [True, False])
@pytest.mark.parametrize("c", [True, False])
def test_boolean_operators_and_precedence(a: bool, b: bool, c: bool) -> None:
    values = {"a": a, "b": b, "c": c}
    assert ev("a == true and b == true", **values) is (a and b)
    assert ev("a == true or b == true", **values) is (a or b)
    assert ev("not a == true", **values) is (not a)
    # and binds tighter than or; not tighter than and.
    assert ev("a == true or b == true and c == true", **values) is (a or (b and c))
    assert ev("a == true and b == true or c == true", **values) is ((a and b) or c)
    assert ev("not a == true and b == true", **values) is ((not a) and b)
    assert ev("not a == true or b == true", **values) is ((not a) or b)
    assert ev("(a == true or b == true) and c == true", **values) is ((a or b) and c)
    assert ev("not (a == true and b == true)", **values) is (not (a and b))
    assert ev("not not a == true", **values) is a


def test_precedence_in_the_tree() -> None:
    tree = expr.parse("a or b and not c")
    assert tree == Node("or", (Ref("a"), Node("and", (Ref("b"), Node("not", (Ref("c"),))))))
    tree = expr.parse("not a == 1")
    assert tree == Node("not", (Node("==", (Ref("a"), 1)),))


def test_bare_reference_is_truthiness() -> None:
    assert ev("x", x=True) is True
    assert ev("x", x=False) is False
    assert ev("x", x=None) is False
    assert ev("true") is True
    assert ev("false") is False


def test_keywords_as_prefixes_of_names() -> None:
    # Names that begin with a keyword are names, not keyword + name.
    assert ev("notes == 1", notes=1) is True
    assert ev("order == 1", order=1) is True
    assert ev("android == 1", android=1) is True
    assert ev("interests == 1", interests=1) is True
    assert ev("trueness == 1", trueness=1) is True


def test_names_that_begin_with_a_function_name() -> None:
    # Regression: `country` used to be read as count + ry, and `answered_before` as
    # answered + _before, so such questions could not be referred to.
    assert ev("country == 'fi'", country="fi") is True
    assert ev("counts > 1", counts=2) is True
    assert ev("answered_before == true", answered_before=True) is True
    assert expr.refs(expr.parse("counter >= 1 and answered(country)")) == [Ref("counter"), Ref("country")]


# --- in / not in -------------------------------------------------------------


def test_in_with_literal_lists() -> None:
    assert ev("x in ['a', 'b']", x="a") is True
    assert ev("x in ['a', 'b']", x="c") is False
    assert ev("x not in ['a', 'b']", x="c") is True
    assert ev("x not in ['a', 'b']", x="b") is False
    assert ev("x in [1, 2, 3]", x=2) is True
    assert ev("x in [1, 2, 3]", x=4) is False
    assert ev("x in []", x="a") is False
    assert ev("x not in []", x="a") is True


def test_in_with_a_multi_choice_answer() -> None:
    assert ev("'other' in interests", interests=["computers", "other"]) is True
    assert ev("'other' in interests", interests=["computers"]) is False
    assert ev("'other' in interests", interests=[]) is False
    assert ev("'other' not in interests", interests=["computers"]) is True
    assert ev("'other' not in interests", interests=["other"]) is False


def test_multi_choice_answer_in_a_list_means_any_of_them() -> None:
    assert ev("interests in ['kitchen', 'crafts']", interests=["computers", "crafts"]) is True
    assert ev("interests in ['kitchen', 'crafts']", interests=["computers", "outdoors"]) is False
    assert ev("interests not in ['kitchen', 'crafts']", interests=["computers"]) is True
    assert ev("interests not in ['kitchen', 'crafts']", interests=["kitchen"]) is False


def test_in_needs_a_list_on_the_right() -> None:
    # A string is not a list: no substring matching.
    assert ev("'a' in x", x="abc") is False
    assert ev("'a' in x", x=None) is False
    assert ev("'a' in x", x=3) is False


def test_list_literals() -> None:
    assert expr.parse("x in [1, 'a', 2.5, true]") == Node("in", (Ref("x"), (1, "a", 2.5, True)))
    assert expr.parse("x in []") == Node("in", (Ref("x"), ()))
    assert ev("x == []", x=[]) is True
    assert ev("x == ['a', 'b']", x=["a", "b"]) is True


# --- answered / count ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ([], False), ("x", True), (0, True), (False, True), (["a"], True),
     ("not_discussed", True)],
)
def test_answered(value: Any, expected: bool) -> None:
    assert ev("answered(x)", x=value) is expected
    assert ev("not answered(x)", x=value) is (not expected)


def test_count() -> None:
    assert ev("count(goals) == 0", goals=None) is True
    assert ev("count(goals) == 0", goals=[]) is True
    assert ev("count(goals) > 1", goals=[{}, {}]) is True
    assert ev("count(goals) > 1", goals=[{}]) is False
    assert ev("count(goals) >= 3", goals=[{}, {}, {}]) is True
    # count of something that is not a list is 0, not the length of a string.
    assert ev("count(x) == 0", x="abcdef") is True


def test_functions_take_a_reference_only() -> None:
    for source in ("answered(1)", "count('a')", "count(x == 1)", "answered()", "len(x)"):
        with pytest.raises(ConditionError):
            expr.parse(source)


# --- views and references --------------------------------------------------------


def test_view_references() -> None:
    assert expr.parse("housing.client >= 3") == Node(">=", (Ref("housing", "client"), 3))
    assert ev("housing.client >= 3", housing__client=3, housing__counsellor=1) is True
    assert ev("housing.counsellor >= 3", housing__client=3, housing__counsellor=1) is False
    assert ev("finances.client >= 2 or finances.counsellor >= 2", finances__client=0, finances__counsellor=2) is True
    assert ev("finances.client >= 2 or finances.counsellor >= 2", finances__client=1, finances__counsellor=1) is False


def test_refs_lists_every_reference_in_order() -> None:
    tree = expr.parse("a == 1 and (b.client > 2 or 'x' in c) and not answered(d) and count(e) > 0")
    assert expr.refs(tree) == [Ref("a"), Ref("b", "client"), Ref("c"), Ref("d"), Ref("e")]
    assert expr.refs(expr.parse("1 == 1")) == []
    assert expr.refs(expr.parse("x in [y, 1]")) == [Ref("x"), Ref("y")]


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_unanswered_references_compare_false(op: str) -> None:
    for literal in ("1", "'a'", "true", "false", "0"):
        assert ev(f"x {op} {literal}") is False
        assert ev(f"{literal} {op} x") is False
    assert ev(f"x {op} y", x=None, y=None) is False
    assert ev(f"x.client {op} 1", x__counsellor=1) is False


def test_unanswered_in_is_false() -> None:
    assert ev("x in ['a']") is False
    assert ev("'a' in x") is False


def test_resolver_is_asked_with_the_reference() -> None:
    seen: list[Ref] = []

    def resolve(ref: Ref) -> Any:
        seen.append(ref)
        return 5

    assert expr.evaluate(expr.parse("x.counsellor > 4 and y == 5"), resolve) is True
    assert seen == [Ref("x", "counsellor"), Ref("y")]


def test_whitespace_is_ignored() -> None:
    assert expr.parse("  x==1 and(y!=2)  ") == expr.parse("x == 1 and ( y != 2 )")


def test_numbers_are_ints_or_floats() -> None:
    assert expr.parse("x == 12") == Node("==", (Ref("x"), 12))
    assert isinstance(expr.parse("x == 12").args[1], int)
    assert expr.parse("x == 2.5").args[1] == 2.5
    assert expr.parse("x == -3").args[1] == -3


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("x @ 1", 3),
        ("x == 1)", 7),
        ("x === 1", 5),
        ("x = 1", 3),
        ("x == 1 2", 8),
        ("x.y.z == 1", 4),
        ("X == 1", 1),
        ("a == 1 and b === 2", 16),
        ("x > 1 < 2", 7),
        ("a in b in c", 8),
        ("x not y", 7),
        ("__import__('os')", 1),
    ],
)
def test_syntax_errors_name_the_column(source: str, column: int) -> None:
    with pytest.raises(ConditionError) as info:
        expr.parse(source)
    message = str(info.value)
    assert f"column {column}" in message
    assert repr(source) in message


@pytest.mark.parametrize("source", ["", "x ==", "x == 1 and", "(x == 1", "not", "x == 'a", "count(x", "[1, 2"])
def test_incomplete_conditions_are_errors(source: str) -> None:
    with pytest.raises(ConditionError, match="column"):
        expr.parse(source)


def test_condition_error_is_a_value_error() -> None:
    assert issubclass(ConditionError, ValueError)


# --- never eval ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "open('/etc/passwd')",
        "x.__class__ == 1",
        "exec('1')",
        "lambda: 1",
        "x if y else z",
        "1 + 1 == 2",
        "[i for i in x]",
        "x == 1; import os",
        "x == 1 # comment",
    ],
)
def test_python_is_not_a_condition(source: str) -> None:
    with pytest.raises(ConditionError):
        expr.parse(source)


def test_parsing_and_evaluating_never_call_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def trap(name: str):
        def fail(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise AssertionError(f"{name} called")
        return fail

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, trap(name))
    expr._parse.cache_clear()
    sources = ["x == 1 and (y.client >= 2 or 'a' in z)", "not answered(q) or count(g) > 1", "x not in [1, 2]"]
    for source in sources:
        expr.evaluate(expr.parse(source), lambda ref: None)
    with pytest.raises(ConditionError):
        expr.parse("__import__('os')")
    assert calls == []


def test_the_module_sources_have_no_eval() -> None:
    from intake.flows import grammar

    for module in (expr, grammar):
        tree = ast.parse(inspect.getsource(module))
        called = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__", "getattr"}


# --- unanswered and yes/no edge cases -----------------------------------------

def test_not_in_is_false_when_unanswered():
    assert ev("x not in ['a', 'b']", x=None) is False
    assert ev("x in ['a', 'b']", x=None) is False


def test_yes_no_never_equals_a_number():
    assert ev("x == true", x=1) is False
    assert ev("x == 1", x=True) is False
    assert ev("x != 1", x=True) is True
    assert ev("x == true", x=True) is True


# --- limits and wording ---------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "(" * 300 + "x == 1" + ")" * 300,
    "x in " + "[" * 300 + "1" + "]" * 300,
    "not " * 200 + "x",
], ids=["brackets", "lists", "not"])
def test_deep_nesting_is_a_condition_error_not_a_recursion_error(source: str) -> None:
    with pytest.raises(ConditionError, match="nested too deeply inside one another"):
        expr.parse(source)


def test_nesting_as_deep_as_real_conditions_is_fine() -> None:
    assert ev("(" * 10 + "x == 1" + ")" * 10, x=1) is True
    assert ev("not " * 10 + "x", x=True) is True


def test_a_too_long_condition_is_refused_before_it_is_parsed() -> None:
    source = "(" * 5000 + "x == 1" + ")" * 5000
    with pytest.raises(ConditionError) as info:
        expr.parse(source)
    assert str(info.value) == (f"the condition has {len(source):,} characters; at most {expr.MAX_LENGTH:,} are "
                               "allowed. Write it more simply, or split the question")


@pytest.mark.parametrize(("source", "why"), [
    ("x = 1", "column 3: a single '=': write == to compare"),
    ("x == 'a", "column 6: the text starting with ' has no closing '"),
    ("X == 1", "column 1: 'X': question ids are written in small letters"),
    ("(x == 1", "column 7: the condition ends too early; ')' should follow"),
    ("x ==", "column 3: the condition ends too early; a question id, a number or a 'text' should follow"),
    ("x == 1)", "column 7: ')' is not expected here; expected the end of the condition"),
    ("x not y", "column 7: 'y' is not expected here; expected 'in'"),
    ("answered(1)", "column 10: '1' is not expected here; expected a question id"),
])
def test_syntax_errors_are_said_for_a_content_editor(source: str, why: str) -> None:
    with pytest.raises(ConditionError) as info:
        expr.parse(source)
    assert str(info.value) == f"cannot read the condition {source!r} at {why}"
