"""Expressions over data element codes, in the spirit of DHIS2: '#{members.hnd} * 100'.

`#{code}` sums every disaggregation option of the element; `#{code.option}` takes one.
Parsed by lark into a small tree; evaluated with Decimal; never eval().
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from functools import cached_property

from lark import Lark, Token, Transformer, Tree, UnexpectedInput

_GRAMMAR = r"""
?start: sum
?sum: product
    | sum "+" product   -> add
    | sum "-" product   -> sub
?product: unary
    | product "*" unary -> mul
    | product "/" unary -> div
?unary: atom
    | "-" unary         -> neg
?atom: NUMBER           -> number
    | "#{" CODE ("." CODE)? "}" -> ref
    | "(" sum ")"
CODE: /[A-Za-z][A-Za-z0-9_]*/
NUMBER: /\d+(\.\d+)?/
%import common.WS
%ignore WS
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", propagate_positions=True)


class ExpressionError(ValueError):
    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class Ref:
    code: str
    option: str | None


Node = tuple  # ("num", Decimal) | ("ref", Ref) | (op, left, right) | ("neg", x)


class _ToNodes(Transformer[Token, Node]):
    def number(self, items: list[Token]) -> Node:
        return ("num", Decimal(str(items[0])))

    def ref(self, items: list[Token]) -> Node:
        return ("ref", Ref(str(items[0]), str(items[1]) if len(items) > 1 else None))

    def add(self, items: list[Node]) -> Node:
        return ("+", items[0], items[1])

    def sub(self, items: list[Node]) -> Node:
        return ("-", items[0], items[1])

    def mul(self, items: list[Node]) -> Node:
        return ("*", items[0], items[1])

    def div(self, items: list[Node]) -> Node:
        return ("/", items[0], items[1])

    def neg(self, items: list[Node]) -> Node:
        return ("neg", items[0])


@dataclass(frozen=True)
class Expression:
    text: str
    tree: Node

    @property
    def refs(self) -> list[Ref]:
        found: list[Ref] = []

        def walk(node: Node) -> None:
            if node[0] == "ref":
                found.append(node[1])
            elif node[0] != "num":
                for child in node[1:]:
                    walk(child)

        walk(self.tree)
        return found

    def evaluate(self, lookup: Callable[[Ref], Decimal | None]) -> Decimal | None:
        """The value, or None when a referenced figure is missing or a divisor is zero."""
        return self._compiled(lookup)

    @cached_property
    def _compiled(self) -> _Evaluator:
        # The tree turned into nested closures once: a validation rule is evaluated for
        # every form an import touches (40.000 for a million figures), and walking the
        # tree each time was a third of the rules' time.
        return _compile(self.tree)

    def __getstate__(self) -> dict[str, object]:
        # Pickled without the compiled closures (they are made again when first used).
        return {"text": self.text, "tree": self.tree}


_Lookup = Callable[[Ref], Decimal | None]
_Evaluator = Callable[[_Lookup], Decimal | None]


def _compile(node: Node) -> _Evaluator:
    kind = node[0]
    if kind == "num":
        number = node[1]
        return lambda lookup: number
    if kind == "ref":
        ref = node[1]
        return lambda lookup: lookup(ref)
    if kind == "neg":
        inner = _compile(node[1])

        def negated(lookup: _Lookup) -> Decimal | None:
            value = inner(lookup)
            return None if value is None else -value

        return negated
    left, right = _compile(node[1]), _compile(node[2])
    combine = _COMBINE[kind]

    def combined(lookup: _Lookup) -> Decimal | None:
        a = left(lookup)
        if a is None:
            return None
        b = right(lookup)
        if b is None:
            return None
        return combine(a, b)

    return combined


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    try:
        return a / b
    except (DivisionByZero, InvalidOperation):
        return None


_COMBINE: dict[str, Callable[[Decimal, Decimal], Decimal | None]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


def _check_constant_division(node: Node) -> None:
    if node[0] in ("num", "ref"):
        return
    if node[0] == "/" and node[2][0] == "num" and node[2][1] == 0:
        raise ExpressionError("division by the constant zero")
    for child in node[1:]:
        _check_constant_division(child)


def expression_parse(text: str, known_codes: set[str] | None = None) -> Expression:
    """Parse and check an expression; errors name the position (1-based column)."""
    try:
        tree: Tree[Token] = _PARSER.parse(text)
    except UnexpectedInput as error:
        raise ExpressionError("syntax error", error.column) from error
    nodes = _ToNodes().transform(tree)
    expression = Expression(text, nodes)
    _check_constant_division(nodes)
    if known_codes is not None:
        for ref in expression.refs:
            if ref.code not in known_codes:
                position = text.find("#{" + ref.code) + 1
                raise ExpressionError(f"unknown data element '{ref.code}'", position or None)
    return expression
