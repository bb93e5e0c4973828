"""Cohort aggregates kept as exact integer sums, and the Borich report, groups and CSV computed from them.

A learner's submission contributes, for the whole cohort and for their country and agency
groups, one respondent and each rated competency's (1, importance, proficiency). Sums add and
subtract exactly, so storage can increment them atomically (a resubmission subtracts the earlier
contribution and adds the new one) and the report costs O(competencies × groups) whatever the
number of learners. Each submission also counts in its *cell* (``by="cell"``, value
``"<country>|<agency>"``, either part empty when unanswered): the atoms the disclosure audit
(`disclosure`) works on, which are never published. Pure: nothing here imports XBlock or Django.
"""
import math
from dataclasses import dataclass
from fractions import Fraction

from rtcm_xblocks.common.spreadsheet import safe_cell
from rtcm_xblocks.needs import disclosure
from rtcm_xblocks.needs.framework import PROFILE_QUESTIONS
from rtcm_xblocks.needs.scoring import number, quadrant, ranks, split_by_pillar

__all__ = [
    "GROUP_BY", "CELL", "RESPONDENTS", "CSV_HEADER", "Sums", "CohortStats", "contribution", "cell_of",
    "cell_value", "cohort_report", "cohort_change", "csv_rows", "safe_cell",
]

GROUP_BY = ("country", "agency")
CELL = "cell"  # the `by` of the per-atom respondent counts (country|agency)
RESPONDENTS = ""  # the competency id under which respondents are counted
CSV_HEADER = [
    "level", "by", "group", "group_respondents", "suppressed", "id", "text", "pillar",
    "n", "mean_importance", "mean_proficiency", "mwds", "rank", "quadrant",
    "demonstrated_mean", "demonstrated_learners", "self_rated_vs_demonstrated",
]
_GROUP_ORDER = {
    question["id"]: {option["value"]: index for index, option in enumerate(question["options"])}
    for question in PROFILE_QUESTIONS if question["id"] in GROUP_BY
}


@dataclass(frozen=True)
class Sums:
    """Sufficient statistics of one competency in one group: ratings, Σ importance, Σ proficiency."""

    n: int = 0
    importance: int = 0
    proficiency: int = 0

    def __add__(self, other):
        return Sums(self.n + other.n, self.importance + other.importance, self.proficiency + other.proficiency)

    def __sub__(self, other):
        return Sums(self.n - other.n, self.importance - other.importance, self.proficiency - other.proficiency)

    def __bool__(self):
        return bool(self.n or self.importance or self.proficiency)


def cell_of(profile):
    """The atom of a profile: its (country, agency) answers, None where unanswered."""
    return tuple((profile or {}).get(by) or None for by in GROUP_BY)


def cell_value(profile):
    """How a profile's cell is stored: "<country>|<agency>", either part empty when unanswered."""
    return "|".join(value or "" for value in cell_of(profile))


def contribution(ratings, profile):
    """What one submission adds: {(by, value, competency id): Sums}, respondents under competency id "".

    `by` is "all" (value "") and, when the profile answers them, "country" and "agency". "na"
    ratings contribute nothing to their competency. The respondent also counts in their cell
    (`CELL`), with no ratings.
    """
    groups = [("all", "")] + [(by, profile[by]) for by in GROUP_BY if (profile or {}).get(by)]
    rated = [(cid, Sums(1, r["importance"], r["proficiency"])) for cid, r in (ratings or {}).items() if isinstance(r, dict)]
    result = {(CELL, cell_value(profile), RESPONDENTS): Sums(1)}
    for by, value in groups:
        result[(by, value, RESPONDENTS)] = Sums(1)
        for competency_id, sums in rated:
            result[(by, value, competency_id)] = sums
    return result


class CohortStats:
    """Keyed Sums for a cohort; entries that fall back to zero are dropped, so equal cohorts compare equal."""

    def __init__(self, sums=None):
        self.sums = {}
        for key, value in (sums or {}).items():
            self._set(tuple(key), value if isinstance(value, Sums) else Sums(*value))

    @classmethod
    def from_submissions(cls, submissions):
        """The stats of an iterable of (ratings, profile) pairs, computed from scratch."""
        stats = cls()
        for ratings, profile in submissions:
            stats.add(contribution(ratings, profile))
        return stats

    def add(self, contribution_sums):
        """Add a contribution (as made by `contribution`); returns self."""
        for key, value in contribution_sums.items():
            self._set(key, self.sums.get(key, Sums()) + value)
        return self

    def subtract(self, contribution_sums):
        """Take back a contribution added earlier; ValueError if that would make any count negative."""
        for key, value in contribution_sums.items():
            if self.sums.get(key, Sums()).n < value.n:
                raise ValueError(f"cannot subtract a contribution that was never added: {key!r}")
        for key, value in contribution_sums.items():
            self._set(key, self.sums.get(key, Sums()) - value)
        return self

    def _set(self, key, value):
        if value:
            self.sums[key] = value
        else:
            self.sums.pop(key, None)

    def get(self, by, value, competency_id=RESPONDENTS):
        """The Sums stored under one key (zero when absent)."""
        return self.sums.get((by, value, competency_id), Sums())

    def respondents(self, by="all", value=""):
        """How many respondents the group (the whole cohort by default) has."""
        return self.get(by, value).n

    def values(self, by):
        """The group values of `by` that have respondents, in the profile question's option order."""
        order = _GROUP_ORDER.get(by, {})
        found = {key[1] for key, sums in self.sums.items() if key[0] == by and key[2] == RESPONDENTS and sums.n > 0}
        return sorted(found, key=lambda value: (order.get(value, len(order)), value))

    def atoms(self):
        """Respondents per cell: {(country or None, agency or None): respondents}."""
        return {
            tuple(part or None for part in key[1].split("|")): sums.n
            for key, sums in self.sums.items() if key[0] == CELL and key[2] == RESPONDENTS and sums.n > 0
        }

    def __eq__(self, other):
        return isinstance(other, CohortStats) and self.sums == other.sums

    def __repr__(self):
        return f"CohortStats({self.sums!r})"


def _competency_figures(framework, stats, by, value, min_ratings):
    """Exact figures per competency (framework order); those of fewer than `min_ratings` ratings withheld (n None)."""
    figures = []
    for competency in framework.competencies:
        sums = stats.get(by, value, competency.id)
        if 0 < sums.n < min_ratings:
            figures.append((competency, None, None, None, None))
        elif sums.n > 0:
            importance = Fraction(sums.importance, sums.n)
            proficiency = Fraction(sums.proficiency, sums.n)
            figures.append((competency, sums.n, importance, proficiency, importance - proficiency))
        else:
            figures.append((competency, 0, None, None, None))
    return figures


def _exact_sum(values):
    """The exact sum of Fractions (or ints) over their least common denominator: the same as adding them one by one, faster."""
    values = list(values)
    if not values:
        return Fraction(0)
    common = math.lcm(*(value.denominator for value in values))
    return Fraction(sum(value.numerator * (common // value.denominator) for value in values), common)


def _grand_means(rows):
    """The unweighted means of importance and discrepancy over the rated (importance, discrepancy) rows."""
    rated = [(i, d) for i, d in rows if i is not None]
    if not rated:
        return None, None
    return _exact_sum(i for i, _ in rated) / len(rated), _exact_sum(d for _, d in rated) / len(rated)


def _quadrants(rows):
    """Quadrants for (importance, discrepancy) rows, split at the unweighted means of the rated rows."""
    grand_importance, grand_discrepancy = _grand_means(rows)
    return [None if i is None else quadrant(i, d, grand_importance, grand_discrepancy) for i, d in rows]


def _section(framework, stats, by, value, min_ratings=1):
    """The competency entries (rank order), pillar entries (framework order) and quadrant split of one group.

    A competency rated by fewer than `min_ratings` respondents of the group has `n` and every
    figure null and ``"withheld": true``; the pillar figures and the quadrant split leave it out.
    """
    figures = _competency_figures(framework, stats, by, value, min_ratings)
    scores = [None if imp is None else imp * disc for _, _, imp, _, disc in figures]
    axes = [(imp, disc) for _, _, imp, _, disc in figures]
    grand_importance, grand_discrepancy = _grand_means(axes)
    competencies = [
        dict({
            "id": competency.id,
            "pillar": competency.pillar,
            "n": n,
            "mean_importance": number(imp),
            "mean_proficiency": number(prof),
            "mwds": number(score),
            "rank": rank,
            "quadrant": quad,
        }, **({"withheld": True} if n is None else {}))
        for (competency, n, imp, prof, _), score, rank, quad in zip(figures, scores, ranks(scores), _quadrants(axes))
    ]
    competencies.sort(key=lambda entry: (entry["rank"] is None, entry["rank"] or 0))
    split = {"importance": number(grand_importance), "discrepancy": number(grand_discrepancy)}
    return competencies, _pillar_entries(framework, figures, scores), split


def _pillar_entries(framework, figures, scores):
    """Per pillar: ratings, and the unweighted means of its rated competencies' means and MWDS."""
    rows = []
    scored = [(n, imp, prof, disc, score) for (_, n, imp, prof, disc), score in zip(figures, scores)]
    for pillar, pillar_figures in zip(framework.pillars, split_by_pillar(framework, scored)):
        rated = [row for row in pillar_figures if row[0]]  # neither unrated (0) nor withheld (None)
        means = [_exact_sum(row[k] for row in rated) / len(rated) if rated else None for k in range(1, 5)]
        rows.append((pillar, sum(row[0] for row in rated), *means))
    pillar_ranks = ranks([row[5] for row in rows])
    pillar_quadrants = _quadrants([(row[2], row[4]) for row in rows])
    return [
        {
            "id": pillar.id,
            "title": pillar.title,
            "n": ratings,
            "mean_importance": number(imp),
            "mean_proficiency": number(prof),
            "mean_discrepancy": number(disc),
            "mwds": number(score),
            "rank": rank,
            "quadrant": quad,
        }
        for (pillar, ratings, imp, prof, disc, score), rank, quad in zip(rows, pillar_ranks, pillar_quadrants)
    ]


def cohort_report(framework, stats, min_group_size, shown=None):
    """The cohort's Borich report from its sums, showing only the groups the disclosure audit allows.

    `competencies` are in rank order by MWDS = Ī·(Ī − C̄) over the n who rated both (ties in
    framework order; competencies nobody rated follow with null figures); quadrants split at the
    unweighted mean of the per-competency means. `pillars` (framework order) carry the unweighted
    means of their rated competencies' figures, `n` being the number of ratings in the pillar.
    `groups` lists the shown countries, then agencies, each with respondents and its own figures;
    `shown` is the set of (grouping index, value) a release decided on (`disclosure.plan_release`),
    by default `disclosure.groups_to_show` of `stats`. Withheld groups are not named: `withheld`
    counts them per grouping. A competency with fewer than `min_group_size` ratings in the cohort
    or a group has its figures withheld. `quadrant_split` gives the grand means the competency
    quadrants are split at (null when nothing was rated), for drawing the chart.
    """
    if shown is None:
        shown = disclosure.groups_to_show(stats.atoms(), min_group_size) or frozenset()
    competencies, pillars, split = _section(framework, stats, "all", "", min_group_size)
    groups = []
    withheld = {}
    for index, by in enumerate(GROUP_BY):
        withheld[by] = 0
        for value in stats.values(by):
            if (index, value) not in shown:
                withheld[by] += 1
                continue
            group_competencies, group_pillars, group_split = _section(framework, stats, by, value, min_group_size)
            groups.append({
                "by": by, "value": value, "respondents": stats.respondents(by, value), "suppressed": False,
                "competencies": group_competencies, "pillars": group_pillars, "quadrant_split": group_split,
            })
    return {
        "respondents": stats.respondents(), "competencies": competencies, "pillars": pillars,
        "quadrant_split": split, "groups": groups, "withheld": withheld,
    }


def _change_rows(before_rows, after_rows, keys):
    rows = []
    for before, after in zip(before_rows, after_rows):
        row = {key: before[key] for key in keys}
        row.update({"pre_n": before["n"], "post_n": after["n"]})
        for figure, change in (("mean_importance", "importance_change"), ("mean_proficiency", "proficiency_change"), ("mwds", "mwds_change")):
            row["pre_" + figure] = before[figure]
            row["post_" + figure] = after[figure]
            row[change] = None if before[figure] is None or after[figure] is None else number(Fraction(after[figure]) - Fraction(before[figure]))
        rows.append(row)
    return rows


def cohort_change(framework, pre_stats, post_stats, min_group_size=1):
    """The cohort's change from the pre- to the post-course assessment, per competency and pillar (framework order).

    Figures of fewer than `min_group_size` ratings are withheld (null), as in `cohort_report`.
    """
    pre_competencies, pre_pillars, _ = _section(framework, pre_stats, "all", "", min_group_size)
    post_competencies, post_pillars, _ = _section(framework, post_stats, "all", "", min_group_size)
    order = {competency.id: index for index, competency in enumerate(framework.competencies)}
    pre_competencies.sort(key=lambda entry: order[entry["id"]])
    post_competencies.sort(key=lambda entry: order[entry["id"]])
    return {
        "respondents": {"pre": pre_stats.respondents(), "post": post_stats.respondents()},
        "competencies": _change_rows(pre_competencies, post_competencies, ("id", "pillar")),
        "pillars": _change_rows(pre_pillars, post_pillars, ("id", "title")),
    }


def _figure_rows(level, by, value, respondents, entries, texts, gaps=None):
    """CSV rows of one section; `gaps` ({competency id: gap}) marks the whole cohort's disagreements (see `demonstrated`)."""
    return [
        [level, by, value, respondents, bool(entry.get("withheld")), entry["id"], texts.get((level, entry["id"]), ""),
         entry.get("pillar", entry["id"]), entry["n"], entry["mean_importance"], entry["mean_proficiency"],
         entry["mwds"], entry["rank"], entry["quadrant"],
         (entry.get("demonstrated") or {}).get("mean"), (entry.get("demonstrated") or {}).get("learners"),
         (gaps or {}).get(entry["id"])]
        for entry in entries
    ]


def csv_rows(report, framework=None):
    """The report as CSV rows (header first), every cell made safe; `framework` adds competency texts and pillar titles."""
    texts = {}
    if framework is not None:
        texts.update({("competency", c.id): c.text for c in framework.competencies})
        texts.update({("pillar", p.id): p.title for p in framework.pillars})
    rows = []
    gaps = {item["competency"]: item["gap"] for item in report.get("disagreements", [])}
    rows += _figure_rows("competency", "all", "", report["respondents"], report["competencies"], texts, gaps)
    rows += _figure_rows("pillar", "all", "", report["respondents"], report["pillars"], texts)
    for group in report["groups"]:
        rows += _figure_rows("competency", group["by"], group["value"], group["respondents"], group["competencies"], texts)
        rows += _figure_rows("pillar", group["by"], group["value"], group["respondents"], group["pillars"], texts)
    return [list(CSV_HEADER)] + [[safe_cell(cell) for cell in row] for row in rows]
