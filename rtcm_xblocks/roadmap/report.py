"""The regional training-needs roadmap built from the blocks' released cohort figures.

Input: one `BlockFigures` per assessment block — the block's description (course run, title,
phase, framework) and its last *release* (`rtcm_xblocks.needs.disclosure`): the exact sums the
block's own cohort report shows, and the groups it shows. Output: a plain dict (`build_roadmap`)
that the HTML, CSV and XLSX renderers and the staff page share.

Disclosure. The roadmap publishes nothing that the blocks' own cohort reports do not: from each
block it takes, at the roadmap's smallest group k (`publishable`), the whole cohort when it has at
least k respondents, the countries and agencies that the block's release shows *and* that
`disclosure.groups_to_show` allows at k (a subset of a safe set of groups is safe: withholding a
group only merges vertices of the audit's graph, which can remove cuts but never add a lighter
one), and within them only the competencies rated at least k times. Every figure of the roadmap
is a sum of such per-block figures, so any combination of the roadmap's figures (and of the blocks'
reports) is a combination of the blocks' audited releases: it isolates no one the blocks' reports
do not, and never fewer than k respondents of one block. Reading releases rather than the live
sums also keeps the blocks' batching: the roadmap moves only when a block's release moves.

Frameworks. Blocks are aggregated by competency id only within the same framework: the shipped
framework by name, a custom one by the fingerprint of its pillar and competency ids; each framework
is its own section, its texts taken from the most recently described block.

Needs (pillars, competencies, countries, agencies, priorities, trend) are read from the blocks that
are not post-course assessments; each post-course block with its pre-course block gives its course
run's change (`cohort.cohort_change`). The trend groups the needs blocks by the calendar quarter of
their first submission (one cohort per course run). Counts are of submissions: a learner who
answered two blocks counts in both. Pure: nothing here imports XBlock or Django.
"""
from dataclasses import dataclass, field

from rtcm_xblocks.needs import cohort, disclosure
from rtcm_xblocks.needs.cohort import CELL, GROUP_BY, RESPONDENTS, CohortStats, Sums

__all__ = ["PRIORITIES", "BlockFigures", "publishable", "period_of", "build_roadmap"]

PRIORITIES = 5  # priority training topics listed per country and agency


@dataclass(frozen=True)
class BlockFigures:
    """One block as the roadmap sees it: its description and its last release (`stats`, `shown`)."""

    key: str
    course: str
    title: str
    framework_id: str
    framework: object  # rtcm_xblocks.needs.framework.Framework
    stats: CohortStats
    shown: frozenset = frozenset()
    phase: str = "pre"
    pre_key: str = ""
    cohort_start: str = None  # ISO date of the block's first submission
    released_at: str = None
    audited_at: int = 0  # the smallest group the release was audited for (`Release.min_group_size`)
    updated: str = field(default="", compare=False)  # when the description was written: the latest names the framework


def publishable(stats, shown, min_group_size, audited_at=0):
    """The part of one block's release the roadmap may use at `min_group_size` (a CohortStats), or None.

    None when the block's cohort is smaller than `min_group_size`; otherwise the whole cohort, the
    groups both `shown` and allowed by `disclosure.groups_to_show` at that size (a release audited
    at `audited_at` ≥ `min_group_size` needs no second audit), and in each only competencies rated
    `min_group_size` times or more. The cells (the audit's atoms) are never kept.
    """
    if stats.respondents() < min_group_size:
        return None
    allowed = frozenset(shown)
    if audited_at < min_group_size:
        allowed &= disclosure.groups_to_show(stats.atoms(), min_group_size) or frozenset()
    kept = {}
    for (by, value, competency), sums in stats.sums.items():
        if by == CELL:
            continue
        if by != "all" and (by not in GROUP_BY or (GROUP_BY.index(by), value) not in allowed):
            continue
        if competency != RESPONDENTS and sums.n < min_group_size:
            continue
        kept[(by, value, competency)] = sums
    return _stats(kept)


def _stats(sums):
    """A CohortStats holding `sums` as they are (none of them zero, as CohortStats would keep them)."""
    stats = CohortStats()
    stats.sums = sums
    return stats


def period_of(moment):
    """The calendar quarter of an ISO date or time ("2026-Q3"), or None."""
    if not moment:
        return None
    year, month = str(moment)[:4], int(str(moment)[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}"


def _total(parts):
    """The sum of several CohortStats, added in plain integers (a Sums per key, once)."""
    totals = {}
    for stats in parts:
        for key, sums in stats.sums.items():
            found = totals.get(key)
            if found is None:
                totals[key] = [sums.n, sums.importance, sums.proficiency]
            else:
                found[0] += sums.n
                found[1] += sums.importance
                found[2] += sums.proficiency
    return _stats({key: Sums(*values) for key, values in totals.items() if values[0]})


def _only_all(stats):
    return _stats({key: sums for key, sums in stats.sums.items() if key[0] == "all"})


def _priorities(competencies):
    return [entry["id"] for entry in competencies if entry["rank"] is not None and (entry["mwds"] or 0) > 0][:PRIORITIES]


def _framework_section(framework_id, blocks, used, released_values, min_group_size):
    """The needs of one framework's blocks: the report over their sums, each group's priorities, and the trend."""
    framework = max(blocks, key=lambda block: block.updated).framework
    total = _total(used[block.key] for block in blocks)
    shown = frozenset((index, value) for index, by in enumerate(GROUP_BY) for value in total.values(by))
    report = cohort.cohort_report(framework, total, min_group_size, shown)
    report["priorities"] = _priorities(report["competencies"])
    for group in report["groups"]:
        group["priorities"] = _priorities(group["competencies"])
    report["withheld"] = {by: len(released_values[by] - set(total.values(by))) for by in GROUP_BY}
    periods = {}
    for block in blocks:
        periods.setdefault(period_of(block.cohort_start), []).append(block)
    trend = []
    for period in sorted(periods, key=lambda value: (value is None, value or "")):
        period_total = _total(_only_all(used[block.key]) for block in periods[period])
        period_report = cohort.cohort_report(framework, period_total, min_group_size, frozenset())
        trend.append({
            "period": period, "blocks": len(periods[period]), "respondents": period_total.respondents(),
            "pillars": period_report["pillars"], "priorities": _priorities(period_report["competencies"]),
        })
    return {
        "id": framework_id, "custom": framework_id.startswith("custom:"), "framework": framework,
        "blocks": len(blocks), "courses": len({block.course for block in blocks}),
        "report": report, "trend": trend,
    }


def _change(block, pre, used, min_group_size):
    post_figures, pre_figures = used.get(block.key), used.get(pre.key) if pre is not None else None
    entry = {"course": block.course, "key": block.key, "title": block.title, "framework_id": block.framework_id,
             "pre_title": pre.title if pre is not None else "", "cohort_start": block.cohort_start}
    if pre is None or post_figures is None or pre_figures is None or pre.framework_id != block.framework_id:
        entry["withheld"] = True
        return entry
    entry.update(cohort.cohort_change(block.framework, _only_all(pre_figures), _only_all(post_figures), min_group_size))
    entry["withheld"] = False
    return entry


def build_roadmap(blocks, min_group_size, pre_blocks=()):
    """The roadmap over `blocks` (BlockFigures) at `min_group_size`; `pre_blocks`: pre-course blocks outside `blocks`.

    Returns ``{"min_group_size", "blocks": {"used", "left_out"}, "frameworks": [section…],
    "changes": [per post-course block…]}``. A section (the shipped frameworks first, then custom
    ones) holds ``report`` (`cohort.cohort_report` over the sums, with ``priorities`` overall and
    per group and ``withheld`` counting the groups of the releases the roadmap does not show) and
    ``trend`` (per quarter: blocks, respondents, pillar figures, priorities). A change holds the
    course run, the two titles and `cohort.cohort_change` of the whole cohorts, or ``withheld``.
    """
    blocks = list(blocks)
    used = {}
    for block in list(blocks) + list(pre_blocks):
        figures = publishable(block.stats, block.shown, min_group_size, block.audited_at)
        if figures is not None:
            used[block.key] = figures
    needs = [block for block in blocks if block.phase != "post" and block.key in used]
    by_framework = {}
    for block in needs:
        by_framework.setdefault(block.framework_id, []).append(block)
    sections = []
    for framework_id in sorted(by_framework, key=lambda name: (name.startswith("custom:"), name)):
        group = by_framework[framework_id]
        released_values = {by: set().union(*(block.stats.values(by) for block in group)) for by in GROUP_BY}
        sections.append(_framework_section(framework_id, group, used, released_values, min_group_size))
    known = {block.key: block for block in list(pre_blocks) + blocks}
    changes = [
        _change(block, known.get(block.pre_key), used, min_group_size)
        for block in sorted(blocks, key=lambda block: (block.course, block.title, block.key))
        if block.phase == "post" and block.pre_key
    ]
    return {
        "min_group_size": min_group_size,
        "blocks": {"used": len([block for block in blocks if block.key in used]),
                   "left_out": len([block for block in blocks if block.key not in used])},
        "frameworks": sections,
        "changes": changes,
    }
