"""The roadmap's figures: sums of what the blocks' own releases show, at the roadmap's smallest group."""
from rtcm_xblocks.needs import cohort
from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.roadmap.report import build_roadmap, period_of, publishable
from tests.roadmap.cases import SMALL, answers, block


def group(section, by, value):
    found = [g for g in section["report"]["groups"] if g["by"] == by and g["value"] == value]
    return found[0] if found else None


def test_a_country_counts_only_where_its_block_shows_it_so_no_difference_isolates_a_learner():
    # Block A shows Georgia (50); block B has two Georgians, whom B's report withholds. Summing the
    # live sums would publish 52, and 52 − 50 = the two Georgians of B.
    big = block("A", answers(50, "GE", importance=5) + answers(10, "AZ"))
    small = block("B", answers(2, "GE", importance=1, proficiency=5) + answers(20, "AZ"))
    assert (0, "GE") not in small.shown
    roadmap = build_roadmap([big, small], 5)
    georgia = group(roadmap["frameworks"][0], "country", "GE")
    assert georgia["respondents"] == 50
    entry = next(c for c in georgia["competencies"] if c["id"] == "b1")
    assert entry["n"] == 50 and entry["mean_importance"] == 5.0
    assert roadmap["frameworks"][0]["report"]["respondents"] == 82


def test_every_published_figure_is_a_sum_of_figures_the_blocks_show_at_k():
    blocks = [
        block("A", answers(7, "GE", "border") + answers(6, "AZ", "police") + answers(3, "KZ", "border")),
        block("B", answers(9, "KZ", "border", importance=5, proficiency=1) + answers(4, "GE", "police")),
        block("C", answers(12, "AZ", "border") + answers(1, "UZ", "ngo")),
    ]
    roadmap = build_roadmap(blocks, 5)
    section = roadmap["frameworks"][0]
    for published in section["report"]["groups"]:
        by, value = published["by"], published["value"]
        parts = [publishable(b.stats, b.shown, 5) for b in blocks]
        expected = sum(p.respondents(by, value) for p in parts if p is not None)
        assert published["respondents"] == expected
        assert all(p.respondents(by, value) == 0 or p.respondents(by, value) >= 5 for p in parts)
    assert group(section, "country", "UZ") is None and group(section, "agency", "ngo") is None
    assert section["report"]["withheld"]["country"] >= 1


def test_groups_a_block_released_are_dropped_when_the_roadmaps_k_is_larger():
    low = block("A", answers(3, "GE") + answers(3, "AZ"), min_group_size=2)
    assert (0, "GE") in low.shown
    assert group(build_roadmap([low], 5)["frameworks"][0], "country", "GE") is None
    assert group(build_roadmap([low], 3)["frameworks"][0], "country", "GE")["respondents"] == 3


def test_a_block_smaller_than_k_is_left_out_and_competencies_rated_by_fewer_than_k_are_not_summed():
    tiny = block("A", answers(4, "GE"))
    partly = answers(6, "AZ")
    partly = [({**ratings, "d1": "na"}, profile) for ratings, profile in partly[:3]] + partly[3:]
    other = block("B", partly)
    roadmap = build_roadmap([tiny, other], 5)
    assert roadmap["blocks"] == {"used": 1, "left_out": 1}
    report = roadmap["frameworks"][0]["report"]
    assert report["respondents"] == 6
    d1 = next(c for c in report["competencies"] if c["id"] == "d1")
    assert d1["n"] == 0 and d1["mwds"] is None


def test_learner_free_text_and_cells_never_reach_the_roadmap():
    roadmap = build_roadmap([block("A", answers(8, "GE", "border", role="=HYPERLINK(secret)"))], 5)
    assert "secret" not in repr(roadmap)
    assert "|" not in repr([g["value"] for g in roadmap["frameworks"][0]["report"]["groups"]])


def test_frameworks_are_never_mixed_custom_ones_are_grouped_by_fingerprint_and_shipped_ones_come_first():
    default = load_framework(DEFAULT_FRAMEWORK)
    first = default.competencies[0].id
    shipped = block("D", [({first: {"importance": 5, "proficiency": 1}}, {"country": "GE"})] * 6,
                    framework=default, framework_id=DEFAULT_FRAMEWORK)
    custom_a = block("A", answers(6), framework_id="custom:aaaa")
    custom_b = block("B", answers(6), framework_id="custom:aaaa")
    other = block("C", answers(6), framework_id="custom:bbbb")
    roadmap = build_roadmap([custom_a, other, shipped, custom_b], 5)
    assert [(s["id"], s["blocks"], s["report"]["respondents"]) for s in roadmap["frameworks"]] == [
        (DEFAULT_FRAMEWORK, 1, 6), ("custom:aaaa", 2, 12), ("custom:bbbb", 1, 6)]
    assert roadmap["frameworks"][0]["report"]["competencies"][0]["id"] == first


def test_priorities_are_the_highest_positive_mwds_of_each_group_in_rank_order():
    submissions = [({"b1": {"importance": 5, "proficiency": 1}, "b2": {"importance": 3, "proficiency": 2},
                     "d1": {"importance": 2, "proficiency": 5}}, {"country": "GE", "agency": "border"})] * 6
    section = build_roadmap([block("A", submissions)], 5)["frameworks"][0]
    assert section["report"]["priorities"] == ["b1", "b2"]
    assert group(section, "country", "GE")["priorities"] == ["b1", "b2"]
    assert group(section, "agency", "border")["priorities"] == ["b1", "b2"]


def test_post_course_blocks_give_their_runs_change_and_stay_out_of_the_needs():
    pre = block("P", answers(8, "GE", proficiency=2), course="course-v1:X+C+R1")
    post = block("Q", answers(7, "GE", proficiency=4), course="course-v1:X+C+R1", phase="post", pre_key="P")
    roadmap = build_roadmap([pre, post], 5)
    assert roadmap["frameworks"][0]["report"]["respondents"] == 8
    [change] = roadmap["changes"]
    assert change["withheld"] is False and change["respondents"] == {"pre": 8, "post": 7}
    expected = cohort.cohort_change(SMALL, cohort.CohortStats.from_submissions(answers(8, proficiency=2)),
                                    cohort.CohortStats.from_submissions(answers(7, proficiency=4)), 5)
    assert change["pillars"] == expected["pillars"]
    assert change["pillars"][0]["proficiency_change"] == 2.0


def test_a_change_is_withheld_when_either_side_is_smaller_than_k_or_the_pre_block_is_unknown():
    pre = block("P", answers(8), course="c")
    post = block("Q", answers(3), course="c", phase="post", pre_key="P")
    orphan = block("R", answers(9), course="c", phase="post", pre_key="missing")
    changes = build_roadmap([pre, post, orphan], 5)["changes"]
    assert [(c["key"], c["withheld"]) for c in changes] == [("Q", True), ("R", True)]
    assert "pillars" not in changes[0]


def test_the_trend_groups_needs_blocks_by_the_quarter_of_their_first_submission():
    blocks = [block("A", answers(6, proficiency=1), cohort_start="2025-11-03T09:00:00+00:00"),
              block("B", answers(6, proficiency=3), cohort_start="2025-12-01T09:00:00+00:00"),
              block("C", answers(5, proficiency=4), cohort_start="2026-02-01T09:00:00+00:00"),
              block("D", answers(5), cohort_start=None)]
    trend = build_roadmap(blocks, 5)["frameworks"][0]["trend"]
    assert [(t["period"], t["blocks"], t["respondents"]) for t in trend] == [("2025-Q4", 2, 12), ("2026-Q1", 1, 5), (None, 1, 5)]
    assert trend[0]["pillars"][0]["mean_proficiency"] == 2.0
    assert period_of("2026-07-01") == "2026-Q3" and period_of(None) is None


def test_nothing_released_gives_an_empty_roadmap():
    assert build_roadmap([], 5) == {"min_group_size": 5, "blocks": {"used": 0, "left_out": 0}, "frameworks": [], "changes": []}
