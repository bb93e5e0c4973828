"""Reading the Studio editor's draft: field-by-field errors, sanitising, settings to and from OLX attributes."""
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario.draft import (attributes_to_settings, editor_scenario, read_draft, read_settings,
                                         settings_to_attributes)
from rtcm_xblocks.scenario.graph import OUTCOMES, Choice, Ending, Scenario, Step
from rtcm_xblocks.scenario.validation import validate
from rtcm_xblocks.scenario.model import (Character, CompetencyPoints, Effect, Hint, Line, Media, Variable,
                                         Variant)
from rtcm_xblocks.scenario.layout import layout

SETTINGS = {"display_name": "Case", "pillar": "border", "scoring": "path", "grading": "best", "max_attempts": 2,
            "weight": 1.5, "show_expert_path": True, "shuffle_choices": True, "allow_back": False}


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
    assert editor_scenario(draft.scenario) == payload["scenario"]
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
    assert draft.scenario == replace(scenario, shuffle_choices=True)  # the flags come from the settings


_SURROGATES = st.sampled_from(["\ud800", "a\udfffb"])  # JSON lets lone surrogates through
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | _SURROGATES
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
_KEYS = st.sampled_from(["scenario", "settings", "steps", "endings", "choices", "id", "title", "to", "points", "image",
                         "src", "weight", "max_attempts", "start", "intro", "outcome", "expert", "variables",
                         "characters", "variants", "media", "lines", "hint", "time_limit", "when", "effects",
                         "competencies", "var", "op", "value", "by", "cost", "type", "initial", "min", "max"])
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


# --- simulations: variables, characters, variants, media, lines, hints, time, conditions, effects, competencies

def _simulation():
    payload = _draft(
        variables=[{"id": "trust", "type": "number", "initial": 1, "min": 0, "max": 5, "label": "Trust",
                    "shown": True},
                   {"id": "asked", "type": "flag", "initial": False, "label": "", "shown": False}],
        characters=[{"id": "aigerim", "name": "Aigerim, the traveller", "portrait": "/static/aigerim.png"}])
    step = payload["scenario"]["steps"][0]
    step.update(variants=[{"when": "trust >= 2", "body": "<p>She trusts you.</p>"}],
                media={"type": "video", "src": "/static/arrival.mp4", "captions": "/static/arrival.vtt",
                       "captions_lang": "en", "transcript": "<p>Words</p>"},
                lines=[{"by": "aigerim", "when": "not asked", "body": "<p>Hello.</p>"}],
                hint={"body": "<p>Who answers for her?</p>", "cost": 1}, time_limit=60, fixed_order=True)
    step["choices"][0].update(when="trust >= 1 and not asked", effects=[
        {"op": "set", "var": "asked", "value": True}, {"op": "add", "var": "trust", "value": 1}],
        competencies=[{"id": "law-rights.non-refoulement", "points": 2}])
    step["choices"].append({"id": "slow", "label": "You hesitated", "to": "end", "points": 0, "expert": False,
                            "feedback": "", "timeout": True})
    return payload


def test_every_part_of_a_simulation_reads_into_the_model_and_back_to_the_same_dict():
    payload = _simulation()
    draft = read_draft(payload)
    assert draft.errors == []
    assert editor_scenario(draft.scenario) == payload["scenario"]
    step = draft.scenario.steps[0]
    assert draft.scenario.variable("trust").max == 5 and draft.scenario.variable("asked").is_flag
    assert step.lines[0].by == "aigerim" and step.hint.cost == 1 and step.time_limit == 60 and step.fixed_order
    assert step.timeout_choice.id == "slow"
    assert [effect.op for effect in step.choices[0].effects] == ["set", "add"]
    assert step.choices[0].competencies[0].points == 2


def test_a_variable_needs_a_name_of_the_condition_language_and_a_start_within_its_bounds():
    payload = _simulation()
    variables = payload["scenario"]["variables"]
    variables[0].update(id="2trust", initial=9)
    variables[1].update(id="not", initial="no")
    variables.append({"id": "big", "type": "number", "initial": 0, "min": 10 ** 5000, "max": -2})
    variables.append({"id": "odd", "type": "colour", "label": "<script>alert(1)</script>Odd"})
    variables.append(dict(variables[-1]))
    draft = read_draft(payload)
    errors = _fields(draft)
    assert {"scenario.variables.0.id", "scenario.variables.0.initial", "scenario.variables.1.id",
            "scenario.variables.1.initial", "scenario.variables.2.min", "scenario.variables.3.type",
            "scenario.variables.4.id"} <= set(errors)
    assert "between 0 and 5" in errors["scenario.variables.0.initial"].text()
    assert draft.scenario.variables[3].label == "Odd"
    json.dumps([error.text() for error in draft.errors])


def test_bounds_must_be_in_order_and_within_a_million():
    payload = _simulation()
    payload["scenario"]["variables"][0].update(min=3, max=2, initial=3)
    assert set(_fields(read_draft(payload))) == {"scenario.variables.0.max"}
    payload["scenario"]["variables"][0].update(min=-1_000_001, max=2, initial=0)
    assert set(_fields(read_draft(payload))) == {"scenario.variables.0.min"}


def test_characters_need_an_id_a_name_and_a_safe_portrait():
    payload = _simulation()
    payload["scenario"]["characters"].append({"id": "x y", "name": " ", "portrait": "javascript:alert(1)"})
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.characters.1.id", "scenario.characters.1.name",
                           "scenario.characters.1.portrait"}


def test_conditions_must_compile_against_the_drafts_own_variables():
    payload = _simulation()
    step = payload["scenario"]["steps"][0]
    step["variants"][0]["when"] = "trust >="
    step["lines"][0]["when"] = "patience > 2"
    step["choices"][0]["when"] = "trust and asked"
    step["variants"].append({"when": "", "body": "<p>always?</p>"})
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.steps.0.variants.0.when", "scenario.steps.0.lines.0.when",
                           "scenario.steps.0.choices.0.when", "scenario.steps.0.variants.1.when"}
    assert "patience" in errors["scenario.steps.0.lines.0.when"].text()
    assert errors["scenario.steps.0.lines.0.when"].node == "s1"
    translated = errors["scenario.steps.0.variants.0.when"].text(lambda message: "«" + message + "»")
    assert translated.startswith("«")


def test_a_condition_of_a_hundred_thousand_characters_is_refused_quickly_and_quoted_short():
    payload = _simulation()
    payload["scenario"]["steps"][0]["choices"][0]["when"] = "trust > 1 and " * 7_000 + "asked"
    errors = _fields(read_draft(payload))
    message = errors["scenario.steps.0.choices.0.when"].text()
    assert len(message) < 300


def test_a_line_must_be_said_by_a_character_of_the_case():
    payload = _simulation()
    payload["scenario"]["steps"][0]["lines"][0]["by"] = "officer"
    assert set(_fields(read_draft(payload))) == {"scenario.steps.0.lines.0.by"}


def test_media_need_safe_links_a_language_tag_and_captions_or_a_transcript():
    payload = _simulation()
    step = payload["scenario"]["steps"][0]
    step["media"] = {"type": "film", "src": "javascript:alert(1)", "captions": "data:text/vtt,x",
                     "captions_lang": "english please", "transcript": "<script>x</script>"}
    errors = _fields(read_draft(payload))
    assert {"scenario.steps.0.media.type", "scenario.steps.0.media.src", "scenario.steps.0.media.captions",
            "scenario.steps.0.media.captions_lang"} <= set(errors)
    step["media"] = {"type": "audio", "src": "https://example.org/a.mp3", "captions": "", "captions_lang": "",
                     "transcript": ""}
    assert set(_fields(read_draft(payload))) == {"scenario.steps.0.media.transcript"}
    step["media"]["transcript"] = "<p onclick='x()'>Said</p>"
    draft = read_draft(payload)
    assert draft.errors == [] and draft.scenario.steps[0].media.transcript == "<p>Said</p>"


def test_a_hint_has_text_and_a_cost_up_to_a_thousand_and_a_time_limit_is_0_or_5_to_3600_seconds():
    payload = _simulation()
    step = payload["scenario"]["steps"][0]
    step["hint"] = {"body": "<p> </p>", "cost": 1001}
    step["time_limit"] = 4
    step["fixed_order"] = "yes"
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.steps.0.hint.body", "scenario.steps.0.hint.cost", "scenario.steps.0.time_limit",
                           "scenario.steps.0.fixed_order"}
    for limit, fine in ((0, True), (5, True), (3600, True), (3601, False), (-1, False), (10 ** 5000, False)):
        step["time_limit"] = limit
        assert ("scenario.steps.0.time_limit" not in _fields(read_draft(payload))) is fine


def test_effects_name_declared_variables_with_values_of_their_type():
    payload = _simulation()
    choice = payload["scenario"]["steps"][0]["choices"][0]
    choice["effects"] = [{"op": "add", "var": "asked", "value": True}, {"op": "set", "var": "trust", "value": True},
                         {"op": "set", "var": "ghost", "value": 1}, {"op": "times", "var": "trust", "value": 2},
                         {"op": "add", "var": "trust", "value": 10 ** 5000}]
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.steps.0.choices.0.effects.0.op", "scenario.steps.0.choices.0.effects.1.value",
                           "scenario.steps.0.choices.0.effects.2.var", "scenario.steps.0.choices.0.effects.3.op",
                           "scenario.steps.0.choices.0.effects.4.value"}


def test_competency_points_name_a_competency_once_with_whole_points():
    payload = _simulation()
    choice = payload["scenario"]["steps"][0]["choices"][0]
    choice["competencies"] = [{"id": "Law Rights", "points": 1}, {"id": "border.documents", "points": 1001},
                              {"id": "border.documents", "points": -3}]
    errors = _fields(read_draft(payload))
    assert set(errors) == {"scenario.steps.0.choices.0.competencies.0.id",
                           "scenario.steps.0.choices.0.competencies.1.points",
                           "scenario.steps.0.choices.0.competencies.2.id"}


def test_long_lists_are_refused_once_and_read_only_up_to_their_limit():
    payload = _simulation()
    payload["scenario"]["variables"] = [{"id": f"v{index}"} for index in range(51)]
    choice = payload["scenario"]["steps"][0]["choices"][0]
    choice["when"] = ""
    choice["effects"] = [{"op": "add", "var": "v1", "value": 1}] * 1000
    choice["competencies"] = []
    payload["scenario"]["steps"][0]["lines"] = []
    payload["scenario"]["steps"][0]["variants"] = [{"when": "v1 > 0", "body": ""}] * 21
    draft = read_draft(payload)
    assert [error.field for error in draft.errors] == [
        "scenario.variables", "scenario.steps.0.choices.0.effects", "scenario.steps.0.variants"]
    assert len(draft.scenario.variables) == 50 and len(draft.scenario.steps[0].choices[0].effects) == 20


def test_the_new_settings_are_flags_false_when_left_out_and_written_to_olx():
    settings, errors = read_settings({key: value for key, value in SETTINGS.items() if key not in (
        "shuffle_choices", "allow_back")})
    assert errors == [] and settings["shuffle_choices"] is False and settings["allow_back"] is False
    attributes = settings_to_attributes(SETTINGS)
    assert attributes["shuffle_choices"] == "true" and attributes["allow_back"] == "false"
    settings, errors = read_settings({**SETTINGS, "allow_back": "yes"})
    assert [error.field for error in errors] == ["settings.allow_back"]


_NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(lambda name: name not in (
    "and", "or", "not", "true", "false"))
_LINKS = st.sampled_from(["/static/a.mp4", "https://example.org/b.vtt", "/static/portrait.png"])


@st.composite
def _simulations(draw):
    """Valid simulations: every part a draft can hold, conditions and effects on the declared variables."""
    base = draw(_scenarios())
    names = draw(st.lists(_NAMES, max_size=4, unique=True))
    variables = []
    for name in names:
        if draw(st.booleans()):
            variables.append(Variable(name, "flag", draw(st.booleans()), label=draw(_TEXT), shown=draw(st.booleans())))
        else:
            low = draw(st.integers(-1_000_000, 1_000_000))
            high = draw(st.integers(low, 1_000_000))
            variables.append(Variable(name, "number", draw(st.integers(low, high)), low, high, draw(_TEXT),
                                      draw(st.booleans())))
    characters = tuple(Character(character_id, draw(_TEXT), draw(st.sampled_from(["", "/static/p.png"])))
                       for character_id in draw(st.lists(_IDS, max_size=3, unique=True)))

    def condition():
        if not variables:
            return ""
        variable = draw(st.sampled_from(variables))
        return f"not {variable.id}" if variable.is_flag else f"{variable.id} >= {draw(st.integers(-5, 5))}"

    def effect():
        variable = draw(st.sampled_from(variables))
        if variable.is_flag:
            return Effect("set", variable.id, draw(st.booleans()))
        return Effect(draw(st.sampled_from(["set", "add"])), variable.id, draw(st.integers(-1_000_000, 1_000_000)))

    steps = []
    for step in base.steps:
        choices = tuple(Choice(choice.id, choice.label, choice.to, choice.points, choice.expert, choice.feedback,
                               when=condition(), timeout=draw(st.booleans()),
                               effects=tuple(effect() for _ in range(draw(st.integers(0, 3)))) if variables else (),
                               competencies=tuple(CompetencyPoints(item, draw(st.integers(-1000, 1000))) for item in
                                                  draw(st.lists(st.sampled_from(["border.documents", "data.sources",
                                                                                 "law-rights.children"]),
                                                                unique=True, max_size=2))))
                        for choice in step.choices)
        media = draw(st.none() | st.builds(Media, st.sampled_from(["video", "audio"]), _LINKS,
                                           st.just("/static/c.vtt"), st.sampled_from(["", "en", "pt-BR"]),
                                           st.just("<p>Said</p>")))
        steps.append(Step(step.id, step.title, step.body, None, choices,
                          variants=tuple(Variant(condition(), draw(_HTML)) for _ in range(draw(st.integers(0, 2))))
                          if variables else (),
                          media=media,
                          lines=tuple(Line(draw(st.sampled_from(characters)).id, draw(_HTML), condition())
                                      for _ in range(draw(st.integers(0, 2)))) if characters else (),
                          hint=draw(st.none() | st.builds(Hint, st.just("<p>Psst</p>"), st.integers(0, 1000))),
                          time_limit=draw(st.sampled_from([0, 5, 60, 3600])), fixed_order=draw(st.booleans())))
    return Scenario(base.intro, tuple(steps), base.endings, base.start, tuple(variables), characters)


@settings(max_examples=200, deadline=None)
@given(_simulations())
def test_any_simulation_the_editor_shows_reads_back_unchanged(scenario):
    draft = read_draft({"scenario": scenario.to_dict(), "settings": dict(SETTINGS)})
    assert draft.errors == []
    assert draft.scenario == replace(scenario, shuffle_choices=True)  # the flags come from the settings
