"""The scenario block's JSON handlers over real HTTP in the workbench: the contract of PRODUCT.md."""
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.scenario import storage
from tests.scenario.cases import case, unearned
from tests.workbench import block_html, get_block, load_scenario

STATE_KEYS = {"attempt", "attempts_left", "step", "last_feedback", "finished", "ending", "score", "path",
              "expert_path", "reflection", "notice", "variables", "practice", "can_go_back", "timing", "competencies"}



@pytest.fixture
def played(workbench):
    """A loaded test case and a helper playing a list of (step, choice) moves for a learner."""
    name, usage_id = load_scenario(case())

    def play(*moves, student="student_1"):
        result = None
        for step, choice in moves:
            result = workbench.call(usage_id, "choose", {"step": step, "choice": choice}, student=student)
            assert result[0] == 200, result
        return result[1] if result else None

    play.name, play.usage_id = name, usage_id
    return play


def stored(usage_id, student="student_1"):
    """The learner's stored state, read back from the workbench database."""
    return get_block(usage_id, student).user_state



def assert_hides(text, hidden):
    leaked = [item for item in hidden if item in text]
    assert not leaked, f"unearned content sent to the learner: {leaked}"


def keys_in(value):
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(keys_in(item) for item in value))
    return set()


def test_get_state_before_acting_is_the_start_step_with_choice_ids_and_labels_only(workbench, played):
    status, state = workbench.call(played.usage_id, "get_state", {})
    assert status == 200
    assert set(state) == STATE_KEYS
    assert state["attempt"] == 1 and state["attempts_left"] == 1 and not state["finished"]
    assert state["step"] == {"id": "zq_start", "title": "Title zq_start", "body": "<p>Body zq_start</p>", "image": None,
                             "media": None, "lines": [], "hint": None, "timer": None,
                             "choices": [{"id": "zq_good", "label": "Label zq_good"},
                                         {"id": "zq_bad", "label": "Label zq_bad"}]}
    assert (state["variables"], state["practice"], state["can_go_back"], state["timing"], state["competencies"]) == (
        [], False, False, None, None)
    assert (state["last_feedback"], state["ending"], state["score"], state["path"], state["expert_path"]) == (
        None, None, None, [], None)


def test_choose_answers_the_feedback_of_that_choice_and_the_next_step(played):
    state = played(("zq_start", "zq_good"))
    assert state["last_feedback"] == "<p>Feedback zq_good</p>"
    assert state["path"] == [{"step": "zq_start", "choice": "zq_good", "label": "Label zq_good",
                              "feedback": "<p>Feedback zq_good</p>", "timed_out": False}]
    assert state["step"]["id"] == "zq_mid" and not state["finished"]


def test_reaching_an_ending_gives_the_debrief_with_ending_score_and_path(played):
    state = played(("zq_start", "zq_good"), ("zq_mid", "zq_side"), ("zq_loop", "zq_back"), ("zq_mid", "zq_finish"))
    assert state["finished"] and state["step"] is None
    assert state["ending"] == {"id": "zq_end_good", "title": "Title zq_end_good", "body": "<p>Body zq_end_good</p>",
                               "outcome": "good"}
    assert state["score"] == 1.0
    assert [entry["choice"] for entry in state["path"]] == ["zq_good", "zq_side", "zq_back", "zq_finish"]
    assert state["expert_path"] is None


def test_expert_path_is_revealed_only_after_finishing_when_enabled(workbench):
    _name, usage_id = load_scenario(case(expert=True))
    _status, state = workbench.call(usage_id, "get_state", {})
    assert state["expert_path"] is None
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    assert state["expert_path"] == [{"step": "zq_start", "choice": "zq_good", "label": "Label zq_good"},
                                    {"step": "zq_mid", "choice": "zq_finish", "label": "Label zq_finish"}]


def test_page_and_every_response_carry_only_what_the_learner_has_earned(workbench):
    name, usage_id = load_scenario(case(expert=True))
    moves = [("zq_start", "zq_good"), ("zq_mid", "zq_side"), ("zq_loop", "zq_back"), ("zq_mid", "zq_finish")]
    assert_hides(block_html(workbench.page(name)), unearned([], "zq_start"))
    _status, state = workbench.call(usage_id, "get_state", {})
    assert_hides(json.dumps(state), unearned([], "zq_start"))
    taken = []
    for step, choice in moves:
        _status, state = workbench.call(usage_id, "choose", {"step": step, "choice": choice})
        taken.append(choice)
        current = state["ending"]["id"] if state["finished"] else state["step"]["id"]
        revealed = state["finished"]
        for text in (json.dumps(state), block_html(workbench.page(name))):
            assert_hides(text, unearned(taken, current, expert_revealed=revealed))
        assert not keys_in(state) & {"to", "points", "expert"}
        # the page's scripts are code, not data: the learner page's messages may speak of points (a hint's cost)
        assert not re.search(r"\bpoints\b", re.sub(r"<script.*?</script>", "", block_html(workbench.page(name)), flags=re.S))


def test_a_refused_choice_on_the_bad_branch_never_reveals_the_other_branch(workbench, played):
    played(("zq_start", "zq_bad"))
    status, error = workbench.call(played.usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    assert (status, error["error"]) == (409, "conflict")
    assert error["state"] == workbench.call(played.usage_id, "get_state", {})[1], "only what get_state shows"
    assert_hides(json.dumps(error), ["Title zq_mid", "Feedback zq_finish", "zq_end_good"])


def test_a_step_never_reached_is_a_400_that_reveals_nothing(workbench, played):
    status, error = workbench.call(played.usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    assert (status, error["error"]) == (400, "not_current_step") and set(error) == {"error", "message"}
    assert_hides(json.dumps(error), ["Title zq_mid", "Label zq_finish", "Feedback zq_finish", "zq_end_good"])


BAD_CHOOSE_BODIES = [
    pytest.param(None, b"{not json", id="malformed-json"),
    pytest.param(None, b"[1, 2]", id="json-list"),
    pytest.param(None, b"\xff\xfe", id="not-utf8"),
    pytest.param({"step": "zq_start", "choice": 0}, None, id="choice-number"),
    pytest.param({"step": "zq_start", "choice": ["zq_good"]}, None, id="choice-list"),
    pytest.param({"step": "zq_start", "choice": None}, None, id="choice-null"),
    pytest.param({"step": 1, "choice": "zq_good"}, None, id="step-number"),
    pytest.param({"step": "zq_start"}, None, id="missing-choice"),
    pytest.param({"step": "zq_start", "choice": "zq_good", "extra": 1}, None, id="extra-key"),
    pytest.param({}, None, id="empty"),
    pytest.param({"step": "zq_mid", "choice": "zq_finish"}, None, id="skipping-ahead"),
    pytest.param({"step": "zq_start", "choice": "zq_finish"}, None, id="choice-of-another-step"),
    pytest.param({"step": "zq_start", "choice": "nonexistent"}, None, id="unknown-choice"),
    pytest.param({"step": "nonexistent", "choice": "zq_good"}, None, id="unknown-step"),
]


@pytest.mark.parametrize("body,raw", BAD_CHOOSE_BODIES)
def test_a_bad_choose_request_is_a_400_with_error_and_message_and_changes_nothing(workbench, played, published,
                                                                                  body, raw):
    before = stored(played.usage_id)
    events = len(published)
    status, error = workbench.call(played.usage_id, "choose", body, raw=raw)
    assert status == 400
    assert set(error) == {"error", "message"} and error["message"]
    assert stored(played.usage_id) == before
    assert len(published) == events


def test_the_step_already_left_cannot_be_chosen_again_a_409_brings_the_current_state(workbench, played, published):
    played(("zq_start", "zq_good"))
    before, events = stored(played.usage_id), len(published)
    status, error = workbench.call(played.usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    assert (status, error["error"]) == (409, "conflict") and error["message"]
    assert error["state"]["step"]["id"] == "zq_mid" and error["state"] == workbench.call(played.usage_id, "get_state")[1]
    assert stored(played.usage_id) == before and len(published) == events


def test_a_finished_attempt_cannot_be_replayed(workbench, played, published):
    played(("zq_start", "zq_bad"))
    before, events = stored(played.usage_id), len(published)
    status, error = workbench.call(played.usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    assert (status, error["error"]) == (409, "conflict") and error["state"]["finished"]
    assert stored(played.usage_id) == before and len(published) == events


def test_a_restart_from_a_tab_left_behind_is_a_409_and_starts_nothing(workbench, played):
    played(("zq_start", "zq_bad"))
    assert workbench.call(played.usage_id, "restart", {})[0] == 200
    status, error = workbench.call(played.usage_id, "restart", {})
    assert (status, error["error"], error["state"]["attempt"]) == (409, "conflict", 2)
    assert [a["number"] for a in stored(played.usage_id)["attempts"]] == [1, 2]


def test_handlers_refuse_get_requests(workbench, played):
    status, error = workbench.call(played.usage_id, "get_state", method="get")
    assert status == 405 and error["error"] == "method_not_allowed"


@pytest.mark.parametrize("handler", ["get_state", "restart"])
def test_handlers_without_parameters_refuse_any_key(workbench, played, handler):
    played(("zq_start", "zq_bad"))
    before = stored(played.usage_id)
    status, error = workbench.call(played.usage_id, handler, {"force": True})
    assert (status, error["error"]) == (400, "invalid_body")
    assert stored(played.usage_id) == before


def test_restart_before_finishing_is_refused(workbench, played):
    played(("zq_start", "zq_good"))
    before = stored(played.usage_id)
    status, error = workbench.call(played.usage_id, "restart", {})
    assert (status, error["error"]) == (400, "not_finished")
    assert stored(played.usage_id) == before


def test_restart_gives_a_fresh_attempt_until_none_remain(workbench, played):
    played(("zq_start", "zq_bad"))
    status, state = workbench.call(played.usage_id, "restart", {})
    assert status == 200
    assert (state["attempt"], state["attempts_left"], state["step"]["id"], state["path"]) == (2, 0, "zq_start", [])
    assert (state["last_feedback"], state["finished"], state["score"], state["reflection"]) == (None, False, None, "")
    played(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    before = stored(played.usage_id)
    status, error = workbench.call(played.usage_id, "restart", {})
    assert (status, error["error"]) == (400, "no_attempts_left")
    assert stored(played.usage_id) == before


def test_unlimited_attempts_report_no_count_and_always_allow_a_restart(workbench):
    _name, usage_id = load_scenario(case(max_attempts=0))
    for number in range(1, 4):
        _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
        assert state["attempts_left"] is None and state["attempt"] == number
        status, _state = workbench.call(usage_id, "restart", {})
        assert status == 200


def test_reflection_is_stored_on_the_finished_attempt_as_plain_text(workbench, played, published):
    played(("zq_start", "zq_bad"))
    status, state = workbench.call(played.usage_id, "reflect", {"text": "  I would <b>separate</b> them.  "})
    assert status == 200 and state["reflection"] == "I would <b>separate</b> them."
    assert published[-1] == ("rtcm.scenario.reflected", {"attempt": 1, "length": 29})
    _status, state = workbench.call(played.usage_id, "get_state", {})
    assert state["reflection"] == "I would <b>separate</b> them."


@pytest.mark.parametrize("body", [
    pytest.param({"text": ""}, id="empty"),
    pytest.param({"text": "   \n "}, id="blank"),
    pytest.param({"text": "\u200b\u200c\u200d\u2060\ufeff"}, id="zero-width-only"),
    pytest.param({"text": "\x00\x00 \x07"}, id="nul-and-controls-only"),
    pytest.param({"text": "\u2800 \u3164 \u00a0\u200b"}, id="blank-looking-letters"),
    pytest.param({"text": "x" * 5001}, id="too-long"),
    pytest.param({"text": 5}, id="number"),
    pytest.param({"text": ["a"]}, id="list"),
    pytest.param({"text": None}, id="null"),
    pytest.param({}, id="missing"),
    pytest.param({"text": "ok", "attempt": 1}, id="extra-key"),
])
def test_a_bad_reflection_is_a_400_and_changes_nothing(workbench, played, body):
    played(("zq_start", "zq_bad"))
    before = stored(played.usage_id)
    status, error = workbench.call(played.usage_id, "reflect", body)
    assert status == 400 and set(error) == {"error", "message"}
    assert stored(played.usage_id) == before


def test_a_reflection_of_exactly_the_limit_is_accepted(workbench, played):
    played(("zq_start", "zq_bad"))
    status, state = workbench.call(played.usage_id, "reflect", {"text": "x" * 5000})
    assert status == 200 and len(state["reflection"]) == 5000


def test_reflecting_before_finishing_is_refused(workbench, played):
    played(("zq_start", "zq_good"))
    before = stored(played.usage_id)
    status, error = workbench.call(played.usage_id, "reflect", {"text": "Too early"})
    assert (status, error["error"]) == (400, "not_finished")
    assert stored(played.usage_id) == before


def test_learners_have_separate_state(workbench, played):
    played(("zq_start", "zq_bad"), student="alice")
    _status, state = workbench.call(played.usage_id, "get_state", {}, student="bob")
    assert state["step"]["id"] == "zq_start" and not state["finished"]


def test_finishing_publishes_grade_completion_and_events(played, published):
    played(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    assert published == [
        ("rtcm.scenario.started", {"attempt": 1}),
        ("rtcm.scenario.choice_made", {"attempt": 1, "step": "zq_start", "choice": "zq_good", "points": 2,
                                       "timed_out": False}),
        ("rtcm.scenario.choice_made", {"attempt": 1, "step": "zq_mid", "choice": "zq_finish", "points": 1,
                                       "timed_out": False}),
        ("rtcm.scenario.completed", {"attempt": 1, "ending": "zq_end_good", "score": 1.0, "practice": False,
                                     "competencies": {}}),
        ("grade", {"value": 1.0, "max_value": 1.0}),
        ("completion", {"completion": 1.0}),
    ]


def test_restart_publishes_restarted_and_the_next_first_choice_started(workbench, played, published):
    played(("zq_start", "zq_bad"))
    workbench.call(played.usage_id, "restart", {})
    played(("zq_start", "zq_good"))
    kinds = [kind for kind, _data in published]
    assert kinds[-3:] == ["rtcm.scenario.restarted", "rtcm.scenario.started", "rtcm.scenario.choice_made"]
    assert published[-3][1] == {"attempt": 2}


def grades(published):
    return [data["value"] for kind, data in published if kind == "grade"]


def test_best_grading_never_publishes_lower_than_the_best_so_far(workbench, played, published):
    played(("zq_start", "zq_good"), ("zq_mid", "zq_finish"))
    workbench.call(played.usage_id, "restart", {})
    played(("zq_start", "zq_bad"))
    assert grades(published) == [1.0, 1.0]


@pytest.mark.parametrize("grading,expected", [("last", [1.0, 0.0]), ("first", [0.0, 0.0])])
def test_last_and_first_grading_publish_that_attempt(workbench, published, grading, expected):
    _name, usage_id = load_scenario(case(grading=grading))
    moves = [[("zq_start", "zq_good"), ("zq_mid", "zq_finish")], [("zq_start", "zq_bad")]]
    if grading == "first":
        moves.reverse()
    for number, attempt in enumerate(moves):
        if number:
            workbench.call(usage_id, "restart", {})
        for step, choice in attempt:
            workbench.call(usage_id, "choose", {"step": step, "choice": choice})
    assert grades(published) == expected


def test_path_scoring_is_points_taken_over_the_best_attainable_total(workbench, published):
    _name, usage_id = load_scenario(case(max_attempts=0))
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    assert state["score"] == 0.0
    workbench.call(usage_id, "restart", {})
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_side"})
    workbench.call(usage_id, "choose", {"step": "zq_loop", "choice": "zq_back"})
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    assert state["score"] == 1.0


def test_ending_scoring_uses_the_points_of_the_ending(workbench):
    _name, usage_id = load_scenario(case(scoring="ending"))
    workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_good"})
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"})
    assert state["score"] == 1.0


def test_no_scoring_publishes_no_grade_but_still_completion(workbench, published):
    _name, usage_id = load_scenario(case(scoring="none"))
    _status, state = workbench.call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"})
    assert state["score"] is None
    kinds = [kind for kind, _data in published]
    assert "grade" not in kinds and "completion" in kinds


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["zq_start", "zq_good", "zq_mid", "zq_finish", "zq_end_good"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
BODIES = st.dictionaries(st.sampled_from(["step", "choice", "text", "extra"]), JSON_VALUES, max_size=3) | JSON_VALUES


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(handler=st.sampled_from(["get_state", "choose", "restart", "reflect"]), body=BODIES)
def test_no_request_body_ever_causes_a_server_error(workbench, played, handler, body):
    status, answer = workbench.call(played.usage_id, handler, raw=json.dumps(body).encode("utf-8"))
    assert status in (200, 400, 409), (status, answer)
    if status == 400:
        assert set(answer) == {"error", "message"}
    if status == 409:
        assert set(answer) == {"error", "message", "state"} and answer["error"] == "conflict"


def queries(workbench, usage_id, handler, body):
    with CaptureQueriesContext(connection) as captured:
        status, _answer = workbench.call(usage_id, handler, body)
    assert status == 200
    return len(captured.captured_queries)


def test_each_request_reads_few_fields_from_the_workbench_database(workbench, played):
    """The workbench runs an SQL query or two per field touched: a request touches the learner state once.

    A choice that does not end the attempt reads the case, the learner state and max_attempts (for
    attempts_left) and writes the state; the scoring, grading and expert-path settings wait for the ending.
    An ending stores the attempt's competency results (scenario.competencies);
    a case without competency points just deletes any an earlier version of it recorded (a DELETE in a
    savepoint).
    The learner state is the row of our table: a read is one SELECT, a move a SELECT and a
    compare-and-set UPDATE (an INSERT, here in a savepoint inside the test's transaction, for the
    first move, which also looks at the old user_state field); the runtime then writes the mirrored
    fields (user_state, and attempts under a maximum).
    """
    assert queries(workbench, played.usage_id, "get_state", {}) <= 9
    assert queries(workbench, played.usage_id, "choose", {"step": "zq_start", "choice": "zq_good"}) <= 14
    assert queries(workbench, played.usage_id, "choose", {"step": "zq_mid", "choice": "zq_finish"}) <= 19
    assert queries(workbench, played.usage_id, "reflect", {"text": "Noted."}) <= 12
    assert queries(workbench, played.usage_id, "get_state", {}) <= 9


def test_looking_at_the_exercise_stores_nothing_and_the_first_choice_starts_the_attempt(workbench, played,
                                                                                       published):
    workbench.page(played.name)
    workbench.call(played.usage_id, "get_state", {})
    block = get_block(played.usage_id)
    assert not block.fields["user_state"].is_set_on(block) and published == []
    played(("zq_start", "zq_good"))
    assert stored(played.usage_id)["attempts"][0]["path"] == [["zq_start", "zq_good"]]
    assert published[0] == ("rtcm.scenario.started", {"attempt": 1})


def test_a_learner_whose_state_is_only_in_the_field_is_carried_over_on_the_first_move(workbench, played):
    """Installed before the table existed: the attempts live in the user_state field only."""
    block = get_block(played.usage_id)
    block.user_state = {"attempts": [{"number": 1, "path": [["zq_start", "zq_bad"]], "current": "zq_end_bad",
                                      "finished": True, "score": 0.0, "reflection": "Before the upgrade"}]}
    block.save()
    state = workbench.call(played.usage_id, "get_state")[1]
    assert (state["attempt"], state["finished"], state["reflection"]) == (1, True, "Before the upgrade")
    status, state = workbench.call(played.usage_id, "restart", {})
    assert (status, state["attempt"], state["attempts_left"]) == (200, 2, 0)
    row = storage.load(block_key(played.usage_id, "rtcm_scenario"), "student_1")
    assert [a["number"] for a in row["attempts"]] == [1, 2] and row["attempts"][0]["reflection"] == "Before the upgrade"


def test_the_learner_sees_the_stored_row_and_the_field_only_mirrors_it(workbench, played):
    played(("zq_start", "zq_good"))
    block = get_block(played.usage_id)
    block.user_state = {"attempts": []}  # a stale mirror, as a parallel request's late field write could leave
    block.save()
    assert workbench.call(played.usage_id, "get_state")[1]["step"]["id"] == "zq_mid"
    assert "zq_mid" in workbench.page(played.name)
    played(("zq_mid", "zq_finish"))
    assert stored(played.usage_id)["attempts"][0]["finished"], "the next move writes the mirror again"


def test_a_zero_point_loop_stops_at_the_move_limit_with_a_clear_400_and_bounded_state(workbench, played):
    from rtcm_xblocks.scenario.graph import MOVES_FLOOR  # pylint: disable=import-outside-toplevel
    played(("zq_start", "zq_good"))
    moves = 1
    answer = None
    while moves < MOVES_FLOOR:
        step, choice = ("zq_mid", "zq_side") if moves % 2 else ("zq_loop", "zq_back")
        status, answer = workbench.call(played.usage_id, "choose", {"step": step, "choice": choice})
        assert status == 200
        moves += 1
    answer_size = len(json.dumps(answer))
    status, refused = workbench.call(played.usage_id, "choose", {"step": "zq_loop", "choice": "zq_back"})
    assert status == 400 and refused["error"] == "too_many_moves"
    assert str(MOVES_FLOOR) in refused["message"]
    state = stored(played.usage_id)
    assert len(state["attempts"][-1]["path"]) == MOVES_FLOOR
    assert len(json.dumps(state)) < 20_000 and answer_size < 60_000
    status, current = workbench.call(played.usage_id, "get_state")
    assert status == 200 and current["step"]["id"] == "zq_loop" and not current["finished"]


def test_control_characters_are_removed_from_a_reflection_and_zero_width_joiners_inside_kept(workbench, played):
    played(("zq_start", "zq_bad"))
    status, state = workbench.call(played.usage_id, "reflect", {"text": " \u200bNext\x00 time\x1b: ask\u200c\u200d. "})
    assert status == 200
    assert state["reflection"] == "\u200bNext time: ask\u200c\u200d."
