"""The scenario editor's server side in the workbench: views, validation, saving, OLX tab, preview, authors only."""
import json
import re
from types import SimpleNamespace

import pytest
from lxml import etree

from rtcm_xblocks.common.handlers import user_is_author as is_author
from tests.scenario.large import dense, exit_chain, to_olx
from tests.workbench import get_block, load_scenario

STAFF = "staff_author"
LEARNER = "learner_1"

OLX = """
<rtcm_scenario display_name="Screening" pillar="border" scoring="path" grading="best" max_attempts="2"
               weight="1" show_expert_path="true">
  <intro><p>Night shift.</p></intro>
  <step id="arrival" title="At the counter">
    <body><p>Two travellers.</p></body>
    <choice id="separate" to="interview" points="3" expert="true">
      <label>Separate them</label><feedback><p>Good: she can speak.</p></feedback>
    </choice>
    <choice id="stamp" to="waved" points="0">
      <label>Stamp the passports</label><feedback><p>Indicators missed.</p></feedback>
    </choice>
  </step>
  <step id="interview" title="The interview">
    <body><p>She speaks a little.</p></body>
    <choice id="refer" to="referred" points="2" expert="true">
      <label>Refer her</label><feedback><p>Referred.</p></feedback>
    </choice>
  </step>
  <ending id="referred" title="Referred" outcome="good" points="2"><body><p>Well done.</p></body></ending>
  <ending id="waved" title="Waved through" outcome="bad"><body><p>She was exploited.</p></body></ending>
</rtcm_scenario>
"""


@pytest.fixture
def scenario_block(workbench):  # pylint: disable=unused-argument
    """(scenario name, usage id) of a small valid scenario."""
    return load_scenario(OLX)


def _init_args(page):
    """The JSON the studio_view hands to its JavaScript (in a JSON script element of its own)."""
    match = re.search(r'<script type="application/json" class="rtcm-studio__data">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def _draft(usage_id):
    """The editor's payload for the saved block, as the studio_view hands it to the editor."""
    return {"scenario": _saved(usage_id), "settings": _settings(usage_id)}


def _saved(usage_id):
    return json.loads(json.dumps(get_block(usage_id, STAFF).scenario))


def _settings(usage_id):
    block = get_block(usage_id, STAFF)
    return {"display_name": block.display_name, "pillar": block.pillar, "scoring": block.scoring,
            "grading": block.grading, "max_attempts": block.max_attempts, "weight": block.weight,
            "show_expert_path": block.show_expert_path,
            "shuffle_choices": bool(getattr(block, "shuffle_choices", False)),
            "allow_back": bool(getattr(block, "allow_back", False))}


# --- views -------------------------------------------------------------------------------------


def test_the_studio_view_gives_the_editor_the_scenario_its_settings_problems_and_map(workbench, scenario_block):
    name, _usage = scenario_block
    page = workbench.page(name, student=STAFF, view="studio_view")
    assert 'class="rtcm-studio' in page
    args = _init_args(page)
    assert [step["id"] for step in args["scenario"]["steps"]] == ["arrival", "interview"]
    assert args["settings"]["pillar"] == "border" and args["settings"]["max_attempts"] == 2
    assert args["report"]["problems"] == []
    assert {box["id"] for box in args["report"]["layout"]["boxes"]} == {"arrival", "interview", "referred", "waved"}
    assert args["i18n_namespace"] == "RtcmScenarioI18N"


def test_a_learner_opening_the_studio_view_sees_no_answers(workbench, scenario_block):
    name, _usage = scenario_block
    page = workbench.page(name, student=LEARNER, view="studio_view")
    view = page.split('class="debug"')[0]  # the workbench prints the scenario's OLX below the view
    assert "Only the course team can edit this scenario." in view
    assert "Indicators missed" not in view and "xblock_json_init_args" not in view


def test_the_author_view_summarises_steps_endings_best_score_and_validation(workbench, scenario_block):
    name, _usage = scenario_block
    page = workbench.page(name, student=STAFF, view="author_view")
    assert re.search(r'data-role="steps">2<', page) and re.search(r'data-role="endings">2<', page)
    assert re.search(r'data-role="best">5 points<', page)
    assert "No problems: learners can play this scenario." in page
    assert "Preview as learner" in page


def test_the_author_view_lists_the_problems_of_a_broken_scenario(workbench):
    name, _usage = load_scenario('<rtcm_scenario><step id="a" title="A"><choice id="x" to="gone">'
                                 "<label>X</label></choice></step></rtcm_scenario>")
    page = workbench.page(name, student=STAFF, view="author_view")
    # Studio closes the editor on a save (notify "save" end) and re-renders this view: the draft notice lives here.
    assert "Saved as a draft with 3 problems: learners cannot play this scenario until they are fixed." in page
    assert "neither a step nor an ending" in page


# --- live validation ---------------------------------------------------------------------------


def test_validating_a_draft_names_a_dangling_choice_and_marks_unreachable_steps(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][1]["choices"].append(
        {"id": "wait", "label": "Wait", "to": "", "points": 0, "expert": False, "feedback": ""})
    draft["scenario"]["steps"].append({"id": "lost", "title": "Lost", "body": "", "image": None, "choices": [
        {"id": "back", "label": "Back", "to": "arrival", "points": 0, "expert": False, "feedback": ""}]})
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200
    codes = {(problem["code"], problem["node"]) for problem in report["problems"]}
    assert ("unknown_target", "interview") in codes and ("unreachable", "lost") in codes
    dangling = next(p for p in report["problems"] if p["code"] == "unknown_target")
    assert dangling["message"] == 'Choice "wait" of step "interview" does not lead anywhere yet: choose where it leads.'
    assert report["summary"] == {"steps": 3, "endings": 2, "best": 5, "errors": 2}
    assert any(box["id"] == "lost" for box in report["layout"]["boxes"])


def test_validating_a_draft_reports_field_errors_without_refusing_it(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][0]["choices"][0]["points"] = "many"
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200
    assert report["fields"] == [{"field": "scenario.steps.0.choices.0.points",
                                 "message": "This must be a whole number.", "node": "arrival"}]


def test_scoring_changes_what_validation_asks_for(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["settings"]["scoring"] = "ending"
    for ending in draft["scenario"]["endings"]:
        ending["points"] = 0
    status, report = workbench.call(usage_id, "validate_draft", draft, student=STAFF)
    assert status == 200
    assert [problem["code"] for problem in report["problems"]] == ["unattainable_score"]


# --- saving ------------------------------------------------------------------------------------


def test_saving_stores_the_sanitised_scenario_and_settings_and_learners_play_it(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][0]["title"] = "At the <b>counter</b>"
    draft["scenario"]["steps"][0]["body"] = '<p>Two <em>tired</em> travellers.<script>alert(1)</script></p>'
    draft["settings"].update(display_name="Screening, revised", max_attempts=0, scoring="ending")
    status, saved = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200 and saved["saved"] is True
    block = get_block(usage_id, STAFF)
    assert block.scenario["steps"][0]["title"] == "At the counter"
    assert block.scenario["steps"][0]["body"] == "<p>Two <em>tired</em> travellers.</p>"
    assert (block.display_name, block.max_attempts, block.scoring) == ("Screening, revised", 0, "ending")
    assert saved["scenario"] == block.scenario
    status, state = workbench.call(usage_id, "get_state", {}, student=LEARNER)
    assert status == 200 and state["step"]["body"] == "<p>Two <em>tired</em> travellers.</p>"


def test_a_draft_with_a_bad_field_is_refused_field_by_field_and_nothing_is_saved(workbench, scenario_block):
    _name, usage_id = scenario_block
    before = _saved(usage_id)
    draft = _draft(usage_id)
    draft["scenario"]["steps"][0]["title"] = "Changed"
    draft["scenario"]["endings"][0]["outcome"] = "splendid"
    draft["settings"]["max_attempts"] = -3
    status, error = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 400 and error["error"] == "invalid_fields"
    assert {item["field"] for item in error["errors"]} == {"scenario.endings.0.outcome", "settings.max_attempts"}
    assert "settings.max_attempts" in error["message"]
    assert _saved(usage_id) == before and get_block(usage_id, STAFF).max_attempts == 2


@pytest.mark.parametrize("body", [{}, {"scenario": [], "settings": {}}, {"scenario": {}, "settings": None}])
def test_a_malformed_save_is_a_400_not_a_500(workbench, scenario_block, body):
    _name, usage_id = scenario_block
    status, error = workbench.call(usage_id, "studio_submit", body, student=STAFF)
    assert status == 400 and error["error"] == "invalid_fields"


def test_a_draft_with_graph_problems_is_saved_and_studio_validation_shows_them(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][1]["choices"][0]["to"] = ""
    status, saved = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200
    assert [problem["code"] for problem in saved["problems"]] == ["unknown_target", "dead_end", "unreachable",
                                                                   "unattainable_score"]
    messages = [message.text for message in get_block(usage_id, STAFF).validate().messages]
    assert any("neither a step nor an ending" in message for message in messages)


def test_learners_cannot_use_any_authoring_handler(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    for handler, body in (("studio_submit", draft), ("validate_draft", draft), ("draft_olx", draft),
                          ("parse_olx", {"olx": OLX}), ("preview", {"choices": []})):
        status, error = workbench.call(usage_id, handler, body, student=LEARNER)
        assert (status, error["error"]) == (403, "forbidden"), handler


# --- round trip ----------------------------------------------------------------------------------


def test_editor_payload_saved_exported_and_imported_gives_the_same_scenario(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"].append({
        "id": "interpreter", "title": "Who interprets?", "body": "<p>Pick <strong>one</strong>:</p><ul><li>a</li></ul>",
        "image": {"src": "/static/room.jpg", "alt": "An interview room"},
        "choices": [{"id": "pro", "label": "A sworn interpreter", "to": "referred", "points": 2, "expert": True,
                     "feedback": '<p>See <a href="https://example.org/guide">the guide</a>.</p>'}]})
    draft["scenario"]["steps"][1]["choices"].append(
        {"id": "ask", "label": "Ask for help", "to": "interpreter", "points": -1, "expert": False, "feedback": ""})
    draft["scenario"]["start"] = "arrival"
    draft["settings"].update(weight=2.5, show_expert_path=False, grading="last")
    status, saved = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200
    node = etree.Element("rtcm_scenario")
    get_block(usage_id, STAFF).add_xml_to_node(node)
    exported = etree.tostring(node, encoding="unicode")
    name_again, usage_again = load_scenario(exported)
    page = workbench.page(name_again, student=STAFF, view="studio_view")
    args = _init_args(page)
    assert args["scenario"] == saved["scenario"]
    assert args["settings"] == saved["settings"]


def test_the_olx_tab_shows_a_draft_as_olx_and_reads_it_back(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][0]["title"] = "Renamed in the editor"
    status, data = workbench.call(usage_id, "draft_olx", draft, student=STAFF)
    assert status == 200 and 'title="Renamed in the editor"' in data["olx"]
    assert "<feedback>" in data["olx"] and "&lt;p&gt;" not in data["olx"]
    status, parsed = workbench.call(usage_id, "parse_olx", {"olx": data["olx"]}, student=STAFF)
    assert status == 200
    assert parsed["scenario"] == draft["scenario"]
    assert parsed["settings"] == draft["settings"]
    assert parsed["report"]["problems"] == []


def test_olx_that_is_not_well_formed_is_pointed_out_by_line(workbench, scenario_block):
    _name, usage_id = scenario_block
    text = ('<rtcm_scenario display_name="x">\n  <step id="a" title="A">\n    <body><p>open</body>\n'
            "  </step>\n</rtcm_scenario>")
    status, error = workbench.call(usage_id, "parse_olx", {"olx": text}, student=STAFF)
    assert status == 400 and error["error"] == "olx_syntax"
    assert error["errors"][0]["line"] == 3


def test_olx_with_an_unknown_element_or_attribute_is_refused_with_a_message(workbench, scenario_block):
    _name, usage_id = scenario_block
    status, error = workbench.call(usage_id, "parse_olx", {
        "olx": '<rtcm_scenario>\n<step id="a" title="A">\n<colour/>\n</step>\n</rtcm_scenario>'}, student=STAFF)
    assert status == 400 and error["error"] == "olx_invalid" and "colour" in error["message"]
    status, error = workbench.call(usage_id, "parse_olx", {"olx": '<rtcm_scenario scoring="stars"/>'}, student=STAFF)
    assert status == 400 and error["errors"][0]["field"] in ("settings.scoring", "olx")


@pytest.mark.parametrize("body", [{}, {"olx": ""}, {"olx": 5},
                                  {"olx": "<!DOCTYPE x [<!ENTITY a 'b'>]><rtcm_scenario/>"}])
def test_empty_or_unsafe_olx_is_a_400(workbench, scenario_block, body):
    _name, usage_id = scenario_block
    status, error = workbench.call(usage_id, "parse_olx", body, student=STAFF)
    assert status == 400 and error["error"] in ("invalid_olx", "olx_invalid", "olx_syntax")


@pytest.mark.parametrize("handler, raw", [
    ("parse_olx", b'{"olx": "<rtcm_scenario display_name=\\"\\ud800\\"/>"}'),
    ("studio_submit", b'{"scenario": {"intro": "\\ud800"}, "settings": {}}'),
    ("validate_draft", b'{"scenario": {"steps": [{"id": "\\udfff"}]}, "\\ud800": 1}'),
])
def test_text_with_lone_surrogates_is_refused_or_reported_not_a_500(workbench, scenario_block, handler, raw):
    _name, usage_id = scenario_block
    status, answer = workbench.call(usage_id, handler, raw=raw, student=STAFF)
    assert status in (200, 400) and isinstance(answer, dict)
    assert status == 200 or answer["error"] in ("invalid_json", "invalid_olx", "invalid_fields")


# --- preview -----------------------------------------------------------------------------------


def test_the_preview_plays_the_saved_scenario_to_an_ending_and_records_nothing(workbench, scenario_block):
    _name, usage_id = scenario_block
    status, state = workbench.call(usage_id, "preview", {"choices": []}, student=STAFF)
    assert status == 200 and state["step"]["id"] == "arrival"
    assert state["step"]["choices"] == [{"id": "separate", "label": "Separate them"},
                                        {"id": "stamp", "label": "Stamp the passports"}]
    moves = [{"step": "arrival", "choice": "separate"}, {"step": "interview", "choice": "refer"}]
    status, state = workbench.call(usage_id, "preview", {"choices": moves}, student=STAFF)
    assert status == 200 and state["finished"] and state["ending"]["id"] == "referred"
    assert state["score"] == 1.0 and state["last_feedback"] == "<p>Referred.</p>"
    assert [entry["choice"] for entry in state["expert_path"]] == ["separate", "refer"]
    assert get_block(usage_id, STAFF).user_state == {}


@pytest.mark.parametrize("choices", [
    [{"step": "interview", "choice": "refer"}],
    [{"step": "arrival", "choice": "nope"}],
    "all",
    [["arrival", "separate"]],
])
def test_a_preview_move_that_is_not_allowed_is_a_400(workbench, scenario_block, choices):
    _name, usage_id = scenario_block
    status, error = workbench.call(usage_id, "preview", {"choices": choices}, student=STAFF)
    assert status == 400 and error["error"] in ("not_current_step", "unknown_choice", "invalid_body")


# --- who is an author ----------------------------------------------------------------------------


class _Permissions:
    def __init__(self, allowed):
        self.allowed = allowed
        self.asked = []

    def can_write(self, course_key):
        self.asked.append(course_key)
        return self.allowed


def _studio_block(permissions, role=None):
    """A stand-in for a block in Studio's component handler: a user without role, and maybe the permission service."""
    user = SimpleNamespace(opt_attrs={"edx-platform.user_is_staff": False, "edx-platform.user_role": role or "student"})
    services = {"user": SimpleNamespace(get_current_user=lambda: user), "studio_user_permissions": permissions}
    runtime = SimpleNamespace(service=lambda block, name: services.get(name))
    usage_id = SimpleNamespace(context_key="course-v1:RTCM+1+2026")
    return SimpleNamespace(runtime=runtime, scope_ids=SimpleNamespace(usage_id=usage_id))


def test_in_studio_an_author_is_a_user_with_write_access_to_the_course():
    permissions = _Permissions(True)
    assert is_author(_studio_block(permissions)) is True
    assert permissions.asked == ["course-v1:RTCM+1+2026"]
    assert is_author(_studio_block(_Permissions(False))) is False


def test_without_studio_permissions_only_lms_staff_or_instructors_are_authors():
    assert is_author(_studio_block(None)) is False
    assert is_author(_studio_block(None, role="instructor")) is True


def test_the_block_asks_the_runtime_for_studio_permissions():
    from rtcm_xblocks.scenario.block import ScenarioBlock  # pylint: disable=import-outside-toplevel
    assert ScenarioBlock.service_declaration("studio_user_permissions") == "want"
    assert ScenarioBlock.service_declaration("i18n") == "need"


# --- at scale: the unit page computes no map, and pages stay small (sizes and calls, never time) ------


@pytest.fixture
def layout_calls(monkeypatch):
    """The scenarios the Studio side asked the map layout for (calls recorded, results unchanged)."""
    from rtcm_xblocks.scenario import studio  # pylint: disable=import-outside-toplevel

    calls = []

    def recorded(scenario, *args, **kwargs):
        calls.append(scenario)
        return layout(scenario, *args, **kwargs)

    layout = studio.layout
    monkeypatch.setattr(studio, "layout", recorded)
    return calls


def test_the_author_view_does_not_compute_the_map_it_never_shows(workbench, scenario_block, layout_calls):
    name, _usage = scenario_block
    page = workbench.page(name, student=STAFF, view="author_view")
    assert "rtcm-author" in page
    assert layout_calls == []
    workbench.page(name, student=STAFF, view="studio_view")
    assert len(layout_calls) == 1  # the editor, which draws the map, still gets it


def _sent(usage_id, view):
    """The bytes of a view's fragment as the page carries them: HTML (with the editor's data), JS, CSS, init arguments.

    (The workbench page around it also prints every field of the block for debugging, which no
    Open edX page does, so the page's own length would not measure the block.)
    """
    block = get_block(usage_id, STAFF)
    fragment = block.runtime.render(block, view, {})
    resources = sum(len((resource.data or "").encode("utf-8")) for resource in fragment.resources)
    return len(fragment.content.encode("utf-8")) + resources + len(json.dumps(fragment.json_init_args or {}))


def test_a_thousand_step_scenario_gives_small_editor_and_unit_pages_and_no_map(workbench):
    scenario = exit_chain(1000)
    _name, usage_id = load_scenario(to_olx(scenario))
    content = len(json.dumps(scenario.to_dict()).encode("utf-8"))
    assert _sent(usage_id, "studio_view") <= content + 200_000  # the scenario itself, not a map of it
    assert _sent(usage_id, "author_view") <= 100_000
    status, report = workbench.call(usage_id, "validate_draft", _draft(usage_id), student=STAFF)
    assert status == 200 and report["problems"] == [] and report["summary"]["steps"] == 1000
    assert report["layout"]["omitted"] is True and report["layout"]["boxes"] == []


def test_a_densely_connected_draft_is_validated_with_its_map_left_out(workbench, scenario_block):
    _name, usage_id = scenario_block
    scenario = dense(60)  # 3,600 choices
    status, report = workbench.call(usage_id, "validate_draft", {"scenario": scenario.to_dict(),
                                                                 "settings": _settings(usage_id)}, student=STAFF)
    assert status == 200 and report["fields"] == [] and report["problems"] == []
    assert report["summary"] == {"steps": 60, "endings": 1, "best": 1, "errors": 0}
    assert report["layout"]["omitted"] is True


def test_the_views_read_the_scenario_without_copying_it_to_compare_at_save_time(scenario_block):
    # XBlock deep-copies a mutable field on its first read in a request; the scenario is only ever
    # replaced, so its field takes no copy (on a 2,000-step scenario the copy was half the unit page)
    _name, usage_id = scenario_block
    for view in ("author_view", "studio_view", "student_view"):
        block = get_block(usage_id, STAFF)
        block.runtime.render(block, view, {})
        assert block.fields["scenario"] not in block._dirty_fields  # pylint: disable=protected-access


def test_a_replaced_scenario_is_still_saved(workbench, scenario_block):
    _name, usage_id = scenario_block
    draft = _draft(usage_id)
    draft["scenario"]["steps"][0]["title"] = "Renamed"
    status, _report = workbench.call(usage_id, "studio_submit", draft, student=STAFF)
    assert status == 200
    assert get_block(usage_id, STAFF).scenario["steps"][0]["title"] == "Renamed"


HOSTILE_NUMBERS = ["9" * 5000, "9" * 4000, "-" + "9" * 5000, "1e999", "inf", "nan", "1" + "0" * 30]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=lambda value: value[:8])
@pytest.mark.parametrize("template", [
    '<rtcm_scenario max_attempts="{}"/>',
    '<rtcm_scenario weight="{}"/>',
    '<rtcm_scenario><step id="a" title="A"><choice id="c" to="e" points="{}"><label>C</label></choice></step>'
    '<ending id="e" title="E"/></rtcm_scenario>',
    '<rtcm_scenario><step id="a" title="A"/><ending id="e" title="E" points="{}"/></rtcm_scenario>',
], ids=["max_attempts", "weight", "choice points", "ending points"])
def test_every_number_typed_in_the_olx_tab_is_bounded_and_refused_with_a_short_400(
        workbench, scenario_block, template, value):
    _name, usage_id = scenario_block
    status, error = workbench.call(usage_id, "parse_olx", {"olx": template.format(value)}, student=STAFF)
    assert status == 400, error
    assert error["error"] in ("invalid_fields", "olx_invalid")
    assert len(json.dumps(error)) < 1000
