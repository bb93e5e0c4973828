"""The editor's OLX tab keeps the platform's own attributes (visible_to_staff_only, group_access, …) as Studio exports them.

In Studio every block also has the settings of the platform's mixins (InheritanceMixin in
xmodule/modulestore/inheritance.py); Studio's export writes those set on the block as attributes
(xmodule/xml_block.py `serialize_field`: strings as they are, other values as JSON). The block
here gets a few of them through the runtime's mixologist, as Studio's runtime mixes them in.
"""
import re

import pytest
from workbench.runtime import WorkbenchRuntime
from xblock.core import XBlockMixin
from xblock.fields import Boolean, Dict, Float, Scope
from xblock.runtime import Mixologist

from tests.scenario.cases import CASE
from tests.workbench import handle, load_scenario

STUDIO_EXPORT_ATTRIBUTES = 'visible_to_staff_only="true" group_access=\'{"50": [1, 2]}\' days_early_for_beta="2.5"'


class PlatformSettings(XBlockMixin):
    """Three of InheritanceMixin's settings, with their field types."""

    visible_to_staff_only = Boolean(default=False, scope=Scope.settings)
    group_access = Dict(scope=Scope.settings)
    days_early_for_beta = Float(default=None, scope=Scope.settings)


def studio_block(usage):
    runtime = WorkbenchRuntime("staff_author")
    runtime.mixologist = Mixologist([PlatformSettings])
    return runtime.get_block(usage)


@pytest.fixture
def usage(db):  # pylint: disable=unused-argument
    return load_scenario(CASE.format(expert="true"))[1]


def exported_olx(block):
    """The block's OLX from the OLX tab, with the attributes Studio's export adds."""
    status, answer = handle(block, "draft_olx", {"scenario": block.scenario, "settings": block._current_settings()})  # pylint: disable=protected-access
    assert status == 200, answer
    return answer["olx"].replace("<rtcm_scenario ", f"<rtcm_scenario {STUDIO_EXPORT_ATTRIBUTES} ", 1)


def test_the_olx_tab_accepts_the_platform_attributes_studio_exports(usage):
    block = studio_block(usage)
    status, answer = handle(block, "parse_olx", {"olx": exported_olx(block)})
    assert status == 200, answer
    assert answer["platform"] == {"visible_to_staff_only": "true", "group_access": '{"50": [1, 2]}',
                                  "days_early_for_beta": "2.5"}


def test_saving_applied_olx_keeps_the_platform_attributes_and_the_olx_tab_shows_them_again(usage):
    block = studio_block(usage)
    parsed = handle(block, "parse_olx", {"olx": exported_olx(block)})[1]
    status, saved = handle(block, "studio_submit", {"scenario": parsed["scenario"], "settings": parsed["settings"],
                                                    "platform": parsed["platform"]})
    assert status == 200, saved
    again = studio_block(usage)
    assert again.visible_to_staff_only is True
    assert again.group_access == {"50": [1, 2]}
    assert again.days_early_for_beta == 2.5
    olx = handle(again, "draft_olx", {"scenario": again.scenario, "settings": again._current_settings()})[1]["olx"]  # pylint: disable=protected-access
    assert 'visible_to_staff_only="true"' in olx and 'days_early_for_beta="2.5"' in olx
    assert re.search(r'group_access="\{&quot;50&quot;: \[1, 2\]\}"', olx)


def test_a_save_without_platform_attributes_leaves_them_and_an_olx_without_them_clears_them(usage):
    block = studio_block(usage)
    parsed = handle(block, "parse_olx", {"olx": exported_olx(block)})[1]
    handle(block, "studio_submit", {"scenario": parsed["scenario"], "settings": parsed["settings"],
                                    "platform": parsed["platform"]})
    block = studio_block(usage)
    assert handle(block, "studio_submit", {"scenario": block.scenario, "settings": block._current_settings()})[0] == 200  # pylint: disable=protected-access
    assert studio_block(usage).visible_to_staff_only is True
    assert handle(block, "studio_submit", {"scenario": block.scenario, "settings": block._current_settings(),  # pylint: disable=protected-access
                                           "platform": {}})[0] == 200
    cleared = studio_block(usage)
    assert cleared.visible_to_staff_only is False and "visible_to_staff_only" not in cleared._platform_attributes()  # pylint: disable=protected-access


@pytest.mark.parametrize("attribute, field", [
    ('group_access="not json"', "settings.group_access"),
    ('group_access="[1, 2]"', "settings.group_access"),
    ('not_a_setting="1"', "settings.not_a_setting"),
])
def test_the_olx_tab_refuses_platform_attributes_it_cannot_read(usage, attribute, field):
    block = studio_block(usage)
    olx = exported_olx(block).replace(STUDIO_EXPORT_ATTRIBUTES, attribute)
    status, answer = handle(block, "parse_olx", {"olx": olx})
    assert status == 400 and answer["error"] == "invalid_fields"
    assert field in [error["field"] for error in answer["errors"]]


@pytest.mark.parametrize("platform", [
    {"group_access": "[" * 5000}, {"group_access": "9" * 5000}, {"unknown": "x"}, {"group_access": 5}, ["x"],
])
def test_a_save_with_unreadable_platform_attributes_saves_nothing(usage, platform):
    block = studio_block(usage)
    before = dict(block.scenario)
    status, answer = handle(block, "studio_submit", {"scenario": {"intro": "", "steps": [], "endings": []},
                                                     "settings": block._current_settings(), "platform": platform})  # pylint: disable=protected-access
    assert status == 400 and answer["error"] == "invalid_fields"
    assert studio_block(usage).scenario == before
