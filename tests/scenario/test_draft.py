"""Reading the Studio editor's draft: field-by-field errors, sanitising, settings to and from OLX attributes."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario.draft import attributes_to_settings, read_draft, read_settings, settings_to_attributes
from rtcm_xblocks.scenario.graph import OUTCOMES, Choice, Ending, Scenario, Step, validate
from rtcm_xblocks.scenario.layout import layout

SETTINGS = {"display_name": "Case", "pillar": "border", "scoring": "path", "grading": "best", "max_attempts": 2,
            "weight": 1.5, "show_expert_path": True}


def _draft(**scenario):
    base = {
        "intro": "<p>Intro</p>", "start": None,
        "steps": [{"id": "s1", "title": "One", "body": "<p>Body</p>", "image": None,
                   "choices": [{"id": "a", "label": "Go", "to": "end", "points": 1, "expert": True,
                                "feedback": "<p>Fine</p>"}]}],
        "endings": [{"id": "end", "title": "End", "body": "", "outcome": "good", "points": 0}],
    }
    base.update(scenario)
    return {"scenario": base, "settings": dict(SETTINGS)}


def _fields(draft):
    return {error.field: error for error in draft.errors}


def test_a_well_formed_draft_reads_without_errors_into_the_same_scenario_dict():
    payload = _draft()
    draft = read_draft(payload)
    assert draft.errors == []
    assert draft.scenario.to_dict() == payload["scenario"]
    assert Scenario.from_dict(draft.scenario.to_dict()) == draft.scenario
    assert draft.settings == SETTINGS


def test_author_html_is_sanitised_and_titles_reduced_to_plain_text():
    payload = _draft()
    payload["scenario"]["steps"][0]["body"] = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    payload["scenario"]["steps"][0]["title"] = "<b>Bold</b> title"
    draft = read_draft(payload)
    assert draft.scenario.steps[0].body == "<p>Hi</p>"
    assert draft.scenario.steps[0].title == "Bold title"


def test_each_bad_field_is_named_by_its_path_and_the_step_it_belongs_to():
    payload = _draft()
    choice = payload["scenario"]["steps"][0]["choices"][0]
    choice["points"] = "three"
    choice["expert"] = "yes"
    payload["scenario"]["steps"][0]["title"] = "   "
    payload["scenario"]["endings"][0]["outcome"] = "great"
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.steps.0.choices.0.points", "scenario.steps.0.choices.0.expert",
                           "scenario.steps.0.title", "scenario.endings.0.outcome"}
    assert errors["scenario.steps.0.choices.0.points"].node == "s1"
    assert errors["scenario.steps.0.choices.0.points"].text() == "This must be a whole number."


def test_a_bad_field_still_leaves_a_scenario_to_validate_and_draw():
    payload = _draft()
    payload["scenario"]["steps"][0]["choices"][0]["points"] = True
    draft = read_draft(payload)
    assert draft.scenario.steps[0].choices[0].points == 0
    assert draft.scenario.steps[0].choices[0].to == "end"


def test_ids_must_be_short_words_and_choice_ids_unique_within_a_step():
    payload = _draft()
    step = payload["scenario"]["steps"][0]
    step["id"] = "has space"
    step["choices"].append(dict(step["choices"][0]))
    errors = _fields(read_draft(payload))
    assert "scenario.steps.0.id" in errors
    assert "scenario.steps.0.choices.1.id" in errors


def test_a_choice_without_a_target_is_not_a_field_error_but_a_draft_the_core_will_flag():
    payload = _draft()
    payload["scenario"]["steps"][0]["choices"][0]["to"] = ""
    draft = read_draft(payload)
    assert draft.errors == []
    assert draft.scenario.steps[0].choices[0].to == ""


def test_an_image_needs_a_safe_address():
    payload = _draft()
    payload["scenario"]["steps"][0]["image"] = {"src": "javascript:alert(1)", "alt": "x"}
    assert "scenario.steps.0.image.src" in _fields(read_draft(payload))
    payload["scenario"]["steps"][0]["image"] = {"src": "/static/map.png", "alt": "A map"}
    assert read_draft(payload).scenario.steps[0].image.src == "/static/map.png"


def test_the_payload_and_its_parts_must_be_objects_and_lists():
    assert {error.field for error in read_draft([]).errors} >= {"", "scenario", "settings"}
    errors = _fields(read_draft({"scenario": {"steps": "many"}, "settings": SETTINGS}))
    assert set(errors) == {"scenario.steps"}


def test_settings_are_checked_one_by_one():
    settings, errors = read_settings({**SETTINGS, "scoring": "stars", "max_attempts": -1, "weight": "heavy",
                                      "pillar": "Border Management", "show_expert_path": "true", "colour": "red"})
    assert {error.field for error in errors} == {"settings.scoring", "settings.max_attempts", "settings.weight",
                                                 "settings.pillar", "settings.show_expert_path", "settings.colour"}
    assert settings["scoring"] == "path"


def test_settings_go_to_olx_attributes_and_back_unchanged():
    attributes = settings_to_attributes(SETTINGS)
    assert attributes["weight"] == "1.5" and attributes["show_expert_path"] == "true"
    settings, errors = attributes_to_settings(attributes, SETTINGS)
    assert errors == [] and settings == SETTINGS


def test_missing_attributes_take_the_defaults_and_unknown_ones_are_refused():
    settings, errors = attributes_to_settings({"scoring": "ending", "url_name": "x", "bogus": "1"}, SETTINGS)
    assert settings["scoring"] == "ending" and settings["display_name"] == "Case"
    assert [error.field for error in errors] == ["settings.bogus"]


def test_keys_the_editor_never_sends_are_refused_where_they_appear():
    payload = _draft()
    payload["extra"] = 1
    payload["scenario"]["steps"][0]["colour"] = "red"
    payload["scenario"]["steps"][0]["choices"][0]["hint"] = "psst"
    assert set(_fields(read_draft(payload))) == {"extra", "scenario.steps.0.colour", "scenario.steps.0.choices.0.hint"}


_IDS = st.from_regex(r"[a-z0-9_][a-z0-9_.:-]{0,12}", fullmatch=True)
_TEXT = st.text(alphabet="abc xyzÄəşчж?!", min_size=1, max_size=20).map(lambda text: " ".join(text.split()))
_TEXT = _TEXT.filter(bool)
_HTML = st.sampled_from(["", "<p>Plain</p>", "<p>A <strong>bold</strong> move</p>", "<ul><li>one</li></ul>",
                         '<p><a href="https://example.org" rel="noopener noreferrer">link</a></p>'])


@st.composite
def _scenarios(draw):
    ids = draw(st.lists(_IDS, min_size=1, max_size=6, unique=True))
    split = draw(st.integers(0, len(ids)))
    steps = []
    for step_id in ids[:split]:
        choice_ids = draw(st.lists(_IDS, max_size=3, unique=True))
        steps.append(Step(step_id, draw(_TEXT), draw(_HTML), None, tuple(
            Choice(choice_id, draw(_TEXT), draw(st.sampled_from(ids + [""])), draw(st.integers(-5, 5)),
                   draw(st.booleans()), draw(_HTML)) for choice_id in choice_ids)))
    endings = [Ending(ending_id, draw(_TEXT), draw(_HTML), draw(st.sampled_from(OUTCOMES)), draw(st.integers(0, 9)))
               for ending_id in ids[split:]]
    start = draw(st.sampled_from([None] + ids[:split]))
    return Scenario(draw(_HTML), tuple(steps), tuple(endings), start)


@settings(max_examples=200, deadline=None)
@given(_scenarios())
def test_any_scenario_the_editor_shows_reads_back_unchanged(scenario):
    draft = read_draft({"scenario": scenario.to_dict(), "settings": dict(SETTINGS)})
    assert draft.errors == []
    assert draft.scenario == scenario


_SURROGATES = st.sampled_from(["\ud800", "a\udfffb"])  # JSON lets lone surrogates through
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | _SURROGATES
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
_KEYS = st.sampled_from(["scenario", "settings", "steps", "endings", "choices", "id", "title", "to", "points", "image",
                         "src", "weight", "max_attempts", "start", "intro", "outcome", "expert"])
_SHAPED = st.recursive(_JSON, lambda inner: st.dictionaries(_KEYS | _SURROGATES, inner, max_size=5)
                       | st.lists(inner, max_size=3), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_SHAPED)
def test_any_json_at_all_is_read_into_field_errors_never_an_exception(data):
    draft = read_draft(data)
    # what live validation does next with it must not fail either, and its answer must be sendable
    problems = validate(draft.scenario, draft.settings["scoring"])
    answer = {"fields": [[error.field, error.text(), error.node] for error in draft.errors],
              "problems": [[problem.text(), problem.node] for problem in problems],
              "layout": layout(draft.scenario).to_dict(), "scenario": draft.scenario.to_dict()}
    json.dumps(answer, ensure_ascii=False).encode("utf-8")
