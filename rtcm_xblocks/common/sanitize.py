"""Sanitising author HTML with nh3, reducing text that must be plain, checking links, cleaning text learners type."""
import html
import re
import unicodedata
from urllib.parse import urlsplit

import nh3

__all__ = ["ALLOWED_TAGS", "clean_html", "is_safe_link", "learner_text", "plain_text"]

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
# Anything a browser drops or rewrites inside a URL (white space, controls, "\\" read as "/"), so that a link
# which looks relative could still name another host: "/\\evil.example", "/\t/evil.example".
_LINK_TRICKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\\]")
_WEB_LINK = re.compile(r"https?://[^/?#]", re.IGNORECASE)
# In decoded plain text: a "<" that an HTML parser would read as the start of a tag, comment or declaration,
# and an "&" that starts a character reference.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
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
    """Return `text` with any markup removed and white space folded, for titles and labels.

    Tags are removed and character references read ("&amp;" is "&"), but the result never holds a
    tag: a "<" that would open one stays "&lt;", and an "&" that would start a reference stays
    "&amp;" (so "&lt;b&gt;" is kept as the text "&lt;b>", never stored as "<b>"). Reading the result
    again gives the same text, so saving twice changes nothing.
    """
    if not text:
        return ""
    decoded = html.unescape(nh3.clean(text, tags=set(), attributes={}))
    decoded = _REFERENCE.sub(_escape_reference, decoded)
    return _WHITESPACE.sub(" ", _TAG_OPEN.sub("&lt;", decoded)).strip()


def _escape_reference(match):
    reference = match.group(0)
    return "&amp;" + reference[1:] if html.unescape(reference) != reference else reference


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


def is_safe_link(link):
    """Whether `link` is what the "http(s) or relative link" checks mean: it stays on the site or is a web address.

    Accepted: an absolute ``http://`` or ``https://`` URL with a host, or a link with no scheme that
    does not start with "//" (site-relative such as ``/static/x.png`` or ``/jump_to_id/unit``, or
    page-relative). Refused: any other scheme, ``https:host`` (browsers read it as ``https://host``),
    protocol-relative ``//host``, and any white space, control character or backslash anywhere
    (browsers drop tabs and line breaks and read "\\" as "/", so ``/\\host`` is ``//host``).
    """
    if not isinstance(link, str) or not link or _LINK_TRICKS.search(link):
        return False
    try:
        scheme = urlsplit(link).scheme
    except ValueError:
        return False
    if scheme:
        return scheme.lower() in ("http", "https") and bool(_WEB_LINK.match(link))
    return not link.startswith("//")
