"""Adds the starter course's units to the workbench's scenario list when the workbench first builds it."""
from django.apps import AppConfig


class WorkbenchSiteConfig(AppConfig):
    """Wraps the SDK's scenario loading so the course units follow the blocks' own scenarios."""

    name = "workbench_site"

    def ready(self):
        from workbench import scenarios  # pylint: disable=import-outside-toplevel

        from workbench_site.course import course_units  # pylint: disable=import-outside-toplevel

        load_block_scenarios = scenarios.init_scenarios

        def init_scenarios():
            load_block_scenarios()
            for name, description, xml in course_units():
                scenarios.add_xml_scenario(name, description, xml)

        scenarios.init_scenarios = init_scenarios
