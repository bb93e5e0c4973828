"""Each custom block of the starter course, in every language of the course, loads through the XBlock runtime,
validates clean, renders, and each scenario plays to every one of its endings."""
import html
from collections import deque

import pytest
from lxml import etree
from xblock.validation import ValidationMessage

from tests.course.course_tree import CUSTOM_BLOCKS, LANGUAGES, course_dir, custom_blocks
from tests.workbench import get_block, load_scenario

NAMES = [element.get("url_name") for tag in CUSTOM_BLOCKS for _path, element in custom_blocks(tag)]
SCENARIO_NAMES = [element.get("url_name") for _path, element in custom_blocks("rtcm_scenario")]


def _element(language, url_name):
    """The block `url_name` as the course of `language` has it."""
    return next(element for tag in CUSTOM_BLOCKS for _path, element in custom_blocks(tag, course_dir(language))
                if element.get("url_name") == url_name)


@pytest.mark.parametrize("url_name", NAMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_block_loads_validates_without_errors_and_renders_for_a_learner(workbench, language, url_name):
    element = _element(language, url_name)
    name, usage_id = load_scenario(etree.tostring(element, encoding="unicode"), name=f"course_{language}_{url_name}")
    block = get_block(usage_id)
    errors = [message.text for message in block.validate().messages if message.type == ValidationMessage.ERROR]
    assert errors == []
    assert html.escape(element.get("display_name")) in workbench.page(name)


def _paths_to_endings(element):
    """{ending id: [(step id, choice id), …]}: a shortest path of choices from the start to each ending."""
    start = element.get("start") or element.find("step").get("id")
    paths, queue = {start: []}, deque([start])
    while queue:
        step_id = queue.popleft()
        for step in element.xpath("step[@id=$id]", id=step_id):
            for choice in step.findall("choice"):
                if choice.get("to") not in paths and choice.get("timeout") != "true":  # a timeout is never chosen
                    paths[choice.get("to")] = paths[step_id] + [(step_id, choice.get("id"))]
                    queue.append(choice.get("to"))
    return {ending.get("id"): paths[ending.get("id")] for ending in element.findall("ending")}


def _choose(workbench, usage_id, state, choice_id, **learner):
    """Take `choice_id` at the current step as a learner does: a timed step's clock is started first."""
    step = state["step"]
    if (step.get("timer") or {}).get("started") is False:
        status, state = workbench.call(usage_id, "start_timer", {"step": step["id"]}, **learner)
        assert status == 200, state
    return workbench.call(usage_id, "choose", {"step": step["id"], "choice": choice_id}, **learner)


@pytest.mark.parametrize("url_name", SCENARIO_NAMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ending_is_played_to_through_the_handlers(workbench, language, url_name):
    element = _element(language, url_name)
    _name, usage_id = load_scenario(etree.tostring(element, encoding="unicode"), name=f"endings_{language}_{url_name}")
    for ending_id, path in _paths_to_endings(element).items():
        learner = f"learner_{ending_id}"
        status, state = workbench.call(usage_id, "get_state", student=learner)
        for step_id, choice_id in path:
            assert state["step"]["id"] == step_id
            status, state = _choose(workbench, usage_id, state, choice_id, student=learner)
            assert status == 200, state
        ending = element.xpath("ending[@id=$id]", id=ending_id)[0]
        assert state["finished"] and state["ending"]["id"] == ending_id, (language, url_name, ending_id)
        assert state["ending"]["title"] == ending.get("title")


@pytest.mark.parametrize("url_name", SCENARIO_NAMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_playing_the_expert_choices_reaches_a_good_ending_with_full_marks(workbench, language, url_name):
    element = _element(language, url_name)
    _name, usage_id = load_scenario(etree.tostring(element, encoding="unicode"), name=f"play_{language}_{url_name}")
    status, state = workbench.call(usage_id, "get_state")
    for _turn in range(len(element.findall("step")) + 1):
        if state["finished"]:
            break
        step = element.xpath("step[@id=$id]", id=state["step"]["id"])[0]
        expert = step.xpath("choice[@expert='true']")[0].get("id")
        status, state = _choose(workbench, usage_id, state, expert)
        assert status == 200, state
    assert state["finished"] and state["ending"]["outcome"] == "good"
    assert state["score"] == pytest.approx(1.0)
