"""The course's self-assessments parse against the default framework and link every pillar to its section."""
import pytest

from rtcm_xblocks.needs.framework import load_framework, parse_pillars, validate_framework
from tests.course.course_tree import PILLARS, custom_blocks, prefix, url_names

ASSESSMENTS = {element.get("url_name"): element for _path, element in custom_blocks("rtcm_needs_assessment")}


def _framework(element):
    return parse_pillars(element, base=load_framework(element.get("framework") or "rtcm-default"))


def test_the_course_has_a_pre_and_a_post_self_assessment_linked_together():
    assert set(ASSESSMENTS) == {"tna_pre", "tna_post"}
    assert ASSESSMENTS["tna_pre"].get("phase") == "pre"
    assert ASSESSMENTS["tna_post"].get("phase") == "post"
    assert ASSESSMENTS["tna_post"].get("pre") == "tna_pre"


@pytest.mark.parametrize("url_name", sorted(ASSESSMENTS))
def test_self_assessment_parses_into_a_valid_default_framework(url_name):
    framework = _framework(ASSESSMENTS[url_name])
    assert [pillar.id for pillar in framework.pillars] == list(PILLARS)
    assert validate_framework(framework) == []
    assert all(pillar.competencies for pillar in framework.pillars)


@pytest.mark.parametrize("url_name", sorted(ASSESSMENTS))
def test_each_pillar_recommends_its_own_introduction_unit(url_name):
    framework = _framework(ASSESSMENTS[url_name])
    names = url_names()
    for pillar in framework.pillars:
        target = f"{prefix(pillar.id)}_intro"
        assert pillar.recommend == f"/jump_to_id/{target}"
        assert names.get(target) == ["vertical"], target


def test_pre_and_post_assessments_use_the_same_framework_and_links():
    assert _framework(ASSESSMENTS["tna_pre"]) == _framework(ASSESSMENTS["tna_post"])
