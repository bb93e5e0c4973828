"""Our events become xAPI statements through the real event-routing-backends, as in an LMS feeding Aspects.

The blocks run in the workbench and their published events are wrapped as the LMS wraps them
(tests/platform/event_routing.py), then handed to event-routing-backends' own `XApiProcessor`.
"""
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from event_routing_backends.processors.xapi import constants
from event_routing_backends.processors.xapi.event_transformers import (
    exam_events, navigation_events, problem_interaction_events, video_events)
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer_processor import XApiProcessor
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks import xapi
from rtcm_xblocks.scenario.block import ScenarioBlock
from rtcm_xblocks.scenario.simulation_handlers import TIMINGS
from rtcm_xblocks.xapi import transformers
from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform.event_routing import COURSE_NAME, tracking_event
from tests.scenario.cases import case
from tests.workbench import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = "https://w3id.org/xapi/rtcm/extensions/"
SIMULATION = """
<rtcm_scenario display_name="Desk simulation" scoring="path" max_attempts="3" allow_back="true">
  <intro><p>Intro of the xq case</p></intro>
  <step id="xq_queue" title="In the queue">
    <body><p>A family arrives.</p></body>
    <choice id="xq_call" to="xq_desk" points="1"><label>Call them forward</label></choice>
  </step>
  <step id="xq_desk" title="At the desk" time_limit="60">
    <body><p>A traveller waits.</p></body>
    <hint cost="1"><p>Think about who answers for her.</p></hint>
    <choice id="xq_ask" to="xq_room" points="2" expert="true">
      <label>Ask her alone</label>
      <competency id="law-rights.non-refoulement" points="2"/>
    </choice>
    <choice id="xq_wave" to="xq_room" points="0"><label>Wave them through</label></choice>
    <choice id="xq_slow" to="xq_room" timeout="true"><label>You hesitated</label></choice>
  </step>
  <step id="xq_room" title="In the room">
    <body><p>She talks.</p></body>
    <choice id="xq_refer" to="xq_end" points="1" expert="true">
      <label>Refer her</label>
      <competency id="trafficking.indicators" points="1"/>
    </choice>
  </step>
  <ending id="xq_end" title="Referred" outcome="good" points="0"><body><p>Done.</p></body></ending>
</rtcm_scenario>
"""
RATINGS = {"border.documents": {"importance": 5, "proficiency": 2}, "border.referral": "na",
           "data.sharing": {"importance": 3, "proficiency": 4}}


@pytest.fixture(name="learner")
def fixture_learner(db):  # pylint: disable=unused-argument
    """The LMS user behind the workbench learner (event-routing-backends looks the user up by id)."""
    return get_user_model().objects.create(username="amina_k", email="amina.k@mail.test", first_name="Amina")


@pytest.fixture(name="statements")
def fixture_statements(monkeypatch, learner):
    """Every `rtcm.*` event the blocks publish, turned into xAPI statements by event-routing-backends."""
    events = []

    def publish(_runtime, block, name, data):
        if name.startswith("rtcm."):
            events.append(tracking_event(block, name, json.loads(json.dumps(data)), user_id=learner.id))
    monkeypatch.setattr(WorkbenchRuntime, "publish", publish)

    def transformed():
        return XApiProcessor()(events)
    transformed.events = events
    return transformed


def _play_scenario(workbench):
    _name, usage_id = load_scenario(case())
    for step, choice in (("zq_start", "zq_bad"),):
        assert workbench.call(usage_id, "choose", {"step": step, "choice": choice})[0] == 200
    assert workbench.call(usage_id, "reflect", {"text": "Amina: I rushed the interview at the counter."})[0] == 200
    assert workbench.call(usage_id, "restart", {})[0] == 200
    for step, choice in (("zq_start", "zq_good"), ("zq_mid", "zq_finish")):
        assert workbench.call(usage_id, "choose", {"step": step, "choice": choice})[0] == 200
    return usage_id


def _play_simulation(workbench, monkeypatch):
    """A learner who asks for more time, reveals a hint, goes back once (practice), then is timed out on a graded attempt.

    The block's clock is the test's (`_now`), so that time runs out without waiting.
    """
    clock = [1000.0]
    monkeypatch.setattr(ScenarioBlock, "_now", staticmethod(lambda: clock[0]))
    _name, usage_id = load_scenario(SIMULATION)
    calls = [("set_timing", {"timing": "extended"}), ("choose", {"step": "xq_queue", "choice": "xq_call"}),
             ("start_timer", {"step": "xq_desk"}),
             ("hint", {"step": "xq_desk"}), ("hint", {"step": "xq_desk"}),  # the second reveals nothing new
             ("choose", {"step": "xq_desk", "choice": "xq_ask"}), ("back", {"step": "xq_room"}),
             ("start_timer", {"step": "xq_desk"}),  # back at a timed step: its clock starts afresh
             ("choose", {"step": "xq_desk", "choice": "xq_ask"}), ("choose", {"step": "xq_room", "choice": "xq_refer"}),
             ("restart", {}), ("set_timing", {"timing": "standard"}), ("choose", {"step": "xq_queue", "choice": "xq_call"}),
             ("start_timer", {"step": "xq_desk"})]
    for handler, body in calls:
        status, answer = workbench.call(usage_id, handler, body)
        assert status == 200, (handler, body, answer)
    clock[0] += 120  # past the 60 s limit and its grace: the timeout choice is taken
    for step, choice in (("xq_desk", "xq_ask"), ("xq_room", "xq_refer")):
        assert workbench.call(usage_id, "choose", {"step": step, "choice": choice})[0] == 200
    return usage_id


def _verbs(statements):
    return [(statement["verb"]["display"]["en"], statement["object"]["id"].rsplit("+block@", 1)[1]) for statement in statements]


def test_every_event_the_blocks_publish_is_in_the_catalogue():
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "rtcm_xblocks").rglob("*.py"))
    published = set(re.findall(r'publish\(self, "(rtcm\.[a-z_.]+)"', source))
    published |= {f"rtcm.scenario.{name}" for name in re.findall(r'self\._event\("([a-z_]+)"', source)}
    assert published and published == set(xapi.EVENTS)


def test_every_event_of_the_catalogue_has_a_transformer_in_the_registry():
    assert set(xapi.EVENTS) <= set(XApiTransformersRegistry.mapping)
    assert all(XApiTransformersRegistry.mapping[name].__module__ == "rtcm_xblocks.xapi.transformers" for name in xapi.EVENTS)


def test_a_played_scenario_gives_attempted_answered_commented_and_completed_statements(workbench, statements):
    _play_scenario(workbench)
    result = statements()
    assert len(result) == len(statements.events) == 9
    assert [verb for verb, _object in _verbs(result)] == [
        "attempted", "answered", "completed", "commented", "initialized", "attempted", "answered", "answered", "completed"]
    assert [statement["verb"]["id"] for statement in result][:5] == [
        constants.XAPI_VERB_ATTEMPTED, constants.XAPI_VERB_ANSWERED, constants.XAPI_VERB_COMPLETED,
        "http://adlnet.gov/expapi/verbs/commented", constants.XAPI_VERB_INITIALIZED]
    attempts = [statement["context"]["extensions"][constants.XAPI_ACTIVITY_ATTEMPT] for statement in result]
    assert attempts == [1, 1, 1, 1, 2, 2, 2, 2, 2]
    assert len({statement["id"] for statement in result}) == 9


def test_a_step_answer_names_the_step_the_choice_and_its_points_within_the_scenario(workbench, statements):
    _play_scenario(workbench)
    answered = statements()[1]
    block = answered["context"]["contextActivities"]["parent"][0]["id"]
    assert block.startswith("http://lms.example.org/xblock/block-v1:IOM-RTCM+MMP101+2026+type@rtcm_scenario+block@")
    assert answered["object"]["id"] == f"{block}/step/zq_start"
    assert answered["object"]["definition"] == {"type": constants.XAPI_ACTIVITY_INTERACTION, "interactionType": "choice"}
    assert answered["result"]["response"] == "zq_bad"
    assert EXTENSION + "points" in answered["result"]["extensions"]
    assert answered["context"]["contextActivities"]["grouping"][0]["definition"]["name"] == {"en-US": COURSE_NAME}


def test_completing_a_scenario_is_completed_with_the_score_and_the_ending(workbench, statements):
    _play_scenario(workbench)
    completed = statements()[-1]
    assert completed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation"
    assert completed["result"] == {"completion": True, "score": {"raw": 1.0, "min": 0, "max": 1, "scaled": 1.0},
                                   "extensions": {EXTENSION + "ending": "zq_end_good", EXTENSION + "practice": False}}
    assert completed["context"]["extensions"][EXTENSION + "event-version"] == xapi.EVENTS_VERSION


def test_a_simulation_gives_interacted_initialized_asked_navigated_and_answered_statements(workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    result = statements()
    assert [name.rsplit(".", 1)[1] for name in (event["name"] for event in statements.events)] == [
        "timing_changed", "started", "choice_made", "timer_started", "hint_shown", "choice_made", "went_back",
        "timer_started", "choice_made", "choice_made", "completed", "restarted", "timing_changed", "started",
        "choice_made", "timer_started", "choice_made", "choice_made", "completed"]
    assert [(verb, name.partition("/")[2]) for verb, name in _verbs(result)][:11] == [
        ("interacted", ""), ("attempted", ""), ("answered", "step/xq_queue"), ("initialized", "step/xq_desk"),
        ("asked", "step/xq_desk/hint"), ("answered", "step/xq_desk"), ("navigated", "step/xq_desk"),
        ("initialized", "step/xq_desk"), ("answered", "step/xq_desk"), ("answered", "step/xq_room"), ("completed", "")]
    assert [result[index]["verb"]["id"] for index in (0, 3, 4, 6)] == [
        "http://adlnet.gov/expapi/verbs/interacted", "http://adlnet.gov/expapi/verbs/initialized",
        "http://adlnet.gov/expapi/verbs/asked", "https://w3id.org/xapi/dod-isd/verbs/navigated"]
    assert len({statement["id"] for statement in result}) == len(result) == 19


def test_the_simulation_verbs_are_those_event_routing_backends_gives_the_platforms_nearest_events():
    ours = {name: XApiTransformersRegistry.mapping[f"rtcm.scenario.{name}"].VERB[0]
            for name in ("hint_shown", "timer_started", "went_back", "timing_changed")}
    assert ours == {
        "hint_shown": problem_interaction_events.VERB_MAP["edx.problem.hint.demandhint_displayed"]["id"],
        "timer_started": exam_events.TimedExamCreatedTransformer._verb.id,  # pylint: disable=protected-access
        "went_back": navigation_events.VERB_MAP["edx.ui.lms.sequence.previous_selected"]["id"],
        "timing_changed": video_events.VERB_MAP["speed_change_video"]["id"],
    }


def test_choosing_a_timing_is_interacted_with_the_block_and_carries_only_the_timing(workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    result = statements()
    extended, standard = (statement for statement in result if statement["verb"]["display"]["en"] == "interacted")
    assert extended["object"]["id"] == result[2]["context"]["contextActivities"]["parent"][0]["id"]  # the block
    assert extended["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation"
    assert extended["result"] == {"extensions": {EXTENSION + "timing": "extended"}}
    assert standard["result"] == {"extensions": {EXTENSION + "timing": "standard"}}
    assert constants.XAPI_ACTIVITY_ATTEMPT not in extended["context"]["extensions"]
    assert set(transformers.TIMINGS) == set(TIMINGS)


def test_starting_a_clock_initializes_the_step_with_the_learners_time_limit_in_seconds(workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    first, again, second = (statement for statement in statements() if statement["verb"]["display"]["en"] == "initialized"
                            and "/step/" in statement["object"]["id"])
    block = first["context"]["contextActivities"]["parent"][0]["id"]
    assert first["object"] == {"id": f"{block}/step/xq_desk", "objectType": "Activity", "definition": {
        "type": constants.XAPI_ACTIVITY_INTERACTION, "interactionType": "choice"}}
    assert [s["context"]["extensions"][EXTENSION + "time-limit"] for s in (first, again, second)] == [600, 600, 60]
    assert [s["context"]["extensions"][constants.XAPI_ACTIVITY_ATTEMPT] for s in (first, again, second)] == [1, 1, 2]
    assert "result" not in first


def test_a_clock_started_without_time_limits_is_initialized_without_a_time_limit(workbench, statements):
    _name, usage_id = load_scenario(SIMULATION)
    for handler, body in (("set_timing", {"timing": "untimed"}), ("choose", {"step": "xq_queue", "choice": "xq_call"}),
                          ("start_timer", {"step": "xq_desk"})):
        assert workbench.call(usage_id, handler, body)[0] == 200
    initialized = statements()[-1]
    assert statements.events[-1]["data"] == {"attempt": 1, "step": "xq_desk", "limit": None}
    assert initialized["verb"]["id"] == constants.XAPI_VERB_INITIALIZED
    assert EXTENSION + "time-limit" not in initialized["context"]["extensions"]
    assert initialized["context"]["extensions"][constants.XAPI_ACTIVITY_ATTEMPT] == 1


def test_revealing_a_hint_is_asked_of_the_steps_hint_with_its_cost_once(workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    (asked,) = (statement for statement in statements() if statement["verb"]["display"]["en"] == "asked")
    block = asked["context"]["contextActivities"]["parent"][0]["id"]
    assert asked["object"]["id"] == f"{block}/step/xq_desk/hint"
    assert asked["object"]["definition"] == {"type": constants.XAPI_ACTIVITY_SUPPLEMENTAL_INFO}
    assert asked["result"] == {"extensions": {EXTENSION + "hint-cost": 1}}
    assert asked["context"]["contextActivities"]["grouping"][0]["definition"]["name"] == {"en-US": COURSE_NAME}
    assert "Think about who answers" not in json.dumps(statements())


def test_going_back_is_navigated_to_the_step_the_learner_is_back_at_and_its_attempt_completes_as_practice(
        workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    result = statements()
    navigated, completed = result[6], result[10]
    assert navigated["object"]["id"] == result[5]["object"]["id"]  # back at the step just answered
    assert navigated["context"]["extensions"][constants.XAPI_ACTIVITY_ATTEMPT] == 1
    assert "result" not in navigated
    assert completed["result"]["extensions"] == {EXTENSION + "ending": "xq_end", EXTENSION + "practice": True}
    assert completed["result"]["score"]["scaled"] is not None  # kept: `practice` says the grade ignored it


def test_a_timed_out_answer_and_a_graded_completion_carry_timed_out_practice_and_the_competencies_earned(
        workbench, statements, monkeypatch):
    _play_simulation(workbench, monkeypatch)
    result = statements()
    answers = [s["result"] for s in result if s["verb"]["display"]["en"] == "answered"]
    assert [(a["response"], a["extensions"][EXTENSION + "timed-out"]) for a in answers] == [
        ("xq_call", False), ("xq_ask", False), ("xq_ask", False), ("xq_refer", False),
        ("xq_call", False), ("xq_slow", True), ("xq_refer", False)]
    assert EXTENSION + "points" in answers[0]["extensions"]
    assert result[-1]["result"]["extensions"] == {
        EXTENSION + "ending": "xq_end", EXTENSION + "practice": False,
        EXTENSION + "competencies": {"law-rights.non-refoulement": 0, "trafficking.indicators": 1}}


def test_a_needs_submission_is_submitted_with_the_ratings_and_fixed_choice_profile_only(workbench, statements):
    _name, usage_id = load_scenario(SMALL_FRAMEWORK)
    profile = {"country": "AZ", "agency": "police", "role": "Senior inspector, Baku airport, desk 4"}
    assert workbench.call(usage_id, "submit", {"ratings": RATINGS, "profile": profile})[0] == 200
    assert workbench.call(usage_id, "get_state", {})[0] == 200
    submitted, viewed = statements()
    assert submitted["verb"] == {"id": "http://activitystrea.ms/schema/1.0/submit", "display": {"en": "submitted"}}
    assert submitted["object"]["definition"]["type"] == "http://id.tincanapi.com/activitytype/survey"
    extensions = submitted["result"]["extensions"]
    assert extensions[EXTENSION + "ratings"] == RATINGS
    assert extensions[EXTENSION + "profile"] == {"country": "AZ", "agency": "police"}
    assert extensions[EXTENSION + "resubmission"] is False
    assert viewed["verb"]["id"] == constants.XAPI_VERB_VIEWED
    assert viewed["object"]["id"] == submitted["object"]["id"] + "/results"


def test_statements_carry_no_personal_data_or_free_text_only_the_platforms_anonymous_actor(workbench, statements, learner):
    _play_scenario(workbench)
    _name, usage_id = load_scenario(SMALL_FRAMEWORK)
    workbench.call(usage_id, "submit", {"ratings": RATINGS, "profile": {"country": "AZ", "role": "Senior inspector"}})
    text = json.dumps(statements())
    for personal in ("amina", "Amina", "mail.test", "rushed the interview", "Senior inspector", str(learner.email)):
        assert personal not in text, personal
    actors = {json.dumps(statement["actor"], sort_keys=True) for statement in statements()}
    assert len(actors) == 1
    actor = json.loads(actors.pop())
    assert actor["account"]["homePage"] == "http://lms.example.org" and re.fullmatch(r"[0-9a-f-]{36}", actor["account"]["name"])


class _Block:  # the two attributes the envelope reads
    class scope_ids:  # pylint: disable=invalid-name,too-few-public-methods
        block_type, usage_id = "rtcm_scenario", "u1"
    display_name = "Border screening"


def _statement(name, data, learner):
    return XApiProcessor()([tracking_event(_Block, name, data, user_id=learner.id)])[0]


@pytest.mark.parametrize("data", [
    {"attempt": 1, "step": "a step with spaces and a learner's words", "choice": "<b>x</b>", "points": 10 ** 5000,
     "timed_out": "yes"},
    {"attempt": True, "step": ["zq"], "choice": {"x": 1}, "points": "2", "timed_out": 1},
    {},
])
def test_unexpected_values_in_an_event_are_dropped_rather_than_copied_or_crashing(learner, data, db):  # pylint: disable=unused-argument
    statement = _statement("rtcm.scenario.choice_made", data, learner)
    text = json.dumps(statement)
    assert "learner's words" not in text and "<b>" not in text and "9" * 20 not in text
    assert statement["result"].get("extensions") in (None, {}) or statement["result"]["extensions"] == {}


GARBAGE = {"attempt": 10 ** 5000, "step": "the learner's words", "cost": float("inf"), "limit": "600",
           "timing": "<b>slow</b>", "ending": ["xq_end"], "practice": "no", "score": 7,
           "competencies": {"the learner's words": 2, "law-rights.non-refoulement": 10 ** 5000,
                            "trafficking.indicators": True, "data.sharing": -2}}


@pytest.mark.parametrize("name", [name for name in xapi.EVENTS if name.startswith("rtcm.scenario.")])
def test_every_scenario_event_drops_what_is_not_an_id_a_number_a_flag_or_a_timing(learner, name, db):  # pylint: disable=unused-argument
    statement = _statement(name, GARBAGE, learner)
    text = json.dumps(statement)
    assert "learner's words" not in text and "<b>" not in text and "9" * 20 not in text and "Infinity" not in text
    assert constants.XAPI_ACTIVITY_ATTEMPT not in statement["context"]["extensions"]
    extensions = {**statement.get("result", {}).get("extensions", {}), **statement["context"]["extensions"]}
    ours = {key.rsplit("/", 1)[1]: value for key, value in extensions.items() if key.startswith(EXTENSION)}
    assert ours == ({"event-version": xapi.EVENTS_VERSION, "competencies": {"data.sharing": -2}}
                    if name == "rtcm.scenario.completed" else {"event-version": xapi.EVENTS_VERSION})


def test_events_published_before_the_new_fields_give_the_same_statements_as_before(learner, db):  # pylint: disable=unused-argument
    answered = _statement("rtcm.scenario.choice_made", {"attempt": 1, "step": "s", "choice": "c", "points": 2}, learner)
    assert answered["result"] == {"response": "c", "extensions": {EXTENSION + "points": 2}}
    completed = _statement("rtcm.scenario.completed", {"attempt": 1, "ending": "e", "score": 0.5}, learner)
    assert completed["result"]["extensions"] == {EXTENSION + "ending": "e"}


def test_a_huge_competency_result_serialises_every_valid_entry(learner, db):  # pylint: disable=unused-argument
    earned = {f"pillar.c{number}": number for number in range(2000)}
    statement = _statement("rtcm.scenario.completed", {"attempt": 1, "ending": "e", "score": 1,
                                                       "practice": False, "competencies": earned}, learner)
    assert statement["result"]["extensions"][EXTENSION + "competencies"] == earned


def test_an_event_without_the_block_context_is_refused_like_the_platforms_own_incomplete_events(learner, db):  # pylint: disable=unused-argument
    event = {"name": "rtcm.scenario.started", "timestamp": "2026-12-01T12:00:00+00:00", "data": {"attempt": 1},
             "context": {"course_id": "course-v1:A+B+C", "user_id": learner.id}}
    with pytest.raises(ValueError, match="context.module.usage_key"):
        XApiProcessor()([event])


def test_docs_events_md_documents_every_event_and_each_of_its_fields():
    text = (ROOT / "docs" / "EVENTS.md").read_text(encoding="utf-8")
    assert f"**Catalogue version: {xapi.EVENTS_VERSION}**" in text
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    documented = {section.split("\n", 1)[0].strip("`"): section for section in sections}
    assert set(documented) == set(xapi.EVENTS)
    for name, fields in xapi.EVENTS.items():
        rows = re.findall(r"^\| `([a-z_]+)` \|", documented[name], flags=re.M)
        assert rows == list(fields), name
