"""A minimal course folder on disk around one unit, for import and export tests through the platform layer."""
from tests.platform.exporter import export_course
from tests.platform.importer import import_course

__all__ = ["round_trip", "unit_course", "unit_children"]

COURSE = '<course url_name="run" org="Org" course="C1"/>'


def unit_course(folder, unit_xml, course_attributes=""):
    """Write course → chapter → sequential → the vertical `unit_xml` under `folder`; return `folder`."""
    files = {
        "course.xml": COURSE,
        "course/run.xml": f'<course display_name="Course"{course_attributes}><chapter url_name="ch"/></course>',
        "chapter/ch.xml": '<chapter display_name="Chapter"><sequential url_name="seq"/></chapter>',
        "sequential/seq.xml": '<sequential display_name="Sequence"><vertical url_name="unit"/></sequential>',
        "vertical/unit.xml": unit_xml,
    }
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


def unit_children(course):
    """The blocks of the course's single unit, as the import made them."""
    unit = course.get_children()[0].get_children()[0].get_children()[0]
    assert unit.category == "vertical"
    return unit.get_children()


def round_trip(folder, out):
    """Import `folder`, export to `out`, import that: (runtime, course) of the re-import."""
    runtime, course = import_course(folder)
    export_course(runtime, course, out)
    return import_course(out)
