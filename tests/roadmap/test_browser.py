"""The roadmap in headless Chromium: keyboard only, what a screen reader is given, and right-to-left."""
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.needs.test_browser import active, press, tab_until, wait_for
from tests.roadmap.seeding import COURSE_1, COURSE_2, seed

ACCESSIBILITY = """
const named = el => (el.labels && el.labels.length && el.labels[0].textContent.trim()) || el.getAttribute('aria-label') || el.textContent.trim();
return {
  svgs: [...document.querySelectorAll('svg')].map(s => s.getAttribute('aria-hidden')),
  tables: [...document.querySelectorAll('table')].map(t => t.caption ? t.caption.textContent : null),
  unnamed: [...document.querySelectorAll('input[type=checkbox], button, a')].filter(el => !named(el)).length,
  headers: [...document.querySelectorAll('th')].filter(th => !th.getAttribute('scope')).length,
  lang: document.documentElement.lang, dir: document.documentElement.dir,
};
"""


def test_staff_choose_course_runs_and_download_with_the_keyboard_alone(browser):
    seed()
    browser.get(f"{browser.base_url}/rtcm/roadmap/?student=staff")
    assert "13 respondents in 2 assessments of 2 course runs." in browser.page_source
    found = browser.execute_script(ACCESSIBILITY)
    assert found["svgs"] and set(found["svgs"]) == {"true"}  # charts are for the eye; their tables are read
    assert found["tables"] and all(found["tables"])
    assert found["unnamed"] == 0 and found["headers"] == 0
    assert (found["lang"], found["dir"]) == ("en-us", "ltr")

    first = tab_until(browser, lambda el: el.get_attribute("value") == COURSE_1)
    assert first.is_selected()
    press(browser, Keys.SPACE)
    assert not active(browser).is_selected()
    tab_until(browser, lambda el: el.tag_name == "button")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda d: "7 respondents in 1 assessments of 1 course runs." in d.page_source)
    assert "course=" in browser.current_url and "student=staff" in browser.current_url
    link = tab_until(browser, lambda el: el.tag_name == "a" and "format=csv" in (el.get_attribute("href") or ""))
    assert f"course={COURSE_2.replace(':', '%3A').replace('+', '%2B')}" in link.get_attribute("href")
    focus = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert focus != "none"


def test_the_printable_file_is_right_to_left_with_mirrored_charts(browser, tmp_path):
    seed()
    call_command("rtcm_roadmap", "--output", str(tmp_path), "--format", "html", "--language", "fa")
    browser.get((tmp_path / "rtcm-roadmap.html").as_uri())
    found = browser.execute_script(ACCESSIBILITY)
    assert found["dir"] == "rtl" and found["lang"] == "fa"
    chart = browser.find_elements(By.CSS_SELECTOR, "svg")[0]
    label = chart.find_elements(By.CSS_SELECTOR, "text")[0].rect
    bar = chart.find_elements(By.CSS_SELECTOR, "rect")[0].rect
    assert label["x"] >= bar["x"] + bar["width"] - 1  # the label on the right, its bar growing leftwards
    heading = browser.find_element(By.CSS_SELECTOR, "h1").rect
    assert heading["x"] + heading["width"] > browser.execute_script("return document.documentElement.clientWidth") / 2
