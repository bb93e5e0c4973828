"""The Studio map editor on a generated 150-step scenario, in headless Chromium against the workbench.

Measured: the editor page from navigation to the map, outline and problem list drawn (the page
carries the server's first validation and layout); one live re-validation after an edit (the
draft sent to `validate_draft`, the answer drawn); a structural edit (a new step added, validated,
laid out and drawn); and, without a browser, the `validate_draft` handler itself. Run with
`python -m bench.studio_editor` (needs Debian's chromium and chromedriver).
"""
import json
import shutil
import statistics
import tempfile

from bench.harness import call_handler, load_xml, measure, print_run, table

STEPS = 150
BROKEN = 10
ENDINGS = ("protected", "partial", "delayed", "refused")
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
STAFF = "staff_bench"
BODY = ("<p>The duty officer reviews the file again. The traveller's account has changed, the "
        "interpreter is late and the queue is growing.</p>")

EDIT_AND_WAIT = """
const done = arguments[arguments.length - 1];
const root = document.querySelector('.rtcm-studio');
const input = root.querySelector('[data-role="editor"] input[type="text"]');
const before = root.getAttribute('data-validated');
const start = performance.now();
input.value = input.value + ' x';
input.dispatchEvent(new Event('input', {bubbles: true}));
(function wait() {
  if (root.getAttribute('data-validated') !== before && !root.hasAttribute('data-pending')) {
    requestAnimationFrame(() => done(performance.now() - start));
  } else { setTimeout(wait, 2); }
})();
"""

ADD_STEP_AND_WAIT = """
const done = arguments[arguments.length - 1];
const root = document.querySelector('.rtcm-studio');
const boxes = root.querySelectorAll('.rtcm-map__box').length;
const start = performance.now();
root.querySelector('[data-action="add-step"]').click();
(function wait() {
  if (root.querySelectorAll('.rtcm-map__box').length > boxes && !root.hasAttribute('data-pending')) {
    requestAnimationFrame(() => done(performance.now() - start));
  } else { setTimeout(wait, 2); }
})();
"""


def scenario_xml(steps=STEPS, broken=0):
    """A valid connected scenario: each step moves on (2 points) or skips ahead; every fifth may repeat itself.

    With `broken` > 0, every `broken`-th shortcut leads to a missing step, and `broken` stray
    steps that nothing leads to and that lead nowhere but to themselves are added.
    """
    parts = [f'<rtcm_scenario display_name="Bench {steps}" scoring="path" max_attempts="0">',
             "<intro><p>A long generated case.</p></intro>"]
    for number in range(steps + broken):
        step = f"s{number}"
        after = f"s{number + 1}" if number + 1 < steps else ENDINGS[0]
        skip = f"s{number + 4}" if number + 4 < steps else ENDINGS[1 + number % 3]
        if broken and number % broken == 0:
            skip = f"missing{number}"
        if number >= steps:
            after = skip = step
        parts.append(f'<step id="{step}" title="Decision {number + 1}"><body>{BODY}</body>')
        parts.append(f'<choice id="follow" to="{after}" points="2" expert="true"><label>Follow the procedure '
                     f'({number + 1})</label><feedback><p>Right.</p></feedback></choice>')
        parts.append(f'<choice id="skip" to="{skip}" points="0"><label>Take the shortcut ({number + 1})</label>'
                     "<feedback><p>A safeguard skipped.</p></feedback></choice>")
        if number % 5 == 4:
            parts.append(f'<choice id="back" to="{step}" points="0"><label>Check again ({number + 1})</label>'
                         "<feedback><p>Time lost.</p></feedback></choice>")
        parts.append("</step>")
    for ending in ENDINGS:
        points = 10 if ending == "protected" else 2
        parts.append(f'<ending id="{ending}" title="Ending {ending}" outcome="neutral" points="{points}">'
                     "<body><p>Debrief.</p></body></ending>")
    parts.append("</rtcm_scenario>")
    return "".join(parts)


def _browser():
    from selenium import webdriver  # pylint: disable=import-outside-toplevel
    from selenium.webdriver.chrome.service import Service  # pylint: disable=import-outside-toplevel

    profile = tempfile.mkdtemp(prefix="rtcm-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    return driver, profile


def _live_server():
    """The workbench served by Django's live-server thread, sharing the in-memory database."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler  # pylint: disable=import-outside-toplevel
    from django.db import connections  # pylint: disable=import-outside-toplevel
    from django.test.testcases import LiveServerThread  # pylint: disable=import-outside-toplevel

    connection = connections["default"]
    connection.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={"default": connection}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread, f"http://127.0.0.1:{thread.port}"


def open_editor(driver, base_url, name, timeout=30):
    """Open the editor of workbench scenario `name` as staff; return when it was ready (ms after navigation)."""
    from selenium.webdriver.support.ui import WebDriverWait  # pylint: disable=import-outside-toplevel

    driver.get(f"{base_url}/scenario/{name}/studio_view/?student={STAFF}")
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.querySelector('.rtcm-studio[data-ready]') !== null"))
    return float(driver.execute_script("return document.querySelector('.rtcm-studio').getAttribute('data-ready-at')"))


def _browser_figures(base_url, name, repeat):
    driver, profile = _browser()
    try:
        loads, edits, adds = [], [], []
        for _ in range(repeat):
            loads.append(open_editor(driver, base_url, name))
            boxes = driver.execute_script("return document.querySelectorAll('.rtcm-map__box').length")
            driver.execute_script("document.querySelector('.rtcm-map__box[data-key=\"box:s75\"]')"
                                  ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
            edits.append(driver.execute_async_script(EDIT_AND_WAIT))
            adds.append(driver.execute_async_script(ADD_STEP_AND_WAIT))
        return {"load": statistics.median(loads), "edit": statistics.median(edits), "add": statistics.median(adds),
                "boxes": boxes}
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _broken_figures(base_url, name, repeat):
    """Load time of a scenario with problems, the problems listed and the boxes the map marks."""
    driver, profile = _browser()
    try:
        loads = []
        for _ in range(repeat):
            loads.append(open_editor(driver, base_url, name))
        listed = driver.execute_script("return document.querySelectorAll('[data-role=\"problems\"] li').length")
        marked = driver.execute_script("return document.querySelectorAll('.rtcm-map__box--problem').length")
        return {"load": statistics.median(loads), "listed": listed, "marked": marked}
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run(repeat=5):
    """Measure; return (figures, Markdown)."""
    from tests.workbench import load_scenario  # pylint: disable=import-outside-toplevel
    from workbench.runtime import WorkbenchRuntime  # pylint: disable=import-outside-toplevel

    xml = scenario_xml()
    name, usage_id = load_scenario(xml, name="bench_studio_150")
    block = WorkbenchRuntime(STAFF).get_block(usage_id)
    draft = {"scenario": block.scenario, "settings": block._current_settings()}  # pylint: disable=protected-access
    status, report = call_handler(usage_id, "validate_draft", draft, STAFF)
    assert status == 200 and report["summary"]["steps"] == STEPS, (status, report)
    server = measure(lambda _i: call_handler(usage_id, "validate_draft", draft, STAFF), repeat=20, warmup=2)
    payload_kb = len(json.dumps(draft)) / 1024
    broken_name, _broken_usage = load_scenario(scenario_xml(broken=BROKEN), name="bench_studio_150_broken")
    thread, base_url = _live_server()
    try:
        figures = _browser_figures(base_url, name, repeat)
        broken = _broken_figures(base_url, broken_name, repeat)
    finally:
        thread.terminate()
    figures.update(server_ms=server["ms"], payload_kb=payload_kb, problems_server=len(report["problems"]))
    assert figures["boxes"] == STEPS + len(ENDINGS), figures
    rows = [
        ("Editor page: navigation to map, outline and problems drawn", f"{figures['load']:.0f} ms"),
        ("Edit a title: the 350 ms typing pause, then validated on the server and redrawn",
         f"{figures['edit']:.0f} ms"),
        ("Add a step: validated, laid out and drawn", f"{figures['add']:.0f} ms"),
        ("validate_draft handler alone (workbench, no browser)", f"{figures['server_ms']:.1f} ms"),
        ("Draft sent per validation", f"{figures['payload_kb']:.0f} KB"),
        ("Boxes on the map / problems listed", f"{figures['boxes']} / {figures['problems_server']}"),
        (f"With {STEPS // BROKEN} broken choices and {BROKEN} stray steps: editor page drawn",
         f"{broken['load']:.0f} ms"),
        ("… problems listed / boxes marked on the map", f"{broken['listed']} / {broken['marked']}"),
    ]
    markdown = (f"{STEPS} steps, {len(ENDINGS)} endings, about {STEPS * 2 + STEPS // 5} choices with loops; "
                f"medians of {repeat} runs in headless Chromium.\n\n" + table(["measure", "value"], rows))
    return figures, markdown


if __name__ == "__main__":
    print_run(run)
