"""The whole starter course, in every language, through the platform layer: import, render every unit, export,
import again, byte-stable."""
import collections
import html

import pytest
from lxml import etree
from workbench.runtime import WorkbenchI18NService
from xblock.fields import Scope

from tests.platform.exporter import export_course, exported_files
from tests.platform.importer import ErrorBlock, import_course
from tests.course.course_tree import LANGUAGES, course_dir
from workbench_site.course import COURSE_ROOT, CUSTOM_BLOCKS
from workbench_site.services import LmsUserService


def _import(folder):
    user = LmsUserService()
    runtime, course = import_course(folder, services={"i18n": WorkbenchI18NService(), "user": user})
    user.runtime = runtime
    return runtime, course


def _walk(block):
    yield block
    for child in block.get_children() if block.has_children else ():
        yield from _walk(child)


def _referenced(root):
    """How many elements of each type the course folder's files name, following pointers from course.xml."""
    counts = collections.Counter()

    def visit(element):
        counts[element.tag] += 1
        if element.get("url_name") and not len(element) and element.tag not in CUSTOM_BLOCKS:
            with open(f"{root}/{element.tag}/{element.get('url_name')}.xml", "rb") as handle:
                element = etree.fromstring(handle.read())
        for child in element:
            if isinstance(child.tag, str) and element.tag != "problem" and element.tag not in CUSTOM_BLOCKS:
                visit(child)

    with open(f"{root}/course.xml", "rb") as handle:
        visit(etree.fromstring(handle.read()))
    return counts


def _our_settings(block):
    return {name: field.read_json(block) for name, field in block.fields.items()
            if field.scope in (Scope.settings, Scope.content) and field.is_set_on(block)}


@pytest.fixture(name="language", scope="module", params=LANGUAGES)
def language_fixture(request):
    return request.param


@pytest.fixture(name="imported", scope="module")
def imported_fixture(language):
    return _import(course_dir(language))


def test_every_element_of_the_course_becomes_a_block_and_none_an_error_block(imported, language):
    runtime, course = imported
    blocks = list(_walk(course))
    assert runtime.errors == []
    assert not [block for block in blocks if isinstance(block, ErrorBlock)]
    assert collections.Counter(block.scope_ids.block_type for block in blocks) == _referenced(course_dir(language))
    assert course.scope_ids.usage_id.course_key.run == ("2026" if language == "en" else f"2026-{language}")


def test_every_language_has_the_english_block_ids(imported):
    _runtime, course = imported
    _english_runtime, english = _import(COURSE_ROOT)
    # Every block but the course itself (whose url_name is the run) keeps its English url_name.
    assert [block.url_name for block in _walk(course)][1:] == [block.url_name for block in _walk(english)][1:]


def test_every_unit_renders_its_scenarios_and_self_assessments_for_a_learner(imported, db):  # pylint: disable=unused-argument
    runtime, course = imported
    rendered = 0
    for unit in (block for block in _walk(course) if block.category == "vertical"):
        for child in unit.get_children():
            if child.scope_ids.block_type in CUSTOM_BLOCKS:
                fragment = runtime.render(child, "student_view", {})
                assert html.escape(child.display_name) in fragment.content, child.url_name
                rendered += 1
    assert rendered == 12


def test_export_then_import_keeps_every_block_and_setting_and_exports_byte_for_byte_the_same(imported, tmp_path):
    runtime, course = imported
    export_course(runtime, course, tmp_path / "first")
    again_runtime, again = _import(tmp_path / "first")
    assert again_runtime.errors == []
    before = {block.scope_ids.usage_id: block for block in _walk(course)}
    after = {block.scope_ids.usage_id: block for block in _walk(again)}
    assert list(after) == list(before)
    for usage_id, block in before.items():
        if usage_id.block_type in CUSTOM_BLOCKS:
            assert _our_settings(after[usage_id]) == _our_settings(block), usage_id
    export_course(again_runtime, again, tmp_path / "second")
    first, second = exported_files(tmp_path / "first"), exported_files(tmp_path / "second")
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
