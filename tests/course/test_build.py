"""`make course` builds a Studio-importable tarball: one top folder holding course.xml and every course file."""
import tarfile
import zlib

import pytest

import rtcm_xblocks
from tests.course.course_tree import COURSE_DIR, load_script

build_course = load_script("build_course")


@pytest.fixture(name="tarball")
def fixture_tarball(tmp_path):
    return build_course.build_course(COURSE_DIR, tmp_path)


def test_tarball_is_named_after_the_package_version(tarball):
    assert tarball.name == f"rtcm-course-{rtcm_xblocks.__version__}.tar.gz"


def test_tarball_has_one_top_folder_holding_course_xml(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    tops = {name.split("/")[0] for name in names}
    assert tops == {f"rtcm-course-{rtcm_xblocks.__version__}"}
    assert f"rtcm-course-{rtcm_xblocks.__version__}/course.xml" in names


def test_tarball_holds_every_course_file_with_its_content(tarball):
    top = f"rtcm-course-{rtcm_xblocks.__version__}"
    with tarfile.open(tarball) as archive:
        files = {member.name[len(top) + 1:]: archive.extractfile(member).read()
                 for member in archive.getmembers() if member.isfile()}
    expected = {path.relative_to(COURSE_DIR).as_posix(): path.read_bytes()
                for path in COURSE_DIR.rglob("*") if path.is_file()}
    assert files == expected


def test_tarball_members_are_plain_files_and_folders_inside_the_top_folder(tarball):
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            assert member.isfile() or member.isdir(), member.name
            assert not member.name.startswith("/") and ".." not in member.name.split("/")


def test_build_is_reproducible(tmp_path):
    first = build_course.build_course(COURSE_DIR, tmp_path / "a").read_bytes()
    second = build_course.build_course(COURSE_DIR, tmp_path / "b").read_bytes()
    assert first == second


def test_editor_litter_is_left_out(tmp_path):
    source = tmp_path / "course"
    (source / "html").mkdir(parents=True)
    (source / "course.xml").write_text('<course url_name="2026" org="o" course="c"/>', encoding="utf-8")
    (source / "html" / "a.html").write_text("<p>a</p>", encoding="utf-8")
    (source / "html" / "a.html~").write_text("old", encoding="utf-8")
    (source / ".DS_Store").write_bytes(b"x")
    with tarfile.open(build_course.build_course(source, tmp_path / "dist", version="9")) as archive:
        assert sorted(m.name for m in archive.getmembers() if m.isfile()) == [
            "rtcm-course-9/course.xml", "rtcm-course-9/html/a.html"]


def test_a_folder_without_course_xml_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_course.build_course(tmp_path, tmp_path / "dist")


def _pixels(png):
    """The PNG's header fields and decompressed image data (independent of the zlib build that wrote it)."""
    chunks, offset = {}, 8
    while offset < len(png):
        length = int.from_bytes(png[offset:offset + 4], "big")
        kind = png[offset + 4:offset + 8]
        chunks[kind] = chunks.get(kind, b"") + png[offset + 8:offset + 8 + length]
        offset += 12 + length
    return chunks[b"IHDR"], zlib.decompress(chunks[b"IDAT"])


def test_committed_course_image_is_what_the_script_draws():
    image = load_script("make_course_image")
    drawn = image.draw().png()
    assert drawn[:8] == b"\x89PNG\r\n\x1a\n"
    assert _pixels(drawn) == _pixels((COURSE_DIR / "static" / "rtcm_course_image.png").read_bytes())
