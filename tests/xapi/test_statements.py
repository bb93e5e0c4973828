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
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer_processor import XApiProcessor
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks import xapi
from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform.event_routing import COURSE_NAME, tracking_event
from tests.scenario.cases import case
from tests.workbench import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = "https://w3id.org/xapi/rtcm/extensions/"
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


def _verbs(statements):
    return [(statement["verb"]["display"]["en"], statement["object"]["id"].rsplit("+block@", 1)[1]) for statement in statements]


def test_every_event_the_blocks_publish_is_in_the_catalogue():
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "rtcm_xblocks").rglob("block.py"))
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
                                   "extensions": {EXTENSION + "ending": "zq_end_good"}}
    assert completed["context"]["extensions"][EXTENSION + "event-version"] == xapi.EVENTS_VERSION


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


@pytest.mark.parametrize("data", [
    {"attempt": 1, "step": "a step with spaces and a learner's words", "choice": "<b>x</b>", "points": 10 ** 5000},
    {"attempt": True, "step": ["zq"], "choice": {"x": 1}, "points": "2"},
    {},
])
def test_unexpected_values_in_an_event_are_dropped_rather_than_copied_or_crashing(learner, data, db):  # pylint: disable=unused-argument
    class Block:  # the two attributes the envelope reads
        class scope_ids:  # pylint: disable=invalid-name,too-few-public-methods
            block_type, usage_id = "rtcm_scenario", "u1"
        display_name = "Border screening"
    event = tracking_event(Block, "rtcm.scenario.choice_made", data, user_id=learner.id)
    statement = XApiProcessor()([event])[0]
    text = json.dumps(statement)
    assert "learner's words" not in text and "<b>" not in text and "9" * 20 not in text
    assert statement["result"].get("extensions") in (None, {}) or statement["result"]["extensions"] == {}


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
