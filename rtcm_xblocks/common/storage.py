"""What our Django apps share to store learner data: course-wide block keys and serialised transactions.

Block keys: a block's rows are keyed by a course-wide string. In the LMS it is the block's own
usage key in its course without branch,
``block-v1:Org+Course+Run+type@<block type>+block@<block id>`` (the block id is the url_name OLX
export writes; a block duplicated in Studio gets a new one, so it never shares the original's
data). Runtimes whose usage ids carry no course (the XBlock SDK workbench, whose ids look like
``<scenario>.<block type>.d0.u0``) use ``<scenario>/<url_name>``, the scenario being the first
dot-separated part of the usage id; a block without a url_name there falls back to its whole
usage id.

Course scopes: what a learner did in the blocks of one course is read together (the scenario's
competency results in the self-assessment) under `course_scope`, the course key without branch in
the LMS and Studio, and the scenario name in the SDK workbench (so the blocks of one workbench
scenario share a scope, as the blocks of one course do).

Transactions: `retrying` runs a unit of work in one transaction and runs it again from the start
when it lost a race (a deadlock, a lock-wait timeout, a serialisation failure, "database is
locked", or two first writes of the same key colliding on a unique constraint), so a retry always
re-reads what the winner stored. On MySQL and PostgreSQL the work serialises on the row locks of
``select_for_update``; SQLite (the SDK workbench) has no row locks, so the work first takes the
database's write lock (`take_write_lock`, as ``BEGIN IMMEDIATE`` would) and other writers wait in
SQLite's busy handler.
"""
import random
import time

from django.db import IntegrityError, OperationalError, connection, transaction

__all__ = ["MAX_ATTEMPTS", "StorageBusy", "block_key", "course_scope", "is_retryable", "linked_block_key", "retrying", "take_write_lock"]

MAX_ATTEMPTS = 60
_RETRYABLE = ("locked", "deadlock", "lock wait timeout", "could not serialize", "busy")


class StorageBusy(Exception):
    """The database stayed locked through every retry; nothing was stored."""


def _course_key(usage_id):
    """The usage id's course without branch, or None where usage ids carry no course (the workbench)."""
    course_key = getattr(usage_id, "course_key", None)
    if course_key is not None and hasattr(course_key, "for_branch"):
        course_key = course_key.for_branch(None)
    return course_key


def course_scope(usage_id):
    """The course a block belongs to, as a string: its course key without branch, or the workbench scenario's name."""
    course_key = _course_key(usage_id)
    if course_key is not None:
        return str(course_key)
    return str(usage_id).split(".", 1)[0]


def _scenario_key(usage_id, url_name):
    usage = str(usage_id)
    return f"{usage.split('.', 1)[0]}/{url_name}" if url_name else usage


def block_key(usage_id, block_type, olx_name=""):
    """A block's course-wide storage key (see the module docstring).

    In a course it is always the block's own usage key, never a url_name copied with the block,
    so a block duplicated in Studio starts with data of its own.
    """
    course_key = _course_key(usage_id)
    if course_key is not None:
        return str(course_key.make_usage_key(block_type, usage_id.block_id))
    return _scenario_key(usage_id, olx_name)


def linked_block_key(usage_id, block_type, url_name):
    """The storage key of the block of the same course (or workbench scenario) named `url_name`."""
    course_key = _course_key(usage_id)
    if course_key is not None:
        return str(course_key.make_usage_key(block_type, url_name))
    return _scenario_key(usage_id, url_name)


def is_retryable(error):
    """True for the errors of a lost race (see the module docstring), after which the work may run again."""
    if isinstance(error, IntegrityError):
        return True
    message = str(error).lower()
    return any(marker in message for marker in _RETRYABLE)


def _inside_outer_transaction():
    """True when the caller holds a transaction of its own, which a retry could not start afresh."""
    return transaction.get_connection().in_atomic_block


def retrying(work):
    """Run `work` in a transaction, retrying the whole transaction when it lost a race.

    Any other exception `work` raises rolls the transaction back and propagates.
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                return work()
        except (OperationalError, IntegrityError) as error:
            if not is_retryable(error) or _inside_outer_transaction():
                raise
            time.sleep(random.uniform(0, min(0.002 * 2 ** min(attempt, 6), 0.1)))
    raise StorageBusy("The database stayed locked; please try again.")


def take_write_lock(model):
    """On SQLite, take the database's write lock now (through `model`'s table), as ``BEGIN IMMEDIATE`` would.

    A deferred SQLite transaction that reads and then writes fails at once with "database is
    locked" when another writer got in first (a retry follows); a write lock taken before the
    first read makes the others wait in SQLite's busy handler instead. Row-locking databases
    need nothing of the kind: ``select_for_update`` does the job there.
    """
    if connection.vendor == "sqlite":
        table = connection.ops.quote_name(model._meta.db_table)  # pylint: disable=protected-access
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE 0 = 1")
