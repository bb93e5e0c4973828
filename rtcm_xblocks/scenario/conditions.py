"""The condition language of scenarios: `trust >= 2 and not asked_papers`, parsed, type-checked, evaluated.

Authors write conditions on choices, body variants and dialogue lines (`when="…"`). The server
parses them with the small recursive-descent parser below (never with `eval`), checks them
against the scenario's variables, and evaluates them against an attempt's values. The language
is described for authors in docs/SCENARIO_CONDITIONS.md; its grammar:

    expr  := or
    or    := and ("or" and)*
    and   := not ("and" not)*
    not   := "not" not | cmp
    cmp   := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?      (no chaining)
    sum   := unary (("+" | "-") unary)*
    unary := "-" unary | atom
    atom  := INTEGER | IDENT | "true" | "false" | "(" expr ")"

Limits keep every step bounded: MAX_LENGTH characters (counted without the white space around
the text), MAX_DEPTH nested parentheses, `not` and unary minus (refused as the parser reaches
them, so its recursion never goes deeper), MAX_DIGITS digits in a number, MAX_NAME characters in
a name. Parsed conditions are cached, since the block evaluates the same ones on every request.

Pure Python: nothing here knows XBlock, Django or HTTP. Messages are English templates marked with
`N_()`; the block translates them with `ConditionError.text(gettext)`.
"""
import functools
import re
import string
from dataclasses import dataclass
from operator import eq, ge, gt, le, lt, ne

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.common.quoting import excerpts

__all__ = [
    "CODES", "KEYWORDS", "MAX_DEPTH", "MAX_DIGITS", "MAX_LENGTH", "MAX_NAME", "TYPES",
    "Condition", "ConditionError", "check", "compile_condition", "parse",
]

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_DIGITS = 9
MAX_NAME = 64
KEYWORDS = ("and", "or", "not", "true", "false")
TYPES = ("number", "flag")
CODES = ("syntax", "too_long", "too_deep", "unknown_variable", "type_mismatch", "number_too_long")

# White space between tokens: ASCII only, like the rest of the language (a no-break space pasted
# from a word processor is named in the error rather than silently taken for a space).
WHITESPACE = string.whitespace
CACHE_SIZE = 1024

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
ORDERINGS = ("<", "<=", ">", ">=")

# What people write from other languages, and what to write instead.
INSTEAD = {"=": "==", "=>": ">=", "=<": "<=", "<>": "!=", "&&": "and", "&": "and", "||": "or", "|": "or",
           "!": "not"}

_TOKEN = re.compile(
    r"(?P<space>[ \t\n\r\x0b\x0c]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<number>[0-9][A-Za-z0-9_]*)"
    r"|(?P<operator>==|!=|<>|<=|>=|=>|=<|&&|\|\||[-+()<>=!&|])",
    re.ASCII,
)

_WORDS = {"number": N_("a number"), "flag": N_("true or false")}
# Message parameters that are themselves English phrases (from N_ above), translated with the message.
PHRASES = frozenset({"expected", "found"})


def _identity(message):
    return message


class ConditionError(ValueError):
    """A condition that cannot be used: `code` is stable, `message` an English template.

    `position` is the 0-based index of the offending character in the text given to `parse` or
    `compile_condition` (for `check`: in `Condition.text`), or None when the whole text is at
    fault; the messages name it 1-based, as `{column}`.
    """

    def __init__(self, code, message, params=None, position=None):
        self.code = code
        self.message = message
        self.position = position
        self.params = dict(params or {})
        if position is not None:
            self.params["column"] = position + 1
        super().__init__(self.text())

    def text(self, gettext=_identity):
        """The message translated with `gettext` and filled with its parameters (text quoted as a short prefix)."""
        params = excerpts(self.params)
        for key in PHRASES.intersection(self.params):
            params[key] = gettext(self.params[key])
        return gettext(self.message).format(**params)

    def shifted(self, offset):
        """The same error with its position moved `offset` characters on (for text that had white space stripped)."""
        if self.position is None or not offset:
            return self
        params = {key: value for key, value in self.params.items() if key != "column"}
        return ConditionError(self.code, self.message, params, self.position + offset)

    def __repr__(self):
        return f"ConditionError({self.code!r}, position={self.position!r}, {self.text()!r})"


@dataclass(frozen=True)
class Condition:
    """A parsed condition: the author's `text` (stripped), the `variables` it names, and its tree.

    The tree is nested tuples `(kind, start, end, ...)`, `start`/`end` delimiting the node's text:
    ("num", s, e, value), ("bool", s, e, value), ("var", s, e, name), ("neg", s, e, operand),
    ("not", s, e, operand), ("sum", s, e, first, ((sign, position, term), ...)),
    ("cmp", s, e, operator, position, left, right), ("and"|"or", s, e, (operand, ...)).
    """

    text: str
    tree: tuple
    variables: frozenset

    def evaluate(self, values):
        """Whether the condition holds for `values` (name -> int or bool).

        A name `values` lacks (or holds something other than an int or bool) counts as 0 / false,
        so content edited under a running attempt never breaks it.
        """
        return bool(_value(self.tree, values))


def parse(text):
    """The Condition written in `text` (white space around it ignored); raises ConditionError."""
    if not isinstance(text, str):
        raise TypeError(f"a condition is text, not {type(text).__name__}")
    stripped = text.strip(WHITESPACE)
    if len(stripped) > MAX_LENGTH:
        raise ConditionError("too_long", N_("The condition has {length} characters; the limit is {limit}."),
                             {"length": len(stripped), "limit": MAX_LENGTH})
    try:
        return _parse(stripped)
    except ConditionError as error:
        raise error.shifted(len(text) - len(text.lstrip(WHITESPACE))) from None


@functools.lru_cache(maxsize=CACHE_SIZE)
def _parse(text):
    """The Condition written in `text` (stripped, at most MAX_LENGTH characters): cached."""
    if not text:
        raise ConditionError("syntax", N_("The condition is empty."))
    parser = _Parser(text)
    tree = parser.expression(0)
    if parser.token[0] != "end":
        raise _unexpected(parser.token, N_("an operator such as “and”, “or” or “>=”"))
    return Condition(text, tree, frozenset(parser.names))


def check(condition, types):
    """Every problem of `condition` with the variables `types` (name -> "number" | "flag"); [] when fine.

    Each unknown variable is named once (at its first use); type errors say what was expected
    where. A condition without problems evaluates without error on values of those types.
    """
    for name, kind in types.items():
        if kind not in TYPES:
            raise ValueError(f"variable {name!r} has type {kind!r}, not one of {TYPES}")
    checker = _Checker(condition.text, types)
    kind = checker.type_of(condition.tree)
    if kind == "number":
        checker.add(_mismatch(condition.tree, condition.text, N_(
            "A condition must be true or false, but “{operand}” is a number: compare it, as in “{suggestion}”."),
            suggestion=condition.text + " != 0"))
    return sorted(checker.problems, key=lambda problem: -1 if problem.position is None else problem.position)


def compile_condition(text, types):
    """(condition, problems) for the author's `text`: parse, then check against `types`.

    Empty (or blank) text gives (None, []): no condition, the thing always applies. Text that does
    not parse gives (None, [error]); text that parses gives its Condition and the problems `check`
    finds, so a caller must look at the problems before using the condition. Positions count in
    `text` as given.
    """
    if text is None or isinstance(text, str) and not text.strip(WHITESPACE):
        return None, []
    try:
        condition = parse(text)
    except ConditionError as error:
        return None, [error]
    offset = len(text) - len(text.lstrip(WHITESPACE))
    return condition, [problem.shifted(offset) for problem in check(condition, types)]


# --- reading -------------------------------------------------------------------------------------


def _tokens(text):
    """(kind, value, start, end) of each token of `text`, then ("end", None, len, len); raises ConditionError."""
    position, length = 0, len(text)
    while position < length:
        match = _TOKEN.match(text, position)
        if match is None:
            raise _foreign(text[position], position)
        kind, value, end = match.lastgroup, match.group(), match.end()
        if kind == "word":
            if value in KEYWORDS:
                kind = "keyword"
            elif len(value) > MAX_NAME:
                raise ConditionError("syntax", N_("The name “{name}” at character {column} is longer than {limit} "
                                                  "characters."), {"name": value, "limit": MAX_NAME}, position)
        elif kind == "number":
            if not value.isdigit():
                raise ConditionError("syntax", N_("“{word}” at character {column}: a name cannot start with a digit."),
                                     {"word": value}, position)
            if len(value) > MAX_DIGITS:
                raise ConditionError("number_too_long", N_("The number at character {column} has {digits} digits; "
                                                           "the limit is {limit}."),
                                     {"digits": len(value), "limit": MAX_DIGITS}, position)
        elif kind == "operator" and value in INSTEAD:
            raise ConditionError("syntax", N_("“{token}” at character {column} is not part of the condition "
                                              "language: write “{instead}”."),
                                 {"token": value, "instead": INSTEAD[value]}, position)
        if kind != "space":
            yield kind, value, position, end
        position = end
    yield "end", None, length, length


def _foreign(character, position):
    """The error for a `character` that no token starts with, shown by its code point too (it may look like another)."""
    params = {"character": character, "code": f"U+{ord(character):04X}"}
    if character.isprintable():
        return ConditionError("syntax", N_("“{character}” ({code}, character {column}) is not part of the condition "
                                           "language."), params, position)
    return ConditionError("syntax", N_("An invisible character ({code}) at character {column} is not part of the "
                                       "condition language: only spaces, tabs and line breaks may separate words."),
                          params, position)


def _unexpected(token, expected):
    """The error for `token` standing where `expected` (an N_ phrase) should."""
    kind, value, start, _end = token
    if kind == "end":
        return ConditionError("syntax", N_("The condition ends too early (character {column}): expected {expected}."),
                              {"expected": expected}, start)
    return ConditionError("syntax", N_("Unexpected “{token}” at character {column}: expected {expected}."),
                          {"token": value, "expected": expected}, start)


_VALUE = N_("a number, a variable, true, false or “(”")


class _Parser:
    """Recursive descent over the tokens of one text; `depth` counts the open parentheses, `not` and minus."""

    def __init__(self, text):
        self.text = text
        self.names = set()
        self._tokens = _tokens(text)
        self.token = next(self._tokens)

    def advance(self):
        """The current token, moving on to the next."""
        token = self.token
        self.token = next(self._tokens)
        return token

    def nest(self, depth, token):
        """`depth` + 1, refusing to go past MAX_DEPTH (before the parser recurses any deeper)."""
        if depth >= MAX_DEPTH:
            raise ConditionError("too_deep", N_("The condition nests more than {limit} parentheses, “not” or “-” "
                                                "inside each other (character {column})."),
                                 {"limit": MAX_DEPTH}, token[2])
        return depth + 1

    def expression(self, depth):
        """or := and ("or" and)*"""
        return self.chain("or", self.conjunction, depth)

    def conjunction(self, depth):
        """and := not ("and" not)*"""
        return self.chain("and", self.negation, depth)

    def chain(self, keyword, operand, depth):
        """One or more `operand`s joined by `keyword`: a flat ("and"|"or", ...) node when more than one."""
        operands = [operand(depth)]
        while self.token[:2] == ("keyword", keyword):
            self.advance()
            operands.append(operand(depth))
        if len(operands) == 1:
            return operands[0]
        return (keyword, operands[0][1], operands[-1][2], tuple(operands))

    def negation(self, depth):
        """not := "not" not | cmp"""
        return self.prefixed(("keyword", "not"), "not", self.negation, self.comparison, depth)

    def prefixed(self, prefix, kind, operand, otherwise, depth):
        """A (`kind`, …, operand) node when the token is `prefix` (one level deeper), else `otherwise`."""
        if self.token[:2] != prefix:
            return otherwise(depth)
        token = self.advance()
        inner = operand(self.nest(depth, token))
        return (kind, token[2], inner[2], inner)

    def comparison(self, depth):
        """cmp := sum (op sum)?, refusing a second operator (a < b < c)."""
        left = self.sum(depth)
        if self.token[0] != "operator" or self.token[1] not in COMPARISONS:
            return left
        operator = self.advance()
        right = self.sum(depth)
        if self.token[0] == "operator" and self.token[1] in COMPARISONS:
            raise ConditionError("syntax", N_("Comparisons cannot be chained (character {column}): write "
                                              "“a < b and b < c” instead of “a < b < c”."), {}, self.token[2])
        return ("cmp", left[1], right[2], operator[1], operator[2], left, right)

    def sum(self, depth):
        """sum := unary (("+" | "-") unary)*"""
        first = self.unary(depth)
        terms = []
        while self.token[0] == "operator" and self.token[1] in ("+", "-"):
            operator = self.advance()
            terms.append((operator[1], operator[2], self.unary(depth)))
        if not terms:
            return first
        return ("sum", first[1], terms[-1][2][2], first, tuple(terms))

    def unary(self, depth):
        """unary := "-" unary | atom"""
        return self.prefixed(("operator", "-"), "neg", self.unary, self.atom, depth)

    def atom(self, depth):
        """atom := INTEGER | IDENT | "true" | "false" | "(" expr ")" (a group's node spans its parentheses)."""
        kind, value, start, end = token = self.token
        if kind == "number":
            self.advance()
            return ("num", start, end, int(value))
        if kind == "word":
            self.advance()
            self.names.add(value)
            return ("var", start, end, value)
        if kind == "keyword" and value in ("true", "false"):
            self.advance()
            return ("bool", start, end, value == "true")
        if (kind, value) == ("operator", "("):
            self.advance()
            inner = self.expression(self.nest(depth, token))
            if self.token[:2] != ("operator", ")"):
                if self.token[0] == "end":
                    raise ConditionError("syntax", N_("The “(” at character {column} is never closed."), {}, start)
                raise _unexpected(self.token, N_("“)” or an operator"))
            closing = self.advance()
            return (inner[0], start, closing[3]) + inner[3:]
        raise _unexpected(token, _VALUE)


# --- checking ------------------------------------------------------------------------------------


def _mismatch(node, text, message, **params):
    """A type_mismatch error about `node`, quoting its text as {operand}."""
    return ConditionError("type_mismatch", message, {"operand": text[node[1]:node[2]], **params}, node[1])


class _Checker:
    """Infers the type of each node of a tree, collecting problems; None stands for "unknown" (already reported)."""

    def __init__(self, text, types):
        self.text = text
        self.types = types
        self.problems = []
        self._reported = set()

    def add(self, problem):
        self.problems.append(problem)

    def type_of(self, node):
        """ "number", "flag" or None for `node`, reporting what is wrong inside it."""
        kind = node[0]
        if kind == "num":
            return "number"
        if kind == "bool":
            return "flag"
        if kind == "var":
            return self.variable(node)
        if kind == "neg":
            self.expect(node[3], "number", "-")
            return "number"
        if kind == "sum":
            self.expect(node[3], "number", node[4][0][0])
            for sign, _position, term in node[4]:
                self.expect(term, "number", sign)
            return "number"
        if kind == "cmp":
            return self.comparison(node)
        if kind == "not":
            self.expect(node[3], "flag", "not")
            return "flag"
        for operand in node[3]:  # and, or
            self.expect(operand, "flag", kind)
        return "flag"

    def variable(self, node):
        name = node[3]
        if name in self.types:
            return self.types[name]
        if name not in self._reported:
            self._reported.add(name)
            if name.lower() in KEYWORDS:
                self.add(ConditionError("unknown_variable", N_("Unknown variable “{name}” at character {column}: "
                                                               "write “{keyword}” in lower case."),
                                        {"name": name, "keyword": name.lower()}, node[1]))
            else:
                self.add(ConditionError("unknown_variable", N_("Unknown variable “{name}” at character {column}."),
                                        {"name": name}, node[1]))
        return None

    def expect(self, node, wanted, operator):
        """Report `node` (an operand of `operator`) unless it is of type `wanted`."""
        found = self.type_of(node)
        if found is not None and found != wanted:
            self.add(_mismatch(node, self.text, N_(
                "“{operator}” takes {expected}, but “{operand}” (character {column}) is {found}."),
                operator=operator, expected=_WORDS[wanted], found=_WORDS[found]))

    def comparison(self, node):
        operator, position, left, right = node[3:]
        if operator in ORDERINGS:
            self.expect(left, "number", operator)
            self.expect(right, "number", operator)
            return "flag"
        left_type, right_type = self.type_of(left), self.type_of(right)
        if None not in (left_type, right_type) and left_type != right_type:
            self.add(ConditionError("type_mismatch", N_(
                "“{operator}” (character {column}) compares two numbers or two true/false values, but “{left}” is "
                "{expected} and “{right}” is {found}."),
                {"operator": operator, "left": self.text[left[1]:left[2]], "right": self.text[right[1]:right[2]],
                 "expected": _WORDS[left_type], "found": _WORDS[right_type]}, position))
        return "flag"


# --- evaluating ----------------------------------------------------------------------------------


def _lookup(values, name):
    value = values.get(name, 0)
    return value if isinstance(value, int) else 0  # bool is an int


_COMPARE = {"==": eq, "!=": ne, "<": lt, "<=": le, ">": gt, ">=": ge}


def _value(node, values):
    """The int or bool value of `node` for `values` (recursion bounded by MAX_DEPTH through the parser)."""
    kind = node[0]
    if kind == "var":
        return _lookup(values, node[3])
    if kind == "cmp":
        return _COMPARE[node[3]](_value(node[5], values), _value(node[6], values))
    if kind == "and":
        return all(_value(operand, values) for operand in node[3])
    if kind == "or":
        return any(_value(operand, values) for operand in node[3])
    if kind == "not":
        return not _value(node[3], values)
    if kind in ("num", "bool"):
        return node[3]
    if kind == "neg":
        return -_value(node[3], values)
    total = _value(node[3], values)  # sum
    for sign, _position, term in node[4]:
        total = total + _value(term, values) if sign == "+" else total - _value(term, values)
    return total
