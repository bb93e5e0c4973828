"""The mobile apps' data (tests/platform/mobile.py): collected at publish time, with no user, the same in every language."""
import pytest
from django.utils import translation

from rtcm_xblocks.needs import framework as fw
from tests.platform.mobile import STUDENT_VIEW_DATA, STUDENT_VIEW_MULTI_DEVICE, collect
from tests.scenario.cases import CASE
from tests.workbench import load_scenario

DEFAULT_NEEDS = ('<rtcm_needs_assessment url_name="tna_mobile" framework="rtcm-default">'
                 '<pillar id="border" recommend="/jump_to_id/border_intro"/></rtcm_needs_assessment>')
UNTITLED_SCENARIO = ('<rtcm_scenario><intro><p>Look <img src="/static/border.jpg" alt="A checkpoint"/></p></intro>'
                     '<step id="a" title="A"><choice id="c" to="e"><label>Go</label></choice></step>'
                     '<ending id="e" title="E"/></rtcm_scenario>')


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_the_self_assessment_gives_the_mobile_apps_the_shipped_english_texts_whatever_the_publishing_language(db, language):  # pylint: disable=unused-argument
    usage = load_scenario(DEFAULT_NEEDS)[1]
    with translation.override(language):
        data = collect(usage)[STUDENT_VIEW_DATA]
    shipped = fw.load_framework("rtcm-default")
    assert data["display_name"] == "Training-needs self-assessment"
    assert [p["title"] for p in data["framework"]["pillars"]] == [p.title for p in shipped.pillars]
    assert [c["text"] for p in data["framework"]["pillars"] for c in p["competencies"]] == \
        [c.text for c in shipped.competencies]
    assert [level["label"] for level in data["scale"]["importance"]] == [level["label"] for level in fw.SCALE["importance"]]
    assert data["not_applicable"]["label"] == fw.NOT_APPLICABLE_LABEL
    assert [q["label"] for q in data["profile_questions"]] == [q["label"] for q in fw.PROFILE_QUESTIONS]


def test_the_self_assessment_gives_links_in_the_form_the_platform_rewrites(db):  # pylint: disable=unused-argument
    data = collect(load_scenario(DEFAULT_NEEDS)[1])[STUDENT_VIEW_DATA]
    border = next(p for p in data["framework"]["pillars"] if p["id"] == "border")
    assert border["recommend"] == "/jump_to_id/border_intro"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_scenario_gives_the_mobile_apps_its_default_title_in_english_and_static_urls(db, language):  # pylint: disable=unused-argument
    usage = load_scenario(UNTITLED_SCENARIO)[1]
    with translation.override(language):
        data = collect(usage)[STUDENT_VIEW_DATA]
    assert data["display_name"] == "Scenario exercise"
    assert 'src="/static/border.jpg"' in data["intro"]


def test_both_blocks_are_collected_without_a_user_and_are_multi_device(db):  # pylint: disable=unused-argument
    for xml in (DEFAULT_NEEDS, CASE.format(expert="true")):
        collected = collect(load_scenario(xml)[1])
        assert collected[STUDENT_VIEW_MULTI_DEVICE] is True
        assert collected[STUDENT_VIEW_DATA]["display_name"]
