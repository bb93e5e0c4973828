"""xAPI statements for the blocks' tracking events, through event-routing-backends (Open edX analytics, Aspects).

`EVENTS` is the catalogue of the `rtcm.*` events the blocks publish (docs/EVENTS.md): stable
names, the fields of each and the catalogue's version. `register()` adds the transformers of
`rtcm_xblocks.xapi.transformers` to event-routing-backends' xAPI registry when that package is
installed in the LMS; it is optional, never a requirement of rtcm-xblocks. `allow_events()` puts
the event names into the allow-lists event-routing-backends reads from the settings.
"""
import importlib.util
import logging

__all__ = ["EVENTS_VERSION", "EVENTS", "register", "allow_events"]

log = logging.getLogger(__name__)

# Raised when a field's meaning changes or a field is removed; adding a field or an event does not.
EVENTS_VERSION = 1

# name -> the fields of its `data`, in the order docs/EVENTS.md lists them.
EVENTS = {
    "rtcm.scenario.started": ("attempt",),
    "rtcm.scenario.choice_made": ("attempt", "step", "choice", "points", "timed_out"),
    "rtcm.scenario.completed": ("attempt", "ending", "score", "practice", "competencies"),
    "rtcm.scenario.restarted": ("attempt",),
    "rtcm.scenario.reflected": ("attempt", "length"),
    "rtcm.scenario.hint_shown": ("attempt", "step", "cost"),
    "rtcm.scenario.timer_started": ("attempt", "step", "limit"),
    "rtcm.scenario.went_back": ("attempt", "step"),
    "rtcm.scenario.timing_changed": ("timing",),
    "rtcm.needs_assessment.submitted": ("phase", "resubmission", "ratings", "profile"),
    "rtcm.needs_assessment.viewed_results": ("phase",),
}


def register():
    """Register our xAPI transformers if event-routing-backends is an installed Django app; True if it is."""
    try:
        if importlib.util.find_spec("event_routing_backends") is None:
            return False
    except (ImportError, ValueError):  # a broken or blocked installation counts as none
        return False
    from django.apps import apps  # pylint: disable=import-outside-toplevel
    if not apps.is_installed("event_routing_backends"):
        return False
    from rtcm_xblocks.xapi import transformers  # pylint: disable=import-outside-toplevel,unused-import
    log.debug("rtcm-xblocks: xAPI transformers registered for %s", ", ".join(EVENTS))
    return True


def allow_events(settings):
    """Add our event names to event-routing-backends' xAPI allow-lists in a settings module's namespace.

    `settings` is the dict of a Django settings module (`globals()` in Tutor's settings patch), read
    after event-routing-backends' plugin settings built `EVENT_TRACKING_BACKENDS` from
    `EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS`; both are extended, so the order does not matter.
    Does nothing where event-routing-backends is not configured.
    """
    names = list(EVENTS)
    allowed = settings.get("EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS")
    if isinstance(allowed, list):
        allowed.extend(name for name in names if name not in allowed)
    if isinstance(settings.get("EVENT_BUS_TRACKING_LOGS"), set):  # what Aspects may read from the event bus
        settings["EVENT_BUS_TRACKING_LOGS"].update(names)
    transformer = (settings.get("EVENT_TRACKING_BACKENDS") or {}).get("event_transformer") or {}
    options = transformer.get("OPTIONS") or {}
    _extend_whitelists(options.get("processors", ()), names)
    xapi = (options.get("backends") or {}).get("xapi") or {}
    _extend_whitelists((xapi.get("OPTIONS") or {}).get("processors", ()), names)


def _extend_whitelists(processors, names):
    for processor in processors:
        if processor.get("ENGINE", "").endswith("NameWhitelistProcessor"):
            whitelist = processor.setdefault("OPTIONS", {}).setdefault("whitelist", [])
            if isinstance(whitelist, set):
                whitelist.update(names)
            else:
                whitelist.extend(name for name in names if name not in whitelist)
