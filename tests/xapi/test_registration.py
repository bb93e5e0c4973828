"""The transformers register only where event-routing-backends is an installed app; our events pass its allow-lists."""
import subprocess
import sys
import textwrap
import types
from pathlib import Path

from event_routing_backends.settings import common as erb_settings
from eventtracking.processors.exceptions import EventEmissionExit
from eventtracking.processors.whitelist import NameWhitelistProcessor

from rtcm_xblocks import xapi

ROOT = Path(__file__).resolve().parents[2]

LMS_WITHOUT_ERB = """
import sys
{block}
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                                   "rtcm_xblocks.needs.apps.NeedsConfig"],
                   DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}})
django.setup()
from rtcm_xblocks import xapi
assert xapi.register() is False
assert "rtcm_xblocks.xapi.transformers" not in sys.modules
print("not registered")
"""


def _lms_settings():
    """A settings namespace after event-routing-backends' own plugin settings ran, as in the LMS."""
    namespace = types.SimpleNamespace(LMS_ROOT_URL="http://lms.example.org")
    erb_settings.plugin_settings(namespace)
    return vars(namespace)


def _whitelists(settings):
    transformer = settings["EVENT_TRACKING_BACKENDS"]["event_transformer"]["OPTIONS"]
    xapi_backend = transformer["backends"]["xapi"]["OPTIONS"]
    return [processor["OPTIONS"]["whitelist"] for processor in transformer["processors"] + xapi_backend["processors"]
            if processor["ENGINE"].endswith("NameWhitelistProcessor")]


def test_without_allow_events_event_routing_backends_drops_our_events():
    settings = _lms_settings()
    for whitelist in _whitelists(settings):
        try:
            NameWhitelistProcessor(whitelist=whitelist)({"name": "rtcm.scenario.completed"})
        except EventEmissionExit:
            continue
        raise AssertionError("our event passed a whitelist it is not in")


def test_allow_events_puts_every_event_into_each_allow_list_once_and_keeps_the_platforms():
    settings = _lms_settings()
    before = list(settings["EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS"])
    xapi.allow_events(settings)
    xapi.allow_events(settings)  # Tutor renders the patch into both settings files: twice must be harmless
    allowed = settings["EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS"]
    assert allowed == before + list(xapi.EVENTS)
    assert set(xapi.EVENTS) <= settings["EVENT_BUS_TRACKING_LOGS"]
    whitelists = _whitelists(settings)
    assert len(whitelists) == 2
    for whitelist in whitelists:
        assert "edx.course.enrollment.activated" in whitelist
        for name in xapi.EVENTS:
            event = {"name": name}
            assert NameWhitelistProcessor(whitelist=whitelist)(event) == event
            if isinstance(whitelist, list):
                assert whitelist.count(name) == 1


def test_allow_events_leaves_settings_without_event_routing_backends_alone():
    settings = {"EVENT_TRACKING_BACKENDS": {"tracking_logs": {"ENGINE": "x"}}, "DEBUG": False}
    xapi.allow_events(settings)
    assert settings == {"EVENT_TRACKING_BACKENDS": {"tracking_logs": {"ENGINE": "x"}}, "DEBUG": False}
    xapi.allow_events({})


def _run(block):
    done = subprocess.run([sys.executable, "-c", LMS_WITHOUT_ERB.format(block=textwrap.dedent(block))],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_lms_without_the_event_routing_backends_app_starts_and_registers_nothing():
    assert _run("") == "not registered\n"


def test_an_lms_where_event_routing_backends_cannot_be_imported_starts_and_registers_nothing():
    assert _run('sys.modules["event_routing_backends"] = None') == "not registered\n"
