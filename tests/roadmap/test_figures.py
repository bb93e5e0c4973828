"""Reading the roadmap's input: released figures only, in a constant number of queries."""
from rtcm_xblocks.needs import storage
from rtcm_xblocks.roadmap.figures import roadmap_for
from tests.roadmap.cases import answers
from tests.roadmap.seeding import COURSE_1, COURSE_2, key, seed


def test_the_roadmap_shows_the_released_figures_not_a_single_new_submission(db):  # pylint: disable=unused-argument
    seed()
    ratings, profile = answers(1, "GE", "border")[0]
    storage.store_submission(key(COURSE_1, "pre"), "latecomer", ratings, profile)
    assert storage.cohort_stats(key(COURSE_1, "pre")).respondents() == 7
    assert roadmap_for()["frameworks"][0]["report"]["respondents"] == 13  # 6 + 7 as released


def test_three_queries_whatever_the_number_of_blocks(db, django_assert_num_queries):  # pylint: disable=unused-argument
    seed()
    with django_assert_num_queries(3):
        roadmap_for()
    seed(((f"course-v1:RTCM+C{number}+2026", "AZ", 5) for number in range(6)))
    with django_assert_num_queries(3):
        assert roadmap_for()["blocks"]["used"] == 8
    with django_assert_num_queries(3):
        assert roadmap_for([COURSE_1, COURSE_2])["blocks"]["used"] == 2
