"""`make run` offers every unit of the starter course in the workbench, after the blocks' own scenarios."""
import html

import pytest
from workbench import scenarios

from workbench_site.course import course_units


@pytest.fixture
def all_scenarios(workbench):
    scenarios.init_scenarios()
    yield workbench
    scenarios.SCENARIOS.clear()


def test_every_course_unit_is_a_workbench_scenario_after_the_block_scenarios(all_scenarios):
    names = list(scenarios.SCENARIOS)
    units = [name for name, _description, _xml in course_units()]
    assert len(units) == 34
    assert names[-len(units):] == units
    assert units == sorted(units), "the workbench index sorts by name: keep the course order"
    assert units[0] == "course.01.welcome_about"
    assert any(name.startswith("rtcm_scenario.") for name in names)
    assert any(name.startswith("rtcm_needs_assessment.") for name in names)


def test_every_course_unit_renders_for_a_learner(all_scenarios):
    for name, description, _xml in course_units():
        page = all_scenarios.page(name)
        assert html.escape(description.split(" — ")[-1]) in page, name


def test_the_index_lists_the_course_units(all_scenarios):
    response = all_scenarios.client.get("/")
    assert response.status_code == 200
    assert "Course: Integrated border management and document security — Introduction" in response.content.decode()


def test_knowledge_checks_are_previewed_with_their_options():
    unit = next(xml for name, _d, xml in course_units() if name.endswith(".border_check_unit"))
    assert unit.count("<ol") == 3
    assert "read-only here" in unit
