"""The Django app that stores training-needs submissions; an Open edX plugin app, so the LMS installs it unasked."""
from django.apps import AppConfig


class NeedsConfig(AppConfig):
    """Registers the needs-assessment models with Django and, as a plugin app, with Open edX."""

    name = "rtcm_xblocks.needs"
    label = "rtcm_needs"
    verbose_name = "RTCM training-needs assessment"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}

    def ready(self):
        """Give event-routing-backends the xAPI transformers of our events, where it is installed (docs/EVENTS.md)."""
        from rtcm_xblocks import xapi  # pylint: disable=import-outside-toplevel
        xapi.register()
