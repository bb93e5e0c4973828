/* Studio editor of the training-needs self-assessment: settings, the framework (default with
   course links, or custom pillars and competencies), live validation, and saving through
   the block's studio_submit handler. Everything an author typed is put in the DOM as text. */
function RtcmNeedsStudio(runtime, element) {
  "use strict";

  if (element && element.jquery) { element = element[0]; }
  var root = element.querySelector(".rtcm-needs-studio");
  var ns = root.getAttribute("data-i18n-namespace");
  var catalog = (ns && window[ns] && typeof window[ns].gettext === "function") ? window[ns] : window;
  var gettext = typeof catalog.gettext === "function" ? function (s) { return catalog.gettext(s); } : function (s) { return s; };
  var ngettext = typeof catalog.ngettext === "function" ? function (one, many, n) { return catalog.ngettext(one, many, n); }
    : function (one, many, n) { return n === 1 ? one : many; };
  var uid = root.getAttribute("data-uid") || "rtcm-ns";
  var data = JSON.parse(root.querySelector(".rtcm-ns-data").textContent);
  var limits = data.limits || {};

  function fmt(template, params) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : match;
    });
  }

  /* ---- state ---------------------------------------------------------------------------- */

  var nextKey = 1;
  function key() { nextKey += 1; return "k" + nextKey; }

  /* Editable pillars from saved ones: their ids are kept as they are (idAuto false). */
  function customFrom(pillars) {
    return pillars.map(function (pillar) {
      return {
        key: key(), id: pillar.id, title: pillar.title, recommend: pillar.recommend || "", idAuto: false,
        competencies: pillar.competencies.map(function (c) {
          return { key: key(), id: c.id, text: c.text, idAuto: false };
        })
      };
    });
  }

  var state;
  var touched = {};
  var serverErrors = {};
  var showAll = false;

  function load(source) {
    var custom = source.framework === "custom";
    state = {
      display_name: source.display_name || "",
      phase: source.phase === "post" ? "post" : "pre",
      pre: source.pre || "",
      min_group_size: String(source.min_group_size),
      participation_credit: !!source.participation_credit,
      weight: String(source.weight),
      mode: custom ? "custom" : "default",
      defaultName: custom ? source.default_framework : source.framework,
      defaultPillars: custom ? source.default_pillars : source.pillars,
      custom: custom ? customFrom(source.pillars) : [],
      links: {}
    };
    state.defaultPillars.forEach(function (pillar) { state.links[pillar.id] = pillar.recommend || ""; });
  }

  /* Ids derived from titles and the live checks of the form (static/needs/studio_checks.js, added before this file). */
  var checks = window.RtcmNeedsChecks({gettext: gettext, fmt: fmt, limits: limits, data: data,
                                       state: function () { return state; }});
  var deriveIds = checks.deriveIds;
  var validate = checks.validate;

  /* ---- DOM helpers ---------------------------------------------------------------------- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "className") { node.className = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function fieldId(field) { return uid + "-" + field.replace(/[^A-Za-z0-9_-]/g, "-"); }

  /* A labelled input or textarea bound to `field`; `onInput(value)` keeps the state in step. */
  function textField(options) {
    var wrap = el("div", { className: "rtcm-ns-field" });
    var id = fieldId(options.field);
    wrap.appendChild(el("label", { className: "rtcm-ns-label", "for": id }, options.label));
    var input = el(options.multiline ? "textarea" : "input", {
      className: "rtcm-ns-input", id: id, "data-field": options.field, "data-owner": options.owner || "",
      "data-role": options.role || "", autocomplete: "off", dir: options.ltr ? "ltr" : "auto"
    });
    if (!options.multiline) { input.type = "text"; } else { input.rows = 2; }
    if (options.ltr) { input.spellcheck = false; }
    input.value = options.value;
    input.addEventListener("input", function () {
      options.onInput(input.value);
      touched[options.field] = true;
      delete serverErrors[options.field];
      refresh();
    });
    input.addEventListener("blur", function () { touched[options.field] = true; showErrors(); });
    wrap.appendChild(input);
    if (options.help) {
      wrap.appendChild(el("p", { className: "rtcm-ns-help", id: id + "-help", "data-help": options.field }, options.help));
      input.setAttribute("aria-describedby", id + "-help");
    }
    return wrap;
  }

  function toolButton(label, role, owner, describedBy, disabled, onClick) {
    var button = el("button", { type: "button", className: "rtcm-ns-button rtcm-ns-tool", "data-role": role,
      "data-owner": owner, "aria-describedby": describedBy }, label);
    if (disabled) { button.setAttribute("aria-disabled", "true"); }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled") !== "true") { onClick(); }
    });
    return button;
  }

  var announcer = el("p", { className: "rtcm-ns-sr-only", "aria-live": "polite" });
  root.appendChild(announcer);
  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function focusLater(selectors) {
    var list = Array.isArray(selectors) ? selectors : [selectors];
    for (var i = 0; i < list.length; i += 1) {
      var target = list[i] && root.querySelector(list[i]);
      if (target) { target.focus(); return; }
    }
  }

  function moveItem(list, index, delta) {
    var to = index + delta;
    if (to < 0 || to >= list.length) { return false; }
    var item = list.splice(index, 1)[0];
    list.splice(to, 0, item);
    return true;
  }

  function pillarName(pillar) {
    return pillar.title.trim() || gettext("(untitled)");
  }

  /* ---- rendering the framework ---------------------------------------------------------- */

  var pillarList = root.querySelector(".rtcm-ns-pillars");

  function renderDefault() {
    state.defaultPillars.forEach(function (pillar, index) {
      var item = el("li", { className: "rtcm-ns-pillar", "data-key": pillar.id });
      var headingId = fieldId("pillars." + index + ".heading");
      item.appendChild(el("h3", { className: "rtcm-ns-pillar-title", id: headingId }, pillar.title));
      var details = el("details", { className: "rtcm-ns-details" });
      details.appendChild(el("summary", {}, fmt(ngettext("{count} competency", "{count} competencies", pillar.competencies.length),
        { count: pillar.competencies.length })));
      var list = el("ul", { className: "rtcm-ns-statements" });
      pillar.competencies.forEach(function (c) { list.appendChild(el("li", {}, c.text)); });
      details.appendChild(list);
      item.appendChild(details);
      item.appendChild(textField({
        field: "pillars." + index + ".recommend", owner: pillar.id, role: "recommend", ltr: true,
        label: fmt(gettext("Course unit recommended for “{pillar}” (link)"), { pillar: pillar.title }),
        help: gettext("Shown in learners' plans next to their priorities, e.g. /jump_to_id/border_intro. Leave empty for none."),
        value: state.links[pillar.id] || "",
        onInput: function (value) { state.links[pillar.id] = value; }
      }));
      pillarList.appendChild(item);
    });
  }

  function renderCompetency(pillar, p, competency, c) {
    var field = "pillars." + p + ".competencies." + c;
    var item = el("li", { className: "rtcm-ns-competency", "data-key": competency.key });
    var labelId = fieldId(field + ".heading");
    item.appendChild(el("h4", { className: "rtcm-ns-competency-title", id: labelId, tabindex: "-1",
      "data-owner": competency.key, "data-role": "heading" },
      fmt(gettext("Competency {pillar}.{number}"), { pillar: p + 1, number: c + 1 })));
    item.appendChild(textField({
      field: field + ".text", owner: competency.key, role: "text", multiline: true,
      label: gettext("Statement learners rate (“I can …”)"), value: competency.text,
      onInput: function (value) { competency.text = value; deriveIds(); syncIds(); }
    }));
    var row = el("div", { className: "rtcm-ns-row" });
    row.appendChild(textField({
      field: field + ".id", owner: competency.key, role: "id", ltr: true, label: gettext("Competency id"),
      value: competency.id,
      onInput: function (value) { competency.id = value; competency.idAuto = false; deriveIds(); syncIds(); }
    }));
    var tools = el("div", { className: "rtcm-ns-tools", role: "group", "aria-labelledby": labelId });
    var count = pillar.competencies.length;
    tools.appendChild(toolButton(gettext("Move up"), "up", competency.key, labelId, c === 0, function () {
      moveCompetency(pillar, p, c, -1, "up");
    }));
    tools.appendChild(toolButton(gettext("Move down"), "down", competency.key, labelId, c === count - 1, function () {
      moveCompetency(pillar, p, c, 1, "down");
    }));
    tools.appendChild(toolButton(gettext("Delete competency"), "delete", competency.key, labelId, false, function () {
      pillar.competencies.splice(c, 1);
      var next = pillar.competencies[c] || pillar.competencies[c - 1];
      redraw([p], next ? '[data-owner="' + next.key + '"][data-role="heading"]' : '[data-owner="' + pillar.key + '"][data-role="add"]');
      announce(gettext("Competency deleted."));
    }));
    row.appendChild(tools);
    item.appendChild(row);
    item.addEventListener("keydown", function (event) {
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        event.stopPropagation();
        var role = event.target.getAttribute("data-role") || "text";
        moveCompetency(pillar, p, c, event.key === "ArrowUp" ? -1 : 1, role);
      }
    });
    return item;
  }

  function moveCompetency(pillar, p, index, delta, focusRole) {
    var competency = pillar.competencies[index];
    if (!moveItem(pillar.competencies, index, delta)) { return; }
    redraw([p], focusSelector(competency.key, focusRole));
    announce(fmt(gettext("Competency moved to position {position} of {count}."),
      { position: index + delta + 1, count: pillar.competencies.length }));
  }

  function movePillar(index, delta, focusRole) {
    var pillar = state.custom[index];
    if (!moveItem(state.custom, index, delta)) { return; }
    redraw([Math.min(index, index + delta), Math.max(index, index + delta)], focusSelector(pillar.key, focusRole));
    announce(fmt(gettext("Pillar moved to position {position} of {count}."),
      { position: index + delta + 1, count: state.custom.length }));
  }

  /* The moved item's control that had focus; a move button that became inactive hands focus to its twin. */
  function focusSelector(owner, role) {
    return ['[data-owner="' + owner + '"][data-role="' + role + '"]:not([aria-disabled="true"])',
      '[data-owner="' + owner + '"][data-role="' + (role === "up" ? "down" : "up") + '"]'];
  }

  function renderCustom() {
    state.custom.forEach(function (pillar, p) { pillarList.appendChild(renderPillar(pillar, p)); });
  }

  function renderPillar(pillar, p) {
    {
      var base = "pillars." + p;
      var item = el("li", { className: "rtcm-ns-pillar", "data-key": pillar.key });
      var headingId = fieldId(base + ".heading");
      item.appendChild(el("h3", { className: "rtcm-ns-pillar-title", id: headingId, tabindex: "-1",
        "data-owner": pillar.key, "data-role": "heading" },
        fmt(gettext("Pillar {number}: {title}"), { number: p + 1, title: pillarName(pillar) })));
      var tools = el("div", { className: "rtcm-ns-tools", role: "group", "aria-labelledby": headingId });
      tools.appendChild(toolButton(gettext("Move up"), "up", pillar.key, headingId, p === 0, function () {
        movePillar(p, -1, "up");
      }));
      tools.appendChild(toolButton(gettext("Move down"), "down", pillar.key, headingId, p === state.custom.length - 1, function () {
        movePillar(p, 1, "down");
      }));
      tools.appendChild(toolButton(gettext("Delete pillar"), "delete", pillar.key, headingId, false, function () {
        state.custom.splice(p, 1);
        var next = state.custom[p] || state.custom[p - 1];
        render(next ? '[data-owner="' + next.key + '"][data-role="heading"]' : ".rtcm-ns-add-pillar");
        announce(fmt(gettext("Pillar “{title}” deleted."), { title: pillarName(pillar) }));
      }));
      item.appendChild(tools);
      item.appendChild(textField({
        field: base + ".title", owner: pillar.key, role: "title", label: gettext("Pillar title"), value: pillar.title,
        onInput: function (value) {
          pillar.title = value;
          deriveIds();
          syncIds();
          item.querySelector(".rtcm-ns-pillar-title").textContent =
            fmt(gettext("Pillar {number}: {title}"), { number: p + 1, title: pillarName(pillar) });
        }
      }));
      item.appendChild(textField({
        field: base + ".id", owner: pillar.key, role: "id", ltr: true, label: gettext("Pillar id"),
        help: gettext("Learners' results and the cohort report refer to this id: keep it once learners have answered."),
        value: pillar.id,
        onInput: function (value) { pillar.id = value; pillar.idAuto = false; deriveIds(); syncIds(); }
      }));
      item.appendChild(textField({
        field: base + ".recommend", owner: pillar.key, role: "recommend", ltr: true,
        label: gettext("Recommended course unit (link)"),
        help: gettext("Shown in learners' plans next to their priorities, e.g. /jump_to_id/border_intro. Leave empty for none."),
        value: pillar.recommend, onInput: function (value) { pillar.recommend = value; }
      }));
      var groupId = fieldId(base + ".competencies.heading");
      var group = el("div", { className: "rtcm-ns-competency-group", role: "group", "aria-labelledby": groupId });
      group.appendChild(el("p", { className: "rtcm-ns-label", id: groupId },
        fmt(gettext("Competencies of “{title}”"), { title: pillarName(pillar) })));
      group.appendChild(el("p", { className: "rtcm-ns-help" },
        gettext("Learners' ratings are stored under each competency id: keep the ids once learners have answered.")));
      var list = el("ol", { className: "rtcm-ns-competencies", "data-field": base + ".competencies", tabindex: "-1" });
      pillar.competencies.forEach(function (competency, c) {
        list.appendChild(renderCompetency(pillar, p, competency, c));
      });
      group.appendChild(list);
      group.appendChild(el("p", { className: "rtcm-ns-error", id: fieldId(base + ".competencies") + "-error", hidden: "" }));
      var addButton = el("button", { type: "button", className: "rtcm-ns-button rtcm-ns-add-competency",
        "data-owner": pillar.key, "data-role": "add", "aria-describedby": headingId }, gettext("Add a competency"));
      addButton.addEventListener("click", function () {
        var competency = { key: key(), id: "", text: "", idAuto: true };
        pillar.competencies.push(competency);
        deriveIds();
        redraw([p], '[data-owner="' + competency.key + '"][data-role="text"]');
        announce(gettext("Competency added."));
      });
      group.appendChild(addButton);
      item.appendChild(group);
      item.addEventListener("keydown", function (event) {
        if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
          event.preventDefault();
          movePillar(p, event.key === "ArrowUp" ? -1 : 1, event.target.getAttribute("data-role") || "title");
        }
      });
      return item;
    }
  }

  /* Redraw only the pillars at `indices` (a move or a competency edit), then focus and re-check. */
  function redraw(indices, focus) {
    indices.forEach(function (index) {
      var old = pillarList.children[index];
      Object.keys(shown).forEach(function (field) {
        if (field === "pillars." + index || field.indexOf("pillars." + index + ".") === 0) { delete shown[field]; }
      });
      pillarList.replaceChild(renderPillar(state.custom[index], index), old);
    });
    refresh();
    if (focus) { focusLater(focus); }
  }

  /* Auto-derived ids change as the author types a title: update their inputs without redrawing
     (only new items have them, so a large saved framework costs nothing here). */
  function syncIds() {
    function sync(item) {
      if (!item.idAuto) { return; }
      var input = root.querySelector('[data-owner="' + item.key + '"][data-role="id"]');
      if (input && input !== document.activeElement && input.value !== item.id) { input.value = item.id; }
    }
    state.custom.forEach(function (pillar) {
      sync(pillar);
      pillar.competencies.forEach(sync);
    });
  }

  var modeHelp = root.querySelector(".rtcm-ns-mode-help");
  var copyButton = root.querySelector(".rtcm-ns-copy");
  var addPillarButton = root.querySelector(".rtcm-ns-add-pillar");

  function render(focus) {
    pillarList.textContent = "";
    Object.keys(shown).forEach(function (field) { if (field.indexOf("pillars") === 0) { delete shown[field]; } });
    var custom = state.mode === "custom";
    pillarList.setAttribute("data-field", "pillars");
    pillarList.setAttribute("tabindex", "-1");
    pillarList.setAttribute("aria-label", custom ? gettext("Pillars of the custom framework") : gettext("Pillars of the default framework"));
    if (custom) { renderCustom(); } else { renderDefault(); }
    addPillarButton.hidden = !custom;
    root.querySelector(".rtcm-ns-keys").hidden = !custom;
    modeHelp.textContent = custom
      ? gettext("Write your own pillars and “I can …” statements, or start from a copy of the default framework.")
      : fmt(gettext("Learners rate the {count} pillars of the RTCM framework. You can link each pillar to the course unit that teaches it."),
        { count: state.defaultPillars.length });
    refresh();
    if (focus) { focusLater(focus); }
  }

  /* ---- settings fields ------------------------------------------------------------------ */

  /* Put the state's settings into their controls (on opening, after a save, after cancelling). */
  function fillSettings() {
    ["display_name", "pre", "min_group_size", "weight"].forEach(function (name) {
      root.querySelector('input[data-field="' + name + '"]').value = state[name];
    });
    root.querySelectorAll('input[name="' + uid + '-phase"]').forEach(function (radio) { radio.checked = radio.value === state.phase; });
    root.querySelectorAll('input[name="' + uid + '-framework"]').forEach(function (radio) { radio.checked = radio.value === state.mode; });
    root.querySelector('input[data-field="participation_credit"]').checked = state.participation_credit;
  }

  function bindSettings() {
    root.querySelectorAll("[data-for]").forEach(function (label) {
      label.setAttribute("for", fieldId(label.getAttribute("data-for")));
    });
    ["display_name", "pre", "min_group_size", "weight"].forEach(function (name) {
      var input = root.querySelector('input[data-field="' + name + '"]');
      input.id = fieldId(name);
      var help = root.querySelector('[data-help="' + name + '"]');
      if (help) {
        help.id = fieldId(name) + "-help";
        input.setAttribute("aria-describedby", help.id);
      }
      input.addEventListener("input", function () {
        state[name] = input.value;
        touched[name] = true;
        delete serverErrors[name];
        refresh();
      });
      input.addEventListener("blur", function () { touched[name] = true; showErrors(); });
    });
    root.querySelectorAll('input[name="phase"]').forEach(function (radio) {
      radio.name = uid + "-phase";
      radio.addEventListener("change", function () {
        state.phase = radio.value;
        delete serverErrors.pre;
        refresh();
      });
    });
    var credit = root.querySelector('input[data-field="participation_credit"]');
    credit.id = fieldId("participation_credit");
    credit.addEventListener("change", function () { state.participation_credit = credit.checked; refresh(); });
    root.querySelectorAll('input[name="framework"]').forEach(function (radio) {
      radio.name = uid + "-framework";
      radio.addEventListener("change", function () {
        state.mode = radio.value;
        serverErrors = {};
        render();
      });
    });
    copyButton.addEventListener("click", copyDefault);
    addPillarButton.addEventListener("click", function () {
      var pillar = { key: key(), id: "", title: "", recommend: "", idAuto: true,
        competencies: [{ key: key(), id: "", text: "", idAuto: true }] };
      state.custom.push(pillar);
      deriveIds();
      render('[data-owner="' + pillar.key + '"][data-role="title"]');
      announce(fmt(gettext("Pillar {number} added."), { number: state.custom.length }));
    });
    root.querySelector(".rtcm-ns-form").addEventListener("submit", function (event) {
      event.preventDefault();
      save();
    });
    root.querySelector(".rtcm-ns-cancel").addEventListener("click", function () {
      // Go back to what was last saved, then let Studio close its modal (runtimes without one ignore this).
      load(saved);
      fillSettings();
      touched = {};
      serverErrors = {};
      showAll = false;
      render();
      status.textContent = gettext("Changes discarded.");
      if (runtime.notify) {
        runtime.notify("cancel", {});
      }
    });
  }

  function copyDefault() {
    if (state.mode === "custom" && state.custom.length &&
        !window.confirm(gettext("Replace the pillars of your custom framework with a copy of the default framework?"))) {
      return;
    }
    var source = state.mode === "default" ? state.defaultPillars.map(function (pillar) {
      return { id: pillar.id, title: pillar.title, recommend: state.links[pillar.id] || "", competencies: pillar.competencies };
    }) : data.default_pillars;
    state.custom = customFrom(source);
    state.mode = "custom";
    root.querySelectorAll('input[name="' + uid + '-framework"]').forEach(function (radio) {
      radio.checked = radio.value === "custom";
    });
    serverErrors = {};
    render(state.custom.length ? '[data-owner="' + state.custom[0].key + '"][data-role="title"]' : null);
    announce(fmt(gettext("Copied the default framework: {count} pillars you can now edit."), { count: state.custom.length }));
  }

  /* ---- showing problems ----------------------------------------------------------------- */

  var summary = root.querySelector(".rtcm-ns-summary");
  var summaryTitle = root.querySelector(".rtcm-ns-summary-title");
  var problemList = root.querySelector(".rtcm-ns-problems");
  var status = root.querySelector(".rtcm-ns-status");
  var problems = [];

  function currentProblems() {
    var all = validate();
    var seen = {};
    all.forEach(function (problem) { seen[problem.field] = true; });
    Object.keys(serverErrors).forEach(function (field) {
      if (!seen[field]) { all.push({ field: field, message: serverErrors[field] }); }
    });
    return all;
  }

  function refresh() {
    root.querySelector(".rtcm-ns-pre").hidden = state.phase !== "post";
    problems = currentProblems();
    showErrors();
  }

  function inputFor(field) {
    return root.querySelector('[data-field="' + field + '"]');
  }

  function errorNode(field) {
    var id = fieldId(field) + "-error";
    var node = document.getElementById(id);
    if (!node) {
      var input = inputFor(field);
      if (!input) { return null; }
      node = el("p", { className: "rtcm-ns-error", id: id, hidden: "" });
      if (input.tagName === "OL") {
        input.parentNode.insertBefore(node, input.nextSibling);
      } else {
        (input.tagName === "FIELDSET" ? input : input.parentNode).appendChild(node);
      }
    }
    return node;
  }

  /* Fields whose error is on screen, and the summary last drawn: only what changed is redrawn,
     so typing stays quick in a large framework. render() clears `shown` after rebuilding. */
  var shown = {};
  var summaryDrawn = null;

  function describe(input, field, errorId) {
    if (!/^(INPUT|TEXTAREA)$/.test(input.tagName)) { return; }
    var ids = [];
    var help = document.getElementById(fieldId(field) + "-help");
    if (help) { ids.push(help.id); }
    if (errorId) { ids.push(errorId); }
    if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    if (errorId) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function showErrors() {
    var wanted = {};
    problems.forEach(function (problem) {
      var field = problem.field;
      if (!wanted[field] && (showAll || touched[field] || serverErrors[field])) { wanted[field] = problem.message; }
    });
    Object.keys(shown).forEach(function (field) {
      if (wanted[field] === shown[field]) { return; }
      var node = document.getElementById(fieldId(field) + "-error");
      if (node) { node.hidden = true; node.textContent = ""; }
      var input = inputFor(field);
      if (input) { describe(input, field, null); }
      delete shown[field];
    });
    Object.keys(wanted).forEach(function (field) {
      if (shown[field] === wanted[field]) { return; }
      var input = inputFor(field);
      var node = errorNode(field);
      if (!input || !node) { return; }
      node.textContent = wanted[field];
      node.hidden = false;
      describe(input, field, node.id);
      shown[field] = wanted[field];
    });
    drawSummary();
  }

  function drawSummary() {
    var drawn = JSON.stringify(problems);
    if (drawn === summaryDrawn) { return; }
    summaryDrawn = drawn;
    problemList.textContent = "";
    problems.forEach(function (problem) {
      var entry = el("li");
      var link = el("a", { href: "#" + fieldId(problem.field) }, fieldLabel(problem.field) + ": " + problem.message);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var target = inputFor(problem.field);
        if (target && target.tagName === "FIELDSET") { target = target.querySelector("input"); }
        if (target) { target.focus(); }
      });
      entry.appendChild(link);
      problemList.appendChild(entry);
    });
    summary.hidden = problems.length === 0;
    summaryTitle.textContent = fmt(ngettext("{count} problem to fix before saving", "{count} problems to fix before saving",
      problems.length), { count: problems.length });
  }

  /* A reader's name for a field path such as pillars.1.competencies.0.text. */
  function fieldLabel(field) {
    var names = {
      display_name: gettext("Title shown to learners"), phase: gettext("When learners take it"),
      pre: gettext("Pre-course self-assessment"), min_group_size: gettext("Smallest group"),
      weight: gettext("Weight"), participation_credit: gettext("Participation credit"),
      framework: gettext("Framework"), pillars: gettext("Pillars")
    };
    if (names[field]) { return names[field]; }
    var match = /^pillars\.(\d+)(?:\.competencies(?:\.(\d+))?)?(?:\.(\w+))?$/.exec(field);
    if (!match) { return field || gettext("Request"); }
    var p = Number(match[1]);
    var label = fmt(gettext("Pillar {number}"), { number: p + 1 });
    if (match[2] !== undefined) {
      label = fmt(gettext("Competency {pillar}.{number}"), { pillar: p + 1, number: Number(match[2]) + 1 });
    } else if (field.indexOf(".competencies") > 0) {
      label += " — " + gettext("competencies");
    }
    var part = { id: gettext("id"), title: gettext("title"), text: gettext("statement"), recommend: gettext("link") }[match[3]];
    return part ? label + " — " + part : label;
  }

  /* ---- saving --------------------------------------------------------------------------- */

  function number(value) {
    var text = value.trim();
    return text !== "" && !isNaN(Number(text)) ? Number(text) : text;
  }

  function payload() {
    var custom = state.mode === "custom";
    return {
      display_name: state.display_name,
      phase: state.phase,
      pre: state.phase === "post" ? state.pre.trim() : "",
      min_group_size: number(state.min_group_size),
      participation_credit: state.participation_credit,
      weight: number(state.weight),
      framework: custom ? "custom" : state.defaultName,
      pillars: custom ? state.custom.map(function (pillar) {
        return {
          id: pillar.id.trim(), title: pillar.title, recommend: pillar.recommend.trim(),
          competencies: pillar.competencies.map(function (c) { return { id: c.id.trim(), text: c.text }; })
        };
      }) : state.defaultPillars.map(function (pillar) {
        return { id: pillar.id, recommend: (state.links[pillar.id] || "").trim() };
      })
    };
  }

  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var saving = false;

  function notSaved() {
    return fmt(ngettext("Not saved: {count} problem to fix.", "Not saved: {count} problems to fix.", problems.length),
      { count: problems.length });
  }

  function save() {
    if (saving) { return; }
    showAll = true;
    refresh();
    if (problems.length) {
      status.textContent = notSaved();
      summary.focus();
      return;
    }
    saving = true;
    status.textContent = gettext("Saving…");
    if (runtime.notify) { runtime.notify("save", { state: "start", message: gettext("Saving") }); }
    fetch(runtime.handlerUrl(element, "studio_submit"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload())
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; },
        function () { return { ok: false, body: { message: gettext("The server sent an unexpected answer.") } }; });
    }).then(function (result) {
      saving = false;
      if (result.ok) {
        saved = result.body;
        load(saved);
        fillSettings();
        touched = {};
        serverErrors = {};
        showAll = false;
        render();
        status.textContent = gettext("Saved.");
        if (runtime.notify) { runtime.notify("save", { state: "end" }); }
        return;
      }
      serverErrors = {};
      (result.body.errors || []).forEach(function (problem) { serverErrors[problem.field] = problem.message; });
      if (!result.body.errors) { serverErrors[""] = result.body.message || gettext("The changes could not be saved."); }
      refresh();
      status.textContent = notSaved();
      summary.focus();
      if (runtime.notify) {
        runtime.notify("error", { title: gettext("The self-assessment was not saved"), message: result.body.message || "" });
      }
    }).catch(function () {
      saving = false;
      status.textContent = gettext("Not saved: the server could not be reached. Try again.");
    });
  }

  var saved = data;
  load(saved);
  bindSettings();
  fillSettings();
  render();
}
