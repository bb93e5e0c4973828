"""The roadmap's staff page in the LMS (``/rtcm/roadmap/``): HTML, or ``?format=csv`` / ``?format=xlsx`` downloads.

GET only. Global staff read every course run, course staff the runs they staff (`access`);
anyone else gets 403. ``?course=<run>`` (repeatable) narrows the figures to chosen runs among those
allowed; runs outside them are ignored. Bad input answers 400 with ``{"error", "message"}``.
"""
from html import escape
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.utils import translation

from rtcm_xblocks.common.i18n import language_translator
from rtcm_xblocks.roadmap.access import current_access
from rtcm_xblocks.roadmap.figures import courses_described, roadmap_for
from rtcm_xblocks.roadmap.render import render_page
from rtcm_xblocks.roadmap.tables import csv_text, xlsx_bytes

__all__ = ["roadmap_page", "XLSX_TYPE"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_COURSES = 200


def _error(code, message, status):
    return JsonResponse({"error": code, "message": message}, status=status)


def _controls(request, available, chosen, _):
    keep = [(key, value) for key, values in request.GET.lists() if key not in ("course", "format") for value in values]
    hidden = "".join(f'<input type="hidden" name="{escape(key)}" value="{escape(value)}">' for key, value in keep)
    boxes = "".join(
        f'<li><label><input type="checkbox" name="course" value="{escape(course)}"'
        f'{" checked" if course in chosen else ""}> {escape(course)}</label></li>'
        for course in available
    )
    query = keep + [("course", course) for course in chosen if len(chosen) < len(available)]
    links = "".join(
        f'<li><a href="?{escape(urlencode(query + [("format", kind)]))}" download>{escape(label)}</a></li>'
        for kind, label in (("csv", _("Download the tables (CSV)")), ("xlsx", _("Download the workbook (XLSX)")))
    )
    legend, button = _("Course runs"), _("Show the roadmap for the chosen runs")  # outside the f-string: extracted
    return (f'<form method="get" class="rtcm-roadmap-courses">{hidden}<fieldset><legend>{escape(legend)}</legend>'
            f'<ul>{boxes}</ul><button type="submit">{escape(button)}</button></fieldset></form>'
            f'<ul class="downloads">{links}</ul>')


def roadmap_page(request):
    """The roadmap page, CSV or XLSX for the requesting staff member (see the module docstring)."""
    translator = language_translator(translation.get_language())
    _ = translator.gettext
    if request.method not in ("GET", "HEAD"):
        return _error("method_not_allowed", _("This page only accepts GET requests."), 405)
    allowed = current_access().courses(request)
    if allowed is not None and not allowed:
        return _error("forbidden", _("Only staff can see the training-needs roadmap."), 403)
    asked = request.GET.getlist("course")
    kind = request.GET.get("format", "html")
    if kind not in ("html", "csv", "xlsx"):
        return _error("bad_format", _("The format must be html, csv or xlsx."), 400)
    if len(asked) > _MAX_COURSES:
        return _error("too_many_courses", _("Choose at most {count} course runs.").format(count=_MAX_COURSES), 400)
    available = courses_described(allowed)
    chosen = [course for course in available if course in set(asked)] if asked else available
    roadmap = roadmap_for(None if allowed is None and not asked else chosen)
    if kind == "csv":
        response = HttpResponse(csv_text(roadmap, _).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rtcm-roadmap.csv"'
        return response
    if kind == "xlsx":
        response = HttpResponse(xlsx_bytes(roadmap, _), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="rtcm-roadmap.xlsx"'
        return response
    html = render_page(roadmap, _, translator.ngettext, translation.get_language() or "en",
                       translation.get_language_bidi(), _controls(request, available, chosen, _))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
