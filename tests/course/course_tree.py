"""Reading the starter course's OLX folder for the course tests: files, url_names, custom blocks, links.

LANGUAGES are English and every language with a course catalogue; `course_dir(language)` is that
language's course folder, built from the catalogue once per test session (workbench_site.course).
"""
import importlib.util
import re
from pathlib import Path

from lxml import etree

from rtcm_xblocks.common.safe_xml import parse_xml_string
from workbench_site.course import course_languages, localized_course_root

COURSE_DIR = Path(__file__).resolve().parents[2] / "course_content"
POINTER_FOLDERS = ("chapter", "sequential", "vertical", "html", "problem")
CUSTOM_BLOCKS = ("rtcm_scenario", "rtcm_needs_assessment")
# DOMAIN.md's pillar ids, in order, and the file prefix each uses in the course (hyphen → underscore).
PILLARS = ("governance", "law-rights", "data", "border", "trafficking",
           "labour", "development", "return", "health", "crisis")
JUMP_LINK = re.compile(r"/?jump_to_id/([A-Za-z0-9_.:-]+)")
LANGUAGES = course_languages()


def load_script(name):
    """scripts/<name>.py as a module (the scripts folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, COURSE_DIR.parent / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_dir(language):
    """The course folder of `language` (English: course_content/ itself)."""
    return Path(localized_course_root(language))


def prefix(pillar_id):
    """The course file prefix of a pillar id (law-rights → law_rights)."""
    return pillar_id.replace("-", "_")


def parse(path):
    """The root element of an OLX file, parsed without DTDs or entities."""
    return parse_xml_string(Path(path).read_bytes())


def xml_files(root=COURSE_DIR):
    """Every XML file of the course folder."""
    return sorted(Path(root).rglob("*.xml"))


def custom_blocks(tag, root=COURSE_DIR):
    """(file, element) for every inline `tag` block in the course's XML files."""
    found = []
    for path in xml_files(root):
        root = parse(path)
        for element in root.iter(tag):
            found.append((path, element))
    return found


def url_names():
    """{url_name: [block types]} for every block in the course: pointer files and inline blocks."""
    names = {}
    for folder in POINTER_FOLDERS:
        for path in sorted((COURSE_DIR / folder).glob("*.xml")):
            names.setdefault(path.stem, []).append(folder)
    for tag in CUSTOM_BLOCKS:
        for _path, element in custom_blocks(tag):
            names.setdefault(element.get("url_name"), []).append(tag)
    return names


def jump_links():
    """(file, target) for every /jump_to_id/ link in the course's XML and HTML files."""
    links = []
    for path in sorted(COURSE_DIR.rglob("*")):
        if path.suffix in (".xml", ".html"):
            for match in JUMP_LINK.finditer(path.read_text(encoding="utf-8")):
                links.append((path.relative_to(COURSE_DIR).as_posix(), match.group(1)))
    return links


def words(html_text):
    """The words of an HTML fragment's text (markup removed)."""
    root = etree.fromstring(f"<div>{html_text}</div>".encode("utf-8"), parser=etree.XMLParser(resolve_entities=False))
    return " ".join(root.itertext()).split()


def chapter_pointers():
    """The chapter url_names of course/<run>.xml, in order."""
    run = parse(COURSE_DIR / "course.xml").get("url_name")
    return [child.get("url_name") for child in parse(COURSE_DIR / "course" / f"{run}.xml") if child.tag == "chapter"]


def children(folder, url_name):
    """The (tag, url_name) pointers inside folder/url_name.xml."""
    return [(child.tag, child.get("url_name")) for child in parse(COURSE_DIR / folder / f"{url_name}.xml")
            if isinstance(child.tag, str)]
