"""The scenario's results for course staff through real workbench handler calls: the report, the CSV, the staff panel."""
import io

import pytest

from tests.scenario.cases import case
from tests.workbench import get_block, load_scenario

PRIVATE = "Reflection zq private words"


@pytest.fixture
def cohort(workbench):
    """Four learners who played the test case through the block's own handlers."""
    name, usage_id = load_scenario(case(expert=True, max_attempts=0))
    plays = {
        "learner_a": [("zq_start", "zq_good"), ("zq_mid", "zq_finish")],
        "learner_b": [("zq_start", "zq_bad")],
        "learner_c": [("zq_start", "zq_good"), ("zq_mid", "zq_side"), ("zq_loop", "zq_back")],
        "learner_d": [("zq_start", "zq_bad")],
    }
    for student, moves in plays.items():
        for step, choice in moves:
            status, answer = workbench.call(usage_id, "choose", {"step": step, "choice": choice}, student=student)
            assert status == 200, answer
    assert workbench.call(usage_id, "reflect", {"text": PRIVATE}, student="learner_b")[0] == 200
    assert workbench.call(usage_id, "restart", {}, student="learner_b")[0] == 200
    assert workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"}, student="learner_b")[0] == 200
    return name, usage_id


def test_staff_get_the_figures_of_every_learners_moves(workbench, cohort):
    _name, usage_id = cohort
    status, report = workbench.call(usage_id, "analytics_report", {}, student="staff")
    assert status == 200, report
    assert report["learners"] == {"started": 4, "finished": 3}
    start, mid, loop = report["steps"]
    assert [(c["id"], c["learners"]) for c in start["choices"]] == [("zq_good", 3), ("zq_bad", 2)]
    assert mid["reached"] == 3 and mid["looped"] == 1 and mid["stopped"] == 1 and loop["reached"] == 1
    assert {e["id"]: e["learners"] for e in report["endings"]} == {"zq_end_good": 1, "zq_end_bad": 2}
    assert report["paths"][0]["ending"] == "zq_end_bad" and report["paths"][0]["attempts"] == 2
    assert report["departure"]["choice"] == "zq_bad"
    assert {box["id"] for box in report["map"]["boxes"]} == {"zq_start", "zq_mid", "zq_loop", "zq_end_good", "zq_end_bad"}
    assert "learner_" not in str(report) and PRIVATE not in str(report), "no learner and no reflection is named"


def test_learners_get_403_from_both_staff_handlers(workbench, cohort):
    _name, usage_id = cohort
    status, answer = workbench.call(usage_id, "analytics_report", {}, student="learner_a")
    assert status == 403 and answer["error"] == "forbidden"
    status, answer = workbench.call(usage_id, "analytics_csv", student="learner_a", method="get")
    assert status == 403 and answer["error"] == "forbidden"


def test_the_report_handler_takes_an_empty_body_only(workbench, cohort):
    _name, usage_id = cohort
    status, answer = workbench.call(usage_id, "analytics_report", {"learner": "x"}, student="staff")
    assert status == 400 and answer["error"] == "invalid_body"


def test_the_csv_is_a_get_of_counts_only(workbench, cohort):
    _name, usage_id = cohort
    status, text = workbench.call(usage_id, "analytics_csv", student="staff", method="get")
    assert status == 200 and text.startswith("\ufeffFigure,")
    assert "Took the choice,zq_start,zq_bad,Label zq_bad,2,0.4000" in text
    assert PRIVATE not in text and "learner_" not in text
    status, answer = workbench.call(usage_id, "analytics_csv", {}, student="staff")
    assert status == 405 and answer["error"] == "method_not_allowed"


def test_an_authors_edit_keeps_the_figures_consistent_and_says_what_was_set_aside(workbench, cohort):
    _name, usage_id = cohort
    block = get_block(usage_id, student="staff")
    scenario = dict(block.scenario)
    scenario["steps"] = [dict(step, choices=[c for c in step["choices"] if c["id"] != "zq_side"])
                         for step in scenario["steps"] if step["id"] != "zq_loop"]
    block.scenario = scenario
    block.save()
    status, report = workbench.call(usage_id, "analytics_report", {}, student="staff")
    assert status == 200
    assert report["set_aside"]["steps"] == ["zq_loop"] and report["set_aside"]["choices"] == ["zq_mid/zq_side"]
    mid = report["steps"][1]
    assert [c["id"] for c in mid["choices"]] == ["zq_finish"] and mid["choices"][0]["share"] == 1.0
    # learner_c's unfinished attempt no longer fits: their next move starts afresh and moves their counts with it.
    assert workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"}, student="learner_c")[0] == 200
    _status, report = workbench.call(usage_id, "analytics_report", {}, student="staff")
    assert report["set_aside"]["steps"] == [] and report["steps"][1]["reached"] == 2  # learner_a and learner_b


def test_only_staff_pages_carry_the_results_panel(workbench, cohort):
    name, _usage_id = cohort
    assert 'class="rtcm-scenario__results"' in workbench.page(name, student="staff")
    learner_page = workbench.page(name, student="learner_a")
    assert 'class="rtcm-scenario__results"' not in learner_page and "RtcmScenarioResults =" not in learner_page


def test_the_studio_summary_counts_the_learners_who_started_and_finished(workbench, cohort):
    name, _usage_id = cohort
    page = workbench.page(name, student="staff", view="author_view")
    assert 'data-role="started">4<' in page and 'data-role="finished">3<' in page


def test_the_demo_cohort_plays_the_sample_scenarios_once(workbench):
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    from workbench.scenarios import get_scenarios, init_scenarios  # pylint: disable=import-outside-toplevel
    init_scenarios()  # as in a fresh `make run` process: the blocks' own scenarios
    call_command("rtcm_demo_cohort", learners=5, stdout=io.StringIO())
    samples = [s for s in get_scenarios().values() if s.description.startswith("Scenario: ")]
    assert len(samples) == 2
    for sample in samples:
        status, report = workbench.call(sample.usage_id, "analytics_report", {}, student="staff")
        assert status == 200 and report["learners"]["started"] == 5
    output = io.StringIO()
    call_command("rtcm_demo_cohort", learners=5, stdout=output)
    assert "0 demo learners played" in output.getvalue()
