"""rtcm_needs_assessment: cohort report at 1,000 / 10,000 / 100,000 stored submissions, and submit vs xblock-poll.

The report is the staff `cohort_report` handler called through the workbench's handler URL, timed
and with Python's peak memory (tracemalloc) during the call. Submissions are stored with the real
Submission model; for 10,000 and more they are bulk-inserted and the aggregates rebuilt with
`storage.rebuild_aggregates` (the same sums `save_submission` keeps incrementally, as the tests
prove). The submit comparison posts the default framework's 53 competencies (importance and
proficiency each) against an xblock-poll survey of 106 five-point questions, one new learner a call.
"""
import json
import random
import time
import tracemalloc
from xml.sax.saxutils import quoteattr

from bench.harness import call_handler, load_xml, measure, table
from rtcm_xblocks.needs import storage
from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.needs.models import Submission

COUNTRIES = ("AZ", "BY", "GE", "IR", "KG", "KZ", "MD", "RU", "TJ", "TM", "TR", "UA", "UZ", "other")
AGENCIES = ("border", "migration-service", "police", "labour", "foreign-affairs", "health", "social", "ngo")
SIZES = (1_000, 10_000, 100_000)


def random_submission(framework, rng):
    """A plausible learner's ratings and profile."""
    ratings = {}
    for competency in framework.competencies:
        if rng.random() < 0.05:
            ratings[competency.id] = "na"
        else:
            ratings[competency.id] = {"importance": rng.randint(2, 5), "proficiency": rng.randint(1, 5)}
    return ratings, {"country": rng.choice(COUNTRIES), "agency": rng.choice(AGENCIES)}


def _storage_key(usage_id):
    from workbench.runtime import WorkbenchRuntime  # pylint: disable=import-outside-toplevel
    return WorkbenchRuntime("staff").get_block(usage_id).storage_key()


def populate(key, count, framework, rng):
    """Store `count` submissions for the block with storage key `key`; return seconds spent."""
    start = time.perf_counter()
    Submission.objects.filter(block_key=key).delete()
    batch = []
    for number in range(count):
        ratings, profile = random_submission(framework, rng)
        batch.append(Submission(block_key=key, learner_key=f"learner-{number}", ratings=ratings, profile=profile))
        if len(batch) == 5000:
            Submission.objects.bulk_create(batch)
            batch = []
    Submission.objects.bulk_create(batch)
    storage.rebuild_aggregates(key)
    return time.perf_counter() - start


def report_figures(usage_id):
    """Median ms of the cohort_report handler, and the peak memory of one call in MB."""
    def call(_i):
        status, body = call_handler(usage_id, "cohort_report", {}, "staff")
        assert status == 200 and body["respondents"], status
    timing = measure(call, repeat=10, warmup=1)
    tracemalloc.start()
    call(0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return timing, peak / 2**20


def releasing_after_history(usage_id, key, framework, rng, releases=40, batch=100):
    """The cohort_report call that makes a release, audited against every earlier one, at 100,000 submissions.

    `releases` rounds of `batch` real resubmissions (new cells) each followed by a report that
    releases them; the calls of the last ten rounds are timed.
    """
    from django.db import connection, reset_queries  # pylint: disable=import-outside-toplevel
    from django.test.utils import CaptureQueriesContext  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.needs.models import Release  # pylint: disable=import-outside-toplevel

    timings, queries = [], []
    for round_number in range(releases):
        made = Release.objects.get(block_key=key).number
        for _ in range(batch):
            learner = f"learner-{rng.randrange(100_000)}"
            storage.save_submission(key, learner, *random_submission(framework, rng))
        reset_queries()  # the query log keeps 9,000 entries: counted against a full log it would show 0
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            status, _body = call_handler(usage_id, "cohort_report", {}, "staff")
            elapsed = time.perf_counter() - start
        assert status == 200
        if round_number >= releases - 10 and Release.objects.get(block_key=key).number > made:
            timings.append(elapsed * 1000)
            queries.append(len(captured.captured_queries))
    number = Release.objects.get(block_key=key).number
    timings.sort()
    return table(["100,000 submissions, release after N earlier releases", "median ms", "queries"], [
        [f"{batch} resubmissions released, N = {number - 1}", f"{timings[len(timings) // 2]:.1f}",
         f"{sorted(queries)[len(queries) // 2]}"],
    ])


def survey_xml(framework):
    """An xblock-poll survey with one five-point question per rating our block asks for, and its question keys."""
    answers = [[str(value), str(value)] for value in range(1, 6)]
    questions, tally = [], {}
    for competency in framework.competencies:
        for kind in ("importance", "proficiency"):
            key = f"{competency.id}-{kind}".replace(".", "_")
            questions.append([key, {"label": competency.text, "img": None, "img_alt": None}])
            tally[key] = {value: 0 for value, _ in answers}
    xml = (f"<survey questions={quoteattr(json.dumps(questions))} answers={quoteattr(json.dumps(answers))} "
           f"tally={quoteattr(json.dumps(tally))}/>")
    return xml, [key for key, _label in questions]


def run():
    """Measure; return Markdown."""
    rng = random.Random(2026)
    framework = load_framework(DEFAULT_FRAMEWORK)
    usage_id = load_xml(f'<rtcm_needs_assessment url_name="bench" framework="{DEFAULT_FRAMEWORK}"/>', "needs-bench")
    key = _storage_key(usage_id)

    rows = []
    for size in SIZES:
        seconds = populate(key, size, framework, rng)
        timing, peak = report_figures(usage_id)
        rows.append([f"{size:,}", f'{timing["ms"]:.1f}', f'{timing["queries"]:.0f}', f"{peak:.1f}", f"{seconds:.1f}"])
    report = table(["stored submissions", "cohort_report ms", "queries", "peak MB", "(setup s)"], rows)
    report += "\n\n" + releasing_after_history(usage_id, key, framework, rng)

    survey, questions = survey_xml(framework)
    survey_id = load_xml(survey, "poll-bench")

    def submit(i):
        ratings, profile = random_submission(framework, random.Random(i))
        status, _ = call_handler(usage_id, "submit", {"ratings": ratings, "profile": profile}, f"submitter-{i}")
        assert status == 200, status

    def vote(i):
        rng_vote = random.Random(i)
        votes = {question: str(rng_vote.randint(1, 5)) for question in questions}
        status, body = call_handler(survey_id, "vote", votes, f"voter-{i}")
        assert status == 200 and body.get("success"), body

    ours, theirs = measure(submit, repeat=30), measure(vote, repeat=30)
    submit_table = table(["handler (53 competencies)", "median ms", "queries"], [
        ["rtcm_needs_assessment `submit`", f'{ours["ms"]:.2f}', f'{ours["queries"]:.1f}'],
        ["xblock-poll 1.16.1 survey `vote` (106 questions)", f'{theirs["ms"]:.2f}', f'{theirs["queries"]:.1f}'],
    ])
    ratio = ours["ms"] / theirs["ms"]
    return f"{report}\n\n{submit_table}\n\nsubmit / vote time ratio: {ratio:.2f}"
