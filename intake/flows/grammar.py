"""The grammar of the condition language and its Lark parser (see intake/flows/expr.py); kept apart
because Lark takes a tenth of a second to load and build, which only reading a condition needs."""

from __future__ import annotations

from typing import Any

from lark import Lark, Token, Transformer, Tree as LarkTree, v_args

from intake.flows.expr import Node, Ref

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("or" and_expr)*      -> or_
?and_expr: not_expr ("and" not_expr)*    -> and_
?not_expr: "not" not_expr                -> not_
         | comparison
?comparison: value COMP value            -> compare
           | value "in" value            -> in_
           | value "not" "in" value      -> not_in
           | value
?value: NUMBER                           -> number
      | STRING                           -> string
      | "true"                           -> true
      | "false"                          -> false
      | "[" [value ("," value)*] "]"     -> list_
      | FUNC "(" ref ")"                 -> call
      | ref
      | "(" or_expr ")"
ref: NAME ("." NAME)?
FUNC.2: /(answered|count)(?![a-z0-9_])/
COMP: "==" | "!=" | ">=" | "<=" | ">" | "<"
NAME: /[a-z][a-z0-9_]*/
STRING: /'[^']*'/ | /"[^"]*"/
%import common.SIGNED_NUMBER -> NUMBER
%import common.WS
%ignore WS
"""


class Build(Transformer):
    @v_args(inline=True)
    def number(self, tok: Token) -> int | float:
        text = str(tok)
        return float(text) if any(c in text for c in ".eE") else int(text)

    @v_args(inline=True)
    def string(self, tok: Token) -> str:
        return str(tok)[1:-1]

    def true(self, _: list) -> bool:
        return True

    def false(self, _: list) -> bool:
        return False

    def list_(self, items: list) -> tuple:
        return tuple(i for i in items if i is not None)

    def ref(self, items: list) -> Ref:
        return Ref(str(items[0]), str(items[1]) if len(items) > 1 else None)

    @v_args(inline=True)
    def call(self, func: Token, ref: Ref) -> Node:
        return Node(str(func), (ref,))

    # The grammar names every or/and level; a level with one operand is just that operand.
    def or_(self, items: list) -> Any:
        return items[0] if len(items) == 1 else Node("or", tuple(items))

    def and_(self, items: list) -> Any:
        return items[0] if len(items) == 1 else Node("and", tuple(items))

    @v_args(inline=True)
    def not_(self, item: Any) -> Node:
        return Node("not", (item,))

    @v_args(inline=True)
    def compare(self, left: Any, op: Token, right: Any) -> Node:
        return Node(str(op), (left, right))

    @v_args(inline=True)
    def in_(self, left: Any, right: Any) -> Node:
        return Node("in", (left, right))

    @v_args(inline=True)
    def not_in(self, left: Any, right: Any) -> Node:
        return Node("not_in", (left, right))


PARSER = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


def tree_depth(tree: LarkTree) -> int:
    """The levels of a Lark parse tree (walked without recursion)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, LarkTree))
    return deepest
