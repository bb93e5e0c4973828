"""rtcm_scenario: the staff `analytics_report` at 1,000 / 10,000 / 100,000 learners of the 12-step bench case.

Each learner plays the case of bench/scenario.py at random (one to three attempts, some left
unfinished); their states are bulk-inserted as LearnerState rows and the counts that
`storage.update` would have kept for them (the sum of `analytics.tally`, which the tests prove
equal to what the moves keep) as AnalyticsCount rows. The report is then called through the
workbench's handler URL as staff: timed, with its SQL queries counted, which must not grow with
the number of learners (the report reads the counts, never the learners' rows).
"""
import random

from bench.harness import call_handler, load_xml, measure, table
from bench.scenario import ours_xml
from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.scenario import analytics, graph, olx
from rtcm_xblocks.scenario.models import AnalyticsCount, LearnerState

SIZES = (1_000, 10_000, 100_000)


def random_state(scenario, rng):
    """A learner's stored state after one to three random attempts, the last perhaps unfinished."""
    attempts = []
    for number in range(1, rng.randint(1, 3) + 1):
        attempt = graph.start_attempt(scenario, number)
        while not attempt.finished:
            if attempt.path and rng.random() < 0.03:
                break
            step = scenario.step(attempt.current)
            choice = step.choices[0] if rng.random() < 0.7 else step.choices[1]
            attempt = graph.choose(scenario, attempt, step.id, choice.id)
        attempts.append(attempt)
        if not attempt.finished:
            break
    return {"attempts": [attempt.to_dict() for attempt in attempts]}


def seed(key, scenario, learners, rng):
    """Store `learners` random learners' rows and their counts for the block `key`."""
    LearnerState.objects.filter(block_key=key).delete()
    AnalyticsCount.objects.filter(block_key=key).delete()
    states = []
    batch = []
    for number in range(learners):
        state = random_state(scenario, rng)
        states.append(state)
        batch.append(LearnerState(block_key=key, learner_key=f"learner{number}", state=state, version=1))
        if len(batch) == 5000:
            LearnerState.objects.bulk_create(batch)
            batch = []
    LearnerState.objects.bulk_create(batch)
    totals = analytics.total(states)
    AnalyticsCount.objects.bulk_create([
        AnalyticsCount(block_key=key, kind=kind, digest=digest, parts=text, value=value)
        for (kind, parts), value in totals.items() for digest, text in (analytics.encode(parts),)])
    return sum(1 for kind, _parts in totals if kind == "path")


def run(repeat=20):
    """Seed each size, call the report as staff; return the Markdown table."""
    scenario = olx.parse_scenario_string(ours_xml())[1]
    usage_id = load_xml(ours_xml(), "analytics")
    key = block_key(usage_id, "rtcm_scenario")
    rng = random.Random(11)
    rows = []
    for size in SIZES:
        paths = seed(key, scenario, size, rng)

        def report(_i):
            status, answer = call_handler(usage_id, "analytics_report", {}, "staff")
            assert status == 200 and answer["learners"]["started"] > 0, status
        figures = measure(report, repeat)
        rows.append([f"{size:,}", paths, f'{figures["ms"]:.1f}', f'{figures["queries"]:.0f}'])
    markdown = table(["learners (12-step case)", "distinct paths", "analytics_report ms", "queries"], rows)
    return markdown + (f"\n\nMedians of {repeat} staff calls of `analytics_report` through the workbench's handler URL "
                       "(in-memory sqlite); the learners' rows are stored but never read by the report.")
