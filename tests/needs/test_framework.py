"""Specification of competency frameworks: the default framework, OLX pillars, validation, the scale and submissions."""
import pathlib
import re
import subprocess
import sys

import pytest
from lxml import etree

from rtcm_xblocks.common.i18n import language_translator
from rtcm_xblocks.common.safe_xml import parse_xml_string
from rtcm_xblocks.needs.framework import (
    DEFAULT_FRAMEWORK, NOT_APPLICABLE, PROFILE_QUESTIONS, SCALE, Competency, Framework, FrameworkError, Pillar,
    SubmissionError, clean_submission, safe_link, framework_names, load_framework, parse_pillars, translate_framework,
    validate_framework, write_pillars, competency_titles,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOMAIN_PILLARS = ["governance", "law-rights", "data", "border", "trafficking", "labour", "development", "return", "health", "crisis"]


@pytest.fixture(name="default")
def default_framework():
    return load_framework(DEFAULT_FRAMEWORK)


def small_framework():
    return Framework("small", (
        Pillar("p1", "Pillar one", (Competency("p1.a", "I can a.", "p1"), Competency("p1.b", "I can b.", "p1")), "/jump_to_id/one"),
        Pillar("p2", "Pillar two", (Competency("p2.c", "I can c.", "p2"),)),
    ))


def full_ratings(framework, value=None):
    return {c.id: value or {"importance": 4, "proficiency": 2} for c in framework.competencies}


def block(xml):
    return parse_xml_string(xml)


# --- the default framework ---------------------------------------------------------------------

def test_default_framework_has_the_ten_domain_pillars_in_order(default):
    assert [p.id for p in default.pillars] == DOMAIN_PILLARS
    assert default.pillar("border").title == "Integrated border management and document security"


def test_every_default_pillar_has_four_to_six_i_can_statements(default):
    for pillar in default.pillars:
        assert 4 <= len(pillar.competencies) <= 6, pillar.id
        for competency in pillar.competencies:
            assert competency.text.startswith("I can "), competency.id
            assert competency.pillar == pillar.id


def test_default_competency_ids_are_dotted_under_their_pillar(default):
    for competency in default.competencies:
        assert re.fullmatch(rf"{re.escape(competency.pillar)}\.[a-z][a-z-]*", competency.id), competency.id
    assert default.competency("border.documents").pillar == "border"


def test_default_framework_passes_validation(default):
    assert not validate_framework(default)
    assert default.id == DEFAULT_FRAMEWORK


def test_loading_is_cached_and_lists_the_shipped_frameworks(default):
    assert load_framework(DEFAULT_FRAMEWORK) is default
    assert DEFAULT_FRAMEWORK in framework_names()


@pytest.mark.parametrize("name", ["nope", "../needs/frameworks/rtcm-default", "", None, "RTCM-DEFAULT", "rtcm-default\n"])
def test_an_unknown_framework_name_is_a_framework_error(name):
    with pytest.raises(FrameworkError) as caught:
        load_framework(name)
    assert caught.value.code == "unknown_framework"


def test_lookups_answer_none_for_absent_ids(default):
    assert default.competency("border.nothing") is None
    assert default.pillar("nothing") is None


def test_competencies_are_in_framework_order(default):
    assert [c.id for c in default.competencies] == [c.id for p in default.pillars for c in p.competencies]


def test_to_dict_has_the_agreed_shape_and_round_trips(default):
    data = default.to_dict()
    assert set(data) == {"id", "pillars"}
    assert set(data["pillars"][0]) == {"id", "title", "recommend", "competencies"}
    assert set(data["pillars"][0]["competencies"][0]) == {"id", "text"}
    assert Framework.from_dict(data) == default
    assert Framework.from_dict(small_framework().to_dict()) == small_framework()


@pytest.mark.parametrize("data", [
    None, [], {"pillars": "x"}, {"pillars": [1]}, {"pillars": [{"id": 3, "competencies": []}]},
    {"pillars": [{"id": "p", "competencies": ["c"]}]}, {"pillars": [{"id": "p", "competencies": [{"id": "c", "text": 5}]}]},
])
def test_from_dict_refuses_malformed_data_with_a_framework_error(data):
    with pytest.raises(FrameworkError):
        Framework.from_dict(data)


def test_translate_framework_passes_titles_and_texts_through_gettext(default):
    shouted = translate_framework(default, str.upper)
    assert shouted.pillar("border").title == default.pillar("border").title.upper()
    assert shouted.competency("border.documents").text == default.competency("border.documents").text.upper()
    assert [c.id for c in shouted.competencies] == [c.id for c in default.competencies]


def test_competency_titles_are_the_default_frameworks_statements_through_gettext_and_unknown_ids_their_own(default):
    ids = ["trafficking.indicators", "no-such.competency", "border.documents"]
    titles = competency_titles(ids, str.upper)
    assert titles == {"trafficking.indicators": default.competency("trafficking.indicators").text.upper(),
                      "no-such.competency": "no-such.competency",
                      "border.documents": default.competency("border.documents").text.upper()}
    assert competency_titles([], str.upper) == {}


def test_competency_titles_in_russian_are_the_statements_the_russian_assessment_shows(default):
    russian = language_translator("ru").gettext
    titles = competency_titles(["border.documents"], russian)
    assert titles["border.documents"] == russian(default.competency("border.documents").text)
    assert titles["border.documents"] != default.competency("border.documents").text


# --- scale and profile questions -----------------------------------------------------------------

@pytest.mark.parametrize("dimension", ["importance", "proficiency"])
def test_scale_describes_each_of_five_levels(dimension):
    levels = SCALE[dimension]
    assert [level["value"] for level in levels] == [1, 2, 3, 4, 5]
    for level in levels:
        assert level["label"].strip() and level["description"].strip()
    assert len({level["label"] for level in levels}) == 5
    assert NOT_APPLICABLE == "na"


def test_profile_questions_offer_exactly_the_product_codes():
    questions = {q["id"]: q for q in PROFILE_QUESTIONS}
    assert [q["id"] for q in PROFILE_QUESTIONS] == ["country", "agency", "role", "experience"]
    values = {qid: [o["value"] for o in q.get("options", [])] for qid, q in questions.items()}
    assert values["country"] == "AZ BY GE IR KG KZ MD RU TJ TM TR UA UZ other".split()
    assert values["agency"] == ["border", "migration-service", "police", "labour", "foreign-affairs", "health", "social",
                                "ngo", "international", "academia", "other"]
    assert values["experience"] == ["0-2", "3-5", "6-10", "10+"]
    assert questions["role"] == {"id": "role", "type": "text", "label": questions["role"]["label"], "max_length": 200}
    for question in PROFILE_QUESTIONS:
        assert question["label"]
        for option in question.get("options", []):
            assert option["label"]


# --- submissions -----------------------------------------------------------------------------------

def test_a_complete_submission_comes_back_in_framework_order():
    framework = small_framework()
    ratings = {"p2.c": "na", "p1.b": {"proficiency": 5, "importance": 1}, "p1.a": {"importance": 3, "proficiency": 3}}
    cleaned, profile = clean_submission(framework, ratings, {"country": "AZ", "role": "  Border officer  "})
    assert list(cleaned) == ["p1.a", "p1.b", "p2.c"]
    assert cleaned["p2.c"] == NOT_APPLICABLE
    assert cleaned["p1.b"] == {"importance": 1, "proficiency": 5}
    assert profile == {"country": "AZ", "role": "Border officer"}


def test_profile_is_optional_and_empty_answers_are_dropped():
    framework = small_framework()
    assert clean_submission(framework, full_ratings(framework), None)[1] == {}
    assert clean_submission(framework, full_ratings(framework), {"country": "", "agency": None, "role": "   "})[1] == {}


def test_a_missing_competency_is_named():
    framework = small_framework()
    ratings = full_ratings(framework)
    del ratings["p1.b"]
    with pytest.raises(SubmissionError) as caught:
        clean_submission(framework, ratings, {})
    assert caught.value.code == "missing_rating"
    assert caught.value.params["competency"] == "p1.b"
    assert "I can b." in caught.value.text(lambda message: message)


def test_an_unknown_competency_is_named():
    framework = small_framework()
    ratings = dict(full_ratings(framework), **{"p9.z": "na"})
    with pytest.raises(SubmissionError) as caught:
        clean_submission(framework, ratings, {})
    assert (caught.value.code, caught.value.params["competency"]) == ("unknown_competency", "p9.z")


@pytest.mark.parametrize("rating", [
    {"importance": True, "proficiency": 2}, {"importance": 4, "proficiency": False}, {"importance": 0, "proficiency": 2},
    {"importance": 6, "proficiency": 2}, {"importance": 4.0, "proficiency": 2}, {"importance": "4", "proficiency": 2},
    {"importance": None, "proficiency": 2}, {"importance": 4}, {"importance": 4, "proficiency": 2, "note": "x"},
    "NA", "", None, 3, [4, 2], {},
])
def test_malformed_ratings_are_refused_naming_the_competency(rating):
    framework = small_framework()
    ratings = dict(full_ratings(framework), **{"p1.a": rating})
    with pytest.raises(SubmissionError) as caught:
        clean_submission(framework, ratings, {})
    assert caught.value.code in {"invalid_rating", "invalid_rating_value"}
    assert caught.value.params["competency"] == "p1.a"


@pytest.mark.parametrize("ratings", [None, [], "na", 5])
def test_ratings_must_be_an_object(ratings):
    with pytest.raises(SubmissionError) as caught:
        clean_submission(small_framework(), ratings, {})
    assert caught.value.code == "invalid_ratings"


@pytest.mark.parametrize("profile, code, key", [
    ({"nationality": "AZ"}, "unknown_profile_key", "nationality"),
    ({"country": "FR"}, "invalid_profile_value", "country"),
    ({"country": "az"}, "invalid_profile_value", "country"),
    ({"agency": "army"}, "invalid_profile_value", "agency"),
    ({"experience": "11-20"}, "invalid_profile_value", "experience"),
    ({"experience": 3}, "invalid_profile_value", "experience"),
    ({"role": ["officer"]}, "invalid_profile_value", "role"),
    ({"role": "x" * 201}, "profile_too_long", "role"),
])
def test_bad_profile_answers_are_refused_naming_the_key(profile, code, key):
    framework = small_framework()
    with pytest.raises(SubmissionError) as caught:
        clean_submission(framework, full_ratings(framework), profile)
    assert (caught.value.code, caught.value.params["key"]) == (code, key)


def test_a_profile_that_is_not_an_object_is_refused():
    framework = small_framework()
    with pytest.raises(SubmissionError):
        clean_submission(framework, full_ratings(framework), ["AZ"])


def test_a_role_of_exactly_two_hundred_characters_is_kept():
    framework = small_framework()
    assert clean_submission(framework, full_ratings(framework), {"role": "é" * 200})[1] == {"role": "é" * 200}


def test_every_profile_code_is_accepted():
    framework = small_framework()
    for question in PROFILE_QUESTIONS:
        for option in question.get("options", []):
            profile = clean_submission(framework, full_ratings(framework), {question["id"]: option["value"]})[1]
            assert profile == {question["id"]: option["value"]}


# --- validation --------------------------------------------------------------------------------------

def problem_codes(framework):
    return [problem.code for problem in validate_framework(framework)]


def test_validation_reports_duplicate_and_empty_ids_and_texts():
    framework = Framework("bad", (
        Pillar("p1", "One", (Competency("x", "I can x.", "p1"), Competency("x", "", "p1"))),
        Pillar("p1", "", (Competency("", "I can y.", "p1"),)),
        Pillar("", "Three", ()),
        Pillar("p 4", "Four", (Competency("a b", "I can z.", "p 4"),)),
    ))
    assert problem_codes(framework) == [
        "duplicate_competency_id", "empty_competency_text",
        "duplicate_pillar_id", "empty_pillar_title", "empty_competency_id",
        "empty_pillar_id", "empty_pillar",
        "invalid_pillar_id", "invalid_competency_id",
    ]


def test_validation_reports_a_framework_without_pillars_and_an_unsafe_link():
    assert problem_codes(Framework("none", ())) == ["no_pillars"]
    framework = Framework("f", (Pillar("p", "P", (Competency("p.a", "I can a.", "p"),), "javascript:alert(1)"),))
    assert problem_codes(framework) == ["unsafe_link"]


def test_problem_text_is_translated_then_filled_in():
    problem = validate_framework(Framework("f", (Pillar("p", "P", ()),)))[0]
    assert problem.node == "p"
    assert problem.text(lambda message: "«" + message + "»") == '«The pillar "p" has no competencies.»'


# --- OLX: pillars with competencies -------------------------------------------------------------------

CUSTOM = """<rtcm_needs_assessment url_name="tna_custom">
  <pillar id="border" title="Integrated &lt;b&gt;border&lt;/b&gt; management" recommend="jump_to_id/border_intro">
    <competency id="border.documents">Run a first-line   <em>document</em> check</competency>
    <competency id="border.interview">Interview with an interpreter</competency>
  </pillar>
  <pillar id="health" title="Health">
    <competency id="health.tb">Refer a TB case</competency>
  </pillar>
</rtcm_needs_assessment>"""


def test_pillars_with_competencies_define_a_framework_with_plain_text():
    framework = parse_pillars(block(CUSTOM))
    assert [p.id for p in framework.pillars] == ["border", "health"]
    border = framework.pillar("border")
    assert border.title == "Integrated border management"
    assert border.recommend == "jump_to_id/border_intro"
    assert [(c.id, c.text, c.pillar) for c in border.competencies] == [
        ("border.documents", "Run a first-line document check", "border"),
        ("border.interview", "Interview with an interpreter", "border"),
    ]
    assert not validate_framework(framework)


def test_custom_pillars_replace_the_base_framework(default):
    framework = parse_pillars(block(CUSTOM), base=default)
    assert [c.id for c in framework.competencies] == ["border.documents", "border.interview", "health.tb"]


def test_a_block_without_pillars_defines_no_framework(default):
    assert parse_pillars(block('<rtcm_needs_assessment framework="rtcm-default"/>')) is None
    assert parse_pillars(block('<rtcm_needs_assessment framework="rtcm-default"/>'), base=default) is None


def test_custom_framework_round_trips_through_olx_with_stable_ids():
    framework = parse_pillars(block(CUSTOM))
    node = write_pillars(framework, etree.Element("rtcm_needs_assessment"))
    again = parse_pillars(parse_xml_string(etree.tostring(node)))
    assert again == framework


def test_written_competency_text_is_escaped_not_markup():
    framework = Framework("", (Pillar("p", "A & B", (Competency("p.a", "I can <script>x</script> & co", "p"),)),))
    xml = etree.tostring(write_pillars(framework, etree.Element("rtcm_needs_assessment")), encoding="unicode")
    assert "<script>" not in xml
    assert "&lt;script&gt;" in xml


def test_custom_pillar_without_competencies_is_kept_for_validation_to_report():
    xml = '<b><pillar id="a" title="A"><competency id="a.x">I can x</competency></pillar><pillar id="b" title="B"/></b>'
    framework = parse_pillars(block(xml))
    assert problem_codes(framework) == ["empty_pillar"]


def test_missing_ids_are_not_invented_but_reported():
    xml = '<b><pillar title="A"><competency>I can x</competency></pillar></b>'
    assert problem_codes(parse_pillars(block(xml))) == ["empty_pillar_id", "empty_competency_id"]


def test_an_unsafe_recommend_link_is_a_framework_error():
    xml = '<b><pillar id="a" title="A" recommend="javascript:alert(1)"><competency id="a.x">I can x</competency></pillar></b>'
    with pytest.raises(FrameworkError) as caught:
        parse_pillars(block(xml))
    assert caught.value.code == "unsafe_link"


@pytest.mark.parametrize("link", ["/jump_to_id/border_intro", "jump_to_id/x", "https://example.org/a?b=c#d", "#top"])
def test_course_links_and_web_addresses_are_accepted(link):
    xml = f'<b><pillar id="a" title="A" recommend="{link}"><competency id="a.x">I can x</competency></pillar></b>'
    assert parse_pillars(block(xml)).pillar("a").recommend == link


@pytest.mark.parametrize("link", ["data:text/html,x", "vbscript:x", "//evil.example/x", "JAVASCRIPT:alert(1)", " javascript:x"])
def test_other_link_schemes_are_refused(link):
    xml = f'<b><pillar id="a" title="A" recommend="{link}"><competency id="a.x">I can x</competency></pillar></b>'
    with pytest.raises(FrameworkError):
        parse_pillars(block(xml))


@pytest.mark.parametrize("link", ["java\tscript:x", "java\nscript:x", "\x01javascript:x"])
def test_links_with_control_characters_are_refused(link):
    with pytest.raises(FrameworkError):
        safe_link(link)


# --- OLX: recommend overrides on the default framework ------------------------------------------------

OVERRIDES = """<rtcm_needs_assessment framework="rtcm-default">
  <pillar id="border" recommend="/jump_to_id/border_intro"/>
  <pillar id="health" recommend="/jump_to_id/health_intro"/>
</rtcm_needs_assessment>"""


def test_competency_less_pillars_only_set_the_base_pillars_links(default):
    framework = parse_pillars(block(OVERRIDES), base=default)
    assert framework.pillar("border").recommend == "/jump_to_id/border_intro"
    assert framework.pillar("health").recommend == "/jump_to_id/health_intro"
    assert framework.pillar("data").recommend == ""
    assert [c.id for c in framework.competencies] == [c.id for c in default.competencies]
    assert framework.pillar("border").title == default.pillar("border").title
    assert framework.id == default.id


def test_an_override_of_an_unknown_pillar_is_an_error(default):
    with pytest.raises(FrameworkError) as caught:
        parse_pillars(block('<b><pillar id="borders" recommend="/x"/></b>'), base=default)
    assert (caught.value.code, caught.value.params) == ("unknown_pillar", {"pillar": "borders"})


def test_a_pillar_overridden_twice_is_an_error(default):
    with pytest.raises(FrameworkError) as caught:
        parse_pillars(block('<b><pillar id="data" recommend="/x"/><pillar id="data" recommend="/y"/></b>'), base=default)
    assert caught.value.code == "duplicate_pillar"


def test_an_override_cannot_retitle_a_pillar(default):
    with pytest.raises(FrameworkError) as caught:
        parse_pillars(block('<b><pillar id="data" title="Numbers" recommend="/x"/></b>'), base=default)
    assert caught.value.code == "override_title"


def test_an_override_with_an_unsafe_link_is_an_error(default):
    with pytest.raises(FrameworkError) as caught:
        parse_pillars(block('<b><pillar id="data" recommend="javascript:x"/></b>'), base=default)
    assert caught.value.code == "unsafe_link"


def test_export_against_the_base_writes_back_only_the_overrides(default):
    framework = parse_pillars(block(OVERRIDES), base=default)
    node = write_pillars(framework, etree.Element("rtcm_needs_assessment"), base=default)
    assert [(p.tag, dict(p.attrib), len(p)) for p in node] == [
        ("pillar", {"id": "border", "recommend": "/jump_to_id/border_intro"}, 0),
        ("pillar", {"id": "health", "recommend": "/jump_to_id/health_intro"}, 0),
    ]
    assert parse_pillars(parse_xml_string(etree.tostring(node)), base=default) == framework


def test_export_of_the_untouched_default_writes_nothing(default):
    assert len(write_pillars(default, etree.Element("rtcm_needs_assessment"), base=default)) == 0


def test_framework_errors_translate_their_message():
    error = FrameworkError("unknown_pillar", "No pillar \"{pillar}\".", {"pillar": "x"})
    assert error.text(lambda message: message.replace("No", "Pas de")) == 'Pas de pillar "x".'
    assert str(error) == 'No pillar "x".'


def test_the_core_modules_import_nothing_from_xblock_or_django():
    code = (
        "import sys; import rtcm_xblocks.needs.framework, rtcm_xblocks.needs.scoring, rtcm_xblocks.needs.cohort; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'xblock', 'django', 'webob', 'web_fragments'}))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert output.strip() == "[]"


def test_an_out_of_range_rating_says_which_scale_is_wrong():
    framework = small_framework()
    with pytest.raises(SubmissionError) as caught:
        clean_submission(framework, dict(full_ratings(framework), **{"p1.b": {"importance": 3, "proficiency": 9}}), {})
    assert caught.value.params["dimension"] == "proficiency"
    assert caught.value.text(lambda message: message) == 'Your proficiency in "I can b." must be a whole number from 1 to 5.'


def test_ids_with_white_space_or_line_breaks_are_invalid():
    framework = Framework("f", (Pillar("p\n", "P", (Competency("p.a\n", "I can a.", "p\n"),)),))
    assert problem_codes(framework) == ["invalid_pillar_id", "invalid_competency_id"]


def test_a_typed_role_loses_control_characters_and_counts_as_not_given_when_nothing_visible_is_left():
    framework = load_framework("rtcm-default")
    assert clean_submission(framework, full_ratings(framework), {"role": "\u200b\ufeff\x00 "})[1] == {}
    assert clean_submission(framework, full_ratings(framework), {"role": "Border\x00 officer\x1b"})[1] == {
        "role": "Border officer"}
