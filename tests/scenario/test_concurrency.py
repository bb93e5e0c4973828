"""A learner's moves are serialised: parallel moves from many tabs, real threads, a real database.

Each trial releases several threads at once, all acting for the same learner (two tabs, a double
click on a slow link, a script). The invariants: at one step exactly one move succeeds and every
other gets a 409 carrying the state the winner stored; every successful answer is a prefix of what
is stored in the end; an answer showing an ending (and the expert path) means the stored attempt
has that ending; a grade and a completion are published once per finished attempt. The database is
a SQLite file and, when given a server, PostgreSQL (tests/concurrency.py).
"""
import json
import random
import threading
from collections import Counter

import pytest
from workbench.runtime import WorkbenchRuntime

from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.scenario import analytics, storage
from rtcm_xblocks.scenario.models import AnalyticsCount, LearnerState
from tests.concurrency import run_together, shared_database  # noqa: F401  pylint: disable=unused-import
from tests.scenario.cases import STEPS, case
from tests.workbench import Workbench, load_scenario

THREADS = 8
TRIALS = 12


@pytest.fixture
def events(monkeypatch):
    """Every event published, from any thread, as (learner, event type, data)."""
    found = []
    lock = threading.Lock()

    def publish(runtime, block, kind, data):  # pylint: disable=unused-argument
        with lock:
            found.append((block.scope_ids.user_id, kind, data))
    monkeypatch.setattr(WorkbenchRuntime, "publish", publish)
    return found


@pytest.fixture
def scenario(shared_database):  # pylint: disable=redefined-outer-name
    """A scenario loaded into the shared database: (usage id, storage key, in_thread)."""
    loaded = {}
    shared_database(lambda: loaded.update(usage_id=load_scenario(case(expert=True, max_attempts=0),
                                                                   name="concurrent-moves")[1]))
    usage_id = loaded["usage_id"]
    return usage_id, block_key(usage_id, "rtcm_scenario"), shared_database


def first_visit(in_thread, usage_id, learner):
    """The learner opens the exercise once before the tabs race.

    The SDK workbench's field store creates a learner's field row on first read without a unique
    constraint, so racing first reads would leave duplicates it then cannot read (the LMS's
    StudentModule has that constraint); our own table is not involved.
    """
    in_thread(lambda: Workbench().call(usage_id, "get_state", {}, student=learner))


def stored_path(in_thread, key, learner):
    found = {}
    in_thread(lambda: found.update(state=storage.load(key, learner)))
    attempts = found["state"]["attempts"]
    return attempts, [tuple(pair) for pair in attempts[-1]["path"]]


def test_parallel_choices_at_one_step_exactly_one_wins_the_others_get_409_with_the_stored_state(scenario, events):
    usage_id, key, in_thread = scenario
    for trial in range(TRIALS):
        learner = f"tabs{trial}"
        answers = []
        choices = ["zq_good", "zq_bad"] * (THREADS // 2)
        random.Random(trial).shuffle(choices)
        first_visit(in_thread, usage_id, learner)

        def tab(choice, learner=learner, answers=answers):
            answers.append((choice, Workbench().call(usage_id, "choose", {"step": "zq_start", "choice": choice},
                                                     student=learner)))
        assert not run_together([lambda choice=choice: tab(choice) for choice in choices])

        won = [(choice, answer) for choice, (status, answer) in answers if status == 200]
        lost = [answer for _choice, (status, answer) in answers if status != 200]
        assert len(won) == 1, [status for _c, (status, _a) in answers]
        choice, answer = won[0]
        attempts, path = stored_path(in_thread, key, learner)
        assert len(attempts) == 1 and path == [("zq_start", choice)]
        assert all(a["error"] == "conflict" and a["state"] == answer for a in lost), "409s bring the stored state"
        mine = [(kind, data) for who, kind, data in events if who == learner]
        assert [kind for kind, _data in mine].count("rtcm.scenario.choice_made") == 1
        assert [kind for kind, _data in mine].count("grade") == (1 if choice == "zq_bad" else 0)
        assert [kind for kind, _data in mine].count("completion") == (1 if choice == "zq_bad" else 0)


def test_tabs_racing_through_an_attempt_never_see_an_ending_the_stored_attempt_does_not_have(scenario, events):
    usage_id, key, in_thread = scenario
    for trial in range(TRIALS):
        learner = f"racer{trial}"
        answers = []
        first_visit(in_thread, usage_id, learner)

        def tab(seed, learner=learner, answers=answers):
            rng = random.Random(seed)
            client = Workbench()
            state = client.call(usage_id, "get_state", {}, student=learner)[1]
            for _move in range(12):
                if state["finished"]:
                    return
                step = state["step"]["id"]
                status, answer = client.call(usage_id, "choose", {"step": step, "choice": rng.choice(STEPS[step])},
                                             student=learner)
                answers.append((status, answer))
                assert status in (200, 409), (status, answer)
                state = answer if status == 200 else answer["state"]
        assert not run_together([lambda seed=seed: tab(trial * 100 + seed) for seed in range(THREADS)])

        attempts, path = stored_path(in_thread, key, learner)
        won = [answer for status, answer in answers if status == 200]
        assert len(attempts) == 1 and len(won) == len(path), "every successful move is stored, and only those"
        for answer in won:
            shown = [(entry["step"], entry["choice"]) for entry in answer["path"]]
            assert shown == path[:len(shown)], "an answer never shows a path the store does not have"
            if answer["finished"]:
                assert attempts[-1]["finished"] and answer["ending"]["id"] == attempts[-1]["current"]
                assert shown == path and answer["expert_path"]
        endings = [answer for answer in won if answer["finished"]]
        mine = [kind for who, kind, _data in events if who == learner]
        assert len(endings) == mine.count("grade") == mine.count("rtcm.scenario.completed") == int(attempts[-1]["finished"])


def test_parallel_restarts_start_exactly_one_new_attempt(scenario, events):
    usage_id, key, in_thread = scenario
    for trial in range(TRIALS):
        learner = f"restarts{trial}"
        in_thread(lambda learner=learner: Workbench().call(usage_id, "choose", {"step": "zq_start", "choice": "zq_bad"},
                                                           student=learner))
        answers = []
        assert not run_together([lambda learner=learner, answers=answers: answers.append(
            Workbench().call(usage_id, "restart", {}, student=learner)) for _ in range(THREADS)])
        statuses = sorted(status for status, _answer in answers)
        assert statuses == [200] + [409] * (THREADS - 1), statuses
        attempts, _path = stored_path(in_thread, key, learner)
        assert [attempt["number"] for attempt in attempts] == [1, 2]
        assert all(answer["state"]["attempt"] == 2 for status, answer in answers if status == 409)
        assert [kind for who, kind, _data in events if who == learner].count("rtcm.scenario.restarted") == 1


def test_parallel_moves_of_many_learners_and_tabs_lose_no_analytics_count(scenario):
    """Learners playing at once, each in two tabs: the kept counts equal a recomputation from the stored states."""
    usage_id, key, in_thread = scenario
    for trial in range(TRIALS // 3):
        learners = [f"counted{trial}-{number}" for number in range(THREADS // 2)]
        for learner in learners:
            first_visit(in_thread, usage_id, learner)

        def tab(learner, seed):
            rng = random.Random(seed)
            client = Workbench()
            state = client.call(usage_id, "get_state", {}, student=learner)[1]
            for _move in range(10):
                if state["finished"]:
                    status, answer = client.call(usage_id, "restart", {}, student=learner)
                else:
                    step = state["step"]["id"]
                    status, answer = client.call(usage_id, "choose", {"step": step, "choice": rng.choice(STEPS[step])},
                                                 student=learner)
                assert status in (200, 409), (status, answer)
                state = answer if status == 200 else answer["state"]
        assert not run_together([lambda learner=learner, tab_number=tab_number: tab(learner, hash((trial, learner, tab_number)))
                                 for learner in learners for tab_number in range(2)])

        found = {}

        def read():
            recomputed = Counter()
            for state in LearnerState.objects.filter(block_key=key).values_list("state", flat=True):
                recomputed.update(analytics.tally(state))
            found["recomputed"] = {k: v for k, v in recomputed.items() if v}
            found["kept"] = {(kind, tuple(json.loads(parts))): value for kind, parts, value in
                             AnalyticsCount.objects.filter(block_key=key).values_list("kind", "parts", "value") if value}
        in_thread(read)
        assert found["kept"] == found["recomputed"]
        assert found["kept"][("learners", ("started",))] == len(learners) * (trial + 1)
