"""Author HTML keeps its formatting and loses anything that could run."""
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
