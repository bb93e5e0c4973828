"""The instructor dashboard's tools on a scenario, called as edx-platform calls them (tests/platform/instructor.py).

Rescoring recomputes the finished attempts against the current case; an override is stored and
later grades keep it; "reset attempts" gives the learner their attempts back without losing the
recorded ones; "delete state" removes the learner's row; the gradebook follows each of them.
"""
import copy

import pytest
from workbench.models import XBlockState
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.scenario import storage
from rtcm_xblocks.scenario.models import LearnerState
from tests.platform import instructor
from tests.scenario.cases import case
from tests.workbench import load_scenario

LEARNER = "student_1"


@pytest.fixture
def gradebook(monkeypatch):
    return instructor.Gradebook().install(monkeypatch)


@pytest.fixture
def exercise(workbench):
    """A loaded case (at most two attempts) and a helper playing moves for the learner."""
    _name, usage_id = load_scenario(case())

    def play(*moves, student=LEARNER):
        for step, choice in moves:
            status, answer = workbench.call(usage_id, "choose", {"step": step, "choice": choice}, student=student)
            assert status == 200, answer
        return answer

    play.usage_id = usage_id
    return play


def stored(usage_id, student=LEARNER):
    return storage.load(block_key(usage_id, "rtcm_scenario"), student)


def set_points(usage_id, choice_id, points):
    """The author changes the points of a choice (as Studio does: a new value, the field is never changed in place)."""
    block = WorkbenchRuntime().get_block(usage_id)
    scenario = copy.deepcopy(block.scenario)
    for step in scenario["steps"]:
        for choice in step["choices"]:
            if choice["id"] == choice_id:
                choice["points"] = points
    block.scenario = scenario
    block.save()


def test_rescoring_recomputes_the_finished_attempts_against_the_current_case(workbench, exercise, gradebook):
    exercise(("zq_start", "zq_bad"))
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 0.0
    set_points(exercise.usage_id, "zq_bad", 3)  # now as good as the best path (2 + 1)
    assert instructor.rescore_problem_module_state(exercise.usage_id, LEARNER, only_if_higher=False) == instructor.SUCCEEDED
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 1.0
    assert stored(exercise.usage_id)["attempts"][0]["score"] == 1.0
    assert workbench.call(exercise.usage_id, "get_state")[1]["score"] == 1.0, "the debrief agrees with the gradebook"


def test_rescoring_only_if_higher_leaves_a_higher_grade_and_the_stored_attempts_alone(exercise, gradebook):
    exercise(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    before = stored(exercise.usage_id)
    set_points(exercise.usage_id, "zq_finish", 0)
    set_points(exercise.usage_id, "zq_bad", 6)  # the learner's path now earns 2 of the best 6
    instructor.rescore_problem_module_state(exercise.usage_id, LEARNER, only_if_higher=True)
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 1.0
    assert stored(exercise.usage_id) == before
    instructor.rescore_problem_module_state(exercise.usage_id, LEARNER, only_if_higher=False)
    assert gradebook.fraction(LEARNER, exercise.usage_id) == pytest.approx(2 / 6)


def test_rescoring_skips_a_learner_without_a_finished_attempt(exercise, gradebook):
    exercise(("zq_start", "zq_good"))
    assert instructor.rescore_problem_module_state(exercise.usage_id, LEARNER, only_if_higher=False) == instructor.SKIPPED
    assert gradebook.fraction(LEARNER, exercise.usage_id) is None


def test_an_ungraded_exercise_refuses_rescoring(workbench, gradebook):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case(scoring="none"))
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    with pytest.raises(TypeError):
        instructor.rescore_problem_module_state(usage_id, LEARNER, only_if_higher=False)


def test_a_score_override_is_stored_published_and_kept_by_later_grades(workbench, exercise, gradebook):
    exercise(("zq_start", "zq_bad"))
    assert instructor.override_score_module_state(exercise.usage_id, LEARNER, 0.75) == instructor.SUCCEEDED
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 0.75
    assert stored(exercise.usage_id)["override"] == 0.75
    assert workbench.call(exercise.usage_id, "restart")[0] == 200
    exercise(("zq_start", "zq_bad"))
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 0.75, "a later ending publishes the override"
    assert instructor.rescore_problem_module_state(exercise.usage_id, LEARNER, only_if_higher=False) == instructor.SUCCEEDED
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 0.0 and "override" not in stored(exercise.usage_id)


def test_an_override_out_of_range_is_refused_and_changes_nothing(exercise, gradebook):
    exercise(("zq_start", "zq_bad"))
    before = stored(exercise.usage_id)
    with pytest.raises(instructor.UpdateProblemModuleStateError):
        instructor.override_score_module_state(exercise.usage_id, LEARNER, 1.5)
    assert stored(exercise.usage_id) == before and gradebook.fraction(LEARNER, exercise.usage_id) == 0.0


def test_reset_attempts_gives_the_attempts_back_and_keeps_the_recorded_ones(workbench, exercise, gradebook):
    exercise(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    workbench.call(exercise.usage_id, "restart")
    state = exercise(("zq_start", "zq_bad"))
    assert state["attempts_left"] == 0
    assert workbench.call(exercise.usage_id, "restart")[1]["error"] == "no_attempts_left"

    instructor.reset_student_attempts(exercise.usage_id, LEARNER, "staff")
    assert workbench.call(exercise.usage_id, "get_state")[1]["attempts_left"] == 2
    status, state = workbench.call(exercise.usage_id, "restart")
    assert (status, state["attempt"], state["attempts_left"]) == (200, 3, 1)
    exercise(("zq_start", "zq_bad"))
    assert [a["number"] for a in stored(exercise.usage_id)["attempts"]] == [1, 2, 3]
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 1.0, "best grading still counts the first attempt"
    workbench.call(exercise.usage_id, "restart")
    state = exercise(("zq_start", "zq_bad"))
    assert state["attempt"] == 4 and state["attempts_left"] == 0


def test_reset_attempts_of_a_learner_in_the_middle_of_an_attempt_counts_that_one_as_given_back(workbench, exercise):
    exercise(("zq_start", "zq_bad"))
    workbench.call(exercise.usage_id, "restart")
    exercise(("zq_start", "zq_good"))
    instructor.reset_student_attempts(exercise.usage_id, LEARNER, "staff")
    state = exercise(("zq_mid", "zq_finish"))
    assert (state["attempt"], state["attempts_left"]) == (2, 2)


def test_delete_state_removes_the_row_the_field_state_and_the_grade(workbench, exercise, gradebook):
    exercise(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    exercise(("zq_start", "zq_good"), student="student_2")
    instructor.reset_student_attempts(exercise.usage_id, LEARNER, "staff", delete_module=True, gradebook=gradebook)
    assert stored(exercise.usage_id) is None and stored(exercise.usage_id, "student_2") is not None
    assert not XBlockState.objects.filter(scope="usage", scope_id=str(exercise.usage_id), user_id=LEARNER).exists()
    state = workbench.call(exercise.usage_id, "get_state")[1]
    assert (state["attempt"], state["path"], state["step"]["id"]) == (1, [], "zq_start")
    assert gradebook.fraction(LEARNER, exercise.usage_id) == 0.0
    assert LearnerState.objects.count() == 1


def test_delete_state_also_removes_the_learners_competency_results_of_this_exercise(workbench, gradebook):
    """The results the self-assessment shows as "demonstrated" go with the attempts they came from."""
    from rtcm_xblocks.common.storage import course_scope  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario import competencies  # pylint: disable=import-outside-toplevel
    from tests.scenario.simulations import interview  # pylint: disable=import-outside-toplevel
    _name, usage_id = load_scenario(interview())
    for student in (LEARNER, "student_2"):
        for handler, body in (("set_timing", {"timing": "untimed"}), ("choose", {"step": "meet", "choice": "alone"}),
                              ("choose", {"step": "talk", "choice": "refer"})):
            assert workbench.call(usage_id, handler, body, student=student)[0] == 200
    course = course_scope(usage_id)
    assert competencies.learner_results(course, LEARNER) and competencies.learner_results(course, "student_2")
    instructor.reset_student_attempts(usage_id, LEARNER, "staff", delete_module=True, gradebook=gradebook)
    assert competencies.learner_results(course, LEARNER) == {}
    assert competencies.learner_results(course, "student_2")["trafficking.referral"]["earned"] == 3
