"""Test settings: the workbench settings on a throwaway sqlite file, quiet logging, and the platform's mixins.

A file rather than ":memory:" so that the browser tests' live server threads open connections of
their own instead of sharing the test thread's (which Django refuses when they close).
"""
import importlib.util
import os
import tempfile

from workbench_site.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

_TEST_DB = os.path.join(tempfile.gettempdir(), f"rtcm-xblocks-test-{os.getpid()}.sqlite3")
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _TEST_DB, "TEST": {"NAME": _TEST_DB}}}
LOGGING = {"version": 1}

# Every test runs the blocks as the LMS builds them: the platform's XBLOCK_MIXINS and inheriting field data
# (tests/platform/runtime.py; docs/OPEN_EDX.md "Mixins and inherited settings").
RTCM_WORKBENCH_RUNTIME_HOOK = "tests.platform.runtime.as_in_the_lms"
# event-routing-backends (requirements/dev.txt), as in an LMS with Aspects: the xAPI tests run our
# transformers through it. tests/platform/event_routing.py mirrors the platform modules it imports.
if importlib.util.find_spec("event_routing_backends"):
    from tests.platform import event_routing  # pylint: disable=wrong-import-position

    event_routing.install()
    INSTALLED_APPS = list(INSTALLED_APPS) + ["event_routing_backends"]  # noqa: F405
    LMS_ROOT_URL = "http://lms.example.org"
    XAPI_EVENTS_ENABLED = True
    XAPI_EVENT_LOGGING_ENABLED = False
    XAPI_AGENT_IFI_TYPE = "external_id"
    EVENT_TRACKING_BACKENDS = {}
