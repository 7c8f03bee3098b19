"""Expressions evaluated by their compiled closures give what a walk of the tree gives:
None for a missing figure or a division by zero, Decimal arithmetic otherwise."""

from __future__ import annotations

import pickle
from decimal import Decimal, DivisionByZero, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.lib.expressions import Node, Ref, expression_parse

CODES = ("a", "b", "c")


def _walk(node: Node, lookup) -> Decimal | None:  # type: ignore[no-untyped-def]
    """The reference: the tree walked on every evaluation."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return lookup(node[1])
    if kind == "neg":
        inner = _walk(node[1], lookup)
        return None if inner is None else -inner
    left, right = _walk(node[1], lookup), _walk(node[2], lookup)
    if left is None or right is None:
        return None
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):
        return None


_atoms = st.one_of(
    st.sampled_from([f"#{{{c}}}" for c in CODES] + ["#{a.hnd}", "#{b.dtn}"]),
    st.integers(min_value=0, max_value=50).map(str),
    st.sampled_from(["0.5", "100"]),
)
_texts = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda t: f"-{t}"),
    ),
    max_leaves=8,
)
_figures = st.dictionaries(
    st.sampled_from([*CODES, "a.hnd", "b.dtn"]),
    st.one_of(st.integers(min_value=0, max_value=20).map(Decimal), st.just(Decimal("2.5"))),
)


def _lookup(figures: dict[str, Decimal]):  # type: ignore[no-untyped-def]
    def lookup(ref: Ref) -> Decimal | None:
        return figures.get(f"{ref.code}.{ref.option}" if ref.option else ref.code)

    return lookup


@settings(max_examples=300, deadline=None)
@given(text=_texts, figures=_figures)
def test_the_compiled_expression_gives_what_walking_the_tree_gives(text, figures):
    if "/ 0)" in text:  # a constant zero divisor is refused when parsed
        return
    expression = expression_parse(text)
    lookup = _lookup(figures)
    assert expression.evaluate(lookup) == _walk(expression.tree, lookup)
    # Evaluated again (the closures are kept), the same.
    assert expression.evaluate(lookup) == _walk(expression.tree, lookup)


def test_missing_figures_and_zero_divisors_give_none():
    rate = expression_parse("#{a} * 100 / #{b}")
    assert rate.evaluate(_lookup({"a": Decimal(57), "b": Decimal(100)})) == Decimal(57)
    assert rate.evaluate(_lookup({"a": Decimal(57)})) is None
    assert rate.evaluate(_lookup({"a": Decimal(57), "b": Decimal(0)})) is None
    assert expression_parse("-#{a}").evaluate(_lookup({"a": Decimal(3)})) == Decimal(-3)


def test_an_expression_pickles_after_use_and_evaluates_the_same():
    expression = expression_parse("#{a} + #{b.dtn}")
    lookup = _lookup({"a": Decimal(1), "b.dtn": Decimal(2)})
    assert expression.evaluate(lookup) == Decimal(3)
    copy = pickle.loads(pickle.dumps(expression))
    assert copy == expression
    assert copy.evaluate(lookup) == Decimal(3)
