"""In headless Chromium: a designer builds a scenario from nothing in the map editor, fixes a dangling choice,
saves; a learner then plays it to an ending."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from rtcm_xblocks.scenario.layout import MAX_BOXES
from tests.scenario.large import exit_chain, to_olx
from tests.workbench import get_block, load_scenario

DESIGNER = "staff_designer"
STEPS = ("Arrival", "Interview", "Interpreter", "Referral")  # the fifth, Decision, is made from a choice's target list
ENDINGS = (("Protected", "good"), ("Waved through", "bad"), ("Delayed", "neutral"))
# step -> [(label, target as the editor lists it, points, expert)]
CHOICES = {
    "Arrival": [("Separate them", "Step: Interview", 3, True),
                ("Stamp the passports", "Ending: Waved through", 0, False)],
    "Interview": [("Call an interpreter", "Step: Interpreter", 2, True),
                  ("Carry on alone", "new step: Decision", 0, False)],
    "Interpreter": [("Book a sworn interpreter", "Step: Referral", 2, True)],
    "Referral": [("Call the hotline", "Step: Decision", 1, True), ("Ask her again", "Step: Referral", 0, False)],
    "Decision": [("Let the bus go", "Ending: Delayed", 0, False)],
}


def _root(browser):
    return browser.find_element(By.CSS_SELECTOR, ".rtcm-studio")


def _settled(browser):
    """Wait until the editor has no validation or save in flight."""
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-pending") is None)


def _click(browser, element):
    """Scroll `element` to the middle of the window (the workbench header covers the top) and click it."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _type(field, text):
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def _open_from_outline(browser, title):
    outline = browser.find_element(By.CSS_SELECTOR, '[data-role="outline"]')
    button = next(b for b in outline.find_elements(By.CSS_SELECTOR, "button") if b.text.startswith(title))
    _click(browser, button)
    WebDriverWait(browser, 5).until(lambda b: title in b.find_element(By.CSS_SELECTOR, ".rtcm-studio__heading").text)


def _add_node(browser, action, title):
    _click(browser, browser.find_element(By.CSS_SELECTOR, f'[data-action="{action}"]'))
    title_input = browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] input[type="text"]')
    _type(title_input, title)
    _settled(browser)


def _add_choice(browser, label, target, points, expert):
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="add-choice"]'))
    choice = browser.find_elements(By.CSS_SELECTOR, ".rtcm-studio__choice")[-1]
    _type(choice.find_element(By.CSS_SELECTOR, 'input[type="text"]'), label)
    if target and target.startswith("new step: "):
        Select(choice.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("+ A new step\u2026")
        prompt = browser.switch_to.alert
        prompt.send_keys(target[len("new step: "):])
        prompt.accept()
        _settled(browser)
        choice = browser.find_elements(By.CSS_SELECTOR, ".rtcm-studio__choice")[-1]
    elif target:
        Select(choice.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text(target)
    if points:
        _type(choice.find_element(By.CSS_SELECTOR, 'input[type="number"]'), str(points))
    if expert:
        _click(browser, choice.find_element(By.CSS_SELECTOR, 'input[type="checkbox"]'))
    _settled(browser)
    return choice


def _learner_text(browser):
    return browser.find_element(By.CSS_SELECTOR, ".rtcm-scenario").text


def _problems(browser):
    return [item.text for item in browser.find_elements(By.CSS_SELECTOR, '[data-role="problems"] li')]


def test_a_designer_builds_a_five_step_three_ending_scenario_and_a_learner_plays_it(browser):
    name, usage_id = load_scenario('<rtcm_scenario display_name="A new case"/>')
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    assert "No steps yet" in browser.find_element(By.CSS_SELECTOR, '[data-role="map"]').text

    for title in STEPS:
        _add_node(browser, "add-step", title)
    for title, outcome in ENDINGS:
        _add_node(browser, "add-ending", title)
        Select(browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] select')).select_by_value(outcome)
        _settled(browser)
    boxes = browser.find_elements(By.CSS_SELECTOR, ".rtcm-map__box")
    assert len(boxes) == 7
    assert any("cannot be reached" in box.get_attribute("aria-label") for box in boxes)

    for title, choices in CHOICES.items():
        _open_from_outline(browser, title)
        for label, target, points, expert in choices:
            _add_choice(browser, label, target, points, expert)

    # a choice added without a target: the problem is listed and the map marks its step
    dangling = _add_choice(browser, "Refer her to protection", None, 2, True)
    assert any("does not lead anywhere yet" in text for text in _problems(browser))
    decision_box = browser.find_element(By.CSS_SELECTOR, '.rtcm-map__box[data-key="box:decision"]')
    assert "rtcm-map__box--problem" in decision_box.get_attribute("class")

    # the problem's link opens the step; choosing a target fixes it
    problem_link = next(b for b in browser.find_elements(By.CSS_SELECTOR, '[data-role="problems"] button')
                        if "does not lead anywhere yet" in b.text)
    _click(browser, problem_link)
    dangling = browser.find_elements(By.CSS_SELECTOR, ".rtcm-studio__choice")[-1]
    Select(dangling.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("Ending: Protected")
    _settled(browser)
    assert _problems(browser) == []
    assert "No problems" in browser.find_element(By.CSS_SELECTOR, '[data-role="problem-count"]').text

    # choices can be reordered: the fixed choice moves to the top of its step
    _click(browser, browser.find_elements(By.CSS_SELECTOR, ".rtcm-studio__choice")[-1]
           .find_element(By.XPATH, './/button[text()="Move up"]'))
    _settled(browser)
    assert browser.find_elements(By.CSS_SELECTOR, ".rtcm-studio__choice")[0].find_element(
        By.CSS_SELECTOR, 'input[type="text"]').get_attribute("value") == "Refer her to protection"

    # a step added by mistake is deleted again
    _add_node(browser, "add-step", "Scratch")
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="delete-node"]'))
    browser.switch_to.alert.accept()
    _settled(browser)
    assert "Scratch" not in browser.find_element(By.CSS_SELECTOR, '[data-role="outline"]').text

    # rich text: the designer writes the situation and makes a word bold with the toolbar
    _open_from_outline(browser, "Arrival")
    body = browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] [contenteditable="true"]')
    _click(browser, body)
    body.send_keys("Two travellers at the counter.")
    body.send_keys(Keys.SHIFT, Keys.HOME)
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] .rtcm-studio__tool[aria-label="Bold"]'))
    body.send_keys(Keys.END, Keys.ENTER, "He holds her passport.")
    _settled(browser)

    # the map is one tab stop operated from the keyboard: arrows move between boxes, Enter opens one
    assert [box.get_attribute("data-id") for box in browser.find_elements(
        By.CSS_SELECTOR, '.rtcm-map__box[tabindex="0"]')] == ["arrival"]
    browser.find_element(By.CSS_SELECTOR, '.rtcm-map__box[data-key="box:arrival"]').send_keys(Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element.get_attribute("data-id") == "interview"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(
        lambda b: "Interview" in b.find_element(By.CSS_SELECTOR, ".rtcm-studio__heading").text)
    assert browser.switch_to.active_element.get_attribute("class") == "rtcm-studio__heading"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".rtcm-map__arrow--back")) == 1

    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="save"]'))
    _settled(browser)
    assert browser.find_element(By.CSS_SELECTOR, '[data-role="status"]').text == "Saved."
    saved = get_block(usage_id, DESIGNER).scenario
    assert [step["id"] for step in saved["steps"]] == ["arrival", "interview", "interpreter", "referral", "decision"]
    assert [ending["id"] for ending in saved["endings"]] == ["protected", "waved-through", "delayed"]
    assert saved["steps"][4]["choices"][0] == {"id": "refer-her-to-protection", "label": "Refer her to protection",
                                               "to": "protected", "points": 2, "expert": True, "feedback": ""}
    body = saved["steps"][0]["body"]  # the new line became a paragraph the server keeps, not a <div> it drops
    assert body.startswith("<b>Two travellers at the counter.</b><p>") and "He holds her passport.</" in body

    browser.get(f"{browser.base_url}/scenario/{name}/?student=learner_7")
    for label in ("Separate them", "Call an interpreter", "Book a sworn interpreter", "Call the hotline",
                  "Refer her to protection"):
        WebDriverWait(browser, 10).until(lambda b, text=label: any(
            button.text == text for button in b.find_elements(By.CSS_SELECTOR, ".rtcm-scenario__choice")))
        _click(browser, next(button for button in browser.find_elements(By.CSS_SELECTOR, ".rtcm-scenario__choice")
                             if button.text == label))
        WebDriverWait(browser, 10).until(lambda b, text=label: "You chose: " + text in _learner_text(b)
                                         or b.find_elements(By.CSS_SELECTOR, ".rtcm-scenario__debrief"))
    debrief = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, ".rtcm-scenario__debrief"))
    assert "Protected" in debrief.text
    assert "100%" in debrief.text


def test_an_author_previews_the_saved_scenario_as_a_learner_without_recording_anything(browser):
    name, usage_id = load_scenario(
        '<rtcm_scenario display_name="Preview me"><intro><p>Night shift.</p></intro>'
        '<step id="a" title="At the counter"><choice id="go" to="b" points="1"><label>Separate them</label>'
        "<feedback><p>She can speak.</p></feedback></choice></step>"
        '<step id="b" title="Interview"><choice id="refer" to="done" points="1"><label>Refer her</label>'
        "</choice></step>"
        '<ending id="done" title="Referred" outcome="good"><body><p>Debrief.</p></body></ending></rtcm_scenario>')
    browser.get(f"{browser.base_url}/scenario/{name}/author_view/?student={DESIGNER}")
    author = browser.find_element(By.CSS_SELECTOR, ".rtcm-author")
    assert "No problems" in author.text and "2 points" in author.text
    toggle = author.find_element(By.CSS_SELECTOR, '[data-action="preview"]')
    _click(browser, toggle)
    assert toggle.get_attribute("aria-expanded") == "true"
    stage = author.find_element(By.CSS_SELECTOR, '[data-role="stage"]')
    for label in ("Separate them", "Refer her"):
        WebDriverWait(browser, 10).until(lambda b, text=label: text in stage.text)
        assert label != "Separate them" or "Night shift." in stage.text
        _click(browser, next(button for button in stage.find_elements(By.CSS_SELECTOR, "button")
                             if button.text == label))
    WebDriverWait(browser, 10).until(lambda b: "Referred" in stage.text and "Score: 100%" in stage.text)
    assert "Your path" in stage.text and "Separate them" in stage.text
    assert get_block(usage_id, DESIGNER).user_state == {}


def test_a_designer_edits_the_olx_sees_the_parse_error_line_then_applies_it(browser):
    name, _usage_id = load_scenario(
        '<rtcm_scenario display_name="OLX case"><step id="a" title="At the counter">'
        '<choice id="go" to="done" points="1"><label>Go</label></choice></step>'
        '<ending id="done" title="Done" outcome="good"/></rtcm_scenario>')
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[role="tab"][data-tab="olx"]'))
    area = browser.find_element(By.CSS_SELECTOR, '[data-role="olx"]')
    WebDriverWait(browser, 10).until(lambda b: "<rtcm_scenario" in area.get_attribute("value"))
    text = area.get_attribute("value")
    broken = text.replace("<label>Go</label>", "<label>Go</labl>")
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                           area, broken)
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="olx-apply"]'))
    error = browser.find_element(By.CSS_SELECTOR, '[data-role="olx-error"]')
    line = broken[:broken.index("</labl>")].count("\n") + 1
    WebDriverWait(browser, 10).until(lambda b: f"Line {line}:" in error.text)
    assert area.get_attribute("aria-invalid") == "true"
    _click(browser, error.find_element(By.CSS_SELECTOR, "button"))
    assert browser.switch_to.active_element == area

    fixed = text.replace('title="At the counter"', 'title="At the border"')
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                           area, fixed)
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="olx-apply"]'))
    WebDriverWait(browser, 10).until(
        lambda b: "OLX applied" in b.find_element(By.CSS_SELECTOR, '[data-role="status"]').text)
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[role="tab"][data-tab="map"]'))
    assert "At the border" in browser.find_element(By.CSS_SELECTOR, '[data-role="outline"]').text
    assert browser.find_element(By.CSS_SELECTOR, '.rtcm-map__box[data-key="box:a"]').get_attribute(
        "aria-label").startswith("Step: At the border")


UNNAMED_CONTROLS = """
const root = document.querySelector('.rtcm-studio');
const problems = [];
const ids = {};
root.querySelectorAll('[id]').forEach(el => {
  if (ids[el.id]) { problems.push('duplicate id ' + el.id); }
  ids[el.id] = 1;
});
root.querySelectorAll('input, select, textarea, [contenteditable="true"], button, [role="button"], [role="tab"]')
  .forEach(el => {
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label') ||
      (el.getAttribute('aria-labelledby') || '').split(' ').some(id => id && document.getElementById(id)) ||
      ((el.tagName === 'BUTTON' || el.getAttribute('role') === 'tab') && el.textContent.trim());
    if (!labelled) { problems.push('no accessible name: ' + el.outerHTML.slice(0, 80)); }
  });
root.querySelectorAll('[aria-describedby]').forEach(el => el.getAttribute('aria-describedby').split(' ')
  .forEach(id => { if (id && !document.getElementById(id)) { problems.push('dangling describedby ' + id); } }));
return problems;
"""


def test_every_control_of_the_editor_has_an_accessible_name_and_ids_are_unique(browser):
    with open("rtcm_xblocks/scenario/samples/border_screening.xml", encoding="utf-8") as handle:
        name, _usage_id = load_scenario(handle.read())
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    browser.find_element(By.CSS_SELECTOR, '.rtcm-map__box[data-key="box:arrival"]').send_keys(Keys.ENTER)
    assert browser.execute_script(UNNAMED_CONTROLS) == []
    width = int(browser.find_element(By.CSS_SELECTOR, "svg.rtcm-map").get_attribute("width"))
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="zoom-out"]'))
    assert browser.find_element(By.CSS_SELECTOR, '[data-role="zoom"]').text == "Map size: 80%"
    assert int(browser.find_element(By.CSS_SELECTOR, "svg.rtcm-map").get_attribute("width")) == round(width * 0.8)
    _type(browser.find_element(By.CSS_SELECTOR, '[data-role="find"]'), "protection")
    assert [item.text.split("\n")[0] for item in browser.find_elements(
        By.CSS_SELECTOR, '[data-role="outline"] li button')] == ["Referred to protection"]
    _open_from_outline(browser, "Referred to protection")
    assert browser.execute_script(UNNAMED_CONTROLS) == []
    # a field error is announced next to its field and tied to it
    points = browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] input[type="number"]')
    _type(points, "1.5")
    _settled(browser)
    assert points.get_attribute("aria-invalid") == "true"
    note = browser.find_element(By.ID, points.get_attribute("aria-describedby").split()[-1])
    assert note.text == "This must be a whole number."
    assert browser.execute_script(UNNAMED_CONTROLS) == []


PASTE = """
const area = arguments[0];
area.focus();
const data = new DataTransfer();
data.setData('text/html', '<span style="color:red" onclick="steal()">Hi</span><script>steal()</script>' +
                          '<div>Para</div><a href="javascript:steal()">link</a><img src="x.png" onerror="steal()">');
area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
return area.innerHTML;
"""


def test_html_pasted_into_rich_text_keeps_only_what_the_server_allows(browser):
    name, _usage_id = load_scenario('<rtcm_scenario display_name="Paste"/>')
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    _open_from_outline(browser, "Introduction")
    area = browser.find_element(By.CSS_SELECTOR, '[data-role="editor"] [contenteditable="true"]')
    pasted = browser.execute_script(PASTE, area)
    assert "Hi" in pasted and "Para" in pasted and "link" in pasted
    for banned in ("<span", "style=", "onclick", "<script", "steal", "onerror", "<div"):
        assert banned not in pasted, banned


def test_a_scenario_too_large_for_a_map_is_edited_from_the_outline(browser):
    name, _usage_id = load_scenario(to_olx(exit_chain(MAX_BOXES)))  # MAX_BOXES steps and 2 endings
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 30).until(lambda b: _root(b).get_attribute("data-ready") is not None)
    drawn = browser.find_element(By.CSS_SELECTOR, '[data-role="map"]')
    assert "too large to draw as a map (502 steps and endings)" in drawn.text
    assert drawn.find_elements(By.CSS_SELECTOR, ".rtcm-map__box") == []
    outline = browser.find_element(By.CSS_SELECTOR, '[data-role="outline"]')
    assert len(outline.find_elements(By.CSS_SELECTOR, "button.rtcm-studio__item")) >= MAX_BOXES + 2
    _open_from_outline(browser, "Decision 321")


def test_long_choices_beyond_the_slot_budget_are_drawn_straight_and_faint(browser):
    name, _usage_id = load_scenario(to_olx(exit_chain(150)))  # the "give up" choices need some 11,000 slots
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 30).until(lambda b: _root(b).get_attribute("data-ready") is not None)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".rtcm-map__box")) == 152
    straight = browser.find_elements(By.CSS_SELECTOR, ".rtcm-map__arrow--straight")
    assert straight and len(straight) < 150
    assert float(browser.execute_script("return getComputedStyle(arguments[0]).strokeOpacity", straight[0])) < 1


HOSTILE = '</script><script>window.rtcmPwned = 1</script><!-- \u2028 & <img src=x onerror="window.rtcmPwned = 2">'


def _store_hostile_texts(usage_id):
    """Put hostile text straight into the saved fields, as any import path or older version could have."""
    block = get_block(usage_id, DESIGNER)
    scenario = dict(block.scenario)
    scenario["steps"] = [dict(scenario["steps"][0], title="Step " + HOSTILE)] + scenario["steps"][1:]
    scenario["intro"] = "<p>Intro</p>"
    block.scenario = scenario
    block.display_name = "Case " + HOSTILE
    block.save()


def test_a_hostile_title_opens_in_another_authors_editor_as_text_and_runs_no_script(browser):
    from tests.scenario.test_studio import OLX  # pylint: disable=import-outside-toplevel
    name, usage_id = load_scenario(OLX)
    _store_hostile_texts(usage_id)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    assert browser.execute_script("return window.rtcmPwned === undefined")
    outline = browser.find_element(By.CSS_SELECTOR, '[data-role="outline"]').text
    assert "Step </script><script>window.rtcmPwned = 1</script>" in outline
    browser.get(f"{browser.base_url}/scenario/{name}/author_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".rtcm-author"))
    assert browser.execute_script("return window.rtcmPwned === undefined")
    assert "Case </script><script>" in browser.find_element(By.CSS_SELECTOR, ".rtcm-author h3").text
