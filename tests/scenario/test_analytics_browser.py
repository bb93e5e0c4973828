"""Course staff open a scenario's Results panel in headless Chromium: keyboard only, labelled tables, a weighted map, RTL."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.scenario.cases import case
from tests.scenario.test_browser import focused, tab_until
from tests.workbench import Workbench, load_scenario


@pytest.fixture
def played(transactional_db):  # pylint: disable=unused-argument
    """The test case, played by three learners through the real handlers."""
    name, usage_id = load_scenario(case(expert=True, max_attempts=0), name="browser_results")
    client = Workbench()
    for student, moves in {"one": [("zq_start", "zq_good"), ("zq_mid", "zq_finish")],
                           "two": [("zq_start", "zq_bad")], "three": [("zq_start", "zq_bad")]}.items():
        for step, choice in moves:
            assert client.call(usage_id, "choose", {"step": step, "choice": choice}, student=student)[0] == 200
    return name


def open_results(browser, name, student):
    browser.get(f"{browser.base_url}/scenario/{name}/?student={student}")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('[data-choice]')"))


def test_staff_open_the_results_with_the_keyboard_and_read_labelled_tables_and_a_weighted_map(browser, played):
    open_results(browser, played, "staff_results")
    tab_until(browser, lambda f: f[3] == "button" and browser.execute_script(
        "return document.activeElement.getAttribute('data-results') === 'show';"))
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.rtcm-scenario__results-table').length > 0;"))
    panel = browser.execute_script("""
        var body = document.querySelector('.rtcm-scenario__results-body');
        var tables = Array.prototype.map.call(body.querySelectorAll('table'), function (t) {
          return [t.querySelector('caption').textContent, t.querySelectorAll('th[scope=col]').length,
                  t.querySelectorAll('tbody th[scope=row]').length];
        });
        var lines = Array.prototype.map.call(body.querySelectorAll('polyline'), function (l) {
          return [l.querySelector('title').textContent, parseFloat(l.getAttribute('stroke-width'))];
        });
        var map = body.querySelector('svg');
        return {expanded: document.querySelector('[data-results=show]').getAttribute('aria-expanded'),
                summary: body.querySelector('.rtcm-scenario__results-summary').textContent, tables: tables,
                lines: lines, mapLabel: document.getElementById(map.getAttribute('aria-labelledby')).textContent,
                described: !!document.getElementById(map.getAttribute('aria-describedby')),
                csv: body.querySelector('a[download]').getAttribute('href')};""")
    assert panel["expanded"] == "true"
    assert "3 learners have started this case and 3 finished it" in panel["summary"]
    captions = [caption for caption, _cols, _rows in panel["tables"]]
    assert captions[0] == "Steps" and "Choices at \u201cTitle zq_start\u201d" in captions and "Endings reached" in captions
    assert all(cols >= 2 and rows >= 1 for _caption, cols, rows in panel["tables"])
    widths = dict(panel["lines"])
    assert widths["Label zq_bad: 2 learners"] > widths["Label zq_good: 1 learner"] > widths["Label zq_side: 0 learners"]
    assert "each line is as thick" in panel["mapLabel"] and panel["described"]
    assert "analytics_csv" in panel["csv"]
    # The map scrolls sideways and takes the focus; the panel closes again from the keyboard.
    tab_until(browser, lambda f: browser.execute_script(
        "return document.activeElement.classList.contains('rtcm-scenario__map-frame');"))
    browser.execute_script("document.querySelector('[data-results=show]').focus();")
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    assert browser.execute_script("return document.querySelector('.rtcm-scenario__results-body').hidden;")
    assert focused(browser)[3] == "button"


def test_learners_have_no_results_panel(browser, played):
    open_results(browser, played, "learner_fresh")
    assert not browser.execute_script("return !!document.querySelector('.rtcm-scenario__results');")


def test_the_results_read_right_to_left_on_a_narrow_screen(browser, played):
    browser.set_window_size(380, 900)
    open_results(browser, played, "staff_rtl")
    browser.execute_script("document.documentElement.dir = 'rtl'; document.querySelector('[data-results=show]').click();")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.rtcm-scenario__results-table').length > 0;"))
    found = browser.execute_script("""
        var cell = document.querySelector('.rtcm-scenario__results-table th[scope=row]');
        var frame = document.querySelector('.rtcm-scenario__map-frame').getBoundingClientRect();
        return [getComputedStyle(cell).textAlign, getComputedStyle(cell).direction,
                frame.right <= document.documentElement.clientWidth + 1, frame.left >= -1];""")
    assert found == ["start", "rtl", True, True]
