"""The starter course's units as workbench scenarios, so `make run` lets anyone read and play the course offline.

Each vertical of `course_content/` becomes one scenario: our blocks as they are, HTML pages as
the SDK's `html_demo`, and core `problem` blocks (which only the LMS runs) as a read-only preview of
the question and its options. Every translation of the course (conf/course/<lang>/LC_MESSAGES/course.po,
see scripts/course_i18n.py) follows the English units as `course.<lang>.NN.<unit>`.
"""
import atexit
import functools
import html
import importlib.util
import logging
import os
import shutil
import tempfile

from lxml import etree
from lxml import html as lxml_html

from rtcm_xblocks.common.safe_xml import parse_xml_string
from rtcm_xblocks.common.sanitize import clean_html

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COURSE_ROOT = os.path.join(PROJECT_ROOT, "course_content")
CUSTOM_BLOCKS = ("rtcm_scenario", "rtcm_needs_assessment")


def _read(root, *parts):
    with open(os.path.join(root, *parts), "rb") as handle:
        return parse_xml_string(handle.read())


def _xhtml(fragment):
    """Sanitized author HTML as well-formed XHTML, with `$` escaped for html_demo's string.Template."""
    cleaned = clean_html(fragment)
    if not cleaned:
        return ""
    wrapper = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    markup = "".join(etree.tostring(child, encoding="unicode", method="xml") for child in wrapper)
    return html.escape(wrapper.text or "", quote=False) + markup.replace("$", "$$")


def _html_page(root, url_name):
    pointer = _read(root, "html", f"{url_name}.xml")
    with open(os.path.join(root, "html", f"{pointer.get('filename', url_name)}.html"), encoding="utf-8") as handle:
        return f"<html_demo>{_xhtml(handle.read())}</html_demo>"


def _problem_preview(root, url_name):
    problem = _read(root, "problem", f"{url_name}.xml")
    label = " ".join(problem.findtext(".//label", default="").split())
    options = "".join(f"<li>{html.escape(' '.join(''.join(choice.itertext()).split()))}</li>"
                      for choice in problem.iter("choice"))
    title = html.escape(problem.get("display_name", url_name))
    note = "Knowledge check (a core problem block: answered and graded in the LMS; read-only here)."
    return (f"<html_demo><h3>{title}</h3><p><em>{note}</em></p>"
            f"<p>{html.escape(label).replace('$', '$$')}</p><ol type=\"A\">{options.replace('$', '$$')}</ol></html_demo>")


def _unit_xml(root, vertical):
    parts = []
    for child in vertical:
        if not isinstance(child.tag, str):
            continue
        if child.tag in CUSTOM_BLOCKS:
            parts.append(etree.tostring(child, encoding="unicode"))
        elif child.tag == "html":
            parts.append(_html_page(root, child.get("url_name")))
        elif child.tag == "problem":
            parts.append(_problem_preview(root, child.get("url_name")))
    return "<vertical_demo>" + "".join(parts) + "</vertical_demo>"


def _course_i18n():
    """scripts/course_i18n.py, the course's catalogue tools (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("course_i18n", os.path.join(PROJECT_ROOT, "scripts", "course_i18n.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_languages():
    """The languages of the course: English, then every language with a catalogue."""
    return ("en", *_course_i18n().languages())


@functools.cache
def localized_course_root(language):
    """The folder of the course in `language`, built once per process from its catalogue into a temporary folder."""
    if language == "en":
        return COURSE_ROOT
    folder = tempfile.mkdtemp(prefix=f"rtcm-course-{language}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return str(_course_i18n().localize_language(language, os.path.join(folder, "course")))


def all_course_units():
    """The units of the course in every language: English as `course.NN.<unit>`, then `course.<lang>.NN.<unit>`.

    A language whose catalogue is still incomplete is left out with a warning, so that `make run`
    keeps working while a translation is in progress (the course tests and `make course` refuse it).
    """
    units = []
    for language in course_languages():
        try:
            root = localized_course_root(language)
        except KeyError as error:
            logging.getLogger(__name__).warning("Course in %s left out of the workbench: %s", language, error)
            continue
        units += course_units(root, language)
    return units


def course_units(root=COURSE_ROOT, language="en"):
    """(scenario name, description, workbench XML) for every unit of the course, in course order."""
    course = _read(root, "course.xml")
    outline = _read(root, "course", f"{course.get('url_name')}.xml")
    units = []
    for chapter_ref in outline.iter("chapter"):
        chapter = _read(root, "chapter", f"{chapter_ref.get('url_name')}.xml")
        for sequential_ref in chapter.iter("sequential"):
            sequential = _read(root, "sequential", f"{sequential_ref.get('url_name')}.xml")
            for vertical_ref in sequential.iter("vertical"):
                url_name = vertical_ref.get("url_name")
                vertical = _read(root, "vertical", f"{url_name}.xml")
                label = "Course" if language == "en" else f"Course ({language})"
                description = (f"{label}: {chapter.get('display_name')} — "
                               f"{vertical.get('display_name', url_name)}")
                # Numbered so that the workbench's alphabetical index lists the units in course order.
                prefix = "course" if language == "en" else f"course.{language}"
                units.append((f"{prefix}.{len(units) + 1:02d}.{url_name}", description, _unit_xml(root, vertical)))
    return units
