"""Scenario OLX: readable XML in, the same scenario out, unsafe markup and malformed input refused."""
import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from rtcm_xblocks.common.safe_xml import safe_parser
from rtcm_xblocks.common.sanitize import clean_html, plain_text
from rtcm_xblocks.scenario.graph import OUTCOMES, Choice, Ending, Image, Scenario, Step
from rtcm_xblocks.scenario.olx import (
    OlxError, parse_scenario, parse_scenario_string, scenario_to_string, write_scenario,
)

PRODUCT_EXAMPLE = """\
<rtcm_scenario url_name="border_screening" display_name="Screening a mixed arrival"
               pillar="counter-trafficking" scoring="path" max_attempts="2"
               grading="best" weight="1" show_expert_path="true">
  <intro><p>You are on the night shift at a land crossing.</p></intro>
  <step id="arrival" title="Two travellers at the counter">
    <body><p>A young woman and an older man hand over <em>two</em> passports.</p></body>
    <image src="/static/border.jpg" alt="A border checkpoint at night"/>
    <choice id="separate" to="interview" points="3" expert="true">
      <label>Interview her separately, with an interpreter</label>
      <feedback><p>Good: separating them lets her speak.</p></feedback>
    </choice>
    <choice id="together" to="companion_answers" points="0">
      <label>Ask them both together</label>
      <feedback><p>The companion answers every question.</p></feedback>
    </choice>
  </step>
  <step id="interview" title="A private interview">
    <choice id="refer" to="referred" points="2"><label>Refer her to specialists</label></choice>
  </step>
  <step id="companion_answers" title="He answers for her">
    <choice id="stamp" to="admitted"><label>Stamp both passports</label></choice>
  </step>
  <ending id="referred" title="Referred to protection" outcome="good">
    <body><p>Debrief: she is safe.</p></body>
  </ending>
  <ending id="admitted" title="Both admitted" outcome="bad" points="-1"/>
</rtcm_scenario>
"""


def multilingual_scenario():
    """A realistic scenario in English, Russian, Azerbaijani and Persian, with characters XML escapes."""
    return Scenario(
        intro='<p>Ночная смена на КПП «Астара». <strong>Gecə növbəsi</strong> &amp; <a href="https://iom.int" '
              'rel="noopener noreferrer">IOM</a></p><p lang="fa" dir="rtl">شیفت شب در مرز</p>',
        steps=(
            Step("arrival", 'Two travellers: "Aylin" & &lt;her> companion',  # plain text keeps no tag (&lt; stays)
                 '<p>Она молчит; он отвечает за неё.</p><ul><li>Passport: <code>AZ&lt;123&gt;</code></li>'
                 '<li>Ticket <em>one way</em></li></ul><p></p><img src="/static/desk.jpg" alt="Desk">',
                 Image("/static/border.jpg", "Пограничный пункт ночью"), (
                     Choice("separate", "Поговорить с ней отдельно, с переводчиком", "interview", 3, True,
                            "<p>Правильно: <em>act, means, purpose</em>.</p>"),
                     Choice("together", "Onları birlikdə sorğu-sual etmək", "companion", 0, False,
                            "<p>Yoldaşı bütün suallara cavab verir.</p>"),
                 )),
            Step("interview", "مصاحبه خصوصی", "<p><strong>توجه:</strong> <em>او</em> از پیشنهاد کار در هتل می‌گوید.</p>",
                 None, (
                Choice("refer", "Refer to the protection desk", "referred", 2, True, ""),
                Choice("again", "Ask again tomorrow", "interview", -1, False, "<p>Nothing new.</p>"),
            )),
            Step("companion", "He answers every question", "", None, (
                Choice("stamp", "Stamp both passports", "admitted", 0),
            )),
        ),
        endings=(
            Ending("referred", "Передана специалистам", "<p>Debrief: <strong>non-punishment</strong>.</p>",
                   "good", 3),
            Ending("admitted", "Both admitted", "", "bad", -1),
            Ending("waiting", "Still waiting", "<p>…</p>", "neutral", 0),
        ),
        start="arrival",
    )


def open_edx_parse(text):
    """Parse as Open edX's course import does (xmodule's edx_xml_parser drops blank text nodes)."""
    parser = etree.XMLParser(dtd_validation=False, load_dtd=False, remove_comments=True, remove_blank_text=True,
                             encoding="utf-8")
    return parse_scenario(etree.fromstring(text.encode("utf-8"), parser))


def olx_with(inner, attributes=""):
    return f"<rtcm_scenario{attributes}>{inner}</rtcm_scenario>"


def error_of(text):
    with pytest.raises(OlxError) as error:
        parse_scenario_string(text)
    return str(error.value)


# --- reading -------------------------------------------------------------------------------------


def test_the_product_example_is_read_into_the_model():
    attributes, scenario = parse_scenario_string(PRODUCT_EXAMPLE)
    assert attributes == {"url_name": "border_screening", "display_name": "Screening a mixed arrival",
                          "pillar": "counter-trafficking", "scoring": "path", "max_attempts": "2",
                          "grading": "best", "weight": "1", "show_expert_path": "true"}
    assert scenario.intro == "<p>You are on the night shift at a land crossing.</p>"
    assert scenario.start is None and scenario.start_id == "arrival"
    arrival = scenario.step("arrival")
    assert arrival.title == "Two travellers at the counter"
    assert arrival.body == "<p>A young woman and an older man hand over <em>two</em> passports.</p>"
    assert arrival.image == Image("/static/border.jpg", "A border checkpoint at night")
    assert arrival.choices[0] == Choice("separate", "Interview her separately, with an interpreter", "interview",
                                        3, True, "<p>Good: separating them lets her speak.</p>")
    assert arrival.choices[1].points == 0 and arrival.choices[1].expert is False
    assert scenario.step("interview").choices[0].feedback == ""
    assert scenario.ending("referred") == Ending("referred", "Referred to protection",
                                                 "<p>Debrief: she is safe.</p>", "good", 0)
    assert scenario.ending("admitted").points == -1 and scenario.ending("admitted").body == ""


def test_start_step_names_the_start_step_and_is_not_a_block_attribute():
    attributes, scenario = parse_scenario_string(PRODUCT_EXAMPLE.replace('weight="1"', 'weight="1" start_step="interview"'))
    assert scenario.start == "interview"
    assert "start_step" not in attributes


def test_an_old_start_naming_a_step_is_still_read_as_the_start_step():
    attributes, scenario = parse_scenario_string(PRODUCT_EXAMPLE.replace('weight="1"', 'weight="1" start="interview"'))
    assert scenario.start == "interview"
    assert "start" not in attributes


@pytest.mark.parametrize("start", ["2030-01-01T00:00:00Z", "&quot;2026-09-01T08:00:00+00:00&quot;", "nowhere"])
def test_a_start_that_names_no_step_is_the_platforms_release_date(start):
    attributes, scenario = parse_scenario_string(PRODUCT_EXAMPLE.replace('weight="1"', f'weight="1" start="{start}"'))
    assert scenario.start is None and scenario.start_id == "arrival"
    assert attributes["start"] == start.replace("&quot;", '"')


def test_with_start_step_present_start_is_the_platforms_even_when_it_names_a_step():
    attributes, scenario = parse_scenario_string(
        PRODUCT_EXAMPLE.replace('weight="1"', 'weight="1" start_step="interview" start="arrival"'))
    assert scenario.start == "interview" and attributes["start"] == "arrival"


def test_an_element_from_another_parser_is_read_the_same_and_comments_are_skipped():
    text = PRODUCT_EXAMPLE.replace("<step id=\"interview\"", "<!-- a note --><step id=\"interview\"")
    node = etree.fromstring(text.encode(), etree.XMLParser(remove_comments=False))
    assert parse_scenario(node) == parse_scenario_string(PRODUCT_EXAMPLE)[1]


def test_labels_and_titles_are_plain_text():
    _, scenario = parse_scenario_string(olx_with(
        '<step id="a" title="Check &lt;b&gt;papers&lt;/b&gt;  &amp;\n visas">'
        '<choice id="c" to="e"><label>Ask <b>her</b>\n   first &amp; <script>alert(1)</script>alone</label></choice>'
        "</step>"))
    step = scenario.step("a")
    assert step.title == "Check papers & visas"  # an attribute is read as the editor reads a typed title
    assert step.choices[0].label == "Ask her first & alone"


def test_scripts_event_handlers_and_javascript_urls_are_removed_on_import():
    _, scenario = parse_scenario_string(olx_with(
        '<intro><p onclick="steal()">Hi<script>alert(1)</script></p><iframe src="https://x.org"/></intro>'
        '<step id="a" title="A"><body><a href="javascript:alert(1)">x</a><img src="x.png" alt="X" onerror="boom()"/>'
        '<style>p{}</style></body>'
        '<choice id="c" to="e"><label>L</label><feedback><svg onload="x()"><p>ok</p></svg></feedback></choice></step>'
        '<ending id="e" title="E"><body><object data="evil.swf"/><p>End</p></body></ending>'))
    everything = scenario.intro + scenario.steps[0].body + scenario.steps[0].choices[0].feedback + scenario.endings[0].body
    for unsafe in ("script", "alert", "onclick", "onerror", "onload", "javascript", "iframe", "style", "svg", "object"):
        assert unsafe not in everything
    assert scenario.intro == "<p>Hi</p>"
    assert scenario.steps[0].body == '<a rel="noopener noreferrer">x</a><img src="x.png" alt="X">'
    assert scenario.endings[0].body == "<p>End</p>"


def test_empty_inline_elements_are_not_read_as_open_tags():
    _, scenario = parse_scenario_string(olx_with('<intro><p><span/>after</p><p/></intro>'))
    assert scenario.intro == "<p><span></span>after</p><p></p>"


def test_a_doctype_or_entities_are_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              '<rtcm_scenario><intro>&lol2;</intro></rtcm_scenario>')
    assert "DOCTYPE" in error_of(laughs)
    external = ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<rtcm_scenario><intro>&x;</intro></rtcm_scenario>')
    assert "root:" not in error_of(external)


def test_a_node_from_a_tree_with_a_doctype_is_refused():
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    node = etree.fromstring(b'<!DOCTYPE rtcm_scenario><rtcm_scenario/>', parser)
    with pytest.raises(OlxError):
        parse_scenario(node)


def test_malformed_xml_and_another_root_are_refused():
    assert "not well-formed" in error_of("<rtcm_scenario><step></rtcm_scenario>")
    assert "Expected <rtcm_scenario>, found <problem>" in error_of("<problem/>")


@pytest.mark.parametrize("inner, expected", [
    ('<steps id="a"/>', "Unknown element <steps> in <rtcm_scenario> (line 1)"),
    ('<step id="a" title="A"><choice id="c" to="e"><label>L</label><hint>h</hint></choice></step>',
     'Unknown element <hint> in <choice id="c"> of step "a" (line 1)'),
    ('<step id="a" title="A"><text>h</text></step>', 'Unknown element <text> in <step id="a"> (line 1)'),
    ('<ending id="e" title="E"><feedback/></ending>', 'Unknown element <feedback> in <ending id="e"> (line 1)'),
    ('<step title="A"/>', "<step> has no id (line 1)"),
    ('<step id=" " title="A"/>', "<step> has no id (line 1)"),
    ('<step id="a" title="A"><choice to="e"/></step>', '<choice> of step "a" has no id (line 1)'),
    ('<ending title="E"/>', "<ending> has no id (line 1)"),
    ('<step id="a" title="A"><choice id="c"/></step>', '<choice id="c"> of step "a" has no "to" (line 1)'),
    ('<step id="a" title="A"><choice id="c" to="e" points="3.5"/></step>',
     '<choice id="c"> of step "a" has points="3.5", which is not a whole number (line 1)'),
    ('<step id="a" title="A"><choice id="c" to="e" points="three"/></step>', 'points="three"'),
    ('<step id="a" title="A"><choice id="c" to="e" points=""/></step>', 'points=""'),
    ('<step id="a" title="A"><choice id="c" to="e" points="\u0663"/></step>', 'points="\u0663"'),
    ('<ending id="e" title="E" points="1e3"/>', '<ending id="e"> has points="1e3"'),
    ('<step id="a" title="A"><choice id="c" to="e" expert="yes"/></step>', 'expert="yes"; expected "true" or "false"'),
    ('<ending id="e" title="E" outcome="great"/>', 'outcome="great"; expected one of good, neutral, bad'),
    ('<step id="a" title="A"><choice id="c" to="e" point="3"/></step>', "unknown attribute 'point'"),
    ('<step id="a" title="A"><body/><body/></step>', '<step id="a"> has more than one <body>'),
    ('<step id="a" title="A"><choice id="c" to="e"><label>x</label><label>y</label></choice></step>',
     "has more than one <label>"),
    ("<intro/><intro/>", "more than one <intro>"),
    ('<step id="a" title="A">Loose text</step>', 'Unexpected text in <step id="a">'),
    ('<step id="a" title="A"><body class="x"/></step>', '<body> in <step id="a"> takes no attributes'),
    ('<step id="a" title="A"><image alt="x"/></step>', '<image> of <step id="a"> has no src'),
    ('<step id="a" title="A"><image src="javascript:alert(1)" alt="x"/></step>',
     'src="javascript:alert(1)", which is not an http(s) or relative URL'),
    ('<step id="a" title="A"><image src="data:image/png;base64,AA" alt="x"/></step>', "not an http(s) or relative URL"),
])
def test_malformed_scenario_elements_are_refused_with_a_message_naming_them(inner, expected):
    assert expected in error_of(olx_with(inner))


def test_error_lines_point_at_the_offending_element():
    text = PRODUCT_EXAMPLE.replace('<choice id="stamp" to="admitted">', '<choice id="stamp" to="admitted" points="x">')
    line = next(number for number, content in enumerate(text.splitlines(), 1) if 'points="x"' in content)
    assert f"(line {line})" in error_of(text)


# --- writing and the round trip ----------------------------------------------------------------------


def test_export_then_import_is_lossless_for_a_realistic_scenario():
    attributes = {"url_name": "astara", "display_name": "Проверка на КПП «Астара» & <тест>", "scoring": "path",
                  "max_attempts": "0", "grading": "best", "weight": "2.5", "show_expert_path": "true"}
    scenario = multilingual_scenario()
    text = scenario_to_string(attributes, scenario)
    assert parse_scenario_string(text) == (attributes, scenario)
    assert open_edx_parse(text) == scenario


def test_an_export_read_by_the_open_edx_course_import_parser_is_the_same_scenario():
    text = scenario_to_string({}, multilingual_scenario())
    assert open_edx_parse(text) == multilingual_scenario()


def test_html_with_blank_text_between_elements_is_marked_to_preserve_white_space():
    scenario = Scenario(intro="<p><b>a</b> <i>b</i></p>", steps=(Step("a", "A", "<p>x</p><p>y</p>"),))
    root = etree.fromstring(scenario_to_string({}, scenario).encode())
    assert root.find("intro").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert root.find("step/body").attrib == {}


def test_exported_html_is_readable_xml_not_escaped_text():
    text = scenario_to_string({}, multilingual_scenario())
    root = etree.fromstring(text.encode())
    body = root.find("step/body")
    assert [child.tag for child in body] == ["p", "ul", "p", "img"]
    assert body.find("ul/li/code").text == "AZ<123>"
    assert "&lt;p&gt;" not in text and "<p>" in text
    assert '<p lang="fa" dir="rtl">شیفت شب در مرز</p>' in text
    assert "<p></p>" in text  # an empty paragraph is not written as <p/>


@pytest.mark.parametrize("content", ["&nbsp;<b>x</b>", "&nbsp;", "<b>x</b> <i>y</i>", "<p>a</p>b<p></p>", "Ж<br>&amp;",
                                     "<pre>  a\n  b</pre>"])
def test_html_edge_cases_survive_the_round_trip(content):
    scenario = Scenario(intro=content, steps=(Step("a", "A", content, None, (Choice("c", "C", "e", 1, False, content),)),),
                        endings=(Ending("e", "E", content),))
    assert parse_scenario_string(scenario_to_string({}, scenario))[1] == scenario


def test_exported_olx_is_indented_one_element_per_line():
    text = scenario_to_string({"display_name": "X"}, multilingual_scenario())
    lines = text.splitlines()
    assert lines[0] == '<rtcm_scenario display_name="X" start_step="arrival">'
    assert '  <step id="arrival" title="Two travellers: &quot;Aylin&quot; &amp; &amp;lt;her&gt; companion">' in lines
    assert '    <image src="/static/border.jpg" alt="Пограничный пункт ночью"/>' in lines
    assert '    <choice id="separate" to="interview" points="3" expert="true">' in lines
    assert "      <label>Поговорить с ней отдельно, с переводчиком</label>" in lines
    assert '  <ending id="admitted" title="Both admitted" outcome="bad" points="-1"/>' in lines
    assert '  <ending id="waiting" title="Still waiting" outcome="neutral">' in lines
    assert lines[-1] == "</rtcm_scenario>"


def test_an_lxml_pretty_printed_re_export_keeps_the_layout_and_the_scenario():
    text = scenario_to_string({"display_name": "X"}, multilingual_scenario())
    pretty = etree.tostring(etree.fromstring(text.encode()), pretty_print=True, encoding="unicode")
    assert pretty.replace("<p/>", "<p></p>") == text
    assert parse_scenario_string(pretty) == parse_scenario_string(text)


def test_every_id_survives_the_round_trip():
    scenario = multilingual_scenario()
    _, again = parse_scenario_string(scenario_to_string({}, scenario))
    ids = lambda s: [(step.id, [choice.id for choice in step.choices]) for step in s.steps] + [e.id for e in s.endings]
    assert ids(again) == ids(scenario)


def test_export_sanitizes_html_that_was_never_cleaned():
    raw = Scenario(intro='<p onclick="x()">Hi<script>alert(1)</script></p>',
                   steps=(Step("a", "A", choices=(Choice("c", "C", "e", feedback='<a href="javascript:x()">l</a>'),)),))
    text = scenario_to_string({}, raw)
    assert "script" not in text and "onclick" not in text and "javascript" not in text


def test_write_scenario_appends_to_a_nested_node_and_sets_or_clears_the_start_step_only():
    course = etree.fromstring(b'<vertical><rtcm_scenario url_name="x" start="2030-01-01T00:00:00Z" start_step="old"/>'
                              b'</vertical>')
    node = course[0]
    write_scenario(multilingual_scenario(), node)
    assert node.get("start_step") == "arrival" and node.get("start") == "2030-01-01T00:00:00Z"
    assert [child.tag for child in node][:2] == ["intro", "step"]
    assert "\n    <step" in etree.tostring(node, encoding="unicode")
    assert parse_scenario(node) == multilingual_scenario()
    fresh = etree.Element("rtcm_scenario", start_step="old", start="2030-01-01")
    write_scenario(Scenario(), fresh)
    assert "start_step" not in fresh.attrib and fresh.get("start") == "2030-01-01" and len(fresh) == 0


def test_characters_xml_cannot_carry_are_dropped_on_export():
    scenario = Scenario(steps=(Step("a", "Bell\x07 title", choices=(Choice("c", "La\x00bel", "e"),)),))
    _, again = parse_scenario_string(scenario_to_string({}, scenario))
    assert again.steps[0].title == "Bell title" and again.steps[0].choices[0].label == "Label"


# --- the round trip over generated scenarios --------------------------------------------------------

# English, Russian, Azerbaijani and Persian letters (with the zero-width non-joiner), and what XML escapes.
LETTERS = "AbzЖжЫыяƏəĞğIıİiŞşÇçÖöÜüپچژگیکآ\u200c"
SPECIALS = "<>&\"'«»—…!?;:/.,()#%=+-"
TEXT_ALPHABET = LETTERS + SPECIALS + "0123456789 "


def plain(min_size=0):
    """Plain text as the importer and the editor leave it (common.sanitize.plain_text): no tag, no repeated space."""
    return st.text(alphabet=TEXT_ALPHABET, min_size=min_size, max_size=30).map(plain_text)


ids = st.text(alphabet=LETTERS + "_-.:0123456789<&\"' ", min_size=1, max_size=10).filter(lambda text: text.strip())
words = st.text(alphabet=TEXT_ALPHABET + "\u00a0", min_size=1, max_size=12)


@st.composite
def inline_html(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["text", "text", "strong", "em", "a", "code", "br", "img", "span", "empty"]))
        escaped = html.escape(draw(words))
        if kind == "empty":
            parts.append(draw(st.sampled_from(["<em></em>", "<span></span>", "<code></code>"])))
        elif kind == "text" or depth > 1:
            parts.append(escaped)
        elif kind == "br":
            parts.append("<br>")
        elif kind == "img":
            parts.append(f'<img src="/static/{draw(st.sampled_from(["a.png", "ş ə.jpg"]))}" alt="{escaped}">')
        elif kind == "a":
            href = draw(st.sampled_from(["https://iom.int/ru?a=1&b=2", "/courses/x", "mailto:rtcm@iom.int",
                                         "javascript:alert(1)"]))
            parts.append(f'<a href="{html.escape(href)}" title="{escaped}">{draw(inline_html(depth + 1))}</a>')
        elif kind == "span":
            parts.append(f'<span lang="fa" dir="rtl">{draw(inline_html(depth + 1))}</span>')
        else:
            parts.append(f"<{kind}>{draw(inline_html(depth + 1))}</{kind}>")
    return draw(st.sampled_from(["", " ", "\n"])).join(parts)


@st.composite
def html_fragments(draw):
    blocks = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["p", "p", "ul", "blockquote", "h3", "bare", "script", "table"]))
        if kind == "ul":
            blocks.append("<ul>" + "".join(f"<li>{draw(inline_html())}</li>" for _ in range(draw(st.integers(1, 2))))
                          + "</ul>")
        elif kind == "bare":
            blocks.append(draw(inline_html()))
        elif kind == "script":
            blocks.append(f'<script>alert("{html.escape(draw(words))}")</script><p onclick="x()">{draw(inline_html())}</p>')
        elif kind == "table":
            blocks.append(f"<table><tr><th>{draw(inline_html())}</th><td>{draw(inline_html())}</td></tr></table>")
        else:
            blocks.append(f"<{kind}>{draw(inline_html())}</{kind}>")
    # what the importer (and Studio) keep: sanitized HTML
    return clean_html("".join(blocks))


@st.composite
def generated_scenarios(draw):
    node_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    split = draw(st.integers(1, len(node_ids)))
    step_ids, ending_ids = node_ids[:split], node_ids[split:]
    steps = tuple(
        Step(step_id, draw(plain()), draw(html_fragments()),
             draw(st.one_of(st.none(), st.builds(Image, st.sampled_from(["/static/a.png", "https://iom.int/b.jpg"]),
                                                 plain()))),
             tuple(Choice(choice_id, draw(plain()), draw(st.sampled_from(node_ids + ["missing"])),
                          draw(st.integers(-10**6, 10**6)), draw(st.booleans()), draw(html_fragments()))
                   for choice_id in draw(st.lists(ids, max_size=2))))
        for step_id in step_ids
    )
    endings = tuple(Ending(ending_id, draw(plain()), draw(html_fragments()), draw(st.sampled_from(OUTCOMES)),
                           draw(st.integers(-5, 5)))
                    for ending_id in ending_ids)
    return Scenario(draw(html_fragments()), steps, endings, draw(st.one_of(st.none(), st.sampled_from(step_ids))))


attribute_values = st.text(alphabet=TEXT_ALPHABET + "\n\t", max_size=20)
block_attributes = st.dictionaries(st.sampled_from(["url_name", "display_name", "pillar", "scoring", "grading",
                                                    "max_attempts", "weight", "show_expert_path"]),
                                   attribute_values)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_attributes, generated_scenarios())
def test_export_then_import_is_lossless_for_generated_scenarios(attributes, scenario):
    text = scenario_to_string(attributes, scenario)
    assert parse_scenario_string(text) == (attributes, scenario)
    assert open_edx_parse(text) == scenario
