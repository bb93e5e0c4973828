"""Demonstrated in the scenarios: scenario results per competency beside the learner's and the cohort's self-ratings."""
from fractions import Fraction

import pytest

from rtcm_xblocks.needs.cohort import CohortStats, cohort_report, csv_rows
from rtcm_xblocks.needs.demonstrated import (DISAGREEMENT, cohort_demonstrated, learner_demonstrated, self_rated_share,
                                             share)
from rtcm_xblocks.needs.framework import Competency, Framework, Pillar
from rtcm_xblocks.needs.scoring import learner_results

FRAMEWORK = Framework("small", (
    Pillar("p", "P", (Competency("p.a", "I can a.", "p"), Competency("p.b", "I can b.", "p"),
                      Competency("p.c", "I can c.", "p")), "/jump_to_id/p"),
))


def rated(**proficiencies):
    """Ratings of importance 5 and the given proficiency per competency ("na" for the others)."""
    return {c.id: ({"importance": 5, "proficiency": proficiencies[c.id[2:]]} if c.id[2:] in proficiencies else "na")
            for c in FRAMEWORK.competencies}


@pytest.mark.parametrize("proficiency, expected", [(1, 0), (2, Fraction(1, 4)), (5, 1), (3.5, Fraction(5, 8)), (None, None)])
def test_a_proficiency_on_the_1_5_scale_is_a_share_of_0_to_1(proficiency, expected):
    assert self_rated_share(proficiency) == expected


@pytest.mark.parametrize("earned, best, expected", [(2, 3, Fraction(2, 3)), (-1, 3, 0), (4, 3, 1), (0, 0, None), (1, -1, None)])
def test_the_demonstrated_share_is_earned_over_best_clamped_and_none_without_points_to_earn(earned, best, expected):
    assert share(earned, best) == expected


def test_without_scenario_results_every_competency_is_not_yet_demonstrated_and_the_plan_is_unchanged():
    results = learner_results(FRAMEWORK, rated(a=1, b=3))
    shown = learner_demonstrated(results, {})
    assert [entry["demonstrated"] for entry in shown["competencies"]] == [None, None, None]
    assert not any(entry["self_rated_higher"] for entry in shown["competencies"] + shown["priorities"])
    strip = ("demonstrated", "self_rated_higher")
    assert [{k: v for k, v in e.items() if k not in strip} for e in shown["competencies"]] == results["competencies"]
    assert [{k: v for k, v in e.items() if k not in strip} for e in shown["priorities"]] == results["priorities"]
    assert shown["pillars"] == results["pillars"]


def test_each_competency_and_priority_gets_its_score_points_and_exercises_and_the_ranking_stays_self_rated():
    results = learner_results(FRAMEWORK, rated(a=1, b=3))
    shown = learner_demonstrated(results, {"p.a": {"earned": 4, "best": 6, "exercises": 2},
                                           "p.c": {"earned": 1, "best": 1, "exercises": 1},
                                           "elsewhere": {"earned": 1, "best": 1, "exercises": 1}})
    by_id = {entry["id"]: entry for entry in shown["competencies"]}
    assert by_id["p.a"]["demonstrated"] == {"score": 0.6667, "earned": 4, "best": 6, "exercises": 2}
    assert by_id["p.b"]["demonstrated"] is None
    assert by_id["p.c"]["demonstrated"] == {"score": 1.0, "earned": 1, "best": 1, "exercises": 1}, "also where rated na"
    assert [e["id"] for e in shown["competencies"]] == [e["id"] for e in results["competencies"]]
    assert shown["priorities"][0]["competency"] == "p.a" and shown["priorities"][0]["demonstrated"]["exercises"] == 2


def test_no_points_to_earn_is_not_a_demonstration():
    shown = learner_demonstrated(learner_results(FRAMEWORK, rated(a=3)), {"p.a": {"earned": -2, "best": 0, "exercises": 1}})
    assert shown["competencies"][0]["demonstrated"] is None


@pytest.mark.parametrize("proficiency, earned, best, higher", [
    (4, 1, 2, True),      # 0.75 self-rated, 0.5 demonstrated: exactly the threshold
    (4, 5001, 10000, False),
    (5, 0, 3, True), (1, 0, 3, False), (2, 3, 3, False), (5, 4, 5, False), (5, 3, 4, True),
])
def test_the_hint_shows_where_the_self_rating_is_a_quarter_of_the_scale_or_more_above_the_scenarios(proficiency, earned, best, higher):
    shown = learner_demonstrated(learner_results(FRAMEWORK, rated(a=proficiency)),
                                 {"p.a": {"earned": earned, "best": best, "exercises": 1}})
    entry = [e for e in shown["competencies"] if e["id"] == "p.a"][0]
    assert entry["self_rated_higher"] is higher
    assert DISAGREEMENT == Fraction(1, 4)


def report_of(proficiencies, min_group_size=1):
    """A cohort report of learners rating importance 5 and the given proficiencies of p.a and p.b."""
    submissions = [({"p.a": {"importance": 5, "proficiency": a}, "p.b": {"importance": 5, "proficiency": b}, "p.c": "na"}, {})
                   for a, b in proficiencies]
    return cohort_report(FRAMEWORK, CohortStats.from_submissions(submissions), min_group_size)


def test_the_cohorts_demonstrated_mean_is_shown_only_over_at_least_k_learners():
    report = cohort_demonstrated(report_of([(3, 3)] * 3, 3), {"p.a": [Fraction(1, 3), 1, 1], "p.b": [1, 1]}, 3)
    by_id = {entry["id"]: entry for entry in report["competencies"]}
    assert by_id["p.a"]["demonstrated"] == {"mean": 0.7778, "learners": 3}
    assert by_id["p.b"]["demonstrated"] is None and by_id["p.c"]["demonstrated"] is None


def test_disagreements_compare_the_published_self_rated_mean_with_the_demonstrated_mean_largest_gap_first():
    # p.a: mean proficiency 4.5 -> 0.875 vs 0.25 demonstrated; p.b: 2 -> 0.25 vs 0.75; p.c: nobody rated it.
    report = cohort_demonstrated(report_of([(4, 2), (5, 2)]),
                                 {"p.a": [Fraction(1, 4), Fraction(1, 4)], "p.b": [1, Fraction(1, 2)], "p.c": [0, 0]}, 2)
    assert report["disagreements"] == [
        {"competency": "p.a", "self_rated": 0.875, "demonstrated": 0.25, "gap": 0.625},
        {"competency": "p.b", "self_rated": 0.25, "demonstrated": 0.75, "gap": -0.5},
    ]


def test_gaps_under_a_quarter_of_the_scale_are_not_disagreements_and_a_quarter_is():
    report = cohort_demonstrated(report_of([(3, 3)]), {"p.a": [Fraction(3, 4)], "p.b": [Fraction(7499, 10000)]}, 1)
    assert [item["competency"] for item in report["disagreements"]] == ["p.a"]
    assert report["disagreements"][0]["gap"] == -0.25


def test_a_withheld_self_rating_is_never_compared_and_no_new_self_rating_aggregate_appears():
    # Two respondents, k = 3: the cohort's figures are withheld, so there is no published mean to compare.
    report = report_of([(5, 5), (5, 5)], 3)
    shown = cohort_demonstrated(report, {"p.a": [0, 0, 0]}, 3)
    assert shown["competencies"][0]["mean_proficiency"] is None and shown["disagreements"] == []
    assert {key for entry in shown["competencies"] for key in entry} - {key for entry in report["competencies"] for key in entry} == {"demonstrated"}
    assert set(shown) - set(report) == {"disagreements"}


def test_the_csv_has_the_demonstrated_mean_its_learners_and_the_gap_of_disagreements():
    report = cohort_demonstrated(report_of([(5, 2)]), {"p.a": [0], "p.b": [Fraction(1, 4)]}, 1)
    rows = csv_rows(report, FRAMEWORK)
    header = rows[0]
    cells = {row[header.index("id")]: row for row in rows[1:] if row[0] == "competency"}
    pick = [header.index(name) for name in ("demonstrated_mean", "demonstrated_learners", "self_rated_vs_demonstrated")]
    assert [cells["p.a"][i] for i in pick] == ["0.0", "1", "1.0"]
    assert [cells["p.b"][i] for i in pick] == ["0.25", "1", ""]
    assert [cells["p.c"][i] for i in pick] == ["", "", ""]
