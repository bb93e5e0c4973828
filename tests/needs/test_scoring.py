"""Specification of learner scores (discrepancy, weighted need, ranks, change) and of Borich's MWDS and quadrants."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtcm_xblocks.needs.framework import Competency, Framework, Pillar, load_framework
from rtcm_xblocks.needs.scoring import learner_change, learner_results, mwds, number, quadrant, ranks

# DOMAIN.md's worked example: three items rated by four respondents.
EXAMPLE_I = {"A": [5, 5, 4, 5], "B": [4, 4, 3, 4], "C": [5, 4, 5, 4]}
EXAMPLE_C = {"A": [2, 3, 2, 3], "B": [3, 3, 3, 2], "C": [4, 4, 4, 3]}


def two_pillars():
    return Framework("t", (
        Pillar("p1", "One", (Competency("a", "I can a.", "p1"), Competency("b", "I can b.", "p1"), Competency("c", "I can c.", "p1")), "/jump_to_id/one"),
        Pillar("p2", "Two", (Competency("d", "I can d.", "p2"), Competency("e", "I can e.", "p2"))),
    ))


def rating(importance, proficiency):
    return {"importance": importance, "proficiency": proficiency}


# --- Borich -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("item, expected", [("A", 10.6875), ("B", 3.75), ("C", 3.375)])
def test_mwds_reproduces_the_worked_example(item, expected):
    assert mwds(EXAMPLE_I[item], EXAMPLE_C[item]) == expected


def test_mwds_keeps_negative_discrepancies():
    assert mwds([2, 2], [4, 5]) == -5.0
    assert mwds([3, 3], [1, 5]) == 0.0


@pytest.mark.parametrize("importances, proficiencies", [([], []), ([1, 2], [3])])
def test_mwds_needs_paired_ratings(importances, proficiencies):
    with pytest.raises(ValueError):
        mwds(importances, proficiencies)


def test_worked_example_quadrants_split_at_the_grand_means():
    mean_i = {k: sum(v) / 4 for k, v in EXAMPLE_I.items()}
    mean_d = {k: mean_i[k] - sum(EXAMPLE_C[k]) / 4 for k in EXAMPLE_I}
    grand_i = sum(mean_i.values()) / 3
    grand_d = sum(mean_d.values()) / 3
    assert (round(grand_i, 3), round(grand_d, 3)) == (4.333, 1.333)
    assert {k: quadrant(mean_i[k], mean_d[k], grand_i, grand_d) for k in "ABC"} == {"A": "HH", "C": "HL", "B": "LL"}


def test_a_value_equal_to_the_grand_mean_counts_as_high():
    assert quadrant(3, 1, 3, 1) == "HH"
    assert quadrant(2.9, 1, 3, 1) == "LH"
    assert quadrant(3, 0.9, 3, 1) == "HL"


def test_ranks_put_the_highest_first_and_break_ties_by_position():
    assert ranks([2, 5, None, 5, -1]) == [3, 1, None, 2, 4]
    assert ranks([]) == []


def test_numbers_are_rounded_to_four_places():
    assert number(None) is None
    assert number(13 / 3) == 4.3333
    assert number(10.6875) == 10.6875


# --- one learner -------------------------------------------------------------------------------------

def test_learner_discrepancy_and_weighted_need_per_competency():
    results = learner_results(two_pillars(), {"a": rating(5, 2), "b": rating(2, 4), "c": "na", "d": rating(3, 3), "e": rating(4, 1)})
    by_id = {entry["id"]: entry for entry in results["competencies"]}
    assert by_id["a"] == {"id": "a", "pillar": "p1", "importance": 5, "proficiency": 2, "discrepancy": 3, "weighted_need": 15, "rank": 1}
    assert (by_id["b"]["discrepancy"], by_id["b"]["weighted_need"]) == (-2, -4)
    assert (by_id["e"]["weighted_need"], by_id["e"]["rank"]) == (12, 2)
    assert (by_id["d"]["weighted_need"], by_id["d"]["rank"]) == (0, 3)
    assert by_id["b"]["rank"] == 4


def test_not_applicable_competencies_are_left_out_of_the_ranking_and_listed_last():
    results = learner_results(two_pillars(), {"a": "na", "b": rating(2, 4), "c": "na", "d": rating(3, 3), "e": rating(4, 1)})
    assert [(e["id"], e["rank"]) for e in results["competencies"]] == [("e", 1), ("d", 2), ("b", 3), ("a", None), ("c", None)]
    assert results["competencies"][-1] == {"id": "c", "pillar": "p1", "importance": None, "proficiency": None,
                                           "discrepancy": None, "weighted_need": None, "rank": None}


def test_learner_ties_are_broken_in_framework_order():
    ratings = {"a": rating(3, 1), "b": rating(2, 1), "c": rating(6 - 3, 1), "d": rating(3, 1), "e": rating(2, 1)}
    assert [e["id"] for e in learner_results(two_pillars(), ratings)["competencies"]] == ["a", "c", "d", "b", "e"]


def test_pillar_summaries_average_the_rated_competencies_in_framework_order():
    results = learner_results(two_pillars(), {"a": rating(5, 2), "b": rating(2, 4), "c": "na", "d": "na", "e": "na"})
    assert results["pillars"] == [
        {"id": "p1", "title": "One", "rated": 2, "mean_importance": 3.5, "mean_proficiency": 3.0,
         "mean_discrepancy": 0.5, "weighted_need": 5.5, "rank": 1},
        {"id": "p2", "title": "Two", "rated": 0, "mean_importance": None, "mean_proficiency": None,
         "mean_discrepancy": None, "weighted_need": None, "rank": None},
    ]


def test_pillar_ranks_follow_mean_weighted_need():
    results = learner_results(two_pillars(), {"a": rating(1, 1), "b": rating(1, 1), "c": rating(1, 1), "d": rating(5, 1), "e": rating(1, 1)})
    assert [(p["id"], p["rank"], p["weighted_need"]) for p in results["pillars"]] == [("p1", 2, 0.0), ("p2", 1, 10.0)]


def test_priorities_are_positive_needs_in_rank_order_with_the_pillar_link():
    results = learner_results(two_pillars(), {"a": rating(4, 3), "b": rating(2, 4), "c": rating(3, 3), "d": rating(5, 1), "e": "na"})
    assert results["priorities"] == [
        {"competency": "d", "pillar": "p2", "text": "I can d.", "weighted_need": 20, "recommend": ""},
        {"competency": "a", "pillar": "p1", "text": "I can a.", "weighted_need": 4, "recommend": "/jump_to_id/one"},
    ]


def test_a_learner_who_marks_everything_not_applicable_has_no_priorities():
    framework = two_pillars()
    results = learner_results(framework, {c.id: "na" for c in framework.competencies})
    assert results["priorities"] == []
    assert all(entry["rank"] is None for entry in results["competencies"] + results["pillars"])


def test_learner_results_cover_the_whole_default_framework():
    framework = load_framework("rtcm-default")
    results = learner_results(framework, {c.id: rating(5, 1) for c in framework.competencies})
    assert [e["id"] for e in results["competencies"]] == [c.id for c in framework.competencies]
    assert [e["rank"] for e in results["competencies"]] == list(range(1, len(framework.competencies) + 1))
    assert len(results["priorities"]) == len(framework.competencies)


# --- pre/post change -----------------------------------------------------------------------------------

def test_learner_change_per_competency():
    pre = {"a": rating(5, 2), "b": rating(4, 4), "c": "na", "d": rating(3, 1), "e": rating(2, 2)}
    post = {"a": rating(5, 4), "b": rating(4, 3), "c": rating(3, 3), "d": "na", "e": rating(2, 2)}
    change = {entry["id"]: entry for entry in learner_change(two_pillars(), pre, post)["competencies"]}
    assert change["a"] == {"id": "a", "pillar": "p1", "pre_proficiency": 2, "post_proficiency": 4, "proficiency_change": 2.0,
                           "pre_weighted_need": 15, "post_weighted_need": 5, "weighted_need_change": -10.0}
    assert (change["b"]["proficiency_change"], change["b"]["weighted_need_change"]) == (-1.0, 4.0)
    assert (change["c"]["pre_proficiency"], change["c"]["post_proficiency"], change["c"]["proficiency_change"]) == (None, 3, None)
    assert (change["d"]["post_weighted_need"], change["d"]["weighted_need_change"]) == (None, None)
    assert change["e"]["proficiency_change"] == 0.0


def test_learner_change_per_pillar_compares_the_phase_means():
    pre = {"a": rating(5, 2), "b": rating(4, 4), "c": "na", "d": rating(3, 1), "e": rating(2, 2)}
    post = {"a": rating(5, 4), "b": rating(4, 3), "c": rating(3, 3), "d": "na", "e": rating(2, 2)}
    pillars = learner_change(two_pillars(), pre, post)["pillars"]
    assert pillars[0] == {"id": "p1", "title": "One", "pre_proficiency": 3.0, "post_proficiency": 3.3333, "proficiency_change": 0.3333,
                          "pre_weighted_need": 7.5, "post_weighted_need": 3.0, "weighted_need_change": -4.5}
    assert (pillars[1]["pre_proficiency"], pillars[1]["post_proficiency"], pillars[1]["proficiency_change"]) == (1.5, 2.0, 0.5)


def test_learner_change_without_a_pre_assessment_has_only_post_figures():
    framework = two_pillars()
    post = {c.id: rating(4, 2) for c in framework.competencies}
    change = learner_change(framework, None, post)
    for entry in change["competencies"] + change["pillars"]:
        assert entry["pre_proficiency"] is None and entry["proficiency_change"] is None and entry["weighted_need_change"] is None
        assert entry["post_weighted_need"] == 8


RATING = st.one_of(st.just("na"), st.builds(rating, st.integers(1, 5), st.integers(1, 5)))


@given(st.fixed_dictionaries({c: RATING for c in "abcde"}))
def test_learner_ranking_is_a_total_order_by_need_then_framework_position(ratings):
    results = learner_results(two_pillars(), ratings)
    rated = [entry for entry in results["competencies"] if entry["rank"] is not None]
    assert [entry["rank"] for entry in rated] == list(range(1, len(rated) + 1))
    assert {entry["id"] for entry in rated} == {cid for cid, r in ratings.items() if r != "na"}
    position = {cid: index for index, cid in enumerate("abcde")}
    keys = [(-entry["weighted_need"], position[entry["id"]]) for entry in rated]
    assert keys == sorted(keys)
    assert [p["competency"] for p in results["priorities"]] == [e["id"] for e in rated if e["weighted_need"] > 0]
    for entry in rated:
        r = ratings[entry["id"]]
        assert entry["weighted_need"] == r["importance"] * (r["importance"] - r["proficiency"])


def test_number_rounds_exactly_as_fractions_round_half_to_even():
    import random  # pylint: disable=import-outside-toplevel
    from fractions import Fraction  # pylint: disable=import-outside-toplevel

    from rtcm_xblocks.needs.scoring import DECIMALS, number  # pylint: disable=import-outside-toplevel
    rng = random.Random(11)
    values = [Fraction(rng.randint(-10**6, 10**6), rng.randint(1, 10**5)) for _ in range(5000)]
    values += [Fraction(5, 10**(DECIMALS + 1)), Fraction(15, 10**(DECIMALS + 1)), Fraction(-25, 10**(DECIMALS + 1)),
               0, 7, -3, 0.1, 2.675, -1.00005, 1e-9]
    for value in values:
        assert number(value) == float(round(Fraction(value), DECIMALS)), value
    assert number(None) is None
