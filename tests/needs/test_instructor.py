"""The instructor dashboard's "delete state" on a self-assessment, called as edx-platform calls it (tests/platform/instructor.py).

The LMS names the learner by their anonymous id in the course; the block withdraws the learner's
submission from the cohort exactly (the figures equal a recomputation without it), and the learner
can start again.
"""
from rtcm_xblocks.needs import storage
from rtcm_xblocks.needs.models import Submission
from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform import instructor
from tests.workbench import get_block, load_scenario

IDS = ("border.documents", "border.referral", "data.sharing")
STAFF = "staff_instructor"


def _submit(workbench, usage_id, learner, importance, country):
    ratings = {cid: {"importance": importance, "proficiency": 2} for cid in IDS}
    status, _answer = workbench.call(usage_id, "submit", {"ratings": ratings, "profile": {"country": country}},
                                     student=learner)
    assert status == 200


def test_delete_state_withdraws_the_learners_submission_from_the_cohort_exactly(workbench):
    _name, usage_id = load_scenario(SMALL_FRAMEWORK)
    for number, learner in enumerate(("ann", "bob", "cem")):
        _submit(workbench, usage_id, learner, 3 + number, "GE")
    key = get_block(usage_id).storage_key()
    assert storage.cohort_stats(key).respondents() == 3

    instructor.reset_student_attempts(usage_id, "bob", STAFF, delete_module=True)

    assert not Submission.objects.filter(block_key=key, learner_key="bob").exists()
    stats = storage.cohort_stats(key)
    assert stats == storage.recompute_stats(key) and stats.respondents() == 2
    assert stats.respondents("country", "GE") == 2
    status, state = workbench.call(usage_id, "get_state", student="bob")
    assert status == 200 and state["submitted"] is False, "the learner starts again"
    assert workbench.call(usage_id, "get_state", student="ann")[1]["submitted"] is True, "others keep theirs"


def test_delete_state_of_a_learner_who_never_submitted_changes_nothing(workbench):
    _name, usage_id = load_scenario(SMALL_FRAMEWORK)
    _submit(workbench, usage_id, "ann", 4, "AZ")
    workbench.call(usage_id, "get_state", student="dan")  # a learner's StudentModule without a submission
    key = get_block(usage_id).storage_key()
    before = storage.cohort_stats(key)
    block = get_block(usage_id, STAFF)
    assert block.clear_student_state(user_id="no-such-anonymous-id", course_id="c", item_id=str(usage_id),
                                     requesting_user_id="x") == 0
    assert storage.cohort_stats(key) == before
