"""Django persistence of needs-assessment submissions and of the exact cohort aggregates they feed.

Design (for 100,000 learners and more):

* ``Submission`` holds each learner's latest ratings and profile, one row per (block, learner).
  It is the source of truth: the aggregates can always be rebuilt from it
  (`rebuild_aggregates`).
* ``Aggregate`` holds integer sufficient statistics, one row per (block, group, competency):
  ``n``, ``sum_importance`` and ``sum_proficiency`` of the respondents who rated both, for the
  whole cohort (``by="all"``) and for each country and agency; competency ``""`` counts
  respondents. A cohort report reads only these rows — O(competencies × groups), about 1,400
  for the default framework, whatever the number of learners — and computes every mean exactly
  from integers.
* A submission runs in one transaction: it locks the learner's ``Submission`` row
  (``select_for_update``), computes the exact delta between the learner's old contribution and
  the new one (`cohort.contribution`), saves the row, inserts any missing aggregate rows with
  ``INSERT … ON CONFLICT DO NOTHING`` (a row a concurrent transaction inserted first is simply
  incremented) and applies the delta with one ``UPDATE … SET n = n + CASE competency WHEN …
  END`` per group. A submission thus costs a handful of queries whatever the size of the
  framework or of the cohort. No code ever reads a shared total, adds to it in Python and writes
  it back — the read-modify-write that loses concurrent votes in xblock-poll.
* On MySQL and PostgreSQL concurrent submissions serialise on row locks and lose nothing; rows
  are touched in one sorted order, and a transaction that still loses a race (a deadlock, a
  lock-wait timeout, a serialisation failure, or two first submissions of the same learner
  colliding on the unique constraint) is retried from the start, so it re-reads the learner's
  row. SQLite (the SDK workbench) has no row locks: a submission takes the database's write
  lock before its first read (as ``BEGIN IMMEDIATE`` would), so other writers wait in SQLite's
  busy handler, and "database is locked" is retried like the rest. The concurrency tests run 16
  threads against a SQLite file and, when given a server, against PostgreSQL.

Block keys: storage is keyed by a course-wide string for the block (`rtcm_xblocks.common.storage.block_key`)
so that a ``post`` block can find its ``pre`` block's submissions by url_name: the pre block's key
is built from the same course key, block type and the ``pre`` url_name (`linked_block_key`).
"""
from datetime import timezone as dt_timezone
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rtcm_xblocks.common.storage import StorageBusy, block_key, linked_block_key, retrying, take_write_lock
from rtcm_xblocks.needs import cohort
from rtcm_xblocks.needs.models import Aggregate, Submission

__all__ = [
    "StorageBusy", "StoredSubmission", "block_key", "linked_block_key", "save_submission", "store_submission",
    "get_submission", "stored_submission", "cohort_stats", "rebuild_aggregates", "recompute_stats",
    "iter_submissions", "retire_learner",
]


def _delta(old, new):
    """The exact change of sums per key from contribution `old` to `new`, zero changes left out."""
    delta = {}
    for key in set(old) | set(new):
        change = new.get(key, cohort.Sums()) - old.get(key, cohort.Sums())
        if change:
            delta[key] = change
    return delta


def _apply(block, delta):
    """Add `delta` ({key: Sums}) to the block's aggregate rows: at most one INSERT and one UPDATE per group."""
    groups = {}
    for (by, value, competency), change in sorted(delta.items()):
        groups.setdefault((by, value), {})[competency] = change
    wanted = Q()
    for by, value in groups:
        wanted |= Q(by=by, value=value)
    existing = set(Aggregate.objects.filter(wanted, block_key=block).values_list("by", "value", "competency"))
    missing = [key for key in sorted(delta) if key not in existing]
    if missing:
        # Rows a concurrent transaction inserts first are skipped here and incremented below.
        Aggregate.objects.bulk_create(
            [Aggregate(block_key=block, by=by, value=value, competency=competency) for by, value, competency in missing],
            ignore_conflicts=True,
        )
    for (by, value), changes in groups.items():
        _increment_group(block, by, value, changes)


def _increment_group(block, by, value, changes):
    """One ``UPDATE … SET column = column + CASE competency WHEN … END`` for a group's rows.

    Written in SQL because building the same CASE through the ORM's expressions costs tens of
    milliseconds per submission; the increments are Python ints rendered as literals.
    """
    quote = connection.ops.quote_name
    competencies = list(changes)
    sets = []
    params = []
    for column, attribute in (("n", "n"), ("sum_importance", "importance"), ("sum_proficiency", "proficiency")):
        cases = " ".join(f"WHEN %s THEN {int(getattr(changes[c], attribute))}" for c in competencies)
        sets.append(f"{quote(column)} = {quote(column)} + CASE {quote('competency')} {cases} ELSE 0 END")
        params.extend(competencies)
    placeholders = ", ".join(["%s"] * len(competencies))
    sql = (
        f"UPDATE {quote(Aggregate._meta.db_table)} SET {', '.join(sets)} "  # pylint: disable=protected-access
        f"WHERE {quote('block_key')} = %s AND {quote('by')} = %s AND {quote('value')} = %s "
        f"AND {quote('competency')} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + [block, by, value] + competencies)


class StoredSubmission(NamedTuple):
    """A learner's submission as the database holds it."""

    ratings: dict
    profile: dict
    submitted_at: str


def _submitted_at(moment):
    """The row's `updated` time as ISO 8601 in UTC to the second (naive times are in Django's TIME_ZONE)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(dt_timezone.utc).isoformat(timespec="seconds")


def store_submission(block, learner, ratings, profile):
    """Store a learner's (already validated) submission and update the aggregates by the exact delta.

    Returns (replaced, stored): whether this replaced an earlier submission, and the
    `StoredSubmission` the transaction wrote — what the learner's answer must show.
    """
    def work():
        take_write_lock(Submission)
        existing = Submission.objects.select_for_update().filter(block_key=block, learner_key=learner).first()
        if existing is None:
            with transaction.atomic():
                row = Submission.objects.create(block_key=block, learner_key=learner, ratings=ratings, profile=profile)
            old = {}
        else:
            old = cohort.contribution(existing.ratings, existing.profile)
            row = existing
            row.ratings = ratings
            row.profile = profile
            row.save(update_fields=["ratings", "profile", "updated"])
        delta = _delta(old, cohort.contribution(ratings, profile))
        if delta:
            _apply(block, delta)
        return existing is not None, StoredSubmission(row.ratings, row.profile, _submitted_at(row.updated))

    return retrying(work)


def save_submission(block, learner, ratings, profile):
    """Store a learner's submission (see `store_submission`); True when this replaced an earlier one."""
    return store_submission(block, learner, ratings, profile)[0]


def retire_learner(learner):
    """Delete every submission of `learner`, subtracting each one's exact contribution; how many were removed.

    The user-retirement receiver calls it (see `rtcm_xblocks.common.retirement`): afterwards every
    cohort aggregate equals a recomputation from the remaining submissions, as if the learner had
    never submitted. Runs under the same locks, in the same order, as `store_submission`.
    """
    def work():
        take_write_lock(Submission)
        rows = list(Submission.objects.select_for_update().filter(learner_key=learner).order_by("block_key"))
        for row in rows:
            delta = _delta(cohort.contribution(row.ratings, row.profile), {})
            if delta:
                _apply(row.block_key, delta)
        if rows:
            Submission.objects.filter(pk__in=[row.pk for row in rows]).delete()
        return len(rows)

    return retrying(work)


def get_submission(block, learner):
    """The learner's stored (ratings, profile) for `block`, or None."""
    row = Submission.objects.filter(block_key=block, learner_key=learner).values_list("ratings", "profile").first()
    return tuple(row) if row else None


def stored_submission(block, learner):
    """The learner's `StoredSubmission` for `block` (with the time it was stored), or None."""
    row = Submission.objects.filter(block_key=block, learner_key=learner).values_list(
        "ratings", "profile", "updated").first()
    return StoredSubmission(row[0], row[1], _submitted_at(row[2])) if row else None


def cohort_stats(block):
    """The cohort's sufficient statistics for `block`, read from the aggregate rows only."""
    rows = Aggregate.objects.filter(block_key=block).values_list(
        "by", "value", "competency", "n", "sum_importance", "sum_proficiency",
    )
    sums = {
        (by, value, competency): cohort.Sums(n, importance, proficiency)
        for by, value, competency, n, importance, proficiency in rows
        if n or importance or proficiency
    }
    return cohort.CohortStats(sums)


def iter_submissions(block):
    """Every stored (learner, ratings, profile) of `block`, in learner order, streamed."""
    rows = Submission.objects.filter(block_key=block).order_by("learner_key")
    yield from rows.values_list("learner_key", "ratings", "profile").iterator(chunk_size=2000)


def recompute_stats(block):
    """The statistics recomputed from every stored submission (a check on the incremental sums)."""
    return cohort.CohortStats.from_submissions((ratings, profile) for _learner, ratings, profile in iter_submissions(block))


def rebuild_aggregates(block):
    """Replace `block`'s aggregate rows by a recomputation from its submissions.

    A maintenance tool (for data imported without `save_submission`, or a repair): run it while
    the block takes no submissions, since a learner's first submission committing meanwhile could
    be counted by neither side.
    """
    def work():
        list(Submission.objects.select_for_update().filter(block_key=block).values_list("pk", flat=True))
        Aggregate.objects.filter(block_key=block).delete()
        stats = recompute_stats(block)
        Aggregate.objects.bulk_create([
            Aggregate(block_key=block, by=by, value=value, competency=competency,
                      n=sums.n, sum_importance=sums.importance, sum_proficiency=sums.proficiency)
            for (by, value, competency), sums in sorted(stats.sums.items())
        ])
    retrying(work)
