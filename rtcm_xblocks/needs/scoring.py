"""Training-need scores: discrepancy, weighted need, Borich's MWDS and Locus-for-Focus quadrants.

Pure functions over plain data (no XBlock, no Django). Arithmetic is exact (integers and
`Fraction`) so that ranks, ties and quadrant boundaries never depend on floating-point noise;
figures are rounded to `DECIMALS` places only when they are put in a result. Ties are broken in
framework order.
"""
import math
from fractions import Fraction

__all__ = [
    "DECIMALS", "QUADRANTS", "learner_results", "learner_change", "mwds", "quadrant", "ranks", "number", "split_by_pillar",
]

DECIMALS = 4
QUADRANTS = ("HH", "HL", "LH", "LL")


def number(value):
    """`value` (exact or float) as a float rounded to DECIMALS places (half to even, as `round`), or None.

    The same result as ``float(round(Fraction(value), DECIMALS))``, in integers: the roadmap rounds
    tens of thousands of figures per report, and Fraction's rounding costs ten times more.
    """
    if value is None:
        return None
    exact = value if isinstance(value, Fraction) else Fraction(value)
    scale = 10 ** DECIMALS
    quotient, remainder = divmod(exact.numerator * scale, exact.denominator)
    if 2 * remainder > exact.denominator or (2 * remainder == exact.denominator and quotient % 2):
        quotient += 1
    return quotient / scale


def ranks(scores):
    """Ranks 1.. for `scores` (a list, None for unranked): highest first, ties by position."""
    ranked = [index for index, score in enumerate(scores) if score is not None]
    keys = scores
    if ranked and all(isinstance(scores[i], (int, Fraction)) for i in ranked):
        # Exact scores compared as integers over their common denominator: the same order, faster.
        common = math.lcm(*(scores[i].denominator for i in ranked))
        keys = {i: scores[i].numerator * (common // scores[i].denominator) for i in ranked}
    order = sorted(ranked, key=lambda i: (-keys[i], i))
    result = [None] * len(scores)
    for rank, index in enumerate(order, start=1):
        result[index] = rank
    return result


def mwds(importances, proficiencies):
    """Borich's mean weighted discrepancy score Σ(I − C)·Ī / N over paired ratings; negative discrepancies kept."""
    importances = list(importances)
    proficiencies = list(proficiencies)
    if not importances or len(importances) != len(proficiencies):
        raise ValueError("mwds needs the same positive number of importance and proficiency ratings")
    count = len(importances)
    mean_importance = Fraction(sum(importances), count)
    return float(sum((Fraction(i - c) * mean_importance for i, c in zip(importances, proficiencies)), Fraction(0)) / count)


def quadrant(mean_importance, mean_discrepancy, grand_importance, grand_discrepancy):
    """The Locus-for-Focus quadrant, importance first: "HH", "HL", "LH" or "LL"; equal to the grand mean counts as high."""
    importance = "H" if mean_importance >= grand_importance else "L"
    discrepancy = "H" if mean_discrepancy >= grand_discrepancy else "L"
    return importance + discrepancy


def split_by_pillar(framework, items):
    """`items` (one per competency, in framework order) cut into one list per pillar."""
    groups, start = [], 0
    for pillar in framework.pillars:
        groups.append(items[start:start + len(pillar.competencies)])
        start += len(pillar.competencies)
    return groups


def _mean(values):
    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


def _learner_figures(framework, ratings):
    figures = []
    for competency in framework.competencies:
        rating = (ratings or {}).get(competency.id)
        if isinstance(rating, dict):
            importance, proficiency = rating["importance"], rating["proficiency"]
            figures.append((competency, importance, proficiency, importance - proficiency, importance * (importance - proficiency)))
        else:
            figures.append((competency, None, None, None, None))
    return figures


def _learner_pillars(framework, figures):
    summaries = []
    for pillar, figures_of_pillar in zip(framework.pillars, split_by_pillar(framework, figures)):
        rated = [figure[1:] for figure in figures_of_pillar if figure[1] is not None]
        summaries.append({
            "id": pillar.id,
            "title": pillar.title,
            "rated": len(rated),
            "mean_importance": _mean(r[0] for r in rated),
            "mean_proficiency": _mean(r[1] for r in rated),
            "mean_discrepancy": _mean(r[2] for r in rated),
            "weighted_need": _mean(r[3] for r in rated),
        })
    for summary, rank in zip(summaries, ranks([s["weighted_need"] for s in summaries])):
        summary["rank"] = rank
        for key in ("mean_importance", "mean_proficiency", "mean_discrepancy", "weighted_need"):
            summary[key] = number(summary[key])
    return summaries


def learner_results(framework, ratings):
    """One learner's needs: competencies ranked by weighted need, pillar summaries and priorities.

    `competencies` lists the rated competencies in rank order (highest weighted need first, ties
    in framework order), then the "na" ones in framework order with null figures and rank;
    `pillars` are in framework order, each with its rank by mean weighted need (null when
    nothing in it was rated); `priorities` are the competencies with a positive weighted need,
    in rank order, with their pillar's recommended course link.
    """
    figures = _learner_figures(framework, ratings)
    competency_ranks = ranks([need for *_, need in figures])
    competencies = [
        {
            "id": competency.id,
            "pillar": competency.pillar,
            "importance": importance,
            "proficiency": proficiency,
            "discrepancy": discrepancy,
            "weighted_need": need,
            "rank": rank,
        }
        for (competency, importance, proficiency, discrepancy, need), rank in zip(figures, competency_ranks)
    ]
    competencies.sort(key=lambda entry: (entry["rank"] is None, entry["rank"] or 0))
    priorities = [
        {
            "competency": entry["id"],
            "pillar": entry["pillar"],
            "text": framework.competency(entry["id"]).text,
            "weighted_need": entry["weighted_need"],
            "recommend": framework.pillar(entry["pillar"]).recommend,
        }
        for entry in competencies
        if entry["rank"] is not None and entry["weighted_need"] > 0
    ]
    return {"competencies": competencies, "pillars": _learner_pillars(framework, figures), "priorities": priorities}


def _difference(after, before):
    return None if after is None or before is None else number(Fraction(after) - Fraction(before))


def learner_change(framework, pre_ratings, post_ratings):
    """Per competency and pillar (framework order): proficiency and weighted need before, after, and the change.

    `pre_ratings` may be None (no pre-course assessment): every "pre" figure and change is then
    null. A pillar's figures are the means over the competencies rated in that phase.
    """
    pre = _learner_figures(framework, pre_ratings)
    post = _learner_figures(framework, post_ratings)
    competencies = [
        {
            "id": competency.id,
            "pillar": competency.pillar,
            "pre_proficiency": before[2],
            "post_proficiency": after[2],
            "proficiency_change": _difference(after[2], before[2]),
            "pre_weighted_need": before[4],
            "post_weighted_need": after[4],
            "weighted_need_change": _difference(after[4], before[4]),
        }
        for competency, before, after in zip(framework.competencies, pre, post)
    ]
    pillars = [
        {
            "id": before["id"],
            "title": before["title"],
            "pre_proficiency": before["mean_proficiency"],
            "post_proficiency": after["mean_proficiency"],
            "proficiency_change": _difference(after["mean_proficiency"], before["mean_proficiency"]),
            "pre_weighted_need": before["weighted_need"],
            "post_weighted_need": after["weighted_need"],
            "weighted_need_change": _difference(after["weighted_need"], before["weighted_need"]),
        }
        for before, after in zip(_learner_pillars(framework, pre), _learner_pillars(framework, post))
    ]
    return {"competencies": competencies, "pillars": pillars}

