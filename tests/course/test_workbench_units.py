"""`make run` offers every unit of the starter course, in every language, in the workbench after the blocks' own
scenarios."""
import html

import pytest
from workbench import scenarios

from tests.course.course_tree import LANGUAGES, course_dir
from workbench_site.course import all_course_units, course_units


@pytest.fixture
def all_scenarios(workbench):
    scenarios.init_scenarios()
    yield workbench
    scenarios.SCENARIOS.clear()


def test_every_course_unit_is_a_workbench_scenario_after_the_block_scenarios(all_scenarios):
    names = list(scenarios.SCENARIOS)
    units = [name for name, _description, _xml in all_course_units()]
    assert len(units) == 34 * len(LANGUAGES)
    assert names[-len(units):] == units
    assert units == sorted(units), "the workbench index sorts by name: keep the course order"
    assert units[0] == "course.01.welcome_about"
    assert any(name.startswith("rtcm_scenario.") for name in names)
    assert any(name.startswith("rtcm_needs_assessment.") for name in names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_course_unit_renders_for_a_learner(all_scenarios, language):
    units = course_units(course_dir(language), language)
    assert [name.split(".")[-1] for name, _d, _x in units] == [name.split(".")[-1] for name, _d, _x in course_units()]
    for name, description, _xml in units:
        assert name.startswith("course." if language == "en" else f"course.{language}.")
        page = all_scenarios.page(name)
        assert html.escape(description.split(" — ")[-1]) in page, name


def test_a_language_still_being_translated_is_left_out_of_the_workbench_with_a_warning(monkeypatch, caplog):
    from workbench_site import course  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(course, "course_languages", lambda: ("en", "xx"))
    monkeypatch.setattr(course, "localized_course_root",
                        lambda language: course.COURSE_ROOT if language == "en" else {}[language])
    units = course.all_course_units()
    assert [name for name, _d, _x in units] == [name for name, _d, _x in course_units()]
    assert "Course in xx left out of the workbench" in caplog.text


def test_the_index_lists_the_course_units(all_scenarios):
    response = all_scenarios.client.get("/")
    assert response.status_code == 200
    assert "Course: Integrated border management and document security — Introduction" in response.content.decode()


def test_knowledge_checks_are_previewed_with_their_options():
    unit = next(xml for name, _d, xml in course_units() if name.endswith(".border_check_unit"))
    assert unit.count("<ol") == 3
    assert "read-only here" in unit
