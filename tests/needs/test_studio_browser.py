"""In headless Chromium: a designer builds a custom self-assessment in the Studio editor, and a learner takes it."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.workbench import get_block, load_scenario

BLANK_OLX = '<rtcm_needs_assessment url_name="tna_browser" display_name="Draft"/>'


def wait_for(browser, condition, timeout=10):
    return WebDriverWait(browser, timeout).until(lambda driver: condition())


def editor(browser):
    return browser.find_element(By.CSS_SELECTOR, ".rtcm-needs-studio")


def pillar_items(browser):
    return browser.find_elements(By.CSS_SELECTOR, ".rtcm-ns-pillars > .rtcm-ns-pillar")


def field(scope, role):
    return scope.find_element(By.CSS_SELECTOR, f'[data-role="{role}"]')


def button(scope, text):
    """The button labelled `text`, scrolled clear of the workbench's fixed header so it can be clicked."""
    found = next(b for b in scope.find_elements(By.TAG_NAME, "button") if b.text.strip() == text)
    found.parent.execute_script("arguments[0].scrollIntoView({block: 'center'})", found)
    return found


def active(browser):
    return browser.switch_to.active_element


def problems(browser):
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".rtcm-ns-problems li")]


def unlabelled_controls(browser):
    """Visible form controls that have no label (a WCAG failure)."""
    return browser.execute_script("""
        return Array.from(document.querySelectorAll('.rtcm-needs-studio input, .rtcm-needs-studio textarea'))
          .filter(c => c.offsetParent !== null && c.type !== 'hidden')
          .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label'))
          .map(c => c.outerHTML);
    """)


@pytest.mark.django_db(transaction=True)
def test_designer_builds_a_two_pillar_self_assessment_and_a_learner_takes_it(browser):
    name, usage_id = load_scenario(BLANK_OLX)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    assert len(pillar_items(browser)) == 10  # the default framework, each pillar with a course-link field

    title = browser.find_element(By.CSS_SELECTOR, 'input[data-field="display_name"]')
    title.clear()
    title.send_keys("Front-line officers: where are my training needs?")
    browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="custom"]').click()
    assert pillar_items(browser) == []
    assert any("needs at least one pillar" in text for text in problems(browser))

    # First pillar: its id follows the title while the designer has not typed one.
    button(editor(browser), "Add a pillar").click()
    first = pillar_items(browser)[0]
    assert active(browser) == field(first, "title")
    active(browser).send_keys("Border management")
    assert field(first, "id").get_attribute("value") == "border-management"
    field(first, "text").send_keys("I can run a first-line check of a passport.")
    assert field(first, "id").get_attribute("value") == "border-management"
    competency_id = first.find_elements(By.CSS_SELECTOR, '.rtcm-ns-competency [data-role="id"]')[0]
    assert competency_id.get_attribute("value") == "border-management.i-can-run"
    field(first, "recommend").send_keys("/jump_to_id/border_intro")
    button(first, "Add a competency").click()
    active(browser).send_keys("I can refer a traveller to the second line.")

    # Second pillar, given a duplicate id by hand: the problem shows at once, and saving is refused.
    button(editor(browser), "Add a pillar").click()
    second = pillar_items(browser)[1]
    active(browser).send_keys("Counter-trafficking")
    second_id = field(second, "id")
    second_id.send_keys(Keys.CONTROL, "a")
    second_id.send_keys("border-management")
    error = second.find_element(By.CSS_SELECTOR, f"#{second_id.get_attribute('id')}-error")
    assert "Another pillar already has the id" in error.text
    assert second_id.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in second_id.get_attribute("aria-describedby")
    assert any("Another pillar already has the id" in text for text in problems(browser))
    competency_text = second.find_element(By.CSS_SELECTOR, '.rtcm-ns-competency [data-role="text"]')
    competency_text.send_keys("I can recognise indicators of trafficking.")
    button(editor(browser), "Save").click()
    assert "Not saved" in browser.find_element(By.CSS_SELECTOR, ".rtcm-ns-status").text
    assert get_block(usage_id, "staff").display_name == "Draft"
    second_id = field(pillar_items(browser)[1], "id")
    second_id.send_keys(Keys.CONTROL, "a")
    second_id.send_keys("trafficking")
    assert not [text for text in problems(browser) if "id" in text]

    # Ids derived from Russian or Azerbaijani titles are transliterated; this pillar is deleted again.
    button(editor(browser), "Add a pillar").click()
    third = pillar_items(browser)[2]
    active(browser).send_keys("Пограничный контроль")
    assert field(third, "id").get_attribute("value") == "pogranichnyi-kontrol"
    field(third, "title").send_keys(Keys.CONTROL, "a")
    field(third, "title").send_keys("Sərhəd idarəçiliyi")
    assert field(third, "id").get_attribute("value") == "serhed-idareciliyi"
    button(third, "Delete pillar").click()
    assert len(pillar_items(browser)) == 2
    assert active(browser) == browser.find_element(By.CSS_SELECTOR, '[data-role="heading"][data-owner="%s"]'
                                                    % pillar_items(browser)[1].get_attribute("data-key"))

    # A stray competency is added and deleted again; focus lands on a sensible place.
    second = pillar_items(browser)[1]
    button(second, "Add a competency").click()
    active(browser).send_keys("Temporary")
    stray = pillar_items(browser)[1].find_elements(By.CSS_SELECTOR, ".rtcm-ns-competency")[1]
    button(stray, "Delete competency").click()
    assert len(pillar_items(browser)[1].find_elements(By.CSS_SELECTOR, ".rtcm-ns-competency")) == 1

    # Reordering with the keyboard: Alt+Arrow Up moves the pillar, focus stays in the field being edited.
    title_input = field(pillar_items(browser)[1], "title")
    title_input.send_keys(Keys.ALT, Keys.ARROW_UP)
    assert [field(p, "title").get_attribute("value") for p in pillar_items(browser)] == ["Counter-trafficking", "Border management"]
    assert active(browser) == field(pillar_items(browser)[0], "title")
    # … and back with the Move down button, whose focus passes to Move up once it is the last pillar.
    button(pillar_items(browser)[0], "Move down").click()
    assert [field(p, "title").get_attribute("value") for p in pillar_items(browser)] == ["Border management", "Counter-trafficking"]
    assert active(browser).text == "Move up"
    competencies = pillar_items(browser)[0].find_elements(By.CSS_SELECTOR, ".rtcm-ns-competency")
    button(competencies[1], "Move up").click()
    competencies = pillar_items(browser)[0].find_elements(By.CSS_SELECTOR, ".rtcm-ns-competency")
    assert field(competencies[0], "text").get_attribute("value") == "I can refer a traveller to the second line."
    button(competencies[0], "Move down").click()

    assert unlabelled_controls(browser) == []
    assert problems(browser) == []
    button(editor(browser), "Save").click()
    wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, ".rtcm-ns-status").text == "Saved.")

    block = get_block(usage_id, "staff")
    assert block.display_name == "Front-line officers: where are my training needs?"
    assert block.get_framework().to_dict()["pillars"] == [
        {"id": "border-management", "title": "Border management", "recommend": "/jump_to_id/border_intro", "competencies": [
            {"id": "border-management.i-can-run", "text": "I can run a first-line check of a passport."},
            {"id": "border-management.i-can-refer", "text": "I can refer a traveller to the second line."}]},
        {"id": "trafficking", "title": "Counter-trafficking", "recommend": "", "competencies": [
            {"id": "trafficking.i-can-recognise", "text": "I can recognise indicators of trafficking."}]},
    ]

    # Saved ids no longer follow the titles.
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    first_title = field(pillar_items(browser)[0], "title")
    first_title.send_keys(" and document security")
    assert field(pillar_items(browser)[0], "id").get_attribute("value") == "border-management"

    # The learner rates every competency, part by part, and gets a plan that links the border unit.
    browser.get(f"{browser.base_url}/scenario/{name}/?student=learner_1")
    ratings = {"border-management.i-can-run": (5, 1), "border-management.i-can-refer": (4, 3),
               "trafficking.i-can-recognise": (3, 3)}
    for part in range(2):
        wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__competency"))
        for box in browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__competency"):
            importance, proficiency = ratings[box.get_attribute("data-competency")]
            box.find_element(By.CSS_SELECTOR, f'input[name$="-importance"][value="{importance}"]').click()
            box.find_element(By.CSS_SELECTOR, f'input[name$="-proficiency"][value="{proficiency}"]').click()
        button(browser, "Next part").click()
    button(browser, "Submit my answers").click()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__priorities li"))
    priorities = browser.find_elements(By.CSS_SELECTOR, ".rtcm-needs__priorities li")
    assert "I can run a first-line check of a passport." in priorities[0].text
    link = priorities[0].find_element(By.CSS_SELECTOR, "a.rtcm-needs__recommend")
    assert link.get_attribute("href").endswith("/jump_to_id/border_intro")
    assert get_block(usage_id, "learner_1").user_state["ratings"]["trafficking.i-can-recognise"] == {"importance": 3, "proficiency": 3}


@pytest.mark.django_db(transaction=True)
def test_the_editor_mirrors_right_to_left_marks_a_missing_pre_link_copies_the_default_and_cancels(browser):
    name, _usage_id = load_scenario(BLANK_OLX)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    browser.execute_script("document.documentElement.setAttribute('dir', 'rtl')")
    pillar = pillar_items(browser)[0]
    assert pillar.value_of_css_property("border-right-width") == "4px"
    assert pillar.value_of_css_property("border-left-width") == "1px"
    browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="post"]').click()
    pre = browser.find_element(By.CSS_SELECTOR, 'input[data-field="pre"]')
    assert pre.is_displayed()
    button(editor(browser), "Save").click()
    assert "needs the url_name of its pre-course self-assessment" in " ".join(problems(browser))
    assert pre.get_attribute("aria-invalid") == "true"
    assert active(browser) == browser.find_element(By.CSS_SELECTOR, ".rtcm-ns-summary")

    # Copying the default framework gives editable pillars with the default's ids; Cancel brings back the saved state.
    button(editor(browser), "Copy the default framework as a starting point").click()
    assert browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="custom"]').is_selected()
    copied = pillar_items(browser)
    assert len(copied) == 10 and field(copied[0], "id").get_attribute("value") == "governance"
    assert active(browser) == field(copied[0], "title")
    button(editor(browser), "Cancel").click()
    assert browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="default"]').is_selected()
    assert browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="pre"]').is_selected()
    assert not pre.is_displayed()
    assert problems(browser) == []
    assert browser.find_element(By.CSS_SELECTOR, ".rtcm-ns-status").text == "Changes discarded."


@pytest.mark.django_db(transaction=True)
def test_a_keyboard_user_can_build_and_save_a_custom_framework(browser):
    name, usage_id = load_scenario(BLANK_OLX)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="default"]').send_keys(Keys.ARROW_DOWN)
    assert browser.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="custom"]').is_selected()
    button(editor(browser), "Add a pillar").send_keys(Keys.ENTER)
    active(browser).send_keys("Labour migration", Keys.TAB)
    assert active(browser).get_attribute("data-role") == "id"
    active(browser).send_keys(Keys.TAB)  # the pillar's course link
    active(browser).send_keys("/jump_to_id/labour_intro", Keys.TAB)
    assert active(browser).get_attribute("data-role") == "text"
    active(browser).send_keys("I can check a recruitment agency's licence.")
    button(editor(browser), "Add a competency").send_keys(Keys.ENTER)
    active(browser).send_keys("I can explain a contract to a migrant worker.", Keys.ALT, Keys.ARROW_UP)
    texts = [t.get_attribute("value") for t in browser.find_elements(By.CSS_SELECTOR, '.rtcm-ns-competency [data-role="text"]')]
    assert texts == ["I can explain a contract to a migrant worker.", "I can check a recruitment agency's licence."]
    assert active(browser).get_attribute("data-role") == "text"
    # Enter in a text field submits the form, as in any form.
    browser.find_element(By.CSS_SELECTOR, 'input[data-field="display_name"]').send_keys(Keys.ENTER)
    wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, ".rtcm-ns-status").text == "Saved.")
    framework = get_block(usage_id, "staff").get_framework()
    assert [c.id for c in framework.competencies] == ["labour-migration.i-can-explain", "labour-migration.i-can-check"]
    assert framework.pillar("labour-migration").recommend == "/jump_to_id/labour_intro"


@pytest.mark.django_db(transaction=True)
def test_a_hostile_title_opens_in_the_editor_as_text_and_runs_no_script(browser):
    hostile = '</script><script>window.rtcmPwned = 1</script><!-- \u2028 <img src=x onerror="window.rtcmPwned = 2">'
    name, usage_id = load_scenario(BLANK_OLX)
    block = get_block(usage_id, "staff")
    block.display_name = "Title " + hostile  # stored as any import path or older version could have
    block.framework_content = {"pillars": [{"id": "p", "title": "Pillar " + hostile, "recommend": "",
                                            "competencies": [{"id": "p.c", "text": "I can " + hostile}]}]}
    block.save()
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    assert browser.execute_script("return window.rtcmPwned === undefined")
    title = browser.find_element(By.CSS_SELECTOR, 'input[data-field="display_name"]')
    assert title.get_attribute("value") == "Title " + hostile


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("link", ["https:evil.example", "/\\evil.example/x", "//evil.example", "java\tscript:x"])
def test_a_course_link_the_server_would_refuse_is_marked_while_typing(browser, link):
    """The editor's live check follows the server's link rule (common.sanitize.is_safe_link)."""
    name, _usage_id = load_scenario(BLANK_OLX)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student=staff")
    wait_for(browser, lambda: pillar_items(browser))
    recommend = field(pillar_items(browser)[0], "recommend")
    recommend.send_keys("/jump_to_id/border_intro")
    wait_for(browser, lambda: not any("course link" in text for text in problems(browser)))
    browser.execute_script("arguments[0].value = arguments[1];"
                           "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", recommend, link)
    wait_for(browser, lambda: any("Use a course link such as /jump_to_id/border_intro" in text
                                  for text in problems(browser)))
