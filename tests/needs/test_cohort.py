"""Specification of cohort aggregates: exact incremental sums, the Borich report, group suppression, change and CSV."""
import csv
import io
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtcm_xblocks.needs.cohort import (
    CSV_HEADER, CohortStats, Sums, cohort_change, cohort_report, contribution, csv_rows, safe_cell,
)
from rtcm_xblocks.needs.disclosure import groups_to_show, smallest_isolation
from rtcm_xblocks.needs.framework import Competency, Framework, Pillar, load_framework

EXAMPLE_I = {"A": [5, 5, 4, 5], "B": [4, 4, 3, 4], "C": [5, 4, 5, 4]}
EXAMPLE_C = {"A": [2, 3, 2, 3], "B": [3, 3, 3, 2], "C": [4, 4, 4, 3]}


def example_framework():
    return Framework("example", (Pillar("items", "Items", tuple(Competency(k, f"I can {k}.", "items") for k in "ABC")),))


def example_submissions(profile=None):
    return [
        ({k: {"importance": EXAMPLE_I[k][j], "proficiency": EXAMPLE_C[k][j]} for k in "ABC"}, dict(profile or {}))
        for j in range(4)
    ]


def rating(importance, proficiency):
    return {"importance": importance, "proficiency": proficiency}


# --- sums and contributions ----------------------------------------------------------------------------

def test_a_contribution_counts_the_respondent_and_each_rated_competency_per_group():
    assert contribution({"A": rating(5, 2), "B": "na"}, {"country": "AZ", "agency": "ngo", "role": "x"}) == {
        ("all", "", ""): Sums(1), ("all", "", "A"): Sums(1, 5, 2),
        ("country", "AZ", ""): Sums(1), ("country", "AZ", "A"): Sums(1, 5, 2),
        ("agency", "ngo", ""): Sums(1), ("agency", "ngo", "A"): Sums(1, 5, 2),
        ("cell", "AZ|ngo", ""): Sums(1),
    }


def test_a_contribution_without_profile_counts_only_in_the_whole_cohort():
    assert contribution({"A": rating(1, 1)}, {}) == {
        ("all", "", ""): Sums(1), ("all", "", "A"): Sums(1, 1, 1), ("cell", "|", ""): Sums(1)}
    assert set(contribution({"A": "na"}, None)) == {("all", "", ""), ("cell", "|", "")}


def test_sums_add_and_subtract_exactly():
    assert Sums(2, 7, 5) + Sums(1, 3, 1) - Sums(2, 7, 5) == Sums(1, 3, 1)
    assert not Sums()


def test_a_resubmission_replaces_the_earlier_contribution():
    first = contribution({"A": rating(5, 1)}, {"country": "AZ"})
    second = contribution({"A": rating(2, 2)}, {"country": "GE"})
    stats = CohortStats().add(first).subtract(first).add(second)
    assert stats == CohortStats().add(second)
    assert stats.values("country") == ["GE"]
    assert stats.respondents() == 1


def test_subtracting_what_was_never_added_is_refused_and_changes_nothing():
    stats = CohortStats().add(contribution({"A": rating(5, 1)}, {}))
    before = dict(stats.sums)
    with pytest.raises(ValueError):
        stats.subtract(contribution({"A": rating(5, 1)}, {"country": "AZ"}))
    assert stats.sums == before


def test_stats_can_be_rebuilt_from_stored_rows():
    stats = CohortStats.from_submissions(example_submissions({"country": "MD"}))
    rows = {key: (sums.n, sums.importance, sums.proficiency) for key, sums in stats.sums.items()}
    assert CohortStats(rows) == stats
    assert CohortStats({("all", "", "A"): (0, 0, 0)}) == CohortStats()


def test_group_values_come_in_the_profile_option_order():
    submissions = [({}, {"country": c}) for c in ("other", "UZ", "AZ", "GE")] + [({}, {"agency": a}) for a in ("ngo", "border")]
    stats = CohortStats.from_submissions(submissions)
    assert stats.values("country") == ["AZ", "GE", "UZ", "other"]
    assert stats.values("agency") == ["border", "ngo"]


# --- the report ------------------------------------------------------------------------------------------

def test_report_reproduces_the_worked_example_exactly():
    report = cohort_report(example_framework(), CohortStats.from_submissions(example_submissions()), 4)
    assert report["respondents"] == 4
    assert report["competencies"] == [
        {"id": "A", "pillar": "items", "n": 4, "mean_importance": 4.75, "mean_proficiency": 2.5, "mwds": 10.6875, "rank": 1, "quadrant": "HH"},
        {"id": "B", "pillar": "items", "n": 4, "mean_importance": 3.75, "mean_proficiency": 2.75, "mwds": 3.75, "rank": 2, "quadrant": "LL"},
        {"id": "C", "pillar": "items", "n": 4, "mean_importance": 4.5, "mean_proficiency": 3.75, "mwds": 3.375, "rank": 3, "quadrant": "HL"},
    ]
    assert report["quadrant_split"] == {"importance": 4.3333, "discrepancy": 1.3333}
    assert report["groups"] == []


def test_pillar_figures_are_means_of_their_competencies():
    report = cohort_report(example_framework(), CohortStats.from_submissions(example_submissions()), 4)
    assert report["pillars"] == [{
        "id": "items", "title": "Items", "n": 12, "mean_importance": 4.3333, "mean_proficiency": 3.0,
        "mean_discrepancy": 1.3333, "mwds": 5.9375, "rank": 1, "quadrant": "HH",
    }]


def test_mwds_counts_only_respondents_who_rated_the_competency():
    framework = example_framework()
    submissions = example_submissions() + [({"A": "na", "B": "na", "C": "na"}, {})]
    report = cohort_report(framework, CohortStats.from_submissions(submissions), 4)
    assert report["respondents"] == 5
    assert [(c["id"], c["n"], c["mwds"]) for c in report["competencies"]] == [("A", 4, 10.6875), ("B", 4, 3.75), ("C", 4, 3.375)]


def test_figures_of_fewer_ratings_than_the_minimum_are_withheld_everywhere():
    framework = example_framework()
    submissions = example_submissions() + [({"A": "na", "B": "na", "C": "na"}, {})]
    report = cohort_report(framework, CohortStats.from_submissions(submissions), 5)
    assert report["respondents"] == 5
    assert report["competencies"] == [
        {"id": c, "pillar": "items", "n": None, "mean_importance": None, "mean_proficiency": None, "mwds": None,
         "rank": None, "quadrant": None, "withheld": True} for c in "ABC"]
    assert report["pillars"][0]["n"] == 0 and report["pillars"][0]["mwds"] is None
    assert report["quadrant_split"] == {"importance": None, "discrepancy": None}


def test_negative_mwds_is_kept_and_ranked_last():
    framework = example_framework()
    submissions = [({"A": rating(2, 5), "B": rating(3, 3), "C": rating(4, 1)}, {})]
    report = cohort_report(framework, CohortStats.from_submissions(submissions), 1)
    assert [(c["id"], c["mwds"], c["rank"]) for c in report["competencies"]] == [("C", 12.0, 1), ("B", 0.0, 2), ("A", -6.0, 3)]


def test_cohort_ties_are_broken_in_framework_order():
    framework = example_framework()
    submissions = [({"A": rating(3, 2), "B": rating(4, 1), "C": rating(3, 2)}, {})]
    report = cohort_report(framework, CohortStats.from_submissions(submissions), 1)
    assert [c["id"] for c in report["competencies"]] == ["B", "A", "C"]


def test_competencies_nobody_rated_have_no_figures_and_follow_the_ranked_ones():
    framework = example_framework()
    report = cohort_report(framework, CohortStats.from_submissions([({"A": "na", "B": rating(5, 1), "C": "na"}, {})]), 1)
    assert report["competencies"][1:] == [
        {"id": "A", "pillar": "items", "n": 0, "mean_importance": None, "mean_proficiency": None, "mwds": None, "rank": None, "quadrant": None},
        {"id": "C", "pillar": "items", "n": 0, "mean_importance": None, "mean_proficiency": None, "mwds": None, "rank": None, "quadrant": None},
    ]


def test_an_empty_cohort_has_a_report_without_figures():
    report = cohort_report(load_framework("rtcm-default"), CohortStats(), 5)
    assert report["respondents"] == 0
    assert report["groups"] == []
    assert report["quadrant_split"] == {"importance": None, "discrepancy": None}
    assert all(c["mwds"] is None and c["rank"] is None for c in report["competencies"])
    assert all(p["mwds"] is None and p["n"] == 0 for p in report["pillars"])


def test_groups_at_the_minimum_size_carry_their_own_figures():
    framework = example_framework()
    submissions = example_submissions({"country": "AZ", "agency": "border"}) + [({"A": rating(1, 1), "B": "na", "C": "na"}, {"country": "AZ"})]
    report = cohort_report(framework, CohortStats.from_submissions(submissions), 5)
    [country] = report["groups"]
    assert (country["by"], country["value"], country["respondents"], country["suppressed"]) == ("country", "AZ", 5, False)
    assert [(c["id"], c["n"], c.get("withheld", False)) for c in country["competencies"]] == [
        ("A", 5, False), ("B", None, True), ("C", None, True)]
    assert country["pillars"][0]["id"] == "items"
    assert report["withheld"] == {"country": 0, "agency": 1}, "the border guards (4) are not named"


def test_a_small_group_cannot_be_recovered_by_subtracting_the_shown_groups_from_the_cohort():
    def shown(sizes, unanswered):
        atoms = {(country, None): size for country, size in sizes.items()}
        atoms[(None, None)] = unanswered
        return {value for _side, value in groups_to_show(atoms, 5)}
    assert shown({"AZ": 6, "GE": 5, "MD": 1}, 0) == {"AZ"}
    assert shown({"AZ": 6, "GE": 5, "MD": 1}, 4) == {"AZ", "GE"}
    assert shown({"AZ": 7, "GE": 6}, 0) == {"AZ", "GE"}
    assert shown({"AZ": 7, "GE": 6}, 2) == {"AZ"}


def test_a_suppressed_group_shows_no_figures_at_all():
    framework = example_framework()
    report = cohort_report(framework, CohortStats.from_submissions(example_submissions({"country": "TM"})), 5)
    assert report["groups"] == []
    assert report["withheld"] == {"country": 1, "agency": 0}
    assert "TM" not in repr(report)


def test_report_over_the_default_framework_uses_every_competency_and_pillar():
    framework = load_framework("rtcm-default")
    ratings = {c.id: rating(4, 2) for c in framework.competencies}
    report = cohort_report(framework, CohortStats.from_submissions([(ratings, {"country": "AZ"})] * 6), 5)
    assert sorted(c["id"] for c in report["competencies"]) == sorted(c.id for c in framework.competencies)
    assert [p["id"] for p in report["pillars"]] == [p.id for p in framework.pillars]
    assert report["groups"][0]["respondents"] == 6


def test_report_time_does_not_depend_on_the_number_of_respondents():
    framework = load_framework("rtcm-default")
    countries = ["AZ", "BY", "GE", "IR", "KG", "KZ", "MD", "RU", "TJ", "TM", "TR", "UA", "UZ", "other"]
    agencies = ["border", "migration-service", "police", "labour", "foreign-affairs", "health", "social", "ngo", "international", "academia", "other"]
    stats = CohortStats()
    for index, competency in enumerate(framework.competencies):
        stats.sums[("all", "", competency.id)] = Sums(100_000, 100_000 * 4 + index, 100_000 * 2 + 7 * index)
    stats.sums[("all", "", "")] = Sums(100_000)
    for by, values in (("country", countries), ("agency", agencies)):
        for value in values:
            stats.sums[(by, value, "")] = Sums(100_000 // len(values))
            for competency in framework.competencies:
                stats.sums[(by, value, competency.id)] = Sums(100_000 // len(values), 3 * (100_000 // len(values)) + 11, 100_000 // len(values))
    for number, (country, agency) in enumerate((c, a) for c in countries for a in agencies):
        # Most cells are large; a few are small, so the audit has cuts to search.
        stats.sums[("cell", f"{country}|{agency}", "")] = Sums(3 if number % 17 == 0 else 600)
    started = time.perf_counter()
    report = cohort_report(framework, stats, 5)
    assert time.perf_counter() - started < 1.0
    assert report["respondents"] == 100_000 and len(report["groups"]) == 25


# --- change ----------------------------------------------------------------------------------------------

def test_cohort_change_compares_pre_and_post_per_competency_in_framework_order():
    framework = example_framework()
    pre = CohortStats.from_submissions(example_submissions())
    post = CohortStats.from_submissions([({"A": rating(5, 4), "B": rating(4, 4), "C": "na"}, {})] * 3)
    change = cohort_change(framework, pre, post)
    assert change["respondents"] == {"pre": 4, "post": 3}
    assert [c["id"] for c in change["competencies"]] == ["A", "B", "C"]
    assert change["competencies"][0] == {
        "id": "A", "pillar": "items", "pre_n": 4, "post_n": 3,
        "pre_mean_importance": 4.75, "post_mean_importance": 5.0, "importance_change": 0.25,
        "pre_mean_proficiency": 2.5, "post_mean_proficiency": 4.0, "proficiency_change": 1.5,
        "pre_mwds": 10.6875, "post_mwds": 5.0, "mwds_change": -5.6875,
    }
    assert (change["competencies"][2]["post_mwds"], change["competencies"][2]["mwds_change"]) == (None, None)
    assert change["pillars"][0]["id"] == "items" and change["pillars"][0]["title"] == "Items"


# --- CSV -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_text_cells_that_could_be_formulas_are_prefixed(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, cell", [("border", "border"), ("a=b", "a=b"), ("", ""), (None, ""), (-6.0, "-6.0"),
                                         (10.6875, "10.6875"), (3, "3"), (True, "yes"), (False, "no")])
def test_other_cells_are_written_as_they_are(value, cell):
    assert safe_cell(value) == cell


def test_csv_lists_the_cohort_then_each_shown_group_and_marks_withheld_figures():
    framework = example_framework()
    submissions = example_submissions({"country": "AZ"}) + [({"A": rating(1, 1), "B": "na", "C": "na"}, {"country": "AZ", "agency": "ngo"})]
    rows = csv_rows(cohort_report(framework, CohortStats.from_submissions(submissions), 5), framework)
    assert rows[0] == CSV_HEADER
    assert rows[1] == ["competency", "all", "", "5", "no", "A", "I can A.", "items", "5", "4.0", "2.2", "7.2", "1", "HH",
                       "", "", ""]
    assert rows[2] == ["competency", "all", "", "5", "yes", "B", "I can B.", "items", "", "", "", "", "", "", "", "", ""]
    assert [row[:3] for row in rows[1:]] == [["competency", "all", ""]] * 3 + [["pillar", "all", ""]] + \
        [["competency", "country", "AZ"]] * 3 + [["pillar", "country", "AZ"]]
    assert not any("ngo" in cell for row in rows for cell in row), "a withheld group is not named"


def test_csv_neutralises_formulas_in_author_text():
    framework = Framework("evil", (Pillar("p", "=cmd|' /C calc'!A0", (Competency("p.a", "@SUM(1+1)*cmd", "p"),)),))
    rows = csv_rows(cohort_report(framework, CohortStats.from_submissions([({"p.a": rating(5, 1)}, {})]), 1), framework)
    assert rows[1][6] == "'@SUM(1+1)*cmd"
    assert rows[2][6] == "'=cmd|' /C calc'!A0"
    written = io.StringIO()
    csv.writer(written).writerows(rows)
    for row in csv.reader(io.StringIO(written.getvalue())):
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row)


# --- property: incremental sums equal a recomputation from scratch ----------------------------------------

PROPERTY_FRAMEWORK = Framework("prop", (
    Pillar("p1", "One", (Competency("a", "I can a.", "p1"), Competency("b", "I can b.", "p1"))),
    Pillar("p2", "Two", (Competency("c", "I can c.", "p2"), Competency("d", "I can d.", "p2"))),
))
RATING = st.one_of(st.just("na"), st.builds(rating, st.integers(1, 5), st.integers(1, 5)))
RATINGS = st.fixed_dictionaries({c.id: RATING for c in PROPERTY_FRAMEWORK.competencies})
PROFILE = st.fixed_dictionaries({}, optional={"country": st.sampled_from(["AZ", "GE", "other"]),
                                              "agency": st.sampled_from(["border", "ngo"]), "role": st.text(max_size=5)})
OPERATION = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 7), RATINGS, PROFILE),
    st.tuples(st.just("withdraw"), st.integers(0, 7), st.none(), st.none()),
)


HALF_UNIT = Fraction(1, 20000) + Fraction(1, 10**12)  # reported figures are rounded to 4 places, then to a float


def naive_section(submissions, min_ratings=1):
    """The figures of a group recomputed from per-learner answers with Borich's original formula."""
    rows = []
    for index, competency in enumerate(PROPERTY_FRAMEWORK.competencies):
        pairs = [(r[competency.id]["importance"], r[competency.id]["proficiency"]) for r, _ in submissions if r[competency.id] != "na"]
        if len(pairs) < min_ratings:
            pairs = []
        if pairs:
            mean_i = Fraction(sum(i for i, _ in pairs), len(pairs))
            mean_c = Fraction(sum(c for _, c in pairs), len(pairs))
            score = sum((Fraction(i - c) * mean_i for i, c in pairs), Fraction(0)) / len(pairs)
            rows.append({"id": competency.id, "n": len(pairs), "i": mean_i, "c": mean_c, "d": mean_i - mean_c, "mwds": score, "index": index})
        else:
            rows.append({"id": competency.id, "n": 0, "i": None, "c": None, "d": None, "mwds": None, "index": index})
    rated = [row for row in rows if row["n"]]
    ranked = sorted(rated, key=lambda row: (-row["mwds"], row["index"]))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    if rated:
        grand_i = sum(row["i"] for row in rated) / len(rated)
        grand_d = sum(row["d"] for row in rated) / len(rated)
        for row in rated:
            row["quadrant"] = ("H" if row["i"] >= grand_i else "L") + ("H" if row["d"] >= grand_d else "L")
    return ranked + [row for row in rows if not row["n"]]


def assert_pillars_match(reported, submissions, min_ratings):
    expected = {row["id"]: row for row in naive_section(submissions, min_ratings)}
    scores = []
    for entry, pillar in zip(reported, PROPERTY_FRAMEWORK.pillars):
        rated = [expected[c.id] for c in pillar.competencies if expected[c.id]["n"]]
        assert (entry["id"], entry["n"]) == (pillar.id, sum(row["n"] for row in rated))
        score = sum(row["mwds"] for row in rated) / len(rated) if rated else None
        scores.append(score)
        if score is None:
            assert entry["mwds"] is None and entry["rank"] is None
        else:
            assert abs(Fraction(entry["mwds"]) - score) <= HALF_UNIT
            assert abs(Fraction(entry["mean_importance"]) - sum(row["i"] for row in rated) / len(rated)) <= HALF_UNIT
    ranked = sorted((i for i, score in enumerate(scores) if score is not None), key=lambda i: (-scores[i], i))
    assert [entry["rank"] for entry in reported] == [ranked.index(i) + 1 if i in ranked else None for i in range(len(scores))]


def assert_section_matches(reported, submissions, min_ratings):
    expected = naive_section(submissions, min_ratings)
    assert [entry["id"] for entry in reported] == [row["id"] for row in expected]
    for entry, row in zip(reported, expected):
        assert entry["n"] == row["n"] or (entry["n"] is None and entry["withheld"])
        if not row["n"]:
            assert entry["mwds"] is None and entry["rank"] is None and entry["quadrant"] is None
            continue
        assert (entry["rank"], entry["quadrant"]) == (row["rank"], row["quadrant"])
        for key, exact in (("mean_importance", row["i"]), ("mean_proficiency", row["c"]), ("mwds", row["mwds"])):
            assert abs(Fraction(entry[key]) - exact) <= HALF_UNIT, key


@settings(max_examples=150, deadline=None)
@given(operations=st.lists(OPERATION, max_size=30), min_group_size=st.integers(1, 4))
def test_incremental_stats_and_report_equal_a_recomputation_from_scratch(operations, min_group_size):
    stats = CohortStats()
    current = {}
    for kind, learner, ratings, profile in operations:
        if learner in current:
            stats.subtract(contribution(*current.pop(learner)))
        if kind == "submit":
            current[learner] = (ratings, profile)
            stats.add(contribution(ratings, profile))
    final = list(current.values())
    assert stats == CohortStats.from_submissions(final)

    report = cohort_report(PROPERTY_FRAMEWORK, stats, min_group_size)
    assert report["respondents"] == len(final)
    assert_section_matches(report["competencies"], final, min_group_size)
    assert_pillars_match(report["pillars"], final, min_group_size)
    expected_groups = []
    for by, values in (("country", ["AZ", "GE", "other"]), ("agency", ["border", "ngo"])):
        for value in values:
            members = [s for s in final if s[1].get(by) == value]
            if members:
                expected_groups.append((by, value, len(members), members))
    shown = {(g["by"], g["value"]) for g in report["groups"]}
    assert [(g["by"], g["value"]) for g in report["groups"]] == [(by, v) for by, v, _, _ in expected_groups if (by, v) in shown]
    assert report["withheld"] == {by: sum(1 for b, v, _, _ in expected_groups if b == by and (b, v) not in shown) for by in ("country", "agency")}
    found = smallest_isolation(stats.atoms(), {(("country", "agency").index(by), value) for by, value in shown})
    assert len(final) < min_group_size or found is None or found[0] >= min_group_size, "a combination isolates someone"
    members_of = {(by, value): members for by, value, _, members in expected_groups}
    for group in report["groups"]:
        members = members_of[group["by"], group["value"]]
        assert (group["respondents"], group["suppressed"]) == (len(members), False) and len(members) >= min_group_size
        assert_section_matches(group["competencies"], members, min_group_size)
        assert_pillars_match(group["pillars"], members, min_group_size)
