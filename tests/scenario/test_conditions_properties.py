"""Properties of the condition language on random input, checked against a reference evaluator.

Random well-typed trees are rendered to text (with as few or as many parentheses and as much white
space as the grammar allows) and must read back to a condition that evaluates as the plain Python
reference below does; the reference shares no code with rtcm_xblocks.scenario.conditions.
"""
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario.conditions import (
    CODES, MAX_DEPTH, MAX_LENGTH, Condition, ConditionError, check, compile_condition, parse,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMBERS = ("trust", "evidence", "n_2")
FLAGS = ("asked_papers", "f", "_seen")
TYPES = {**{name: "number" for name in NUMBERS}, **{name: "flag" for name in FLAGS}}

# Binding strength of each construct (higher binds tighter), as in the grammar.
OR, AND, NOT, CMP, SUM, UNARY, ATOM = range(1, 8)

numbers = st.deferred(lambda: st.one_of(
    st.tuples(st.just("var"), st.sampled_from(NUMBERS)),
    st.tuples(st.just("int"), st.integers(0, 999_999_999)),
    st.tuples(st.just("neg"), numbers),
    st.tuples(st.sampled_from(["+", "-"]), numbers, numbers),
))
flags = st.deferred(lambda: st.one_of(
    st.tuples(st.just("var"), st.sampled_from(FLAGS)),
    st.tuples(st.just("bool"), st.booleans()),
    st.tuples(st.just("not"), flags),
    st.tuples(st.sampled_from(["and", "or"]), flags, flags),
    st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers, numbers),
    st.tuples(st.sampled_from(["==", "!="]), flags, flags),
))


def reference(node, values):
    """The value of a generated tree, in plain Python (a missing variable is 0 / False)."""
    kind = node[0]
    if kind == "var":
        return values.get(node[1], 0)
    if kind in ("int", "bool"):
        return node[1]
    if kind == "neg":
        return -reference(node[1], values)
    if kind == "not":
        return not reference(node[1], values)
    left, right = reference(node[1], values), reference(node[2], values)
    return {"+": lambda: left + right, "-": lambda: left - right, "and": lambda: left and right,
            "or": lambda: left or right, "<": lambda: left < right, "<=": lambda: left <= right,
            ">": lambda: left > right, ">=": lambda: left >= right, "==": lambda: left == right,
            "!=": lambda: left != right}[kind]()


def render(node, draw):
    """(tokens, strength, depth): `node` written with the parentheses it needs and some it does not."""
    kind = node[0]
    if kind == "var":
        tokens, strength, depth = [node[1]], ATOM, 0
    elif kind == "int":
        tokens, strength, depth = [str(node[1])], ATOM, 0
    elif kind == "bool":
        tokens, strength, depth = ["true" if node[1] else "false"], ATOM, 0
    elif kind in ("neg", "not"):
        strength = UNARY if kind == "neg" else NOT
        inner, inner_depth = operand(node[1], strength, draw)
        tokens, depth = ["-" if kind == "neg" else "not", *inner], inner_depth + 1
    else:
        strength = {"+": SUM, "-": SUM, "and": AND, "or": OR}.get(kind, CMP)
        # left-associative: the right operand binds tighter; comparisons do not chain
        left, left_depth = operand(node[1], strength + (kind not in ("+", "-", "and", "or")), draw)
        right, right_depth = operand(node[2], strength + 1, draw)
        tokens, depth = [*left, kind, *right], max(left_depth, right_depth)
    return tokens, strength, depth


def operand(node, strength, draw):
    """(tokens, depth) of `node` as an operand needing at least `strength`, in parentheses when needed or drawn."""
    tokens, own, depth = render(node, draw)
    if own < strength or draw(st.integers(0, 5)) == 0:
        return ["(", *tokens, ")"], depth + 1
    return tokens, depth


WORDLIKE = re.compile(r"^\w\w$", re.ASCII)


def spaced(tokens, draw):
    """`tokens` joined by random white space, at least a space between two words."""
    text = draw(st.sampled_from(["", " ", "\n", "\t "]))
    for before, after in zip(tokens, tokens[1:]):
        text += before
        blank = draw(st.sampled_from(["", " ", " ", "  ", "\n", "\r\n\t"]))
        if not blank and WORDLIKE.search(before[-1] + after[0]) is not None:
            blank = " "
        text += blank
    return text + tokens[-1] + draw(st.sampled_from(["", " ", "\n"]))


@st.composite
def written(draw):
    """(text, tree, depth) of a random well-typed condition."""
    tree = draw(flags)
    tokens, _strength, depth = render(tree, draw)
    return spaced(tokens, draw), tree, depth


values_of_the_types = st.fixed_dictionaries({}, optional={
    **{name: st.integers(-1_000_000, 1_000_000) for name in NUMBERS},
    **{name: st.booleans() for name in FLAGS},
})


@SETTINGS
@given(written(), st.lists(values_of_the_types, min_size=1, max_size=4))
def test_a_well_typed_condition_reads_back_and_evaluates_as_the_reference(case, samples):
    text, tree, depth = case
    if len(text.strip()) > MAX_LENGTH or depth > MAX_DEPTH:
        try:
            parse(text)
        except ConditionError as error:
            assert error.code == ("too_long" if len(text.strip()) > MAX_LENGTH else "too_deep")
        else:
            raise AssertionError("a condition beyond the limits was accepted")
        return
    condition, problems = compile_condition(text, TYPES)
    assert problems == []
    assert condition.text == text.strip()
    for values in samples:
        assert condition.evaluate(values) is bool(reference(tree, values))


@SETTINGS
@given(written())
def test_white_space_around_a_condition_changes_nothing_but_positions(case):
    text = case[0]
    assume(len(text.strip()) + len(" and") <= MAX_LENGTH and case[2] <= MAX_DEPTH)
    assert parse(" \n" + text + "\t") == parse(text)
    broken = text + " and"
    try:
        parse(broken)
    except ConditionError as error:
        assert parse_error_position("  " + broken) == error.position + 2
    else:
        raise AssertionError("a dangling “and” was accepted")


def parse_error_position(text):
    try:
        parse(text)
    except ConditionError as error:
        return error.position
    return None


LANGUAGE_BITS = ["a", "b", "trust", "and", "or", "not", "true", "false", "(", ")", "-", "+", "<", ">", "=", "!",
                 "&", "|", "0", "7", "123456789", "1234567890", " ", "\t", "\n", "\x00", "\u0663", "\u00a0", "*", "_",
                 "x" * 64, "T", "\ud800"]
texts = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(LANGUAGE_BITS), max_size=40).map("".join),
                  st.lists(st.sampled_from(["(", "not ", "-", ")", "a", "1", " and ", " < "]), max_size=200).map("".join))


@SETTINGS
@given(texts, st.dictionaries(st.sampled_from(["a", "b", "trust", "T", "x" * 64]),
                              st.one_of(st.integers(-10**6, 10**6), st.booleans()), max_size=5))
def test_any_text_gives_a_condition_or_a_condition_error_and_nothing_else(text, values):
    try:
        condition = parse(text)
    except ConditionError as error:
        assert error.code in CODES
        assert error.position is None or 0 <= error.position <= len(text)
        error.text().encode("utf-8")
        assert error.text(lambda message: message) == str(error)
        return
    assert isinstance(condition, Condition)
    for problem in check(condition, {name: "number" for name in condition.variables}) + \
            check(condition, {name: "flag" for name in condition.variables}):
        assert isinstance(problem, ConditionError) and problem.code in CODES
        assert 0 <= problem.position < len(condition.text)
        problem.text()
    assert condition.evaluate(values) in (True, False)
    assert type(condition.evaluate({})) is bool


@SETTINGS
@given(st.integers(0, MAX_DEPTH + 8).flatmap(lambda size: st.lists(st.sampled_from(["(", "not", "-"]),
                                                                   min_size=size, max_size=size)))
def test_nesting_is_accepted_exactly_up_to_the_limit(levels):
    text, closing = "", ""
    for level in levels:
        # a minus cannot take "not" directly: "-not a" is no number; it takes "-(not a)" instead
        if level == "not" and text.endswith("-"):
            level = "("
        text += {"(": "(", "not": "not ", "-": "-"}[level]
        closing += ")" if level == "(" else ""
    text += "a" + closing
    if len(levels) <= MAX_DEPTH:
        assert parse(text).variables == {"a"}
    else:
        try:
            parse(text)
        except ConditionError as error:
            assert error.code == "too_deep"
        else:
            raise AssertionError(f"{len(levels)} levels were accepted")
