"""Quoting what an author or learner sent inside an error message: a short prefix, never the whole input.

Error messages name the offending value so that people can find it, but the value may be a
megabyte long: a message quotes at most EXCERPT_LENGTH characters of it, followed by "…".
Pure: no XBlock, no Django.
"""

__all__ = ["EXCERPT_LENGTH", "excerpt", "excerpts"]

EXCERPT_LENGTH = 40


def excerpt(value, limit=EXCERPT_LENGTH):
    """`value` as text cut to `limit` characters plus "…" when longer; lone surrogates written as escapes.

    Non-text values are quoted through `str`; an integer too long to quote is written in hexadecimal
    first (Python refuses to write more than 4,300 decimal digits).
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int) and not -(10 ** limit) < value < 10 ** limit:
        value = hex(value)
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def excerpts(params):
    """A copy of the message parameters `params` with every text value cut by `excerpt` (numbers kept as they are)."""
    return {key: excerpt(value) if isinstance(value, str) else value for key, value in params.items()}
