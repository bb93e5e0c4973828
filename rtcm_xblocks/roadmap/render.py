"""The roadmap as one self-contained, printable HTML page: inline CSS, inline SVG charts, a data table behind each chart.

The same page serves the LMS staff page (with a form to choose course runs and links to the CSV and
XLSX) and the management command's file. Every text is escaped; learner free text never reaches the
roadmap (it reads only released sums), and author text (titles, custom frameworks) is escaped
like the rest. Right-to-left languages get ``dir="rtl"`` and mirrored charts. Pure: nothing here
imports XBlock or Django; `gettext`/`ngettext` come from the caller.
"""
from html import escape

from rtcm_xblocks.roadmap.tables import competency_text, framework_label, group_label

__all__ = ["CSS", "bar_chart", "render_page"]

CSS = """
.rtcm-roadmap{font-family:system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}
.rtcm-roadmap h1{font-size:1.6rem}.rtcm-roadmap h2{font-size:1.3rem;border-block-end:2px solid #0b5394;margin-block-start:2rem}
.rtcm-roadmap h3{font-size:1.1rem;margin-block-start:1.5rem}
.rtcm-roadmap table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
.rtcm-roadmap th,.rtcm-roadmap td{border:1px solid #767676;padding:.25rem .5rem;text-align:start;vertical-align:top}
.rtcm-roadmap td.num{text-align:end;font-variant-numeric:tabular-nums}
.rtcm-roadmap caption{text-align:start;font-weight:600;padding:.25rem 0}
.rtcm-roadmap figure{margin:1rem 0}.rtcm-roadmap svg text{font-size:12px;fill:#1a1a1a}
.rtcm-roadmap .bar{fill:#0b5394}.rtcm-roadmap .bar.negative{fill:#a64d00}.rtcm-roadmap .axis{stroke:#1a1a1a}
.rtcm-roadmap a:focus,.rtcm-roadmap button:focus,.rtcm-roadmap input:focus{outline:3px solid #c55a11;outline-offset:2px}
.rtcm-roadmap .note{color:#444}.rtcm-roadmap fieldset{border:1px solid #767676;padding:.5rem 1rem}
@media print{.rtcm-roadmap form,.rtcm-roadmap .downloads{display:none}.rtcm-roadmap section{break-inside:avoid-page}
.rtcm-roadmap h2{break-before:page}.rtcm-roadmap{max-width:none}}
"""

_WIDTH, _LABEL, _ROW = 760, 330, 22
_LABEL_CHARACTERS = 50  # longer labels are shortened in the chart; the table has them whole


def _number(value):
    return "" if value is None else f"{value:g}"


def bar_chart(chart_id, caption, items, rtl=False):
    """A figure: an SVG horizontal bar chart of (label, value) items, hidden from screen readers, and its data table.

    The table (captioned `caption`) carries the figures; the SVG repeats them for the eye. Null
    values draw no bar. Negative values extend the other way from the zero line.
    """
    values = [value for _label, value in items if value is not None]
    low, high = min([0.0] + values), max([0.0] + values)
    span = (high - low) or 1.0
    plot = _WIDTH - _LABEL - 60
    zero = _LABEL + plot * (-low / span)
    parts = []
    for index, (label, value) in enumerate(items):
        y = 8 + index * _ROW
        label_x = _LABEL - 8
        short = label if len(label) <= _LABEL_CHARACTERS else label[:_LABEL_CHARACTERS - 1] + "…"
        parts.append(_text(label_x, y + 14, short, "end", rtl))
        if value is None:
            continue
        start, end = sorted((zero, zero + plot * value / span))
        kind = "bar negative" if value < 0 else "bar"
        parts.append(_rect(start, y + 3, max(end - start, 1), _ROW - 6, kind, rtl))
        parts.append(_text(end + 4 if value >= 0 else start - 4, y + 14, _number(value), "start" if value >= 0 else "end", rtl))
    height = 16 + len(items) * _ROW
    parts.append(_line(zero, 4, zero, height - 4, rtl))
    svg = (f'<svg class="chart" width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}" '
           f'aria-hidden="true" focusable="false" style="max-width:100%;height:auto;direction:ltr">{"".join(parts)}</svg>')
    return f'<figure id="{escape(chart_id)}">{svg}</figure>'


def _x(x, rtl):
    return _WIDTH - x if rtl else x


def _text(x, y, text, anchor, rtl):
    if rtl:
        anchor = {"start": "end", "end": "start"}[anchor]
    return f'<text x="{_x(x, rtl):.1f}" y="{y}" text-anchor="{anchor}">{escape(str(text))}</text>'


def _rect(x, y, width, height, kind, rtl):
    left = _WIDTH - x - width if rtl else x
    return f'<rect class="{kind}" x="{left:.1f}" y="{y}" width="{width:.1f}" height="{height}"/>'


def _line(x1, y1, x2, y2, rtl):
    return f'<line class="axis" x1="{_x(x1, rtl):.1f}" y1="{y1}" x2="{_x(x2, rtl):.1f}" y2="{y2}"/>'



def _heading(text):
    """A third-level heading of the report (the text already translated: `_()` calls stay outside f-strings,
    where Babel could not extract them)."""
    return f"<h3>{escape(text)}</h3>"


def _note(text):
    """A note paragraph of the report (the text already translated)."""
    return f'<p class="note">{escape(text)}</p>'

def _table(caption, header, rows, numeric=()):
    head = "".join(f'<th scope="col">{escape(str(cell))}</th>' for cell in header)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            if index == 0:
                cells.append(f'<th scope="row">{escape(str(cell))}</th>')
            elif index in numeric:
                cells.append(f'<td class="num">{escape(_number(cell) if not isinstance(cell, str) else cell)}</td>')
            else:
                cells.append(f"<td>{escape('' if cell is None else str(cell))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


class _Page:
    def __init__(self, roadmap, gettext, ngettext, rtl):
        self.roadmap, self._, self.ngettext, self.rtl = roadmap, gettext, ngettext, rtl
        self.charts = 0

    def chart(self, caption, items):
        self.charts += 1
        return bar_chart(f"rtcm-roadmap-chart-{self.charts}", caption, items, self.rtl)

    def figures_header(self):
        _ = self._
        return [_("Respondents rating it"), _("Mean importance"), _("Mean proficiency"), _("MWDS"), _("Rank"), _("Quadrant")]

    def pillars(self, section, group, caption):
        _ = self._
        items = [(competency_text(section, "pillar", p["id"], _), p["mwds"]) for p in group["pillars"]]
        rows = [[label, p["n"], p["mean_importance"], p["mean_proficiency"], p["mwds"], p["rank"], p["quadrant"] or ""]
                for (label, _value), p in zip(items, group["pillars"])]
        return self.chart(caption, items) + _table(caption, [_("Pillar")] + self.figures_header(), rows, (1, 2, 3, 4, 5))

    def competencies(self, section, group, caption):
        _ = self._
        rows = [[competency_text(section, "competency", c["id"], _), c["n"] if c["n"] is not None else _("withheld"),
                 c["mean_importance"], c["mean_proficiency"], c["mwds"], c["rank"], c["quadrant"] or ""]
                for c in group["competencies"]]
        return _table(caption, [_("Competency")] + self.figures_header(), rows, (1, 2, 3, 4, 5))

    def priorities(self, section, by, caption):
        _ = self._
        groups = [g for g in section["report"]["groups"] if g["by"] == by]
        if not groups:
            return _note(_("No group is large enough to be shown."))
        rows = [[group_label(by, g["value"], _), g["respondents"],
                 "; ".join(competency_text(section, "competency", c, _) for c in g["priorities"]) or _("none")]
                for g in groups]
        return _table(caption, [_("Group"), _("Respondents"), _("Priority training topics, highest need first")], rows, (1,))

    def by_pillar(self, section, caption):
        _ = self._
        report = section["report"]
        header = [_("Group"), _("Respondents")] + [competency_text(section, "pillar", p["id"], _) for p in report["pillars"]]
        rows = [[group_label(g["by"], g["value"], _), g["respondents"]] + [p["mwds"] for p in g["pillars"]]
                for g in report["groups"]]
        return _table(caption, header, rows, tuple(range(1, len(header))))

    def trend(self, section, name):
        _ = self._
        caption = _("Trend across cohorts: mean MWDS of the pillars per quarter ({framework})").format(framework=name)
        items = []
        for period in section["trend"]:
            scores = [p["mwds"] for p in period["pillars"] if p["mwds"] is not None]
            items.append((period["period"] or _("unknown"), round(sum(scores) / len(scores), 4) if scores else None))
        pillar_ids = [p["id"] for p in section["report"]["pillars"]]
        header = [_("Quarter"), _("Blocks"), _("Respondents")] + [competency_text(section, "pillar", p, _) for p in pillar_ids]
        rows = [[label, period["blocks"], period["respondents"]] + [p["mwds"] for p in period["pillars"]]
                for (label, _value), period in zip(items, section["trend"])]
        table_caption = _("Trend across cohorts: MWDS per pillar and quarter ({framework})").format(framework=name)
        return self.chart(caption, items) + _table(table_caption, header, rows, tuple(range(1, len(header))))

    def section(self, index, section):
        _ = self._
        name = framework_label(section, _)
        report = section["report"]
        heading = _("Training needs: {framework}").format(framework=name)
        facts = _("{respondents} respondents in {blocks} assessments of {courses} course runs.").format(
            respondents=report["respondents"], blocks=section["blocks"], courses=section["courses"])
        withheld = report["withheld"]
        hidden = ""
        if withheld["country"] or withheld["agency"]:
            hidden = " " + _("Not shown, to protect small groups: {countries} and {agencies}.").format(
                countries=self.ngettext("{count} country", "{count} countries", withheld["country"]).format(count=withheld["country"]),
                agencies=self.ngettext("{count} agency", "{count} agencies", withheld["agency"]).format(count=withheld["agency"]))
        parts = [
            f'<section aria-labelledby="rtcm-roadmap-s{index}"><h2 id="rtcm-roadmap-s{index}">{escape(heading)}</h2>',
            f'<p class="note">{escape(facts + hidden)}</p>',
            _heading(_("Needs by pillar")),
            self.pillars(section, report, _("MWDS by pillar, all respondents ({framework})").format(framework=name)),
            _heading(_("Needs by competency")),
            self.competencies(section, report, _("Competencies by rank, all respondents ({framework})").format(framework=name)),
            _heading(_("Priority training topics by country")),
            self.priorities(section, "country", _("Priority training topics by country ({framework})").format(framework=name)),
            _heading(_("Priority training topics by agency")),
            self.priorities(section, "agency", _("Priority training topics by agency ({framework})").format(framework=name)),
        ]
        if report["groups"]:
            parts += [_heading(_("Needs by country and agency, per pillar")),
                      self.by_pillar(section, _("MWDS per pillar by country and agency ({framework})").format(framework=name))]
        parts += [_heading(_("Trend across cohorts")), self.trend(section, name), "</section>"]
        return "".join(parts)

    def changes(self):
        _ = self._
        heading = _("Measured effect: change from pre- to post-course self-assessment")
        parts = [f'<section aria-labelledby="rtcm-roadmap-change"><h2 id="rtcm-roadmap-change">{escape(heading)}</h2>']
        if not self.roadmap["changes"]:
            parts.append(_note(_("No post-course assessment linked to a pre-course one.")))
        for change in self.roadmap["changes"]:
            title = f"{change['course']} — {change['title']}"
            parts.append(f"<h3>{escape(title)}</h3>")
            if change["withheld"]:
                parts.append(_note(_("Not shown: too few respondents before or after the course.")))
                continue
            parts.append(_note(_("{pre} respondents before, {post} after the course.").format(**change["respondents"])))
            section = next((s for s in self.roadmap["frameworks"] if s["id"] == change["framework_id"]), None)

            def label(level, item_id, section=section):
                return competency_text(section, level, item_id, _) if section else item_id

            caption = _("Change of mean proficiency by pillar: {title}").format(title=title)
            items = [(label("pillar", p["id"]), p["proficiency_change"]) for p in change["pillars"]]
            rows = [[name, p["pre_mean_proficiency"], p["post_mean_proficiency"], p["proficiency_change"],
                     p["pre_mwds"], p["post_mwds"], p["mwds_change"]] for (name, _value), p in zip(items, change["pillars"])]
            header = [_("Pillar"), _("Proficiency before"), _("Proficiency after"), _("Change"),
                      _("MWDS before"), _("MWDS after"), _("MWDS change")]
            parts += [self.chart(caption, items), _table(caption, header, rows, (1, 2, 3, 4, 5, 6))]
        parts.append("</section>")
        return "".join(parts)

    def body(self):
        _ = self._
        roadmap = self.roadmap
        intro = _("Figures as of each assessment's last release. Groups smaller than {k}, and any that would let one be "
                  "worked out, are not shown; counts are of submissions.").format(k=roadmap["min_group_size"])
        used = self.ngettext("{count} assessment in the figures", "{count} assessments in the figures",
                             roadmap["blocks"]["used"]).format(count=roadmap["blocks"]["used"])
        left = self.ngettext("{count} left out (too few respondents or not yet released)",
                             "{count} left out (too few respondents or not yet released)",
                             roadmap["blocks"]["left_out"]).format(count=roadmap["blocks"]["left_out"])
        parts = [f'<p class="note">{escape(intro)} {escape(used)}; {escape(left)}.</p>']
        if not roadmap["frameworks"]:
            parts.append("<p>" + escape(_("No released self-assessment figures yet.")) + "</p>")
        parts += [self.section(index, section) for index, section in enumerate(roadmap["frameworks"], start=1)]
        parts.append(self.changes())
        return "".join(parts)


def render_page(roadmap, gettext, ngettext, language="en", rtl=False, controls=""):
    """The whole HTML document; `controls` (already safe HTML: the staff page's form and links) goes after the title."""
    title = gettext("Regional training-needs roadmap")
    body = _Page(roadmap, gettext, ngettext, rtl).body()
    return (f'<!DOCTYPE html>\n<html lang="{escape(language)}" dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body><main class=\"rtcm-roadmap\"><h1>{escape(title)}</h1>"
            f"{controls}{body}</main></body></html>\n")
