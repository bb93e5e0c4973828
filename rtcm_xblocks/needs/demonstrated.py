"""Demonstrated in the scenarios: the learners' scenario results per competency beside their self-ratings.

The scenario exercises record what learners earned per competency (`scenario.competencies`);
here those results meet the self-assessment. A learner's plan gets, per competency, the share of
the scenario points they earned (`learner_demonstrated`); the cohort report gets the mean of
those shares over the course's learners and the competencies where the cohort's self-rating and
its demonstrated performance disagree (`cohort_demonstrated`).

Self-ratings are put on the same 0..1 scale as (proficiency − 1) / (5 − 1). Disclosure: the
cohort side uses only the mean proficiencies the report already publishes (over its released
respondents, see `disclosure`); it never forms a new self-rating aggregate, which staff could
set against the published one. Scenario results are grades, which staff already see; their mean
is shown only over at least `min_group_size` learners.

Pure: plain data in and out, nothing of XBlock or Django.
"""
from fractions import Fraction

from rtcm_xblocks.needs.framework import SCALE_VALUES
from rtcm_xblocks.needs.scoring import number

__all__ = ["DISAGREEMENT", "self_rated_share", "share", "learner_demonstrated", "cohort_demonstrated"]

DISAGREEMENT = Fraction(1, 4)  # how far apart, on 0..1, a self-rating and a demonstrated share must be to be pointed out


def self_rated_share(proficiency):
    """A proficiency rating (or mean) on the 1–5 scale as a share 0..1 (exact); None for None."""
    if proficiency is None:
        return None
    low, high = min(SCALE_VALUES), max(SCALE_VALUES)
    return (Fraction(str(proficiency)) - low) / (high - low)


def share(earned, best):
    """The share of `best` that `earned` is, clamped to 0..1 (exact); None when `best` is not positive."""
    if best <= 0:
        return None
    return min(max(Fraction(earned, best), Fraction(0)), Fraction(1))


def _learner_entry(found):
    """The "demonstrated" of one competency from its scenario totals ({"earned", "best", "exercises"}), or None."""
    if not found:
        return None
    score = share(found["earned"], found["best"])
    if score is None:
        return None
    return {"score": number(score), "earned": found["earned"], "best": found["best"], "exercises": found["exercises"]}


def learner_demonstrated(results, found):
    """`results` (`scoring.learner_results`) with what the learner demonstrated, from `found` ({competency id: totals}).

    Every competency and priority gets ``"demonstrated": null | {"score", "earned", "best",
    "exercises"}`` and ``"self_rated_higher"``: true when the learner's proficiency rating, as a
    share, is at least DISAGREEMENT above the demonstrated score. Ranks and order are unchanged.
    """
    entries = {competency_id: _learner_entry(totals) for competency_id, totals in (found or {}).items()}

    def higher(proficiency, demonstrated):
        rated = self_rated_share(proficiency)
        return bool(demonstrated and rated is not None and rated - Fraction(str(demonstrated["score"])) >= DISAGREEMENT)

    competencies = []
    proficiency = {}
    for entry in results["competencies"]:
        demonstrated = entries.get(entry["id"])
        proficiency[entry["id"]] = entry.get("proficiency")
        competencies.append(dict(entry, demonstrated=demonstrated,
                                 self_rated_higher=higher(entry.get("proficiency"), demonstrated)))
    priorities = [
        dict(item, demonstrated=entries.get(item["competency"]),
             self_rated_higher=higher(proficiency.get(item["competency"]), entries.get(item["competency"])))
        for item in results["priorities"]
    ]
    return dict(results, competencies=competencies, priorities=priorities)


def cohort_demonstrated(report, shares, min_group_size):
    """The cohort `report` with what the course's learners demonstrated, from `shares` ({competency id: [share]}).

    Each of the report's competencies gets ``"demonstrated": null | {"mean", "learners"}`` (null
    under `min_group_size` learners); the report gets ``"disagreements"``: the competencies whose
    published mean proficiency, as a share, is at least DISAGREEMENT away from the published
    demonstrated mean, largest gap first (ties in the report's order), each ``{"competency",
    "self_rated", "demonstrated", "gap"}`` with gap = self_rated − demonstrated of the published
    (rounded) figures, so that anyone can check it from the report.
    """
    competencies = []
    disagreements = []
    for entry in report["competencies"]:
        found = (shares or {}).get(entry["id"]) or []
        demonstrated = None
        if found and len(found) >= min_group_size:
            demonstrated = {"mean": number(sum(found, Fraction(0)) / len(found)), "learners": len(found)}
        competencies.append(dict(entry, demonstrated=demonstrated))
        rated = self_rated_share(entry.get("mean_proficiency"))
        if demonstrated is None or rated is None:
            continue
        rated = Fraction(str(number(rated)))
        gap = rated - Fraction(str(demonstrated["mean"]))
        if abs(gap) >= DISAGREEMENT:
            disagreements.append((-abs(gap), len(disagreements), {
                "competency": entry["id"], "self_rated": number(rated), "demonstrated": demonstrated["mean"],
                "gap": number(gap),
            }))
    disagreements.sort(key=lambda item: item[:2])
    return dict(report, competencies=competencies, disagreements=[item[2] for item in disagreements])
