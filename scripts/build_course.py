"""Build the starter course tarballs that Studio's Import page takes: dist/rtcm-course-<version>.tar.gz (English)
and dist/rtcm-course-<version>-<lang>.tar.gz for every language of conf/course (scripts/course_i18n.py)."""
import argparse
import gzip
import io
import os
import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "course_content"
DIST = ROOT / "dist"
# The copy that travels inside the wheel (rtcm_xblocks.starter_course.tarball()).
PACKAGED = ROOT / "rtcm_xblocks" / "starter_course" / "rtcm-course.tar.gz"

# Files that are never part of an export (editor backups, caches, OS litter).
_SKIPPED = re.compile(r"(^|/)(__pycache__|\.[^/]*|[^/]*~|[^/]*\.pyc)$")


def package_version():
    """The rtcm_xblocks version, read from the package source so no import of XBlock is needed."""
    text = (ROOT / "rtcm_xblocks" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def course_files(source):
    """The relative paths of the files of the course folder, sorted, without editor and OS litter."""
    source = Path(source)
    found = []
    for path in source.rglob("*"):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not _SKIPPED.search(relative):
            found.append(relative)
    return sorted(found)


def build_course(source=SOURCE, dist=DIST, version=None, language=None):
    """Write <dist>/rtcm-course-<version>.tar.gz with one top folder holding course.xml; return its path.

    With `language`, the name (file and top folder) is rtcm-course-<version>-<language>: `source` is
    then that language's course folder (course_i18n.localize_language).

    The archive is reproducible: entries are sorted, owned by root, with a fixed mtime, so the same
    sources give the same bytes.
    """
    source = Path(source)
    if not (source / "course.xml").is_file():
        raise FileNotFoundError(f"{source} holds no course.xml")
    version = version or package_version()
    top = f"rtcm-course-{version}" + (f"-{language}" if language else "")
    dist = Path(dist)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{top}.tar.gz"

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        folders = {top}
        for relative in course_files(source):
            parts = relative.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                folders.add("/".join([top, *parts[:depth]]))
        entries = [(name, None) for name in folders]
        entries += [(f"{top}/{relative}", source / relative) for relative in course_files(source)]
        for name, path in sorted(entries):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if path is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                archive.addfile(info)
            else:
                data = path.read_bytes()
                info.size = len(data)
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(data))
    with open(target, "wb") as handle:
        with gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as compressed:
            compressed.write(buffer.getvalue())
    return target


def _course_i18n():
    """scripts/course_i18n.py, imported on use so that build_course() needs nothing beyond the standard library."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import course_i18n  # pylint: disable=import-outside-toplevel
    return course_i18n


def build_courses(source=SOURCE, dist=DIST, version=None, catalogues=None):
    """The English tarball, then one per language of `catalogues` (default conf/course); return their paths.

    Raises ValueError listing the problems when a catalogue is stale, incomplete or breaks markup.
    """
    course_i18n = _course_i18n()
    catalogues = catalogues or course_i18n.CATALOGUES
    problems = course_i18n.stale(source, catalogues) if Path(source) == SOURCE else []
    for language in course_i18n.languages(catalogues):
        problems += course_i18n.catalogue_problems(language, source, catalogues)
    if problems:
        raise ValueError("\n".join(problems))
    targets = [build_course(source, dist, version)]
    with tempfile.TemporaryDirectory() as work:
        for language in course_i18n.languages(catalogues):
            folder = course_i18n.localize_language(language, Path(work) / language, source, catalogues)
            targets.append(build_course(folder, dist, version, language))
    return targets


def main(argv=None):
    """Command line: build the tarballs (English only with --english-only) and copy them into the package."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default=str(SOURCE), help="the course folder (holds course.xml)")
    parser.add_argument("--dist", default=str(DIST), help="where the tarball is written")
    parser.add_argument("--version", default=None, help="version in the file name (default: the package's)")
    parser.add_argument("--english-only", action="store_true", help="build the English tarball only")
    args = parser.parse_args(argv)
    if args.english_only:
        targets = [build_course(args.source, args.dist, args.version)]
    else:
        try:
            targets = build_courses(Path(args.source), args.dist, args.version)
        except ValueError as error:
            print(error, file=sys.stderr)
            print("course catalogues: fix the problems above (make check_course_translations)", file=sys.stderr)
            return 1
    for target in targets:
        print(os.path.relpath(target, Path.cwd()))
    if Path(args.source).resolve() == SOURCE and args.version is None:
        # The package ships every language's course: rtcm-course.tar.gz (English), rtcm-course-<lang>.tar.gz.
        version = package_version()
        for target in targets:
            packaged = PACKAGED.with_name(Path(target).name.replace(f"rtcm-course-{version}", "rtcm-course"))
            shutil.copyfile(target, packaged)
            print(os.path.relpath(packaged, Path.cwd()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
