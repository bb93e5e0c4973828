"""Reading the roadmap's input from the database: block descriptions, their releases and released sums.

A constant number of queries whatever the number of blocks or learners (three, plus one per 500
blocks when courses are chosen): the roadmap never reads a learner's submission, only the released
aggregate rows (`ReleasedAggregate`), which the blocks' cohort reports audited and batched (see
`rtcm_xblocks.roadmap.report`). Competency rows rated fewer than k times are left in the database.
"""
from django.conf import settings
from django.db.models import Q

from rtcm_xblocks.needs.cohort import CELL, RESPONDENTS, CohortStats, Sums
from rtcm_xblocks.needs.framework import Framework
from rtcm_xblocks.needs.models import BlockDescription, Release, ReleasedAggregate
from rtcm_xblocks.roadmap.report import BlockFigures, build_roadmap

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "min_group_size", "courses_described", "load_blocks", "roadmap_for"]

DEFAULT_MIN_GROUP_SIZE = 5
_CHUNK = 500


def min_group_size(asked=None):
    """The roadmap's smallest group: the setting ``RTCM_ROADMAP_MIN_GROUP_SIZE`` (default 5), or `asked` if larger."""
    floor = max(int(getattr(settings, "RTCM_ROADMAP_MIN_GROUP_SIZE", DEFAULT_MIN_GROUP_SIZE)), 1)
    return max(floor, int(asked or 0))


def courses_described(courses=None):
    """The course runs that have described assessment blocks (within `courses`, None for all), sorted."""
    rows = BlockDescription.objects.all()
    if courses is not None:
        rows = rows.filter(course_key__in=list(courses))
    return sorted(set(rows.values_list("course_key", flat=True)))


def _chunks(keys):
    keys = sorted(keys)
    for start in range(0, len(keys), _CHUNK):
        yield keys[start:start + _CHUNK]


def _released(keys, smallest, everything):
    """{block key: CohortStats} of the released rows of `keys` (of every block when `everything`).

    Rows that count nobody, competencies rated fewer than `smallest` times, the groups of post-course
    blocks (only their whole cohort is used) and the cells of releases audited at `smallest` or more
    (they need no second audit) stay in the database.
    """
    wanted = Q(competency=RESPONDENTS, n__gt=0) | Q(n__gte=smallest)
    wanted &= ~Q(~Q(by="all"), block_key__in=BlockDescription.objects.filter(phase="post").values("block_key"))
    wanted &= ~Q(by=CELL, block_key__in=Release.objects.filter(min_group_size__gte=smallest).values("block_key"))
    columns = ("block_key", "by", "value", "competency", "n", "sum_importance", "sum_proficiency")
    queries = [ReleasedAggregate.objects.filter(wanted)] if everything else [
        ReleasedAggregate.objects.filter(wanted, block_key__in=chunk) for chunk in _chunks(keys)
    ]
    sums = {}
    for query in queries:
        for block, by, value, competency, n, importance, proficiency in query.values_list(*columns).iterator(chunk_size=5000):
            sums.setdefault(block, {})[(by, value, competency)] = Sums(n, importance, proficiency)
    stats = {}
    for block, rows in sums.items():
        stats[block] = CohortStats()
        stats[block].sums = rows  # no zero rows (n > 0): what CohortStats itself would keep
    return stats


def _iso(moment):
    return moment.isoformat(timespec="seconds") if moment else None


def load_blocks(courses=None, smallest=DEFAULT_MIN_GROUP_SIZE):
    """(described blocks, undescribed pre-course blocks they name) as BlockFigures, within `courses` (None: all)."""
    descriptions = BlockDescription.objects.all()
    if courses is not None:
        descriptions = descriptions.filter(course_key__in=list(courses))
    descriptions = list(descriptions)
    described = {row.block_key for row in descriptions}
    missing = {row.pre_key for row in descriptions if row.pre_key and row.pre_key not in described}
    keys = described | missing
    if courses is None:
        releases = {row.block_key: row for row in Release.objects.all()}
    else:
        releases = {row.block_key: row for chunk in _chunks(keys) for row in Release.objects.filter(block_key__in=chunk)}
    stats = _released(keys, smallest, everything=courses is None)
    frameworks = {}

    def figures(key, **facts):
        release = releases.get(key)
        shown = frozenset()
        if release is not None:
            shown = frozenset((0 if by == "country" else 1, value) for by, value in release.shown if by in ("country", "agency"))
        return BlockFigures(key=key, stats=stats.get(key, CohortStats()) if release else CohortStats(), shown=shown,
                            released_at=_iso(release.released_at) if release else None,
                            audited_at=release.min_group_size if release else 0, **facts)

    blocks = []
    for row in descriptions:
        signature = (row.framework_id, repr(row.framework))
        if signature not in frameworks:
            frameworks[signature] = Framework.from_dict(row.framework)
        blocks.append(figures(
            row.block_key, course=row.course_key, title=row.title, framework_id=row.framework_id,
            framework=frameworks[signature], phase=row.phase, pre_key=row.pre_key,
            cohort_start=_iso(row.cohort_start), updated=_iso(row.updated) or "",
        ))
    named = {row.pre_key: row for row in descriptions if row.pre_key in missing}
    pre_blocks = [
        figures(key, course=named[key].course_key, title="", framework_id=named[key].framework_id,
                framework=None, phase="pre")
        for key in sorted(missing)
    ]
    return blocks, pre_blocks


def roadmap_for(courses=None, asked_min_group_size=None):
    """The roadmap (see `report.build_roadmap`) over the described blocks of `courses` (None: every course)."""
    smallest = min_group_size(asked_min_group_size)
    blocks, pre_blocks = load_blocks(courses, smallest)
    return build_roadmap(blocks, smallest, pre_blocks)
