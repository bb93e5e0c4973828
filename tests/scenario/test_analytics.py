"""Scenario analytics: each stored state's tally, the exact counts kept with every write, and the staff report."""
import importlib
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario import analytics, graph, storage
from rtcm_xblocks.scenario.models import AnalyticsCount, LearnerState
from tests.scenario.cases import ENDINGS, STEPS, TARGETS

BLOCK = "workbench/analytics"


def attempt(number, path, current, finished=False, score=None, reflection=""):
    return {"number": number, "path": [list(pair) for pair in path], "current": current, "finished": finished,
            "score": score, "reflection": reflection}


def recomputed(block=BLOCK):
    """The block's counts recomputed from every stored learner state (what the kept counts must equal)."""
    return analytics.total(LearnerState.objects.filter(block_key=block).values_list("state", flat=True))


def kept(block=BLOCK):
    """The block's counts as the table keeps them (zeros left out)."""
    counts, _paths = storage.analytics_counts(block)
    rows = AnalyticsCount.objects.filter(block_key=block, kind="path").values_list("parts", "value")
    counts.update({("path", tuple(json.loads(parts))): value for parts, value in rows})
    return {key: value for key, value in counts.items() if value}


def test_a_learner_who_has_taken_no_decision_adds_nothing():
    assert analytics.tally({}) == Counter()
    assert analytics.tally({"attempts": [attempt(1, [], "zq_start")]}) == Counter()
    assert analytics.tally({"attempts": "garbage"}) == Counter()


def test_a_learner_counts_once_per_step_choice_and_ending_however_often_they_played():
    state = {"attempts": [
        attempt(1, [("zq_start", "zq_good"), ("zq_mid", "zq_side"), ("zq_loop", "zq_back"), ("zq_mid", "zq_finish")],
                "zq_end_good", True, 0.5),
        attempt(2, [("zq_start", "zq_good"), ("zq_mid", "zq_finish")], "zq_end_good", True, 1.0, "My own words"),
        attempt(3, [("zq_start", "zq_bad")], "zq_end_bad", True, 0.0),
    ]}
    counts = analytics.tally(state)
    assert counts[("learners", ("started",))] == counts[("learners", ("finished",))] == 1
    assert counts[("reached", ("zq_mid",))] == 1 and counts[("took", ("zq_start", "zq_good"))] == 1
    assert counts[("looped", ("zq_mid",))] == 1 and ("looped", ("zq_start",)) not in counts
    assert counts[("ending", ("zq_end_good",))] == counts[("ending", ("zq_end_bad",))] == 1
    assert counts[("first", ("5",))] == 1 and counts[("best", ("9",))] == 1, "100% counts in the top tenth"
    assert counts[("score_sum", ("first",))] == 500 and counts[("score_sum", ("best",))] == 1000
    assert counts[("path", ("zq_start", "zq_good", "zq_mid", "zq_finish", "zq_end_good"))] == 1
    assert not [key for key in counts if key[0] == "stopped"], "a learner who finished once never gave up"
    assert "My own words" not in repr(counts), "reflections never reach the analytics"


def test_a_learner_who_never_finished_stopped_where_their_latest_attempt_stands():
    counts = analytics.tally({"attempts": [attempt(1, [("zq_start", "zq_good")], "zq_mid")]})
    assert counts[("stopped", ("zq_mid",))] == 1 and counts[("reached", ("zq_mid",))] == 1
    assert ("learners", ("finished",)) not in counts


def test_the_change_of_a_write_is_the_difference_of_the_tallies():
    old = {"attempts": [attempt(1, [("zq_start", "zq_good")], "zq_mid")]}
    new = {"attempts": [attempt(1, [("zq_start", "zq_good"), ("zq_mid", "zq_finish")], "zq_end_good", True, 1.0)]}
    delta = analytics.change(old, new)
    assert delta[("stopped", ("zq_mid",))] == -1 and delta[("learners", ("finished",))] == 1
    assert ("took", ("zq_start", "zq_good")) not in delta, "what did not change is not written"
    assert analytics.change(new, None) == {key: -value for key, value in analytics.tally(new).items()}
    assert analytics.change(new, dict(new, override=0.2)) == {}, "an instructor's override changes no count"


# --- exact counts kept through real writes: hypothesis over random move sequences -------------------

CASE = graph.Scenario.from_dict({
    "intro": "",
    "steps": [{"id": step, "title": step, "choices": [{"id": choice, "label": choice, "to": TARGETS[choice],
                                                      "points": 1 if choice in ("zq_good", "zq_finish") else 0,
                                                      "expert": choice in ("zq_good", "zq_finish")}
                                                     for choice in choices]}
              for step, choices in STEPS.items()],
    "endings": [{"id": ending, "title": ending, "outcome": "good"} for ending in ENDINGS],
})

MOVES = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                           st.sampled_from(["choose", "choose", "choose", "restart", "reset", "delete", "rescore"]),
                           st.integers(0, 1)), max_size=40)


def _move(kind, pick):
    """`change(state)` for one learner's move, as the block computes it from the stored state (None: nothing to do)."""
    def apply(state):
        attempts = analytics.stored_attempts(state) or [graph.start_attempt(CASE, 1)]
        current = attempts[-1]
        if kind == "choose" and not current.finished:
            step = current.current
            choice = STEPS[step][pick % len(STEPS[step])]
            after = graph.choose(CASE, current, step, choice)
            attempts[-1] = after
        elif kind == "restart" and current.finished:
            attempts.append(graph.start_attempt(CASE, current.number + 1))
        elif kind == "reset" and not current.finished and current.path:  # the author's edit restarts the attempt
            attempts[-1] = graph.start_attempt(CASE, current.number)
        elif kind == "rescore" and current.finished:
            attempts[-1] = graph.Attempt(current.number, current.path, current.current, True, pick / 2)
        else:
            return None
        return dict(state, attempts=[item.to_dict() for item in attempts])
    return apply


@pytest.fixture(params=["trigger", "storage"])
def applied_by(request, monkeypatch):
    """Who adds a write's change to the counts: the database's trigger (SQLite, PostgreSQL) or the storage (MySQL)."""
    if request.param == "storage":
        monkeypatch.setattr(storage, "TRIGGERED_VENDORS", ())
    return request.param


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=MOVES)
def test_the_kept_counts_always_equal_a_recomputation_from_the_stored_states(db, applied_by, moves):  # pylint: disable=unused-argument
    AnalyticsCount.objects.filter(block_key=BLOCK).delete()
    LearnerState.objects.filter(block_key=BLOCK).delete()
    for learner, kind, pick in moves:
        if kind == "delete":
            storage.delete(BLOCK, learner)
        else:
            storage.update(BLOCK, learner, _move(kind, pick))
        assert kept() == recomputed()


def test_a_retirement_bumps_the_version_and_adds_nothing(db, applied_by):  # pylint: disable=unused-argument
    storage.update(BLOCK, "a", _move("choose", 0))

    def choose_and_reflect(state):  # the last write changes the counts: a trigger must not add it again
        moved = _move("choose", 0)(state)
        return dict(moved, attempts=[dict(item, reflection="Mine") for item in moved["attempts"]])
    storage.update(BLOCK, "a", choose_and_reflect)
    assert storage.retire_learner("a") == 1
    assert kept() == recomputed()


def test_the_triggers_are_installed_where_the_storage_counts_on_them(db):  # pylint: disable=unused-argument
    from django.db import connection  # pylint: disable=import-outside-toplevel
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        assert [name for (name,) in cursor.fetchall()] == ["rtcm_scenario_counted_insert", "rtcm_scenario_counted_update"]
    assert connection.vendor in storage.TRIGGERED_VENDORS


def test_a_refused_move_adds_nothing(db, applied_by):  # pylint: disable=unused-argument
    storage.update(BLOCK, "a", _move("choose", 0))
    before = kept()

    def refuse(_state):
        raise ValueError("refused")
    try:
        storage.update(BLOCK, "a", refuse)
    except ValueError:
        pass
    assert kept() == before == recomputed()


def test_the_instructors_delete_state_by_anonymous_id_takes_the_learners_counts_away(db):  # pylint: disable=unused-argument
    storage.update(BLOCK, "a", _move("choose", 1), anonymous="anon-a")
    storage.update(BLOCK, "b", _move("choose", 0), anonymous="anon-b")
    assert storage.delete_anonymous(BLOCK, "anon-a") == 1
    assert kept() == recomputed() and kept()[("learners", ("started",))] == 1


def test_the_migration_counts_the_learners_stored_before_the_analytics_existed(db):  # pylint: disable=unused-argument
    from django.apps import apps  # pylint: disable=import-outside-toplevel
    storage.update(BLOCK, "a", _move("choose", 1))
    storage.update(BLOCK, "b", _move("choose", 0))
    expected = kept()
    AnalyticsCount.objects.all().delete()  # as before the analytics: rows, no counts
    migration = importlib.import_module("rtcm_xblocks.scenario.migrations.0004_count_stored_learners")
    migration.count_stored_learners(apps, None)
    assert kept() == expected == recomputed()


# --- the report ------------------------------------------------------------------------------------

def test_the_report_gives_shares_paths_scores_and_the_most_common_departure():
    counts = Counter()
    states = [
        {"attempts": [attempt(1, [("zq_start", "zq_bad")], "zq_end_bad", True, 0.0),
                      attempt(2, [("zq_start", "zq_good"), ("zq_mid", "zq_finish")], "zq_end_good", True, 1.0)]},
        {"attempts": [attempt(1, [("zq_start", "zq_bad")], "zq_end_bad", True, 0.0)]},
        {"attempts": [attempt(1, [("zq_start", "zq_bad")], "zq_end_bad", True, 0.25)]},
        {"attempts": [attempt(1, [("zq_start", "zq_good")], "zq_mid")]},
    ]
    for state in states:
        counts.update(analytics.tally(state))
    paths = sorted(((parts, n) for (kind, parts), n in counts.items() if kind == "path"), key=lambda item: -item[1])
    figures = analytics.report(CASE, {key: n for key, n in counts.items() if key[0] != "path"}, paths)
    assert figures["learners"] == {"started": 4, "finished": 3}
    start = figures["steps"][0]
    assert [(c["id"], c["learners"], c["share"]) for c in start["choices"]] == [("zq_good", 2, 0.4), ("zq_bad", 3, 0.6)]
    assert figures["steps"][1]["stopped"] == 1
    assert figures["departure"]["choice"] == "zq_bad" and figures["departure"]["learners"] == 3
    assert figures["paths"][0]["attempts"] == 3 and figures["paths"][0]["ending"] == "zq_end_bad"
    assert figures["scores"]["learners"] == 3
    assert [band["first"] for band in figures["scores"]["deciles"]][:3] == [2, 0, 1]
    assert figures["scores"]["deciles"][9]["best"] == 1
    assert figures["set_aside"] == {"steps": [], "choices": [], "endings": [], "paths": 0}


def test_figures_of_steps_the_author_removed_are_set_aside_and_said_so():
    counts = Counter(analytics.tally({"attempts": [
        attempt(1, [("zq_start", "zq_good"), ("zq_mid", "zq_side"), ("zq_loop", "zq_back"), ("zq_mid", "zq_finish")],
                "zq_end_good", True, 1.0)]}))
    paths = [(parts, n) for (kind, parts), n in counts.items() if kind == "path"]
    edited = graph.Scenario.from_dict(dict(CASE.to_dict(), steps=[
        step for step in CASE.to_dict()["steps"] if step["id"] != "zq_loop"]))
    figures = analytics.report(edited, dict(counts), paths)
    assert figures["set_aside"]["steps"] == ["zq_loop"] and figures["set_aside"]["paths"] == 1
    assert figures["paths"] == [] and [step["id"] for step in figures["steps"]] == ["zq_start", "zq_mid"]


def test_the_csv_has_counts_only_and_text_cells_made_safe():
    figures = analytics.report(CASE, {("took", ("zq_start", "zq_good")): 2}, ())
    rows = analytics.csv_rows(figures, safe=lambda text: f"<{text}>")
    assert rows[0][0] == "Figure" and ["Took the choice", "<zq_start>", "<zq_good>", "<zq_good>", 2, "1.0000"] in rows
