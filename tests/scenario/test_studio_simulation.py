"""The scenario editor's server side for simulations, in the workbench: the competency ids it offers, live
validation of hostile simulation drafts (400s and field errors, never a 500), and the round trip of every
simulation field from the editor's payload through the saved block and its OLX back to the payload."""
import json

from lxml import etree

from rtcm_xblocks.needs.framework import load_framework
from tests.scenario.test_studio import STAFF, _draft, _init_args
from tests.workbench import get_block, load_scenario

CASE = """
<rtcm_scenario display_name="Border night" pillar="border" scoring="path">
  <step id="arrival" title="Arrival">
    <body><p>Two travellers.</p></body>
    <choice id="separate" to="referred" points="3" expert="true"><label>Separate them</label></choice>
    <choice id="stamp" to="waved" points="0"><label>Stamp the passports</label></choice>
  </step>
  <ending id="referred" title="Referred" outcome="good"><body><p>Well done.</p></body></ending>
  <ending id="waved" title="Waved through" outcome="bad"><body><p>Missed.</p></body></ending>
</rtcm_scenario>
"""


def _simulation(usage_id):
    """The editor's payload for the saved case with every simulation field filled in."""
    draft = _draft(usage_id)
    scenario = draft["scenario"]
    scenario["variables"] = [
        {"id": "trust", "type": "number", "initial": 1, "min": 0, "max": 5, "label": "Trust", "shown": True},
        {"id": "asked_papers", "type": "flag", "initial": False, "label": "", "shown": False}]
    scenario["characters"] = [{"id": "aigerim", "name": "Aigerim, the traveller", "portrait": "/static/aigerim.png"}]
    arrival = scenario["steps"][0]
    arrival.update(
        variants=[{"when": "trust >= 2", "body": "<p>She looks at you.</p>"}],
        media={"type": "video", "src": "/static/arrival.mp4", "captions": "/static/arrival.vtt",
               "captions_lang": "en", "transcript": "<p>Noise of the hall.</p>"},
        lines=[{"by": "aigerim", "when": "not asked_papers", "body": "<p>Where is my passport?</p>"}],
        hint={"body": "<p>Who answers for her?</p>", "cost": 1}, time_limit=60, fixed_order=True)
    arrival["choices"][0].update(
        when="trust >= 1", effects=[{"op": "set", "var": "asked_papers", "value": True},
                                    {"op": "add", "var": "trust", "value": 1}],
        competencies=[{"id": "law-rights.non-refoulement", "points": 2}, {"id": "border.interview", "points": -1}])
    arrival["choices"].append({"id": "too_slow", "label": "You hesitated", "to": "waved", "points": 0,
                               "expert": False, "feedback": "", "timeout": True})
    draft["settings"].update(shuffle_choices=True, allow_back=True)
    return draft


def test_the_editor_is_given_the_default_frameworks_competency_ids(workbench):
    name, _usage_id = load_scenario(CASE)
    args = _init_args(workbench.page(name, student=STAFF, view="studio_view"))
    ids = [pair[0] for pair in args["competencies"]]
    assert ids == [competency.id for competency in load_framework("rtcm-default").competencies]
    assert "law-rights.non-refoulement" in ids and "trafficking.indicators" in ids
    assert args["settings"]["shuffle_choices"] is False and args["settings"]["allow_back"] is False


def test_a_simulation_is_saved_and_comes_back_from_the_block_and_its_olx_unchanged(workbench):
    _name, usage_id = load_scenario(CASE)
    draft = _simulation(usage_id)
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200 and report["fields"] == []
    status, saved = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200, saved
    assert saved["scenario"] == draft["scenario"]
    assert saved["settings"] == draft["settings"]
    block = get_block(usage_id, STAFF)
    assert block.scenario == dict(draft["scenario"], shuffle_choices=True, allow_back=True)

    status, olx = workbench.call(usage_id, "draft_olx", draft, student=STAFF)
    assert status == 200
    status, parsed = workbench.call(usage_id, "parse_olx", {"olx": olx["olx"]}, student=STAFF)
    assert status == 200, parsed
    assert parsed["scenario"] == draft["scenario"] and parsed["settings"] == draft["settings"]

    node = etree.Element("rtcm_scenario")
    block.add_xml_to_node(node)
    name_again, usage_again = load_scenario(etree.tostring(node, encoding="unicode"))
    args = _init_args(workbench.page(name_again, student=STAFF, view="studio_view"))
    assert args["scenario"] == draft["scenario"] and args["settings"] == draft["settings"]
    assert get_block(usage_again, STAFF).scenario == dict(draft["scenario"], shuffle_choices=True, allow_back=True)


def test_hostile_simulation_drafts_get_field_errors_and_change_nothing(workbench):
    _name, usage_id = load_scenario(CASE)
    before = json.dumps(get_block(usage_id, STAFF).scenario, sort_keys=True)
    draft = _simulation(usage_id)
    scenario = draft["scenario"]
    scenario["variables"][0]["max"] = 123456789  # sent as 5,000 digits first
    body = json.dumps(draft).replace("123456789", "9" * 5000).encode("utf-8")
    for handler in ("validate_draft", "studio_submit"):
        status, answer = workbench.call(usage_id, handler, raw=body, student=STAFF)
        assert (status, answer["error"]) == (400, "invalid_number")
    scenario["variables"][0]["max"] = 10 ** 12
    scenario["variables"][0]["label"] = "<script>alert(1)</script>"
    scenario["characters"][0]["portrait"] = "javascript:alert(1)"
    arrival = scenario["steps"][0]
    arrival["choices"][0]["when"] = "trust > 1 and " * 7_200
    arrival["choices"][0]["effects"] = [{"op": "add", "var": "patience", "value": 1}] * 1000
    arrival["lines"][0]["by"] = "nobody"
    for handler in ("validate_draft", "studio_submit", "draft_olx"):
        status, answer = workbench.call(usage_id, handler, draft, student=STAFF)
        assert status in (200, 400), answer
        fields = {error["field"] for error in (answer["fields"] if status == 200 else answer["errors"])}
        assert fields == {"scenario.variables.0.max", "scenario.characters.0.portrait",
                          "scenario.steps.0.choices.0.when", "scenario.steps.0.choices.0.effects",
                          "scenario.steps.0.choices.0.effects.0.var", "scenario.steps.0.choices.0.effects.1.var",
                          *(f"scenario.steps.0.choices.0.effects.{index}.var" for index in range(20)),
                          "scenario.steps.0.lines.0.by"}
        assert len(json.dumps(answer)) < 50_000 and "<script>" not in json.dumps(answer)
    assert json.dumps(get_block(usage_id, STAFF).scenario, sort_keys=True) == before


def test_a_condition_naming_an_unknown_variable_is_an_error_at_its_field(workbench):
    _name, usage_id = load_scenario(CASE)
    draft = _simulation(usage_id)
    draft["scenario"]["steps"][0]["variants"][0]["when"] = "trsut >= 2"
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200
    [error] = report["fields"]
    assert error["field"] == "scenario.steps.0.variants.0.when" and error["node"] == "arrival"
    assert "trsut" in error["message"]


def test_a_problem_named_at_its_field_is_listed_once_not_again_as_a_graph_problem(workbench):
    _name, usage_id = load_scenario(CASE)
    draft = _simulation(usage_id)
    arrival = draft["scenario"]["steps"][0]
    arrival["choices"][0]["when"] = "patience > 1"
    arrival["choices"][0]["effects"][0]["var"] = "ghost"
    arrival["lines"][0]["by"] = "nobody"
    arrival["media"].update(captions="", transcript="")
    draft["scenario"]["variables"].append(dict(draft["scenario"]["variables"][0]))
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200
    assert {error["field"] for error in report["fields"]} == {
        "scenario.steps.0.choices.0.when", "scenario.steps.0.choices.0.effects.0.var", "scenario.steps.0.lines.0.by",
        "scenario.steps.0.media.captions", "scenario.variables.2.id"}
    codes = {problem["code"] for problem in report["problems"]}
    assert not codes & {"bad_condition", "bad_effect", "unknown_character", "missing_transcript", "duplicate_id"}
    assert report["summary"]["errors"] == 5 + len(report["problems"])


def test_the_preview_follows_the_state_reveals_hints_and_lets_time_run_out_without_a_clock(workbench):
    _name, usage_id = load_scenario(CASE)
    draft = _simulation(usage_id)
    draft["scenario"]["steps"][0]["choices"][0]["when"] = "trust >= 2"  # not offered while trust is 1
    status, saved = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200, saved
    status, state = workbench.call(usage_id, "preview", {"choices": []}, student=STAFF)
    assert status == 200
    step = state["step"]
    assert [choice["id"] for choice in step["choices"]] == ["stamp"]  # the clock does not hold them back
    assert step["timer"]["started"] is False and step["hint"] == {"cost": 1, "revealed": False, "body": None}
    assert state["variables"] == [{"id": "trust", "label": "Trust", "type": "number", "value": 1, "min": 0, "max": 5}]
    assert step["lines"][0]["speaker"] == "Aigerim, the traveller"
    status, state = workbench.call(usage_id, "preview", {"choices": [{"step": "arrival", "hint": True}]},
                                   student=STAFF)
    assert status == 200 and state["step"]["hint"]["body"] == "<p>Who answers for her?</p>"
    moves = [{"step": "arrival", "hint": True}, {"step": "arrival", "timed_out": True}]
    status, state = workbench.call(usage_id, "preview", {"choices": moves}, student=STAFF)
    assert status == 200 and state["finished"] and state["ending"]["id"] == "waved"
    assert state["path"][0]["choice"] == "too_slow" and state["path"][0]["timed_out"] is True
    assert get_block(usage_id, STAFF).user_state == {}
    for bad in ([{"step": "arrival", "choice": "too_slow"}], [{"step": "arrival", "hint": True, "choice": "stamp"}],
                [{"step": "arrival", "timed_out": "yes"}], [{"step": "arrival", "choice": "separate"}]):
        status, error = workbench.call(usage_id, "preview", {"choices": bad}, student=STAFF)
        assert status == 400 and error["error"] in ("unknown_choice", "invalid_body"), bad
