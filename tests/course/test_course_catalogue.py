"""scripts/course_i18n.py: the course's text is extracted into a catalogue, checked, and localized into one course per language.

Specifications: every piece of author text becomes a message with its place; extraction is stable
and the committed template matches the sources; the check refuses an incomplete catalogue and a
translation that breaks the markup; a localized course is the English one with the text replaced
and nothing else changed but the run and the language; `make course` (build_courses) refuses to
build from a bad catalogue.
"""
import shutil

import pytest
from lxml import etree

from tests.course.course_tree import COURSE_DIR, LANGUAGES, course_dir, load_script, parse

TRANSLATED = [language for language in LANGUAGES if language != "en"]


course_i18n = load_script("course_i18n")
build_course = load_script("build_course")


def _ids(messages):
    return {msgid for msgid, _location, _path in messages}


# --- extraction ---

def test_every_kind_of_author_text_is_a_message_with_its_place():
    found = {path: msgid for msgid, _location, path in course_i18n.messages()}
    ids = _ids(course_i18n.messages())
    assert "Migration management in practice" in ids  # the course's display_name
    assert "Learn and practise" in ids  # a subsection
    assert found["vertical/rtcm_scenario[border_scenario]/step[flagged]@title"] == "A passport at first line"
    assert found["vertical/rtcm_scenario[border_scenario]/step[flagged]/choice[second_line]/label"].startswith("Take the passport")
    assert found["vertical/rtcm_scenario[border_scenario]/step[flagged]/choice[second_line]/feedback/p"].startswith("Right.")
    assert "Scenario exercise" in ids and "Scenario" in ids  # grader type and short label
    assert any(msgid.startswith("<strong>Migration management in practice</strong>") for msgid in ids)  # about page
    assert any(msgid.startswith('<a href="/jump_to_id/governance_intro">') for msgid in ids)  # inline link kept


def test_a_scenario_simulation_s_text_is_a_message_with_its_place():
    found = {path: msgid for msgid, _location, path in course_i18n.messages()}
    scenario = "vertical/rtcm_scenario[trafficking_scenario]"
    assert found[f"{scenario}/variable[trust]@label"] == "Dilnoza's trust in you"
    assert found[f"{scenario}/character[rustam]@name"] == "Rustam, her companion"
    assert found[f"{scenario}/step[counter]/line[rustam]/p"].startswith("We are in a hurry")
    assert found[f"{scenario}/step[indicators]/variant[trust >= 3]/p"].startswith("Because she trusts you")
    assert found[f"{scenario}/step[indicators]/hint/p"].startswith("What does a referral need")
    assert f"{scenario}/variable[interpreter_called]@label" not in found  # a hidden variable has no label


def test_a_media_transcript_and_a_plain_hint_are_messages_and_conditions_are_not(tmp_path):
    (tmp_path / "vertical").mkdir()
    (tmp_path / "vertical" / "unit.xml").write_text(
        '<vertical><rtcm_scenario url_name="s"><step id="a" title="A"><body><p>Body</p></body>'
        '<media type="audio" src="/static/a.mp3"><transcript><p>Said aloud</p></transcript></media>'
        '<line by="k" when="trust &gt;= 1"><p>Spoken</p></line><hint cost="1">Plain hint</hint>'
        '<choice id="c" to="e"><label>Go</label><set var="trust" value="1"/></choice></step>'
        '</rtcm_scenario></vertical>', encoding="utf-8")
    found = {path: msgid for msgid, _location, path in course_i18n.messages(tmp_path)}
    assert found["vertical/rtcm_scenario[s]/step[a]/media/transcript/p"] == "Said aloud"
    assert found["vertical/rtcm_scenario[s]/step[a]/hint"] == "Plain hint"
    assert found["vertical/rtcm_scenario[s]/step[a]/line[k]/p"] == "Spoken"
    assert not [msgid for msgid in found.values() if "trust" in msgid or msgid in ("1", "k")]


def test_inline_markup_stays_inside_one_message_and_block_markup_splits_messages():
    ids = _ids(course_i18n.messages())
    assert not [msgid for msgid in ids if "<p>" in msgid or "<li>" in msgid or "<h3>" in msgid]
    assert all(msgid == " ".join(msgid.split()) for msgid in ids)


def test_text_beside_block_elements_is_refused_with_its_place(tmp_path):
    source = tmp_path / "course"
    shutil.copytree(COURSE_DIR, source)
    (source / "html" / "border_intro_text.html").write_text("Loose text <p>and a paragraph</p>", encoding="utf-8")
    with pytest.raises(course_i18n.CourseMarkupError, match="html/border_intro_text.html"):
        course_i18n.messages(source)


def test_extraction_is_stable_and_the_committed_template_is_up_to_date():
    first, second = course_i18n.render(course_i18n.extract()), course_i18n.render(course_i18n.extract())
    assert course_i18n._comparable(first) == course_i18n._comparable(second)  # pylint: disable=protected-access
    assert course_i18n.stale() == []


def test_the_template_gives_each_message_its_file_and_element():
    template = course_i18n.read_catalog(course_i18n.TEMPLATE)
    message = template["A passport at first line"]
    assert message.locations == [("course_content/vertical/border_scenario_unit.xml", 16)]
    assert message.auto_comments == ["vertical/rtcm_scenario[border_scenario]/step[flagged]@title"]


# --- the check ---

@pytest.mark.parametrize("msgstr, problem", [
    ("Нажмите <strong>здесь", "not well formed"),
    ("Нажмите здесь", "the tags differ"),
    ("Нажмите <em>здесь</em>", "the tags differ"),
    ('Нажмите <a href="/jump_to_id/other">здесь</a>', "the tags differ"),
])
def test_a_translation_that_breaks_the_markup_is_refused(msgstr, problem):
    problems = course_i18n.markup_problems('Click <a href="/jump_to_id/x">here</a>', msgstr)
    assert problems and problem in problems[0]


@pytest.mark.parametrize("msgstr", [
    "Нажмите&nbsp;<a href=\"/jump_to_id/x\">здесь</a>",  # an HTML entity the XML of the course cannot hold
    'Нажмите <a href="/jump_to_id/x">здесь</a><script>alert(1)</script>',
    'Нажмите <a href="javascript:alert(1)">здесь</a>',
    'Нажмите <a href="/jump_to_id/x" onclick="alert(1)">здесь</a>',
])
def test_a_translation_cannot_smuggle_markup_in(msgstr):
    assert course_i18n.markup_problems('Click <a href="/jump_to_id/x">here</a>', msgstr)


def test_inline_tags_may_move_and_placeholders_must_stay():
    assert course_i18n.markup_problems("<em>a</em> and <strong>b</strong>", "<strong>б</strong> и <em>а</em>") == []
    assert "placeholders" in course_i18n.markup_problems("{count} steps", "шагов")[0]


def _catalogue_with(tmp_path, language, change):
    """A copy of the catalogues folder where `change(catalog)` edited `language`'s catalogue."""
    catalogues = tmp_path / "conf"
    shutil.copytree(course_i18n.CATALOGUES, catalogues)
    path = course_i18n.catalogue_path(language, catalogues)
    catalog = course_i18n.read_catalog(path, language)
    change(catalog)
    path.write_text(course_i18n.render(catalog), encoding="utf-8")
    return catalogues


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_is_complete_and_keeps_the_markup(language):
    assert course_i18n.catalogue_problems(language) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_an_untranslated_fuzzy_or_broken_message_fails_the_check_and_the_build(tmp_path, language):
    def damage(catalog):
        catalog["A passport at first line"].string = ""
        catalog["Learn and practise"].flags.add("fuzzy")
        link = next(m for m in catalog if m.id.startswith('<a href="/jump_to_id/governance_intro">'))
        link.string = link.string.replace("</a>", "")

    catalogues = _catalogue_with(tmp_path, language, damage)
    problems = course_i18n.catalogue_problems(language, catalogues=catalogues)
    assert any("untranslated: 'A passport at first line'" in problem for problem in problems)
    assert any("marked fuzzy: 'Learn and practise'" in problem for problem in problems)
    assert any("html/welcome_about_text.html" in problem and "not well formed" in problem for problem in problems)
    with pytest.raises(ValueError, match="untranslated"):
        build_course.build_courses(COURSE_DIR, tmp_path / "dist", "9.9", catalogues)
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_the_languages_are_the_catalogues_present(tmp_path):
    catalogues = tmp_path / "conf"
    shutil.copytree(course_i18n.CATALOGUES, catalogues)
    assert course_i18n.languages(catalogues) == TRANSLATED
    course_i18n.catalogue_path("uk", catalogues).parent.mkdir(parents=True)
    course_i18n.catalogue_path("uk", catalogues).write_text(
        course_i18n.render(course_i18n.update("uk", course_i18n.extract(), catalogues)), encoding="utf-8")
    assert course_i18n.languages(catalogues) == sorted([*TRANSLATED, "uk"])


def test_plain_text_with_markup_characters_is_escaped_in_the_catalogue_and_restored_in_the_course(tmp_path):
    source = tmp_path / "course"
    shutil.copytree(COURSE_DIR, source)
    unit = source / "vertical" / "border_intro.xml"
    unit.write_text(unit.read_text(encoding="utf-8").replace('"Introduction"', '"Data &amp; figures &lt;draft&gt;"'),
                    encoding="utf-8")
    ids = _ids(course_i18n.messages(source))
    assert "Data &amp; figures &lt;draft&gt;" in ids
    table = {msgid: msgid for msgid in ids}
    table["Data &amp; figures &lt;draft&gt;"] = "Данные &amp; цифры &lt;черновик&gt;"
    assert course_i18n.markup_problems("Data &amp; figures &lt;draft&gt;", table["Data &amp; figures &lt;draft&gt;"]) == []
    folder = course_i18n.localize(source, "xx", tmp_path / "xx", table)
    assert parse(folder / "vertical" / "border_intro.xml").get("display_name") == "Данные & цифры <черновик>"


def test_a_missing_translation_stops_localization_naming_the_language_and_the_message(tmp_path):
    table = {msgid: msgid for msgid in _ids(course_i18n.messages())}
    del table["A passport at first line"]
    with pytest.raises(KeyError) as raised:
        course_i18n.localize(COURSE_DIR, "xx", tmp_path / "xx", table)
    assert str(raised.value) == "xx: no translation for 'A passport at first line' (run make check_course_translations)"


# --- localized courses ---

def _shape(folder, run):
    """Every file of a course folder (run renamed to RUN) with its elements' tags and non-text attributes."""
    shape = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix().replace(run, "RUN")
        if path.suffix == ".xml" or path.suffix == ".html":
            data = path.read_bytes() if path.suffix == ".xml" else b"<f>" + path.read_bytes() + b"</f>"
            root = etree.fromstring(data)
            shape[relative] = [(node.tag, {k: v for k, v in node.attrib.items()
                                           if k not in ("display_name", "title", "url_name", "language", "format")
                                           and (node.tag, k) not in (("variable", "label"), ("character", "name"))})
                               for node in root.iter()]
        elif path.is_file() and path.suffix != ".json":
            shape[relative] = path.read_bytes()
    return shape


def test_the_identity_translation_gives_back_the_english_files_byte_for_byte(tmp_path):
    table = {msgid: msgid for msgid in _ids(course_i18n.messages())}
    folder = course_i18n.localize(COURSE_DIR, "xx", tmp_path / "xx", table)
    for path in sorted(COURSE_DIR.rglob("*")):
        relative = path.relative_to(COURSE_DIR).as_posix()
        if path.is_file() and relative not in ("course.xml", "course/2026.xml") and not relative.startswith("policies/2026/"):
            assert (folder / relative).read_bytes() == path.read_bytes(), relative


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_localized_course_has_the_english_structure_ids_and_links(language):
    assert _shape(course_dir(language), f"2026-{language}") == _shape(COURSE_DIR, "2026")


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_localized_course_shows_the_translation_of_every_message_and_no_english_left(language):
    table = course_i18n.translations(language)
    shown = _ids(course_i18n.messages(course_dir(language)))
    assert shown == {table[msgid] for msgid in _ids(course_i18n.messages())}
    same = sorted(msgid for msgid in _ids(course_i18n.messages()) if table[msgid] == msgid)
    assert same == [], f"{language}: messages left as in English"


@pytest.mark.parametrize("language", TRANSLATED)
def test_make_course_builds_one_tarball_per_language(tmp_path, language):
    targets = build_course.build_courses(COURSE_DIR, tmp_path, "9.9")
    names = [target.name for target in targets]
    assert names[0] == "rtcm-course-9.9.tar.gz"
    assert f"rtcm-course-9.9-{language}.tar.gz" in names
    assert parse(course_dir(language) / "course.xml").get("url_name") == f"2026-{language}"
    again = build_course.build_courses(COURSE_DIR, tmp_path / "again", "9.9")
    assert [target.read_bytes() for target in again] == [target.read_bytes() for target in targets]  # reproducible


def test_the_english_build_needs_nothing_beyond_the_standard_library():
    """setup.py or a packaging step may call build_course() where Babel and lxml are not installed."""
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel

    script = ("import importlib.util, sys; "
              f"spec = importlib.util.spec_from_file_location('b', {str(COURSE_DIR.parent / 'scripts' / 'build_course.py')!r}); "
              "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
              "print(sorted(name for name in sys.modules if name.split('.')[0] in ('babel', 'lxml', 'course_i18n')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
