"""Every shipped language in headless Chromium: no English message left on the pages, and learner pages fit 360 px.

For each language of tests.languages.LANGUAGES the workbench serves the pages in that language
(settings.LANGUAGE_CODE; it has no LocaleMiddleware) and the tests read what a learner, a staff
member and an author see: the scenario before and after a choice, the self-assessment form, the
learner's results and the cohort report, and both blocks' Studio editors. A text on the page (a
text node, or an aria-label, title, placeholder or alt) that is an English source message, or fits
the pattern of one with placeholders filled in, is an untranslated string. Messages whose
translation is the same as the English (codes such as "MWDS" or "OLX") cannot be told apart and are
not looked for. Right-to-left languages get ``dir="rtl"`` on <html>, as the LMS gives them.
"""
import re

import pytest
from babel.messages.pofile import read_po
from django.utils import translation
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.common.test_i18n import LOCALE, SCENARIO
from tests.languages import LANGUAGES
from tests.workbench import Workbench, load_scenario

PLACEHOLDER = re.compile(r"\\\{\w+\\\}|%\\\(\w+\\\)s")

# Every text of the element matched by arguments[0]: its text nodes and its accessible attributes.
TEXTS = """
var root = document.querySelector(arguments[0]), found = [];
function keep(text) { text = (text || '').replace(/\\s+/g, ' ').trim(); if (text) { found.push(text); } }
var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  if (!walker.currentNode.parentElement.closest('script, style')) { keep(walker.currentNode.nodeValue); }
}
[root].concat(Array.prototype.slice.call(root.querySelectorAll('*'))).forEach(function (node) {
  ['aria-label', 'title', 'placeholder', 'alt'].forEach(function (name) { keep(node.getAttribute(name)); });
});
return found;
"""

# The elements of the block that stick out of a 360 px viewport, but for data tables' own scrolling
# regions (WCAG 1.4.10 exempts data tables). A chart is measured as a whole: the <svg> clips what
# lies outside its viewBox. The workbench's own header is wider than 360 px, so the page as a whole
# is not measured.
OUTSIDE = """
var root = document.querySelector(arguments[0]), width = window.innerWidth, wide = [];
root.querySelectorAll('*').forEach(function (node) {
  if (node.closest('.rtcm-needs__table-wrap') || node.ownerSVGElement) { return; }
  var box = node.getBoundingClientRect();
  if (box.width && (box.left < -0.5 || box.right > width + 0.5)) {
    wide.push(node.tagName + '.' + node.className + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
});
return {width: width, wide: wide, scrolls: root.scrollWidth > root.clientWidth};
"""


def english_messages(language):
    """Patterns of the English messages that `language` translates differently, each with its msgid."""
    patterns = []
    for domain in ("django", "djangojs"):
        with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for english in ids:
                if english in strings or len(english) < 2:
                    continue
                pattern = PLACEHOLDER.sub(".+?", re.escape(english.replace("%%", "%")))
                patterns.append((re.compile(pattern), english))
    return patterns


def untranslated(browser, selector, patterns):
    """The texts under `selector` that are English messages, with the message each one is."""
    texts = browser.execute_script(TEXTS, selector)
    assert texts, f"nothing found under {selector}"
    return sorted({(text, english) for text in texts for pattern, english in patterns if pattern.fullmatch(text)})


def outside(browser, selector):
    """The block's elements that do not fit the 360 px viewport (empty when it fits)."""
    found = browser.execute_script(OUTSIDE, selector)
    assert found["width"] == 360
    return found["wide"] + (["the block scrolls sideways"] if found["scrolls"] else [])


def _wait(browser, script, timeout=15):
    WebDriverWait(browser, timeout).until(lambda driver: driver.execute_script(script))


@pytest.fixture
def narrow(browser):
    """The browser as a 360 px wide phone."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": False})
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _serve(settings, language):
    """Serve the workbench in `language`; its direction and the English messages it must not show."""
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        return "rtl" if translation.get_language_bidi() else "ltr", english_messages(language)


def _open(browser, url, direction, ready):
    browser.get(url)
    browser.execute_script("document.documentElement.dir = arguments[0];", direction)
    _wait(browser, ready)


def _open_block(browser, olx, name, page, direction, ready):
    """Load `olx` as workbench scenario `name` and open `page` of it ("?student=…" or "studio_view/?student=…")."""
    name, usage_id = load_scenario(olx, name=name)
    _open(browser, f"{browser.base_url}/scenario/{name}/{page}", direction, ready)
    return name, usage_id


def _check(browser, selector, patterns, page, fit=True):
    problems = {"untranslated": untranslated(browser, selector, patterns)}
    if fit:
        problems["outside 360 px"] = outside(browser, selector)
    assert not any(problems.values()), f"{page}: {problems}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scenario_is_translated_and_fits_360_pixels(narrow, settings, language):
    direction, patterns = _serve(settings, language)
    _open_block(narrow, SCENARIO, f"languages_scenario_{language}", f"?student=learner_{language}", direction,
                "return !!document.querySelector('[data-choice]')")
    assert narrow.execute_script("return window.RtcmScenarioI18N && window.RtcmScenarioI18N.language") == language
    _check(narrow, ".rtcm-scenario", patterns, f"{language} scenario step")

    narrow.find_element(By.CSS_SELECTOR, '[data-choice="ask"]').click()
    _wait(narrow, "return !!document.querySelector('.rtcm-scenario__debrief')")
    _check(narrow, ".rtcm-scenario", patterns, f"{language} scenario debrief")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_self_assessment_and_cohort_report_are_translated_and_fit_360_pixels(narrow, settings, language):
    direction, patterns = _serve(settings, language)
    drawn = "return !!document.querySelector('.rtcm-needs__form, .rtcm-needs__results')"
    name, usage_id = _open_block(narrow, '<rtcm_needs_assessment url_name="languages_needs"/>', f"languages_needs_{language}",
                                 f"?student=learner_{language}", direction, drawn)
    assert narrow.execute_script("return window.RtcmNeedsI18N && window.RtcmNeedsI18N.language") == language
    _check(narrow, ".rtcm-needs", patterns, f"{language} self-assessment form")

    client = Workbench()
    pillars = client.call(usage_id, "get_state", student=f"learner_{language}")[1]["framework"]["pillars"]
    ids = [competency["id"] for pillar in pillars for competency in pillar["competencies"]]
    for number, country in enumerate(("GE", "MD", "GE", "MD", "GE", "UA")):
        ratings = {cid: {"importance": 5 - index % 3, "proficiency": 1 + (index + number) % 4} for index, cid in enumerate(ids)}
        ratings[ids[0]] = "na"
        body = {"ratings": ratings, "profile": {"country": country}}
        assert client.call(usage_id, "submit", body, student=f"learner_{language}_{number}")[0] == 200
    _open(narrow, f"{narrow.base_url}/scenario/{name}/?student=learner_{language}_0", direction, drawn)
    assert narrow.find_elements(By.CSS_SELECTOR, ".rtcm-needs__results")
    _check(narrow, ".rtcm-needs", patterns, f"{language} learning plan")

    _open(narrow, f"{narrow.base_url}/scenario/{name}/?student=staff_{language}", direction,
          "var s = document.querySelector('.rtcm-needs__staff'); return !!s && !!s.querySelector('table');")
    _check(narrow, ".rtcm-needs__staff", patterns, f"{language} cohort report")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_both_studio_editors_are_translated(browser, settings, language):
    direction, patterns = _serve(settings, language)
    _open_block(browser, SCENARIO, f"languages_scenario_studio_{language}", f"studio_view/?student=staff_{language}", direction,
                "var r = document.querySelector('.rtcm-studio'); return !!r && !!r.getAttribute('data-ready');")
    _check(browser, ".rtcm-studio", patterns, f"{language} scenario editor", fit=False)

    _open_block(browser, '<rtcm_needs_assessment url_name="languages_needs_studio"/>', f"languages_needs_studio_{language}",
                f"studio_view/?student=staff_{language}", direction,
                "return document.querySelectorAll('.rtcm-needs-studio [data-field]').length > 3")
    _check(browser, ".rtcm-needs-studio", patterns, f"{language} self-assessment editor", fit=False)


@pytest.mark.django_db(transaction=True)
def test_an_english_page_is_caught_as_untranslated(browser, settings):
    """The check can fail: the workbench in English shows the messages a Russian catalogue translates."""
    settings.LANGUAGE_CODE = "en"
    _open_block(browser, SCENARIO, "languages_scenario_english", "?student=learner_en", "ltr", "return !!document.querySelector('[data-choice]')")
    found = [english for _text, english in untranslated(browser, ".rtcm-scenario", english_messages("ru"))]
    assert "What do you do?" in found and "Decision %(number)s · attempt %(attempt)s" in found
