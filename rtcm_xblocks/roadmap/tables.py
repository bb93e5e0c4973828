"""The roadmap as tables for planners: one CSV in long format and the same rows as XLSX sheets.

Each row belongs to a table: ``needs`` (every pillar and competency, for all respondents of a
framework and for each country and agency shown), ``priorities`` (the priority training topics of
each of them, in order), ``trend`` (pillar figures per quarter) and ``change`` (pre- to post-course
change per course run). The CSV has every column (`HEADER`), each sheet of the workbook only its
table's (`COLUMNS`). Text cells of the CSV go through `safe_cell`; the workbook writes text as
strings, which a spreadsheet never evaluates. Pure: nothing here imports XBlock or Django.
"""
import csv
import io

from rtcm_xblocks.common.spreadsheet import safe_cell
from rtcm_xblocks.needs.framework import PROFILE_QUESTIONS
from rtcm_xblocks.roadmap.workbook import write_workbook

__all__ = ["HEADER", "COLUMNS", "group_label", "framework_label", "competency_text", "table_rows", "csv_text", "xlsx_bytes"]

_FIGURES = ["n", "mean_importance", "mean_proficiency", "mwds", "rank", "quadrant"]
_CHANGE = ["pre_n", "post_n", "pre_mean_proficiency", "post_mean_proficiency", "proficiency_change",
           "pre_mwds", "post_mwds", "mwds_change"]
COLUMNS = {
    "needs": ["framework", "by", "group", "respondents", "level", "id", "text", "pillar"] + _FIGURES,
    "priorities": ["framework", "by", "group", "respondents", "priority", "id", "text", "pillar", "mwds"],
    "trend": ["framework", "period", "blocks", "respondents", "level", "id", "text", "n", "mean_importance",
              "mean_proficiency", "mwds", "rank", "quadrant"],
    "change": ["course", "block", "pre_block", "level", "id", "text", "pillar"] + _CHANGE,
}
HEADER = ["table"] + list(dict.fromkeys(column for columns in COLUMNS.values() for column in columns))
_OPTIONS = {question["id"]: {option["value"]: option["label"] for option in question["options"]}
            for question in PROFILE_QUESTIONS if "options" in question}


def group_label(by, value, gettext):
    """A country's or agency's name in the reader's language (the stored value when unknown)."""
    label = _OPTIONS.get(by, {}).get(value)
    return gettext(label) if label else value


def framework_label(section, gettext):
    """How a framework section is named: the shipped framework's name, or "Custom framework" and its fingerprint."""
    if section["custom"]:
        return gettext("Custom framework {fingerprint}").format(fingerprint=section["id"].split(":", 1)[1][:8])
    return section["id"]


def competency_text(section, level, item_id, gettext):
    """A competency's statement or a pillar's title, translated when the framework is a shipped one."""
    framework = section["framework"]
    found = framework.pillar(item_id) if level == "pillar" else framework.competency(item_id)
    if found is None:
        return item_id
    text = found.title if level == "pillar" else found.text
    return text if section["custom"] else gettext(text)


def _needs(section, gettext, name):
    report = section["report"]
    groups = [("all", "", report)] + [(group["by"], group["value"], group) for group in report["groups"]]
    for by, value, group in groups:
        label = group_label(by, value, gettext) if value else ""
        for level, entries in (("pillar", group["pillars"]), ("competency", group["competencies"])):
            for entry in entries:
                yield dict(
                    {key: entry.get(key) for key in _FIGURES},
                    table="needs", framework=name, by=by, group=label, respondents=group["respondents"], level=level,
                    id=entry["id"], text=competency_text(section, level, entry["id"], gettext),
                    pillar=entry.get("pillar", entry["id"]),
                )
        mwds = {entry["id"]: entry["mwds"] for entry in group["competencies"]}
        for place, competency_id in enumerate(group["priorities"], start=1):
            yield dict(
                table="priorities", framework=name, by=by, group=label, respondents=group["respondents"],
                priority=place, id=competency_id, text=competency_text(section, "competency", competency_id, gettext),
                pillar=section["framework"].competency(competency_id).pillar, mwds=mwds[competency_id],
            )


def _trend(section, gettext, name):
    for period in section["trend"]:
        for entry in period["pillars"]:
            yield dict(
                {key: entry.get(key) for key in _FIGURES}, table="trend", framework=name,
                period=period["period"] or gettext("unknown"), blocks=period["blocks"], respondents=period["respondents"],
                level="pillar", id=entry["id"], text=competency_text(section, "pillar", entry["id"], gettext),
            )


def _change(change, sections, gettext):
    if change["withheld"]:
        return
    section = next((s for s in sections if s["id"] == change["framework_id"]), None)
    for level, entries in (("pillar", change["pillars"]), ("competency", change["competencies"])):
        for entry in entries:
            text = competency_text(section, level, entry["id"], gettext) if section else entry["id"]
            yield dict(
                {key: entry.get(key) for key in _CHANGE}, table="change", course=change["course"],
                block=change["title"], pre_block=change["pre_title"], level=level, id=entry["id"], text=text,
                pillar=entry.get("pillar", entry["id"]),
            )


def table_rows(roadmap, gettext):
    """Every row of the roadmap's tables as dicts keyed by `HEADER` columns (missing columns empty)."""
    rows = []
    for section in roadmap["frameworks"]:
        name = framework_label(section, gettext)
        rows += _needs(section, gettext, name)
        rows += _trend(section, gettext, name)
    for change in roadmap["changes"]:
        rows += _change(change, roadmap["frameworks"], gettext)
    order = list(COLUMNS)
    return sorted(rows, key=lambda row: order.index(row["table"]))


def csv_text(roadmap, gettext):
    """The roadmap as one CSV (with a byte-order mark, for spreadsheets), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in table_rows(roadmap, gettext):
        writer.writerow([safe_cell(row.get(column)) for column in HEADER])
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(roadmap, gettext):
    """The roadmap as an XLSX workbook: one sheet per table, each with its own columns."""
    rows = table_rows(roadmap, gettext)
    sheets = []
    for table, columns in COLUMNS.items():
        sheets.append((table, columns, [[row.get(column) for column in columns] for row in rows if row["table"] == table]))
    return write_workbook(sheets)
