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

Releases (see `disclosure` for the model and its guarantee): the cohort report never reads the
live ``Aggregate`` rows directly but the block's last *release*, a copy of them
(``ReleasedAggregate``, with a ``Release`` row saying when and which groups it showed). Every
submission that changes anything records, in the same transaction, the learner's cell at the last
release and now (``PendingChange``: one upsert, after the aggregates, so row locks are always
taken in the same order). `release_figures` decides, when the report is read, whether the
pending changes form a batch that may be released; if so it copies the aggregates in one
transaction that locks the pending rows it consumes (SQLite: the write lock) and checks that the
aggregates did not move meanwhile. A withdrawal that recorded no change (a learner's row deleted
with its contribution subtracted) is still counted: the cells' respondent counts are reconciled
with the last release and the recorded changes. A release is also audited against every earlier
one: ``ReleasedState`` keeps, for the learners of each batch, the run of releases their previous
submission was counted in, so the net changes since every release are read from the runs that
ended, grouped in the database (only when a release would be made; a submission writes nothing
more). Such an unrecorded withdrawal is reconciled against the last release only.
"""
import uuid
from datetime import datetime, timezone as dt_timezone
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from rtcm_xblocks.common.storage import StorageBusy, block_key, linked_block_key, retrying, take_write_lock
from rtcm_xblocks.needs import cohort, disclosure
from rtcm_xblocks.needs.models import (Aggregate, BlockDescription, PendingChange, Release, ReleasedAggregate,
                                       ReleasedState, Submission)

__all__ = [
    "StorageBusy", "StoredSubmission", "block_key", "linked_block_key", "save_submission", "store_submission",
    "get_submission", "stored_submission", "cohort_stats", "rebuild_aggregates", "recompute_stats",
    "iter_submissions", "retire_learner", "withdraw", "record_change", "release_figures", "course_of", "describe_block",
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


def store_submission(block, learner, ratings, profile, anonymous=""):
    """Store a learner's (already validated) submission and update the aggregates by the exact delta.

    `anonymous`, the learner's anonymous id in the course where the runtime gives one, is recorded
    for the instructor's "delete state" (`withdraw_anonymous`). Returns (replaced, stored): whether
    this replaced an earlier submission, and the `StoredSubmission` the transaction wrote — what the
    learner's answer must show.
    """
    def work():
        take_write_lock(Submission)
        existing = Submission.objects.select_for_update().filter(block_key=block, learner_key=learner).first()
        if existing is None:
            with transaction.atomic():
                row = Submission.objects.create(block_key=block, learner_key=learner, ratings=ratings, profile=profile,
                                                anonymous_key=anonymous or "")
            old, before = {}, None
        else:
            old, before = cohort.contribution(existing.ratings, existing.profile), existing.profile or {}
            row = existing
            row.ratings = ratings
            row.profile = profile
            fields = ["ratings", "profile", "updated"]
            if anonymous and row.anonymous_key != anonymous:
                row.anonymous_key = anonymous
                fields.append("anonymous_key")
            row.save(update_fields=fields)
        delta = _delta(old, cohort.contribution(ratings, profile))
        if delta:
            _apply(block, delta)
            record_change(block, learner, before, profile)
        return existing is not None, StoredSubmission(row.ratings, row.profile, _submitted_at(row.updated))

    return retrying(work)


def save_submission(block, learner, ratings, profile):
    """Store a learner's submission (see `store_submission`); True when this replaced an earlier one."""
    return store_submission(block, learner, ratings, profile)[0]


def _withdraw(rows):
    """Inside a transaction: delete the locked submission `rows`, subtracting each one's exact contribution."""
    for row in rows:
        delta = _delta(cohort.contribution(row.ratings, row.profile), {})
        if delta:
            _apply(row.block_key, delta)
            record_change(row.block_key, row.learner_key, row.profile or {}, None)
    if rows:
        Submission.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def retire_learner(learner):
    """Delete every submission of `learner`, subtracting each one's exact contribution; how many were removed.

    The user-retirement receiver calls it (see `rtcm_xblocks.common.retirement`): afterwards every
    cohort aggregate equals a recomputation from the remaining submissions, as if the learner had
    never submitted. Runs under the same locks, in the same order, as `store_submission`.
    """
    def work():
        take_write_lock(Submission)
        removed = _withdraw(list(Submission.objects.select_for_update().filter(learner_key=learner).order_by("block_key")))
        # The release history keeps counting the learner, under a token that no longer names them.
        token = f"retired:{uuid.uuid4().hex}"
        PendingChange.objects.filter(learner_key=learner).update(learner_key=token)
        ReleasedState.objects.filter(learner_key=learner).update(learner_key=token)
        return removed

    return retrying(work)


def withdraw(block, learner="", anonymous=""):
    """Delete the learner's submission to `block` (found by learner key or course-anonymous id), exactly.

    The instructor's "delete state" calls it through the block's `clear_student_state`; the cohort
    figures then equal a recomputation without that submission. Returns how many rows were removed.
    """
    wanted = Q(learner_key=learner) if learner else Q()
    if anonymous:
        wanted = (wanted | Q(anonymous_key=anonymous)) if learner else Q(anonymous_key=anonymous)
    if not learner and not anonymous:
        return 0

    def work():
        take_write_lock(Submission)
        return _withdraw(list(Submission.objects.select_for_update().filter(wanted, block_key=block).order_by("pk")))

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


# ----------------------------------------------------------------------------------------------
# Releases of the cohort figures
# ----------------------------------------------------------------------------------------------

def _cell(profile):
    """The stored form of a learner's cell: "<country>|<agency>", or None for no submission."""
    return None if profile is None else cohort.cell_value(profile)


def _atom(cell):
    return None if cell is None else tuple(part or None for part in cell.split("|"))


def record_change(block, learner, before_profile, after_profile):
    """Record, inside the caller's transaction, that `learner`'s submission changed since the last release.

    `before_profile` is the profile of the submission replaced (None: there was none) and
    `after_profile` the new one (None: the submission was withdrawn). Call it after updating the
    aggregates. The first change since a release keeps the learner's cell at that release; later
    ones only move the cell now.
    """
    row = PendingChange(block_key=block, learner_key=learner, before=_cell(before_profile), after=_cell(after_profile))
    with_target = connection.features.supports_update_conflicts_with_target
    PendingChange.objects.bulk_create(
        [row], update_conflicts=True, update_fields=["after"],
        unique_fields=["block_key", "learner_key"] if with_target else None,
    )


def _released_stats(block):
    rows = ReleasedAggregate.objects.filter(block_key=block).values_list(
        "by", "value", "competency", "n", "sum_importance", "sum_proficiency",
    )
    return cohort.CohortStats({(by, value, c): cohort.Sums(n, i, p) for by, value, c, n, i, p in rows if n or i or p})


def _changes(block, released_atoms, live_atoms, lock):
    """The recorded pending rows (their ids) and every change since the last release, as (before, after) atoms."""
    rows = PendingChange.objects.filter(block_key=block)
    if lock:
        rows = rows.select_for_update()
    rows = list(rows.values_list("pk", "learner_key", "before", "after"))
    present = set(Submission.objects.filter(
        block_key=block, learner_key__in=PendingChange.objects.filter(block_key=block).values("learner_key"),
    ).values_list("learner_key", flat=True)) if rows else set()
    changes = [(_atom(before), _atom(after) if learner in present else None) for _pk, learner, before, after in rows]
    # Changes that recorded nothing (a withdrawal by another path, an import): reconcile the cells.
    expected = dict(released_atoms)
    for before, after in changes:
        if before is not None:
            expected[before] = expected.get(before, 0) - 1
        if after is not None:
            expected[after] = expected.get(after, 0) + 1
    for atom in sorted(set(expected) | set(live_atoms), key=repr):
        gap = expected.get(atom, 0) - live_atoms.get(atom, 0)
        changes += [(atom, None)] * gap if gap > 0 else [(None, atom)] * -gap
    return [row[0] for row in rows], changes


def _shown_pairs(release):
    if release is None:
        return None
    return frozenset((cohort.GROUP_BY.index(by), value) for by, value in release.shown if by in cohort.GROUP_BY)


def _decide(block, min_group_size, lock):
    release = Release.objects.filter(block_key=block)
    release = (release.select_for_update() if lock else release).first()
    released = _released_stats(block) if release is not None else cohort.CohortStats()
    live = cohort_stats(block)
    pending_ids, changes = _changes(block, released.atoms(), live.atoms(), lock)
    shown_before = _shown_pairs(release)
    if release is not None and release.min_group_size != min_group_size:
        shown_before = frozenset()  # the minimum changed: the groups shown so far need not stay
    decision = disclosure.plan_release(
        live.atoms(), changes, shown_before, min_group_size, released.atoms() if release else None,
    )
    if decision.shown is not None and release is not None and release.number > 1:
        # Only a release that would be made is audited against the earlier ones too.
        decision = disclosure.plan_release(
            live.atoms(), changes, shown_before, min_group_size, released.atoms(),
            _earlier_changes(block, release.number, lock),
        )
    return release, released, live, pending_ids, changes, decision


def _pending_now(block, lock, ids=None):
    """{learner: (cell at the last release, cell now)} for every learner changed since it (None: absent), or those of `ids`."""
    rows = PendingChange.objects.filter(block_key=block)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = list((rows.select_for_update() if lock else rows).values_list("learner_key", "before", "after"))
    present = set(Submission.objects.filter(
        block_key=block, learner_key__in=PendingChange.objects.filter(block_key=block).values("learner_key"),
    ).values_list("learner_key", flat=True)) if rows else set()
    return {learner: (before, after if learner in present else None) for learner, before, after in rows}


def _earlier_changes(block, number, lock):
    """For each release before the last (numbers 1 to `number` - 1): {(atom then, atom now): learners} of the net changes since.

    Read from the runs of `ReleasedState`, grouped in the database, and from the pending changes:
    the work grows with the runs that ended (the changes so far), not with the learners. A learner
    without runs has been counted the same way by every release since the first.
    """
    pending = _pending_now(block, lock)
    changed_since = [{} for _number in range(number - 1)]

    def count(first, last, before, after, learners):
        if before is None and after is None:
            return
        for index in range(first - 1, min(last, number - 1)):
            changed_since[index][(before, after)] = changed_since[index].get((before, after), 0) + learners

    now = ReleasedState.objects.filter(block_key=block, learner_key=OuterRef("learner_key"), last_release__isnull=True)
    ended = ReleasedState.objects.filter(block_key=block, last_release__isnull=False).exclude(
        learner_key__in=PendingChange.objects.filter(block_key=block).values("learner_key"),
    ).annotate(now=Subquery(now.values("cell")[:1])).values("first_release", "last_release", "cell", "now")
    for run in ended.annotate(learners=Count("pk")).order_by():
        count(run["first_release"], run["last_release"], _atom(run["cell"]), _atom(run["now"]), run["learners"])
    with_runs = set()
    for learner, cell, first, last in ReleasedState.objects.filter(
            block_key=block, learner_key__in=PendingChange.objects.filter(block_key=block).values("learner_key"),
    ).values_list("learner_key", "cell", "first_release", "last_release"):
        if learner not in pending:
            continue  # recorded after the pending changes were read
        with_runs.add(learner)
        count(first, number if last is None else last, _atom(cell), _atom(pending[learner][1]), 1)
    for learner, (before, after) in pending.items():
        if learner not in with_runs:
            count(1, number, _atom(before), _atom(after), 1)
    return changed_since


def _record_states(block, number, pending):
    """At release `number` (> 1): end the runs of the learners who changed since the last and start their new ones."""
    learners = sorted(pending)
    with_runs = set()
    for start in range(0, len(learners), 500):
        chunk = learners[start:start + 500]
        with_runs |= set(ReleasedState.objects.filter(block_key=block, learner_key__in=chunk).values_list(
            "learner_key", flat=True))
        ReleasedState.objects.filter(block_key=block, learner_key__in=chunk, last_release__isnull=True).update(
            last_release=number - 1)
    states = []
    for learner in learners:
        before, after = pending[learner]
        if learner not in with_runs:
            if before is None and after is None:
                continue  # came and went between two releases: no release ever counted them
            # Unchanged since the first release until now, or never counted.
            states.append(ReleasedState(block_key=block, learner_key=learner, cell=before, first_release=1,
                                        last_release=number - 1))
        states.append(ReleasedState(block_key=block, learner_key=learner, cell=after, first_release=number))
    ReleasedState.objects.bulk_create(states, batch_size=2000)


def _publish(block, min_group_size):
    """Make a release if one is due, in one locked transaction; True if one was made."""
    def work():
        take_write_lock(Submission)
        release, _released, live, pending_ids, _changes_now, decision = _decide(block, min_group_size, lock=True)
        if decision.shown is None or cohort_stats(block) != live:
            return False
        ReleasedAggregate.objects.filter(block_key=block).delete()
        ReleasedAggregate.objects.bulk_create([
            ReleasedAggregate(block_key=block, by=by, value=value, competency=competency,
                              n=sums.n, sum_importance=sums.importance, sum_proficiency=sums.proficiency)
            for (by, value, competency), sums in sorted(live.sums.items())
        ], batch_size=2000)
        number = release.number + 1 if release is not None else 1
        if release is not None:  # the first release is everyone's first run: it needs no rows
            _record_states(block, number, _pending_now(block, lock=False, ids=pending_ids))
        Release.objects.update_or_create(block_key=block, defaults={
            "released_at": datetime.now(dt_timezone.utc),
            "shown": sorted([cohort.GROUP_BY[index], value] for index, value in decision.shown),
            "min_group_size": min_group_size,
            "number": number,
        })
        PendingChange.objects.filter(pk__in=pending_ids).delete()
        return True
    return retrying(work)


def release_figures(block, min_group_size, only_first=False):
    """The figures the cohort report may show now: (released stats, shown groups, release facts).

    Makes a new release first when `disclosure.plan_release` allows one (with `only_first`, only
    when the block has had none: for reading another block's figures, which that block's own
    `min_group_size` governs afterwards). Changing `min_group_size` lets the next release drop
    groups the last one showed (it is still a batch, audited against the last). The shown groups are
    (grouping index, value) pairs; the facts are ``{"as_of": ISO time of the release or None,
    "pending": learners changed since, "waiting": None or why the pending changes are not shown
    yet ("too_few", "batch", "held")}``. Before the first release the stats are empty.
    """
    release, released, _live, _ids, changes, decision = _decide(block, min_group_size, lock=False)
    if decision.shown is not None and not (only_first and release) and _publish(block, min_group_size):
        release, released, _live, _ids, changes, decision = _decide(block, min_group_size, lock=False)
    pending = disclosure.changed_learners(changes)
    return released, _shown_pairs(release) or frozenset(), {
        "as_of": release.released_at.isoformat(timespec="seconds") if release else None,
        "pending": pending,
        "waiting": (decision.reason or "batch") if pending or release is None else None,
    }


def course_of(block):
    """The course run of a storage key: ``course-v1:Org+Course+Run`` for a course block, the scenario in the workbench."""
    if block.startswith("block-v1:"):
        return "course-v1:" + block[len("block-v1:"):].split("+type@", 1)[0]
    return block.split("/", 1)[0]


def describe_block(block, title, phase, pre_key, framework_id, framework, min_group_size):
    """Record (or refresh) the block's `BlockDescription` for the roadmap; `framework` as `Framework.to_dict`."""
    start = Submission.objects.filter(block_key=block).aggregate(first=Min("created"))["first"]
    wanted = {
        "course_key": course_of(block), "title": (title or "")[:255], "phase": phase or "pre",
        "pre_key": pre_key or "", "framework_id": framework_id, "framework": framework,
        "min_group_size": min_group_size, "cohort_start": start,
    }
    if BlockDescription.objects.filter(block_key=block).values(*wanted).first() == wanted:
        return  # a report read writes only when something changed

    def work():
        take_write_lock(BlockDescription)  # as every other write: concurrent reports of two blocks retry, never fail
        BlockDescription.objects.update_or_create(block_key=block, defaults=wanted)
    retrying(work)
