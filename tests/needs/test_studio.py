"""Specification of the self-assessment's Studio editor: the studio_view page and the studio_submit handler."""
import copy
import io
import json
import re
from types import SimpleNamespace

import pytest
from lxml import etree

from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.common.handlers import user_is_author
from rtcm_xblocks.needs.studio import NeedsStudioMixin
from tests.workbench import get_block, load_scenario

CUSTOM_OLX = """
<rtcm_needs_assessment url_name="tna_custom" display_name="Front-line officers" min_group_size="3">
  <pillar id="border" title="Integrated border management" recommend="/jump_to_id/border_intro">
    <competency id="border.documents">I can run a first-line document check.</competency>
    <competency id="border.referral">I can refer a traveller to the second line.</competency>
  </pillar>
  <pillar id="trafficking" title="Counter-trafficking">
    <competency id="trafficking.indicators">I can recognise indicators of trafficking.</competency>
  </pillar>
</rtcm_needs_assessment>
"""

DEFAULT_OLX = """
<rtcm_needs_assessment url_name="tna_default" display_name="Where are my training needs?" framework="rtcm-default">
  <pillar id="border" recommend="/jump_to_id/border_intro"/>
</rtcm_needs_assessment>
"""

PAIR_OLX = """
<vertical_demo>
  <rtcm_needs_assessment url_name="tna_pre" display_name="Before" phase="pre"/>
  <rtcm_needs_assessment url_name="tna_post" display_name="After" phase="post" pre="tna_pre"/>
  <rtcm_needs_assessment url_name="tna_other_post" display_name="After again" phase="post" pre="tna_pre"/>
</vertical_demo>
"""


def editor_state(html):
    """The JSON state the studio_view page hands to studio.js."""
    match = re.search(r'<script type="application/json" class="rtcm-ns-data">(.*?)</script>', html, re.S)
    assert match, "the editor page carries its state"
    return json.loads(match.group(1))


def payload_from(state):
    """The studio_submit body the editor would send for `state` unchanged."""
    body = {key: state[key] for key in ("display_name", "phase", "pre", "min_group_size", "participation_credit", "weight", "framework")}
    if state["framework"] == "custom":
        body["pillars"] = copy.deepcopy(state["pillars"])
    else:
        body["pillars"] = [{"id": p["id"], "recommend": p["recommend"]} for p in state["pillars"]]
    return body


def exported(usage_id):
    """The block's OLX as the runtime exports it."""
    node = etree.Element("unknown")
    get_block(usage_id, "staff").add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")


def runtime_export(usage_id):
    """The block exported by its runtime as a whole OLX document (bytes, with an XML declaration)."""
    block = get_block(usage_id, "staff")
    buffer = io.BytesIO()
    block.runtime.export_to_xml(block, buffer)
    return buffer.getvalue()


def custom_payload(**changes):
    body = {
        "display_name": "Front-line officers",
        "phase": "pre",
        "pre": "",
        "min_group_size": 3,
        "participation_credit": False,
        "weight": 1,
        "framework": "custom",
        "pillars": [
            {"id": "border", "title": "Integrated border management", "recommend": "/jump_to_id/border_intro",
             "competencies": [{"id": "border.documents", "text": "I can run a first-line document check."},
                              {"id": "border.referral", "text": "I can refer a traveller to the second line."}]},
            {"id": "trafficking", "title": "Counter-trafficking", "recommend": "",
             "competencies": [{"id": "trafficking.indicators", "text": "I can recognise indicators of trafficking."}]},
        ],
    }
    body.update(changes)
    return body


@pytest.fixture(name="custom_block")
def custom_block_fixture(workbench):
    name, usage_id = load_scenario(CUSTOM_OLX)
    return SimpleNamespace(name=name, usage_id=usage_id, workbench=workbench)


# --- the editor page -------------------------------------------------------------------------

def test_studio_view_hands_the_editor_the_custom_framework_and_settings(custom_block):
    state = editor_state(custom_block.workbench.page(custom_block.name, student="staff", view="studio_view"))
    assert state["framework"] == "custom"
    assert [p["id"] for p in state["pillars"]] == ["border", "trafficking"]
    assert state["pillars"][0]["recommend"] == "/jump_to_id/border_intro"
    assert state["pillars"][0]["competencies"][1] == {"id": "border.referral", "text": "I can refer a traveller to the second line."}
    assert state["min_group_size"] == 3 and state["phase"] == "pre" and state["url_name"] == "tna_custom"
    assert [p["id"] for p in state["default_pillars"]] == [p.id for p in load_framework(DEFAULT_FRAMEWORK).pillars]


def test_studio_view_of_the_default_framework_shows_its_pillars_with_their_links(workbench):
    name, _usage = load_scenario(DEFAULT_OLX)
    state = editor_state(workbench.page(name, student="staff", view="studio_view"))
    assert state["framework"] == DEFAULT_FRAMEWORK
    links = {p["id"]: p["recommend"] for p in state["pillars"]}
    assert links["border"] == "/jump_to_id/border_intro"
    assert len(state["pillars"]) == len(load_framework(DEFAULT_FRAMEWORK).pillars)


def test_studio_view_loads_its_script_style_and_translatable_labels(custom_block):
    html = custom_block.workbench.page(custom_block.name, student="staff", view="studio_view")
    assert "RtcmNeedsStudio" in html and "rtcm-ns-pillars" in html
    assert 'data-i18n-namespace="RtcmNeedsI18N"' in html
    assert "Copy the default framework as a starting point" in html


def test_author_text_cannot_close_the_state_script_of_the_editor_page(custom_block):
    body = custom_payload()
    body["pillars"][0]["title"] = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Borders"
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", body, student="staff")
    assert status == 200
    assert answer["pillars"][0]["title"] == "&lt;/script>&lt;script>alert(1)&lt;/script> Borders"  # text, never a tag
    html = custom_block.workbench.page(custom_block.name, student="staff", view="studio_view")
    assert "<script>alert(1)" not in html
    assert editor_state(html)["pillars"][0]["title"] == "&lt;/script>&lt;script>alert(1)&lt;/script> Borders"


# --- saving ----------------------------------------------------------------------------------

def test_a_learner_may_not_save_the_editor_and_nothing_changes(custom_block):
    before = exported(custom_block.usage_id)
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", custom_payload(display_name="Hacked"))
    assert status == 403 and answer["error"] == "forbidden"
    assert exported(custom_block.usage_id) == before


def test_saving_a_custom_framework_stores_pillars_settings_and_credit(custom_block):
    body = custom_payload(display_name="  <b>Officers</b>  ", min_group_size=7, participation_credit=True, weight=2.5)
    body["pillars"].reverse()
    body["pillars"][0]["competencies"].append({"id": "trafficking.nrm", "text": "I can <em>refer</em> a presumed victim."})
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", body, student="staff")
    assert status == 200
    block = get_block(custom_block.usage_id, "staff")
    assert block.display_name == "Officers"
    assert (block.min_group_size, block.has_score, block.weight) == (7, True, 2.5)
    framework = block.get_framework()
    assert [p.id for p in framework.pillars] == ["trafficking", "border"]
    assert framework.competency("trafficking.nrm").text == "I can refer a presumed victim."
    assert answer["pillars"] == framework.to_dict()["pillars"]


def test_saving_the_default_framework_keeps_only_the_links_that_differ(custom_block):
    links = {"border": "/jump_to_id/border_intro", "trafficking": "https://example.org/trafficking"}
    pillars = [{"id": p.id, "recommend": links.get(p.id, "")} for p in load_framework(DEFAULT_FRAMEWORK).pillars]
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit",
                                                 custom_payload(framework=DEFAULT_FRAMEWORK, pillars=pillars), student="staff")
    assert status == 200 and answer["framework"] == DEFAULT_FRAMEWORK
    block = get_block(custom_block.usage_id, "staff")
    assert block.framework_content == {"recommend": links}
    assert block.get_framework().pillar("trafficking").recommend == "https://example.org/trafficking"
    assert len(block.get_framework().pillars) == len(load_framework(DEFAULT_FRAMEWORK).pillars)


def test_saving_the_default_framework_without_links_clears_the_custom_pillars(custom_block):
    status, _answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit",
                                                  custom_payload(framework=DEFAULT_FRAMEWORK, pillars=[]), student="staff")
    assert status == 200
    block = get_block(custom_block.usage_id, "staff")
    assert block.framework_content == {} and block.framework == DEFAULT_FRAMEWORK


def default_payload(**changes):
    body = custom_payload(framework=DEFAULT_FRAMEWORK, pillars=[])
    body.update(changes)
    return body


def unrelated_payload(**changes):
    """A custom framework none of whose competency ids the default framework has."""
    body = custom_payload(**changes)
    for pillar in body["pillars"]:
        for competency in pillar["competencies"]:
            competency["id"] = "local-" + competency["id"]
    return body


def test_a_post_block_linked_to_an_existing_pre_block_saves(workbench):
    _name, root = load_scenario(PAIR_OLX)
    post = get_block(root).children[1]
    body = default_payload(phase="post", pre="tna_pre")
    status, answer = workbench.call(post, "studio_submit", body, student="staff")
    assert status == 200 and answer["phase"] == "post" and answer["pre"] == "tna_pre"
    assert get_block(post, "staff").pre == "tna_pre"


def test_a_pre_block_forgets_any_pre_link(custom_block):
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit",
                                                 custom_payload(phase="pre", pre="tna_elsewhere"), student="staff")
    assert status == 200 and answer["pre"] == ""


def test_saving_what_the_editor_shows_changes_nothing(workbench):
    name, usage_id = load_scenario(DEFAULT_OLX)
    before = get_block(usage_id, "staff")
    content, framework = dict(before.framework_content), before.get_framework()
    state = editor_state(workbench.page(name, student="staff", view="studio_view"))
    status, answer = workbench.call(usage_id, "studio_submit", payload_from(state), student="staff")
    assert status == 200 and answer == state
    after = get_block(usage_id, "staff")
    assert after.framework_content == content and after.get_framework() == framework


# --- every refusal saves nothing -------------------------------------------------------------

def _pillar(index, **changes):
    def change(body):
        body["pillars"][index].update(changes)
    return change


def _competency(p_index, c_index, **changes):
    def change(body):
        body["pillars"][p_index]["competencies"][c_index].update(changes)
    return change


def _set(**changes):
    def change(body):
        body.update(changes)
    return change


def _delete(key):
    def change(body):
        del body[key]
    return change


def _default(pillars):
    def change(body):
        body["framework"] = DEFAULT_FRAMEWORK
        body["pillars"] = pillars
    return change


REFUSALS = [
    ("unknown top-level key", _set(colour="red"), ""),
    ("display name missing", _delete("display_name"), "display_name"),
    ("display name empty", _set(display_name="   "), "display_name"),
    ("display name only markup", _set(display_name="<b></b>"), "display_name"),
    ("display name not text", _set(display_name=7), "display_name"),
    ("display name too long", _set(display_name="x" * 201), "display_name"),
    ("unknown phase", _set(phase="during"), "phase"),
    ("post block without a pre link", _set(phase="post", pre=""), "pre"),
    ("pre link not text", _set(phase="post", pre=["tna_pre"]), "pre"),
    ("pre link with spaces", _set(phase="post", pre="tna pre"), "pre"),
    ("pre link to this block itself", _set(phase="post", pre="tna_custom"), "pre"),
    ("group size zero", _set(min_group_size=0), "min_group_size"),
    ("group size as text", _set(min_group_size="5"), "min_group_size"),
    ("group size a boolean", _set(min_group_size=True), "min_group_size"),
    ("group size a fraction", _set(min_group_size=2.5), "min_group_size"),
    ("group size huge", _set(min_group_size=10 ** 6), "min_group_size"),
    ("credit not a boolean", _set(participation_credit="yes"), "participation_credit"),
    ("negative weight", _set(weight=-1), "weight"),
    ("weight a boolean", _set(weight=True), "weight"),
    ("weight as text", _set(weight="1"), "weight"),
    ("no framework", _delete("framework"), "framework"),
    ("unknown framework", _set(framework="nonexistent"), "framework"),
    ("framework not text", _set(framework=["custom"]), "framework"),
    ("pillars not a list", _set(pillars={"border": {}}), "pillars"),
    ("custom framework without pillars", _set(pillars=[]), "pillars"),
    ("too many pillars", _set(pillars=[{"id": f"p{i}"} for i in range(51)]), "pillars"),
    ("pillar not an object", _set(pillars=["border"]), "pillars.0"),
    ("pillar with an unknown key", _pillar(0, colour="red"), "pillars.0"),
    ("empty pillar id", _pillar(1, id=" "), "pillars.1.id"),
    ("pillar id with a space", _pillar(1, id="counter trafficking"), "pillars.1.id"),
    ("pillar id not text", _pillar(1, id=3), "pillars.1.id"),
    ("duplicate pillar id", _pillar(1, id="border"), "pillars.1.id"),
    ("empty pillar title", _pillar(0, title=""), "pillars.0.title"),
    ("pillar title too long", _pillar(0, title="t" * 201), "pillars.0.title"),
    ("unsafe pillar link", _pillar(0, recommend="javascript:alert(1)"), "pillars.0.recommend"),
    ("protocol-relative pillar link", _pillar(0, recommend="//evil.example/x"), "pillars.0.recommend"),
    ("pillar link with a space", _pillar(0, recommend="/jump_to_id/a b"), "pillars.0.recommend"),
    ("competencies not a list", _pillar(0, competencies="none"), "pillars.0.competencies"),
    ("pillar without competencies", _pillar(1, competencies=[]), "pillars.1.competencies"),
    ("competency not an object", _pillar(1, competencies=["I can"]), "pillars.1.competencies.0"),
    ("competency with an unknown key", _competency(0, 1, pillar="x"), "pillars.0.competencies.1"),
    ("empty competency id", _competency(0, 1, id=""), "pillars.0.competencies.1.id"),
    ("competency id starting with a dot", _competency(0, 1, id=".referral"), "pillars.0.competencies.1.id"),
    ("duplicate competency id across pillars", _competency(1, 0, id="border.documents"), "pillars.1.competencies.0.id"),
    ("empty competency text", _competency(0, 0, text="  "), "pillars.0.competencies.0.text"),
    ("competency text not text", _competency(0, 0, text=None), "pillars.0.competencies.0.text"),
    ("competency text too long", _competency(0, 0, text="I can " + "x" * 1000), "pillars.0.competencies.0.text"),
    ("default framework: unknown pillar", _default([{"id": "astrology", "recommend": "/x"}]), "pillars.0.id"),
    ("default framework: pillar given twice", _default([{"id": "border", "recommend": "/a"}, {"id": "border", "recommend": "/b"}]), "pillars.1.id"),
    ("default framework: pillar with a title", _default([{"id": "border", "title": "Borders", "recommend": "/a"}]), "pillars.0"),
    ("default framework: unsafe link", _default([{"id": "border", "recommend": "data:text/html,x"}]), "pillars.0.recommend"),
]


@pytest.mark.parametrize("change,field", [(c, f) for _n, c, f in REFUSALS], ids=[n for n, _c, _f in REFUSALS])
def test_an_invalid_payload_is_refused_field_by_field_and_nothing_is_saved(custom_block, change, field):
    before = exported(custom_block.usage_id)
    body = custom_payload(display_name="A new title that must not be saved")
    change(body)
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", body, student="staff")
    assert status == 400
    assert answer["error"] == "invalid_settings"
    assert field in [item["field"] for item in answer["errors"]], answer
    assert all(item["message"] for item in answer["errors"])
    assert answer["message"].startswith("Nothing was saved")
    assert exported(custom_block.usage_id) == before


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"'], ids=["not json", "a list", "a string"])
def test_a_body_that_is_not_a_json_object_is_refused(custom_block, raw):
    before = exported(custom_block.usage_id)
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", raw=raw, student="staff")
    assert status == 400 and answer["error"] in ("invalid_json", "invalid_body")
    assert exported(custom_block.usage_id) == before


def test_every_problem_of_a_payload_is_reported_at_once(custom_block):
    body = custom_payload(display_name="", phase="post", pre="")
    body["pillars"][0]["title"] = ""
    body["pillars"][1]["id"] = "border"
    body["pillars"][1]["competencies"][0]["text"] = ""
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", body, student="staff")
    assert status == 400
    assert [item["field"] for item in answer["errors"]] == [
        "display_name", "pre", "pillars.0.title", "pillars.1.id", "pillars.1.competencies.0.text"]
    for item in answer["errors"]:
        assert f"{item['field']}: {item['message']}" in answer["message"]


def test_a_get_request_is_refused(custom_block):
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit", method="get", student="staff")
    assert status == 405 and answer["error"] == "method_not_allowed"


# --- the pre link ----------------------------------------------------------------------------

@pytest.mark.parametrize("pre,body,message", [
    ("tna_missing", default_payload, "There is no self-assessment with the url_name 'tna_missing'"),
    ("tna_other_post", default_payload, "is a post-course self-assessment"),
    ("tna_pre", unrelated_payload, "'tna_pre' rates none of these competencies"),
], ids=["missing", "a post block", "no shared competency"])
def test_a_post_block_must_link_an_existing_pre_course_block_of_the_course(workbench, pre, body, message):
    _name, root = load_scenario(PAIR_OLX)
    post = get_block(root).children[1]
    before = exported(post)
    status, answer = workbench.call(post, "studio_submit", body(phase="post", pre=pre), student="staff")
    assert status == 400
    assert answer["errors"] == [{"field": "pre", "message": answer["errors"][0]["message"]}]
    assert message in answer["errors"][0]["message"]
    assert exported(post) == before


def test_a_block_outside_any_course_tree_has_its_pre_link_checked_only_for_shape(custom_block):
    status, answer = custom_block.workbench.call(custom_block.usage_id, "studio_submit",
                                                 custom_payload(phase="post", pre="tna_somewhere"), student="staff")
    assert status == 200 and answer["pre"] == "tna_somewhere"


class _Key:
    """A usage key as Studio and the LMS have them (opaque-keys), enough for the pre-link check."""

    def __init__(self, block_id):
        self.block_id = block_id
        self.course_key = self

    def make_usage_key(self, block_type, block_id):
        return (block_type, block_id)


class ItemNotFoundError(Exception):
    """Named like the modulestore's exception, which the mixin recognises by name."""


def _lms_block(existing):
    def get_block(key):
        if key in existing:
            return existing[key]
        raise ItemNotFoundError(key)
    block = SimpleNamespace(scope_ids=SimpleNamespace(usage_id=_Key("tna_post"), block_type="rtcm_needs_assessment"),
                            runtime=SimpleNamespace(get_block=get_block))
    return block


def test_in_studio_and_the_lms_the_pre_block_is_looked_up_by_its_usage_key():
    pre = SimpleNamespace(phase="pre")
    block = _lms_block({("rtcm_needs_assessment", "tna_pre"): pre})
    assert NeedsStudioMixin.find_needs_block(block, "tna_pre") is pre
    assert NeedsStudioMixin.find_needs_block(block, "tna_gone") is False


def test_when_the_runtime_cannot_tell_the_pre_link_is_only_checked_for_shape():
    def broken(key):
        raise RuntimeError("no modulestore here")
    block = SimpleNamespace(scope_ids=SimpleNamespace(usage_id=_Key("x"), block_type="rtcm_needs_assessment"),
                            runtime=SimpleNamespace(get_block=broken))
    assert NeedsStudioMixin.find_needs_block(block, "tna_pre") is None


# --- round trip ------------------------------------------------------------------------------

def test_editor_save_export_import_shows_the_same_custom_framework(custom_block):
    body = custom_payload(display_name="Officers, round trip", min_group_size=4, participation_credit=True, weight=3)
    body["pillars"].append({"id": "data", "title": "Migrants' data & privacy", "recommend": "https://example.org/a?b=1&c=2",
                            "competencies": [{"id": "data.sharing", "text": "I can check that risk < benefit & safeguards > 0 before sharing data."}]})
    status, saved = custom_block.workbench.call(custom_block.usage_id, "studio_submit", body, student="staff")
    assert status == 200
    olx = runtime_export(custom_block.usage_id)
    assert b"<competency id=\"data.sharing\">I can check that risk &lt; benefit &amp; safeguards &gt; 0" in olx
    name, _usage = load_scenario(olx)
    reimported = editor_state(custom_block.workbench.page(name, student="staff", view="studio_view"))
    assert reimported == saved
    assert reimported["pillars"][2]["competencies"][0]["text"] == "I can check that risk < benefit & safeguards > 0 before sharing data."


def test_editor_save_export_import_shows_the_same_default_framework_links(workbench):
    name, usage_id = load_scenario(DEFAULT_OLX)
    state = editor_state(workbench.page(name, student="staff", view="studio_view"))
    body = payload_from(state)
    body["pillars"][0]["recommend"] = "/jump_to_id/governance_intro"
    status, saved = workbench.call(usage_id, "studio_submit", body, student="staff")
    assert status == 200
    olx = exported(usage_id)
    assert '<pillar id="governance" recommend="/jump_to_id/governance_intro"/>' in olx
    assert "<competency" not in olx
    name2, _usage2 = load_scenario(olx)
    assert editor_state(workbench.page(name2, student="staff", view="studio_view")) == saved


# --- Studio's validation of content that arrived as OLX --------------------------------------

def validation_messages(usage_id):
    return [message.text for message in get_block(usage_id, "staff").validate().messages]


def test_studio_validation_reports_framework_problems_of_imported_olx(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario("""
        <rtcm_needs_assessment url_name="tna_broken">
          <pillar id="border" title="Borders"><competency id="border.a">I can a.</competency></pillar>
          <pillar id="border" title="Borders again"><competency id="border.a">I can a again.</competency></pillar>
          <pillar id="empty" title="Nothing yet"/>
        </rtcm_needs_assessment>""")
    messages = validation_messages(usage_id)
    assert any('pillar id "border" is used more than once' in m for m in messages)
    assert any('competency id "border.a" is used more than once' in m for m in messages)
    assert any('"empty" has no competencies' in m for m in messages)


def test_studio_validation_reports_a_post_block_without_a_pre_link(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario('<rtcm_needs_assessment url_name="tna_post" phase="post"/>')
    assert validation_messages(usage_id) == [
        "A post-course self-assessment needs the url_name of its pre-course self-assessment."]


def test_studio_validation_warns_when_the_pre_block_rates_only_some_of_the_competencies(workbench):  # pylint: disable=unused-argument
    _name, root = load_scenario(PAIR_OLX.replace(
        '<rtcm_needs_assessment url_name="tna_post" display_name="After" phase="post" pre="tna_pre"/>',
        '<rtcm_needs_assessment url_name="tna_post" display_name="After" phase="post" pre="tna_pre">'
        '<pillar id="governance" title="Governance"><competency id="governance.policy-cycle">I can a.</competency>'
        '<competency id="governance.new-one">I can b.</competency></pillar></rtcm_needs_assessment>'))
    messages = get_block(get_block(root).children[1], "staff").validate().messages
    assert [(m.type, m.text) for m in messages] == [
        ("warning", "'tna_pre' rates 1 of these 2 competencies: learners see their change on those only.")]


def test_studio_validation_reports_a_pre_link_to_a_missing_block_and_accepts_a_good_one(workbench):  # pylint: disable=unused-argument
    _name, root = load_scenario(PAIR_OLX.replace('url_name="tna_other_post" display_name="After again" phase="post" pre="tna_pre"',
                                                 'url_name="tna_other_post" display_name="After again" phase="post" pre="tna_gone"'))
    children = get_block(root).children
    assert validation_messages(children[1]) == []
    assert validation_messages(children[2]) == ["There is no self-assessment with the url_name 'tna_gone' in this course."]


# --- who may save ----------------------------------------------------------------------------

def _studio_block(can_write):
    """A block as Studio's handler runtime sees it: a user service without roles, and a permissions service."""
    services = {
        "user": SimpleNamespace(get_current_user=lambda: SimpleNamespace(opt_attrs={"edx-platform.user_role": "student"})),
        "studio_user_permissions": SimpleNamespace(can_write=lambda course_key: can_write),
    }
    block = SimpleNamespace(scope_ids=SimpleNamespace(usage_id=_Key("tna_pre"), block_type="rtcm_needs_assessment"))
    block.runtime = SimpleNamespace(service=lambda _block, name: services.get(name))
    return block


def test_in_studio_a_course_author_without_lms_roles_may_save():
    assert user_is_author(_studio_block(can_write=True)) is True


def test_in_studio_a_user_without_write_access_may_not_save():
    assert user_is_author(_studio_block(can_write=False)) is False
