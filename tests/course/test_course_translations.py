"""Everything the blocks themselves say on the course's pages is translated: only the author's course text stays English."""
import re
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree
from lxml import html as lxml_html

from rtcm_xblocks.common.safe_xml import parse_xml_string
from tests.languages import LANGUAGES
from tests.workbench import get_block, load_scenario

COURSE = Path(__file__).resolve().parents[2] / "course_content"
CUSTOM = ("rtcm_scenario", "rtcm_needs_assessment")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def course_blocks():
    """(unit url_name, block OLX) for every custom block of the course."""
    found = []
    for path in sorted((COURSE / "vertical").glob("*.xml")):
        for node in parse_xml_string(path.read_bytes()):
            if isinstance(node.tag, str) and node.tag in CUSTOM:
                found.append((path.stem, etree.tostring(node, encoding="unicode")))
    return found


def fold(text):
    return " ".join(text.split())


def author_text(olx):
    """All the text an author wrote in the block's OLX (element text and attribute values), folded."""
    root = parse_xml_string(olx)
    pieces = [fold(text) for text in root.itertext()]
    pieces += [fold(value) for node in root.iter() for value in node.attrib.values()]
    return "\n".join(piece for piece in pieces if piece)


def shown_text(html):
    """The text segments and accessible names a page shows, folded."""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for hidden in root.xpath("//script | //style"):
        hidden.drop_tree()
    segments = {fold(text) for text in root.itertext()}
    segments |= {fold(node.get(name)) for name in ATTRIBUTES for node in root.xpath(f"//*[@{name}]")}
    return {segment for segment in segments if segment and LETTERS.search(segment)}


def render(usage_id, language):
    with translation.override(language):
        return get_block(usage_id).render("student_view", {}).body_html()


@pytest.mark.parametrize("unit, olx", course_blocks(), ids=[unit for unit, _ in course_blocks()])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_blocks_own_words_on_every_course_page_are_translated(db, unit, olx, language):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(olx)
    written = author_text(olx)
    english = {segment for segment in shown_text(render(usage_id, "en")) if segment not in written}
    assert english, f"{unit}: the block shows no words of its own — the check would prove nothing"
    untranslated = english & shown_text(render(usage_id, language))
    assert not untranslated, f"{unit} in {language}: {sorted(untranslated)}"


def test_the_course_uses_every_custom_block_kind():
    kinds = {parse_xml_string(olx).tag for _unit, olx in course_blocks()}
    assert kinds == set(CUSTOM)
    assert len(course_blocks()) == 12
