/* The staff view of the training-needs self-assessment: the cohort's Borich ranking, quadrants, heatmaps and CSV. */
window.RtcmNeedsStaff = function (runtime, root, kit) {
  "use strict";
  var gettext = kit.gettext, fmt = kit.fmt, el = kit.el, svg = kit.svg, table = kit.table, num = kit.num;
  var ns = window.RtcmNeedsI18N;
  var ngettext = ns && ns.ngettext ? ns.ngettext.bind(ns) : (window.ngettext || function (one, many, count) { return count === 1 ? one : many; });
  var section = root.querySelector(".rtcm-needs__staff");
  var pillars = kit.state.framework.pillars;
  var headingId = kit.uid + "-staff";
  var texts = {};
  var titles = {};
  var quadrantNames = {
    HH: gettext("HH – high importance, high gap: concentrate here"),
    HL: gettext("HL – high importance, low gap: keep up the good work"),
    LH: gettext("LH – low importance, high gap: lower priority"),
    LL: gettext("LL – low importance, low gap: possible overkill")
  };
  var groupNames = {};
  kit.state.profile_questions.forEach(function (question) {
    (question.options || []).forEach(function (option) { groupNames[question.id + ":" + option.value] = option.label; });
  });
  pillars.forEach(function (pillar) {
    titles[pillar.id] = pillar.title;
    pillar.competencies.forEach(function (competency) { texts[competency.id] = competency.text; });
  });

  function rankText(rank) { return rank === null || rank === undefined ? "–" : String(rank); }

  function countText(row, size) {
    // A figure of fewer than min_group_size ratings is withheld: say so instead of giving n.
    return row.withheld ? fmt(gettext("fewer than {size}"), {size: size}) : String(row.n);
  }

  function releaseNotes(report) {
    // When the figures were released, what is waiting, and what is withheld and why.
    var notes = [];
    var release = report.release || {};
    var size = report.min_group_size;
    if (release.as_of) {
      var when = new Date(release.as_of);
      var text = isNaN(when.getTime()) ? release.as_of : kit.date(when, true);
      notes.push(fmt(gettext("Figures as of {date}."), {date: text}));
    }
    if (release.waiting === "too_few" && !release.as_of) {
      if (!release.pending) { return []; }
      notes.push(fmt(ngettext("{count} person has submitted: figures appear once at least {size} have.",
        "{count} people have submitted: figures appear once at least {size} have.", release.pending), {count: release.pending, size: size}));
    } else if (release.pending) {
      notes.push(fmt(ngettext("{count} newer change is not in these figures yet.", "{count} newer changes are not in these figures yet.", release.pending), {count: release.pending}));
      notes.push(release.waiting === "held" ?
        gettext("They are held back until more changes arrive, so that no one can be singled out by comparing reports.") :
        fmt(gettext("Figures are updated in batches of at least {size} changes, so that comparing two reports singles no one out."), {size: size}));
    }
    var withheld = report.withheld || {};
    var hidden = [];
    if (withheld.country) { hidden.push(fmt(ngettext("{count} country", "{count} countries", withheld.country), {count: withheld.country})); }
    if (withheld.agency) { hidden.push(fmt(ngettext("{count} type of organisation", "{count} types of organisation", withheld.agency), {count: withheld.agency})); }
    if (hidden.length) {
      notes.push(fmt(gettext("Not shown: {groups}. Each has fewer than {size} respondents, or showing it would let a smaller group be worked out from the other figures."), {
        groups: hidden.join(gettext(", ")), size: size
      }));
    }
    return notes.map(function (note) { return el("p", {className: "rtcm-needs__release", text: note}); });
  }

  function quadrantChart(report, captionId) {
    var rows = report.competencies;
    var rated = rows.filter(function (row) { return row.mean_importance !== null && row.mean_importance !== undefined; });
    var width = 360, height = 300, pad = 36;
    var chart = svg("svg", {viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": captionId, "class": "rtcm-needs__chart", focusable: "false"});
    if (!rated.length) { return chart; }
    var gaps = rated.map(function (row) { return row.mean_importance - row.mean_proficiency; });
    var low = Math.min(0, Math.floor(Math.min.apply(null, gaps))), high = Math.max(1, Math.ceil(Math.max.apply(null, gaps)));
    function x(value) { return pad + (width - 2 * pad) * (value - 1) / 4; }
    function y(value) { return height - pad - (height - 2 * pad) * (value - low) / (high - low); }
    var split = report.quadrant_split || {};
    var grandImportance = typeof split.importance === "number" ? split.importance : rated.reduce(function (sum, row) { return sum + row.mean_importance; }, 0) / rated.length;
    var grandGap = typeof split.discrepancy === "number" ? split.discrepancy : gaps.reduce(function (sum, gap) { return sum + gap; }, 0) / gaps.length;
    var seen = {};
    chart.appendChild(svg("rect", {x: pad, y: pad, width: width - 2 * pad, height: height - 2 * pad, fill: "none", "class": "rtcm-needs__grid"}));
    chart.appendChild(svg("line", {x1: x(grandImportance), x2: x(grandImportance), y1: pad, y2: height - pad, "class": "rtcm-needs__grid", "stroke-dasharray": "4 3"}));
    chart.appendChild(svg("line", {x1: pad, x2: width - pad, y1: y(grandGap), y2: y(grandGap), "class": "rtcm-needs__grid", "stroke-dasharray": "4 3"}));
    chart.appendChild(svg("text", {x: width / 2, y: height - 6, "text-anchor": "middle", "class": "rtcm-needs__axis"}, gettext("Mean importance (1–5)")));
    chart.appendChild(svg("text", {x: 4, y: pad - 10, "class": "rtcm-needs__axis"}, gettext("Mean gap (importance − proficiency)")));
    [["HH", width - pad - 4, pad + 12, "end"], ["LH", pad + 4, pad + 12, "start"], ["HL", width - pad - 4, height - pad - 4, "end"], ["LL", pad + 4, height - pad - 4, "start"]].forEach(function (corner) {
      chart.appendChild(svg("text", {x: corner[1], y: corner[2], "text-anchor": corner[3], "class": "rtcm-needs__axis"}, corner[0]));
    });
    rated.forEach(function (row, index) {
      var point = svg("g", {});
      var cx = x(row.mean_importance), cy = y(gaps[index]);
      var place = Math.round(cx) + ":" + Math.round(cy);
      // Competencies with the same means would hide each other: fan them out sideways.
      var shift = (seen[place] = (seen[place] || 0) + 1) - 1;
      cx += shift * 17;
      point.appendChild(svg("circle", {cx: cx, cy: cy, r: 8, "class": "rtcm-needs__point"}));
      point.appendChild(svg("text", {x: cx, y: cy + 3.5, "text-anchor": "middle", "class": "rtcm-needs__point-label"}, rankText(row.rank)));
      point.appendChild(svg("title", {}, fmt(gettext("#{rank} {text}: importance {importance}, gap {gap}, {quadrant}"), {
        rank: rankText(row.rank), text: texts[row.id] || titles[row.id] || row.id, importance: num(row.mean_importance), gap: num(gaps[index]), quadrant: row.quadrant
      })));
      chart.appendChild(point);
    });
    return chart;
  }

  function shade(cell, strength) {
    // Red over white in proportion to the need; black or white text, whichever keeps 4.5:1.
    var alpha = 0.1 + 0.8 * strength;
    var rgb = [179, 38, 30].map(function (channel) { return Math.round(255 - alpha * (255 - channel)); });
    var luminance = rgb.map(function (channel) {
      var c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    luminance = 0.2126 * luminance[0] + 0.7152 * luminance[1] + 0.0722 * luminance[2];
    cell.style.backgroundColor = "rgb(" + rgb.join(", ") + ")";
    cell.style.color = luminance > 0.18 ? "#000" : "#fff";
  }

  function heatmap(report, by, caption) {
    var groups = report.groups.filter(function (group) { return group.by === by; });
    if (!groups.length) { return null; }
    var all = [];
    groups.forEach(function (group) { (group.pillars || []).forEach(function (row) { if (row.mwds !== null) { all.push(row.mwds); } }); });
    var top = Math.max.apply(null, all.concat([1]));
    var head = el("tr", {}, [el("th", {scope: "col", text: gettext("Pillar")})].concat(groups.map(function (group) {
      var label = groupNames[by + ":" + group.value] || group.value;
      return el("th", {scope: "col", text: fmt(gettext("{group} (n={n})"), {group: label, n: group.respondents})});
    })));
    var body = el("tbody", {}, pillars.map(function (pillar, index) {
      return el("tr", {}, [el("th", {scope: "row", text: pillar.title})].concat(groups.map(function (group) {
        var row = group.pillars[index];
        var cell = el("td", {text: row.mwds === null ? "–" : num(row.mwds)});
        if (row.mwds !== null && row.mwds > 0) { shade(cell, Math.min(row.mwds / top, 1)); }
        return cell;
      })));
    }));
    return el("div", {className: "rtcm-needs__table-wrap", tabindex: "0", role: "region", "aria-label": caption}, [
      el("table", {className: "rtcm-needs__table rtcm-needs__heat"}, [el("caption", {text: caption}), el("thead", {}, [head]), body])
    ]);
  }

  function demonstratedSection(report) {
    // The scenario results of the course's learners beside the cohort's published self-ratings.
    var part = el("div", {className: "rtcm-needs__demonstrated-report"}, [el("h4", {text: gettext("Demonstrated in the scenarios")})]);
    var rows = report.competencies.filter(function (row) { return row.demonstrated; });
    var gaps = {};
    (report.disagreements || []).forEach(function (item) { gaps[item.competency] = item; });
    part.appendChild(el("p", {text: fmt(gettext("Demonstrated: the share of the available scenario points the course's learners earned in each competency, averaged over the learners with results (shown from {size} learners). They need not be the same people as the respondents above."), {size: report.min_group_size})}));
    if (!rows.length) {
      part.appendChild(el("p", {text: fmt(gettext("No competency has scenario results from at least {size} learners yet."), {size: report.min_group_size})}));
      return part;
    }
    var count = (report.disagreements || []).length;
    part.appendChild(el("p", {className: "rtcm-needs__disagreements", text: count ?
      fmt(ngettext("In {count} competency the cohort's self-rating and its scenario results differ by a quarter of the scale or more: see the last column.",
        "In {count} competencies the cohort's self-rating and its scenario results differ by a quarter of the scale or more: see the last column.", count), {count: count}) :
      gettext("Wherever both are shown, the cohort's self-rating and its scenario results differ by less than a quarter of the scale.")}));
    part.appendChild(table(gettext("Self-rated proficiency and performance in the scenarios"),
      [gettext("Competency"), gettext("Mean proficiency (self-rated, 1–5)"), gettext("Demonstrated in the scenarios"), gettext("Learners with results"), gettext("Difference")],
      rows.map(function (row) {
        var gap = gaps[row.id];
        var difference = "–";
        if (gap) {
          difference = fmt(gap.gap > 0 ? gettext("Rated {points} percentage points higher than demonstrated") : gettext("Rated {points} percentage points lower than demonstrated"),
            {points: num(Math.round(Math.abs(gap.gap) * 100))});
        }
        return [texts[row.id] || row.id, num(row.mean_proficiency), kit.percent(row.demonstrated.mean), String(row.demonstrated.learners), difference];
      })));
    return part;
  }

  function changeTable(change) {
    return table(fmt(gettext("Change since the pre-course assessment (respondents: {pre} before, {post} after)"), change.respondents),
      [gettext("Pillar"), gettext("MWDS before"), gettext("MWDS after"), gettext("Change"), gettext("Mean proficiency before"), gettext("Mean proficiency after"), gettext("Change")],
      change.pillars.map(function (row) {
        return [titles[row.id] || row.title, num(row.pre_mwds), num(row.post_mwds), kit.signed(row.mwds_change), num(row.pre_mean_proficiency), num(row.post_mean_proficiency), kit.signed(row.proficiency_change)];
      }));
  }

  function render(report) {
    var body = section.querySelector(".rtcm-needs__staff-body");
    body.textContent = "";
    body.appendChild(el("p", {className: "rtcm-needs__respondents", text: fmt(gettext("Respondents: {count}"), {count: report.respondents})}));
    releaseNotes(report).forEach(function (note) { body.appendChild(note); });
    if (!report.respondents) {
      if (!(report.release || {}).pending) { body.appendChild(el("p", {text: gettext("No one has submitted this assessment yet.")})); }
      return;
    }
    body.appendChild(table(gettext("Competencies ranked by Borich's mean weighted discrepancy score (MWDS)"),
      [gettext("Rank"), gettext("Competency"), gettext("Pillar"), gettext("n"), gettext("Mean importance"), gettext("Mean proficiency"), gettext("MWDS"), gettext("Quadrant")],
      report.competencies.map(function (row) {
        return [rankText(row.rank), texts[row.id] || row.id, titles[row.pillar] || row.pillar, countText(row, report.min_group_size), num(row.mean_importance), num(row.mean_proficiency), num(row.mwds), row.quadrant ? quadrantNames[row.quadrant] : "–"];
      })));
    var captionId = kit.uid + "-quadrants";
    body.appendChild(el("h4", {text: gettext("Locus for focus")}));
    body.appendChild(el("p", {id: captionId, text: gettext("Quadrant chart: each competency plotted by mean importance (across) and mean gap (up), numbered by its MWDS rank; the dashed lines are the means over all competencies. The table above gives the same figures.")}));
    body.appendChild(el("div", {className: "rtcm-needs__figure"}, [quadrantChart(report, captionId)]));
    body.appendChild(table(gettext("Pillars"),
      [gettext("Pillar"), gettext("Mean importance"), gettext("Mean proficiency"), gettext("MWDS"), gettext("Rank"), gettext("Quadrant")],
      report.pillars.map(function (row) {
        return [titles[row.id] || row.title, num(row.mean_importance), num(row.mean_proficiency), num(row.mwds), rankText(row.rank), row.quadrant || "–"];
      })));
    body.appendChild(el("h4", {text: gettext("By country and by agency")}));
    body.appendChild(el("p", {text: fmt(gettext("Cells give each pillar's mean MWDS in the group; darker means a larger need. Only groups of at least {size} respondents that no combination of figures can narrow down to fewer are shown."), {size: report.min_group_size})}));
    var byCountry = heatmap(report, "country", gettext("Pillar × country: mean MWDS"));
    var byAgency = heatmap(report, "agency", gettext("Pillar × agency: mean MWDS"));
    if (!byCountry && !byAgency) { body.appendChild(el("p", {text: gettext("No country or type of organisation can be shown yet.")})); }
    if (byCountry) { body.appendChild(byCountry); }
    if (byAgency) { body.appendChild(byAgency); }
    body.appendChild(demonstratedSection(report));
    if (report.change) { body.appendChild(changeTable(report.change)); }
  }

  function load() {
    var body = section.querySelector(".rtcm-needs__staff-body");
    body.textContent = gettext("Loading the cohort report…");
    kit.post("cohort_report", {}).then(render).catch(function (error) {
      body.textContent = "";
      body.appendChild(el("p", {role: "alert", text: error.message}));
    });
  }

  var refresh = el("button", {type: "button", className: "rtcm-needs__button", text: gettext("Refresh the cohort report")});
  refresh.addEventListener("click", load);
  var download = el("a", {href: runtime.handlerUrl(root, "cohort_csv"), className: "rtcm-needs__button", download: "", text: gettext("Download the cohort report (CSV)")});
  section.setAttribute("aria-labelledby", headingId);
  section.appendChild(el("h3", {id: headingId, text: gettext("Cohort training needs (staff only)")}));
  section.appendChild(el("div", {className: "rtcm-needs__nav"}, [refresh, download]));
  section.appendChild(el("div", {className: "rtcm-needs__staff-body", "aria-live": "polite"}));
  load();
};
