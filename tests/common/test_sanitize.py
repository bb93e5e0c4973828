"""Author HTML keeps its formatting and loses anything that could run."""
import html
import re

from rtcm_xblocks.common.sanitize import clean_html, learner_text, plain_text


def test_keeps_formatting_links_and_images():
    html = '<p><strong>Bold</strong> <a href="https://iom.int">IOM</a></p><img src="/static/a.jpg" alt="A">'
    cleaned = clean_html(html)
    assert "<strong>Bold</strong>" in cleaned
    assert 'href="https://iom.int"' in cleaned
    assert 'alt="A"' in cleaned


def test_removes_scripts_handlers_and_javascript_urls():
    html = ('<p onclick="evil()">x</p><script>alert(1)</script>'
            '<a href="javascript:alert(1)">y</a><iframe src="https://x"></iframe><style>p{}</style>')
    cleaned = clean_html(html)
    assert "script" not in cleaned and "alert" not in cleaned
    assert "onclick" not in cleaned and "iframe" not in cleaned and "style" not in cleaned


def test_plain_text_strips_markup_and_folds_space():
    assert plain_text("  Ask <b>them</b>\n both &amp; wait ") == "Ask them both & wait"
    assert plain_text("<script>alert(1)</script>Hi") == "Hi"
    assert plain_text("a < b") == "a < b"


def test_learner_text_drops_control_characters_and_is_empty_when_nothing_visible_remains():
    assert learner_text("  a\x00b\x1b\x7f\x85c\n\td  ") == "abc\n\td"
    for blank in ("", "\u200b\u200c\u200d\u2060\ufeff", "\x00", "\u3164\u2800 \u00a0", "\u202e\u2066"):
        assert learner_text(blank) == ""
    assert learner_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"


# --- links that the "relative link" checks accept must stay on the site (or be an http(s) address) -----

import pytest  # noqa: E402  pylint: disable=wrong-import-position

from rtcm_xblocks.common.sanitize import is_safe_link  # noqa: E402  pylint: disable=wrong-import-position

# Every one of these leaves the site (or runs script) in a browser, though none looks like an http(s) URL.
OFF_SITE = [
    "/\\evil.example/x.png", "/\\evil.example", "\\\\evil.example/x", "\\/evil.example", "https:evil.example",
    "https:/evil.example", "http:\\\\evil.example", "HTTPS:evil.example/x.png", "//evil.example/x",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "/\x00/evil.example", "/%09/ok\x7f",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:image/png;base64,AA",
    "vbscript:x", "https://", "https:///evil.example", "http://[::1", "/x y.png", "/x\u2028y", "/x\u00a0y",
]
ON_SITE = ["/static/x.png", "/jump_to_id/border_intro", "jump_to_id/x", "images/a b".replace(" ", "_"), "#top",
           "?a=1", "https://example.org/a?b=c#d", "http://example.org", "/c4x/Org/Course/asset/x.png",
           "/static/%D0%B0.png"]


@pytest.mark.parametrize("link", OFF_SITE, ids=repr)
def test_links_that_leave_the_site_are_refused(link):
    assert not is_safe_link(link)


@pytest.mark.parametrize("link", ON_SITE)
def test_site_relative_links_and_http_addresses_are_accepted(link):
    assert is_safe_link(link)


def test_every_relative_link_check_of_both_blocks_uses_the_same_rule():
    # pylint: disable=import-outside-toplevel,protected-access
    from rtcm_xblocks.needs.framework import FrameworkError, safe_link
    from rtcm_xblocks.scenario import draft, learner_state, olx
    for link in OFF_SITE:
        assert not learner_state.is_safe_link(link), link
        with pytest.raises(FrameworkError):
            safe_link(link)
        with pytest.raises(olx.OlxError):
            olx.parse_scenario_string('<rtcm_scenario><step id="a" title="A"><image alt="x"/></step></rtcm_scenario>'
                                      .replace('alt="x"', f'alt="x" src="{_xml_attribute(link)}"'))
        payload = {"scenario": {"steps": [{"id": "a", "title": "A", "image": {"src": link, "alt": "x"}}]}}
        assert any(error.field == "scenario.steps.0.image.src" for error in draft.read_draft(payload).errors), link
    for link in ON_SITE:
        assert learner_state.is_safe_link(link) and safe_link(link) == link


def _xml_attribute(text):
    """`text` as an XML attribute value; characters XML cannot hold at all become a character it refuses too."""
    return "".join(f"&#{ord(char)};" if char in "\t\n\r" else "&lt;" if char == "<" else "&amp;" if char == "&"
                   else "&quot;" if char == '"' else "\ufffe" if ord(char) < 32 else char for char in text)


# --- plain text stays text: an escaped tag is never turned into a stored tag ----------------------------

from hypothesis import given  # noqa: E402  pylint: disable=wrong-import-position,wrong-import-order
from hypothesis import strategies as st  # noqa: E402  pylint: disable=wrong-import-position,wrong-import-order

TAG_OPEN = re.compile(r"<[A-Za-z/!?]")


@pytest.mark.parametrize("text", ["&lt;b&gt;bold&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;img src=x>",
                                  "&lt;!-- x --&gt;", "&amp;lt;b&amp;gt;", "&LT;b&GT;", "&lt;/script&gt;&lt;script&gt;x"])
def test_an_escaped_tag_in_plain_text_stays_text_and_never_becomes_a_tag(text):
    cleaned = plain_text(text)
    assert not TAG_OPEN.search(cleaned), cleaned
    assert plain_text(cleaned) == cleaned
    assert html.unescape(cleaned).replace(" ", "") != ""  # the text is kept, not dropped


@given(st.text(alphabet="<>/&;#ltgabscript!- x=\"'", max_size=40))
def test_plain_text_never_holds_a_tag_and_reading_it_again_changes_nothing(text):
    cleaned = plain_text(text)
    assert not TAG_OPEN.search(cleaned)
    assert plain_text(cleaned) == cleaned
