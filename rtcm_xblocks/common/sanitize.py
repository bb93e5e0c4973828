"""Sanitising author HTML with nh3, reducing text that must be plain, and cleaning text learners type."""
import html
import re
import unicodedata

import nh3

__all__ = ["ALLOWED_TAGS", "clean_html", "learner_text", "plain_text"]

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "mark",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "blockquote", "code", "pre", "hr",
    "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "lang", "dir"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_WHITESPACE = re.compile(r"\s+")
# C0 and C1 control characters but tab, line feed and carriage return; NUL breaks databases and CSV readers.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Letters and symbols that render as blank space (Hangul fillers, the blank Braille pattern).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def clean_html(html):
    """Return author HTML with every tag, attribute and URL scheme outside our allow-list removed."""
    if not html:
        return ""
    attributes = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain_text(text):
    """Return `text` with any markup removed and white space folded, for titles and labels."""
    if not text:
        return ""
    stripped = nh3.clean(text, tags=set(), attributes={})
    return _WHITESPACE.sub(" ", html.unescape(stripped)).strip()


def learner_text(text):
    """Text a learner typed, ready to store: control characters (NUL …) removed and the ends trimmed.

    "" when nothing visible remains: only white space, zero-width or other format characters
    (U+200B, U+FEFF …) and blank-looking letters. Zero-width (non-)joiners inside real text are
    kept, since Persian and other scripts need them.
    """
    cleaned = _CONTROL.sub("", text or "").strip()
    if all(char.isspace() or char in _BLANK_LOOKING or unicodedata.category(char) == "Cf" for char in cleaned):
        return ""
    return cleaned
