"""Adds the starter course's units to the workbench's scenario list; applies the runtime hook the settings name."""
from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import import_string


class WorkbenchSiteConfig(AppConfig):
    """Wraps the SDK's scenario loading so the course units follow the blocks' own scenarios."""

    name = "workbench_site"

    def ready(self):
        hook = getattr(settings, "RTCM_WORKBENCH_RUNTIME_HOOK", None)
        if hook:
            # The test settings make the SDK's runtime build blocks as the LMS does (tests/platform/runtime.py).
            import_string(hook)()
        from workbench import scenarios  # pylint: disable=import-outside-toplevel

        from workbench_site.course import all_course_units  # pylint: disable=import-outside-toplevel

        load_block_scenarios = scenarios.init_scenarios

        def init_scenarios():
            load_block_scenarios()
            for name, description, xml in all_course_units():
                scenarios.add_xml_scenario(name, description, xml)

        scenarios.init_scenarios = init_scenarios
