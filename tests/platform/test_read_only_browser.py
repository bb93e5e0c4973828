"""The learner pages in Chromium under Studio's preview and under masquerade: they say so and offer no action.

The workbench's views build `WorkbenchRuntime(student)` for pages and handlers; here they build
the mirrored runtimes of tests/platform/preview.py and tests/platform/masquerade.py instead.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from workbench import views

from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform.masquerade import MasqueradeRuntime
from tests.platform.preview import PreviewRuntime
from tests.scenario.cases import CASE
from tests.workbench import Workbench, get_block, load_scenario

POST = """
var done = arguments[arguments.length - 1], token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
fetch(arguments[0], {method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                     body: JSON.stringify(arguments[1])}).then(function (r) { return r.json().then(function (b) {
                       done([r.status, b.error]); }); });
"""


def wait_for(browser, condition):
    return WebDriverWait(browser, 10).until(lambda driver: condition(driver))  # pylint: disable=unnecessary-lambda


def controls_disabled(browser, selector):
    return browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll(arguments[0]), function (e) { return e.disabled; });",
        selector)


@pytest.fixture
def played(transactional_db):  # pylint: disable=unused-argument
    """A scenario in which `learner_ro` has made a first choice (as themselves)."""
    name, usage = load_scenario(CASE.format(expert="true"), name="read_only_case")
    assert Workbench().call(usage, "choose", {"step": "zq_start", "choice": "zq_good"}, student="learner_ro")[0] == 200
    return name, usage


@pytest.mark.parametrize("runtime, notice, refusal", [
    (MasqueradeRuntime, "You are viewing this as a specific learner", "masquerade_read_only"),
    (lambda student: PreviewRuntime(username=student), "This is a preview: nothing you do here is recorded.",
     "preview_read_only"),
])
def test_the_scenario_page_says_it_is_read_only_and_its_choices_are_disabled(browser, played, monkeypatch,
                                                                            runtime, notice, refusal):
    name, usage = played
    before = get_block(usage, student="learner_ro").user_state
    monkeypatch.setattr(views, "WorkbenchRuntime", runtime)
    browser.get(f"{browser.base_url}/scenario/{name}/?student=learner_ro")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-choice]"))
    readonly = browser.find_element(By.CSS_SELECTOR, ".rtcm-scenario__readonly")
    assert notice in readonly.text and readonly.is_displayed()
    choices = controls_disabled(browser, "[data-choice]")
    assert choices and all(choices)
    browser.find_element(By.CSS_SELECTOR, "[data-choice]").click()  # a disabled button: nothing happens
    handler_url = f"{browser.base_url}/handler/{usage}/choose/?student=learner_ro"  # as a second tab would call it
    assert browser.execute_async_script(POST, handler_url, {"step": "zq_mid", "choice": "zq_finish"}) == [403, refusal]
    assert get_block(usage, student="learner_ro").user_state == before


def test_the_self_assessment_page_under_masquerade_says_so_and_cannot_be_submitted(browser, transactional_db, monkeypatch):  # pylint: disable=unused-argument
    name, _usage = load_scenario(SMALL_FRAMEWORK, name="read_only_needs")
    monkeypatch.setattr(views, "WorkbenchRuntime", MasqueradeRuntime)
    browser.get(f"{browser.base_url}/scenario/{name}/?student=learner_ro")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".rtcm-needs__form"))
    assert "You are viewing this as a specific learner" in browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__readonly").text
    for _ in range(2):  # to the last part (the profile), where the form is submitted
        browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__nav button[type=submit]").click()
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".rtcm-needs__nav button[type=submit]").text == "Submit my answers")
    assert controls_disabled(browser, ".rtcm-needs__nav button[type=submit]") == [True]
