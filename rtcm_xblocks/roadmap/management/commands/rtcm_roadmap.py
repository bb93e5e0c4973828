"""``./manage.py lms rtcm_roadmap``: write the roadmap as printable HTML, CSV and XLSX files for planners.

The same figures, suppression and tables as the LMS staff page (`rtcm_xblocks.roadmap.views`), over
every course run (default) or the runs given with ``--course``.
"""
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from rtcm_xblocks.common.i18n import language_translator
from rtcm_xblocks.roadmap.figures import courses_described, roadmap_for
from rtcm_xblocks.roadmap.render import render_page
from rtcm_xblocks.roadmap.tables import csv_text, xlsx_bytes

FORMATS = ("html", "csv", "xlsx")


class Command(BaseCommand):
    """Write rtcm-roadmap.html, .csv and .xlsx (see the module docstring)."""

    help = "Write the regional training-needs roadmap as HTML, CSV and XLSX files."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="Folder to write the files into (default: the current one).")
        parser.add_argument("--course", action="append", default=[], metavar="RUN",
                            help="A course run to include (repeat for several; default: every course run).")
        parser.add_argument("--min-group-size", type=int, default=None,
                            help="Smallest group shown; never below the RTCM_ROADMAP_MIN_GROUP_SIZE setting (5).")
        parser.add_argument("--language", default="en", help="Language of the texts, e.g. ru or fa (default: en).")
        parser.add_argument("--format", action="append", choices=FORMATS, default=[],
                            help="Write only this format (repeat for several; default: all three).")

    def handle(self, *args, **options):
        if options["min_group_size"] is not None and options["min_group_size"] < 1:
            raise CommandError("--min-group-size must be 1 or more.")
        courses = None
        if options["course"]:
            known = set(courses_described(options["course"]))
            unknown = [course for course in options["course"] if course not in known]
            if unknown:
                raise CommandError(f"No released self-assessment in: {', '.join(unknown)}")
            courses = options["course"]
        os.makedirs(options["output"], exist_ok=True)
        with translation.override(options["language"]):
            translator = language_translator(options["language"])
            roadmap = roadmap_for(courses, options["min_group_size"])
            written = []
            for kind in options["format"] or FORMATS:
                path = os.path.join(options["output"], f"rtcm-roadmap.{kind}")
                if kind == "html":
                    content = render_page(roadmap, translator.gettext, translator.ngettext, options["language"],
                                          translation.get_language_bidi()).encode("utf-8")
                elif kind == "csv":
                    content = csv_text(roadmap, translator.gettext).encode("utf-8")
                else:
                    content = xlsx_bytes(roadmap, translator.gettext)
                with open(path, "wb") as handle:
                    handle.write(content)
                written.append(path)
        for path in written:
            self.stdout.write(path)
