"""Test settings: the workbench settings on a throwaway sqlite file, quiet logging, and the platform's mixins.

A file rather than ":memory:" so that the browser tests' live server threads open connections of
their own instead of sharing the test thread's (which Django refuses when they close).
"""
import os
import tempfile

from workbench_site.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

_TEST_DB = os.path.join(tempfile.gettempdir(), f"rtcm-xblocks-test-{os.getpid()}.sqlite3")
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _TEST_DB, "TEST": {"NAME": _TEST_DB}}}
LOGGING = {"version": 1}

# Every test runs the blocks as the LMS builds them: the platform's XBLOCK_MIXINS and inheriting field data
# (tests/platform/runtime.py; docs/OPEN_EDX.md "Mixins and inherited settings").
RTCM_WORKBENCH_RUNTIME_HOOK = "tests.platform.runtime.as_in_the_lms"
