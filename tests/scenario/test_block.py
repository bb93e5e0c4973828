"""The scenario block: OLX in and out, settings, samples, Studio validation, mobile data, reports, stale state."""
import html
import importlib.resources
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks.common.safe_xml import UnsafeXMLError
from rtcm_xblocks.scenario import graph, olx, validation
from rtcm_xblocks.scenario.block import ScenarioBlock
from tests.scenario.cases import case
from tests.workbench import block_html, get_block, load_scenario


def exported(block):
    """The block's OLX as the runtime exports it."""
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    return out.getvalue().decode("utf-8")


def author_block(usage_id):
    """The block as an author's runtime sees it (no learner)."""
    return WorkbenchRuntime().get_block(usage_id)


SAMPLES = ScenarioBlock.workbench_scenarios()


def test_the_workbench_offers_at_least_two_samples():
    assert len(SAMPLES) >= 2


@pytest.mark.parametrize("title,xml", SAMPLES, ids=[title for title, _xml in SAMPLES])
def test_each_sample_is_a_realistic_case_that_validates_cleanly(title, xml):
    attributes, scenario = olx.parse_scenario_string(xml)
    assert len(scenario.steps) >= 5 and len(scenario.endings) >= 3, title
    assert validation.validate(scenario, attributes.get("scoring", "path")) == []
    assert {ending.outcome for ending in scenario.endings} == {"good", "neutral", "bad"}


@pytest.mark.parametrize("title,xml", SAMPLES, ids=[title for title, _xml in SAMPLES])
def test_each_sample_loads_in_the_workbench_renders_and_has_no_studio_problems(workbench, title, xml):
    name, usage_id = load_scenario(xml)
    page = workbench.page(name)
    first = olx.parse_scenario_string(xml)[1].steps[0]
    assert first.title in page
    assert author_block(usage_id).validate().messages == [], title


def test_olx_attributes_become_settings_and_children_the_case(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case(expert=True))
    block = author_block(usage_id)
    assert (block.display_name, block.pillar, block.scoring, block.grading) == ("Test case", "border", "path", "best")
    assert (block.max_attempts, block.weight, block.show_expert_path) == (2, 2.0, True)
    scenario = graph.Scenario.from_dict(block.scenario)
    assert [step.id for step in scenario.steps] == ["zq_start", "zq_mid", "zq_loop"]
    assert scenario.step("zq_start").choice("zq_good").feedback == "<p>Feedback zq_good</p>"


@pytest.mark.parametrize("attribute,value", [
    ("scoring", "fastest"), ("grading", "worst"), ("max_attempts", "-1"), ("max_attempts", "two"),
    ("weight", "heavy"), ("weight", "-2"), ("weight", "nan"), ("show_expert_path", "yes"), ("pillar", "Not an id!"),
    ("max_attempts", "9" * 5000), ("max_attempts", "9" * 4000), ("max_attempts", "1001"), ("weight", "9" * 5000),
    ("weight", "1e999"), ("weight", "inf"), ("weight", "1" + "0" * 30),
])
def test_invalid_settings_in_olx_are_refused_with_the_attribute_named(workbench, attribute, value):  # pylint: disable=unused-argument
    with pytest.raises(olx.OlxError, match=attribute):
        load_scenario(case(**{attribute: value}))


def test_olx_with_a_doctype_is_refused(workbench):  # pylint: disable=unused-argument
    xml = '<!DOCTYPE rtcm_scenario [<!ENTITY x "boom">]>' + case().replace("Intro of", "&x; Intro of")
    with pytest.raises(UnsafeXMLError):
        load_scenario(xml)


def test_export_is_readable_xml_with_the_case_as_elements_not_a_json_blob(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case())
    xml = exported(author_block(usage_id))
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == "rtcm_scenario"
    assert "scenario" not in root.attrib and "user_state" not in root.attrib
    assert not any(value.lstrip().startswith(("{", "[")) for value in root.attrib.values())
    assert [step.get("id") for step in root.findall("step")] == ["zq_start", "zq_mid", "zq_loop"]
    assert root.find("step/body/p").text == "Body zq_start"
    assert (root.get("max_attempts"), root.get("weight"), root.get("show_expert_path")) == ("2", "2", "false")


def test_export_then_import_is_lossless_with_the_runtime_handling_url_name(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case(expert=True))
    first = author_block(usage_id)
    xml = exported(first).replace("<rtcm_scenario ", '<rtcm_scenario url_name="border_case" ', 1)
    _name, again_id = load_scenario(xml.split("?>", 1)[1])
    again = author_block(again_id)
    for field in ("display_name", "pillar", "scoring", "grading", "max_attempts", "weight", "show_expert_path",
                  "scenario"):
        assert getattr(again, field) == getattr(first, field), field
    assert graph.Scenario.from_dict(again.scenario) == graph.Scenario.from_dict(first.scenario)
    assert exported(again) == exported(first)


def test_settings_left_at_their_default_are_not_exported_but_the_display_name(workbench):  # pylint: disable=unused-argument
    """The display name is always written so the element is never a bare pointer tag (docs/OPEN_EDX.md)."""
    _name, usage_id = load_scenario(
        '<rtcm_scenario><step id="a" title="A"><choice id="x" to="e" points="1"><label>X</label></choice></step>'
        '<ending id="e" title="E"/></rtcm_scenario>')
    root = etree.fromstring(exported(author_block(usage_id)).encode("utf-8"))
    assert set(root.attrib) == {"xblock-family", "display_name"}
    assert root.get("display_name") == "Scenario exercise"


def test_studio_validation_reports_the_core_problems_as_errors(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(
        '<rtcm_scenario><step id="a" title="A"><choice id="x" to="nowhere" points="1"><label>X</label></choice>'
        '</step><ending id="e" title="E"/></rtcm_scenario>')
    messages = author_block(usage_id).validate().messages
    assert messages and all(message.type == "error" for message in messages)
    assert any("nowhere" in message.text for message in messages)


def test_an_empty_block_shows_learners_a_notice_and_refuses_to_play(workbench):
    name, usage_id = load_scenario("<rtcm_scenario/>")
    assert "This exercise has no steps yet." in workbench.page(name)
    status, error = workbench.call(usage_id, "choose", {"step": "a", "choice": "b"})
    assert (status, error["error"]) == (400, "not_ready")
    assert author_block(usage_id).validate().messages


def test_student_view_data_has_settings_and_intro_but_no_state_or_answers(workbench):
    _name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    data = get_block(usage_id).student_view_data()
    assert data["display_name"] == "Test case" and data["intro"] == "<p>Intro of the zq case</p>"
    text = repr(data)
    for secret in ("zq_", "Feedback", "points", "Label"):
        assert secret not in text
    assert (data["allow_back"], data["time_limits"]) == (False, False) and "set_timing" in data["handlers"]


def test_student_view_data_of_a_simulation_says_what_controls_it_needs_but_nothing_of_the_case(workbench):
    from tests.scenario.simulations import interview  # pylint: disable=import-outside-toplevel
    _name, usage_id = load_scenario(interview(back=True))
    data = get_block(usage_id).student_view_data()
    assert (data["allow_back"], data["time_limits"]) == (True, True)
    for secret in ("trust", "papers_seen", "Dana", "60", "refer", "hint", "SECRET"):
        assert secret not in repr({key: value for key, value in data.items() if key != "handlers"})


def test_the_learner_view_is_multi_device(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case())
    block = author_block(usage_id)
    assert block.has_support(block.student_view, "multi_device")


def test_the_gradebook_sees_a_weighted_score_out_of_one(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case())
    block = author_block(usage_id)
    assert block.has_score and block.max_score() == 1.0 and block.weight == 2.0
    _name, usage_id = load_scenario(case(scoring="none"))
    assert not author_block(usage_id).has_score


def test_completion_is_declared_completable():
    assert ScenarioBlock.completion_mode == "completable" and ScenarioBlock.has_custom_completion


def learner_states(usage_id, *students):
    """What the LMS hands generate_report_data: each learner's username and stored fields."""
    return [SimpleNamespace(username=student, state={"user_state": get_block(usage_id, student).user_state})
            for student in students]


def test_report_has_one_row_per_learner_with_path_ending_score_attempts_and_reflection(workbench):
    _name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"}, student="ann")
    workbench.call(usage_id, "reflect", {"text": "Separate them next time."}, student="ann")
    workbench.call(usage_id, "restart", {}, student="ann")
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"}, student="ann")
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"}, student="ben")
    rows = list(author_block(usage_id).generate_report_data(iter(learner_states(usage_id, "ann", "ben", "cy"))))
    assert rows == [
        ("ann", {"path": "zq_start:zq_good", "ending": "", "score": 0.0, "attempts": 2,
                 "reflection": "Separate them next time."}),
        ("ben", {"path": "zq_start:zq_good", "ending": "", "score": "", "attempts": 1, "reflection": ""}),
    ]
    limited = list(author_block(usage_id).generate_report_data(iter(learner_states(usage_id, "ann", "ben")), 1))
    assert [username for username, _row in limited] == ["ann"]


def remove_mid_step(usage_id):
    """The author deletes step zq_mid; zq_good now leads straight to the good ending."""
    block = author_block(usage_id)
    scenario = dict(block.scenario)
    scenario["steps"] = [step for step in scenario["steps"] if step["id"] != "zq_mid"]
    for step in scenario["steps"]:
        for choice in step["choices"]:
            if choice["to"] == "zq_mid":
                choice["to"] = "zq_end_good"
    block.scenario = scenario
    block.save()


def test_a_learner_on_a_removed_step_restarts_cleanly_with_a_notice(workbench):
    name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    remove_mid_step(usage_id)
    status, state = workbench.call(usage_id, "get_state", {})
    assert status == 200
    assert (state["attempt"], state["step"]["id"], state["path"], state["last_feedback"]) == (1, "zq_start", [], None)
    assert state["notice"]
    assert state["notice"] in workbench.page(name)
    status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    assert status == 200 and state["finished"] and state["notice"] is None


def test_a_restart_after_content_changed_keeps_the_finished_attempts(workbench):
    _name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    workbench.call(usage_id, "restart", {})
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    remove_mid_step(usage_id)
    _status, state = workbench.call(usage_id, "get_state", {})
    assert state["attempt"] == 2 and state["notice"]
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    attempts = get_block(usage_id).user_state["attempts"]
    assert [(a["number"], a["finished"], a["current"]) for a in attempts] == [
        (1, True, "zq_end_bad"), (2, True, "zq_end_bad")]


def test_a_learner_whose_start_step_is_unchanged_sees_no_notice(workbench):
    _name, usage_id = load_scenario(case())
    remove_mid_step(usage_id)
    _status, state = workbench.call(usage_id, "get_state", {})
    assert state["notice"] is None


def test_unreadable_learner_state_starts_the_learner_afresh(workbench):
    _name, usage_id = load_scenario(case())
    block = get_block(usage_id)
    block.user_state = {"attempts": [{"path": "garbage"}]}
    block.save()
    status, state = workbench.call(usage_id, "get_state", {})
    assert status == 200 and state["step"]["id"] == "zq_start"


def test_many_unlimited_attempts_keep_the_first_the_best_and_the_latest(workbench):
    _name, usage_id = load_scenario(case(max_attempts=0))
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    workbench.call(usage_id, "restart", {})
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    for _ in range(25):
        workbench.call(usage_id, "restart", {})
        workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    attempts = get_block(usage_id).user_state["attempts"]
    numbers = [attempt["number"] for attempt in attempts]
    assert len(attempts) == 20 and numbers[:2] == [1, 2] and numbers[-1] == 27
    assert max(attempt["score"] for attempt in attempts) == 1.0


def test_author_html_is_sanitized_again_when_rendered_and_unsafe_image_urls_are_dropped(workbench):
    name, usage_id = load_scenario(case())
    block = author_block(usage_id)
    scenario = dict(block.scenario)
    scenario["intro"] = '<p onclick="steal()">Intro</p><script>steal()</script>'
    scenario["steps"][0]["body"] = '<p>Body<iframe src="https://evil.example"></iframe></p>'
    scenario["steps"][0]["image"] = {"src": "javascript:steal()", "alt": "A trap"}
    block.scenario = scenario
    block.save()
    _status, state = workbench.call(usage_id, "get_state", {})
    page = block_html(workbench.page(name))
    assert state["step"]["body"] == "<p>Body</p>" and state["step"]["image"] is None
    for text in (page, repr(state)):
        assert "steal()" not in text and "<iframe" not in text and "onclick" not in text


def test_a_learners_reflection_is_escaped_on_the_page(workbench):
    name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    workbench.call(usage_id, "reflect", {"text": '<img src=x onerror="alert(1)">'})
    page = block_html(workbench.page(name))
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page



def test_a_reflection_cannot_close_a_script_element_on_the_page(workbench):
    name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    workbench.call(usage_id, "reflect", {"text": "</script><script>window.pwned = 1</script>"})
    assert "<script>window.pwned" not in workbench.page(name)


def test_the_page_renders_the_intro_and_current_step_before_any_request(workbench):
    name, usage_id = load_scenario(case())
    page = block_html(workbench.page(name))
    assert "Intro of the zq case" in page and "Title zq_start" in page and "Body zq_start" in page
    assert 'data-choice="zq_good"' in page and 'data-choice="zq_bad"' in page
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    page = block_html(workbench.page(name))
    assert "Feedback zq_good" in page and "Title zq_mid" in page and 'data-choice="zq_finish"' in page
    workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    page = block_html(workbench.page(name))
    assert "Title zq_end_good" in page and "Your score for this attempt: 100%" in page
    assert 'data-action="restart"' in page and "<textarea" in page


def test_the_learner_sends_less_than_40_kb_of_javascript_and_css():
    """Every script of the learner page (simulations included) and its style sheet; branching-xblock sends 367 KB."""
    from rtcm_xblocks.scenario.block import LEARNER_SCRIPTS  # pylint: disable=import-outside-toplevel
    package = importlib.resources.files("rtcm_xblocks")
    files = [*LEARNER_SCRIPTS, "static/scenario/learner.css"]
    assert len(files) == 5
    assert sum(len(package.joinpath(path).read_bytes()) for path in files) < 40_000


def test_messages_to_learners_and_authors_go_through_the_runtime_i18n_service(workbench, monkeypatch):
    import django.utils.translation  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(django.utils.translation, "gettext", lambda message: f"«{message}»")
    _name, usage_id = load_scenario(case())
    status, error = workbench.call(usage_id, "restart", {})
    assert status == 400 and error["message"].startswith("«") and error["message"].endswith("»")
    status, error = workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    assert status == 400 and error["message"].startswith("«") and "zq_mid" in error["message"]
    _name, broken_id = load_scenario(
        '<rtcm_scenario><step id="a" title="A"><choice id="x" to="nowhere" points="1"><label>X</label></choice>'
        '</step><ending id="e" title="E"/></rtcm_scenario>')
    assert all(message.text.startswith("«") for message in author_block(broken_id).validate().messages)


def test_a_finished_attempt_whose_ending_was_removed_still_shows_its_debrief(workbench):
    name, usage_id = load_scenario(case())
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    block = author_block(usage_id)
    scenario = dict(block.scenario)
    scenario["endings"] = [ending for ending in scenario["endings"] if ending["id"] != "zq_end_bad"]
    scenario["steps"][0]["choices"] = scenario["steps"][0]["choices"][:1]
    block.scenario = scenario
    block.save()
    status, state = workbench.call(usage_id, "get_state", {})
    assert status == 200 and state["finished"]
    assert state["ending"] == {"id": "zq_end_bad", "title": "", "body": "", "outcome": "neutral"}
    assert state["path"] == [{"step": "zq_start", "choice": "zq_bad", "label": "", "feedback": "", "timed_out": False}]
    assert "Debrief" in workbench.page(name)
    status, state = workbench.call(usage_id, "restart", {})
    assert status == 200 and state["step"]["id"] == "zq_start"


def test_course_asset_urls_are_resolved_by_the_lms_replace_urls_service(workbench, monkeypatch):
    class ReplaceUrls:
        """The LMS service rewrites quoted /static/ URLs to the course's asset URLs."""

        @staticmethod
        def replace_urls(text):
            return text.replace('"/static/', '"/asset-v1:RTCM+101+2026+type@asset+block@')

    original = WorkbenchRuntime.service
    monkeypatch.setattr(WorkbenchRuntime, "service", lambda runtime, block, name: ReplaceUrls() if name == "replace_urls"
                        else original(runtime, block, name))
    _name, usage_id = load_scenario(case().replace(
        "<body><p>Body zq_start</p></body>",
        '<body><p>Body zq_start <img src="/static/map.png" alt="Map"/></p></body>'
        '<image src="/static/border.jpg" alt="A checkpoint at night"/>'))
    _status, state = workbench.call(usage_id, "get_state", {})
    assert state["step"]["image"] == {"src": "/asset-v1:RTCM+101+2026+type@asset+block@border.jpg",
                                      "alt": "A checkpoint at night"}
    assert 'src="/asset-v1:RTCM+101+2026+type@asset+block@map.png"' in state["step"]["body"]


def test_an_unknown_attribute_is_kept_as_written_and_exported_back(workbench):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(case().replace("<rtcm_scenario ", '<rtcm_scenario max_attempt="3" url_name="x" ', 1))
    block = author_block(usage_id)
    assert block.max_attempts == 2 and block.platform_attributes == {"max_attempt": "3"}
    assert etree.fromstring(exported(block).encode("utf-8")).get("max_attempt") == "3"


def page_state(page):
    """The state the learner page embeds for its script (the data-state attribute, unescaped)."""
    raw = re.search(r'data-state="([^"]*)"', block_html(page)).group(1)
    return json.loads(html.unescape(raw))


def test_the_page_embeds_the_state_get_state_answers_leaving_attempts_left_to_the_debrief(workbench):
    name, usage_id = load_scenario(case())
    _status, state = workbench.call(usage_id, "get_state", {})
    assert page_state(workbench.page(name)) == {key: value for key, value in state.items() if key != "attempts_left"}
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    assert state["finished"] and page_state(workbench.page(name)) == state


def test_a_newcomers_first_view_reads_only_the_case_their_state_and_the_title(db):  # pylint: disable=unused-argument
    """In the workbench a field read costs a query or two; the first read of a learner's state creates their row."""
    _name, usage_id = load_scenario(case())
    with CaptureQueriesContext(connection) as captured:
        get_block(usage_id, "newcomer").render("student_view", {})
    # case, learner row, the user_state field a learner without a row may still have (select, begin,
    # insert, commit), title, and the runtime's own look at `name`
    assert len(captured.captured_queries) <= 10


def test_the_page_template_is_translated_by_the_block_without_touching_djangos_catalogues(workbench, monkeypatch):
    import django.utils.translation  # pylint: disable=import-outside-toplevel
    name, _usage_id = load_scenario(case())
    with django.utils.translation.override("ru"):
        page = block_html(workbench.page(name))
        assert "Что вы сделаете?" in page and "Решение 1 · попытка 1" in page
        assert django.utils.translation.gettext("What do you do?") == "What do you do?"
    monkeypatch.setattr(django.utils.translation, "gettext", lambda message: f"«{message}»")
    page = block_html(workbench.page(name))
    assert "«What do you do?»" in page and "«Decision 1 · attempt 1»" in page


def test_a_broken_translation_of_a_page_sentence_falls_back_to_english(workbench, monkeypatch):
    import django.utils.translation  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(django.utils.translation, "gettext",
                        lambda message: "Решение %(missing)s" if "%(number)s" in message else message)
    name, _usage_id = load_scenario(case())
    assert "Decision 1 · attempt 1" in block_html(workbench.page(name))


def test_the_default_title_is_translated_and_an_authors_title_is_not(db):  # pylint: disable=unused-argument
    from django.utils import translation  # pylint: disable=import-outside-toplevel
    _name, untitled = load_scenario('<rtcm_scenario><step id="a" title="A"><choice id="c" to="e"><label>Go</label>'
                                    '</choice></step><ending id="e" title="E"/></rtcm_scenario>')
    _name, titled = load_scenario('<rtcm_scenario display_name="Checkpoint"><step id="a" title="A"><choice id="c" to="e">'
                                  '<label>Go</label></choice></step><ending id="e" title="E"/></rtcm_scenario>')
    with translation.override("ru"):
        assert "Сценарное упражнение" in get_block(untitled).student_view().content
        assert "Checkpoint" in get_block(titled).student_view().content
        # The mobile apps' data is collected once for every language: the default title stays as shipped.
        assert get_block(untitled).student_view_data()["display_name"] == "Scenario exercise"


FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"Click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_text_cell_of_the_report_is_safe_from_formula_injection(workbench, formula):
    xml = case().replace('"zq_start"', '"=zq_start"').replace('"zq_end_bad"', '"+zq_end_bad"')
    _name, usage_id = load_scenario(xml)
    workbench.call(usage_id, "choose", {"step": "=zq_start", "choice": "zq_bad"}, student="ann")
    block = get_block(usage_id, "ann")
    attempts = block.user_state["attempts"]
    attempts[-1]["reflection"] = formula  # stored before reflections were cleaned, or cleaned text that looks like one
    block.user_state = {"attempts": attempts}
    block.save()
    [(_user, row)] = author_block(usage_id).generate_report_data(iter(learner_states(usage_id, "ann")))
    assert row["reflection"] == "'" + formula
    assert row["path"] == "'=zq_start:zq_bad" and row["ending"] == "'+zq_end_bad"
    assert isinstance(row["score"], float) and isinstance(row["attempts"], int)


def test_a_case_is_read_once_per_distinct_content_and_an_edit_is_a_new_case():
    import copy  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario.block import _case  # pylint: disable=import-outside-toplevel
    content = graph.Scenario.from_dict({"steps": [{"id": "a", "title": "A", "choices": [
        {"id": "c", "label": "C", "to": "e", "points": 1}]}], "endings": [{"id": "e", "title": "E"}]}).to_dict()
    first = _case(content)
    assert _case(json.loads(json.dumps(content))) is first  # the same case, read anew by another request
    edited = copy.deepcopy(content)
    edited["steps"][0]["choices"][0]["points"] = True  # equal to 1 in Python, but not the same content
    assert _case(edited) is not first and _case(edited).steps[0].choices[0].points == 1
    edited["steps"][0]["title"] = "A, edited"
    assert _case(edited).steps[0].title == "A, edited" and first.steps[0].title == "A"
