"""Competency results: what learners demonstrated in scenario exercises, per competency of the self-assessment framework.

When a graded attempt finishes, the scenario block records, per competency its choices carry
points for, what the attempt earned and the most an attempt could earn (`record`); the learner's
latest graded attempt at a block replaces the previous one. The self-assessment reads the results
of a whole course (`learner_results`, `cohort_results`), keyed by the blocks' course scope
(`common.storage.course_scope`), to show "demonstrated in the scenarios" beside "self-rated".

A learner's fraction in a competency is Σ earned / Σ best over the course's blocks, clamped to
0..1 (`fraction`, which is `needs.demonstrated.share`); where Σ best is not positive (a competency
only ever penalised) there is nothing to demonstrate and the fraction is None.

Storage: one ``CompetencyResult`` row per (block, learner, competency), plus the block's own row
(empty competency) that `record` locks, so that two records of one learner and block (two tabs
finishing at once) are applied one after the other and never mix their rows, on SQLite
(`take_write_lock`), PostgreSQL and MySQL (``select_for_update``; two first records colliding on
the unique key are retried by `retrying`).
"""
from rtcm_xblocks.common.storage import StorageBusy, retrying, take_write_lock
# One definition of the share demonstrated, for the scenario's debrief and the self-assessment alike.
from rtcm_xblocks.needs.demonstrated import share as fraction
from rtcm_xblocks.scenario.models import CompetencyResult

__all__ = ["MAX_COMPETENCY_LENGTH", "StorageBusy", "fraction", "record", "learner_results", "cohort_results",
           "delete", "retire"]

MAX_COMPETENCY_LENGTH = 200
_BLOCK_ROW = ""  # the competency of the block's own row
_POINTS = 2 ** 31 - 1  # what an IntegerField holds on every database


def _checked(results):
    """`results` as [(competency, earned, best)] sorted by id; ValueError for ids or points that cannot be stored."""
    rows = []
    for competency, points in dict(results).items():
        if not isinstance(competency, str) or not competency or len(competency) > MAX_COMPETENCY_LENGTH:
            raise ValueError(f"competency ids are 1 to {MAX_COMPETENCY_LENGTH} characters: {str(competency)[:40]!r}")
        if not isinstance(points, (tuple, list)) or len(points) != 2 or not all(
                isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _POINTS for value in points):
            raise ValueError(f"the points of {competency!r} must be (earned, best), whole numbers within ±{_POINTS}")
        rows.append((competency, *points))
    return sorted(rows)


def record(course, learner, block, results, anonymous=""):
    """Replace the learner's results for `block` by `results` ({competency id: (earned, best)}), in one transaction.

    `course` is the block's course scope; `anonymous` the learner's anonymous id in the course
    (the instructor's "delete state" names learners that way). Empty `results` (an attempt at a
    block without competency points) leaves the learner no competency rows for the block.
    ValueError, before anything is written, for an id of more than MAX_COMPETENCY_LENGTH
    characters or points that are not whole numbers a database column holds.
    """
    rows = _checked(results)
    course, learner, block = str(course), str(learner), str(block)

    def work():
        take_write_lock(CompetencyResult)
        mine = CompetencyResult.objects.filter(block_key=block, learner_key=learner)
        # Locks the block's row; a parallel first record that created it first makes the create fail: a retry locks it.
        if list(mine.select_for_update().filter(competency=_BLOCK_ROW).values_list("pk", flat=True)):
            mine.exclude(competency=_BLOCK_ROW).delete()
            mine.filter(competency=_BLOCK_ROW).update(course=course, anonymous_key=anonymous)
        else:
            CompetencyResult.objects.create(course=course, block_key=block, learner_key=learner,
                                            anonymous_key=anonymous, competency=_BLOCK_ROW)
        CompetencyResult.objects.bulk_create([
            CompetencyResult(course=course, block_key=block, learner_key=learner, anonymous_key=anonymous,
                             competency=competency, earned=earned, best=best)
            for competency, earned, best in rows])

    retrying(work)


def _rows(course, learners=None):
    rows = CompetencyResult.objects.filter(course=str(course)).exclude(competency=_BLOCK_ROW)
    if learners is not None:
        rows = rows.filter(learner_key__in=[str(learner) for learner in learners])
    return rows.values_list("learner_key", "competency", "earned", "best")


def learner_results(course, learner):
    """The learner's results in the course: {competency id: {"earned", "best", "exercises"}}, summed over its blocks."""
    found = {}
    for _learner, competency, earned, best in _rows(course, [learner]).iterator():
        entry = found.setdefault(competency, {"earned": 0, "best": 0, "exercises": 0})
        entry["earned"] += earned
        entry["best"] += best
        entry["exercises"] += 1
    return found


def cohort_results(course, learners=None):
    """Per competency, the `fraction` of each learner of the course who has one: {competency id: [Fraction]}.

    `learners` (ids) limits the cohort to them. Learners are listed in no particular order.
    """
    sums = {}
    for learner, competency, earned, best in _rows(course, learners).iterator():
        total = sums.setdefault((competency, learner), [0, 0])
        total[0] += earned
        total[1] += best
    found = {}
    for (competency, _learner), (earned, best) in sorted(sums.items()):
        share = fraction(earned, best)
        if share is not None:
            found.setdefault(competency, []).append(share)
    return found


def delete(block, learner=None, anonymous=None):
    """Remove the results of `block`: of one learner (by id, or by anonymous id), or of everyone; how many rows went."""
    rows = CompetencyResult.objects.filter(block_key=str(block))
    if learner is not None:
        rows = rows.filter(learner_key=str(learner))
    if anonymous is not None:
        if not anonymous:
            return 0
        rows = rows.filter(anonymous_key=str(anonymous))
    return retrying(lambda: rows.delete()[0])


def retire(learner):
    """Remove every result of a retired learner, in every course; how many rows went."""
    return retrying(lambda: CompetencyResult.objects.filter(learner_key=str(learner)).delete()[0])
