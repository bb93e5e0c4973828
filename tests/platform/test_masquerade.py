"""Masquerade as a specific learner (tests/platform/masquerade.py): staff see the learner's work but change nothing."""
import pytest

from rtcm_xblocks.needs import storage
from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform.masquerade import MasqueradeRuntime, handler, student_view
from tests.platform.test_preview import RATINGS
from tests.scenario.cases import CASE
from tests.workbench import get_block, load_scenario

LEARNER = "learner_masq"


@pytest.fixture
def scenario(workbench):
    usage = load_scenario(CASE.format(expert="true"))[1]
    assert workbench.call(usage, "choose", {"step": "zq_start", "choice": "zq_bad"}, student=LEARNER)[0] == 200
    return usage


@pytest.fixture
def needs(workbench):
    usage = load_scenario(SMALL_FRAMEWORK)[1]
    assert workbench.call(usage, "submit", {"ratings": RATINGS}, student=LEARNER)[0] == 200
    return usage


@pytest.mark.parametrize("name, body", [
    ("restart", {}),
    ("reflect", {"text": "Written by staff"}),
    ("choose", {"step": "zq_start", "choice": "zq_good"}),
])
def test_staff_masquerading_cannot_change_the_learners_scenario(scenario, name, body):
    before = get_block(scenario, student=LEARNER).user_state
    runtime = MasqueradeRuntime(LEARNER)
    status, answer = handler(runtime, scenario, name, body)
    assert status == 403
    assert answer["error"] == "masquerade_read_only" and answer["message"]
    assert get_block(scenario, student=LEARNER).user_state == before
    assert not runtime.session.get("masquerade_data") and runtime.tracked == []


def test_staff_masquerading_cannot_overwrite_the_learners_submission_or_the_cohort(needs):
    block = get_block(needs, student=LEARNER)
    key = block.storage_key()
    submission, stats = storage.get_submission(key, LEARNER), storage.cohort_stats(key).sums
    runtime = MasqueradeRuntime(LEARNER)
    other = dict(RATINGS, **{"data.sharing": {"importance": 1, "proficiency": 5}})
    status, answer = handler(runtime, needs, "submit", {"ratings": other})
    assert status == 403 and answer["error"] == "masquerade_read_only"
    assert storage.get_submission(key, LEARNER) == submission
    assert storage.cohort_stats(key).sums == stats
    assert not runtime.session.get("masquerade_data") and runtime.tracked == []


def test_staff_masquerading_read_the_learners_state(scenario, needs):
    status, state = handler(MasqueradeRuntime(LEARNER), scenario, "get_state")
    assert status == 200 and state["finished"] and state["ending"]["id"] == "zq_end_bad"
    runtime = MasqueradeRuntime(LEARNER)
    status, state = handler(runtime, needs, "get_state")
    assert status == 200 and state["submitted"] and state["ratings"] == RATINGS
    assert runtime.tracked == []  # staff looking is not the learner viewing their results


def test_the_learner_pages_are_shown_while_masquerading_and_say_they_are_read_only(scenario, needs):
    for usage in (scenario, needs):
        html = student_view(MasqueradeRuntime(LEARNER), usage).content
        assert "cannot be shown" not in html
        assert 'data-read-only="masquerade"' in html
        assert "You are viewing this as a specific learner" in html


def test_the_learner_themselves_still_writes(workbench, scenario):
    assert workbench.call(scenario, "restart", {}, student=LEARNER)[0] == 200
