"""The needs assessment in headless Chromium: keyboard-only learners, the learning plan, and the staff view."""
import json
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.needs.cases import SMALL_FRAMEWORK
from tests.workbench import Workbench, get_block, load_scenario

OLX = SMALL_FRAMEWORK


def wait_for(browser, condition, timeout=10):
    """Wait until `condition(browser)` is truthy and return its value."""
    return WebDriverWait(browser, timeout).until(lambda driver: condition(driver))  # pylint: disable=unnecessary-lambda


def open_page(browser, name, student):
    """Open a workbench scenario as `student` and wait for the block's script to draw it."""
    browser.get(f"{browser.base_url}/scenario/{name}/?student={student}")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".rtcm-needs__form, .rtcm-needs__results"))


def active(browser):
    """The focused element."""
    return browser.switch_to.active_element


def press(browser, *keys):
    """Send keys to whatever has the focus, as a keyboard user does."""
    for key in keys:
        active(browser).send_keys(key)


def tab_until(browser, predicate, limit=40):
    """Press Tab until the focused element satisfies `predicate`; fail if it never does."""
    for _ in range(limit):
        press(browser, Keys.TAB)
        if predicate(active(browser)):
            return active(browser)
    raise AssertionError("the keyboard never reached the expected control")


def is_radio(dimension):
    return lambda element: element.get_attribute("type") == "radio" and element.get_attribute("name").endswith("-" + dimension)


def rate_with_keyboard(browser, importance, proficiency):
    """From the current focus, rate the next competency: Space picks 1, arrow keys move up the scale."""
    for dimension, value in (("importance", importance), ("proficiency", proficiency)):
        tab_until(browser, is_radio(dimension))
        press(browser, Keys.SPACE)
        for _ in range(value - 1):
            press(browser, Keys.ARROW_RIGHT)
        assert active(browser).get_attribute("value") == str(value)
        assert active(browser).is_selected()


def press_button(browser, label):
    """Tab to the button with this text and press Enter."""
    tab_until(browser, lambda element: element.tag_name == "button" and element.text.strip() == label)
    press(browser, Keys.ENTER)


def text_of(browser, selector):
    return " ".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, selector))


def test_a_keyboard_user_fills_the_assessment_submits_and_reads_the_learning_plan(browser):
    name, _usage_id = load_scenario(OLX, name="browser-learner")
    open_page(browser, name, "keyboard_learner")
    assert "Part 1 of 3" in text_of(browser, ".rtcm-needs__progress")
    legends = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__competency > legend")]
    assert legends == ["Check a travel document", "Refer to the second line"]

    rate_with_keyboard(browser, 5, 1)
    press_button(browser, "Next part")
    assert "Part 2 of 3" in text_of(browser, ".rtcm-needs__progress")
    assert active(browser).text == "Data"
    press_button(browser, "Previous part")
    assert browser.find_element(By.CSS_SELECTOR, "input[name$='border.documents-importance'][value='5']").is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "input[name$='border.documents-proficiency'][value='1']").is_selected()

    press_button(browser, "Next part")
    press_button(browser, "Next part")
    assert active(browser).text == "About you (optional)"
    press_button(browser, "Submit my answers")
    summary = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".rtcm-needs__errors"))
    assert active(browser) == summary
    assert "Refer to the second line" in summary.text and "Share data safely" in summary.text
    assert "Check a travel document" not in summary.text

    press_button(browser, "Borders: Refer to the second line")
    assert active(browser).get_attribute("name").endswith("border.referral-importance")
    press(browser, Keys.SPACE, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    tab_until(browser, is_radio("proficiency"))
    press(browser, Keys.SPACE, Keys.ARROW_RIGHT)
    press_button(browser, "Next part")
    tab_until(browser, lambda element: element.get_attribute("type") == "checkbox")
    press(browser, Keys.SPACE)
    assert browser.find_element(By.CSS_SELECTOR, "input[name$='data.sharing-importance']").is_enabled() is False
    press_button(browser, "Next part")
    country = tab_until(browser, lambda element: element.tag_name == "select")
    country.send_keys("Georgia")
    role = tab_until(browser, lambda element: element.get_attribute("type") == "text")
    role.send_keys("<b>Shift</b> lead")
    press_button(browser, "Submit my answers")

    heading = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".rtcm-needs__results h3"))
    assert heading.text == "My learning plan" and active(browser) == heading
    priorities = browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__priorities li")
    assert [item.find_element(By.CSS_SELECTOR, ".rtcm-needs__priority-text").text for item in priorities] == [
        "Check a travel document", "Refer to the second line"]
    link = priorities[0].find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("/jump_to_id/border_intro") and "Borders" in link.text
    assert browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__results svg[role='img'] rect")
    table = text_of(browser, ".rtcm-needs__results table")
    assert "Borders" in table and "Data" in table

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__actions").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__priorities").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    press_button(browser, "Revise my answers")
    assert browser.find_element(By.CSS_SELECTOR, "input[name$='border.referral-importance'][value='3']").is_selected()
    stored = Workbench().call(_usage_id, "get_state", student="keyboard_learner")[1]
    assert stored["ratings"] == {
        "border.documents": {"importance": 5, "proficiency": 1},
        "border.referral": {"importance": 3, "proficiency": 2},
        "data.sharing": "na",
    }
    assert stored["profile"] == {"country": "GE", "role": "<b>Shift</b> lead"}


# Every element of the block lies inside the viewport, except inside the data tables' own
# scrolling regions (WCAG 1.4.10 exempts data tables). The workbench's own header is wider than
# 360 px, so the page as a whole is not measured.
FITS = """
var box = document.querySelector('.rtcm-needs'), width = window.innerWidth, wide = [];
box.querySelectorAll('*').forEach(function (node) {
  if (node.closest('.rtcm-needs__table-wrap')) { return; }
  var r = node.getBoundingClientRect();
  if (r.width && (r.left < -0.5 || r.right > width + 0.5)) { wide.push(node.tagName + '.' + node.className); }
});
return {wide: wide, scroll: box.scrollWidth, client: box.clientWidth, width: width};
"""


def fits(browser):
    """True when the block needs no horizontal scrolling in the current viewport."""
    found = browser.execute_script(FITS)
    assert found["width"] == 360
    assert not found["wide"], found["wide"]
    return found["scroll"] <= found["client"]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_the_form_and_results_fit_a_360_pixel_screen_without_horizontal_scrolling(browser, direction):
    name, usage_id = load_scenario('<rtcm_needs_assessment url_name="narrow"/>', name=f"browser-narrow-{direction}")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": False})
    try:
        open_page(browser, name, "narrow_learner")
        browser.execute_script(f"document.documentElement.dir = '{direction}';")
        assert fits(browser)
        state = Workbench().call(usage_id, "get_state")[1]
        ratings = {c["id"]: {"importance": 4, "proficiency": 2} for p in state["framework"]["pillars"] for c in p["competencies"]}
        assert Workbench().call(usage_id, "submit", {"ratings": ratings}, student="narrow_learner")[0] == 200
        open_page(browser, name, "narrow_learner")
        browser.execute_script(f"document.documentElement.dir = '{direction}';")
        assert browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__results")
        assert fits(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def seed_cohort(usage_id):
    """Five respondents: three from Azerbaijan, one from Georgia (withheld), one who rated nothing."""
    client = Workbench()
    answers = [("AZ", 5, 1), ("AZ", 5, 2), ("AZ", 4, 2), ("GE", 3, 3)]
    for number, (country, importance, proficiency) in enumerate(answers):
        ratings = {cid: {"importance": importance, "proficiency": proficiency} for cid in ("border.documents", "border.referral", "data.sharing")}
        ratings["data.sharing"] = {"importance": 2, "proficiency": 4}
        assert client.call(usage_id, "submit", {"ratings": ratings, "profile": {"country": country, "role": "=1+2"}}, student=f"learner{number}")[0] == 200
    # A respondent who gave no country and rated nothing: enough outside Azerbaijan's group that
    # showing it does not give Georgia's single answer away (complementary suppression).
    not_applicable = {cid: "na" for cid in ("border.documents", "border.referral", "data.sharing")}
    assert client.call(usage_id, "submit", {"ratings": not_applicable}, student="learner_na")[0] == 200
    return client


def test_staff_see_the_ranked_cohort_quadrants_heatmap_and_csv(browser):
    name, usage_id = load_scenario(OLX, name="browser-staff")
    client = seed_cohort(usage_id)

    open_page(browser, name, "student_plain")
    assert not browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__staff")

    open_page(browser, name, "staff_member")
    staff = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__staff")
    wait_for(browser, lambda d: "Respondents: 5" in staff.text)
    rows = staff.find_elements(By.CSS_SELECTOR, "table")[0].find_elements(By.CSS_SELECTOR, "tbody tr")
    first = [cell.text for cell in rows[0].find_elements(By.CSS_SELECTOR, "th, td")]
    assert first[:3] == ["1", "Check a travel document", "Borders"] and first[6] == "9.56"
    assert [cell.text for cell in rows[-1].find_elements(By.CSS_SELECTOR, "th, td")][1] == "Share data safely"
    assert len(staff.find_elements(By.CSS_SELECTOR, "svg[role='img'] circle")) == 3
    heat = staff.find_element(By.CSS_SELECTOR, ".rtcm-needs__heat")
    assert "Azerbaijan (n=3)" in heat.text
    assert "Georgia" not in staff.text, "a withheld group is not named"
    notes = " ".join(note.text for note in staff.find_elements(By.CSS_SELECTOR, ".rtcm-needs__release"))
    assert "Figures as of" in notes and "Not shown: 1 country." in notes

    # One more submission waits for a batch: the page says so and the figures do not move.
    late = {cid: {"importance": 1, "proficiency": 5} for cid in ("border.documents", "border.referral", "data.sharing")}
    assert client.call(usage_id, "submit", {"ratings": late, "profile": {"country": "AZ"}}, student="late")[0] == 200
    staff.find_element(By.XPATH, ".//button[contains(., 'Refresh the cohort report')]").click()
    wait_for(browser, lambda d: "1 newer change is not in these figures yet." in staff.text)
    assert "Respondents: 5" in staff.text

    download = staff.find_element(By.CSS_SELECTOR, "a[download]")
    csv_url = download.get_attribute("href")
    assert "cohort_csv" in csv_url
    fetched = browser.execute_async_script(
        "var done = arguments[1]; fetch(arguments[0]).then(function (r) {"
        " return r.text().then(function (t) { done([r.status, r.headers.get('content-type'), t]); }); });", csv_url)
    assert fetched[0] == 200 and fetched[1].startswith("text/csv") and "Check a travel document" in fetched[2]
    learner_url = csv_url.replace("student=staff_member", "student=learner0")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(learner_url, timeout=10)  # noqa: S310 - the local live server
    assert refused.value.code == 403 and json.loads(refused.value.read())["error"] == "forbidden"


def test_after_the_course_learners_and_staff_see_the_change_since_the_pre_assessment(browser):
    name, root = load_scenario("""
      <vertical_demo>
        <rtcm_needs_assessment url_name="pre" phase="pre" min_group_size="1">
          <pillar id="p" title="Borders"><competency id="a">Check a travel document</competency></pillar>
        </rtcm_needs_assessment>
        <rtcm_needs_assessment url_name="post" phase="post" pre="pre" min_group_size="1">
          <pillar id="p" title="Borders"><competency id="a">Check a travel document</competency></pillar>
        </rtcm_needs_assessment>
      </vertical_demo>""", name="browser-pre-post")
    pre, post = get_block(root).children
    client = Workbench()
    assert client.call(pre, "submit", {"ratings": {"a": {"importance": 5, "proficiency": 1}}}, student="returning")[0] == 200
    assert client.call(post, "submit", {"ratings": {"a": {"importance": 5, "proficiency": 4}}}, student="returning")[0] == 200

    open_page(browser, name, "returning")
    change = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".rtcm-needs__change"))
    assert "My progress since the start of the course" in change.text
    row = [cell.text for cell in change.find_element(By.CSS_SELECTOR, "tbody tr").find_elements(By.CSS_SELECTOR, "th, td")]
    assert row[:4] == ["Borders", "1", "4", "+3"]

    open_page(browser, name, "newcomer")
    assert not browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__change")

    open_page(browser, name, "staff_member")
    staff = browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__staff")[1]
    wait_for(browser, lambda d: "Change since the pre-course assessment (respondents: 1 before, 1 after)" in staff.text)
    last_table = staff.find_elements(By.CSS_SELECTOR, "table")[-1]
    cells = [cell.text for cell in last_table.find_element(By.CSS_SELECTOR, "tbody tr").find_elements(By.CSS_SELECTOR, "th, td")]
    assert cells == ["Borders", "20", "5", "-15", "1", "4", "+3"]


def test_staff_read_numbers_and_dates_written_as_their_language_writes_them(browser, settings):
    settings.LANGUAGE_CODE = "ru"
    name, usage_id = load_scenario(OLX, name="browser-staff-ru")
    seed_cohort(usage_id)
    open_page(browser, name, "staff_member")
    staff = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__staff")
    wait_for(browser, lambda d: staff.find_elements(By.CSS_SELECTOR, "table tbody tr"))
    first = staff.find_elements(By.CSS_SELECTOR, "table")[0].find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    assert [cell.text for cell in first.find_elements(By.CSS_SELECTOR, "th, td")][6] == "9,56"  # a decimal comma
    notes = " ".join(note.text for note in staff.find_elements(By.CSS_SELECTOR, ".rtcm-needs__release"))
    months = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря")
    assert "Показатели на" in notes and any(month in notes for month in months), notes


# --- demonstrated in the scenarios -----------------------------------------------------------------------------

def with_scenario_results(name):
    """The small assessment beside a scenario block in one workbench scenario (one course scope); (usage id, record)."""
    from rtcm_xblocks.common.storage import block_key, course_scope  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario import competencies  # pylint: disable=import-outside-toplevel
    from tests.scenario.cases import case  # pylint: disable=import-outside-toplevel
    _name, root = load_scenario(f"<vertical_demo>{case()}{OLX}</vertical_demo>", name=name)
    scenario, needs = get_block(root).children

    def record(learner, results, block="border_case"):
        competencies.record(course_scope(scenario), learner, block_key(scenario, "rtcm_scenario", block), results)
    return needs, record


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_the_plan_shows_what_the_learner_demonstrated_in_the_scenarios_beside_the_self_rating(browser, direction):
    name = f"browser-demonstrated-{direction}"
    needs, record = with_scenario_results(name)
    record("demo_learner", {"border.documents": (1, 3)})
    record("demo_learner", {"border.documents": (1, 3)}, block="shelter_case")
    given = {"border.documents": {"importance": 5, "proficiency": 5}, "border.referral": {"importance": 5, "proficiency": 1},
             "data.sharing": "na"}
    assert Workbench().call(needs, "submit", {"ratings": given}, student="demo_learner")[0] == 200
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": False})
    try:
        open_page(browser, name, "demo_learner")
        browser.execute_script(f"document.documentElement.dir = '{direction}';")
        items = browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__priorities li")
        assert [item.find_element(By.CSS_SELECTOR, ".rtcm-needs__demonstrated").text for item in items] == [
            "Not yet practised in a scenario"]
        assert fits(browser)

        # The competency table, reached and opened with the keyboard: a column of its own, with a header.
        summary = tab_until(browser, lambda element: element.tag_name == "summary")
        press(browser, Keys.ENTER)
        assert summary.find_element(By.XPATH, "..").get_attribute("open") is not None
        table = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__details table")
        # Read as a screen reader does: cells scrolled out of the table's own region still count.
        headers = [cell.get_attribute("textContent") for cell in table.find_elements(By.CSS_SELECTOR, "thead th[scope='col']")]
        assert headers[-1] == "Demonstrated in the scenarios"
        rows = {row.find_element(By.CSS_SELECTOR, "th[scope='row']").get_attribute("textContent"):
                row.find_elements(By.CSS_SELECTOR, "td")[-1].get_attribute("textContent")
                for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
        assert rows["Check a travel document"] == "33% (2 exercises) You rated yourself higher than you did in the scenarios."
        assert rows["Refer to the second line"] == "Not yet practised in a scenario"
        assert fits(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_priority_shows_what_was_demonstrated_and_the_hint_when_the_self_rating_is_much_higher(browser):
    name = "browser-demonstrated-priority"
    needs, record = with_scenario_results(name)
    record("demo_learner", {"border.documents": (1, 4)})
    given = {"border.documents": {"importance": 5, "proficiency": 4}, "border.referral": "na", "data.sharing": "na"}
    assert Workbench().call(needs, "submit", {"ratings": given}, student="demo_learner")[0] == 200
    open_page(browser, name, "demo_learner")
    item = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__priorities li")
    assert item.find_element(By.CSS_SELECTOR, ".rtcm-needs__demonstrated").text == "Demonstrated in the scenarios: 25% (1 exercise)"
    assert item.find_element(By.CSS_SELECTOR, ".rtcm-needs__hint").text == "You rated yourself higher than you did in the scenarios."


def test_staff_see_where_the_cohorts_self_rating_and_demonstrated_results_disagree(browser):
    name = "browser-demonstrated-staff"
    needs, record = with_scenario_results(name)
    seed_cohort(needs)
    for number in range(4):
        record(f"learner{number}", {"border.documents": (4, 4), "data.sharing": (0, 2)})
    open_page(browser, name, "staff_member")
    staff = browser.find_element(By.CSS_SELECTOR, ".rtcm-needs__staff")
    wait_for(browser, lambda d: staff.find_elements(By.CSS_SELECTOR, ".rtcm-needs__demonstrated-report table"))
    part = staff.find_element(By.CSS_SELECTOR, ".rtcm-needs__demonstrated-report")
    assert "In 2 competencies the cohort's self-rating and its scenario results differ" in part.text
    rows = {row.find_element(By.CSS_SELECTOR, "th").text: [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
            for row in part.find_elements(By.CSS_SELECTOR, "tbody tr")}
    # Self-rated mean proficiency 2 (a share of 0.25) against 100% demonstrated; 4 (0.75) against 0%.
    assert rows["Check a travel document"] == ["2", "100%", "4", "Rated 75 percentage points lower than demonstrated"]
    assert rows["Share data safely"] == ["4", "0%", "4", "Rated 75 percentage points higher than demonstrated"]
    assert "Refer to the second line" not in rows, "no scenario results for it"
    assert [cell.text for cell in part.find_elements(By.CSS_SELECTOR, "thead th[scope='col']")][2] == "Demonstrated in the scenarios"
