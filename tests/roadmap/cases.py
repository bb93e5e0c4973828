"""Blocks for the roadmap's tests, built the way storage builds them: a cohort's sums and its release's groups."""
from rtcm_xblocks.needs import disclosure
from rtcm_xblocks.needs.cohort import CohortStats
from rtcm_xblocks.needs.framework import Framework
from rtcm_xblocks.roadmap.report import BlockFigures

SMALL = Framework.from_dict({"id": "custom", "pillars": [
    {"id": "border", "title": "Borders", "competencies": [{"id": "b1", "text": "Check a travel document"},
                                                          {"id": "b2", "text": "Refer to the second line"}]},
    {"id": "data", "title": "Data", "competencies": [{"id": "d1", "text": "Share data safely"}]},
]})
IDS = ("b1", "b2", "d1")


def answers(count, country=None, agency=None, importance=4, proficiency=2, role="I typed this"):
    """`count` identical submissions with the given profile (the role is learner free text)."""
    profile = {"role": role}
    if country:
        profile["country"] = country
    if agency:
        profile["agency"] = agency
    ratings = {cid: {"importance": importance, "proficiency": proficiency} for cid in IDS}
    return [(ratings, profile)] * count


def block(key, submissions, min_group_size=5, framework=SMALL, framework_id="custom:small", **facts):
    """The block `key` of course run "course-v1:X+<key>+R" as released: sums of `submissions`, groups its audit shows."""
    stats = CohortStats.from_submissions(submissions)
    shown = disclosure.groups_to_show(stats.atoms(), min_group_size) or frozenset()
    facts.setdefault("course", f"course-v1:X+{key}+R")
    facts.setdefault("title", f"Assessment {key}")
    return BlockFigures(key=key, framework_id=framework_id, framework=framework, stats=stats, shown=shown, **facts)
