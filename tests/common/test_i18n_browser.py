"""In headless Chromium, Persian pages: the JS catalogue loads, the views speak Persian and lay out right to left.

The workbench serves every page in settings.LANGUAGE_CODE (it has no LocaleMiddleware), so the
tests set it to "fa". The LMS puts ``dir="rtl"`` on <html> for bidi languages (LANGUAGES_BIDI);
the workbench page has no dir, so the tests set it as the LMS would and check that the blocks'
logical CSS follows.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.common.test_i18n import SCENARIO
from tests.workbench import load_scenario


BOX = """
var el = document.querySelector(arguments[0]), box = el.getBoundingClientRect(), style = getComputedStyle(el);
var root = el.closest('.rtcm-scenario, .rtcm-needs').getBoundingClientRect();
return {left: box.left - root.left, right: root.right - box.right, direction: style.direction,
        borderLeft: parseFloat(style.borderLeftWidth), borderRight: parseFloat(style.borderRightWidth)};
"""


@pytest.fixture
def persian(settings, transactional_db):  # pylint: disable=unused-argument
    """The workbench serving pages in Persian."""
    settings.LANGUAGE_CODE = "fa"


def _as_lms_would(browser):
    browser.execute_script("document.documentElement.lang = 'fa'; document.documentElement.dir = 'rtl';")


def _wait(browser, script):
    WebDriverWait(browser, 10).until(lambda driver: driver.execute_script(script))


def test_the_scenario_plays_in_persian_right_to_left(browser, persian):  # pylint: disable=unused-argument
    name, _usage_id = load_scenario(SCENARIO, name="i18n_fa_scenario")
    browser.get(f"{browser.base_url}/scenario/{name}/?student=fa_learner")
    _wait(browser, "return !!document.querySelector('[data-choice]')")
    assert browser.execute_script("return window.RtcmScenarioI18N && window.RtcmScenarioI18N.language") == "fa"
    assert browser.find_element(By.CSS_SELECTOR, ".rtcm-scenario__question").text == "چه می‌کنید؟"

    ltr = browser.execute_script(BOX, ".rtcm-scenario__choice")
    _as_lms_would(browser)
    rtl = browser.execute_script(BOX, ".rtcm-scenario__choice")
    assert ltr["direction"] == "ltr" and rtl["direction"] == "rtl"

    browser.find_element(By.CSS_SELECTOR, '[data-choice="ask"]').click()
    _wait(browser, "return !!document.querySelector('.rtcm-scenario__debrief')")
    # Rendered by learner.js after the choice: these strings come from the JS catalogue.
    assert browser.find_element(By.CSS_SELECTOR, ".rtcm-scenario__debrief h4").text == "جمع‌بندی"
    assert browser.find_element(By.CSS_SELECTOR, ".rtcm-scenario__score").text == "امتیاز شما در این تلاش: 100٪"
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".rtcm-scenario__debrief button")]
    assert "ذخیرهٔ تأمل" in buttons and "شروع دوباره" in buttons

    ending = browser.execute_script(BOX, ".rtcm-scenario__ending")
    assert ending["borderRight"] == 4 and ending["borderLeft"] == 0, "the ending's rule sits at the inline start (right)"
    button = browser.execute_script(BOX, ".rtcm-scenario__reflect button")
    assert button["right"] < 2 < button["left"], "buttons line up at the right edge in a right-to-left page"


def test_the_ending_rule_sits_on_the_left_in_a_left_to_right_page(browser, persian):  # pylint: disable=unused-argument
    name, _usage_id = load_scenario(SCENARIO, name="i18n_fa_scenario_ltr")
    browser.get(f"{browser.base_url}/scenario/{name}/?student=fa_learner_ltr")
    _wait(browser, "return !!document.querySelector('[data-choice]')")
    browser.find_element(By.CSS_SELECTOR, '[data-choice="ask"]').click()
    _wait(browser, "return !!document.querySelector('.rtcm-scenario__ending')")
    ending = browser.execute_script(BOX, ".rtcm-scenario__ending")
    assert ending["borderLeft"] == 4 and ending["borderRight"] == 0


def test_the_self_assessment_speaks_persian_from_server_and_js_catalogue(browser, persian):  # pylint: disable=unused-argument
    name, _usage_id = load_scenario('<rtcm_needs_assessment url_name="i18n_fa_needs"/>', name="i18n_fa_needs")
    browser.get(f"{browser.base_url}/scenario/{name}/?student=fa_needs_learner")
    _as_lms_would(browser)
    _wait(browser, "return !!document.querySelector('.rtcm-needs__learner form, .rtcm-needs__learner fieldset')")
    assert browser.execute_script("return window.RtcmNeedsI18N && window.RtcmNeedsI18N.language") == "fa"
    text = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__learner").text
    assert "حکمرانی، سیاست‌گذاری و همکاری در حوزهٔ مهاجرت" in text  # the first pillar, from the server catalogue
    assert "بخش 1 از 11" in text  # "Part {page} of {pages}", from the JS catalogue
    assert "این برای کار من چقدر مهم است؟" in text
    assert "بخش بعدی" in [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__learner button")]
    assert browser.execute_script("return getComputedStyle(document.querySelector('.rtcm-needs')).direction") == "rtl"
