"""Real threads on a real database: the fixture every concurrency test uses.

The threads write to a file-based sqlite database (as `make run` does), each through its own
Django connection: new connections are opened from `connections.settings["default"]`, which the
`shared_database` fixture points at a temporary database for the duration of a test. With
``RTCM_TEST_POSTGRES="host:port:user"`` (and psycopg installed) the same tests also run against a
PostgreSQL server, where `select_for_update` and row locks do the serialising.
"""
import copy
import os
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, connections

__all__ = ["shared_database", "run_together"]

POSTGRES = os.environ.get("RTCM_TEST_POSTGRES", "")


def _postgres_database():
    """A fresh PostgreSQL database for one test: (Django settings, drop function)."""
    if not POSTGRES:
        pytest.skip('set RTCM_TEST_POSTGRES="host:port:user" to run the concurrency tests on PostgreSQL too')
    psycopg = pytest.importorskip("psycopg")
    host, port, user = POSTGRES.split(":")
    name = f"rtcm_concurrency_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return {"ENGINE": "django.db.backends.postgresql", "NAME": name, "HOST": host, "PORT": port, "USER": user}, drop


@pytest.fixture(params=["sqlite-file", "postgresql"])
def shared_database(request, tmp_path, django_db_blocker):
    """Point new Django connections at a fresh migrated database; restore the test database afterwards.

    Yields `in_thread(work)`, which runs `work` in a thread of its own (and so on that database)
    and re-raises whatever it raised.
    """
    if request.param == "postgresql":
        database, drop = _postgres_database()
    else:
        database, drop = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "concurrency.sqlite3"),
                          "OPTIONS": {"timeout": 20}}, (lambda: None)
    config = connections.settings["default"]
    saved = copy.deepcopy(config)

    def in_thread(work):
        errors = []

        def run():
            try:
                work()
            except BaseException as error:  # pylint: disable=broad-exception-caught
                errors.append(error)
            finally:
                connection.close()
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if errors:
            raise errors[0]

    with django_db_blocker.unblock():
        config.update(database)
        try:
            in_thread(lambda: call_command("migrate", run_syncdb=True, verbosity=0))
            yield in_thread
        finally:
            config.clear()
            config.update(saved)
            drop()


def run_together(works, timeout=120):
    """Run each callable of `works` in a thread of its own, all released at once; return what they raised."""
    barrier = threading.Barrier(len(works))
    errors = []

    def run(work):
        try:
            barrier.wait()
            work()
        except BaseException as error:  # pylint: disable=broad-exception-caught
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
