"""Sanitising author HTML with nh3, and reducing text that must be plain."""
import html
import re

import nh3

__all__ = ["ALLOWED_TAGS", "clean_html", "plain_text"]

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

