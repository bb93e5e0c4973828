/* The scenario's results for course staff: the case as a map with each choice's line weighted by learners, and the same figures as tables. */
window.RtcmScenarioResults = function (section, kit) {
  "use strict";
  var gettext = kit.gettext, ngettext = kit.ngettext, fmt = kit.format, node = kit.node;
  var SVG = "http://www.w3.org/2000/svg";
  var uid = section.getAttribute("data-uid");
  var toggle = section.querySelector("[data-results=show]");
  var body = section.querySelector(".rtcm-scenario__results-body");
  var loaded = false;

  function percent(share) { return Math.round(share * 100) + "%"; }

  function table(caption, headers, rows) {
    // A data table: a caption, column headers, and a row header in the first cell of each row.
    var head = node("tr", {}, headers.map(function (text) { return node("th", {scope: "col"}, [text]); }));
    var lines = rows.map(function (row) {
      return node("tr", {}, row.map(function (cell, index) {
        return index === 0 ? node("th", {scope: "row"}, [String(cell)]) : node("td", {}, [String(cell)]);
      }));
    });
    return node("table", {"class": "rtcm-scenario__results-table"}, [
      node("caption", {}, [caption]), node("thead", {}, [head]), node("tbody", {}, lines)]);
  }

  function svg(tag, attrs, children) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) { el.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return el;
  }

  function drawMap(report, tableId) {
    // The editor's layout (scenario.layout); each line as thick as the share of learners who took the choice.
    var map = report.map;
    if (!map || map.omitted || !map.boxes.length) {
      return node("p", {}, [gettext("This case is too large to draw as a map: the tables below give every figure.")]);
    }
    var width = map.box.width, height = map.box.height;
    var boxes = {}, titles = {}, choices = {};
    map.boxes.forEach(function (box) { boxes[box.id] = box; });
    report.steps.forEach(function (step) {
      titles[step.id] = step.title;
      step.choices.forEach(function (choice) { choices[step.id + "\u0000" + choice.id] = choice; });
    });
    report.endings.forEach(function (ending) { titles[ending.id] = ending.title; });
    var most = 1;
    Object.keys(choices).forEach(function (key) { most = Math.max(most, choices[key].learners); });
    var drawing = svg("svg", {viewBox: "0 0 " + map.width + " " + map.height, width: map.width, height: map.height,
      role: "img", "aria-labelledby": uid + "-map-title", "aria-describedby": tableId, "class": "rtcm-scenario__map"},
      [svg("title", {id: uid + "-map-title"}, [gettext("Map of the case: each line is as thick as the number of learners who took that choice. The tables below give the same figures.")])]);
    map.arrows.forEach(function (arrow) {
      var from = boxes[arrow.source], to = boxes[arrow.target];
      var choice = choices[arrow.source + "\u0000" + arrow.choice];
      if (!from || !to || !choice) { return; }
      var points = [[from.x + width, from.y + height / 2]];
      arrow.via.forEach(function (slot) { points.push([slot[0] + width / 2, slot[1] + height / 2]); });
      points.push([to.x, to.y + height / 2]);
      if (arrow.back) {
        var below = map.height - 8;
        points = [[from.x + width / 2, from.y + height], [from.x + width / 2, below], [to.x + width / 2, below], [to.x + width / 2, to.y + height]];
      }
      var line = svg("polyline", {points: points.map(function (p) { return p.join(","); }).join(" "),
        "class": "rtcm-scenario__map-line" + (choice.expert ? " rtcm-scenario__map-line--expert" : ""),
        "stroke-width": String(1 + 11 * choice.learners / most), fill: "none"},
        [svg("title", {}, [fmt(ngettext("{label}: {count} learner", "{label}: {count} learners", choice.learners),
          {label: choice.label, count: choice.learners})])]);
      drawing.appendChild(line);
    });
    map.boxes.forEach(function (box) {
      drawing.appendChild(svg("rect", {x: box.x, y: box.y, width: width, height: height, rx: 6,
        "class": "rtcm-scenario__map-box rtcm-scenario__map-box--" + box.kind}));
      var label = titles[box.id] || box.id;
      drawing.appendChild(svg("text", {x: box.x + 8, y: box.y + height / 2 + 5, "class": "rtcm-scenario__map-text"},
        [label.length > 24 ? label.slice(0, 23) + "\u2026" : label]));
    });
    return node("div", {"class": "rtcm-scenario__map-frame", tabindex: "0", role: "group",
      "aria-label": gettext("Map of the case (scrolls sideways)")}, [drawing]);
  }

  function render(report) {
    var parts = [];
    var learners = report.learners;
    parts.push(node("p", {"class": "rtcm-scenario__results-summary"}, [
      fmt(ngettext("{started} learner has started this case and {finished} finished it at least once.",
        "{started} learners have started this case and {finished} finished it at least once.", learners.started),
        {started: learners.started, finished: learners.finished})]));
    var aside = report.set_aside;
    if (aside.steps.length || aside.choices.length || aside.endings.length || aside.paths) {
      parts.push(node("p", {"class": "rtcm-scenario__notice", role: "note"}, [fmt(gettext(
        "The case has changed since learners played it: the figures of {steps} removed or renamed steps, {choices} choices, {endings} endings and {paths} paths are no longer counted here (steps: {ids})."),
        {steps: aside.steps.length, choices: aside.choices.length, endings: aside.endings.length, paths: aside.paths,
          ids: aside.steps.concat(aside.endings).join(gettext(", ")) || "\u2013"})]));
    }
    var stepsId = uid + "-results-steps";
    parts.push(drawMap(report, stepsId));
    var stepRows = report.steps.map(function (step) { return [step.title || step.id, step.reached, step.looped, step.stopped]; });
    var steps = table(gettext("Steps"), [gettext("Step"), gettext("Learners who reached it"),
      gettext("Learners who came back to it"), gettext("Learners who stopped here and never finished")], stepRows);
    steps.id = stepsId;
    parts.push(steps);
    report.steps.forEach(function (step) {
      if (!step.choices.length) { return; }
      parts.push(table(fmt(gettext("Choices at \u201c{step}\u201d"), {step: step.title || step.id}),
        [gettext("Choice"), gettext("Learners"), gettext("Share"), gettext("Expert choice")],
        step.choices.map(function (choice) {
          return [choice.label || choice.id, choice.learners, percent(choice.share), choice.expert ? gettext("yes") : gettext("no")];
        })));
    });
    parts.push(table(gettext("Endings reached"), [gettext("Ending"), gettext("Learners")],
      report.endings.map(function (ending) { return [ending.title || ending.id, ending.learners]; })));
    var scores = report.scores;
    if (scores.learners) {
      parts.push(table(gettext("Score distribution: first attempt against best attempt"),
        [gettext("Score"), gettext("First attempt"), gettext("Best attempt")],
        scores.deciles.map(function (band) { return [fmt(gettext("{from}\u2013{to}%"), band), band.first, band.best]; })));
      parts.push(node("p", {}, [fmt(gettext("Mean score: {first} on the first attempt, {best} on the best."),
        {first: percent(scores.first_mean), best: percent(scores.best_mean)})]));
    }
    if (report.paths.length) {
      parts.push(node("h5", {}, [gettext("Most common paths")]));
      parts.push(node("ol", {"class": "rtcm-scenario__results-paths"}, report.paths.map(function (path) {
        var labels = path.decisions.map(function (decision) { return decision.label || decision.choice; });
        labels.push(path.ending_title || path.ending);
        return node("li", {}, [fmt(ngettext("{path} ({count} attempt)", "{path} ({count} attempts)", path.attempts),
          {path: labels.join(" \u2192 "), count: path.attempts})]);
      })));
    }
    if (report.departure) {
      var departure = report.departure;
      parts.push(node("p", {}, [fmt(ngettext(
        "Most common departure from the expert path: \u201c{label}\u201d at \u201c{step}\u201d, taken by {count} learner.",
        "Most common departure from the expert path: \u201c{label}\u201d at \u201c{step}\u201d, taken by {count} learners.",
        departure.learners), {label: departure.label || departure.choice, step: departure.step_title || departure.step, count: departure.learners})]));
    }
    parts.push(node("p", {}, [node("a", {href: kit.csvUrl, download: "", "class": "rtcm-scenario__button"},
      [gettext("Download the counts (CSV)")])]));
    body.textContent = "";
    parts.forEach(function (part) { body.appendChild(part); });
  }

  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? gettext("Hide the results") : gettext("Show the results");
    body.hidden = !open;
    if (!open || loaded) { return; }
    body.textContent = gettext("Loading\u2026");
    kit.call("analytics_report", {}).then(function (report) {
      loaded = true;
      render(report);
    }, function (failure) {
      body.textContent = "";
      body.appendChild(node("p", {role: "alert", "class": "rtcm-scenario__error"}, [failure.message]));
    });
  });
};
