"""In headless Chromium: the Settings tab says how many attempts learners get, and an emptied field follows the course."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.scenario.cases import case
from tests.workbench import get_block, load_scenario

DESIGNER = "staff_designer"


def _note(browser):
    return browser.find_element(By.CSS_SELECTOR, '[data-role="attempts-rule"]').text


def test_the_attempts_note_follows_the_field_and_an_empty_field_is_saved_as_the_courses_setting(browser):
    name, usage_id = load_scenario(case())
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    tab = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, '[role="tab"][data-tab="settings"]'))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", tab)
    tab.click()
    field = browser.find_element(By.CSS_SELECTOR, '[data-setting="max_attempts"]')
    assert field.get_attribute("value") == "2"
    assert _note(browser) == "Learners get 2 attempts, whatever the course sets."
    assert "attempts-rule" in field.get_attribute("aria-describedby")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("0")
    assert _note(browser) == "Learners get unlimited attempts, whatever the course sets."
    field.send_keys(Keys.BACK_SPACE)
    assert _note(browser) == "Learners get unlimited attempts: the course sets no Maximum Attempts."
    save = browser.find_element(By.CSS_SELECTOR, '[data-action="save"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", save)
    save.click()
    WebDriverWait(browser, 10).until(
        lambda b: b.find_element(By.CSS_SELECTOR, '[data-role="status"]').text == "Saved.")
    block = get_block(usage_id, DESIGNER)
    assert not block.fields["max_attempts"].is_set_on(block)
