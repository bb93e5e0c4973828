"""Django persistence of scenario learners' state: one row per (block, learner), written one move at a time.

The ``LearnerState`` row is the single source of truth for a learner's attempts. Every move
(`update`) reads the row, lets the caller compute the new state from it, and writes the new state
only if the row is still the version it read (``UPDATE … WHERE version = <read>``, a
compare-and-set); otherwise a parallel move got in first, and the move starts again from the row
as that move left it. Two moves of one learner therefore never interleave: each is applied to
what the previous one stored, and a move that no longer fits it (the step is no longer current)
is refused by the caller with nothing written. Two first moves colliding on the unique constraint,
and "database is locked" on SQLite, are retried the same way. This costs two queries and no lock
wait; inside a transaction of the caller (where a retry could not see a newer row) the read locks
the row with ``select_for_update`` instead. Retirement (`retire_learner`) writes under the row
locks and increments the version too, so a move read before it starts again after it.

Analytics (`scenario.analytics`): the write of a learner's row and the change it makes to the block's
analytics counts commit together. The write carries the change in the row's `counted` column, and
on SQLite and PostgreSQL a trigger (migration 0003) adds it to the counts with one multi-row
``INSERT … ON CONFLICT DO UPDATE SET value = value + excluded.value`` inside the same statement, so a
move still costs two queries; on other databases (MySQL) the storage runs that upsert itself
(`_add_counts`) in the write's transaction. Either way a move that lost its compare-and-set adds
nothing, and concurrent moves lose no count (the database adds; Python never reads a total and
writes it back). Deleting a row takes its counts away in the delete's transaction. A report reads
the counts only (`analytics_counts`): two queries, whatever the number of learners.

A learner whose state lived only in the block's ``user_state`` field (installed before this table
existed) is carried over on their first move: `update` starts from the `legacy` state the caller
passes when the learner has no row yet. Reads (`load`) never write.
"""
import contextlib
import json
import random
import time

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from rtcm_xblocks.common.storage import MAX_ATTEMPTS, StorageBusy, is_retryable, retrying, take_write_lock
from rtcm_xblocks.scenario import analytics
from rtcm_xblocks.scenario.models import AnalyticsCount, LearnerState

__all__ = ["StorageBusy", "load", "update", "delete", "delete_anonymous", "retire_learner", "REDACTED",
           "analytics_counts", "learner_totals", "TOP_PATHS_READ"]

# Databases on which migration 0003 installs the trigger that adds each write's `counted` to the counts.
TRIGGERED_VENDORS = ("sqlite", "postgresql")
# The most common paths a report reads: more than it shows, since paths through removed steps are left out.
TOP_PATHS_READ = 20

REDACTED = ""


def load(block, learner):
    """The learner's stored state dict for `block`, or None when they have no row (one query, no lock)."""
    row = LearnerState.objects.filter(block_key=block, learner_key=learner).values_list("state", flat=True).first()
    return row


def update(block, learner, change, legacy=None, anonymous=""):
    """Apply `change(state) -> new state` to the learner's stored state; return the new state.

    `state` is the stored state, or what `legacy()` returns (or {}) when the learner has no row yet.
    The new state is written only if the row is still the version `state` was read from
    (compare-and-set); when a parallel move got in first, the move starts again from the row as
    that move left it, so `change` may run more than once and must have no effect besides its
    answer. Whatever `change` raises propagates and nothing is written; a `change` returning None
    leaves the row as it is. `anonymous` (the learner's anonymous id in the course) is recorded
    for the instructor's "delete state", which names learners that way.

    Two queries: read the row, then write it. Inside a caller's transaction the read locks the row
    (``select_for_update``), since a retry could not see a newer row there.
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            written = _try_update(block, learner, change, legacy, anonymous)
        except (OperationalError, IntegrityError) as error:
            if not is_retryable(error) or transaction.get_connection().in_atomic_block:
                raise
            written = None
        if written is not None:
            return written[0]
        time.sleep(random.uniform(0, min(0.001 * 2 ** min(attempt, 6), 0.05)))
    raise StorageBusy("The learner's state kept changing; please try again.")


def _try_update(block, learner, change, legacy, anonymous):
    """One compare-and-set round of `update`: (new state,), or None when a parallel write got in first.

    The write carries its change to the analytics counts (`counted`): where the database adds it by
    trigger (TRIGGERED_VENDORS) the write is one statement as before; elsewhere the write and
    `_add_counts` share a transaction.
    """
    outer = transaction.get_connection().in_atomic_block
    rows = LearnerState.objects.filter(block_key=block, learner_key=learner)
    if outer:
        rows = rows.select_for_update()
    row = rows.values_list("pk", "state", "version", "anonymous_key").first()
    current = row[1] if row is not None else dict((legacy() if legacy else None) or {})
    new = change(current)
    if new is None:
        return (current,)
    counted = analytics.change(row[1] if row is not None else None, new)
    triggered = connection.vendor in TRIGGERED_VENDORS
    version = row[2] + 1 if row is not None else 1
    ledger = _ledger(version, counted) if triggered else "{}"
    if row is None:
        # A parallel first move that inserted first makes this fail on the unique constraint: then again.
        # Inside a caller's transaction, in a savepoint that the failed INSERT rolls back.
        with transaction.atomic() if outer or not triggered else contextlib.nullcontext():
            LearnerState.objects.create(block_key=block, learner_key=learner, anonymous_key=anonymous or "",
                                        state=new, version=1, counted=ledger)
            if not triggered:
                _add_counts(block, counted)
        return (new,)
    pk, _state, _version, anonymous_key = row
    fields = {"state": new, "version": version, "updated": timezone.now(), "counted": ledger}
    if anonymous and anonymous_key != anonymous:
        fields["anonymous_key"] = anonymous
    with contextlib.nullcontext() if outer or triggered else transaction.atomic():
        if LearnerState.objects.filter(pk=pk, version=version - 1).update(**fields) != 1:
            return None
        if not triggered:
            _add_counts(block, counted)
    return (new,)


def _ledger(version, counted):
    """The `counted` column of a write giving the row `version`: its change to the counts, for the trigger.

    ``{"v": version, "c": [[kind, digest, parts, change], …]}`` in sorted order (rows locked in one
    order on PostgreSQL); the trigger adds it only while `v` is the row's version (see migration 0003).
    """
    if not counted:
        return "{}"
    rows = sorted([kind, *analytics.encode(parts), int(value)] for (kind, parts), value in counted.items())
    return json.dumps({"v": version, "c": rows}, ensure_ascii=False)


def _add_counts(block, counted):
    """Add `counted` ({(kind, parts): n}) to the block's analytics counts: one multi-row upsert, none when empty.

    Rows are written in one sorted order, so that concurrent transactions on row-locking databases
    take their locks in the same order (no deadlock between two moves).
    """
    if not counted:
        return
    quote = connection.ops.quote_name
    rows = sorted((kind, *analytics.encode(parts), int(value)) for (kind, parts), value in counted.items())
    table = quote(AnalyticsCount._meta.db_table)  # pylint: disable=protected-access
    value = quote("value")
    columns = ", ".join(quote(name) for name in ("block_key", "kind", "digest", "parts", "value"))
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    if connection.vendor == "mysql":
        conflict = f"ON DUPLICATE KEY UPDATE {value} = {value} + VALUES({value})"
    else:
        keys = ", ".join(quote(name) for name in ("block_key", "kind", "digest"))
        conflict = f"ON CONFLICT ({keys}) DO UPDATE SET {value} = {table}.{value} + excluded.{value}"
    params = [item for row in rows for item in (block,) + row]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} {conflict}", params)


def learner_totals(block):
    """(learners who started, learners who finished) the block's case: one query, for Studio's summary."""
    found = dict(AnalyticsCount.objects.filter(block_key=block, kind="learners").values_list("parts", "value"))
    return tuple(max(found.get(analytics.encode([which])[1], 0), 0) for which in ("started", "finished"))


def analytics_counts(block):
    """The block's analytics counts: ({(kind, parts): n} without paths, [(path parts, n)] most common first).

    Two queries whatever the number of learners: the counts of steps, choices, endings and
    scores (bounded by the size of the case), and the TOP_PATHS_READ most common paths.
    """
    counts = {}
    for kind, parts, value in (AnalyticsCount.objects.filter(block_key=block).exclude(kind="path")
                               .values_list("kind", "parts", "value").iterator()):
        counts[(kind, tuple(json.loads(parts)))] = value
    paths = [(tuple(json.loads(parts)), value) for parts, value in
             AnalyticsCount.objects.filter(block_key=block, kind="path", value__gt=0)
             .order_by("-value", "digest").values_list("parts", "value")[:TOP_PATHS_READ]]
    return counts, paths


def delete(block, learner):
    """Remove the learner's row for `block` (the instructor's "delete state"); True when there was one."""
    return _delete_rows(block, learner_key=learner) > 0


def delete_anonymous(block, anonymous):
    """Remove the rows of `block` recorded for the course-anonymous id `anonymous`; how many were removed."""
    if not anonymous:
        return 0
    return _delete_rows(block, anonymous_key=anonymous)


def _delete_rows(block, **which):
    """Delete the block's rows matching `which` and take their counts away from the analytics, in one transaction."""
    def work():
        take_write_lock(LearnerState)
        rows = list(LearnerState.objects.select_for_update().filter(block_key=block, **which).values_list("pk", "state"))
        if not rows:
            return 0
        counted = {}
        for _pk, state in rows:
            for key, value in analytics.change(state, None).items():
                counted[key] = counted.get(key, 0) + value
        LearnerState.objects.filter(pk__in=[pk for pk, _state in rows]).delete()
        _add_counts(block, {key: value for key, value in counted.items() if value})
        return len(rows)

    return retrying(work)


def retire_learner(learner):
    """Redact the free text (reflections) of every row of `learner`; how many rows were changed.

    The attempts themselves (steps, choices, scores) stay, keyed by the numeric user id the
    retired account keeps, so that grades stay explained; nothing else in them identifies a person.
    """
    def work():
        take_write_lock(LearnerState)
        changed = 0
        for row in LearnerState.objects.select_for_update().filter(learner_key=learner).order_by("block_key"):
            attempts = row.state.get("attempts") if isinstance(row.state, dict) else None
            if not isinstance(attempts, list):
                continue
            redacted = [dict(item, reflection=REDACTED) if isinstance(item, dict) and item.get("reflection") else item
                        for item in attempts]
            if redacted != attempts:
                row.state = dict(row.state, attempts=redacted)
                row.version += 1
                row.save(update_fields=["state", "version", "updated"])
                changed += 1
        return changed

    return retrying(work)
