"""Concurrent submissions from many threads lose nothing: the aggregates equal a recomputation.

The threads write to a file-based sqlite database (as `make run` does) and, when given a server,
to PostgreSQL: see the `shared_database` fixture of tests/concurrency.py.
"""
import random
import threading

from django.db import connection

from rtcm_xblocks.common.safe_xml import parse_xml_string
from rtcm_xblocks.needs import cohort, demonstrated, framework, storage
from rtcm_xblocks.needs.models import Aggregate, PendingChange, Release, ReleasedState, Submission
from tests.concurrency import run_together, shared_database  # noqa: F401  pylint: disable=unused-import
from tests.workbench import Workbench, get_block, load_scenario

THREADS = 16
LEARNERS = 24
BLOCK = "concurrency/tna_pre"
OTHER_BLOCK = "concurrency/tna_post"
COMPETENCIES = [f"p{p}.c{c}" for p in range(4) for c in range(5)]


def plan(seed):
    """Each thread's list of (block, learner, ratings, profile): every learner submits from several threads."""
    rng = random.Random(seed)
    jobs = [[] for _ in range(THREADS)]
    for learner in range(LEARNERS):
        for _ in range(rng.randint(2, 4)):
            ratings = {
                cid: "na" if rng.random() < 0.1 else {"importance": rng.randint(1, 5), "proficiency": rng.randint(1, 5)}
                for cid in COMPETENCIES
            }
            profile = {key: rng.choice(values) for key, values in (("country", ["AZ", "GE", "UA"]), ("agency", ["border", "ngo"]))
                       if rng.random() < 0.8}
            block = BLOCK if rng.random() < 0.85 else OTHER_BLOCK
            jobs[rng.randrange(THREADS)].append((block, f"learner{learner}", ratings, profile))
    return jobs


def submit_all_at_once(jobs):
    """Run every thread's jobs, all threads released together; return the errors raised."""
    def submitter(mine):
        for block, learner, ratings, profile in mine:
            storage.save_submission(block, learner, ratings, profile)
    return run_together([lambda mine=mine: submitter(mine) for mine in jobs])


def test_sixteen_threads_submitting_and_resubmitting_at_once_lose_no_update(shared_database):
    jobs = plan(seed=2026)
    submitted = {}
    for mine in jobs:
        for block, learner, ratings, profile in mine:
            submitted.setdefault((block, learner), []).append((ratings, profile))

    errors = submit_all_at_once(jobs)
    assert not errors, errors

    results = {}

    def check():
        for block in (BLOCK, OTHER_BLOCK):
            results[block] = {
                "incremental": storage.cohort_stats(block),
                "recomputed": storage.recompute_stats(block),
                "rows": {s.learner_key: (s.ratings, s.profile) for s in Submission.objects.filter(block_key=block)},
                "aggregate_rows": Aggregate.objects.filter(block_key=block).count(),
            }

    shared_database(check)
    for block in (BLOCK, OTHER_BLOCK):
        learners = {learner for (b, learner) in submitted if b == block}
        found = results[block]
        assert found["incremental"] == found["recomputed"]
        assert found["incremental"].respondents() == len(learners)
        assert set(found["rows"]) == learners
        for learner, stored in found["rows"].items():
            assert stored in submitted[(block, learner)], "a stored row is one the learner sent"
        respondents_by_country = sum(found["incremental"].respondents("country", value) for value in ("AZ", "GE", "UA"))
        assert respondents_by_country == sum(1 for ratings, profile in found["rows"].values() if "country" in profile)


def test_the_naive_read_modify_write_that_xblock_poll_uses_does_lose_updates_here(shared_database):
    """A control: the same threads adding to one shared total the way xblock-poll does lose votes."""
    lost = {}

    def naive():
        from rtcm_xblocks.needs.models import Aggregate as Row  # pylint: disable=import-outside-toplevel,reimported
        Row.objects.create(block_key="naive", by="all", value="", competency="", n=0)
        barrier = threading.Barrier(THREADS)

        def vote():
            try:
                barrier.wait()
                for _ in range(8):
                    row = Row.objects.get(block_key="naive", competency="")
                    row.n += 1
                    threading.Event().wait(0.0005)
                    try:
                        row.save(update_fields=["n"])
                    except Exception:  # pylint: disable=broad-exception-caught
                        pass  # a locked database drops the vote, as a 500 would
            finally:
                connection.close()

        threads = [threading.Thread(target=vote) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lost["total"] = Row.objects.get(block_key="naive", competency="").n

    shared_database(naive)
    assert lost["total"] < THREADS * 8


SMALL = """
<rtcm_needs_assessment url_name="tna_http" min_group_size="1">
  <pillar id="p" title="P"><competency id="a">A</competency><competency id="b">B</competency></pillar>
  <pillar id="q" title="Q"><competency id="c">C</competency></pillar>
</rtcm_needs_assessment>
"""


def test_sixteen_threads_posting_to_the_submit_handler_at_once_lose_nothing(shared_database):
    loaded = {}
    shared_database(lambda: loaded.update(usage_id=load_scenario(SMALL, name="concurrent-http")[1]))
    usage_id = loaded["usage_id"]
    rng = random.Random(5)
    plans = [
        [(f"t{thread}_{learner}", {cid: {"importance": rng.randint(1, 5), "proficiency": rng.randint(1, 5)} for cid in "abc"},
          {"country": rng.choice(["AZ", "KG"])}) for learner in range(3) for _ in range(2)]
        for thread in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    statuses = []

    def worker(plan_of_thread):
        try:
            client = Workbench()
            barrier.wait()
            for learner, ratings, profile in plan_of_thread:
                statuses.append(client.call(usage_id, "submit", {"ratings": ratings, "profile": profile}, student=learner)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * (THREADS * 6)

    found = {}

    def check():
        key = get_block(usage_id).storage_key()
        found["report"] = Workbench().call(usage_id, "cohort_report", student="staff")[1]
        found["expected"] = demonstrated.cohort_demonstrated(cohort.cohort_report(
            framework.parse_pillars(parse_xml_string(SMALL)), storage.recompute_stats(key), 1), {}, 1)

    shared_database(check)
    assert found["report"]["respondents"] == THREADS * 3
    last = {learner: ratings for mine in plans for learner, ratings, _profile in mine}
    mean_a = sum(r["a"]["importance"] for r in last.values()) / len(last)
    assert found["report"]["release"]["pending"] == 0, "with min_group_size 1 every change is released"
    assert dict(found["report"], min_group_size=None, release=None) == dict(found["expected"], min_group_size=None, release=None)
    assert [c for c in found["report"]["competencies"] if c["id"] == "a"][0]["mean_importance"] == round(mean_a, 4)


def test_after_parallel_resubmissions_the_learners_view_is_the_submission_the_cohort_counts(shared_database):
    """Two tabs (here eight) resubmitting at once: whichever wins, the learner's view shows that one."""
    loaded = {}
    shared_database(lambda: loaded.update(usage_id=load_scenario(SMALL, name="concurrent-resubmit")[1]))
    usage_id = loaded["usage_id"]
    for trial in range(40):
        learner = f"tabs{trial}"
        rng = random.Random(trial)
        sent = [{cid: {"importance": rng.randint(1, 5), "proficiency": rng.randint(1, 5)} for cid in "abc"}
                for _ in range(8)]
        # A first submission before the race: the SDK workbench's field store creates a learner's field
        # row without a unique constraint, so racing first writes would leave duplicates it cannot read.
        shared_database(lambda learner=learner, first=sent[0]: Workbench().call(
            usage_id, "submit", {"ratings": first}, student=learner))
        answers = []

        def tab(ratings, learner=learner, answers=answers):
            answers.append(Workbench().call(usage_id, "submit", {"ratings": ratings, "profile": {"country": "AZ"}},
                                            student=learner))
        assert not run_together([lambda ratings=ratings: tab(ratings) for ratings in sent])
        assert [status for status, _answer in answers] == [200] * len(sent)
        assert all(answer["ratings"] == answer_sent for (_s, answer), answer_sent in
                   zip(sorted(answers, key=lambda a: str(a[1]["ratings"])), sorted(sent, key=str)))

        found = {}

        def check(learner=learner):
            block = get_block(usage_id, learner)
            found["row"] = storage.get_submission(block.storage_key(), learner)
            found["view"] = Workbench().call(usage_id, "get_state", student=learner)[1]
            found["cohort"] = storage.cohort_stats(block.storage_key())
            found["recomputed"] = storage.recompute_stats(block.storage_key())
        shared_database(check)
        assert found["view"]["ratings"] == found["row"][0] and found["view"]["profile"] == found["row"][1]
        assert found["cohort"] == found["recomputed"] and found["cohort"].respondents() == trial + 1


def test_retiring_learners_while_others_submit_keeps_every_aggregate_exact(shared_database):
    jobs = plan(seed=7)[:8]
    retired = [f"retired{number}" for number in range(6)]

    def before():
        for number, learner in enumerate(retired):
            storage.save_submission(BLOCK, learner, {cid: {"importance": 1 + number % 5, "proficiency": 2}
                                                     for cid in COMPETENCIES}, {"country": "UA"})
    shared_database(before)

    def submitter(mine):
        for block, learner, ratings, profile in mine:
            storage.save_submission(block, learner, ratings, profile)

    def retirer():
        for learner in retired:
            assert storage.retire_learner(learner) == 1

    assert not run_together([lambda mine=mine: submitter(mine) for mine in jobs] + [retirer])
    found = {}

    def check():
        found["incremental"] = storage.cohort_stats(BLOCK)
        found["recomputed"] = storage.recompute_stats(BLOCK)
        found["retired_rows"] = Submission.objects.filter(learner_key__startswith="retired").count()
    shared_database(check)
    assert found["retired_rows"] == 0 and found["incremental"] == found["recomputed"]
    assert found["incremental"].respondents("country", "UA") == found["recomputed"].respondents("country", "UA")
def test_reports_read_while_sixteen_threads_submit_release_consistent_batches(shared_database):
    """Every change is either in a release or recorded as pending, never both nor neither, whatever the interleaving."""
    jobs = plan(seed=7)
    done = threading.Event()
    errors = []
    releases = []

    def reader():
        try:
            while not done.is_set():
                stats, _shown, facts = storage.release_figures(BLOCK, 3)
                releases.append((stats.respondents(), facts["pending"]))
        except BaseException as error:  # pylint: disable=broad-exception-caught
            errors.append(error)
        finally:
            connection.close()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    errors += submit_all_at_once(jobs)
    done.set()
    for thread in readers:
        thread.join(timeout=120)
    assert not errors, errors
    found = {}

    def check():
        released = storage._released_stats(BLOCK)  # pylint: disable=protected-access
        live = storage.cohort_stats(BLOCK)
        recorded = PendingChange.objects.filter(block_key=BLOCK).count()
        _ids, changes = storage._changes(BLOCK, released.atoms(), live.atoms(), lock=False)  # pylint: disable=protected-access
        found.update(recorded=recorded, reconciled=len(changes), live=live, recomputed=storage.recompute_stats(BLOCK))
        stats, _shown, facts = storage.release_figures(BLOCK, 1)
        found.update(final=stats, facts=facts, number=Release.objects.get(block_key=BLOCK).number)
        found["runs"] = {}
        for learner, cell, first, last in ReleasedState.objects.filter(block_key=BLOCK).order_by(
                "learner_key", "first_release").values_list("learner_key", "cell", "first_release", "last_release"):
            found["runs"].setdefault(learner, []).append((cell, first, last))
        found["cells"] = {learner: cohort.cell_value(profile) for learner, profile in
                          Submission.objects.filter(block_key=BLOCK).values_list("learner_key", "profile")}

    shared_database(check)
    assert releases, "the readers ran"
    # The release history: each learner's runs cover releases 1 to the last without gap or overlap,
    # and the open one is what the last release counted.
    assert found["number"] > 1 and found["runs"]
    for learner, runs in found["runs"].items():
        assert [first for _cell, first, _last in runs] == [1] + [last + 1 for _cell, _first, last in runs[:-1]], learner
        assert runs[-1][2] is None and runs[-1][0] == found["cells"].get(learner), learner
    assert found["reconciled"] == found["recorded"], "no change escaped the record"
    assert found["live"] == found["recomputed"]
    assert found["final"] == found["live"] and found["facts"]["pending"] == 0


def test_staff_reading_the_pre_and_post_reports_at_once_both_get_their_figures(shared_database):
    """Reading a report may write (a release, the roadmap's block description): two at once retry, never fail."""
    loaded = {}

    def setup():
        _name, root = load_scenario("""<vertical_demo>
          <rtcm_needs_assessment url_name="tna_pre" phase="pre" min_group_size="1">
            <pillar id="p" title="Borders"><competency id="a">Check a travel document</competency></pillar>
          </rtcm_needs_assessment>
          <rtcm_needs_assessment url_name="tna_post" phase="post" pre="tna_pre" min_group_size="1">
            <pillar id="p" title="Borders"><competency id="a">Check a travel document</competency></pillar>
          </rtcm_needs_assessment>
        </vertical_demo>""", name="concurrent-reports")
        loaded["pre"], loaded["post"] = get_block(root).children
        for usage_id, proficiency in ((loaded["pre"], 1), (loaded["post"], 4)):
            rating = {"a": {"importance": 5, "proficiency": proficiency}}
            assert Workbench().call(usage_id, "submit", {"ratings": rating}, student="returning")[0] == 200
    shared_database(setup)
    for _trial in range(5):
        answers = []
        errors = run_together([lambda usage_id=usage_id: answers.append(
            Workbench().call(usage_id, "cohort_report", {}, student="staff_member")) for usage_id in loaded.values()])
        assert not errors
        assert sorted(status for status, _report in answers) == [200, 200]
        assert all(report["respondents"] == 1 for _status, report in answers)
