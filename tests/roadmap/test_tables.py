"""The planners' tables: one safe CSV, and an XLSX workbook a spreadsheet opens (checked part by part)."""
import csv
import io
import zipfile
from xml.etree import ElementTree

from rtcm_xblocks.needs.framework import Framework
from rtcm_xblocks.roadmap.report import build_roadmap
from rtcm_xblocks.roadmap.tables import COLUMNS, HEADER, csv_text, xlsx_bytes
from rtcm_xblocks.roadmap.workbook import write_workbook
from tests.roadmap.cases import answers, block

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HOSTILE = Framework.from_dict({"id": "custom", "pillars": [
    {"id": "p", "title": "=HYPERLINK(\"http://x\")", "competencies": [
        {"id": "b1", "text": "@SUM(1+1) <b>&</b>"}, {"id": "b2", "text": "Two"}, {"id": "d1", "text": "Three"}]},
]})


def number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def identity(message):
    return message


def roadmap():
    pre = block("P", answers(8, "GE", "border") + answers(6, "AZ", "police"), framework=HOSTILE, course="c1",
                cohort_start="2026-01-05")
    post = block("Q", answers(7, "GE", "border", proficiency=4), framework=HOSTILE, course="c1", phase="post", pre_key="P")
    return build_roadmap([pre, post], 5)


def test_the_csv_has_one_header_and_rows_of_every_table_with_formula_text_neutralised():
    rows = list(csv.reader(io.StringIO(csv_text(roadmap(), identity).lstrip("\ufeff"))))
    assert rows[0] == HEADER
    tables = {row[0] for row in rows[1:]}
    assert tables == {"needs", "priorities", "trend", "change"}
    texts = {row[HEADER.index("text")] for row in rows[1:]}
    assert "'@SUM(1+1) <b>&</b>" in texts and "'=HYPERLINK(\"http://x\")" in texts
    assert not any(cell.startswith(("=", "@", "+", "-")) and not number(cell) for row in rows for cell in row)
    groups = {(row[HEADER.index("by")], row[HEADER.index("group")]) for row in rows if row[0] == "needs"}
    assert groups == {("all", ""), ("country", "Georgia"), ("country", "Azerbaijan"),
                      ("agency", "Border guard or border police"), ("agency", "Police or law enforcement")}
    change = [row for row in rows if row[0] == "change" and row[HEADER.index("level")] == "pillar"]
    assert change[0][HEADER.index("proficiency_change")] == "2.0"


def read_sheets(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for content in parts.values():
        ElementTree.fromstring(content)  # every part is well-formed XML
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    names = [sheet.get("name") for sheet in workbook.iter(MAIN + "sheet")]
    sheets = {}
    for index, name in enumerate(names, start=1):
        root = ElementTree.fromstring(parts[f"xl/worksheets/sheet{index}.xml"])
        rows = []
        for row in root.iter(MAIN + "row"):
            rows.append([(cell.get("t"), "".join(cell.itertext())) for cell in row])
        sheets[name] = rows
    assert "[Content_Types].xml" in parts and "_rels/.rels" in parts
    return sheets


def test_the_workbook_has_a_sheet_per_table_text_as_strings_and_numbers_as_numbers():
    sheets = read_sheets(xlsx_bytes(roadmap(), identity))
    assert list(sheets) == list(COLUMNS)
    needs = sheets["needs"]
    assert [value for _kind, value in needs[0]] == COLUMNS["needs"]
    hostile = [cells for cells in needs if any(value == "@SUM(1+1) <b>&</b>" for _kind, value in cells)]
    assert hostile and all(kind == "inlineStr" for kind, value in hostile[0] if value == "@SUM(1+1) <b>&</b>")
    numbers = [kind for kind, value in needs[1] if value == "14"]
    assert numbers == [None]  # respondents: a number cell
    assert len(sheets["change"]) > 1 and len(sheets["trend"]) > 1


def test_the_workbook_drops_characters_xml_cannot_hold_and_shortens_sheet_names():
    sheets = read_sheets(write_workbook([("x" * 40, ["a", "b"], [["bell\x07 ok", 1.5], [None, True]])]))
    [(name, rows)] = sheets.items()
    assert name == "x" * 31
    assert rows[1] == [("inlineStr", "bell ok"), (None, "1.5")]
    assert rows[2] == [("inlineStr", "yes")]
