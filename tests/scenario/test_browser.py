"""A learner plays a workbench scenario in headless Chromium with the keyboard alone, reads the debrief and restarts."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from workbench import scenarios

from rtcm_xblocks.scenario.block import ScenarioBlock
from tests.workbench import load_scenario

OTHER_TAB_CHOOSES = """
var done = arguments[arguments.length - 1], token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
fetch(arguments[0], {method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                     body: JSON.stringify(arguments[1])}).then(function (r) { done(r.status); });
"""
EXPERT_ROUTE = ["separate", "professional", "open", "refer", "informed"]


def focused(browser):
    """(id, data-choice, data-action, tag) of the element that has the keyboard focus."""
    return browser.execute_script(
        "var e = document.activeElement; return [e.id, e.getAttribute('data-choice'),"
        " e.getAttribute('data-action'), e.tagName.toLowerCase()];")


def tab_until(browser, wanted, limit=40):
    """Press Tab until `wanted(focused)` holds; fail if it never does."""
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if wanted(focused(browser)):
            return
    pytest.fail(f"Tab never reached the wanted element; focus is on {focused(browser)}")


def wait_for_focus(browser, suffix):
    WebDriverWait(browser, 10).until(lambda driver: (focused(driver)[0] or "").endswith(suffix))


def text_of(browser, selector):
    return browser.execute_script(f"return document.querySelector({selector!r}).innerText;")


@pytest.fixture
def border_case(transactional_db):  # pylint: disable=unused-argument
    """The border-screening sample loaded as a workbench scenario."""
    xml = dict((title.split(": ", 1)[1], xml) for title, xml in ScenarioBlock.workbench_scenarios())[
        "Screening a mixed arrival"]
    name, _usage_id = load_scenario(xml, name="browser_border_case")
    return name


def test_keyboard_only_play_to_an_ending_debrief_reflection_and_restart(browser, border_case):
    browser.get(f"{browser.base_url}/scenario/{border_case}/?student=keyboard_learner")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('[data-choice]')"))
    assert "Two travellers at the counter" in text_of(browser, ".rtcm-scenario__step")

    for number, choice in enumerate(EXPERT_ROUTE):
        tab_until(browser, lambda f, choice=choice: f[1] == choice)
        key = Keys.ENTER if number % 2 == 0 else Keys.SPACE
        ActionChains(browser).send_keys(key).perform()
        if number < len(EXPERT_ROUTE) - 1:
            wait_for_focus(browser, "-feedback")
            assert "What happened" in text_of(browser, ".rtcm-scenario__feedback")

    wait_for_focus(browser, "-debrief")
    debrief = text_of(browser, ".rtcm-scenario__debrief")
    assert "Referred to protection" in debrief
    assert "Your score for this attempt: 100%" in debrief
    assert "Invite her into the interview room for a routine check" in debrief
    assert "Separating travellers is a routine step" in debrief
    assert "The expert path" in debrief
    WebDriverWait(browser, 5).until(
        lambda d: "The case has ended: Referred to protection." in text_of(d, ".rtcm-scenario__live"))

    tab_until(browser, lambda f: f[3] == "textarea")
    ActionChains(browser).send_keys("Next time I would call the interpreter first.").perform()
    tab_until(browser, lambda f: f[3] == "button" and f[2] is None)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 5).until(
        lambda d: "Your reflection has been saved." in text_of(d, ".rtcm-scenario__live"))

    tab_until(browser, lambda f: f[2] == "restart")
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    wait_for_focus(browser, "-step")
    step = text_of(browser, ".rtcm-scenario__step")
    assert "Two travellers at the counter" in step and "attempt 2" in step
    assert not browser.execute_script("return !!document.querySelector('[data-action=restart]')")

    browser.refresh()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('[data-choice]')"))
    assert "attempt 2" in text_of(browser, ".rtcm-scenario__step")


def test_the_page_is_usable_on_a_narrow_right_to_left_screen(browser, border_case):
    browser.set_window_size(380, 800)
    browser.get(f"{browser.base_url}/scenario/{border_case}/?student=rtl_learner")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('[data-choice]')"))
    browser.execute_script("document.documentElement.dir = 'rtl';")
    overflow = browser.execute_script(
        "var b = document.querySelector('.rtcm-scenario__choice'), r = b.getBoundingClientRect();"
        "return [r.left >= 0, r.right <= document.documentElement.clientWidth, r.height >= 44,"
        " getComputedStyle(b).textAlign];")
    assert overflow == [True, True, True, "start"]


def test_a_stale_page_shows_why_a_choice_was_refused_and_redraws_the_current_step(browser, border_case):
    browser.get(f"{browser.base_url}/scenario/{border_case}/?student=two_tabs")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!document.querySelector('[data-choice]')"))
    usage_id = scenarios.SCENARIOS[border_case].usage_id
    status = browser.execute_async_script(OTHER_TAB_CHOOSES, f"/handler/{usage_id}/choose/?student=two_tabs",
                                          {"step": "arrival", "choice": "separate"})
    assert status == 200

    tab_until(browser, lambda f: f[1] == "together")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for_focus(browser, "-step")
    assert "moved on in another window or tab" in text_of(browser, ".rtcm-scenario__error")
    assert "Who will interpret?" in text_of(browser, ".rtcm-scenario__step")
    assert "Separating travellers is a routine step" in text_of(browser, ".rtcm-scenario__feedback")
