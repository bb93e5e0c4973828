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
