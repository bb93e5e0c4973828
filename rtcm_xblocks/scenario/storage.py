"""Django persistence of scenario learners' state: one row per (block, learner), read and written under a lock.

The ``LearnerState`` row is the single source of truth for a learner's attempts. Every move
(`update`) runs in one transaction: it takes the learner's row lock (``select_for_update``; on
SQLite the database's write lock first, see `rtcm_xblocks.common.storage`), reads the state from
the row, lets the caller compute the new state from it and writes the row back. Two moves of one
learner therefore never interleave: the second reads what the first stored. A move whose caller
refuses the stored state (the step is no longer current because a parallel move won) raises, and
the transaction rolls back with nothing written. Two first moves of a learner colliding on the
unique constraint, and any lost lock race, are retried from the start by `common.storage.retrying`.

A learner whose state lived only in the block's ``user_state`` field (installed before this table
existed) is carried over on their first move: `update` starts from the `legacy` state the caller
passes when the learner has no row yet. Reads (`load`) never write.
"""
from django.db import transaction

from rtcm_xblocks.common.storage import StorageBusy, retrying, take_write_lock
from rtcm_xblocks.scenario.models import LearnerState

__all__ = ["StorageBusy", "load", "update", "delete", "delete_anonymous", "retire_learner", "REDACTED"]

REDACTED = ""


def load(block, learner):
    """The learner's stored state dict for `block`, or None when they have no row (one query, no lock)."""
    row = LearnerState.objects.filter(block_key=block, learner_key=learner).values_list("state", flat=True).first()
    return row


def update(block, learner, change, legacy=None, anonymous=""):
    """Apply `change(state) -> new state` to the learner's state under their row lock; return the new state.

    `state` is the stored state, or what `legacy()` returns (or {}) when the learner has no row yet. Whatever
    `change` raises rolls the transaction back and propagates; a `change` returning None leaves
    the row as it is. `anonymous` (the learner's anonymous id in the course) is recorded for the
    instructor's "delete state", which names learners that way.
    """
    def work():
        take_write_lock(LearnerState)
        row = LearnerState.objects.select_for_update().filter(block_key=block, learner_key=learner).first()
        current = row.state if row is not None else dict((legacy() if legacy else None) or {})
        new = change(current)
        if new is None:
            return current
        if row is None:
            with transaction.atomic():
                LearnerState.objects.create(block_key=block, learner_key=learner, anonymous_key=anonymous or "",
                                            state=new, version=1)
        else:
            row.state = new
            row.version += 1
            fields = ["state", "version", "updated"]
            if anonymous and row.anonymous_key != anonymous:
                row.anonymous_key = anonymous
                fields.append("anonymous_key")
            row.save(update_fields=fields)
        return new

    return retrying(work)


def delete(block, learner):
    """Remove the learner's row for `block` (the instructor's "delete state"); True when there was one."""
    return LearnerState.objects.filter(block_key=block, learner_key=learner).delete()[0] > 0


def delete_anonymous(block, anonymous):
    """Remove the rows of `block` recorded for the course-anonymous id `anonymous`; how many were removed."""
    if not anonymous:
        return 0
    return LearnerState.objects.filter(block_key=block, anonymous_key=anonymous).delete()[0]


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
