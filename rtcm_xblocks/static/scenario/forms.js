/* The scenario editor's forms of the introduction, a step (title, situation, image, the simulation
   fields of static/scenario/simulation_fields.js, its choices) and an ending, drawn into the editor
   panel. Every edit changes the draft in `kit.state` and calls `kit.changed` (live validation);
   structural edits redraw the panel. `kit` gives the editor's helpers, controls and draft operations. */
window.RtcmScenarioForms = function (kit) {
  "use strict";
  var el = kit.el, format = kit.format, gettext = kit.gettext, state = kit.state, ui = kit.ui;
  var fieldId = kit.fieldId, textField = kit.textField, numberField = kit.numberField;
  var selectField = kit.selectField, checkField = kit.checkField, button = kit.button, heading = kit.heading;
  var richText = kit.richText, changed = kit.changed, drawEditor = kit.drawEditor, startId = kit.startId;
  var retitleNode = kit.retitleNode, relabelChoice = kit.relabelChoice, newStep = kit.newStep;
  var newEnding = kit.newEnding, newChoice = kit.newChoice, move = kit.move;
  var NEW_STEP = "\u0000new-step";
  var NEW_ENDING = "\u0000new-ending";

  function idNote(id, fixed) {
    return el("p", {"class": "rtcm-studio__help"}, [
      gettext("Id:") + " ", el("code", {dir: "ltr", text: id}), " \u2013 ",
      fixed ? gettext("fixed: learners' progress and analytics refer to it.") :
        gettext("made from the title; fixed once saved.")
    ]);
  }

  /* The heading, title field and id note of a step or an ending: the heading and the note follow the title. */
  function titleFields(node, path, headingText) {
    var title = heading(format(headingText, {title: node.title || node.id}));
    var note = idNote(node.id, state.fixed[node.id]);
    var field = textField(gettext("Title"), node.title, path + ".title", function (value) {
      node.title = value;
      retitleNode(node);
      title.textContent = format(headingText, {title: node.title || node.id});
      var again = idNote(node.id, state.fixed[node.id]);
      note.replaceWith(again);
      note = again;
      changed(false);
    });
    return [title, field, note];
  }

  function drawIntro() {
    ui.editor.appendChild(heading(gettext("Introduction")));
    ui.editor.appendChild(richText(gettext("Shown to learners before the first step"), state.scenario.intro,
      "scenario.intro", function (html) { state.scenario.intro = html; changed(false); }));
  }

  function drawStep(step, index) {
    var path = "scenario.steps." + index;
    titleFields(step, path, gettext("Step: {title}")).forEach(function (node) { ui.editor.appendChild(node); });
    if (startId() === step.id) {
      ui.editor.appendChild(el("p", {"class": "rtcm-studio__help", text: gettext("Learners start here.")}));
    } else {
      ui.editor.appendChild(button(gettext("Make this the start step"), function () {
        state.scenario.start = step.id;
        changed(true);
        drawEditor();
      }));
    }
    ui.editor.appendChild(richText(gettext("Situation"), step.body, path + ".body", function (html) {
      step.body = html;
      changed(false);
    }));
    ui.editor.appendChild(imageFields(step, path));
    ui.editor.appendChild(kit.simulationFields().step(step, path));
    ui.editor.appendChild(el("h4", {text: gettext("Choices")}));
    var list = el("ol", {"class": "rtcm-studio__choices"});
    step.choices.forEach(function (choice, position) { list.appendChild(choiceFields(step, choice, position, path)); });
    ui.editor.appendChild(list);
    ui.editor.appendChild(button(gettext("Add choice"), function () {
      newChoice(step);
      changed(true);
      drawEditor();
      focusLastChoice();
    }, {"data-action": "add-choice"}));
    ui.editor.appendChild(nodeActions(state.scenario.steps, index, step, gettext("Delete step")));
  }

  function focusLastChoice() {
    var choices = ui.editor.querySelectorAll(".rtcm-studio__choice");
    if (choices.length) { choices[choices.length - 1].querySelector("input").focus(); }
  }

  function imageFields(step, path) {
    var image = step.image || {src: "", alt: ""};
    function update(src, alt) {
      step.image = src || alt ? {src: src, alt: alt} : null;
      changed(false);
    }
    var src = textField(gettext("Image address (optional)"), image.src, path + ".image.src", function (value) {
      update(value.trim(), altInput.value);
    }, {dir: "ltr", placeholder: "/static/…"});
    var alt = textField(gettext("Image description for screen readers (alt text)"), image.alt, path + ".image.alt",
      function (value) { update(src.querySelector("input").value.trim(), value); });
    var altInput = alt.querySelector("input");
    return el("fieldset", {"class": "rtcm-studio__group"}, [el("legend", {text: gettext("Image")}), src, alt]);
  }

  function targetPairs(current) {
    var pairs = [["", gettext("\u2014 choose where this leads \u2014")]];
    var known = false;
    state.scenario.steps.forEach(function (step) {
      known = known || step.id === current;
      pairs.push([step.id, format(gettext("Step: {title}"), {title: step.title || step.id})]);
    });
    state.scenario.endings.forEach(function (ending) {
      known = known || ending.id === current;
      pairs.push([ending.id, format(gettext("Ending: {title}"), {title: ending.title || ending.id})]);
    });
    if (current && !known) { pairs.push([current, format(gettext("Missing: {id}"), {id: current})]); }
    pairs.push([NEW_STEP, gettext("+ A new step\u2026")]);
    pairs.push([NEW_ENDING, gettext("+ A new ending\u2026")]);
    return pairs;
  }

  function choiceFields(step, choice, position, stepPath) {
    var path = stepPath + ".choices." + position;
    var legend = format(gettext("Choice {number}"), {number: position + 1});
    var item = el("li", {"class": "rtcm-studio__choice"});
    var group = el("fieldset", {"class": "rtcm-studio__group"}, [el("legend", {text: legend})]);
    group.appendChild(textField(gettext("What the learner does"), choice.label, path + ".label", function (value) {
      choice.label = value;
      relabelChoice(step, choice);
      changed(false);
    }));
    group.appendChild(selectField(gettext("Leads to"), targetPairs(choice.to), choice.to, path + ".to",
      function (value, select) {
        if (value === NEW_STEP || value === NEW_ENDING) {
          var isStep = value === NEW_STEP;
          var name = window.prompt(isStep ? gettext("Title of the new step") : gettext("Title of the new ending"),
            isStep ? gettext("New step") : gettext("New ending"));
          if (!name || !name.trim()) {
            select.value = choice.to;
            return;
          }
          choice.to = (isStep ? newStep(name.trim()) : newEnding(name.trim())).id;
          changed(true);
          drawEditor();
          var again = document.getElementById(select.id);
          if (again) { again.focus(); }
          return;
        }
        choice.to = value;
        changed(true);
      }));
    group.appendChild(numberField(gettext("Points"), choice.points, path + ".points", function (value) {
      choice.points = value;
      changed(false);
    }));
    group.appendChild(checkField(gettext("An expert would choose this"), choice.expert, path + ".expert",
      function (checked) { choice.expert = checked; changed(false); }));
    group.appendChild(richText(gettext("Feedback: what happens as a result"), choice.feedback, path + ".feedback",
      function (html) { choice.feedback = html; changed(false); }));
    group.appendChild(kit.simulationFields().choice(step, choice, path));
    group.appendChild(el("div", {"class": "rtcm-studio__row"}, [
      button(gettext("Move up"), function () { reorder(step.choices, position, -1); },
        {disabled: position === 0, "aria-label": format(gettext("Move choice {number} up"), {number: position + 1})}),
      button(gettext("Move down"), function () { reorder(step.choices, position, 1); },
        {disabled: position === step.choices.length - 1,
          "aria-label": format(gettext("Move choice {number} down"), {number: position + 1})}),
      button(gettext("Delete choice"), function () {
        if (!window.confirm(format(gettext("Delete choice {number}?"), {number: position + 1}))) { return; }
        step.choices.splice(position, 1);
        changed(true);
        drawEditor();
      }, {"class": "rtcm-studio__button rtcm-studio__button--danger",
        "aria-label": format(gettext("Delete choice {number}"), {number: position + 1})})
    ]));
    item.appendChild(group);
    return item;
  }

  function reorder(list, index, delta) {
    if (move(list, index, delta)) {
      changed(true);
      drawEditor();
    }
  }

  function drawEnding(ending, index) {
    var path = "scenario.endings." + index;
    titleFields(ending, path, gettext("Ending: {title}")).forEach(function (node) { ui.editor.appendChild(node); });
    ui.editor.appendChild(selectField(gettext("Outcome"), state.options.outcomes, ending.outcome, path + ".outcome",
      function (value) { ending.outcome = value; changed(true); }));
    ui.editor.appendChild(numberField(gettext("Points (for scoring by ending)"), ending.points, path + ".points",
      function (value) { ending.points = value; changed(false); }));
    ui.editor.appendChild(richText(gettext("Debrief"), ending.body, path + ".body", function (html) {
      ending.body = html;
      changed(false);
    }));
    ui.editor.appendChild(nodeActions(state.scenario.endings, index, ending, gettext("Delete ending")));
  }

  function nodeActions(list, index, node, deleteText) {
    return el("div", {"class": "rtcm-studio__row rtcm-studio__row--end"}, [
      button(gettext("Move up in the list"), function () { reorder(list, index, -1); }, {disabled: index === 0}),
      button(gettext("Move down in the list"), function () { reorder(list, index, 1); },
        {disabled: index === list.length - 1}),
      button(deleteText, function () {
        var question = format(gettext('Delete "{title}"? Choices that lead to it will need a new target.'),
          {title: node.title || node.id});
        if (state.fixed[node.id]) {
          question += " " + gettext("Learners who are on it will start their attempt again.");
        }
        if (!window.confirm(question)) { return; }
        list.splice(index, 1);
        if (state.scenario.start === node.id) { state.scenario.start = null; }
        state.selected = null;
        changed(true);
        drawEditor();
        ui.outline.querySelector("button").focus();
      }, {"class": "rtcm-studio__button rtcm-studio__button--danger", "data-action": "delete-node"})
    ]);
  }

  return {intro: drawIntro, step: drawStep, ending: drawEnding};
};
