"""The starter course shipped inside the package: where its tarball is, and unpacking it under a chosen course key.

`scripts/build_course.py` (`make course`) writes `rtcm-course.tar.gz` (English, from
`course_content/`) and one `rtcm-course-<language>.tar.gz` per course catalogue (the course
translated, same block ids) beside this module, so that an installed wheel can import the course
with no checkout of the repository (`tutor local do importrtcmcourse`, or
`python -m rtcm_xblocks.starter_course`). `extract` unpacks the course in the language asked for
(English where no translation ships) and rewrites the course key and the course's language before
Studio's `import` command reads the folder.
"""
import importlib.resources
import json
import re
import shutil
import tarfile
from pathlib import Path, PurePosixPath

from rtcm_xblocks.common.safe_xml import parse_xml_string

__all__ = ["TARBALL_NAME", "DEFAULT_COURSE_KEY", "StarterCourseError", "tarball", "languages", "parse_course_key",
           "extract"]

TARBALL_NAME = "rtcm-course.tar.gz"
DEFAULT_COURSE_KEY = "course-v1:IOM-RTCM+MMP101+2026"
# opaque-keys allows more, but these parts also become folder and file names inside the course.
_KEY_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~-]{0,99}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")
_MAX_MEMBERS = 5000
_MAX_BYTES = 200 * 1024 * 1024


class StarterCourseError(ValueError):
    """The course key, the language or the tarball is not usable; the message says why."""


def _folder():
    return Path(str(importlib.resources.files(__name__)))


def languages():
    """The languages the starter course ships in: "en" and every translated tarball's."""
    translated = sorted(path.name[len("rtcm-course-"):-len(".tar.gz")] for path in _folder().glob("rtcm-course-*.tar.gz"))
    return ["en"] + translated


def tarball(language="en"):
    """The path of the starter course tarball in `language` inside the installed package (English if none ships)."""
    path = _folder() / TARBALL_NAME
    translated = _folder() / f"rtcm-course-{language}.tar.gz"
    if language != "en" and translated.is_file():
        path = translated
    if not path.is_file():
        raise StarterCourseError(f"{path} is missing: build it with `make course` (scripts/build_course.py).")
    return path


def parse_course_key(key):
    """(org, course, run) of a `course-v1:ORG+COURSE+RUN` key; StarterCourseError otherwise."""
    match = re.fullmatch(r"course-v1:([^+]+)\+([^+]+)\+([^+]+)", key or "")
    if not match or not all(_KEY_PART.match(part) for part in match.groups()):
        raise StarterCourseError(
            f"{key!r} is not a course key such as {DEFAULT_COURSE_KEY!r} "
            "(letters, digits, '_', '-', '.', '~' in each part, starting with a letter or digit).")
    return match.groups()


def _check_language(language):
    if not _LANGUAGE.match(language or ""):
        raise StarterCourseError(f"{language!r} is not a language code such as 'en', 'ru' or 'fa'.")
    return language


def _safe_members(archive):
    """The archive's members, refused whole if any could escape the target folder or is not a plain file/folder."""
    members = archive.getmembers()
    if len(members) > _MAX_MEMBERS or sum(member.size for member in members) > _MAX_BYTES:
        raise StarterCourseError("The course tarball is larger than any starter course.")
    for member in members:
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise StarterCourseError(f"The course tarball holds an unsafe entry {member.name!r}.")
    return members


def extract(target, course_key=DEFAULT_COURSE_KEY, language="en", source=None):
    """Unpack the course into `target` under `course_key` and `language`; return the course folder's name.

    `target` is the data directory of `./manage.py cms import <target> <folder>`. The course is the
    one translated into `language` where the package ships it (`languages()`), else the English
    one with its language set. A folder of the same name left there by an earlier run is replaced.
    """
    org, number, run = parse_course_key(course_key)
    _check_language(language)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source or tarball(language), "r:gz") as archive:
        members = _safe_members(archive)
        tops = {PurePosixPath(member.name).parts[0] for member in members}
        if len(tops) != 1:
            raise StarterCourseError("The course tarball must hold exactly one top folder.")
        top = tops.pop()
        shutil.rmtree(target / top, ignore_errors=True)
        # Python's own extraction filter too, where it has one (3.11.4+): the checks above already passed.
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        for member in members:
            archive.extract(member, target, set_attrs=False, **extra)
    folder = target / top
    _rekey(folder, org, number, run, language)
    return top


def _rekey(folder, org, number, run, language):
    """Rewrite `course.xml`, the course file and the policy folder of `folder` for the new key and language."""
    root = parse_xml_string((folder / "course.xml").read_bytes())
    old_run = root.get("url_name")
    (folder / "course.xml").write_text(
        f'<course url_name="{run}" org="{org}" course="{number}"/>\n', encoding="utf-8")
    course_file = folder / "course" / f"{old_run}.xml"
    text = course_file.read_text(encoding="utf-8")
    text, count = re.subn(r'(<course\b[^>]*\blanguage=")[^"]*(")', rf"\g<1>{language}\g<2>", text, count=1)
    if not count:
        text = text.replace("<course", f'<course language="{language}"', 1)
    course_file.unlink()
    course_file.with_name(f"{run}.xml").write_text(text, encoding="utf-8")
    policies = folder / "policies"
    if old_run != run:
        (policies / old_run).rename(policies / run)
    policy_file = policies / run / "policy.json"
    policy = json.loads(policy_file.read_text(encoding="utf-8"))
    policy = {(f"course/{run}" if key == f"course/{old_run}" else key): value for key, value in policy.items()}
    policy_file.write_text(json.dumps(policy, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
