"""The condition language: reading, precedence, types, limits, errors with positions, evaluation."""
import pathlib
import sys
from contextlib import contextmanager

import pytest

from rtcm_xblocks.scenario import conditions
from rtcm_xblocks.scenario.conditions import (
    CODES, MAX_DEPTH, MAX_DIGITS, MAX_LENGTH, MAX_NAME, Condition, ConditionError, check, compile_condition, parse,
)

TYPES = {"trust": "number", "evidence": "number", "asked_papers": "flag", "a": "flag", "b": "flag", "c": "flag",
         "n": "number"}


@contextmanager
def stack_room(frames):
    """Allow only `frames` more frames of recursion than the caller already uses (a RecursionError beyond)."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def holds(text, **values):
    return parse(text).evaluate(values)


def error_of(text):
    with pytest.raises(ConditionError) as caught:
        parse(text)
    return caught.value


def problems(text, types=TYPES):
    return [(problem.code, problem.position) for problem in check(parse(text), types)]


# --- the public names ----------------------------------------------------------------------------


def test_the_limits_and_codes_are_those_of_the_contract():
    assert (MAX_LENGTH, MAX_DEPTH, MAX_DIGITS, MAX_NAME) == (500, 32, 9, 64)
    assert CODES == ("syntax", "too_long", "too_deep", "unknown_variable", "type_mismatch", "number_too_long")
    assert conditions.KEYWORDS == ("and", "or", "not", "true", "false")


def test_the_module_imports_neither_xblock_nor_django():
    source = open(conditions.__file__, encoding="utf-8").read()
    assert "import xblock" not in source and "from xblock" not in source
    assert "django" not in source and "eval(" not in source


# --- a condition as a value ----------------------------------------------------------------------


def test_a_condition_keeps_the_authors_text_stripped_and_the_names_it_uses():
    condition = parse("  trust >= 2 and not asked_papers\n")
    assert condition.text == "trust >= 2 and not asked_papers"
    assert condition.variables == frozenset({"trust", "asked_papers"})


def test_conditions_are_frozen_hashable_values_equal_by_content():
    first, second = parse("a and b"), parse(" a and b ")
    assert first == second and hash(first) == hash(second)
    assert {first, second} == {first}
    assert parse("a and b") != parse("a or b")
    with pytest.raises(AttributeError):
        first.text = "b"


def test_parse_results_are_cached():
    conditions._parse.cache_clear()
    first = parse("trust > 1")
    assert parse("trust > 1") is first
    assert parse(" trust > 1 ") is first
    assert conditions._parse.cache_info().hits == 2
    assert conditions._parse.cache_info().maxsize is not None


def test_white_space_may_stand_anywhere_between_tokens_or_nowhere():
    assert parse("trust>=2 and(not asked_papers)").evaluate({"trust": 2})
    assert parse("\ttrust\n>=\r\n2\x0band\x0cnot   asked_papers").evaluate({"trust": 2})
    assert holds("-n+1>0", n=0)


def test_a_condition_is_not_text_of_another_type():
    with pytest.raises(TypeError):
        parse(None)
    with pytest.raises(TypeError):
        parse(b"a")


# --- precedence and meaning ----------------------------------------------------------------------


@pytest.mark.parametrize("a,b,expected", [(False, False, False), (False, True, True), (True, True, False),
                                          (True, False, False)])
def test_not_binds_tighter_than_and(a, b, expected):
    assert holds("not a and b", a=a, b=b) is expected


@pytest.mark.parametrize("a,b,c", [(a, b, c) for a in (False, True) for b in (False, True) for c in (False, True)])
def test_and_binds_tighter_than_or(a, b, c):
    assert holds("a or b and c", a=a, b=b, c=c) is (a or (b and c))
    assert holds("a and b or c", a=a, b=b, c=c) is ((a and b) or c)
    assert holds("(a or b) and c", a=a, b=b, c=c) is ((a or b) and c)


def test_not_applies_to_a_whole_comparison():
    assert parse("not trust == 2").tree[0] == "not"
    assert holds("not trust == 2", trust=3) is True
    assert holds("not not a", a=True) is True


def test_addition_and_subtraction_bind_tighter_than_comparison_and_go_left_to_right():
    assert holds("evidence + trust > 3", evidence=2, trust=2) is True
    assert holds("evidence + trust > 3", evidence=1, trust=2) is False
    assert holds("10 - 3 - 2 == 5") is True  # (10 - 3) - 2, not 10 - (3 - 2)
    assert holds("1 - -1 == 2") is True
    assert holds("- - 3 == 3") is True
    assert holds("-(2 - 5) == 3") is True


@pytest.mark.parametrize("text,values,expected", [
    ("trust >= 2", {"trust": 2}, True), ("trust >= 2", {"trust": 1}, False),
    ("trust > 2", {"trust": 2}, False), ("trust < 2", {"trust": 1}, True), ("trust <= 2", {"trust": 3}, False),
    ("trust == 2", {"trust": 2}, True), ("trust != 2", {"trust": 2}, False),
    ("a == b", {"a": True, "b": True}, True), ("a != b", {"a": True}, True),
    ("a == true", {"a": True}, True), ("a == false", {}, True), ("true", {}, True), ("false", {}, False),
    ("true != false", {}, True), ("(((a)))", {"a": True}, True),
])
def test_each_operator_means_what_it_says(text, values, expected):
    assert holds(text, **values) is expected


def test_and_and_or_read_left_to_right_and_stop_early():
    condition = parse("a or trust > 1 or b")
    assert condition.tree[0] == "or" and len(condition.tree[3]) == 3  # one flat node, not a deep chain
    assert condition.evaluate({"b": True}) is True


def test_a_long_chain_evaluates_without_deep_recursion():
    text = "+".join(["1"] * 245) + "==245"
    assert len(text) <= MAX_LENGTH
    with stack_room(60):
        assert parse(text).evaluate({}) is True
        assert parse(" and ".join(["a"] * 80)).evaluate({"a": True}) is True
        assert parse("-".join(["n"] * 166) + ">0").evaluate({"n": -1}) is True


# --- evaluation of unknown or odd values ---------------------------------------------------------


def test_a_variable_missing_from_the_values_counts_as_zero_and_false():
    assert holds("trust == 0") is True
    assert holds("not asked_papers") is True
    assert holds("ghost + 1 == 1") is True
    assert holds("ghost or a", a=False) is False


def test_values_that_are_neither_numbers_nor_flags_count_as_zero():
    assert holds("trust == 0", trust="5") is True
    assert holds("not a", a=None) is True
    assert holds("trust + 1 == 1", trust=1.5) is True


def test_evaluation_always_answers_a_bool():
    assert parse("a").evaluate({"a": True}) is True
    assert parse("a or b").evaluate({"b": 1}) is True  # a flag given as 1 by older content


# --- errors: syntax, with positions --------------------------------------------------------------


@pytest.mark.parametrize("text,position,fragment", [
    ("1 + 2 * 3", 6, "“*”"),
    ("a && b", 2, "write “and”"),
    ("a || b", 2, "write “or”"),
    ("a & b", 2, "write “and”"),
    ("!a", 0, "write “not”"),
    ("trust = 2", 6, "write “==”"),
    ("trust => 2", 6, "write “>=”"),
    ("trust =< 2", 6, "write “<=”"),
    ("trust <> 2", 6, "write “!=”"),
    ("a and", 5, "ends too early"),
    ("a and or b", 6, "Unexpected “or”"),
    ("trust >", 7, "ends too early"),
    ("+ 1 > 0", 0, "Unexpected “+”"),
    ("a b", 2, "Unexpected “b”"),
    ("(a or b", 0, "never closed"),
    ("(a b)", 3, "Unexpected “b”"),
    ("a)", 1, "Unexpected “)”"),
    ("()", 1, "Unexpected “)”"),
    ("a < b < c", 6, "cannot be chained"),
    ("trust == 1 == a", 11, "cannot be chained"),
    ("trust == not a", 9, "Unexpected “not”"),
    ("2nd > 1", 0, "cannot start with a digit"),
    ("trüst > 1", 2, "“ü” (U+00FC, character 3)"),
    ("a\u00a0and b", 1, "An invisible character (U+00A0)"),
    ("a\x00", 1, "U+0000"),
    ("a\u00a0and b", 1, "U+00A0"),
    ("\u0663 > 1", 0, "U+0663"),
    ("trust > ２", 8, "U+FF12"),
    ("a and \ud800", 6, "U+D800"),
    ("'a'", 0, "“'” (U+0027"),
    ("a;", 1, "“;”"),
])
def test_a_syntax_error_names_its_position(text, position, fragment):
    error = error_of(text)
    assert (error.code, error.position) == ("syntax", position)
    assert f"character {position + 1}" in error.text()
    assert fragment in error.text()
    assert isinstance(error, ValueError)


def test_empty_text_is_a_syntax_error_for_parse_and_no_condition_for_compile():
    for text in ("", "   ", "\n\t"):
        assert error_of(text).code == "syntax"
        assert error_of(text).position is None
        assert compile_condition(text, TYPES) == (None, [])
    assert compile_condition(None, TYPES) == (None, [])


def test_upper_case_keywords_are_names_and_not_keywords():
    assert error_of("a AND b").position == 2
    assert [(problem.code, problem.params["name"]) for problem in check(parse("True"), TYPES)] == [
        ("unknown_variable", "True")]
    assert "write “true” in lower case" in check(parse("True"), TYPES)[0].text()
    assert parse("notable or nota").variables == {"notable", "nota"}


def test_positions_count_in_the_text_as_given_with_its_leading_white_space():
    assert error_of("   a &&").position == 5
    assert "character 6" in error_of("   a &&").text()
    _condition, found = compile_condition("  a and ghost", TYPES)
    assert [(problem.code, problem.position) for problem in found] == [("unknown_variable", 8)]
    assert "character 9" in found[0].text()


def test_the_first_error_in_reading_order_is_the_one_reported():
    assert error_of("a and * b &&").position == 6
    assert error_of("a and and 1234567890").position == 6


# --- errors: the limits --------------------------------------------------------------------------


def test_a_condition_has_at_most_500_characters_not_counting_white_space_around_it():
    longest = "a or " * 99 + "trust"
    assert len(longest) == MAX_LENGTH
    assert parse("  " + longest + "  ").text == longest
    error = error_of(longest + "0")
    assert (error.code, error.position, error.params["length"]) == ("too_long", None, 501)
    assert "501 characters; the limit is 500" in error.text()


def test_numbers_have_at_most_nine_digits():
    assert holds("999999999 > 0") is True
    assert holds("000000001 == 1") is True
    error = error_of("trust > 1234567890")
    assert (error.code, error.position, error.params["digits"]) == ("number_too_long", 8, 10)
    assert "10 digits; the limit is 9" in error.text()


def test_names_have_at_most_64_characters():
    name = "x" * MAX_NAME
    assert parse(name).variables == {name}
    error = error_of("a or " + name + "y")
    assert (error.code, error.position) == ("syntax", 5)
    assert "longer than 64 characters" in error.text()


LEVELS = {"(": ("(", ")"), "not": ("not ", ""), "-": ("-", "")}


def nested(kinds, core="a"):
    """`core` inside one level of each of `kinds` ("(", "not", "-"), the first outermost."""
    for kind in reversed(kinds):
        opening, closing = LEVELS[kind]
        core = opening + core + closing
    return core


@pytest.mark.parametrize("kinds", [["("], ["not"], ["-"], ["(", "not", "-"]], ids=["parens", "not", "minus", "mixed"])
def test_at_most_32_parentheses_not_or_minus_nest(kinds):
    levels = (kinds * (MAX_DEPTH + 1))[:MAX_DEPTH + 1]
    assert parse(nested(levels[:MAX_DEPTH])).variables == {"a"}
    error = error_of(nested(levels))
    assert error.code == "too_deep"
    assert "more than 32 parentheses, “not” or “-”" in error.text()


def test_the_too_deep_error_names_the_first_level_too_many():
    error = error_of("(" * 33 + "a" + ")" * 33)
    assert (error.code, error.position) == ("too_deep", 32)
    assert error_of("not " * 40 + "a").position == 4 * 32


def test_a_long_condition_that_does_not_nest_is_not_too_deep():
    assert parse(" and ".join(["(a)"] * 60)).evaluate({"a": True}) is True


# --- adversarial input ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "(" * 100_000, "(" * 100_000 + "a" + ")" * 100_000, "not " * 50_000 + "a", "-" * 100_000 + "1",
    "a" * 100_000, "9" * 5_000, "a " + "and a " * 20_000,
])
def test_huge_input_is_refused_as_too_long_before_it_is_read(text):
    assert error_of(text).code == "too_long"


@pytest.mark.parametrize("depth", [33, 34, 100, 124, 249])
def test_deep_nesting_within_the_length_limit_is_refused_without_recursion_error(depth):
    with stack_room(400):  # a runtime already deep in its stack has not much more left
        for text in ("(" * depth + "a" + ")" * depth, "not " * depth + "a", "-" * depth + "1 > 0"):
            if len(text) <= MAX_LENGTH:
                assert error_of(text).code == "too_deep"


def test_the_deepest_condition_allowed_is_read_and_evaluated_in_little_stack():
    deepest = "(" * 4 + "not -(" * 8 + "(" * 4 + "1 > 0" + ")" * 16
    with stack_room(400):
        assert parse(deepest).evaluate({}) is True


def test_huge_white_space_around_a_condition_is_ignored_and_inside_it_counts():
    assert parse(" " * 100_000 + "a" + "\n" * 100_000).text == "a"
    assert error_of("a" + " " * 100_000 + "and b").code == "too_long"


def test_nul_bytes_and_control_characters_are_refused_where_they_stand():
    assert error_of("\x00").position == 0
    assert error_of("a\x00and b").position == 1
    assert error_of("a and\x1fb").position == 5  # an ASCII control that Python counts as white space
    assert error_of("a\u2003and b").position == 1  # an em space


@pytest.mark.parametrize("digit", ["\u0663", "\u06f3", "\u0969", "\uff13", "\U0001d7d1", "\u00b2"])
def test_digits_other_than_ascii_are_refused(digit):
    assert error_of("trust > " + digit).code == "syntax"
    assert error_of("a" + digit).code == "syntax"


def test_a_lone_surrogate_is_named_without_breaking_the_message():
    message = error_of("a or \udfff").text()
    assert "U+DFFF" in message
    message.encode("utf-8")


# --- types ---------------------------------------------------------------------------------------


def test_a_well_typed_condition_has_no_problems():
    for text in ("trust >= 2 and not asked_papers", "evidence + trust > 3", "(a or b) and trust != 0",
                 "a == b", "a != true", "-trust < evidence - 1", "true", "not (a and b) or c"):
        assert check(parse(text), TYPES) == [], text


def test_unknown_variables_are_named_once_each_at_their_first_use():
    found = check(parse("ghost or a or ghost or spirit > 1"), TYPES)
    assert [(problem.code, problem.params["name"], problem.position) for problem in found] == [
        ("unknown_variable", "ghost", 0), ("unknown_variable", "spirit", 23)]
    assert found[0].text() == "Unknown variable “ghost” at character 1."


def test_a_bare_number_is_not_a_condition():
    found = check(parse("trust"), TYPES)
    assert [(problem.code, problem.position) for problem in found] == [("type_mismatch", 0)]
    assert "use" not in found[0].text() and "“trust != 0”" in found[0].text()
    assert "“evidence + 1 != 0”" in check(parse("evidence + 1"), TYPES)[0].text()
    assert problems("7") == [("type_mismatch", 0)]


@pytest.mark.parametrize("text,position,fragment", [
    ("not trust", 4, "“not” takes true or false, but “trust” (character 5) is a number"),
    ("a and trust", 6, "“and” takes true or false, but “trust”"),
    ("trust or a", 0, "“or” takes true or false, but “trust”"),
    ("a > 1", 0, "“>” takes a number, but “a” (character 1) is true or false"),
    ("1 <= true", 5, "“<=” takes a number, but “true”"),
    ("-a == 1", 1, "“-” takes a number, but “a”"),
    ("trust + a > 1", 8, "“+” takes a number, but “a”"),
    ("a - 1 > 1", 0, "“-” takes a number, but “a”"),
    ("(a or b) + 1 > 0", 0, "but “(a or b)”"),
    ("a == trust", 2, "“==” (character 3) compares two numbers or two true/false values, but “a” is true or false "
                      "and “trust” is a number"),
    ("1 != (a)", 2, "but “1” is a number and “(a)” is true or false"),
])
def test_a_type_error_says_what_was_expected_where(text, position, fragment):
    found = check(parse(text), TYPES)
    assert [(problem.code, problem.position) for problem in found] == [("type_mismatch", position)]
    assert fragment in found[0].text()


def test_problems_come_in_reading_order_and_do_not_cascade():
    assert problems("ghost > 1 and not trust and a + 1 > 0") == [
        ("unknown_variable", 0), ("type_mismatch", 18), ("type_mismatch", 28)]
    assert problems("not ghost") == [("unknown_variable", 4)]  # the unknown type is not also a mismatch
    assert problems("ghost") == [("unknown_variable", 0)]
    assert problems("ghost == trust") == [("unknown_variable", 0)]


def test_check_refuses_a_type_that_is_not_number_or_flag():
    with pytest.raises(ValueError):
        check(parse("a"), {"a": "text"})


def test_a_checked_condition_evaluates_on_values_of_its_types():
    condition, found = compile_condition("trust >= 2 and not asked_papers or evidence - trust == 1", TYPES)
    assert found == []
    assert condition.evaluate({"trust": 2, "asked_papers": False, "evidence": 0}) is True
    assert condition.evaluate({"trust": 2, "asked_papers": True, "evidence": 3}) is True
    assert condition.evaluate({"trust": 1, "asked_papers": True, "evidence": 3}) is False


def test_compile_condition_gives_the_condition_with_its_problems_or_none_with_the_syntax_error():
    condition, found = compile_condition("trust and a", TYPES)
    assert isinstance(condition, Condition) and [problem.code for problem in found] == ["type_mismatch"]
    condition, found = compile_condition("trust >", TYPES)
    assert condition is None and [(problem.code, problem.position) for problem in found] == [("syntax", 7)]


# --- messages ------------------------------------------------------------------------------------


def test_messages_are_translated_templates_filled_after_translation():
    error = check(parse("not trust"), TYPES)[0]
    assert error.message == "“{operator}” takes {expected}, but “{operand}” (character {column}) is {found}."
    catalogue = {error.message: "«{operand}» ({column}) : {found} ≠ {expected} [{operator}]",
                 "a number": "un nombre", "true or false": "vrai ou faux"}
    assert error.text(lambda message: catalogue.get(message, message)) == "«trust» (5) : un nombre ≠ vrai ou faux [not]"
    assert str(error) == error.text()


def test_every_message_names_its_parameters_and_quotes_long_text_short():
    error = error_of("a or " + "b" * 65)
    assert error.params["name"] == "b" * 65
    assert "b" * 41 not in error.text() and "…" in error.text()
    for text in ("trust > 1234567890", "((a)", "a < b < c", "a &&", "1 * 2", ""):
        message = error_of(text).text()
        assert "{" not in message and "}" not in message


# --- the authors' reference ----------------------------------------------------------------------

DOC = pathlib.Path(__file__).parents[2] / "docs" / "SCENARIO_CONDITIONS.md"
DOC_TYPES = {**TYPES, "separated": "flag", "interpreter": "flag", "indicators": "number", "disclosed": "flag",
             "fees_paid": "flag", "contract_checked": "flag", "questions_answered": "number", "consent": "flag",
             "referral_made": "flag", "debt": "flag", "stigma": "flag", "plan_owned": "flag",
             "warnings_translated": "flag", "shelters_open": "number"}


def doc_rows(heading):
    """The cells of the table under `heading` in the authors' reference."""
    section = DOC.read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| code") and not line.startswith("| case")]


def test_the_documented_messages_are_those_the_code_gives():
    rows = [row for row in doc_rows("Error messages") if row[1].startswith("`")]
    assert len(rows) >= 14
    for code, example, message in rows:
        _condition, found = compile_condition(example.strip("`"), DOC_TYPES)
        assert [(problem.code, problem.text()) for problem in found] == [(code.strip("`"), message)], example


def test_the_documented_examples_are_well_typed_conditions():
    rows = doc_rows("Examples from the starter cases")
    assert len(rows) >= 8
    for _case, example, _meaning in rows:
        assert compile_condition(example.strip("`"), DOC_TYPES)[1] == [], example
