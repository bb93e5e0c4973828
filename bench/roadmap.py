"""The regional training-needs roadmap over 100 self-assessment blocks with 1,000 submissions each.

50 course runs, each with a pre- and a post-course block of the default framework (53 competencies),
1,000 random learners per block (14 countries, 8 agencies). Each block is stored as its release
leaves it: the exact sums of its 1,000 submissions (`cohort.CohortStats.from_submissions`, the same
sums `store_submission` keeps incrementally) copied to `ReleasedAggregate`, a `Release` showing the
groups `disclosure.groups_to_show` allows at 5, and the block's `BlockDescription`. The roadmap never
reads `Submission` rows, so none are stored. Measured: `roadmap_for` (the figures) and the whole
command's work (figures + HTML + CSV + XLSX), every course run and ten chosen ones: median wall time,
SQL queries, and Python's peak memory (tracemalloc) during one run.
"""
import random
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

from bench.harness import measure, table
from bench.needs import random_submission
from rtcm_xblocks.common.i18n import language_translator
from rtcm_xblocks.needs import cohort, disclosure
from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.needs.models import BlockDescription, Release, ReleasedAggregate
from rtcm_xblocks.roadmap.figures import roadmap_for
from rtcm_xblocks.roadmap.render import render_page
from rtcm_xblocks.roadmap.tables import csv_text, xlsx_bytes

RUNS = 50
LEARNERS = 1_000
K = 5


def _key(run, phase):
    return f"block-v1:BENCH+C{run % 10}+R{run}+type@rtcm_needs_assessment+block@{phase}"


def populate():
    """Store the 100 released blocks (and nothing else: what earlier sections stored is removed); return seconds spent."""
    for model in (ReleasedAggregate, Release, BlockDescription):
        model.objects.all().delete()
    started = time.perf_counter()
    rng = random.Random(2026)
    framework = load_framework(DEFAULT_FRAMEWORK)
    description = framework.to_dict()
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for run in range(RUNS):
        for phase in ("pre", "post"):
            key = _key(run, phase)
            stats = cohort.CohortStats.from_submissions(random_submission(framework, rng) for _ in range(LEARNERS))
            shown = disclosure.groups_to_show(stats.atoms(), K) or frozenset()
            ReleasedAggregate.objects.bulk_create([
                ReleasedAggregate(block_key=key, by=by, value=value, competency=competency,
                                  n=sums.n, sum_importance=sums.importance, sum_proficiency=sums.proficiency)
                for (by, value, competency), sums in sorted(stats.sums.items())
            ], batch_size=2000)
            Release.objects.create(block_key=key, released_at=start, min_group_size=K,
                                   shown=sorted([cohort.GROUP_BY[index], value] for index, value in shown))
            BlockDescription.objects.create(
                block_key=key, course_key=f"course-v1:BENCH+C{run % 10}+R{run}", title=f"Run {run} {phase}",
                phase=phase, pre_key=_key(run, "pre") if phase == "post" else "", framework_id=framework.id,
                framework=description, min_group_size=K, cohort_start=start + timedelta(days=20 * run),
            )
    return time.perf_counter() - started


def _peak_mb(func):
    tracemalloc.start()
    func(0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def run():
    """Measure; return Markdown."""
    seconds = populate()
    translator = language_translator("en")
    chosen = [f"course-v1:BENCH+C{run % 10}+R{run}" for run in range(0, RUNS, 5)]

    def figures(_i, courses=None):
        roadmap = roadmap_for(courses)
        assert roadmap["blocks"]["used"] == (2 * len(courses) if courses else 2 * RUNS), roadmap["blocks"]
        return roadmap

    def command(_i, courses=None):
        roadmap = figures(_i, courses)
        render_page(roadmap, translator.gettext, translator.ngettext)
        csv_text(roadmap, translator.gettext)
        xlsx_bytes(roadmap, translator.gettext)

    rows = []
    for label, func in (("figures (`roadmap_for`), every run", figures),
                        ("figures, 10 chosen runs", lambda i: figures(i, chosen)),
                        ("command: figures + HTML + CSV + XLSX, every run", command)):
        timing = measure(func, repeat=5, warmup=1)
        rows.append([label, f'{timing["ms"]:.0f}', f'{timing["cpu_ms"]:.0f}', f'{timing["queries"]:.0f}', f"{_peak_mb(func):.1f}"])
    rows_stored = ReleasedAggregate.objects.count()
    return (table(["100 blocks × 1,000 submissions", "median ms", "CPU ms", "queries", "peak MB"], rows)
            + f"\n\n{rows_stored:,} released aggregate rows; setup {seconds:.1f} s.")
