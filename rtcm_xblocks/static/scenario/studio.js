/* Studio map editor of the scenario block: an SVG map, an outline, a step/ending editor, live validation, OLX.
 *
 * The server is the reference for every rule: each edit sends the draft to the block's
 * `validate_draft` handler, which answers the field errors, the core's validation problems and
 * the map layout. This file only draws what comes back and edits the draft.
 */
function RtcmScenarioStudio(runtime, element) {
  "use strict";
  var block = element.jquery ? element[0] : element;
  var root = block.querySelector(".rtcm-studio");
  var uid = root.getAttribute("data-uid");
  /* Authored data comes from a JSON script element that no text can close, not from init arguments. */
  var init = JSON.parse(root.querySelector(".rtcm-studio__data").textContent);
  var i18n = init.i18n_namespace && window[init.i18n_namespace];
  var gettext = (i18n && i18n.gettext) || window.gettext || function (text) { return text; };
  var ngettext = (i18n && i18n.ngettext) || window.ngettext ||
    function (one, many, count) { return count === 1 ? one : many; };
  var SVG = "http://www.w3.org/2000/svg";

  var state = {
    scenario: init.scenario,
    settings: init.settings,
    report: init.report,
    options: init.options,
    courseMaxAttempts: init.course_max_attempts || null,
    fixed: fixedIds(init.scenario),
    selected: null,
    mapFocus: null,
    zoom: 1,
    dirty: false,
    sequence: 0,
    timer: null,
    drawPending: false,
    olxEdited: false,
    platform: null,
    olxSequence: null
  };

  function $(role) { return root.querySelector('[data-role="' + role + '"]'); }
  var ui = {
    map: $("map"), outline: $("outline"), editor: $("editor"), problems: $("problems"),
    problemCount: $("problem-count"), counts: $("counts"), status: $("status"), olx: $("olx"),
    olxError: $("olx-error"), settings: $("settings"), zoom: $("zoom"), find: $("find")
  };

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; } else { node.setAttribute(key, value === true ? "" : value); }
    });
  }

  function append(node, children) {
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
  }

  function shorten(text, limit) {
    text = text || "";
    return text.length > limit ? text.slice(0, limit - 1) + "\u2026" : text;
  }

  /* Form controls (static/scenario/fields.js) and rich text fields (static/scenario/richtext.js), added to the
   * fragment before this file. */
  var fields = window.RtcmScenarioFields({el: el, uid: uid});
  var fieldId = fields.fieldId, textField = fields.textField, numberField = fields.numberField;
  var selectField = fields.selectField, checkField = fields.checkField, button = fields.button;
  var heading = fields.heading;
  var richText = window.RtcmRichText({el: el, append: append, format: format, gettext: gettext, fieldId: fieldId});

  /* ---- the draft ------------------------------------------------------------------------------ */

  function fixedIds(scenario) {
    var fixed = {};
    (scenario.steps || []).forEach(function (step) {
      fixed[step.id] = true;
      (step.choices || []).forEach(function (choice) { fixed[step.id + "\u0000" + choice.id] = true; });
    });
    (scenario.endings || []).forEach(function (ending) { fixed[ending.id] = true; });
    return fixed;
  }

  function startId() {
    var steps = state.scenario.steps;
    return state.scenario.start || (steps.length ? steps[0].id : null);
  }

  function findNode(id) {
    var i;
    for (i = 0; i < state.scenario.steps.length; i += 1) {
      if (state.scenario.steps[i].id === id) { return {kind: "step", node: state.scenario.steps[i], index: i}; }
    }
    for (i = 0; i < state.scenario.endings.length; i += 1) {
      if (state.scenario.endings[i].id === id) { return {kind: "ending", node: state.scenario.endings[i], index: i}; }
    }
    return null;
  }

  /* Ids in use, and saved ids even if deleted since: learners' progress may still refer to them. */
  function nodeIds(except) {
    var taken = {};
    Object.keys(state.fixed).forEach(function (key) { if (key.indexOf("\u0000") < 0) { taken[key] = true; } });
    state.scenario.steps.concat(state.scenario.endings).forEach(function (node) {
      if (node !== except) { taken[node.id] = true; }
    });
    if (except && !state.fixed[except.id]) { delete taken[except.id]; }
    return taken;
  }

  /* A readable id from a title: lower-case ASCII words joined by "-", unique among `taken`. */
  function slugId(title, taken, fallback) {
    var base = (title || "").toLowerCase();
    if (base.normalize) { base = base.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
    base = base.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "") || fallback;
    var candidate = base;
    var number = 2;
    while (taken[candidate]) {
      candidate = base + "-" + number;
      number += 1;
    }
    return candidate;
  }

  /* Ids follow the title until saved (or written by hand in OLX); after that they never change. */
  function retitleNode(node) {
    if (state.fixed[node.id]) { return; }
    var kind = findNode(node.id).kind;
    var next = slugId(node.title, nodeIds(node), kind);
    if (next === node.id) { return; }
    var old = node.id;
    node.id = next;
    state.scenario.steps.forEach(function (step) {
      step.choices.forEach(function (choice) { if (choice.to === old) { choice.to = next; } });
    });
    if (state.scenario.start === old) { state.scenario.start = next; }
    state.report.layout.boxes.forEach(function (box) { if (box.id === old) { box.id = next; } });
    state.report.layout.arrows.forEach(function (arrow) {
      if (arrow.source === old) { arrow.source = next; }
      if (arrow.target === old) { arrow.target = next; }
    });
    if (state.selected === old) { state.selected = next; }
  }

  /* Choice ids in use in `step`, and its saved ones even if deleted since. */
  function choiceIds(step, except) {
    var taken = {};
    var prefix = step.id + "\u0000";
    Object.keys(state.fixed).forEach(function (key) {
      if (key.indexOf(prefix) === 0) { taken[key.slice(prefix.length)] = true; }
    });
    step.choices.forEach(function (other) { if (other !== except) { taken[other.id] = true; } });
    if (except && !state.fixed[prefix + except.id]) { delete taken[except.id]; }
    return taken;
  }

  function relabelChoice(step, choice) {
    if (state.fixed[step.id + "\u0000" + choice.id]) { return; }
    var taken = choiceIds(step, choice);
    var next = slugId(choice.label, taken, "choice");
    state.report.layout.arrows.forEach(function (arrow) {
      if (arrow.source === step.id && arrow.choice === choice.id) { arrow.choice = next; }
    });
    choice.id = next;
  }

  function newStep(title) {
    var step = {id: slugId(title, nodeIds(null), "step"), title: title, body: "", image: null, choices: []};
    state.scenario.steps.push(step);
    return step;
  }

  function newEnding(title) {
    var ending = {id: slugId(title, nodeIds(null), "ending"), title: title, body: "", outcome: "neutral", points: 0};
    state.scenario.endings.push(ending);
    return ending;
  }

  function newChoice(step) {
    var choice = {id: slugId("", choiceIds(step, null), "choice"), label: "", to: "", points: 0, expert: false,
      feedback: ""};
    step.choices.push(choice);
    return choice;
  }

  function move(list, index, delta) {
    var target = index + delta;
    if (target < 0 || target >= list.length) { return false; }
    var item = list.splice(index, 1)[0];
    list.splice(target, 0, item);
    return true;
  }

  /* The platform's attributes (visible_to_staff_only, group_access, …) go along only once OLX was applied:
   * then they are the OLX's; otherwise the server keeps the block's own. */
  function payload() {
    var body = {scenario: state.scenario, settings: state.settings};
    if (state.platform) { body.platform = state.platform; }
    return body;
  }

  /* ---- server --------------------------------------------------------------------------------- */

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(handler, body) {
    return fetch(runtime.handlerUrl(block, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || gettext("The server could not be reached. Try again."));
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  /* A newer edit makes any answer still on its way stale (sequence numbers). */
  function validateSoon(delay) {
    window.clearTimeout(state.timer);
    state.sequence += 1;
    root.setAttribute("data-pending", "true");
    state.timer = window.setTimeout(validateNow, delay);
  }

  function validateNow() {
    var sequence = state.sequence;
    root.setAttribute("aria-busy", "true");
    return post("validate_draft", payload()).then(function (report) {
      if (sequence !== state.sequence) { return; }
      var unplaced = state.selected && !placed(state.selected);
      state.report = report;
      root.removeAttribute("aria-busy");
      root.removeAttribute("data-pending");
      root.setAttribute("data-validated", String(sequence));
      drawAll();
      if (unplaced) { revealBox(state.selected); }  /* a node just added gets its box now */
    }, function (error) {
      if (sequence !== state.sequence) { return; }
      root.removeAttribute("aria-busy");
      root.removeAttribute("data-pending");
      setStatus(error.message, true);
    });
  }

  /* Every edit comes here: redraw what shows the draft, and have the server check it. */
  function changed(structural) {
    state.dirty = true;
    setStatus("");
    scheduleDraw();
    validateSoon(structural ? 0 : 350);
  }

  function scheduleDraw() {
    if (state.drawPending) { return; }
    state.drawPending = true;
    window.requestAnimationFrame(function () {
      state.drawPending = false;
      drawMap();
      drawOutline();
    });
  }

  function drawAll() {
    drawMap();
    drawOutline();
    drawProblems();
    markFields();
  }

  function setStatus(text, isError) {
    ui.status.textContent = text;
    ui.status.classList.toggle("rtcm-studio__status--error", Boolean(isError));
  }

  /* ---- problems ------------------------------------------------------------------------------- */

  function problemsByNode() {
    var byNode = {};
    state.report.problems.concat(state.report.fields).forEach(function (problem) {
      if (!problem.node) { return; }
      var entry = byNode[problem.node] || (byNode[problem.node] = {count: 0, unreachable: false, deadEnd: false});
      entry.count += 1;
      if (problem.code === "unreachable") { entry.unreachable = true; }
      if (problem.code === "dead_end" || problem.code === "no_choices") { entry.deadEnd = true; }
    });
    return byNode;
  }

  function drawProblems() {
    var items = state.report.fields.concat(state.report.problems);
    ui.problems.textContent = "";
    ui.problemCount.textContent = items.length ?
      format(ngettext("{count} problem to fix before learners see this.",
        "{count} problems to fix before learners see this.", items.length), {count: items.length}) :
      gettext("No problems: learners can play this scenario.");
    items.forEach(function (problem) {
      var text = problem.field ? fieldLabel(problem) + ": " + problem.message : problem.message;
      var target = problem.node && findNode(problem.node) ? problem.node : null;
      var isSetting = problem.field && problem.field.indexOf("settings.") === 0;
      var action = null;
      if (target) {
        action = el("button", {type: "button", "class": "rtcm-studio__link", text: text});
        action.addEventListener("click", function () { openNode(target, true); });
      } else if (problem.field && /^scenario\.(variables|characters)/.test(problem.field)) {
        action = el("button", {type: "button", "class": "rtcm-studio__link", text: text});
        action.addEventListener("click", function () { openNode(caseState.key, true); });
      } else if (isSetting) {
        action = el("button", {type: "button", "class": "rtcm-studio__link", text: text});
        action.addEventListener("click", function () { showTab("settings", true); });
      }
      ui.problems.appendChild(el("li", {"class": "rtcm-studio__problem", "data-code": problem.code || "field"},
        [action || text]));
    });
    ui.counts.textContent = format(gettext("{steps} steps, {endings} endings"), {
      steps: state.scenario.steps.length, endings: state.scenario.endings.length
    });
  }

  function fieldLabel(problem) {
    var found = problem.node && findNode(problem.node);
    var name = problem.field.split(".").pop();
    var names = {
      title: gettext("title"), label: gettext("label"), points: gettext("points"), id: gettext("id"),
      to: gettext("target"), src: gettext("image address"), alt: gettext("alt text"), outcome: gettext("outcome"),
      display_name: gettext("Display name"), pillar: gettext("Pillar"), scoring: gettext("Scoring"),
      grading: gettext("Grading"), max_attempts: gettext("Maximum attempts"), weight: gettext("Problem weight"),
      when: gettext("condition"), by: gettext("speaker"), body: gettext("text"), cost: gettext("hint cost"),
      time_limit: gettext("time limit"), captions: gettext("captions"), captions_lang: gettext("captions language"),
      transcript: gettext("transcript"), "var": gettext("variable"), value: gettext("value"), op: gettext("operation"),
      initial: gettext("value at the start"), min: gettext("lowest value"), max: gettext("highest value"),
      name: gettext("name"), portrait: gettext("portrait"), timeout: gettext("timeout"),
      shuffle_choices: gettext("Shuffle choices"), allow_back: gettext("Allow going back")
    };
    var label = names[name] || name;
    return found ? (found.node.title || found.node.id) + " \u2013 " + label : label;
  }

  /* Put field errors next to the inputs they concern (inputs carry their payload path in data-field). */
  function markFields() {
    var byField = {};
    state.report.fields.forEach(function (problem) { byField[problem.field] = problem.message; });
    Array.prototype.forEach.call(root.querySelectorAll("[data-field]"), function (input) {
      var message = byField[input.getAttribute("data-field")];
      var noteId = input.id + "-error";
      var note = document.getElementById(noteId);
      if (message) {
        input.setAttribute("aria-invalid", "true");
        if (!note) {
          note = el("p", {id: noteId, "class": "rtcm-studio__field-error"});
          input.parentNode.appendChild(note);
          input.setAttribute("aria-describedby",
            ((input.getAttribute("aria-describedby") || "") + " " + noteId).trim());
        }
        note.textContent = message;
      } else {
        input.removeAttribute("aria-invalid");
        if (note) { note.textContent = ""; }
      }
    });
  }

  /* ---- the map (static/scenario/map.js, added to the fragment before this file) ----------------- */

  function keepFocus(container, draw) {
    var active = document.activeElement;
    var key = active && container.contains(active) ? active.getAttribute("data-key") : null;
    draw();
    if (key) {
      var again = container.querySelector('[data-key="' + key.replace(/["\\]/g, "\\$&") + '"]');
      if (again) { again.focus(); }
    }
  }

  /* The case state panel (static/scenario/state_editor.js) and the simulation fields of steps and choices
   * (static/scenario/simulation_fields.js), added to the fragment before this file. */
  var simulationKit = {
    root: root, uid: uid, state: state, el: el, format: format, gettext: gettext, fieldId: fieldId,
    textField: textField, numberField: numberField, selectField: selectField, checkField: checkField,
    button: button, heading: heading, richText: richText, competencies: init.competencies || [],
    changed: function (structural) { changed(structural); }, drawEditor: function () { drawEditor(); }
  };
  var caseState = window.RtcmScenarioState(simulationKit);
  var simulationFields = window.RtcmScenarioSimulationFields(simulationKit);

  /* The forms of the introduction, a step and an ending (static/scenario/forms.js). */
  var forms = window.RtcmScenarioForms(Object.assign({}, fields, {
    el: el, format: format, gettext: gettext, state: state, ui: ui, richText: richText, startId: startId,
    retitleNode: retitleNode, relabelChoice: relabelChoice, newStep: newStep, newEnding: newEnding,
    newChoice: newChoice, move: move, simulationFields: function () { return simulationFields; },
    changed: function (structural) { changed(structural); }, drawEditor: function () { drawEditor(); }
  }));

  var map = window.RtcmScenarioMap({
    root: root, uid: uid, state: state, ui: ui, el: el, svg: svg, format: format, gettext: gettext,
    ngettext: ngettext, findNode: findNode, startId: startId, openNode: openNode, problemsByNode: problemsByNode,
    shorten: shorten, keepFocus: keepFocus
  });
  var drawMap = map.draw;
  var placed = map.placed;

  /* ---- the outline (the map as a list) -------------------------------------------------------- */

  function drawOutline() {
    keepFocus(ui.outline, drawOutlineNow);
  }

  function drawOutlineNow() {
    var flags = problemsByNode();
    var start = startId();
    ui.outline.textContent = "";
    var intro = el("button", {type: "button", "class": "rtcm-studio__item", "data-key": "intro",
      "aria-current": state.selected === "\u0000intro" ? "true" : null, text: gettext("Introduction")});
    intro.addEventListener("click", function () { openNode("\u0000intro", true); });
    ui.outline.appendChild(intro);
    var stateFlags = state.report.fields.filter(function (problem) {
      return /^scenario\.(variables|characters)/.test(problem.field);
    }).length;
    var caseItem = el("button", {type: "button", "class": "rtcm-studio__item", "data-key": "state",
      "aria-current": state.selected === caseState.key ? "true" : null}, [
      el("span", {"class": "rtcm-studio__item-title", text: gettext("Case state and characters")}),
      stateFlags ? el("span", {"class": "rtcm-studio__badge", text: format(ngettext("{count} problem",
        "{count} problems", stateFlags), {count: stateFlags})}) : null]);
    caseItem.addEventListener("click", function () { openNode(caseState.key, true); });
    ui.outline.appendChild(caseItem);
    [["step", gettext("Steps"), state.scenario.steps], ["ending", gettext("Endings"), state.scenario.endings]]
      .forEach(function (section) {
        var headingId = uid + "-outline-" + section[0];
        ui.outline.appendChild(el("h3", {id: headingId, text: section[1]}));
        var list = el("ol", {"aria-labelledby": headingId, "class": "rtcm-studio__list"});
        var wanted = ui.find.value.trim().toLowerCase();
        section[2].forEach(function (node) {
          if (wanted && (node.title + " " + node.id).toLowerCase().indexOf(wanted) < 0) { return; }
          var extra = [];
          if (node.id === start) { extra.push(gettext("start")); }
          if (flags[node.id]) {
            extra.push(format(ngettext("{count} problem", "{count} problems", flags[node.id].count),
              {count: flags[node.id].count}));
          }
          var item = el("button", {type: "button", "class": "rtcm-studio__item", "data-key": "outline:" + node.id,
            "aria-current": state.selected === node.id ? "true" : null}, [
            el("span", {"class": "rtcm-studio__item-title", dir: "auto", text: node.title || node.id}),
            extra.length ? el("span", {"class": "rtcm-studio__badge", text: extra.join(", ")}) : null
          ]);
          item.addEventListener("click", function () { openNode(node.id, true); });
          list.appendChild(el("li", {}, [item]));
        });
        ui.outline.appendChild(list);
      });
  }

  /* ---- the editor panel ----------------------------------------------------------------------- */

  function openNode(id, focus) {
    state.selected = id;
    showTab("map", false);
    drawEditor();
    drawMap();
    drawOutline();
    revealBox(id);
    var heading = ui.editor.querySelector("h3");
    if (heading && focus) { heading.focus(); }
    if (!focus) {
      var first = ui.editor.querySelector("input");
      if (first) { first.focus({preventScroll: true}); }
    }
  }

  /* Scroll the map and the list (not the page) so that the box and the item of `id` are in view. */
  function revealBox(id) {
    var key = String(id).replace(/["\\]/g, "\\$&");
    [[ui.map, "box:"], [ui.outline, "outline:"]].forEach(function (pair) {
      var item = pair[0].querySelector('[data-key="' + pair[1] + key + '"]');
      if (!item) { return; }
      var frame = pair[0].getBoundingClientRect();
      var place = item.getBoundingClientRect();
      pair[0].scrollLeft += place.left - frame.left - (frame.width - place.width) / 2;
      pair[0].scrollTop += place.top - frame.top - (frame.height - place.height) / 2;
    });
  }

  var ZOOMS = [0.25, 0.4, 0.6, 0.8, 1];

  function zoom(step) {
    var index = Math.max(0, Math.min(ZOOMS.length - 1, ZOOMS.indexOf(state.zoom) + step));
    state.zoom = ZOOMS[index];
    drawMap();
    ui.zoom.textContent = format(gettext("Map size: {percent}%"), {percent: Math.round(state.zoom * 100)});
    if (state.selected) { revealBox(state.selected); }
  }

  function drawEditor() {
    ui.editor.textContent = "";
    if (state.selected === "\u0000intro") {
      forms.intro();
      return;
    }
    if (state.selected === caseState.key) {
      caseState.draw(ui.editor);
      markFields();
      return;
    }
    var found = state.selected && findNode(state.selected);
    if (!found) {
      ui.editor.appendChild(el("p", {"class": "rtcm-studio__empty",
        text: gettext("Select a step or an ending on the map or in the list to edit it.")}));
      return;
    }
    if (found.kind === "step") { forms.step(found.node, found.index); } else { forms.ending(found.node, found.index); }
    markFields();
  }

  /* ---- settings ------------------------------------------------------------------------------- */

  function drawSettings() {
    Array.prototype.forEach.call(ui.settings.querySelectorAll("[data-setting]"), function (input) {
      var name = input.getAttribute("data-setting");
      if (input.tagName === "SELECT" && !input.options.length) {
        state.options[name].forEach(function (pair) {
          input.appendChild(el("option", {value: pair[0], text: pair[1]}));
        });
      }
      if (input.type === "checkbox") { input.checked = Boolean(state.settings[name]); } else {
        input.value = state.settings[name] === null ? "" : String(state.settings[name]);
      }
    });
    drawAttemptsRule();
  }

  /* Say how many attempts learners get and where that comes from: this exercise, or the course's setting. */
  function drawAttemptsRule() {
    var note = ui.settings.querySelector('[data-role="attempts-rule"]');
    if (!note) { return; }
    var own = state.settings.max_attempts;
    var course = state.courseMaxAttempts;
    var text;
    if (own === null || own === "" || own === undefined) {
      text = course ? format(ngettext("Learners get {count} attempt: the course's Maximum Attempts.",
                                      "Learners get {count} attempts: the course's Maximum Attempts.", course),
                             {count: course})
        : gettext("Learners get unlimited attempts: the course sets no Maximum Attempts.");
    } else if (own === 0) {
      text = gettext("Learners get unlimited attempts, whatever the course sets.");
    } else if (typeof own === "number") {
      text = format(ngettext("Learners get {count} attempt, whatever the course sets.",
                             "Learners get {count} attempts, whatever the course sets.", own), {count: own});
    } else {
      text = "";
    }
    note.textContent = text;
  }

  function bindSettings() {
    Array.prototype.forEach.call(ui.settings.querySelectorAll("[data-setting]"), function (input) {
      var name = input.getAttribute("data-setting");
      input.addEventListener(input.tagName === "SELECT" || input.type === "checkbox" ? "change" : "input", function () {
        var value = input.type === "checkbox" ? input.checked : input.value;
        if (input.type === "number") {
          var number = Number(value);
          value = value.trim() !== "" && isFinite(number) ? number : value;
          // An empty optional number is "not set here": max_attempts then follows the course.
          if (value.trim && value.trim() === "" && input.hasAttribute("data-optional")) { value = null; }
        }
        state.settings[name] = value;
        if (name === "max_attempts") { drawAttemptsRule(); }
        changed(name === "scoring");
      });
    });
  }

  /* ---- tabs ----------------------------------------------------------------------------------- */

  var tabs = Array.prototype.slice.call(root.querySelectorAll('[role="tab"]'));

  function showTab(name, focus) {
    tabs.forEach(function (tab) {
      var active = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", active ? "true" : "false");
      tab.tabIndex = active ? 0 : -1;
      root.querySelector('[data-panel="' + tab.getAttribute("data-tab") + '"]').hidden = !active;
      if (active && focus) { tab.focus(); }
    });
    if (name === "olx" && !state.olxEdited && state.olxSequence !== state.sequence) { loadOlx(); }
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { showTab(tab.getAttribute("data-tab"), false); });
    tab.addEventListener("keydown", function (event) {
      var rtl = window.getComputedStyle(root).direction === "rtl";
      var step = {ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1}[event.key];
      var next = step ? (index + step + tabs.length) % tabs.length :
        event.key === "Home" ? 0 : event.key === "End" ? tabs.length - 1 : null;
      if (next === null) { return; }
      event.preventDefault();
      showTab(tabs[next].getAttribute("data-tab"), true);
    });
  });

  /* ---- OLX ------------------------------------------------------------------------------------ */

  /* The OLX shown is the draft's as of `olxSequence`; text the designer typed is never replaced unasked. */
  function loadOlx() {
    var sequence = state.sequence;
    ui.olxError.textContent = "";
    return post("draft_olx", payload()).then(function (data) {
      ui.olx.value = data.olx;
      state.olxEdited = false;
      state.olxSequence = sequence;
      ui.olx.removeAttribute("aria-invalid");
    }, function (error) {
      ui.olxError.textContent = gettext("Fix the fields listed under Problems to see the OLX.") + " " + error.message;
    });
  }

  function applyOlx() {
    ui.olxError.textContent = "";
    return post("parse_olx", {olx: ui.olx.value}).then(function (data) {
      state.scenario = data.scenario;
      state.settings = data.settings;
      state.platform = data.platform || null;
      state.report = data.report;
      state.fixed = Object.assign(fixedIds(data.scenario), state.fixed);
      state.selected = null;
      state.dirty = true;
      state.olxEdited = false;
      state.sequence += 1;
      state.olxSequence = state.sequence;
      ui.olx.removeAttribute("aria-invalid");
      drawSettings();
      drawEditor();
      drawAll();
      setStatus(format(gettext("OLX applied: {steps} steps, {endings} endings. Save to keep it."), {
        steps: data.scenario.steps.length, endings: data.scenario.endings.length
      }));
    }, function (error) {
      var detail = error.data && error.data.errors && error.data.errors[0];
      var line = detail && detail.line;
      ui.olx.setAttribute("aria-invalid", "true");
      ui.olxError.textContent = "";
      var messages = error.data && error.data.errors ? error.data.errors.map(function (item) {
        return item.message;
      }) : [];
      ui.olxError.appendChild(el("p", {text: line ? format(gettext("Line {line}: {message}"),
        {line: line, message: messages[0] || error.message}) : error.message}));
      messages.slice(line ? 1 : 0).forEach(function (text) { ui.olxError.appendChild(el("p", {text: text})); });
      if (line) {
        ui.olxError.appendChild(button(format(gettext("Go to line {line}"), {line: line}), function () {
          selectLine(line);
        }));
      }
    });
  }

  function selectLine(line) {
    var lines = ui.olx.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i += 1) { start += lines[i].length + 1; }
    ui.olx.focus();
    ui.olx.setSelectionRange(start, start + (lines[line - 1] || "").length);
    var height = ui.olx.scrollHeight / Math.max(lines.length, 1);
    ui.olx.scrollTop = Math.max(0, (line - 4) * height);
  }

  /* ---- save and cancel ------------------------------------------------------------------------ */

  function save() {
    window.clearTimeout(state.timer);
    state.sequence += 1;
    var sequence = state.sequence;
    root.setAttribute("data-pending", "true");
    setStatus(gettext("Saving\u2026"));
    if (runtime.notify) { runtime.notify("save", {state: "start", message: gettext("Saving")}); }
    return post("studio_submit", payload()).then(function (data) {
      state.fixed = Object.assign(state.fixed, fixedIds(data.scenario));
      var count = data.problems.length;
      if (sequence === state.sequence) {
        state.scenario = data.scenario;
        state.settings = data.settings;
        state.platform = null;  /* saved: the block's own are now the OLX's */
        state.report = data;
        state.dirty = false;
        drawSettings();
        drawEditor();
        drawAll();
        root.removeAttribute("data-pending");
      }  /* else: edited while saving; the newer draft stays, and its own validation is on its way */
      setStatus(count ? format(ngettext("Saved as a draft: {count} problem remains.",
        "Saved as a draft: {count} problems remain.", count), {count: count}) : gettext("Saved."));
      root.setAttribute("data-saved", String(sequence));
      if (runtime.notify) { runtime.notify("save", {state: "end"}); }
    }, function (error) {
      if (sequence === state.sequence && error.data && error.data.errors) {
        state.report.fields = error.data.errors;
        drawProblems();
        markFields();
      }
      if (sequence === state.sequence) { root.removeAttribute("data-pending"); }
      setStatus(error.message, true);
      if (runtime.notify) { runtime.notify("error", {title: gettext("Not saved"), message: error.message}); }
    });
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target || !root.contains(target)) { return; }
    var action = target.getAttribute("data-action");
    if (action === "add-step") {
      var step = newStep(gettext("New step"));
      changed(true);
      openNode(step.id, false);
      ui.editor.querySelector("input").select();
    } else if (action === "add-ending") {
      var ending = newEnding(gettext("New ending"));
      changed(true);
      openNode(ending.id, false);
      ui.editor.querySelector("input").select();
    } else if (action === "zoom-in" || action === "zoom-out") {
      zoom(action === "zoom-in" ? 1 : -1);
    } else if (action === "save") {
      save();
    } else if (action === "cancel") {
      if (state.dirty && !window.confirm(gettext("Leave without saving your changes?"))) { return; }
      if (runtime.notify) { runtime.notify("cancel", {}); }
    } else if (action === "olx-apply") {
      applyOlx();
    } else if (action === "olx-refresh") {
      loadOlx();
    }
  });

  /* New lines in rich text become <p>, which the server keeps (Chromium would make <div>, which it drops). */
  try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (ignore) { /* not supported */ }
  ui.olx.addEventListener("input", function () { state.olxEdited = true; });
  ui.find.addEventListener("input", drawOutline);
  state.scenario.steps = state.scenario.steps || [];
  state.scenario.endings = state.scenario.endings || [];
  bindSettings();
  drawSettings();
  drawEditor();
  drawAll();
  root.setAttribute("data-ready", "true");
  if (window.performance) { root.setAttribute("data-ready-at", String(Math.round(window.performance.now()))); }
}
