"""In headless Chromium: a designer turns a plain case into a simulation in the map editor (a variable, a
conditional choice with an effect and competency points, a hint, a timed step with its timeout choice),
from the keyboard, sees a condition's error at its field, saves; the saved block and its OLX hold it all.
The fields read right to left where the language does, and the author's preview plays a simulation."""
from lxml import etree
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.scenario.test_studio import STAFF
from tests.scenario.test_studio_browser import UNNAMED_CONTROLS, _click, _open_from_outline, _root, _settled, _type
from tests.scenario.test_studio_simulation import _simulation
from tests.workbench import get_block, load_scenario

DESIGNER = "staff_designer"
CASE = """
<rtcm_scenario display_name="Border night">
  <step id="arrival" title="Arrival">
    <body><p>Two travellers.</p></body>
    <choice id="separate" to="referred" points="3" expert="true"><label>Separate them</label></choice>
    <choice id="stamp" to="waved" points="0"><label>Stamp the passports</label></choice>
  </step>
  <ending id="referred" title="Referred" outcome="good"><body><p>Well done.</p></body></ending>
  <ending id="waved" title="Waved through" outcome="bad"><body><p>Missed.</p></body></ending>
</rtcm_scenario>
"""


def _field(browser, path):
    return browser.find_element(By.CSS_SELECTOR, f'[data-field="{path}"]')


def _keys(browser, *keys):
    browser.switch_to.active_element.send_keys(*keys)


def _press(browser, action):
    """From the editor's heading, reach the button of `action` with the Tab key and press it with Enter."""
    target = browser.find_element(By.CSS_SELECTOR, f'[data-action="{action}"]')
    browser.execute_script("document.querySelector('.rtcm-studio__heading').focus();")
    for _ in range(300):
        if browser.switch_to.active_element == target:
            break
        _keys(browser, Keys.TAB)
    assert browser.switch_to.active_element == target
    _keys(browser, Keys.ENTER)


def test_a_designer_adds_state_conditions_effects_competencies_a_hint_and_a_timer_from_the_keyboard(browser):
    name, usage_id = load_scenario(CASE)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))

    # the case state: one shown number variable, added and filled in from the keyboard
    _open_from_outline(browser, "Case state and characters")
    _press(browser, "add-variable")
    assert browser.switch_to.active_element == _field(browser, "scenario.variables.0.id")
    _type(browser.switch_to.active_element, "trust")
    _keys(browser, Keys.TAB, Keys.TAB)  # past the type: a number
    assert browser.switch_to.active_element == _field(browser, "scenario.variables.0.initial")
    _type(browser.switch_to.active_element, "1")
    _keys(browser, Keys.TAB)
    _type(browser.switch_to.active_element, "0")
    _keys(browser, Keys.TAB)
    _type(browser.switch_to.active_element, "5")
    _keys(browser, Keys.TAB)
    _type(browser.switch_to.active_element, "Trust")
    _keys(browser, Keys.TAB, Keys.SPACE)
    assert _field(browser, "scenario.variables.0.shown").is_selected()
    _settled(browser)
    assert browser.execute_script(UNNAMED_CONTROLS) == []

    # the first choice is offered only while trust holds; a misspelt variable is an error at the field
    _open_from_outline(browser, "Arrival")
    condition = _field(browser, "scenario.steps.0.choices.0.when")
    _type(condition, "trsut >= 1")
    _settled(browser)
    assert condition.get_attribute("aria-invalid") == "true"
    note = browser.find_element(By.ID, condition.get_attribute("aria-describedby").split()[-1])
    assert "trsut" in note.text
    _type(condition, "trust >= 1")
    _settled(browser)
    assert condition.get_attribute("aria-invalid") is None

    # its effect (add 1 to trust) and its competency points, the id offered from the framework's list
    _press(browser, "add-effect")
    assert browser.switch_to.active_element == _field(browser, "scenario.steps.0.choices.0.effects.0.op")
    assert Select(_field(browser, "scenario.steps.0.choices.0.effects.0.var")).first_selected_option.text.startswith(
        "trust")
    assert _field(browser, "scenario.steps.0.choices.0.effects.0.value").get_attribute("value") == "1"
    _press(browser, "add-competency")
    competency = browser.switch_to.active_element
    assert competency == _field(browser, "scenario.steps.0.choices.0.competencies.0.id")
    options = browser.find_elements(By.CSS_SELECTOR, f'#{competency.get_attribute("list")} option')
    assert "law-rights.non-refoulement" in [option.get_attribute("value") for option in options]
    competency.send_keys("law-rights.non-refoulement")
    _keys(browser, Keys.TAB)
    _type(browser.switch_to.active_element, "2")

    # renaming the variable rewrites the condition and the effect that name it, once the new name is typed
    _open_from_outline(browser, "Case state and characters")
    name = _field(browser, "scenario.variables.0.id")
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys(Keys.BACKSPACE)  # empty on the way: the references wait for the new name
    name.send_keys("confidence")
    _open_from_outline(browser, "Arrival")
    assert _field(browser, "scenario.steps.0.choices.0.when").get_attribute("value") == "confidence >= 1"
    assert Select(_field(browser, "scenario.steps.0.choices.0.effects.0.var")).first_selected_option.get_attribute(
        "value") == "confidence"

    # a hint that costs a point, and a 30-second limit with the second choice taken when time runs out
    _press(browser, "add-hint")
    hint = browser.find_element(By.CSS_SELECTOR, '[data-field="scenario.steps.0.hint.body"]')
    _click(browser, hint)
    hint.send_keys("Who answers for her?")
    _type(_field(browser, "scenario.steps.0.hint.cost"), "1")
    _type(_field(browser, "scenario.steps.0.time_limit"), "30")
    timeout = _field(browser, "scenario.steps.0.choices.1.timeout")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", timeout)
    timeout.send_keys(Keys.SPACE)
    _settled(browser)
    assert browser.execute_script(UNNAMED_CONTROLS) == []

    # the map marks the conditional choice and the timeout choice, and says so to screen readers
    conditional = browser.find_element(By.CSS_SELECTOR, ".rtcm-map__arrow--conditional")
    assert "only when: confidence >= 1" in conditional.get_attribute("aria-label")
    assert "time runs out" in browser.find_element(
        By.CSS_SELECTOR, ".rtcm-map__arrow--timeout").get_attribute("aria-label")

    _click(browser, browser.find_element(By.CSS_SELECTOR, '[data-action="save"]'))
    _settled(browser)
    assert browser.find_element(By.CSS_SELECTOR, '[data-role="status"]').text.startswith("Saved")
    saved = get_block(usage_id, DESIGNER).scenario
    assert saved["variables"] == [{"id": "confidence", "type": "number", "initial": 1, "min": 0, "max": 5,
                                   "label": "Trust", "shown": True}]
    arrival = saved["steps"][0]
    assert arrival["hint"] == {"body": "Who answers for her?", "cost": 1} and arrival["time_limit"] == 30
    assert arrival["choices"][0]["when"] == "confidence >= 1"
    assert arrival["choices"][0]["effects"] == [{"op": "add", "var": "confidence", "value": 1}]
    assert arrival["choices"][0]["competencies"] == [{"id": "law-rights.non-refoulement", "points": 2}]
    assert arrival["choices"][1]["timeout"] is True

    node = etree.Element("rtcm_scenario")
    get_block(usage_id, DESIGNER).add_xml_to_node(node)
    exported = etree.tostring(node, encoding="unicode")
    for part in ('<variable id="confidence"', 'when="confidence &gt;= 1"', '<add var="confidence" value="1"/>',
                 '<competency id="law-rights.non-refoulement" points="2"/>', 'time_limit="30"', 'timeout="true"',
                 '<hint cost="1">'):
        assert part in exported


def test_the_simulation_fields_read_right_to_left_while_conditions_and_addresses_stay_left_to_right(browser):
    name, _usage_id = load_scenario(CASE)
    browser.get(f"{browser.base_url}/scenario/{name}/studio_view/?student={DESIGNER}")
    WebDriverWait(browser, 10).until(lambda b: _root(b).get_attribute("data-ready"))
    browser.execute_script("document.documentElement.dir = 'rtl';")
    _open_from_outline(browser, "Case state and characters")
    _press(browser, "add-character")
    assert browser.switch_to.active_element == _field(browser, "scenario.characters.0.name")
    _type(browser.switch_to.active_element, "عائشة")
    _open_from_outline(browser, "Arrival")
    _press(browser, "add-line")
    speaker = Select(_field(browser, "scenario.steps.0.lines.0.by"))
    assert speaker.first_selected_option.text == "عائشة"
    _press(browser, "add-media")
    assert browser.switch_to.active_element == _field(browser, "scenario.steps.0.media.src")
    _settled(browser)
    problems = browser.find_element(By.CSS_SELECTOR, '[data-role="problems"]').text
    assert "A video needs captions or a transcript." in problems
    for path in ("scenario.steps.0.choices.0.when", "scenario.steps.0.media.src", "scenario.steps.0.media.captions"):
        assert _field(browser, path).get_attribute("dir") == "ltr"
    fieldset = browser.find_element(By.CSS_SELECTOR, ".rtcm-studio__simulation .rtcm-studio__group")
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", fieldset) == "rtl"
    legend = fieldset.find_element(By.TAG_NAME, "legend")
    assert legend.rect["x"] + legend.rect["width"] > fieldset.rect["x"] + fieldset.rect["width"] / 2
    assert browser.execute_script(UNNAMED_CONTROLS) == []


def test_the_author_preview_shows_the_state_a_hint_on_request_and_lets_the_time_run_out(browser, workbench):
    name, usage_id = load_scenario(CASE)
    status, saved = workbench.call(usage_id, "studio_submit", _simulation(usage_id), student=STAFF)
    assert status == 200, saved
    browser.get(f"{browser.base_url}/scenario/{name}/author_view/?student={DESIGNER}")
    author = browser.find_element(By.CSS_SELECTOR, ".rtcm-author")
    _click(browser, author.find_element(By.CSS_SELECTOR, '[data-action="preview"]'))
    stage = author.find_element(By.CSS_SELECTOR, '[data-role="stage"]')
    WebDriverWait(browser, 10).until(lambda b: "Separate them" in stage.text)
    assert "Trust: 1 (from 0 to 5)" in stage.text and "Where is my passport?" in stage.text
    assert stage.find_element(By.CSS_SELECTOR, "video track").get_attribute("srclang") == "en"
    hint = next(b for b in stage.find_elements(By.CSS_SELECTOR, "button") if b.text.startswith("Show the hint"))
    assert hint.text == "Show the hint (costs 1 point)"
    hint.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "Who answers for her?" in stage.text)
    late = next(b for b in stage.find_elements(By.CSS_SELECTOR, "button") if b.text == "Let the time run out")
    late.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "Waved through" in stage.text)
    assert "You hesitated" in stage.text
    assert get_block(usage_id, DESIGNER).user_state == {}
