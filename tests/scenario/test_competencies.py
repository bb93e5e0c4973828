"""Competency results: the latest graded attempt at a block replaces the last, and a course's results add up per competency."""
from fractions import Fraction

import pytest
from django.core.management import call_command

from rtcm_xblocks.scenario import competencies
from rtcm_xblocks.scenario.models import CompetencyResult
from tests.concurrency import run_together, shared_database  # noqa: F401  pylint: disable=unused-import

COURSE = "course-v1:RTCM+MM101+2026"
BORDER = "block-v1:RTCM+MM101+2026+type@rtcm_scenario+block@border"
SHELTER = "block-v1:RTCM+MM101+2026+type@rtcm_scenario+block@shelter"


def test_the_migration_matches_the_models(db):  # pylint: disable=unused-argument
    call_command("makemigrations", "rtcm_scenario", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("earned, best, expected", [
    (2, 3, Fraction(2, 3)), (3, 3, 1), (0, 3, 0), (-2, 3, 0), (5, 3, 1), (0, 0, None), (-1, 0, None), (1, -2, None),
])
def test_a_fraction_is_earned_over_best_clamped_to_0_1_and_none_when_best_is_not_positive(earned, best, expected):
    assert competencies.fraction(earned, best) == expected


def test_a_learner_without_results_has_none(db):  # pylint: disable=unused-argument
    assert competencies.learner_results(COURSE, "ana") == {}
    assert competencies.cohort_results(COURSE) == {}


def test_a_record_replaces_the_learners_earlier_results_for_that_block_only(db):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"law.refoulement": (1, 3), "trafficking.indicators": (2, 2)})
    competencies.record(COURSE, "ana", SHELTER, {"law.refoulement": (2, 2)})
    competencies.record(COURSE, "ana", BORDER, {"law.refoulement": (3, 3)})
    assert competencies.learner_results(COURSE, "ana") == {
        "law.refoulement": {"earned": 5, "best": 5, "exercises": 2},
    }


def test_learner_results_add_up_over_the_courses_blocks_and_leave_other_courses_and_learners_out(db):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"a": (1, 3), "b": (-1, 2)})
    competencies.record(COURSE, "ana", SHELTER, {"a": (2, 4)})
    competencies.record(COURSE, "ben", BORDER, {"a": (3, 3)})
    competencies.record("course-v1:RTCM+MM102+2026", "ana", "other", {"a": (9, 9)})
    assert competencies.learner_results(COURSE, "ana") == {
        "a": {"earned": 3, "best": 7, "exercises": 2}, "b": {"earned": -1, "best": 2, "exercises": 1},
    }


def test_cohort_results_are_one_fraction_per_learner_summed_over_blocks_first(db):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"a": (1, 3), "b": (0, 0)})
    competencies.record(COURSE, "ana", SHELTER, {"a": (3, 3)})
    competencies.record(COURSE, "ben", BORDER, {"a": (5, 3), "b": (-4, 2)})
    found = competencies.cohort_results(COURSE)
    assert sorted(found["a"]) == [Fraction(2, 3), 1] and found["b"] == [0]
    assert competencies.cohort_results(COURSE, learners=["ben"]) == {"a": [1], "b": [0]}
    assert competencies.cohort_results(COURSE, learners=[]) == {}


def test_empty_results_leave_the_learner_no_competency_rows_for_the_block(db):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"a": (1, 3)})
    competencies.record(COURSE, "ana", BORDER, {})
    assert competencies.learner_results(COURSE, "ana") == {}


@pytest.mark.parametrize("results", [
    {"x" * 201: (1, 1)}, {"": (1, 1)}, {"a": (1.5, 2)}, {"a": (1, 10 ** 5000)}, {"a": (True, 1)}, {"a": ("1", 1)},
    {"a": (1, 2, 3)}, {3: (1, 1)}, {"a": 5}, {"a": None},
])
def test_ids_and_points_that_cannot_be_stored_are_refused_and_change_nothing(db, results):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"a": (1, 3)})
    with pytest.raises(ValueError):
        competencies.record(COURSE, "ana", BORDER, dict(results, b=(1, 1)))
    assert competencies.learner_results(COURSE, "ana") == {"a": {"earned": 1, "best": 3, "exercises": 1}}


@pytest.mark.django_db
def test_the_longest_id_and_the_largest_points_fit():
    long_id = "c" * 200
    competencies.record(COURSE, "ana", BORDER, {long_id: (-(2 ** 31 - 1), 2 ** 31 - 1)})
    assert competencies.learner_results(COURSE, "ana") == {long_id: {"earned": -(2 ** 31 - 1), "best": 2 ** 31 - 1, "exercises": 1}}


def test_delete_removes_one_learners_results_by_id_or_anonymous_id_or_everyones(db):  # pylint: disable=unused-argument
    for learner in ("ana", "ben", "cem"):
        competencies.record(COURSE, learner, BORDER, {"a": (1, 1)}, anonymous=f"anon-{learner}")
        competencies.record(COURSE, learner, SHELTER, {"a": (1, 1)}, anonymous=f"anon-{learner}")
    assert competencies.delete(BORDER, "ana") > 0
    assert competencies.delete(BORDER, anonymous="anon-ben") > 0
    assert competencies.delete(BORDER, anonymous="") == 0
    assert {learner: found["a"]["exercises"] for learner in ("ana", "ben", "cem")
            for found in [competencies.learner_results(COURSE, learner)]} == {"ana": 1, "ben": 1, "cem": 2}
    competencies.delete(SHELTER)
    assert competencies.learner_results(COURSE, "ana") == {} and competencies.learner_results(COURSE, "cem")["a"]["exercises"] == 1


def test_retire_removes_every_result_of_the_learner_in_every_course_and_running_it_again_changes_nothing(db):  # pylint: disable=unused-argument
    competencies.record(COURSE, "ana", BORDER, {"a": (1, 1)})
    competencies.record("course-v1:RTCM+MM102+2026", "ana", "other", {"a": (1, 1)})
    competencies.record(COURSE, "ben", BORDER, {"a": (1, 1)})
    assert competencies.retire("ana") > 0
    assert not CompetencyResult.objects.filter(learner_key="ana").exists()
    assert competencies.retire("ana") == 0
    assert competencies.learner_results(COURSE, "ben") == {"a": {"earned": 1, "best": 1, "exercises": 1}}


THREADS = 8
TRIALS = 15


def stored(in_thread, block, learner):
    found = {}
    in_thread(lambda: found.update(rows=set(CompetencyResult.objects.filter(block_key=block, learner_key=learner)
                                            .exclude(competency="").values_list("competency", "earned", "best"))))
    return found["rows"]


def test_parallel_records_of_one_learner_and_block_leave_exactly_one_of_them_never_a_mix(shared_database):
    in_thread = shared_database
    for trial in range(TRIALS):
        learner = f"tabs{trial}"
        if trial % 2:  # half the trials race over existing results, half over the first record
            in_thread(lambda learner=learner: competencies.record(COURSE, learner, BORDER, {"old": (1, 1)}))
        # Disjoint sets of ids: a mix of two records cannot pass for either.
        sets = [{f"c{writer}.{index}": (writer, index + 1) for index in range(1 + writer % 3)} for writer in range(THREADS)]
        errors = run_together([lambda results=results, learner=learner: competencies.record(COURSE, learner, BORDER, results)
                               for results in sets])
        assert not errors, errors
        rows = stored(in_thread, BORDER, learner)
        assert rows in [{(key, *points) for key, points in results.items()} for results in sets], rows
        found = {}
        in_thread(lambda learner=learner: found.update(blocks=CompetencyResult.objects.filter(
            block_key=BORDER, learner_key=learner, competency="").count()))
        assert found["blocks"] == 1


def test_parallel_records_of_one_learner_in_different_blocks_all_stay(shared_database):
    in_thread = shared_database
    blocks = [f"{COURSE}/block{index}" for index in range(THREADS)]
    errors = run_together([lambda block=block: competencies.record(COURSE, "ana", block, {"a": (1, 2)}) for block in blocks])
    assert not errors, errors
    found = {}
    in_thread(lambda: found.update(results=competencies.learner_results(COURSE, "ana")))
    assert found["results"] == {"a": {"earned": THREADS, "best": 2 * THREADS, "exercises": THREADS}}


def test_reading_a_learners_or_a_cohorts_results_is_one_query_whatever_the_number_of_blocks(db, django_assert_num_queries):  # pylint: disable=unused-argument
    for block in range(5):
        for learner in ("ana", "ben"):
            competencies.record(COURSE, learner, f"{COURSE}/{block}", {"a": (1, 2), "b": (2, 2)})
    with django_assert_num_queries(1):
        assert competencies.learner_results(COURSE, "ana")["a"] == {"earned": 5, "best": 10, "exercises": 5}
    with django_assert_num_queries(1):
        assert competencies.cohort_results(COURSE)["b"] == [1, 1]
