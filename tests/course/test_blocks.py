"""Each custom block of the starter course loads through the XBlock runtime, validates clean and renders."""
import pytest
from lxml import etree
from xblock.validation import ValidationMessage

from tests.course.course_tree import CUSTOM_BLOCKS, custom_blocks
from tests.workbench import get_block, load_scenario

BLOCKS = [element for tag in CUSTOM_BLOCKS for _path, element in custom_blocks(tag)]


@pytest.mark.parametrize("element", BLOCKS, ids=[element.get("url_name") for element in BLOCKS])
def test_block_loads_validates_without_errors_and_renders_for_a_learner(workbench, element):
    name, usage_id = load_scenario(etree.tostring(element, encoding="unicode"), name=f"course_{element.get('url_name')}")
    block = get_block(usage_id)
    errors = [message.text for message in block.validate().messages if message.type == ValidationMessage.ERROR]
    assert errors == []
    assert element.get("display_name") in workbench.page(name)


SCENARIOS = [element for element in BLOCKS if element.tag == "rtcm_scenario"]


@pytest.mark.parametrize("element", SCENARIOS, ids=[element.get("url_name") for element in SCENARIOS])
def test_playing_the_expert_choices_reaches_a_good_ending_with_full_marks(workbench, element):
    _name, usage_id = load_scenario(etree.tostring(element, encoding="unicode"), name=f"play_{element.get('url_name')}")
    status, state = workbench.call(usage_id, "get_state")
    for _turn in range(len(element.findall("step")) + 1):
        if state["finished"]:
            break
        step = element.xpath("step[@id=$id]", id=state["step"]["id"])[0]
        expert = step.xpath("choice[@expert='true']")[0].get("id")
        status, state = workbench.call(usage_id, "choose", {"step": step.get("id"), "choice": expert})
        assert status == 200, state
    assert state["finished"] and state["ending"]["outcome"] == "good"
    assert state["score"] == pytest.approx(1.0)
