"""User retirement: the learner's submissions leave the cohort exactly, their free text is redacted.

Driven as the LMS drives it: the retirement pipeline's ``retire_misc`` step sends
``USER_RETIRE_LMS_MISC`` (tests/platform/retirement.py) to the receiver our apps connect.
"""
import json

import pytest
from workbench.models import XBlockState

from rtcm_xblocks.common import retirement
from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.needs import storage as needs_storage
from rtcm_xblocks.needs.models import Submission
from rtcm_xblocks.scenario import competencies
from rtcm_xblocks.scenario import storage as scenario_storage
from rtcm_xblocks.scenario.models import CompetencyResult
from tests.platform.retirement import RetiredUser, platform_modules, retire_misc
from tests.scenario.cases import case
from tests.workbench import get_block, load_scenario

SMALL = """
<rtcm_needs_assessment url_name="tna_retire" min_group_size="1">
  <pillar id="p" title="P"><competency id="a">A</competency><competency id="b">B</competency></pillar>
</rtcm_needs_assessment>
"""


@pytest.fixture
def signals(monkeypatch, db):  # pylint: disable=unused-argument
    """The platform's retirement signals, with our receiver connected as the plugin app's ready() does."""
    found = platform_modules(monkeypatch)
    assert retirement.connect()
    return found


def field_state(usage_id, student):
    return json.loads(XBlockState.objects.get(scope="usage", scope_id=str(usage_id), user_id=student).state)


def test_without_the_platform_nothing_is_connected(db):  # pylint: disable=unused-argument
    assert retirement.connect() is False


def test_a_retired_learner_leaves_the_cohort_exactly_and_their_answers_leave_the_field_state(workbench, signals):
    _name, usage_id = load_scenario(SMALL)
    answers = {"ana": (5, 1, "AZ", "Border guard"), "ben": (2, 4, "GE", "Lawyer"), "cem": (3, 3, "AZ", "Nurse")}
    for learner, (importance, proficiency, country, role) in answers.items():
        status, _answer = workbench.call(usage_id, "submit", {
            "ratings": {"a": {"importance": importance, "proficiency": proficiency}, "b": "na"},
            "profile": {"country": country, "role": role}}, student=learner)
        assert status == 200
    key = get_block(usage_id).storage_key()
    assert "Lawyer" in json.dumps(field_state(usage_id, "ben"))

    retire_misc(signals, RetiredUser(id="ben"))

    assert needs_storage.get_submission(key, "ben") is None
    stats = needs_storage.cohort_stats(key)
    assert stats == needs_storage.recompute_stats(key) and stats.respondents() == 2
    assert stats.respondents("country", "GE") == 0 and stats.get("all", "", "a").importance == 5 + 3
    assert "Lawyer" not in json.dumps(field_state(usage_id, "ben")) and "user_state" not in field_state(usage_id, "ben")
    assert workbench.call(usage_id, "get_state", student="ben")[1]["submitted"] is False
    assert workbench.call(usage_id, "get_state", student="ana")[1]["submitted"] is True

    retire_misc(signals, RetiredUser(id="ben"))  # the pipeline may run a step again
    assert needs_storage.cohort_stats(key) == stats and Submission.objects.count() == 2


def test_a_retired_learners_reflections_are_redacted_and_their_attempts_kept(workbench, signals):
    _name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"}, student="ben")
    assert workbench.call(usage_id, "reflect", {"text": "My colleague Anna at the Astara post"}, student="ben")[0] == 200
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"}, student="ana")
    workbench.call(usage_id, "reflect", {"text": "Kept"}, student="ana")

    retire_misc(signals, RetiredUser(id="ben"))

    stored = scenario_storage.load(block_key(usage_id, "rtcm_scenario"), "ben")
    assert [(a["path"], a["finished"], a["reflection"]) for a in stored["attempts"]] == [([["zq_start", "zq_bad"]], True, "")]
    assert "Anna" not in json.dumps(field_state(usage_id, "ben"))
    assert workbench.call(usage_id, "get_state", student="ben")[1]["reflection"] == ""
    assert workbench.call(usage_id, "get_state", student="ana")[1]["reflection"] == "Kept"


def test_retirement_of_a_learner_who_never_took_part_changes_nothing(workbench, signals):
    _name, usage_id = load_scenario(SMALL)
    workbench.call(usage_id, "submit", {"ratings": {"a": {"importance": 4, "proficiency": 2}, "b": "na"}}, student="ana")
    key = get_block(usage_id).storage_key()
    before = needs_storage.cohort_stats(key)
    retire_misc(signals, RetiredUser(id="nobody"))
    assert needs_storage.cohort_stats(key) == before


def test_a_retired_learners_competency_results_are_removed_in_every_course_and_others_kept(db, signals):  # pylint: disable=unused-argument
    for course in ("course-v1:RTCM+MM101+2026", "course-v1:RTCM+MM102+2026"):
        for learner in ("ben", "ana"):
            competencies.record(course, learner, f"{course}/border", {"law-rights.non-refoulement": (2, 3)})

    retire_misc(signals, RetiredUser(id="ben"))

    assert not CompetencyResult.objects.filter(learner_key="ben").exists()
    assert competencies.learner_results("course-v1:RTCM+MM102+2026", "ana") == {
        "law-rights.non-refoulement": {"earned": 2, "best": 3, "exercises": 1}}
    retire_misc(signals, RetiredUser(id="ben"))
    assert CompetencyResult.objects.filter(learner_key="ana").exclude(competency="").count() == 2
