"""Our blocks through the platform's import and export: inherited settings kept, start step renamed, never a pointer."""
import datetime

import pytest
from django.utils import translation
from lxml import etree
from workbench.runtime import WorkbenchRuntime
from xblock.fields import ScopeIds
from xblock.runtime import Mixologist

from tests.platform.course_folder import round_trip, unit_children, unit_course
from tests.platform.exporter import export_course, exported_files
from tests.platform.importer import ErrorBlock, import_course

UTC = datetime.timezone.utc
CASE = ('<step id="first" title="First"><choice id="go" to="end" points="1"><label>Go</label></choice></step>'
        '<step id="second" title="Second"><choice id="go" to="end" points="2"><label>Go</label></choice></step>'
        '<ending id="end" title="End"/>')
PLATFORM = ('start="2030-03-01T09:00:00Z" due="2030-04-01T17:00:00Z" visible_to_staff_only="true" '
            'group_access=\'{"50": [1, 2]}\' graceperiod="2 days"')
TYPES = ["rtcm_scenario", "rtcm_needs_assessment"]
# A few hundred bytes that YAML (XBlock's Field.from_string) reads as 10**12 list items by aliases.
YAML_BOMB = "{l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], " + ", ".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)) + "}"


def _unit_xml(tag, attributes="", content=""):
    return f'<vertical display_name="Unit"><{tag} url_name="b" {attributes}>{content}</{tag}></vertical>'


@pytest.fixture(name="course")
def course_fixture(tmp_path, db):  # pylint: disable=unused-argument
    """A course folder under tmp_path/in; exports go to tmp_path/out and tmp_path/again."""
    (tmp_path / "in").mkdir()
    return tmp_path


@pytest.mark.parametrize("tag", TYPES)
def test_a_never_edited_block_survives_export_and_import(course, tag):
    unit_course(course / "in", '<vertical display_name="Unit"/>')
    runtime, root = import_course(course / "in")
    unit = root.get_children()[0].get_children()[0].get_children()[0]
    # What Studio's "add component" makes: a block of the type with no field set.
    key = runtime.id_generator.create_definition(tag, "fresh")
    block = runtime.construct_xblock(tag, ScopeIds(None, tag, key, key))
    block.parent = unit.scope_ids.usage_id
    block.save()
    runtime.blocks[block.scope_ids.usage_id] = block
    unit.children.append(block.scope_ids.usage_id)
    export_course(runtime, root, course / "out")
    again_runtime, again = import_course(course / "out")
    (fresh,) = unit_children(again)
    assert fresh.scope_ids.block_type == tag and fresh.url_name == "fresh"
    assert again_runtime.errors == []


def test_an_old_start_naming_a_step_is_the_start_step_not_a_release_date(course):
    unit_course(course / "in", _unit_xml("rtcm_scenario", 'start="second"', CASE))
    runtime, root = import_course(course / "in")
    (block,) = unit_children(root)
    assert not isinstance(block, ErrorBlock), runtime.errors
    assert block._scenario().start_id == "second"  # pylint: disable=protected-access
    assert not block.fields["start"].is_set_on(block)
    export_course(runtime, root, course / "out")
    written = etree.parse(str(course / "out/vertical/unit.xml")).getroot()[0]
    assert written.get("start_step") == "second" and written.get("start") is None


def test_start_step_and_a_release_date_live_side_by_side(course):
    unit_course(course / "in", _unit_xml("rtcm_scenario", 'start_step="second" start="2031-01-15T00:00:00Z"', CASE))
    _runtime, root = round_trip(course / "in", course / "out")
    (block,) = unit_children(root)
    assert block._scenario().start_id == "second"  # pylint: disable=protected-access
    assert block.start == datetime.datetime(2031, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize("tag", TYPES)
def test_the_platforms_settings_are_imported_into_its_fields_and_exported_again(course, tag):
    unit_course(course / "in", _unit_xml(tag, PLATFORM, CASE if tag == "rtcm_scenario" else ""))
    runtime, root = round_trip(course / "in", course / "out")
    (block,) = unit_children(root)
    assert block.start == datetime.datetime(2030, 3, 1, 9, tzinfo=UTC)
    assert block.due == datetime.datetime(2030, 4, 1, 17, tzinfo=UTC)
    assert block.visible_to_staff_only is True
    assert block.fields["group_access"].to_json(block.group_access) == {"50": [1, 2]}
    assert block.graceperiod == datetime.timedelta(days=2)
    assert block.platform_attributes == {}
    export_course(runtime, root, course / "again")
    assert exported_files(course / "again") == exported_files(course / "out")


@pytest.mark.parametrize("tag", TYPES)
def test_a_runtime_without_the_platforms_fields_gives_its_attributes_back_verbatim(tag, db):  # pylint: disable=unused-argument
    runtime = WorkbenchRuntime()
    runtime.mixologist = Mixologist([])
    studio = 'upstream="lb:org:lib:rtcm_scenario:x" upstream_version="3" upstream.display_name="Original"'
    source = f'<{tag} {PLATFORM} {studio} days_early_for_beta="2.5">{CASE if tag == "rtcm_scenario" else ""}</{tag}>'
    block = runtime.get_block(runtime.parse_xml_string(source))
    assert "start" not in block.fields and block.platform_attributes["due"] == "2030-04-01T17:00:00Z"
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    original = etree.fromstring(source)
    assert {name: node.get(name) for name in original.attrib} == dict(original.attrib)


def test_a_value_the_platform_field_cannot_read_is_kept_rather_than_failing_the_import(course):
    unit_course(course / "in", _unit_xml("rtcm_needs_assessment", 'start="someday" due="2030-04-01"'))
    _runtime, root = round_trip(course / "in", course / "out")
    (block,) = unit_children(root)
    assert block.platform_attributes == {"start": "someday"}
    assert block.due == datetime.datetime(2030, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize("tag", TYPES)
def test_an_unchanged_import_exports_byte_for_byte_the_same_twice(course, tag):
    unit_course(course / "in", _unit_xml(tag, 'display_name="Block"', CASE if tag == "rtcm_scenario" else ""))
    runtime, root = import_course(course / "in")
    export_course(runtime, root, course / "out")
    again_runtime, again = import_course(course / "out")
    export_course(again_runtime, again, course / "again")
    assert exported_files(course / "again") == exported_files(course / "out")


@pytest.mark.parametrize("tag, russian", [("rtcm_scenario", "Сценарное упражнение"),
                                         ("rtcm_needs_assessment", "Самооценка потребностей в обучении")])
def test_a_never_named_block_keeps_its_translated_default_title_after_a_round_trip(tag, russian, db):  # pylint: disable=unused-argument
    """The default display name is exported (never a pointer tag) but is still the default when read back."""
    runtime = WorkbenchRuntime()
    block = runtime.get_block(runtime.parse_xml_string(f"<{tag}/>"))
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    again = runtime.get_block(runtime.parse_xml_string(etree.tostring(node)))
    assert again.fields["display_name"].is_set_on(again)
    with translation.override("ru"):
        assert russian in again.render("student_view", {}).body_html()


@pytest.mark.parametrize("value", [
    "[" * 1000 + "]" * 1000,
    '{"a": ' * 1000 + "1" + "}" * 1000,
    YAML_BOMB,
    "9" * 5000,
])
def test_a_hostile_platform_attribute_is_kept_verbatim_and_costs_nothing(value, db):  # pylint: disable=unused-argument
    runtime = WorkbenchRuntime()
    node = etree.Element("rtcm_needs_assessment", group_access=value, relative_weeks_due=value)
    block = runtime.get_block(runtime.parse_xml_string(etree.tostring(node)))
    assert block.platform_attributes == {"group_access": value, "relative_weeks_due": value}
    exported = etree.Element("unknown")
    block.add_xml_to_node(exported)
    assert exported.get("group_access") == value and exported.get("relative_weeks_due") == value
