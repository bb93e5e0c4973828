"""The editor and the author view say how many attempts learners get (the exercise's, the course's, or unlimited);
the OLX tab leaves the platform's own settings alone."""
import re

import pytest

from tests.scenario.cases import case
from tests.scenario.test_studio import STAFF, _init_args
from tests.workbench import get_block, load_scenario

UNSET = case().replace(' max_attempts="2"', "")


def _author_attempts(workbench, name):
    page = workbench.page(name, student=STAFF, view="author_view")
    return re.search(r'data-role="attempts">([^<]*)<', page).group(1)


@pytest.mark.parametrize("course, own, settings_value, label", [
    ('max_attempts="3"', "", None, "3 (the course&#x27;s Maximum Attempts)"),
    ("", "", None, "Unlimited (the course sets no Maximum Attempts)"),
    ('max_attempts="3"', ' max_attempts="1"', 1, "1 (set on this exercise)"),
    ('max_attempts="3"', ' max_attempts="0"', 0, "Unlimited (set on this exercise)"),
])
def test_the_editor_and_author_view_show_the_effective_max_attempts_and_where_it_comes_from(
        workbench, course, own, settings_value, label):
    xml = UNSET.replace("<rtcm_scenario ", f"<rtcm_scenario{own} ", 1)
    name, _usage = load_scenario(f"<vertical_demo {course}>{xml}</vertical_demo>")
    args = _init_args(workbench.page(name, student=STAFF, view="studio_view"))
    assert args["settings"]["max_attempts"] == settings_value
    assert args["course_max_attempts"] == (3 if course else None)
    assert _author_attempts(workbench, name) == label


def test_saving_an_empty_max_attempts_returns_the_exercise_to_the_courses_setting(workbench):
    _name, usage_id = load_scenario(f'<vertical_demo max_attempts="3">{case()}</vertical_demo>')
    scenario = get_block(usage_id, STAFF).children[0]
    block = get_block(scenario, STAFF)
    settings = {"display_name": block.display_name, "pillar": block.pillar, "scoring": block.scoring,
                "grading": block.grading, "max_attempts": None, "weight": block.weight,
                "show_expert_path": block.show_expert_path}
    status, saved = workbench.call(scenario, "studio_submit", {"scenario": block.scenario, "settings": settings},
                                   student=STAFF)
    assert status == 200 and saved["settings"]["max_attempts"] is None
    again = get_block(scenario, STAFF)
    assert not again.fields["max_attempts"].is_set_on(again) and again.max_attempts == 3
    status, olx = workbench.call(scenario, "draft_olx", {"scenario": block.scenario, "settings": settings},
                                 student=STAFF)
    assert status == 200 and "max_attempts" not in olx["olx"]


def test_the_olx_tab_without_max_attempts_means_the_courses_setting(workbench):
    _name, usage_id = load_scenario(case())
    status, parsed = workbench.call(usage_id, "parse_olx", {"olx": UNSET}, student=STAFF)
    assert status == 200 and parsed["settings"]["max_attempts"] is None
    status, parsed = workbench.call(usage_id, "parse_olx", {"olx": case()}, student=STAFF)
    assert status == 200 and parsed["settings"]["max_attempts"] == 2


def test_the_olx_tab_leaves_the_platforms_own_settings_out_of_the_editors_settings(workbench):
    _name, usage_id = load_scenario(case())
    exported = case().replace("<rtcm_scenario ", '<rtcm_scenario start="&quot;2030-01-01T00:00:00Z&quot;" '
                              'due="2030-02-01" visible_to_staff_only="true" xblock-family="xblock.v1" ', 1)
    status, parsed = workbench.call(usage_id, "parse_olx", {"olx": exported}, student=STAFF)
    assert status == 200, parsed
    assert set(parsed["settings"]) == {"display_name", "pillar", "scoring", "grading", "max_attempts", "weight",
                                       "show_expert_path", "shuffle_choices", "allow_back"}
    unknown = case().replace("<rtcm_scenario ", '<rtcm_scenario colour="red" ', 1)
    status, refused = workbench.call(usage_id, "parse_olx", {"olx": unknown}, student=STAFF)
    assert status == 400 and refused["errors"][0]["field"] == "settings.colour"
