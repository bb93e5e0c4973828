"""The starter course travels inside the package and unpacks under the course key and language the admin picks."""
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import olxcleaner
import pytest

from rtcm_xblocks import starter_course
from rtcm_xblocks.common.safe_xml import parse_xml_string
from rtcm_xblocks.starter_course.__main__ import main
from tests.course.course_tree import COURSE_DIR

ROOT = Path(__file__).resolve().parents[2]


def _course_files(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in Path(folder).rglob("*") if path.is_file()}


def test_the_packaged_tarball_holds_exactly_the_course_content_folder(tmp_path):
    """Fails when course_content/ changed without `make course`, which refreshes the packaged copy."""
    folder = starter_course.extract(tmp_path, starter_course.DEFAULT_COURSE_KEY, "en")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_course import course_files  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    expected = {name: (COURSE_DIR / name).read_bytes() for name in course_files(COURSE_DIR)}
    unpacked = _course_files(tmp_path / folder)
    assert sorted(unpacked) == sorted(expected), "run `make course` to refresh rtcm_xblocks/starter_course/"
    changed = [name for name in expected if name != "policies/2026/policy.json" and unpacked[name] != expected[name]]
    assert not changed, f"run `make course`: {changed}"
    assert json.loads(unpacked["policies/2026/policy.json"]) == json.loads(expected["policies/2026/policy.json"])


def test_the_tarball_is_found_inside_the_installed_package():
    path = starter_course.tarball()
    assert path.name == "rtcm-course.tar.gz"
    assert Path(starter_course.__file__).parent == path.parent


def test_extract_under_the_default_key_keeps_the_course_as_authored(tmp_path):
    folder = starter_course.extract(tmp_path)
    course = parse_xml_string((tmp_path / folder / "course.xml").read_bytes())
    assert (course.get("org"), course.get("course"), course.get("url_name")) == ("IOM-RTCM", "MMP101", "2026")
    assert parse_xml_string((tmp_path / folder / "course" / "2026.xml").read_bytes()).get("language") == "en"


def test_extract_rewrites_course_xml_course_file_and_policies_for_a_new_key_and_language(tmp_path):
    folder = starter_course.extract(tmp_path, "course-v1:Centre_X+MMP-2+2027.spring", "uk")  # no Ukrainian course ships
    course_dir = tmp_path / folder
    course = parse_xml_string((course_dir / "course.xml").read_bytes())
    assert (course.get("org"), course.get("course"), course.get("url_name")) == ("Centre_X", "MMP-2", "2027.spring")
    outline = parse_xml_string((course_dir / "course" / "2027.spring.xml").read_bytes())
    assert outline.get("language") == "uk"
    assert outline.get("display_name") == "Migration management in practice"
    assert len(outline.findall("chapter")) == 12
    assert not (course_dir / "course" / "2026.xml").exists()
    assert not (course_dir / "policies" / "2026").exists()
    policy = json.loads((course_dir / "policies" / "2027.spring" / "policy.json").read_text(encoding="utf-8"))
    assert list(policy) == ["course/2027.spring"]
    assert policy["course/2027.spring"]["advanced_modules"] == ["rtcm_scenario", "rtcm_needs_assessment"]
    assert (course_dir / "policies" / "2027.spring" / "grading_policy.json").is_file()


def test_a_rekeyed_course_still_passes_olxcleaner(tmp_path):
    folder = starter_course.extract(tmp_path, "course-v1:Centre+MMP101+2027", "fa")
    _course, errors, _names = olxcleaner.validate(
        str(tmp_path / folder / "course.xml"), allowed_xblocks=["rtcm_scenario", "rtcm_needs_assessment"])
    assert [error.description for error in errors.errors if error.level.name == "ERROR"] == []


def test_extracting_twice_replaces_the_earlier_folder(tmp_path):
    starter_course.extract(tmp_path, "course-v1:A+B+run1")
    folder = starter_course.extract(tmp_path, "course-v1:A+B+run2")
    assert sorted(path.name for path in (tmp_path / folder / "course").iterdir()) == ["run2.xml"]


@pytest.mark.parametrize("key", [
    "", "MMP101", "course-v1:A+B", "course-v1:A+B+C+D", "course-v1:A+B+..", "course-v1:A+B+../../etc",
    "course-v1:A+B/C+D", 'course-v1:A+B+C"x', "course-v1:A+B+" + "9" * 5000, "course-v1:A+ B+C",
])
def test_a_course_key_that_is_not_course_v1_org_course_run_is_refused_before_anything_is_written(tmp_path, key):
    with pytest.raises(starter_course.StarterCourseError):
        starter_course.extract(tmp_path / "data", key)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("language", ["", "english", "en_US", 'en"', "e", "ru; rm -rf /"])
def test_a_language_that_is_not_a_language_code_is_refused(tmp_path, language):
    with pytest.raises(starter_course.StarterCourseError):
        starter_course.extract(tmp_path / "data", starter_course.DEFAULT_COURSE_KEY, language)
    assert not (tmp_path / "data").exists()


def _tarball(tmp_path, entries):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for info, data in entries:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    path = tmp_path / "evil.tar.gz"
    path.write_bytes(buffer.getvalue())
    return path


def _file(name, data=b"<course/>"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


@pytest.mark.parametrize("entry", ["../escape.xml", "/abs/course.xml", "symlink"])
def test_a_tarball_with_an_entry_outside_its_folder_or_a_link_is_refused_whole(tmp_path, entry):
    if entry == "symlink":
        link = tarfile.TarInfo("course/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        bad = (link, None)
    else:
        bad = _file(entry)
    source = _tarball(tmp_path, [_file("course/course.xml"), bad])
    with pytest.raises(starter_course.StarterCourseError):
        starter_course.extract(tmp_path / "data", source=source)
    assert not (tmp_path / "data" / "course").exists()
    assert not (tmp_path / "escape.xml").exists()


def test_the_command_line_prints_the_tarball_and_the_unpacked_folder(tmp_path, capsys):
    assert main(["path"]) == 0
    assert capsys.readouterr().out.strip() == str(starter_course.tarball())
    assert main(["extract", str(tmp_path), "--course-key", "course-v1:Org+Num+Run", "--language", "az"]) == 0
    folder = capsys.readouterr().out.strip()
    assert (tmp_path / folder / "course" / "Run.xml").is_file()


def test_the_command_line_answers_a_bad_key_with_a_message_and_status_2(tmp_path, capsys):
    assert main(["extract", str(tmp_path), "--course-key", "nonsense"]) == 2
    assert "not a course key" in capsys.readouterr().err


def test_the_module_runs_as_python_dash_m(tmp_path):
    done = subprocess.run([sys.executable, "-m", "rtcm_xblocks.starter_course", "extract", str(tmp_path)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    assert (tmp_path / done.stdout.strip() / "course.xml").is_file()


def test_every_course_catalogue_ships_its_translated_course_and_the_packaged_copies_are_current(tmp_path):
    """Fails when a catalogue or course_content/ changed without `make course`, which refreshes the packaged copies."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_course import build_courses  # pylint: disable=import-outside-toplevel
        from course_i18n import languages as course_languages  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert starter_course.languages() == ["en"] + list(course_languages())
    for built in build_courses(dist=tmp_path):
        language = Path(built).name[:-len(".tar.gz")].split("-")[-1] if Path(built).name.count("-") > 2 else "en"
        assert starter_course.tarball(language).read_bytes() == Path(built).read_bytes(), \
            f"run `make course` to refresh rtcm_xblocks/starter_course/ ({language})"


def test_extract_in_a_shipped_language_unpacks_the_translated_course_with_the_same_ids(tmp_path):
    english = tmp_path / "en"
    russian = tmp_path / "ru"
    english_folder = english / starter_course.extract(english, "course-v1:Centre+MMP+2027", "en")
    russian_folder = russian / starter_course.extract(russian, "course-v1:Centre+MMP+2027", "ru")
    assert sorted(_course_files(english_folder)) == sorted(_course_files(russian_folder)), "same files, same ids"
    outline = parse_xml_string((russian_folder / "course" / "2027.xml").read_bytes())
    assert outline.get("language") == "ru"
    chapters = [parse_xml_string(path.read_bytes()).get("display_name") for path in (russian_folder / "chapter").glob("*.xml")]
    assert any(re.search("[а-яА-Я]", name or "") for name in chapters), chapters


def test_a_language_without_a_translated_course_gets_the_english_one_with_its_language_set(tmp_path):
    assert "fa" not in starter_course.languages()
    assert starter_course.tarball("fa") == starter_course.tarball("en")
    folder = tmp_path / starter_course.extract(tmp_path, "course-v1:Centre+MMP+2027", "fa")
    assert parse_xml_string((folder / "course" / "2027.xml").read_bytes()).get("language") == "fa"
