"""Blocks are built as in the LMS: the platform's mixin fields, and settings inherited from the course when unset."""
import datetime

import pytest
from xblock.fields import Boolean, Dict, Integer, Scope

from tests.platform.fields import Date, Timedelta
from tests.platform.mixins import DEFAULT_START_DATE, InheritanceMixin
from tests.scenario.cases import case
from tests.workbench import get_block, load_scenario

UNSET = case().replace(' max_attempts="2"', "")
UNLIMITED = case().replace(' max_attempts="2"', ' max_attempts="0"')


def _child(usage_id, student="student_1"):
    return get_block(get_block(usage_id, student).children[0], student)


def _finish(workbench, usage_id, student="student_1"):
    """Play the case to its bad ending; the state the learner gets."""
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"}, student=student)
    return state


@pytest.mark.parametrize("tag", ["rtcm_scenario", "rtcm_needs_assessment"])
def test_every_block_has_the_platforms_settings_fields_with_their_types_and_defaults(workbench, tag):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(f"<{tag}/>")
    block = get_block(usage_id)
    expected = {"start": Date, "due": Date, "graceperiod": Timedelta, "visible_to_staff_only": Boolean,
                "group_access": Dict, "days_early_for_beta": type(InheritanceMixin.days_early_for_beta)}
    for name, field_type in expected.items():
        assert isinstance(block.fields[name], field_type), name
        assert block.fields[name].scope == Scope.settings, name
    assert block.start == DEFAULT_START_DATE and block.due is None and block.visible_to_staff_only is False


def test_an_unset_inheritable_setting_takes_the_nearest_ancestors_value(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(f'<vertical_demo due="2030-05-01T12:00:00Z" showanswer="never">{UNSET}</vertical_demo>')
    block = _child(usage_id)
    assert block.due == datetime.datetime(2030, 5, 1, 12, tzinfo=datetime.timezone.utc)
    assert block.showanswer == "never"
    assert not block.fields["due"].is_set_on(block)


def test_a_scenario_without_max_attempts_follows_the_courses_maximum_attempts(workbench):
    _name, usage_id = load_scenario(f'<vertical_demo max_attempts="3">{UNSET}</vertical_demo>')
    scenario = get_block(usage_id).children[0]
    assert _child(usage_id).max_attempts == 3
    assert _finish(workbench, scenario)["attempts_left"] == 2


def test_a_scenario_that_sets_max_attempts_keeps_it_whatever_the_course_says(workbench):
    _name, usage_id = load_scenario(f'<vertical_demo max_attempts="3">{UNLIMITED}</vertical_demo>')
    scenario = get_block(usage_id).children[0]
    assert _child(usage_id).max_attempts == 0
    assert _finish(workbench, scenario)["attempts_left"] is None


def test_without_max_attempts_anywhere_attempts_are_unlimited(workbench):
    _name, usage_id = load_scenario(f"<vertical_demo>{UNSET}</vertical_demo>")
    assert _finish(workbench, get_block(usage_id).children[0])["attempts_left"] is None


def test_our_max_attempts_field_is_the_scenarios_own_and_inherits_by_name(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(UNSET)
    field = get_block(usage_id).fields["max_attempts"]
    assert isinstance(field, Integer) and field.default == 0
    assert "max_attempts" in InheritanceMixin.fields
