"""A small released cohort for the roadmap's Django tests: stored, released and described as the block does it."""
from rtcm_xblocks.needs import storage
from tests.roadmap.cases import SMALL, answers

COURSE_1 = "course-v1:RTCM+ONE+2026"
COURSE_2 = "course-v1:RTCM+TWO+2026"


def key(course, url_name):
    """The storage key of block `url_name` in `course`."""
    return f"block-v1:{course[len('course-v1:'):]}+type@rtcm_needs_assessment+block@{url_name}"


def seed(courses=((COURSE_1, "GE", 6), (COURSE_2, "KZ", 7))):
    """One pre-course block per course run, its learners all from one country; released and described."""
    for course, country, learners in courses:
        block = key(course, "pre")
        for number, (ratings, profile) in enumerate(answers(learners, country, "border", role="my secret role")):
            storage.store_submission(block, f"{course}-{number}", ratings, profile)
        storage.release_figures(block, 5)
        storage.describe_block(block, f"Needs <b>{country}</b>", "pre", "", "custom:small", SMALL.to_dict(), 5)
