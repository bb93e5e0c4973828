"""The needs-assessment XBlock: fields, OLX import and lossless export, views and the LMS report."""
import json
from types import SimpleNamespace

import pytest
from lxml import etree
from xblock.fields import Scope

from rtcm_xblocks.common.safe_xml import UnsafeXMLError, parse_xml_string
from rtcm_xblocks.needs import framework as fw
from rtcm_xblocks.needs.block import NeedsAssessmentBlock
from tests.needs.cases import SMALL_FRAMEWORK as SMALL
from tests.workbench import get_block, load_scenario

CUSTOM = """
<rtcm_needs_assessment url_name="tna_custom" display_name="Borders &amp; data" phase="post" pre="tna_pre"
                       framework="rtcm-default" min_group_size="3" has_score="true" weight="2.5">
  <pillar id="border" title="Borders" recommend="/jump_to_id/border_intro">
    <competency id="border.documents">Check a &lt;b&gt;travel&lt;/b&gt; document</competency>
    <competency id="border.referral">Refer to the second line</competency>
  </pillar>
  <pillar id="data" title="Data">
    <competency id="data.sharing">Share data safely</competency>
  </pillar>
</rtcm_needs_assessment>
"""
LINKS = """
<rtcm_needs_assessment url_name="tna_links">
  <pillar id="border" recommend="/jump_to_id/border_intro"/>
  <pillar id="health" recommend="https://example.org/health"/>
</rtcm_needs_assessment>
"""


def export(block):
    """The block's OLX element as the runtime would export it."""
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    return node


def reimport(node):
    """Load an exported element again and return the new block."""
    _name, usage_id = load_scenario(etree.tostring(node, encoding="unicode"))
    return get_block(usage_id)


def test_every_field_declares_its_scope_and_help_and_learner_state_is_one_field():
    fields = NeedsAssessmentBlock.fields
    ours = {"display_name", "phase", "pre", "framework", "framework_content", "min_group_size", "has_score",
            "weight", "olx_name", "user_state"}
    assert ours <= set(fields)
    for name in ours:
        assert fields[name].help, name
    assert [name for name in ours if fields[name].scope == Scope.user_state] == ["user_state"]
    assert fields["has_score"].default is False and fields["min_group_size"].default == 5
    assert fields["framework"].default == "rtcm-default" and fields["phase"].default == "pre"


def test_attributes_become_fields_and_pillar_children_the_custom_framework(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(CUSTOM)
    block = get_block(usage_id)
    assert (block.display_name, block.phase, block.pre, block.min_group_size) == ("Borders & data", "post", "tna_pre", 3)
    assert block.has_score is True and block.weight == 2.5 and block.olx_name == "tna_custom"
    framework = block.get_framework()
    assert [p.id for p in framework.pillars] == ["border", "data"]
    assert framework.competency("border.documents").text == "Check a travel document"
    assert framework.pillar("border").recommend == "/jump_to_id/border_intro"


def test_competency_less_pillars_only_link_the_default_framework_to_units(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(LINKS)
    block = get_block(usage_id)
    assert block.framework_content == {"recommend": {"border": "/jump_to_id/border_intro", "health": "https://example.org/health"}}
    framework = block.get_framework()
    default = fw.load_framework("rtcm-default")
    assert [p.id for p in framework.pillars] == [p.id for p in default.pillars]
    assert framework.pillar("health").recommend == "https://example.org/health"
    assert len(framework.competencies) == len(default.competencies)


def test_a_link_to_an_unknown_pillar_is_refused_on_import(db):  # pylint: disable=unused-argument
    with pytest.raises(fw.FrameworkError):
        load_scenario('<rtcm_needs_assessment><pillar id="nowhere" recommend="/x"/></rtcm_needs_assessment>')


@pytest.mark.parametrize("olx", [CUSTOM, LINKS, '<rtcm_needs_assessment url_name="plain"/>'], ids=["custom", "links", "plain"])
def test_export_is_lossless(db, olx):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(olx)
    block = get_block(usage_id)
    node = export(block)
    assert node.tag == "rtcm_needs_assessment"
    again = reimport(node)
    for name in ("display_name", "phase", "pre", "framework", "framework_content", "min_group_size", "has_score", "weight", "olx_name"):
        assert getattr(again, name) == getattr(block, name), name
    assert again.get_framework() == block.get_framework()
    assert etree.tostring(export(again)) == etree.tostring(node)


def test_export_writes_only_what_the_author_gave(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(LINKS)
    node = export(get_block(usage_id))
    assert [(p.get("id"), p.get("recommend"), len(p)) for p in node] == [
        ("border", "/jump_to_id/border_intro", 0), ("health", "https://example.org/health", 0)]
    assert node.get("phase") is None and node.get("url_name") == "tna_links"
    _name, usage_id = load_scenario(CUSTOM)
    node = export(get_block(usage_id))
    assert [c.get("id") for c in node.iter("competency")] == ["border.documents", "border.referral", "data.sharing"]
    assert node.get("has_score") == "true" and node.get("weight") == "2.5"


def test_student_view_data_carries_no_learner_state(workbench):
    _name, usage_id = load_scenario(CUSTOM)
    ratings = {cid: {"importance": 4, "proficiency": 2} for cid in ("border.documents", "border.referral", "data.sharing")}
    assert workbench.call(usage_id, "submit", {"ratings": ratings, "profile": {"role": "Secret role"}})[0] == 200
    data = get_block(usage_id).student_view_data()
    assert {"framework", "scale", "profile_questions", "phase", "pre", "display_name"} <= set(data)
    assert not {"ratings", "profile", "results", "submitted", "change"} & set(data)
    assert "Secret role" not in repr(data)


def test_max_score_is_credit_only_when_participation_credit_is_on(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(CUSTOM)
    assert get_block(usage_id).max_score() == 1
    _name, usage_id = load_scenario(LINKS)
    assert get_block(usage_id).max_score() is None


def test_generate_report_data_gives_one_row_per_learner_with_every_rating_and_profile_answer(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(CUSTOM)
    block = get_block(usage_id)
    states = [
        SimpleNamespace(username="ana", state={"user_state": {
            "ratings": {"border.documents": {"importance": 5, "proficiency": 1}, "border.referral": "na",
                        "data.sharing": {"importance": 3, "proficiency": 3}},
            "profile": {"country": "AZ", "role": "=HYPERLINK(\"x\")"}, "submitted_at": "2026-11-28T04:00:00+00:00"}}),
        SimpleNamespace(username="ben", state={}),
        SimpleNamespace(username="cem", state={"user_state": {"ratings": {"border.documents": "na", "border.referral": "na", "data.sharing": "na"}, "profile": {}}}),
    ]
    rows = list(block.generate_report_data(iter(states)))
    assert [username for username, _ in rows] == ["ana", "cem"]
    ana = rows[0][1]
    assert ana["border.documents.importance"] == 5 and ana["border.documents.proficiency"] == 1
    assert ana["border.referral.importance"] == "na" and ana["data.sharing.proficiency"] == 3
    assert ana["profile.country"] == "AZ" and ana["profile.agency"] == "" and ana["profile.role"] == "'=HYPERLINK(\"x\")"
    assert ana["submitted_at"] == "2026-11-28T04:00:00+00:00"
    assert list(block.generate_report_data(iter(states), limit_responses=1)) == rows[:1]


def test_the_workbench_scenarios_load_and_render_for_learners_and_staff(workbench):
    scenarios = NeedsAssessmentBlock.workbench_scenarios()
    assert len(scenarios) == 3
    for _title, xml in scenarios:
        parse_xml_string(xml)
        name, _usage_id = load_scenario(xml)
        assert 'class="rtcm-needs"' in workbench.page(name)
        assert 'class="rtcm-needs__staff"' in workbench.page(name, student="staff")


def test_the_pre_post_sample_links_the_post_block_to_the_pre_blocks_storage(db):  # pylint: disable=unused-argument
    xml = NeedsAssessmentBlock.workbench_scenarios()[2][1]
    _name, root = load_scenario(xml, name="pre-post-sample")
    pre, post = (get_block(child) for child in get_block(root).children)
    assert post.phase == "post" and post.pre == pre.olx_name
    assert post.pre_storage_key() == pre.storage_key() != post.storage_key()


def test_the_default_framework_is_offered_with_its_ten_pillars(workbench):
    _name, usage_id = load_scenario('<rtcm_needs_assessment url_name="d"/>')
    status, state = workbench.call(usage_id, "get_state")
    assert status == 200 and len(state["framework"]["pillars"]) == 10
    assert all(4 <= len(p["competencies"]) <= 6 for p in state["framework"]["pillars"])


def test_default_framework_texts_and_scale_go_through_the_i18n_service(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario('<rtcm_needs_assessment url_name="t"/>')
    block = get_block(usage_id)
    shout = SimpleNamespace(gettext=lambda text: text.upper(), ngettext=lambda s, p, n: (s if n == 1 else p).upper())
    services = block.runtime._services  # pylint: disable=protected-access
    original, services["i18n"] = services["i18n"], shout
    try:
        framework = block.get_framework()
        assert framework.pillars[0].title == framework.pillars[0].title.upper()
        assert block.scale_payload()["importance"][4]["label"] == "ESSENTIAL"
        assert block.profile_payload()[0]["label"].isupper()
    finally:
        services["i18n"] = original


def test_fields_of_runtime_mixins_survive_export(db):  # pylint: disable=unused-argument
    """The LMS mixes fields such as visible_to_staff_only into every block; export keeps them."""
    from xblock.fields import Boolean  # pylint: disable=import-outside-toplevel

    class LmsMixin:  # pylint: disable=too-few-public-methods
        visible_to_staff_only = Boolean(help="LMS", scope=Scope.settings, default=False)

    _name, usage_id = load_scenario(LINKS)
    block = get_block(usage_id)
    cls = type("MixedNeeds", (NeedsAssessmentBlock, LmsMixin), {})
    lms_block = block.runtime.construct_xblock_from_class(cls, block.scope_ids)
    lms_block.visible_to_staff_only = True
    node = export(lms_block)
    assert node.get("visible_to_staff_only") == "true"
    assert [p.get("id") for p in node] == ["border", "health"]


class _JumpToIdService:
    """The LMS's replace_urls service as far as our links need it: it rewrites quoted course URLs."""

    def replace_urls(self, text, static_replace_only=False):  # pylint: disable=unused-argument
        return text.replace('"/jump_to_id/', '"/courses/course-v1:RTCM+MM101+2026/jump_to_id/')


def test_course_links_reach_learners_rewritten_by_the_lms_replace_urls_service(workbench, monkeypatch):
    from workbench.runtime import WorkbenchRuntime  # pylint: disable=import-outside-toplevel
    original = WorkbenchRuntime.service

    def service(runtime, block, name):
        return _JumpToIdService() if name == "replace_urls" else original(runtime, block, name)
    monkeypatch.setattr(WorkbenchRuntime, "service", service)
    _name, usage_id = load_scenario(
        '<rtcm_needs_assessment url_name="tna" framework="rtcm-default">'
        '<pillar id="border" recommend="/jump_to_id/border_intro"/></rtcm_needs_assessment>')
    status, state = workbench.call(usage_id, "get_state")
    assert status == 200
    border = next(p for p in state["framework"]["pillars"] if p["id"] == "border")
    assert border["recommend"] == "/courses/course-v1:RTCM+MM101+2026/jump_to_id/border_intro"


UNSAFE_OLX = [
    pytest.param('<!DOCTYPE rtcm_needs_assessment [<!ENTITY x "Borders">]>'
                 + SMALL.replace('title="Borders"', 'title="&x;"'), id="internal entity"),
    pytest.param('<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                 + SMALL.replace("Share data safely", "&b;"), id="nested entities"),
    pytest.param('<!DOCTYPE rtcm_needs_assessment SYSTEM "http://127.0.0.1:9/evil.dtd">' + SMALL, id="external DTD"),
    pytest.param("<!DOCTYPE rtcm_needs_assessment>" + SMALL, id="bare DOCTYPE"),
]


@pytest.mark.parametrize("xml", UNSAFE_OLX)
def test_olx_with_a_doctype_or_entities_is_refused_like_the_scenarios(db, xml):  # pylint: disable=unused-argument
    with pytest.raises(UnsafeXMLError):
        load_scenario(xml)


def test_a_node_holding_unexpanded_entity_references_is_refused():
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(('<!DOCTYPE r [<!ENTITY x "x">]><r>' + SMALL.replace("Share data safely", "&x;") + "</r>")
                            .encode(), parser)
    node = root[0]
    with pytest.raises(UnsafeXMLError):
        NeedsAssessmentBlock.parse_xml(node, SimpleNamespace(construct_xblock_from_class=None), None)
    with pytest.raises(fw.FrameworkError):
        fw.parse_pillars(node)


OUT_OF_BOUNDS = ["9" * 5000, "9" * 4000, "1e999", "inf", "nan", "-1", "1" + "0" * 30]


@pytest.mark.parametrize("attribute, value", [("min_group_size", "0")] + [
    (attribute, value) for attribute in ("min_group_size", "weight") for value in OUT_OF_BOUNDS],
    ids=lambda value: value[:8])
def test_numbers_out_of_bounds_in_olx_are_ignored_and_the_editor_state_stays_json(db, attribute, value):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(SMALL.replace('min_group_size="2"', f'{attribute}="{value}"'))
    block = get_block(usage_id)
    assert block.fields[attribute].is_set_on(block) is False
    json.dumps(block.studio_state(), allow_nan=False)
