"""A learner plays a simulation in headless Chromium: meters, dialogue, media, a hint, a timed step, the time-limit
setting, going back and the debrief per competency; with the keyboard alone; right to left on a 320 px phone.

The case (simulation_case.xml) is loaded in the SDK workbench and every move goes through the block's real handlers.
Waits are generous and nothing is asserted about speed: the timed step's limit is 5 seconds, and a test that needs
the limit to have passed waits for the server to say so.
"""
import pathlib
import re
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.scenario.test_browser import focused, tab_until, text_of, wait_for_focus
from tests.workbench import load_scenario

CASE = (pathlib.Path(__file__).parent / "simulation_case.xml").read_text(encoding="utf-8")

# What an automated checker (axe's basic rules) would flag on the block: images without alt, controls and meters
# without an accessible name, tables without caption or header scope, duplicate ids, live regions.
ACCESSIBILITY = """
var root = document.querySelector('.rtcm-scenario');
function named(el) {
  return (el.labels && el.labels.length && el.labels[0].textContent.trim()) || el.getAttribute('aria-label') ||
    (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby')).textContent.trim()) ||
    (el.tagName !== 'METER' && el.textContent.trim());
}
var ids = Array.prototype.map.call(root.querySelectorAll('[id]'), function (el) { return el.id; });
return {
  images: Array.prototype.filter.call(root.querySelectorAll('img'), function (img) { return !img.hasAttribute('alt'); }).length,
  unnamed: Array.prototype.filter.call(root.querySelectorAll('button, input, textarea, meter, summary'),
    function (el) { return !named(el); }).map(function (el) { return el.outerHTML; }),
  tables: Array.prototype.map.call(root.querySelectorAll('table'), function (t) { return t.caption ? t.caption.textContent : null; }),
  headers: root.querySelectorAll('th:not([scope])').length,
  duplicates: ids.filter(function (id, index) { return ids.indexOf(id) !== index; }),
  positiveTabindex: root.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])').length
};
"""


@pytest.fixture
def simulation(transactional_db):  # pylint: disable=unused-argument
    """The simulation test case as a workbench scenario: (name, usage id)."""
    return load_scenario(CASE, name="browser_simulation")


def open_page(browser, name, student):
    browser.get(f"{browser.base_url}/scenario/{name}/?student={student}")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('.rtcm-scenario__step')"))


def script(browser, code, *args):
    return browser.execute_script(code, *args)


def live(browser):
    return text_of(browser, ".rtcm-scenario__live")


def wait_for(browser, code, timeout=10):
    WebDriverWait(browser, timeout).until(lambda d: d.execute_script(code))


def click(browser, selector):
    browser.find_element(By.CSS_SELECTOR, selector).click()


def meters(browser):
    """{label: (value, min, max, value text)} of the number meters and {label: text} of the flags."""
    return script(browser, """
        var found = {};
        document.querySelectorAll('.rtcm-scenario__meter').forEach(function (item) {
          var meter = item.querySelector('meter');
          if (meter) {
            found[meter.labels[0].textContent] = [meter.value, meter.min, meter.max, meter.getAttribute('aria-valuetext')];
          } else {
            found[item.getAttribute('data-variable')] = item.textContent;
          }
        });
        return found;""")


def choose(browser, choice, then):
    click(browser, f'[data-choice="{choice}"]')
    wait_for_focus(browser, then)


def set_timing(browser, value):
    script(browser, "document.querySelector('.rtcm-scenario__timing').open = true;")
    click(browser, f'.rtcm-scenario__timing input[value="{value}"]')
    wait_for(browser, "return !document.querySelector('.rtcm-scenario[aria-busy]');")


def test_meters_change_after_a_choice_and_the_change_is_announced(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "meter_learner")
    assert meters(browser) == {"Trust": [1, 0, 5, "1 of 5"], "asked": "Papers checked: no"}
    assert "Hidden score" not in text_of(browser, ".rtcm-scenario")

    choose(browser, "separate", "-feedback")
    assert meters(browser) == {"Trust": [3, 0, 5, "3 of 5"], "asked": "Papers checked: yes"}
    WebDriverWait(browser, 5).until(lambda d: "Trust: 3 of 5" in live(d) and "Papers checked: yes" in live(d))
    assert "Next step: The queue grows." in live(browser)


def test_a_step_shows_its_dialogue_media_and_a_hint_with_its_cost(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "media_learner")
    lines = script(browser, """
        return Array.prototype.map.call(document.querySelectorAll('.rtcm-scenario__line'), function (line) {
          var img = line.querySelector('img');
          return [img && img.getAttribute('src'), img && img.getAttribute('alt'),
                  line.querySelector('.rtcm-scenario__speaker').textContent, line.querySelector('.rtcm-scenario__html').textContent];
        });""")
    assert lines == [["/static/aigerim.png", "", "Aigerim, the traveller", "I am going to work in a hotel."]]

    player = script(browser, """
        var v = document.querySelector('.rtcm-scenario__media video'), t = v.querySelector('track');
        var d = document.querySelector('.rtcm-scenario__media details');
        return [v.controls, v.getAttribute('preload'), v.autoplay, v.getAttribute('src'), t.kind, t.getAttribute('src'),
                t.srclang, !!t.label, d.open, d.querySelector('summary').textContent, d.textContent];""")
    assert player[:9] == [True, "none", False, "/static/arrival.mp4", "captions", "/static/arrival.vtt", "en", True, False]
    assert player[9] == "Transcript" and "The man hands over both passports." in player[10]

    button = browser.find_element(By.CSS_SELECTOR, "[data-action=hint]")
    assert button.text == "Show a hint (costs 1 point)"
    assert "Think about who answers" not in text_of(browser, ".rtcm-scenario__step")
    script(browser, "document.querySelector('video').rtcmMark = 'the same player';")
    button.click()
    wait_for_focus(browser, "-hint")
    # a clip being watched is not restarted by revealing the hint
    assert script(browser, "return document.querySelector('video').rtcmMark") == "the same player"
    assert script(browser, "return document.querySelector('.rtcm-scenario__hintbox').getAttribute('aria-live')") == "polite"
    assert "Think about who answers for her." in text_of(browser, ".rtcm-scenario__hintbox")

    browser.refresh()
    wait_for(browser, "return !!document.querySelector('.rtcm-scenario__hintbox')")
    assert "Think about who answers for her." in text_of(browser, ".rtcm-scenario__hintbox")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-action=hint]")


def test_a_timed_step_waits_for_the_learner_then_counts_down_and_time_up_takes_the_timeout(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "timed_learner")
    choose(browser, "separate", "-feedback")
    start = browser.find_element(By.CSS_SELECTOR, "[data-action=start-timer]")
    assert start.text == "I am ready — start the clock (5 seconds)"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-choice]")
    assert text_of(browser, ".rtcm-scenario__timer") == "Time limit: 00:05"
    assert "The bus driver" in text_of(browser, ".rtcm-scenario__step")  # the step can be read before the clock runs
    where = "return document.querySelector('.rtcm-scenario__step .rtcm-scenario__html').getBoundingClientRect().top + window.scrollY"
    before = script(browser, where)

    start.click()
    wait_for(browser, "return !!document.querySelector('[data-choice=colleague]')")
    clock = text_of(browser, ".rtcm-scenario__timer")
    assert re.fullmatch(r"Time left: 00:0[0-5]", clock), clock
    assert script(browser, where) == before  # the clock had its place before it started: the text does not move
    assert script(browser, "return document.querySelector('.rtcm-scenario__timer').getAttribute('role')") == "timer"
    WebDriverWait(browser, 5).until(lambda d: "The clock has started: you have 5 seconds." in live(d))

    wait_for_focus_within(browser, "-debrief", 30)
    debrief = text_of(browser, ".rtcm-scenario__debrief")
    assert "Left behind" in debrief and "Time ran out:" in debrief and "You hesitated" in debrief
    WebDriverWait(browser, 5).until(lambda d: "Time is up. The case has ended: Left behind." in live(d))


def wait_for_focus_within(browser, suffix, timeout):
    WebDriverWait(browser, timeout).until(lambda driver: (focused(driver)[0] or "").endswith(suffix))


def test_a_choice_that_reaches_the_server_after_the_limit_says_time_ran_out(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "late_learner")
    choose(browser, "separate", "-feedback")
    script(browser, "window.setInterval = function () { return 0; };")  # a phone asleep: the page's clock stands still
    click(browser, "[data-action=start-timer]")
    wait_for(browser, "return !!document.querySelector('[data-choice=colleague]')")
    time.sleep(8)  # the 5-second limit and the server's 2-second grace have passed
    choose(browser, "colleague", "-debrief")
    WebDriverWait(browser, 5).until(lambda d: "Time ran out before your choice arrived." in live(d))
    debrief = text_of(browser, ".rtcm-scenario__debrief")
    assert "Left behind" in debrief and "Time ran out:" in debrief


# The network between page and server fails every time_up (a proxy answering 503), and counts the calls.
TIME_UP_FAILS = """
var real = window.fetch;
window.timeUps = 0;
window.fetch = function (url) {
  if (String(url).indexOf('/time_up/') < 0) { return real.apply(this, arguments); }
  window.timeUps += 1;
  return Promise.resolve(new Response(JSON.stringify({error: 'unavailable', message: 'The service is unavailable.'}),
                                      {status: 503, headers: {'Content-Type': 'application/json'}}));
};
"""


def test_when_time_up_keeps_failing_the_page_says_so_and_stops_asking(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "failing_learner")
    choose(browser, "separate", "-feedback")
    script(browser, TIME_UP_FAILS)
    click(browser, "[data-action=start-timer]")
    wait_for(browser, "return window.timeUps >= 3", timeout=30)
    time.sleep(3)  # a page that looped would have called hundreds of times by now
    assert script(browser, "return window.timeUps") == 3
    assert text_of(browser, ".rtcm-scenario__error") == "The service is unavailable."
    assert text_of(browser, ".rtcm-scenario__timer") == "Time left: 00:00"


def test_the_learner_lengthens_or_turns_off_the_time_limit_and_it_applies_at_once(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "untimed_learner")
    assert script(browser, "return document.querySelector('.rtcm-scenario__timing input:checked').value") == "standard"
    assert text_of(browser, ".rtcm-scenario__timing summary") == "Time limits"
    choose(browser, "separate", "-feedback")

    set_timing(browser, "extended")
    assert browser.find_element(By.CSS_SELECTOR, "[data-action=start-timer]").text == \
        "I am ready — start the clock (50 seconds)"
    WebDriverWait(browser, 5).until(lambda d: "Time limits: ten times longer." in live(d))
    click(browser, "[data-action=start-timer]")
    wait_for(browser, "return !!document.querySelector('[data-choice=colleague]')")
    assert re.fullmatch(r"Time left: 00:[45]\d", text_of(browser, ".rtcm-scenario__timer"))

    set_timing(browser, "untimed")  # the running clock stops: no limit at all
    wait_for(browser, "return !document.querySelector('.rtcm-scenario__timer')")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-choice=colleague]")
    WebDriverWait(browser, 5).until(lambda d: "Time limits: no time limit." in live(d))

    browser.refresh()
    wait_for(browser, "return !!document.querySelector('[data-choice=colleague]')")
    assert not browser.find_elements(By.CSS_SELECTOR, ".rtcm-scenario__timer")
    assert script(browser, "return document.querySelector('.rtcm-scenario__timing input:checked').value") == "untimed"
    choose(browser, "colleague", "-debrief")
    assert "Referred to protection" in text_of(browser, ".rtcm-scenario__debrief")


def test_going_back_makes_a_practice_attempt_and_the_debrief_says_it_is_not_graded(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "back_learner")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-action=back]")  # nothing to undo yet
    choose(browser, "together", "-feedback")
    assert meters(browser)["Trust"][0] == 0
    back = browser.find_element(By.CSS_SELECTOR, "[data-action=back]")
    assert back.text == "Go back one step (practice: this attempt will not be graded)"
    back.click()
    wait_for_focus(browser, "-step")
    assert "Two travellers at the counter" in text_of(browser, ".rtcm-scenario__step")
    assert "Practice attempt: not graded" in text_of(browser, ".rtcm-scenario__progress")
    assert meters(browser)["Trust"][0] == 1

    choose(browser, "separate", "-feedback")
    set_timing(browser, "untimed")
    choose(browser, "colleague", "-debrief")
    assert "(practice, not graded)" in text_of(browser, ".rtcm-scenario__score")


def test_the_debrief_shows_the_result_per_competency(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "debrief_learner")
    choose(browser, "separate", "-feedback")
    set_timing(browser, "untimed")
    choose(browser, "colleague", "-debrief")
    for _ in range(2):  # as drawn after the move, then as the server draws the page
        table = script(browser, """
            var t = document.querySelector('.rtcm-scenario__competencies');
            return [t.caption.textContent, Array.prototype.map.call(t.querySelectorAll('tbody tr'), function (row) {
              return Array.prototype.map.call(row.children, function (cell) { return [cell.tagName, cell.textContent]; });
            })];""")
        assert table[0] == "Your result per competency"
        [[(head, _title), points, score]] = table[1]
        assert head == "TH" and points == ["TD", "2 of 2"] and score == ["TD", "100%"]
        assert "(practice" not in text_of(browser, ".rtcm-scenario__score")
        browser.refresh()
        wait_for(browser, "return !!document.querySelector('.rtcm-scenario__debrief')")


def press(browser, wanted, key, then):
    """Tab to the element `wanted(focused)` picks, press `key`, wait for the focus on the id ending in `then`."""
    tab_until(browser, wanted)
    ActionChains(browser).send_keys(key).perform()
    wait_for_focus(browser, then)


def test_keyboard_only_through_hint_go_back_time_limits_and_choices(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "keyboard_sim")
    press(browser, lambda f: f[2] == "hint", Keys.ENTER, "-hint")
    press(browser, lambda f: f[1] == "together", Keys.SPACE, "-feedback")
    press(browser, lambda f: f[2] == "back", Keys.ENTER, "-step")
    press(browser, lambda f: f[1] == "separate", Keys.ENTER, "-feedback")
    tab_until(browser, lambda f: f[3] == "summary")
    ActionChains(browser).send_keys(Keys.ENTER).perform()  # opens the time-limit setting
    tab_until(browser, lambda f: f[3] == "input")
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).send_keys(Keys.ARROW_DOWN).perform()  # through "ten times longer"
    wait_for(browser, "return !!document.querySelector('[data-choice=colleague]') && !document.querySelector('.rtcm-scenario__timer')")
    assert focused(browser)[0].endswith("-timing-untimed")  # focus stays where the learner is
    WebDriverWait(browser, 5).until(lambda d: "Time limits: no time limit." in live(d))

    press(browser, lambda f: f[1] == "colleague", Keys.ENTER, "-debrief")
    assert "Referred to protection" in text_of(browser, ".rtcm-scenario__debrief")


def test_accessibility_basics_on_every_state_of_the_page(browser, simulation):
    name, _usage_id = simulation
    open_page(browser, name, "axe_learner")

    def check():
        found = script(browser, ACCESSIBILITY)
        assert found["images"] == 0 and found["unnamed"] == [] and found["headers"] == 0
        assert found["duplicates"] == [] and found["positiveTabindex"] == 0
        assert all(found["tables"])

    check()
    click(browser, "[data-action=hint]")
    wait_for_focus(browser, "-hint")
    check()
    choose(browser, "separate", "-feedback")
    check()
    set_timing(browser, "untimed")
    choose(browser, "colleague", "-debrief")
    check()


def test_right_to_left_on_a_320_pixel_phone(browser, simulation, settings):
    settings.LANGUAGE_CODE = "fa"
    name, _usage_id = simulation
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False})
    try:
        open_page(browser, name, "rtl_sim")
        script(browser, "document.documentElement.dir = 'rtl';"
                        " document.querySelector('.rtcm-scenario__transcript').open = true;"
                        " document.querySelector('.rtcm-scenario__timing').open = true;")
        layout = script(browser, """
            var line = document.querySelector('.rtcm-scenario__line'), img = line.querySelector('img').getBoundingClientRect();
            var said = line.querySelector('.rtcm-scenario__said').getBoundingClientRect();
            var block = document.querySelector('.rtcm-scenario'), wide = [];
            block.querySelectorAll('*').forEach(function (node) {
              var box = node.getBoundingClientRect();
              if (box.width && (box.left < -0.5 || box.right > window.innerWidth + 0.5)) { wide.push(node.outerHTML.slice(0, 80)); }
            });
            return {portraitOnTheRight: img.left >= said.right, wide: wide, scrolls: block.scrollWidth > block.clientWidth,
                    hintStart: getComputedStyle(document.querySelector('[data-action=hint]')).textAlign};""")
        assert layout == {"portraitOnTheRight": True, "wide": [], "scrolls": False, "hintStart": "start"}

        choose(browser, "separate", "-feedback")
        set_timing(browser, "untimed")
        choose(browser, "colleague", "-debrief")
        wide = script(browser, """
            var t = document.querySelector('.rtcm-scenario__competencies').getBoundingClientRect();
            return [t.left >= -0.5, t.right <= window.innerWidth + 0.5];""")
        assert wide == [True, True]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
