"""The import mirror does what the platform does: pointer tags, the vertical's rule, the error-block fall-back."""
from lxml import etree

from tests.platform.course_folder import unit_children, unit_course
from tests.platform.importer import ErrorBlock, import_course, is_pointer_tag


def test_a_pointer_tag_is_an_element_with_only_a_url_name():
    assert is_pointer_tag(etree.fromstring('<rtcm_scenario url_name="a"/>'))
    assert is_pointer_tag(etree.fromstring('<course url_name="r" org="O" course="C"/>'))
    assert not is_pointer_tag(etree.fromstring('<rtcm_scenario url_name="a" display_name="A"/>'))
    assert not is_pointer_tag(etree.fromstring('<rtcm_scenario url_name="a"><step/></rtcm_scenario>'))
    assert not is_pointer_tag(etree.fromstring('<html url_name="a">text</html>'))


def test_the_unit_loads_a_pointer_child_from_its_file_whatever_its_type(tmp_path):
    unit_course(tmp_path, '<vertical><html url_name="page"/><rtcm_scenario url_name="case"/></vertical>')
    (tmp_path / "html").mkdir()
    (tmp_path / "html/page.xml").write_text('<html filename="page" display_name="Page"/>')
    (tmp_path / "html/page.html").write_text("<p>Hello</p>")
    (tmp_path / "rtcm_scenario").mkdir()
    (tmp_path / "rtcm_scenario/case.xml").write_text('<rtcm_scenario display_name="From its file"/>')
    _runtime, course = import_course(tmp_path)
    page, case = unit_children(course)
    assert (page.data, page.display_name) == ("<p>Hello</p>", "Page")
    assert (case.display_name, case.url_name) == ("From its file", "case")


def test_a_pointer_child_without_its_file_is_left_out_of_the_unit(tmp_path):
    unit_course(tmp_path, '<vertical><rtcm_scenario url_name="lost"/><html url_name="p" filename="p"/></vertical>')
    (tmp_path / "html").mkdir()
    (tmp_path / "html/p.html").write_text("<p>Kept</p>")
    runtime, course = import_course(tmp_path)
    assert [block.category for block in unit_children(course)] == ["html"]
    assert any("rtcm_scenario/lost.xml" in error for error in runtime.errors)


def test_the_parent_drops_every_childs_xblock_family_before_the_unit_looks_for_pointers(tmp_path):
    """parse_asides pops xblock-family first, so `<tag url_name xblock-family/>` is a pointer too."""
    unit_course(tmp_path, '<vertical><rtcm_scenario url_name="bare" xblock-family="xblock.v1"/></vertical>')
    _runtime, course = import_course(tmp_path)
    assert unit_children(course) == []


def test_any_exception_while_loading_a_block_makes_an_error_block(tmp_path):
    unit_course(tmp_path, '<vertical><rtcm_scenario url_name="bad"><nonsense/></rtcm_scenario></vertical>')
    _runtime, course = import_course(tmp_path)
    (block,) = unit_children(course)
    assert isinstance(block, ErrorBlock) and "nonsense" in block.contents
    assert "Unknown element <nonsense>" in block.error_msg
