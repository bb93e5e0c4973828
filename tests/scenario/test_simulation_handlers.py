"""Simulations over real HTTP in the workbench: state, dialogue, media, hints, clocks, timing, going back,
shuffled order and competencies — and that the learner never receives what they have not earned."""
import json
import random

import pytest
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks.common.storage import block_key, course_scope
from rtcm_xblocks.scenario import block as block_module
from rtcm_xblocks.scenario import competencies, storage
from tests.concurrency import run_together, shared_database  # noqa: F401  pylint: disable=unused-import
from tests.scenario.simulations import interview
from tests.workbench import Workbench, block_html, load_scenario

SECRETS = ["SECRET-VARIANT", "SECRET-LINE", "SECRET-TIMEOUT", "papers_seen", "trust &gt;", "trust >=", "hesitate",
           "trafficking.referral", "Who answers for her", "Never shown"]



@pytest.fixture
def clock(monkeypatch):
    """The server's clock, set by the test."""
    now = {"value": 1000.0}
    monkeypatch.setattr(block_module.ScenarioBlock, "_now", staticmethod(lambda: now["value"]))
    return now


@pytest.fixture
def case(workbench):
    """The interview case loaded, and a caller of its handlers for a learner."""
    name, usage_id = load_scenario(interview(back=True))

    def call(handler, body=None, student="student_1", status=200):
        answer = workbench.call(usage_id, handler, {} if body is None else body, student=student)
        assert answer[0] == status, answer
        return answer[1]

    call.name, call.usage_id = name, usage_id
    return call



def leaks(text):
    return [secret for secret in SECRETS if secret in text]


def test_the_learner_sees_shown_variables_the_dialogue_and_nothing_unearned(workbench, case):
    state = case("get_state")
    assert state["variables"] == [{"id": "trust", "label": "Her trust in you", "type": "number", "value": 0,
                                   "min": 0, "max": 3}]
    assert state["step"]["lines"] == [{"speaker": "You", "portrait": None, "body": "<p>Good evening.</p>"}]
    assert state["step"]["hint"] == {"cost": 1, "revealed": False, "body": None}
    assert sorted(c["id"] for c in state["step"]["choices"]) == ["alone", "papers", "wave"]
    assert not leaks(json.dumps(state)) and not leaks(block_html(workbench.page(case.name)))
    after = case("choose", {"step": "meet", "choice": "papers"})
    assert after["variables"][0]["value"] == 0 and not leaks(json.dumps(after))


def test_variants_and_lines_follow_the_state_the_learners_choices_built(case, clock):
    state = case("choose", {"step": "meet", "choice": "alone"})
    assert state["variables"][0]["value"] == 2
    case("start_timer", {"step": "talk"})
    step = case("get_state")["step"]
    assert "She starts to talk" in step["body"]
    assert step["lines"] == [{"speaker": "Dana, the traveller", "portrait": "/static/dana.svg",
                              "body": "<p>SECRET-LINE He keeps my passport.</p>"}]
    assert step["media"] == {"type": "audio", "src": "/static/room.mp3", "captions": "", "captions_lang": "",
                             "transcript": "<p>Footsteps.</p>"}
    assert {c["id"] for c in step["choices"]} == {"refer", "release"}


def test_a_choice_whose_condition_does_not_hold_is_refused_like_one_that_does_not_exist(case, clock):
    case("choose", {"step": "meet", "choice": "papers"})
    case("start_timer", {"step": "talk"})
    assert [c["id"] for c in case("get_state")["step"]["choices"]] == ["release"]
    refused = case("choose", {"step": "talk", "choice": "refer"}, status=400)
    assert refused["error"] == "unknown_choice"
    assert case("choose", {"step": "talk", "choice": "hesitate"}, status=400)["error"] == "unknown_choice"


def test_a_timed_step_offers_its_choices_only_once_its_clock_runs(case, clock, published):
    state = case("choose", {"step": "meet", "choice": "alone"})
    assert state["step"]["timer"] == {"limit": 60.0, "started": False, "remaining": None}
    assert state["step"]["choices"] == [] and state["timing"] == "standard"
    assert case("choose", {"step": "talk", "choice": "refer"}, status=400)["error"] == "clock_not_started"
    started = case("start_timer", {"step": "talk"})
    assert started["step"]["timer"] == {"limit": 60.0, "started": True, "remaining": 60.0}
    clock["value"] += 20
    assert case("start_timer", {"step": "talk"})["step"]["timer"]["remaining"] == 40.0  # started once
    assert [kind for kind, _ in published].count("rtcm.scenario.timer_started") == 1
    done = case("choose", {"step": "talk", "choice": "refer"})
    assert done["ending"]["id"] == "referred" and not done["path"][-1]["timed_out"]


def test_a_choice_after_the_limit_takes_the_timeout_choice(case, clock, published):
    case("choose", {"step": "meet", "choice": "alone"})
    case("start_timer", {"step": "talk"})
    clock["value"] += 61  # within the grace for a click on its way
    assert case("get_state")["step"]["timer"]["remaining"] == 0.0
    clock["value"] += 2
    state = case("choose", {"step": "talk", "choice": "refer"})
    assert state["ending"]["id"] == "waved" and state["path"][-1] == {
        "step": "talk", "choice": "hesitate", "label": "You took too long",
        "feedback": "<p>SECRET-TIMEOUT The man takes her away.</p>", "timed_out": True}
    made = [data for kind, data in published if kind == "rtcm.scenario.choice_made"]
    assert made[-1]["timed_out"] is True and made[-1]["choice"] == "hesitate"


def test_time_up_before_the_limit_says_how_long_is_left_and_changes_nothing(case, clock):
    case("choose", {"step": "meet", "choice": "alone"})
    case("start_timer", {"step": "talk"})
    clock["value"] += 50.5
    refused = case("time_up", {"step": "talk"}, status=400)
    assert refused["error"] == "time_left" and "10 seconds" in refused["message"]
    assert not case("get_state")["finished"]
    clock["value"] += 10
    assert case("time_up", {"step": "talk"})["path"][-1]["timed_out"] is True


def test_the_learners_timing_accommodation_extends_or_removes_the_limit(case, clock, published):
    case("choose", {"step": "meet", "choice": "alone"})
    extended = case("set_timing", {"timing": "extended"})
    assert extended["timing"] == "extended" and extended["step"]["timer"]["limit"] == 600.0
    untimed = case("set_timing", {"timing": "untimed"})
    assert untimed["step"]["timer"] == {"limit": None, "started": False, "remaining": None}
    assert {c["id"] for c in untimed["step"]["choices"]} == {"refer", "release"}
    clock["value"] += 100000
    assert case("choose", {"step": "talk", "choice": "refer"})["ending"]["id"] == "referred"
    assert ("rtcm.scenario.timing_changed", {"timing": "untimed"}) in published
    case("set_timing", {"timing": "untimed"})
    assert [kind for kind, _ in published].count("rtcm.scenario.timing_changed") == 2  # extended, untimed: once each
    assert case("set_timing", {"timing": "fast"}, status=400)["error"] == "invalid_timing"
    assert case("restart")["timing"] == "untimed"  # kept for the learner's next attempts


def test_a_timing_change_applies_to_a_running_clock(case, clock):
    case("choose", {"step": "meet", "choice": "alone"})
    case("start_timer", {"step": "talk"})
    clock["value"] += 59
    assert case("set_timing", {"timing": "extended"})["step"]["timer"]["remaining"] == 541.0


def test_a_hint_is_revealed_recorded_and_costs_its_points(case, published):
    state = case("hint", {"step": "meet"})
    assert state["step"]["hint"] == {"cost": 1, "revealed": True, "body": "<p>Who answers for her?</p>"}
    assert case("hint", {"step": "meet"})["step"]["hint"]["revealed"]
    assert [kind for kind, _ in published].count("rtcm.scenario.hint_shown") == 1
    assert case("get_state")["step"]["hint"]["body"] == "<p>Who answers for her?</p>"
    case("choose", {"step": "meet", "choice": "alone"})
    case("set_timing", {"timing": "untimed"})
    assert case("choose", {"step": "talk", "choice": "refer"})["score"] == pytest.approx(0.8)
    assert case("hint", {"step": "talk"}, status=409)["error"] == "conflict"


def test_going_back_makes_a_practice_attempt_that_is_not_graded(case, published):
    state = case("choose", {"step": "meet", "choice": "papers"})
    assert state["can_go_back"] and not state["practice"]
    back = case("back", {"step": "talk"})
    assert back["step"]["id"] == "meet" and back["practice"] and back["path"] == [] and not back["can_go_back"]
    assert back["variables"][0]["value"] == 0
    case("choose", {"step": "meet", "choice": "alone"})
    case("set_timing", {"timing": "untimed"})
    done = case("choose", {"step": "talk", "choice": "refer"})
    assert done["practice"] and done["score"] == 1.0
    kinds = [kind for kind, _ in published]
    assert "grade" not in kinds and "completion" in kinds and "rtcm.scenario.went_back" in kinds
    assert kinds.count("rtcm.scenario.started") == 1  # choosing again at the start is not a new start
    assert case("back", {"step": "talk"}, status=409)["error"] == "conflict"


def test_going_back_is_refused_where_the_author_did_not_allow_it(workbench):
    _name, usage_id = load_scenario(interview(back=False))
    workbench.call(usage_id, "choose", {"step": "meet", "choice": "papers"})
    status, answer = workbench.call(usage_id, "back", {"step": "talk"})
    assert (status, answer["error"]) == (400, "cannot_go_back")
    assert workbench.call(usage_id, "get_state", {})[1]["can_go_back"] is False


def test_choices_are_shuffled_per_learner_stable_across_reloads_and_drawn_again_per_attempt(case):
    orders = {}
    for learner in range(12):
        student = f"learner{learner}"
        first = [c["id"] for c in case("get_state", student=student)["step"]["choices"]]
        assert first == [c["id"] for c in case("get_state", student=student)["step"]["choices"]]
        orders[student] = first
    assert len({tuple(order) for order in orders.values()}) > 1
    redrawn = set()
    for _attempt in range(6):
        case("choose", {"step": "meet", "choice": "wave"}, student="learner0")
        redrawn.add(tuple(c["id"] for c in case("restart", student="learner0")["step"]["choices"]))
    assert len(redrawn) > 1


def test_a_step_with_a_pinned_order_keeps_the_authors_order(workbench):
    _name, usage_id = load_scenario(interview().replace('<step id="meet" title="At the counter">',
                                                        '<step id="meet" title="At the counter" fixed_order="true">'))
    for learner in range(8):
        state = workbench.call(usage_id, "get_state", {}, student=f"pinned{learner}")[1]
        assert [c["id"] for c in state["step"]["choices"]] == ["alone", "papers", "wave"]


def test_the_debrief_gives_the_result_per_competency_and_the_course_keeps_it(case, published):
    case("set_timing", {"timing": "untimed"})
    case("choose", {"step": "meet", "choice": "papers"})
    done = case("choose", {"step": "talk", "choice": "release"})
    assert [(c["id"], c["earned"], c["best"], c["score"]) for c in done["competencies"]] == [
        ("trafficking.indicators", -1, 2, 0.0), ("trafficking.referral", 0, 3, 0.0)]
    assert done["competencies"][0]["title"].startswith("I can")
    completed = [data for kind, data in published if kind == "rtcm.scenario.completed"][-1]
    assert completed["competencies"] == {"trafficking.indicators": -1, "trafficking.referral": 0}
    course = course_scope(WorkbenchRuntime("student_1").get_block(case.usage_id).scope_ids.usage_id)
    kept = competencies.learner_results(course, "student_1")
    assert kept["trafficking.referral"]["best"] == 3 and kept["trafficking.referral"]["earned"] == 0


def test_a_practice_attempt_leaves_the_recorded_competency_results_alone(case):
    case("set_timing", {"timing": "untimed"})
    case("choose", {"step": "meet", "choice": "alone"})
    case("choose", {"step": "talk", "choice": "refer"})
    case("restart")
    case("choose", {"step": "meet", "choice": "papers"})
    case("back", {"step": "talk"})
    case("choose", {"step": "meet", "choice": "wave"})
    course = course_scope(WorkbenchRuntime("student_1").get_block(case.usage_id).scope_ids.usage_id)
    assert competencies.learner_results(course, "student_1")["trafficking.referral"]["earned"] == 3


@pytest.mark.parametrize("handler, body", [
    ("hint", {}), ("hint", {"step": 3}), ("hint", {"step": "meet", "extra": 1}), ("start_timer", {"step": None}),
    ("time_up", {"step": ["talk"]}), ("back", {}), ("set_timing", {"timing": 10}), ("set_timing", {}),
])
def test_malformed_bodies_are_refused_and_change_nothing(case, handler, body):
    before = case("get_state")
    answer = case(handler, body, status=400)
    assert answer["error"] == "invalid_body" and answer["message"]
    assert case("get_state") == before


def test_new_handlers_on_a_step_that_is_not_current_are_refused(case):
    assert case("hint", {"step": "talk"}, status=400)["error"] == "not_current_step"
    assert case("start_timer", {"step": "meet"}, status=400)["error"] == "not_timed"
    assert case("time_up", {"step": "meet"}, status=400)["error"] == "not_timed"
    assert case("back", {"step": "meet"}, status=400)["error"] == "cannot_go_back"


# --- many tabs at once --------------------------------------------------------------------------------


def test_parallel_tabs_going_back_undo_exactly_one_move(shared_database):
    loaded = {}
    shared_database(lambda: loaded.update(usage_id=load_scenario(interview(back=True), name="parallel-back")[1]))
    usage_id = loaded["usage_id"]
    key = block_key(usage_id, "rtcm_scenario")
    for trial in range(10):
        learner = f"back{trial}"
        shared_database(lambda learner=learner: Workbench().call(usage_id, "choose", {"step": "meet", "choice": "papers"},
                                                                 student=learner))
        answers = []
        assert not run_together([lambda learner=learner, answers=answers: answers.append(
            Workbench().call(usage_id, "back", {"step": "talk"}, student=learner)) for _ in range(6)])
        assert sorted(status for status, _ in answers)[0] == 200
        assert [status for status, _ in answers].count(200) == 1, answers
        found = {}
        shared_database(lambda learner=learner: found.update(state=storage.load(key, learner)))
        attempt = found["state"]["attempts"][-1]
        assert attempt["path"] == [] and attempt["current"] == "meet" and attempt["practice"]


def test_parallel_hints_cost_once(shared_database):
    loaded = {}
    shared_database(lambda: loaded.update(usage_id=load_scenario(interview(), name="parallel-hints")[1]))
    usage_id = loaded["usage_id"]
    key = block_key(usage_id, "rtcm_scenario")
    for trial in range(10):
        learner = f"hint{trial}"
        shared_database(lambda learner=learner: Workbench().call(usage_id, "get_state", {}, student=learner))
        steps = ["meet"] * 4 + ["talk"] * 2
        random.Random(trial).shuffle(steps)
        answers = []
        assert not run_together([lambda step=step, learner=learner, answers=answers: answers.append(
            (step, Workbench().call(usage_id, "hint", {"step": step}, student=learner))) for step in steps])
        found = {}
        shared_database(lambda learner=learner: found.update(state=storage.load(key, learner)))
        assert found["state"]["attempts"][-1]["hints"] == ["meet"]
        assert sorted((step, status) for step, (status, _answer) in answers) == [("meet", 200)] * 4 + [("talk", 400)] * 2
