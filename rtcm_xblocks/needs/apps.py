"""The Django app that stores training-needs submissions; an Open edX plugin app, so the LMS installs it unasked."""
from django.apps import AppConfig


class NeedsConfig(AppConfig):
    """Registers the needs-assessment models with Django and, as a plugin app, with Open edX (and its retirement)."""

    name = "rtcm_xblocks.needs"
    label = "rtcm_needs"
    verbose_name = "RTCM training-needs assessment"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}

    def ready(self):
        """Connect the user-retirement receivers and give event-routing-backends our xAPI transformers, where present."""
        from rtcm_xblocks import xapi  # pylint: disable=import-outside-toplevel
        from rtcm_xblocks.common import retirement  # pylint: disable=import-outside-toplevel
        retirement.connect()
        xapi.register()
