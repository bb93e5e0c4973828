"""A demo cohort for the roadmap in the workbench: three courses, two runs each, pre- and post-course self-assessments.

Learners' submissions go through the same storage as the block's (`storage.store_submission`), so the
aggregates, cells and pending changes are the real ones; each block's first submissions are dated
to its run (for the trend), then its figures are released and described as when course staff open
its cohort report. Deterministic: the same seed gives the same cohort.
"""
import random
from datetime import datetime, timezone

from rtcm_xblocks.needs import storage
from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.needs.models import Submission

__all__ = ["RUNS", "seed_demo", "demo_block_key"]

BLOCK_TYPE = "rtcm_needs_assessment"
# (course run, start, learners)
RUNS = (
    ("course-v1:IOM-RTCM+MMP101+2025_T3", datetime(2025, 9, 15, tzinfo=timezone.utc), 48),
    ("course-v1:IOM-RTCM+MMP101+2026_T1", datetime(2026, 2, 2, tzinfo=timezone.utc), 60),
    ("course-v1:IOM-RTCM+IBM201+2025_T4", datetime(2025, 11, 3, tzinfo=timezone.utc), 36),
    ("course-v1:IOM-RTCM+IBM201+2026_T2", datetime(2026, 4, 6, tzinfo=timezone.utc), 42),
    ("course-v1:IOM-RTCM+LMG301+2026_T1", datetime(2026, 1, 19, tzinfo=timezone.utc), 30),
    ("course-v1:IOM-RTCM+LMG301+2026_T3", datetime(2026, 9, 7, tzinfo=timezone.utc), 33),
)
COUNTRIES = ("AZ", "GE", "KZ", "KG", "MD", "UZ", "TJ", "TM")
COUNTRY_WEIGHTS = (18, 16, 22, 14, 12, 20, 9, 2)
AGENCIES = ("border", "migration-service", "police", "labour", "ngo", "health")
AGENCY_WEIGHTS = (30, 28, 15, 10, 8, 2)


def demo_block_key(course, url_name):
    """The storage key of the demo block `url_name` of course run `course`, as in the LMS."""
    return f"block-v1:{course[len('course-v1:'):]}+type@{BLOCK_TYPE}+block@{url_name}"


def _ratings(framework, chance, profile, gain=0):
    ratings = {}
    for index, competency in enumerate(framework.competencies):
        if chance.random() < 0.05:
            ratings[competency.id] = "na"
            continue
        need = (index * 7 + len(profile["country"]) + COUNTRIES.index(profile["country"])) % 5
        importance = min(5, max(1, 3 + need // 2 + chance.choice((-1, 0, 0, 1))))
        proficiency = min(5, max(1, 4 - need // 2 + gain + chance.choice((-1, 0, 0, 1))))
        ratings[competency.id] = {"importance": importance, "proficiency": proficiency}
    return ratings


def seed_demo(seed=2026, min_group_size=5, runs=len(RUNS)):
    """Store the demo cohort (its first `runs` course runs) and release and describe every block; returns the blocks' keys."""
    chance = random.Random(seed)
    framework = load_framework(DEFAULT_FRAMEWORK)
    keys = []
    for course, start, learners in RUNS[:runs]:
        pre, post = demo_block_key(course, "needs_pre"), demo_block_key(course, "needs_post")
        for number in range(learners):
            learner = f"{course}:learner{number}"
            profile = {"country": chance.choices(COUNTRIES, COUNTRY_WEIGHTS)[0],
                       "agency": chance.choices(AGENCIES, AGENCY_WEIGHTS)[0],
                       "role": "Free text a learner typed: never in the roadmap"}
            storage.store_submission(pre, learner, _ratings(framework, chance, profile), profile)
            if chance.random() < 0.8:
                storage.store_submission(post, learner, _ratings(framework, chance, profile, gain=1), profile)
        for key, phase, pre_key, title in ((pre, "pre", "", "Before the course: your training needs"),
                                           (post, "post", pre, "After the course: your training needs")):
            Submission.objects.filter(block_key=key).update(created=start)
            storage.release_figures(key, min_group_size)
            storage.describe_block(key, title, phase, pre_key, framework.id, framework.to_dict(), min_group_size)
            keys.append(key)
    return keys
