"""The scenario editor at scale (issue 9): a 2,000-step chain and a densely connected 250-step scenario.

Shapes (tests/scenario/large.py): a chain whose every step also has a way out to one ending (the
long arrows a map has to route); 250 steps each leading to 25 others spread over the scenario;
and 250 steps each leading to every other one (62,250 choices). Measured in the SDK workbench
runtime, without a browser:
- the core's validation (`validation.validate`: what Studio's validation, through the block's
  `validate()`, and the course checks run) and the block's `validate()` itself;
- the editor's live validation: the `validate_draft` handler through the workbench's URL (the
  draft read and checked, problems, summary and map layout answered);
- the unit page (`author_view`) and the editor (`studio_view`) rendered, and the bytes each
  ships (HTML, JS, CSS and init data, without the workbench page around them);
- the map layout alone without its size limit (`layout(..., bounded=False)`) on chains of growing
  length, to show it grows near-linearly;
- in headless Chromium, the editor page from navigation to ready, at the map's size limit (drawn)
  and beyond it (outline only).
Targets (issue 9): validation of either shape under 1 s, `author_view` under 100 ms.
Run with `python -m bench.editor_scale` (or `make bench`).
"""
import json
import shutil
import statistics

from bench.harness import call_handler, measure, print_run, table

STAFF = "staff_bench"
REQUEST_LIMIT = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE default: a larger draft is refused


def _shapes():
    from tests.scenario.large import dense, exit_chain  # pylint: disable=import-outside-toplevel

    return [("Chain of 2,000 steps, each with a way out", exit_chain(2000)),
            ("250 steps, each leading to 25 others", dense(250, 25)),
            ("250 steps, each leading to every other (62,250 choices)", dense(250))]


def _sent(usage_id, view):
    from tests.workbench import get_block  # pylint: disable=import-outside-toplevel

    block = get_block(usage_id, STAFF)
    return block.runtime.render(block, view, {})


def _shape_row(label, scenario, repeat):
    from rtcm_xblocks.scenario import validation  # pylint: disable=import-outside-toplevel
    from tests.scenario.large import to_olx  # pylint: disable=import-outside-toplevel
    from tests.workbench import get_block, load_scenario  # pylint: disable=import-outside-toplevel

    _name, usage_id = load_scenario(to_olx(scenario))
    block = get_block(usage_id, STAFF)
    draft = {"scenario": scenario.to_dict(), "settings": block._current_settings()}  # pylint: disable=protected-access
    body = len(json.dumps(draft))
    core = measure(lambda _i: validation.validate(scenario), repeat=repeat, warmup=1)
    studio = measure(lambda _i: get_block(usage_id, STAFF).validate(), repeat=repeat, warmup=1)
    if body <= REQUEST_LIMIT:
        status, report = call_handler(usage_id, "validate_draft", draft, STAFF)
        assert status == 200 and not report["problems"], (status, report.get("problems"))
        handler = _ms(measure(lambda _i: call_handler(usage_id, "validate_draft", draft, STAFF),
                              repeat=repeat, warmup=1))
        handler += " (map left out)" if report["layout"]["omitted"] else ""
    else:
        handler = f"draft of {body / 1e6:.1f} MB: over the request limit"
    author = measure(lambda _i: _sent(usage_id, "author_view"), repeat=repeat, warmup=1)
    editor = measure(lambda _i: _sent(usage_id, "studio_view"), repeat=repeat, warmup=1)
    author_kb = len(json.dumps(_sent(usage_id, "author_view").to_dict())) / 1024
    editor_kb = len(json.dumps(_sent(usage_id, "studio_view").to_dict())) / 1024
    choices = sum(len(step.choices) for step in scenario.steps)
    return {"label": f"{label}: {len(scenario.steps)} steps, {choices} choices",
            "core": _ms(core), "studio": _ms(studio), "handler": handler,
            "author": _ms(author), "author_kb": author_kb, "editor": _ms(editor), "editor_kb": editor_kb}


def _ms(figures):
    return f"{figures['ms']:.0f} ms ({figures['cpu_ms']:.0f} ms CPU)"


def _layout_rows(repeat):
    from rtcm_xblocks.scenario.layout import layout  # pylint: disable=import-outside-toplevel
    from tests.scenario.large import dense, exit_chain  # pylint: disable=import-outside-toplevel

    rows = []
    shapes = [(f"chain of {steps} with ways out", exit_chain(steps)) for steps in (250, 500, 1000, 2000)]
    for label, scenario in shapes + [("50 steps each leading to every other", dense(50))]:
        result = layout(scenario, bounded=False)
        figures = measure(lambda _i, s=scenario: layout(s, bounded=False), repeat=repeat, warmup=1)
        rows.append((label, len(result.boxes), len(result.arrows), sum(len(arrow.via) for arrow in result.arrows),
                     sum(arrow.straight for arrow in result.arrows), _ms(figures),
                     f"{len(json.dumps(result.to_dict())) / 1024:.0f} KB"))
    return rows


def _browser_rows(repeat):
    """Editor page load in Chromium (the studio_editor bench's browser and live server)."""
    from bench.studio_editor import _browser, _live_server, open_editor  # pylint: disable=import-outside-toplevel
    from tests.scenario.large import exit_chain, to_olx  # pylint: disable=import-outside-toplevel
    from tests.workbench import load_scenario  # pylint: disable=import-outside-toplevel

    cases = [("498 steps and 2 endings: at the map's limit, drawn", exit_chain(498)),
             ("2,000 steps and 2 endings: beyond it, outline only", exit_chain(2000))]
    names = [(label, load_scenario(to_olx(scenario))[0]) for label, scenario in cases]
    thread, base_url = _live_server()
    driver, profile = _browser()
    rows = []
    try:
        for label, name in names:
            loads = [open_editor(driver, base_url, name, timeout=120) for _ in range(repeat)]
            boxes = driver.execute_script("return document.querySelectorAll('.rtcm-map__box').length")
            rows.append((label, f"{statistics.median(loads):.0f} ms", boxes))
    finally:
        driver.quit()
        thread.terminate()
        shutil.rmtree(profile, ignore_errors=True)
    return rows


def run(repeat=5):
    """Measure; return (figures, Markdown)."""
    shapes = [_shape_row(label, scenario, repeat) for label, scenario in _shapes()]
    layouts = _layout_rows(repeat)
    pages = _browser_rows(3)
    markdown = (
        f"Medians of {repeat} runs: wall time, and in brackets this process's processor time (the same on an idle "
        "machine; on a busy one, wall time also counts the wait for a core). Targets: validation under 1 s, "
        "author_view under 100 ms.\n\n"
        + table(["scenario", "validation.validate", "block validate()", "validate_draft handler", "author_view",
                 "studio_view"],
                [(row["label"], row["core"], row["studio"], row["handler"],
                  f"{row['author']}, {row['author_kb']:.0f} KB", f"{row['editor']}, {row['editor_kb']:.0f} KB")
                 for row in shapes])
        + "\n\nThe map layout alone, without its size limit (`bounded=False`):\n\n"
        + table(["scenario", "boxes", "arrows", "slots", "straight arrows", "time", "JSON"], layouts)
        + "\n\nThe editor page in headless Chromium, navigation to ready (median of 3):\n\n"
        + table(["scenario", "ready", "boxes drawn"], pages))
    return {"shapes": shapes, "layouts": layouts, "pages": pages}, markdown


if __name__ == "__main__":
    print_run(run)
