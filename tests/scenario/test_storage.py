"""The scenario's learner-state table: one row per block and learner, written only under its lock."""
import pytest
from django.core.management import call_command
from django.db import connection

from rtcm_xblocks.common.handlers import HandlerError
from rtcm_xblocks.scenario import storage
from rtcm_xblocks.scenario.models import LearnerState

BLOCK = "workbench/scenario"
FINISHED = {"number": 1, "path": [["s", "c"]], "current": "end", "finished": True, "score": 1.0, "reflection": "Mine"}


def test_the_migration_matches_the_models(db):  # pylint: disable=unused-argument
    call_command("makemigrations", "rtcm_scenario", "--check", "--dry-run", verbosity=0)
    assert "rtcm_scenario_learnerstate" in connection.introspection.table_names()


def test_a_learner_without_a_row_has_no_state(db):  # pylint: disable=unused-argument
    assert storage.load(BLOCK, "learner") is None


def test_the_first_update_starts_from_the_legacy_state_and_later_ones_from_the_row(db):  # pylint: disable=unused-argument
    seen = []

    def append(state):
        seen.append(state)
        return {"attempts": list(state.get("attempts", [])) + [FINISHED]}

    storage.update(BLOCK, "learner", append, legacy=lambda: {"attempts": [dict(FINISHED, reflection="Old")]}, anonymous="anon1")
    storage.update(BLOCK, "learner", append, legacy=lambda: pytest.fail("a learner with a row is never carried over again"))
    assert seen[0] == {"attempts": [dict(FINISHED, reflection="Old")]}
    row = LearnerState.objects.get(block_key=BLOCK, learner_key="learner")
    assert len(row.state["attempts"]) == 3 and row.version == 2 and row.anonymous_key == "anon1"


def test_a_refused_change_writes_nothing(db):  # pylint: disable=unused-argument
    storage.update(BLOCK, "learner", lambda state: {"attempts": [FINISHED]})

    def refuse(state):
        raise HandlerError("conflict", "no", status=409)
    with pytest.raises(HandlerError):
        storage.update(BLOCK, "learner", refuse)
    with pytest.raises(HandlerError):
        storage.update(BLOCK, "newcomer", refuse)
    assert LearnerState.objects.get(learner_key="learner").version == 1
    assert not LearnerState.objects.filter(learner_key="newcomer").exists()


def test_a_change_returning_none_leaves_the_row_as_it_is(db):  # pylint: disable=unused-argument
    storage.update(BLOCK, "learner", lambda state: {"attempts": [FINISHED]})
    assert storage.update(BLOCK, "learner", lambda state: None) == {"attempts": [FINISHED]}
    assert LearnerState.objects.get(learner_key="learner").version == 1


def test_delete_by_learner_or_by_anonymous_id_touches_only_that_learner_of_that_block(db):  # pylint: disable=unused-argument
    for block in (BLOCK, "workbench/other"):
        for learner in ("ana", "ben"):
            storage.update(block, learner, lambda state: {"attempts": [FINISHED]}, anonymous=f"anon-{learner}")
    assert storage.delete_anonymous(BLOCK, "anon-ana") == 1 and storage.delete_anonymous(BLOCK, "") == 0
    assert storage.delete(BLOCK, "ben") and not storage.delete(BLOCK, "ben")
    assert sorted(LearnerState.objects.values_list("block_key", "learner_key")) == [
        ("workbench/other", "ana"), ("workbench/other", "ben")]


def test_retirement_redacts_the_reflections_of_every_block_and_keeps_the_attempts(db):  # pylint: disable=unused-argument
    for block in (BLOCK, "workbench/other"):
        storage.update(block, "ben", lambda state: {"attempts": [FINISHED, dict(FINISHED, number=2, reflection="")]})
    storage.update(BLOCK, "ana", lambda state: {"attempts": [FINISHED]})
    assert storage.retire_learner("ben") == 2 and storage.retire_learner("ben") == 0
    for block in (BLOCK, "workbench/other"):
        assert storage.load(block, "ben")["attempts"] == [dict(FINISHED, reflection=""), dict(FINISHED, number=2, reflection="")]
    assert storage.load(BLOCK, "ana")["attempts"][0]["reflection"] == "Mine"


def test_a_move_whose_row_changed_after_it_was_read_starts_again_from_the_new_row(db):  # pylint: disable=unused-argument
    storage.update(BLOCK, "learner", lambda state: {"attempts": [FINISHED]})
    seen = []

    def append(state):
        seen.append(len(state["attempts"]))
        if len(seen) == 1:  # a parallel move writes between this move's read and its write
            storage.update(BLOCK, "learner", lambda other: {"attempts": other["attempts"] + [FINISHED]})
        return {"attempts": state["attempts"] + [dict(FINISHED, number=9)]}

    assert len(storage.update(BLOCK, "learner", append)["attempts"]) == 3
    assert seen == [1, 2], "the second round read what the parallel move stored"
    assert LearnerState.objects.get(learner_key="learner").version == 3
