"""The Django app that stores scenario learners' attempts; an Open edX plugin app, so the LMS installs it unasked."""
from django.apps import AppConfig


class ScenarioConfig(AppConfig):
    """Registers the scenario's learner-state model and, in the LMS, its user-retirement receiver."""

    name = "rtcm_xblocks.scenario"
    label = "rtcm_scenario"
    verbose_name = "RTCM scenario exercises"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}

    def ready(self):
        from rtcm_xblocks.common import retirement  # pylint: disable=import-outside-toplevel
        retirement.connect()
