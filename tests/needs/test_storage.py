"""Storage of submissions and exact cohort aggregates in the package's own Django models."""
import random
from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtcm_xblocks.common import storage as common_storage
from rtcm_xblocks.needs import cohort, storage
from rtcm_xblocks.needs.models import Aggregate, PendingChange, Release, ReleasedState, Submission

BLOCK = "course/tna_pre"
COMPETENCIES = [f"pillar{p}.c{c}" for p in range(3) for c in range(4)]


def random_submission(rng):
    """Random valid (ratings, profile), with some "na" ratings and optional country/agency."""
    ratings = {
        cid: "na" if rng.random() < 0.15 else {"importance": rng.randint(1, 5), "proficiency": rng.randint(1, 5)}
        for cid in COMPETENCIES
    }
    profile = {}
    if rng.random() < 0.8:
        profile["country"] = rng.choice(["AZ", "GE", "MD", "other"])
    if rng.random() < 0.6:
        profile["agency"] = rng.choice(["border", "ngo", "police"])
    return ratings, profile


def stored_rows(block=BLOCK):
    """The non-zero aggregate rows of `block` as {(by, value, competency): Sums}."""
    return {
        (row.by, row.value, row.competency): cohort.Sums(row.n, row.sum_importance, row.sum_proficiency)
        for row in Aggregate.objects.filter(block_key=block)
        if row.n or row.sum_importance or row.sum_proficiency
    }


def test_a_first_submission_stores_the_row_and_its_contribution(db):  # pylint: disable=unused-argument
    ratings = {"a": {"importance": 5, "proficiency": 2}, "b": "na"}
    assert storage.save_submission(BLOCK, "learner", ratings, {"country": "AZ"}) is False
    assert storage.get_submission(BLOCK, "learner") == (ratings, {"country": "AZ"})
    assert stored_rows() == {
        ("all", "", ""): cohort.Sums(1), ("all", "", "a"): cohort.Sums(1, 5, 2),
        ("country", "AZ", ""): cohort.Sums(1), ("country", "AZ", "a"): cohort.Sums(1, 5, 2),
        ("cell", "AZ|", ""): cohort.Sums(1),
    }


def test_a_resubmission_moves_the_contribution_to_the_new_answers_and_group(db):  # pylint: disable=unused-argument
    storage.save_submission(BLOCK, "learner", {"a": {"importance": 5, "proficiency": 2}}, {"country": "AZ"})
    assert storage.save_submission(BLOCK, "learner", {"a": {"importance": 3, "proficiency": 3}}, {"agency": "ngo"}) is True
    assert Submission.objects.count() == 1
    assert storage.cohort_stats(BLOCK) == cohort.CohortStats({
        ("all", "", ""): cohort.Sums(1), ("all", "", "a"): cohort.Sums(1, 3, 3),
        ("agency", "ngo", ""): cohort.Sums(1), ("agency", "ngo", "a"): cohort.Sums(1, 3, 3),
        ("cell", "|ngo", ""): cohort.Sums(1),
    })
    assert storage.cohort_stats(BLOCK).values("country") == []


def test_the_incremental_aggregates_equal_a_recomputation_after_many_submissions_and_resubmissions(db):  # pylint: disable=unused-argument
    rng = random.Random(7)
    for _ in range(300):
        ratings, profile = random_submission(rng)
        storage.save_submission(BLOCK, f"learner{rng.randint(0, 60)}", ratings, profile)
    assert storage.cohort_stats(BLOCK) == storage.recompute_stats(BLOCK)
    assert storage.cohort_stats(BLOCK).respondents() == Submission.objects.filter(block_key=BLOCK).count()


def test_blocks_are_kept_apart(db):  # pylint: disable=unused-argument
    storage.save_submission("x/one", "learner", {"a": {"importance": 5, "proficiency": 1}}, {})
    storage.save_submission("x/two", "learner", {"a": {"importance": 2, "proficiency": 2}}, {})
    assert storage.cohort_stats("x/one").get("all", "", "a") == cohort.Sums(1, 5, 1)
    assert storage.get_submission("x/two", "learner")[0] == {"a": {"importance": 2, "proficiency": 2}}
    assert storage.get_submission("x/three", "learner") is None


def test_a_submission_costs_a_few_queries_whatever_the_framework_size(db, django_assert_max_num_queries):  # pylint: disable=unused-argument
    many = {f"c{index}": {"importance": 4, "proficiency": 2} for index in range(60)}
    storage.save_submission(BLOCK, "first", many, {"country": "AZ", "agency": "ngo"})
    changed = {f"c{index}": {"importance": 5, "proficiency": 1} for index in range(60)}
    with django_assert_max_num_queries(13):
        storage.save_submission(BLOCK, "first", changed, {"country": "AZ", "agency": "ngo"})
    with django_assert_max_num_queries(14):
        storage.save_submission(BLOCK, "second", changed, {"country": "GE", "agency": "police"})
    assert storage.cohort_stats(BLOCK) == storage.recompute_stats(BLOCK)


def test_the_cohort_report_reads_one_query_of_competencies_times_groups_rows(db, django_assert_num_queries):  # pylint: disable=unused-argument
    rng = random.Random(3)
    for number in range(120):
        storage.save_submission(BLOCK, f"learner{number}", *random_submission(rng))
    with django_assert_num_queries(1):
        stats = storage.cohort_stats(BLOCK)
    groups = 1 + len(stats.values("country")) + len(stats.values("agency"))
    assert Aggregate.objects.filter(block_key=BLOCK).count() <= groups * (len(COMPETENCIES) + 1) + len(stats.values("cell"))


def test_rebuild_aggregates_repairs_damaged_sums_from_the_submissions(db):  # pylint: disable=unused-argument
    rng = random.Random(11)
    for number in range(20):
        storage.save_submission(BLOCK, f"learner{number}", *random_submission(rng))
    expected = storage.cohort_stats(BLOCK)
    Aggregate.objects.filter(block_key=BLOCK, by="all", competency="").update(n=999)
    assert storage.cohort_stats(BLOCK) != expected
    storage.rebuild_aggregates(BLOCK)
    assert storage.cohort_stats(BLOCK) == expected


def test_zero_rows_left_by_resubmissions_are_not_reported_as_groups(db):  # pylint: disable=unused-argument
    storage.save_submission(BLOCK, "learner", {"a": {"importance": 1, "proficiency": 1}}, {"country": "MD"})
    storage.save_submission(BLOCK, "learner", {"a": "na"}, {})
    stats = storage.cohort_stats(BLOCK)
    assert stats.values("country") == [] and stats.get("all", "", "a") == cohort.Sums()
    assert stats.respondents() == 1


def test_the_workbench_key_is_scenario_and_url_name_so_pre_and_post_agree():
    usage = "before-and-after.rtcm_needs_assessment.d1.u0"
    assert storage.block_key(usage, "rtcm_needs_assessment", "tna_post") == "before-and-after/tna_post"
    assert storage.linked_block_key(usage, "rtcm_needs_assessment", "tna_pre") == "before-and-after/tna_pre"
    assert storage.block_key(usage, "rtcm_needs_assessment") == usage


class FakeCourseKey:
    """Just enough of opaque-keys' CourseLocator for the LMS form of the key."""

    def __init__(self, branch=None):
        self.branch = branch

    def for_branch(self, branch):
        return FakeCourseKey(branch)

    def make_usage_key(self, block_type, block_id):
        suffix = f"+branch@{self.branch}" if self.branch else ""
        return f"block-v1:RTCM+MM101+2026{suffix}+type@{block_type}+block@{block_id}"


def test_the_lms_key_is_the_usage_key_in_its_course_without_branch():
    usage = SimpleNamespace(course_key=FakeCourseKey("published"), block_id="tna_post")
    assert storage.block_key(usage, "rtcm_needs_assessment") == "block-v1:RTCM+MM101+2026+type@rtcm_needs_assessment+block@tna_post"
    assert storage.linked_block_key(usage, "rtcm_needs_assessment", "tna_pre").endswith("+block@tna_pre")


def test_in_a_course_the_key_is_the_block_id_not_a_url_name_copied_with_a_duplicate():
    usage = SimpleNamespace(course_key=FakeCourseKey(), block_id="6f1c0ffee")
    assert storage.block_key(usage, "rtcm_needs_assessment", "tna_pre").endswith("+block@6f1c0ffee")


def test_the_migration_matches_the_models(db):  # pylint: disable=unused-argument
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    call_command("makemigrations", "rtcm_needs", "--check", "--dry-run", verbosity=0)
    tables = connection.introspection.table_names()
    assert "rtcm_needs_submission" in tables and "rtcm_needs_aggregate" in tables


@pytest.mark.parametrize("message", ["database is locked", "Deadlock found when trying to get lock", "could not serialize access"])
def test_lost_races_are_retried_until_they_succeed(db, monkeypatch, message):  # pylint: disable=unused-argument
    from django.db import OperationalError  # pylint: disable=import-outside-toplevel
    calls = []
    real = storage._apply  # pylint: disable=protected-access

    def flaky(block, delta):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError(message)
        return real(block, delta)

    monkeypatch.setattr(storage, "_apply", flaky)
    # The test runs inside pytest-django's transaction; the work itself is retried in a savepoint.
    monkeypatch.setattr(common_storage, "_inside_outer_transaction", lambda: False)
    storage.save_submission(BLOCK, "learner", {"a": {"importance": 4, "proficiency": 1}}, {})
    assert len(calls) == 3
    assert storage.cohort_stats(BLOCK).get("all", "", "a") == cohort.Sums(1, 4, 1)


_RATING = st.one_of(st.just("na"), st.fixed_dictionaries({"importance": st.integers(1, 5), "proficiency": st.integers(1, 5)}))
_SUBMISSION = st.tuples(
    st.sampled_from(["ana", "ben", "cem", "dan"]),
    st.fixed_dictionaries({cid: _RATING for cid in ("a", "b", "c")}),
    st.fixed_dictionaries({}, optional={"country": st.sampled_from(["AZ", "GE"]), "agency": st.sampled_from(["ngo", "police"])}),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_SUBMISSION, max_size=12))
def test_any_sequence_of_submissions_and_resubmissions_leaves_aggregates_equal_to_a_recomputation(db, sequence):  # pylint: disable=unused-argument
    Submission.objects.all().delete()
    Aggregate.objects.all().delete()
    last = {}
    for learner, ratings, profile in sequence:
        storage.save_submission(BLOCK, learner, ratings, profile)
        last[learner] = (ratings, profile)
    assert storage.cohort_stats(BLOCK) == cohort.CohortStats.from_submissions(last.values())
    assert stored_rows() == cohort.CohortStats.from_submissions(last.values()).sums


# --- releases of the cohort figures ----------------------------------------------------------------

def rated(importance):
    return {"a": {"importance": importance, "proficiency": 1}}


def withdraw_without_record(block, learner):
    """Delete a learner's submission and subtract its contribution, recording nothing (as a retirement might)."""
    ratings, profile = storage.get_submission(block, learner)
    Submission.objects.filter(block_key=block, learner_key=learner).delete()
    storage._apply(block, {key: cohort.Sums() - sums for key, sums in cohort.contribution(ratings, profile).items()})  # pylint: disable=protected-access


def test_a_change_records_the_learners_cell_at_the_last_release_and_now(db):  # pylint: disable=unused-argument
    storage.save_submission(BLOCK, "learner", rated(5), {"country": "AZ"})
    storage.save_submission(BLOCK, "learner", rated(4), {"country": "GE", "agency": "ngo"})
    assert list(PendingChange.objects.values_list("before", "after")) == [(None, "GE|ngo")]
    storage.save_submission(BLOCK, "learner", rated(4), {"country": "GE", "agency": "ngo"})
    assert PendingChange.objects.count() == 1, "a resubmission that changes nothing is no change"


def test_nothing_is_released_before_k_respondents_and_then_the_figures_wait_for_a_batch(db):  # pylint: disable=unused-argument
    for number in range(2):
        storage.save_submission(BLOCK, f"l{number}", rated(5), {"country": "AZ"})
    stats, shown, facts = storage.release_figures(BLOCK, 3)
    assert stats == cohort.CohortStats() and shown == frozenset()
    assert facts == {"as_of": None, "pending": 2, "waiting": "too_few"}
    storage.save_submission(BLOCK, "l2", rated(5), {"country": "AZ"})
    stats, shown, facts = storage.release_figures(BLOCK, 3)
    assert stats.respondents() == 3 and shown == {(0, "AZ")}
    assert facts["as_of"] and facts["pending"] == 0 and facts["waiting"] is None
    assert not PendingChange.objects.exists()
    released = stats

    storage.save_submission(BLOCK, "newcomer", rated(1), {"country": "AZ"})  # one new submission
    storage.save_submission(BLOCK, "l0", rated(2), {"country": "AZ"})  # one resubmission
    stats, shown, facts = storage.release_figures(BLOCK, 3)
    assert stats == released, "a report after one or two changes is the same report"
    assert (facts["pending"], facts["waiting"]) == (2, "batch")
    withdraw_without_record(BLOCK, "l1")  # a withdrawal that recorded nothing still counts
    stats, shown, facts = storage.release_figures(BLOCK, 3)
    assert stats == storage.cohort_stats(BLOCK) and stats.respondents() == 3
    assert facts["pending"] == 0 and Release.objects.count() == 1


def test_a_release_copies_the_aggregates_exactly(db):  # pylint: disable=unused-argument
    rng = random.Random(5)
    for number in range(40):
        storage.save_submission(BLOCK, f"learner{number}", *random_submission(rng))
    stats, shown, _facts = storage.release_figures(BLOCK, 2)
    assert stats == storage.recompute_stats(BLOCK)
    assert shown, "forty respondents leave groups to show"


def test_raising_the_minimum_lets_the_next_batch_drop_groups_instead_of_holding_forever(db):  # pylint: disable=unused-argument
    for number in range(3):
        storage.save_submission(BLOCK, f"az{number}", rated(5), {"country": "AZ"})
    for number in range(3):
        storage.save_submission(BLOCK, f"ge{number}", rated(4), {"country": "GE"})
    assert storage.release_figures(BLOCK, 2)[1] == {(0, "AZ"), (0, "GE")}
    for number in range(4):
        storage.save_submission(BLOCK, f"new{number}", rated(3), {})
    _stats, shown, facts = storage.release_figures(BLOCK, 5)
    assert (shown, facts["waiting"]) == ({(0, "AZ"), (0, "GE")}, "batch"), "still a batch of five changes"
    storage.save_submission(BLOCK, "new4", rated(3), {})
    stats, shown, facts = storage.release_figures(BLOCK, 5)
    assert stats.respondents() == 11 and shown == frozenset() and facts["pending"] == 0


def test_another_blocks_figures_are_read_without_releasing_them_again(db):  # pylint: disable=unused-argument
    for number in range(2):
        storage.save_submission(BLOCK, f"l{number}", rated(5), {})
    assert storage.release_figures(BLOCK, 2, only_first=True)[0].respondents() == 2, "a first release is made"
    for number in range(2, 6):
        storage.save_submission(BLOCK, f"l{number}", rated(5), {})
    stats, _shown, facts = storage.release_figures(BLOCK, 2, only_first=True)
    assert stats.respondents() == 2 and facts["pending"] == 4


def test_an_old_report_cannot_be_set_against_today_s(db):  # pylint: disable=unused-argument
    # Release 1: x, y, z. Release 2: j1 and j2 joined. Then j1, j2 and x go: a batch of three since
    # release 2, but release 1 - release 3 would be x's answers alone.
    for learner in ("x", "y", "z"):
        storage.save_submission(BLOCK, learner, rated(5), {"country": "AZ"})
    first = storage.release_figures(BLOCK, 2)[0]
    storage.save_submission(BLOCK, "j1", rated(1), {"country": "AZ"})
    storage.save_submission(BLOCK, "j2", rated(2), {"country": "AZ"})
    second = storage.release_figures(BLOCK, 2)[0]
    assert (first.respondents(), second.respondents()) == (3, 5)
    storage.retire_learner("j1")
    storage.withdraw(BLOCK, "j2")
    storage.withdraw(BLOCK, "x")
    stats, _shown, facts = storage.release_figures(BLOCK, 2)
    assert stats == second and (facts["pending"], facts["waiting"]) == (3, "held")
    storage.save_submission(BLOCK, "y", rated(3), {"country": "AZ"})  # a second change since release 1
    stats, _shown, facts = storage.release_figures(BLOCK, 2)
    assert stats == storage.cohort_stats(BLOCK) and facts["waiting"] is None
    assert Release.objects.get(block_key=BLOCK).number == 3


_HISTORY = st.lists(st.tuples(
    st.sampled_from(["l0", "l1", "l2", "l3", "l4", "l5"]),
    st.sampled_from(["submit", "submit", "submit", "withdraw", "retire", "read"]),
    st.sampled_from([{}, {"country": "AZ"}, {"country": "GE", "agency": "ngo"}]),
    st.integers(min_value=1, max_value=2),
), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_HISTORY, st.integers(min_value=1, max_value=2))
def test_the_release_history_gives_the_net_changes_since_every_release(db, history, k):  # pylint: disable=unused-argument
    for model in (Submission, Aggregate, PendingChange, Release, ReleasedState):
        model.objects.all().delete()
    now = {}  # learner -> (version, cell): what a release made now would count
    versions = 0
    snapshots = []  # what each release counted
    retired = {}  # learner -> the token-free name the test keeps for them
    for learner, action, profile, importance in history:
        key = retired.get(learner, learner)
        if action == "submit" and key == learner:
            if storage.get_submission(BLOCK, learner) != (rated(importance), profile):
                versions += 1
                now[learner] = (versions, cohort.cell_value(profile))
            storage.save_submission(BLOCK, learner, rated(importance), profile)
        elif action == "withdraw" and key == learner:
            storage.withdraw(BLOCK, learner)
            now.pop(learner, None)
        elif action == "retire" and key == learner:
            storage.retire_learner(learner)
            now.pop(learner, None)
            retired[learner] = f"retired {learner}"
        elif action == "read":
            storage.release_figures(BLOCK, k)
            release = Release.objects.filter(block_key=BLOCK).first()
            if release is not None and release.number > len(snapshots):
                assert release.number == len(snapshots) + 1
                snapshots.append(dict(now))
    assert not ReleasedState.objects.filter(learner_key__in=list(retired)).exists(), "a retired learner's key is gone"
    if len(snapshots) < 2:
        return
    expected = []
    for then in snapshots[:-1]:
        changes = {}
        for learner in set(then) | set(now):
            if then.get(learner) != now.get(learner):
                pair = tuple(storage._atom(state[1]) if state else None for state in (then.get(learner), now.get(learner)))  # pylint: disable=protected-access
                changes[pair] = changes.get(pair, 0) + 1
        expected.append(changes)
    assert storage._earlier_changes(BLOCK, len(snapshots), lock=False) == expected  # pylint: disable=protected-access
