"""Timing and SQL-query counting around the XBlock SDK workbench, shared by every benchmark."""
import gc
import json
import os
import statistics
import time

import django

# The workbench settings on an in-memory database: every block measured pays the same per-query cost.
os.environ.setdefault("WORKBENCH_DATABASES", json.dumps({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench_site.settings")


def setup_django():
    """Configure Django on an in-memory database with every table the workbench and our app need."""
    django.setup()
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    call_command("migrate", run_syncdb=True, verbosity=0)


def measure(func, repeat=30, warmup=3):
    """Run `func` (given the iteration number) `repeat` times; return median ms and mean SQL queries per call.

    Also `cpu_ms`, the median processor time of this process per call: on a machine shared with
    other work, wall time includes waiting for a core, processor time does not.
    """
    from django.db import connection, reset_queries  # pylint: disable=import-outside-toplevel
    from django.test.utils import CaptureQueriesContext  # pylint: disable=import-outside-toplevel

    for i in range(warmup):
        func(-1 - i)
    times, cpu, queries = [], [], []
    gc.collect()
    for i in range(repeat):
        reset_queries()  # the query log keeps 9,000 entries: counted against a full log every call would show 0
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            func(i)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries.append(len(captured.captured_queries))
    return {"ms": statistics.median(times), "cpu_ms": statistics.median(cpu), "queries": statistics.mean(queries)}


def measure_interleaved(funcs, repeat=30, warmup=3):
    """Like `measure` for several rivals {name: func}, taking turns call by call (in an order that rotates).

    Measuring one block's calls and then the other's lets any change in the machine's load between the
    two runs decide the comparison; taking turns gives every rival the same conditions.
    Returns {name: {"ms": median, "queries": mean}}.
    """
    from django.db import connection, reset_queries  # pylint: disable=import-outside-toplevel
    from django.test.utils import CaptureQueriesContext  # pylint: disable=import-outside-toplevel

    names = list(funcs)
    for i in range(warmup):
        for name in names:
            funcs[name](-1 - i)
    times = {name: [] for name in names}
    queries = {name: [] for name in names}
    gc.collect()
    for i in range(repeat):
        for name in names[i % len(names):] + names[:i % len(names)]:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                funcs[name](i)
                times[name].append((time.perf_counter() - start) * 1000)
            queries[name].append(len(captured.captured_queries))
    return {name: {"ms": statistics.median(times[name]), "queries": statistics.mean(queries[name])}
            for name in names}


def load_xml(xml, slug):
    """Parse OLX with the workbench runtime (as the workbench does for its scenarios); return the usage id."""
    from workbench.runtime import WorkbenchRuntime  # pylint: disable=import-outside-toplevel

    runtime = WorkbenchRuntime()
    runtime.id_generator.set_scenario(slug)
    return runtime.parse_xml_string(xml)


def block_for(usage_id, student, asides=True):
    """The block as a fresh workbench runtime builds it for one request.

    With `asides=False` the runtime offers no XBlock asides, as the LMS and Studio runtimes do
    while asides are disabled (their default configuration). The stock workbench runtime instead
    looks for aside classes in every installed package's entry points on each render, which costs
    the same for any block and which a learner's request in Open edX does not pay.
    """
    from workbench.runtime import WorkbenchRuntime  # pylint: disable=import-outside-toplevel

    runtime = WorkbenchRuntime(student)
    if not asides:
        runtime.applicable_aside_types = lambda block: []
    return runtime.get_block(usage_id)


def call_handler(usage_id, handler, body, student):
    """Call a handler through the workbench's own view and URL, as the browser does; return (status, JSON)."""
    from django.test import Client  # pylint: disable=import-outside-toplevel

    response = Client().post(f"/handler/{usage_id}/{handler}/?student={student}",
                             data=json.dumps(body), content_type="application/json")
    return response.status_code, json.loads(response.content or b"null")


def table(headers, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def print_run(run):
    """Set Django up, call `run()` (which returns (figures, Markdown)) and print its Markdown and total time."""
    setup_django()
    started = time.perf_counter()
    _, markdown = run()
    print(markdown)
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
