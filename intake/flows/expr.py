"""The condition language of `when`: parsed into a tree by Lark (the grammar is in
grammar.py), evaluated by walking it.

    work_status == 'unemployed' and (months_unemployed >= 12 or not answered(education))
    'it' in interests          housing.client >= 3          count(goals) > 1

A name refers to an earlier answer; `name.client` / `name.counsellor` pick a view
of a question both parties answer. Inside a repeat group a name first means a
sibling in the same entry. An unanswered reference compares false.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Union

if TYPE_CHECKING:
    from lark.exceptions import UnexpectedInput

# Real conditions are a line or two, a few brackets deep. The limits turn a runaway one into a
# message rather than a RecursionError: the tree is walked recursively once it is built.
MAX_LENGTH = 1000
MAX_DEPTH = 50   # levels of the parse tree; a pair of brackets adds two or three


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where."""


@dataclass(frozen=True)
class Ref:
    name: str
    view: str | None = None


@dataclass(frozen=True)
class Node:
    op: str
    args: tuple[Any, ...]


Tree = Union[Node, Ref, int, float, str, bool, tuple]


# Trees of conditions read before, given by the content cache: reading them again needs no Lark.
_KNOWN: dict[str, Tree] = {}


def learn(trees: dict[str, Tree]) -> None:
    _KNOWN.update(trees)


def parse(source: str) -> Tree:
    """Parse a condition into a tree, or raise ConditionError naming the column."""
    known = _KNOWN.get(source, _KNOWN)
    return _parse(source) if known is _KNOWN else known


@lru_cache(maxsize=4096)
def _parse(source: str) -> Tree:
    if len(source) > MAX_LENGTH:
        raise ConditionError(f"the condition has {len(source):,} characters; at most {MAX_LENGTH:,} are allowed. "
                             "Write it more simply, or split the question")
    from lark.exceptions import LarkError, UnexpectedInput

    from intake.flows.grammar import PARSER, Build, tree_depth  # Lark only once a condition is read: it loads slowly

    try:
        parsed = PARSER.parse(source)  # LALR: no recursion, however deep the brackets
        if tree_depth(parsed) > MAX_DEPTH:
            raise ConditionError("the condition has brackets, lists or 'not' nested too deeply inside one another; "
                                 "write it more simply")
        return Build().transform(parsed)
    except UnexpectedInput as exc:
        raise ConditionError(f"cannot read the condition {source!r} at column {exc.column}: {_why(exc)}") from None
    except LarkError as exc:
        raise ConditionError(f"cannot read the condition {source!r}: {exc}") from None


# What the parser expected next, in words; a group is said when all its terminals were expected.
_EXPECTED = (
    ({"NAME", "NUMBER", "STRING"}, "a question id, a number or a 'text'"),
    ({"NAME"}, "a question id"),
    ({"COMP"}, "a comparison such as == or >="),
    ({"IN"}, "'in'"),
    ({"AND", "OR"}, "'and' or 'or'"),
    ({"RPAR"}, "')'"),
    ({"RSQB"}, "']'"),
    ({"$END"}, "the end of the condition"),
)


def _expected(names: set[str]) -> str:
    said: list[str] = []
    covered: set[str] = set()
    for group, words in _EXPECTED:
        if group <= names and not group <= covered:
            said.append(words)
            covered |= group
    return ", ".join(said[:-1]) + f" or {said[-1]}" if len(said) > 1 else "".join(said)


def _why(exc: UnexpectedInput) -> str:
    """What is wrong at the column, for a content editor rather than in the parser's terms."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(exc, UnexpectedCharacters):
        char = exc.char
        if char in "'\"":
            return f"the text starting with {char} has no closing {char}"
        if char == "=":
            return "a single '=': write == to compare"
        if char.isupper():
            return f"'{char}': question ids are written in small letters"
        found = f"'{char}' cannot be used here"
        names = set(exc.allowed or ())
    elif isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        return f"the condition ends too early; {_expected(set(exc.expected)) or 'more'} should follow"
    elif isinstance(exc, UnexpectedToken):
        found = f"'{exc.token}' is not expected here"
        names = set(exc.expected)
    else:
        return "the condition ends too early"
    expected = _expected(names)
    return f"{found}; expected {expected}" if expected else found


def refs(tree: Tree) -> list[Ref]:
    """Every answer the condition refers to, in order."""
    if isinstance(tree, Ref):
        return [tree]
    if isinstance(tree, Node):
        return [r for a in tree.args for r in refs(a)]
    if isinstance(tree, tuple):
        return [r for a in tree for r in refs(a)]
    return []


Resolve = Callable[[Ref], Any]


def evaluate(tree: Tree, resolve: Resolve) -> bool:
    """True when the condition holds; `resolve` gives an answer's value, or None if unanswered."""
    return bool(_value(tree, resolve))


def _value(tree: Tree, resolve: Resolve) -> Any:
    if isinstance(tree, Ref):
        return resolve(tree)
    if isinstance(tree, tuple):
        return [_value(a, resolve) for a in tree]
    if not isinstance(tree, Node):
        return tree
    op, args = tree.op, tree.args
    if op == "or":
        return any(_value(a, resolve) for a in args)
    if op == "and":
        return all(_value(a, resolve) for a in args)
    if op == "not":
        return not _value(args[0], resolve)
    if op == "answered":
        value = resolve(args[0])
        return value is not None and value != [] and value != ""
    if op == "count":
        value = resolve(args[0])
        return len(value) if isinstance(value, list) else 0
    left, right = _value(args[0], resolve), _value(args[1], resolve)
    if op in ("in", "not_in"):
        if left is None or not isinstance(right, list):
            return False  # unanswered compares false, both ways
        found = any(x in right for x in left) if isinstance(left, list) else left in right
        return found if op == "in" else not found
    return _compare(op, left, right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, bool) != isinstance(right, bool):
        return op == "!="  # yes/no answers never equal numbers, though Python says True == 1
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    numeric = (int, float)
    if not (isinstance(left, numeric) and isinstance(right, numeric)) or isinstance(left, bool) or isinstance(right, bool):
        return False
    return {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[op]
