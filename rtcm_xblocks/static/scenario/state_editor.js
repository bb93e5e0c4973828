/* The scenario editor's "Case state and characters" panel: the variables a simulation keeps (numbers
   and flags) and the characters who speak its dialogue lines. Renaming a variable rewrites the
   conditions and effects that name it (whole words only, once the new name is complete); removing
   one that is still named asks first, and the server then lists what refers to it. `kit` gives the
   editor's helpers and state. */
window.RtcmScenarioState = function (kit) {
  "use strict";
  var el = kit.el, format = kit.format, gettext = kit.gettext, state = kit.state;
  var textField = kit.textField, numberField = kit.numberField, selectField = kit.selectField;
  var checkField = kit.checkField, button = kit.button, heading = kit.heading, fieldId = kit.fieldId;
  var KEY = "\u0000state";

  function variables() { return state.scenario.variables || (state.scenario.variables = []); }
  function characters() { return state.scenario.characters || (state.scenario.characters = []); }

  function freeId(list, base) {
    var taken = {};
    list.forEach(function (item) { taken[item.id] = true; });
    var number = list.length + 1;
    while (taken[base + number]) { number += 1; }
    return base + number;
  }

  function wordPattern(name) {
    return new RegExp("(^|[^A-Za-z0-9_])" + name.replace(/[^A-Za-z0-9_]/g, "") + "(?![A-Za-z0-9_])", "g");
  }

  /* Every condition and effect of the draft, as {holder, key} pairs (conditions) and effects. */
  function eachReference(onCondition, onEffect) {
    state.scenario.steps.forEach(function (step) {
      (step.variants || []).forEach(function (variant) { onCondition(variant); });
      (step.lines || []).forEach(function (line) { onCondition(line); });
      step.choices.forEach(function (choice) {
        onCondition(choice);
        (choice.effects || []).forEach(onEffect);
      });
    });
  }

  /* References follow a renamed id once the new one is complete (the field left), not letter by letter: an id
   * emptied or half-typed on the way would otherwise take every reference with it. */
  function renameOnChange(input, onRename) {
    var before = input.value;
    input.addEventListener("focus", function () { before = input.value; });
    input.addEventListener("change", function () {
      if (input.value !== before) { onRename(before, input.value); }
      before = input.value;
    });
  }

  function rename(old, next) {
    if (!old || old === next || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(old)) { return; }
    var pattern = wordPattern(old);
    eachReference(function (holder) {
      if (holder.when) { holder.when = holder.when.replace(pattern, function (whole, before) { return before + next; }); }
    }, function (effect) { if (effect.var === old) { effect["var"] = next; } });
  }

  function uses(name) {
    var count = 0;
    var pattern = wordPattern(name);
    eachReference(function (holder) { if (holder.when && holder.when.search(pattern) >= 0) { count += 1; } },
      function (effect) { if (effect["var"] === name) { count += 1; } });
    return count;
  }

  function draw(editor) {
    editor.appendChild(heading(gettext("Case state and characters")));
    editor.appendChild(el("p", {"class": "rtcm-studio__help", text: gettext(
      "Variables remember what the learner did: choices change them (effects) and conditions read them. " +
      "Characters speak the dialogue lines of steps.")}));
    editor.appendChild(el("h4", {text: gettext("Variables")}));
    var list = el("ol", {"class": "rtcm-studio__choices"});
    variables().forEach(function (variable, index) { list.appendChild(variableFields(variable, index)); });
    editor.appendChild(list);
    editor.appendChild(button(gettext("Add variable"), function () {
      variables().push({id: freeId(variables(), "var"), type: "number", initial: 0, min: 0, max: 10, label: "",
        shown: false});
      kit.changed(true);
      kit.drawEditor();
      focus("scenario.variables." + (variables().length - 1) + ".id");
    }, {"data-action": "add-variable"}));
    editor.appendChild(el("h4", {text: gettext("Characters")}));
    var people = el("ol", {"class": "rtcm-studio__choices"});
    characters().forEach(function (character, index) { people.appendChild(characterFields(character, index)); });
    editor.appendChild(people);
    editor.appendChild(button(gettext("Add character"), function () {
      characters().push({id: freeId(characters(), "character-"), name: "", portrait: ""});
      kit.changed(true);
      kit.drawEditor();
      focus("scenario.characters." + (characters().length - 1) + ".name");
    }, {"data-action": "add-character"}));
  }

  function focus(path) {
    var input = document.getElementById(fieldId(path));
    if (input) { input.focus(); }
  }

  function variableFields(variable, index) {
    var path = "scenario.variables." + index;
    var legend = format(gettext("Variable {number}"), {number: index + 1});
    var group = el("fieldset", {"class": "rtcm-studio__group"}, [el("legend", {text: legend})]);
    var name = textField(gettext("Name (used in conditions)"), variable.id, path + ".id", function (value) {
      variable.id = value;
      kit.changed(false);
    }, {dir: "ltr", spellcheck: "false", autocomplete: "off"});
    renameOnChange(name.querySelector("input"), function (old, next) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(next)) {
        rename(old, next);
        kit.changed(false);
      }
    });
    group.appendChild(name);
    group.appendChild(selectField(gettext("Type"), [["number", gettext("Number")], ["flag", gettext("Flag (yes/no)")]],
      variable.type, path + ".type", function (value) {
        variable.type = value;
        if (value === "flag") {
          variable.initial = false;
          delete variable.min;
          delete variable.max;
        } else {
          variable.initial = 0;
          variable.min = 0;
          variable.max = 10;
        }
        kit.changed(true);
        kit.drawEditor();
        focus(path + ".type");
      }));
    if (variable.type === "flag") {
      group.appendChild(checkField(gettext("True at the start"), variable.initial, path + ".initial",
        function (checked) { variable.initial = checked; kit.changed(false); }));
    } else {
      var row = el("div", {"class": "rtcm-studio__row"});
      [["initial", gettext("Value at the start")], ["min", gettext("Lowest value")], ["max", gettext("Highest value")]]
        .forEach(function (pair) {
          row.appendChild(numberField(pair[1], variable[pair[0]], path + "." + pair[0], function (value) {
            variable[pair[0]] = value;
            kit.changed(false);
          }));
        });
      group.appendChild(row);
    }
    group.appendChild(textField(gettext("Label shown to learners"), variable.label || "", path + ".label",
      function (value) { variable.label = value; kit.changed(false); }));
    group.appendChild(checkField(gettext("Show learners this variable as they play"), variable.shown,
      path + ".shown", function (checked) { variable.shown = checked; kit.changed(false); }));
    group.appendChild(button(gettext("Remove variable"), function () {
      var count = uses(variable.id);
      var question = count ? format(gettext('"{name}" is used {count} times. Remove it anyway?'),
        {name: variable.id, count: count}) : format(gettext('Remove "{name}"?'), {name: variable.id});
      if (!window.confirm(question)) { return; }
      variables().splice(index, 1);
      kit.changed(true);
      kit.drawEditor();
    }, {"class": "rtcm-studio__button rtcm-studio__button--danger",
      "aria-label": format(gettext("Remove variable {number}"), {number: index + 1})}));
    return el("li", {"class": "rtcm-studio__variable"}, [group]);
  }

  function characterFields(character, index) {
    var path = "scenario.characters." + index;
    var legend = format(gettext("Character {number}"), {number: index + 1});
    var group = el("fieldset", {"class": "rtcm-studio__group"}, [el("legend", {text: legend})]);
    group.appendChild(textField(gettext("Name"), character.name, path + ".name", function (value) {
      character.name = value;
      kit.changed(false);
    }));
    var id = textField(gettext("Id"), character.id, path + ".id", function (value) {
      character.id = value;
      kit.changed(false);
    }, {dir: "ltr", spellcheck: "false", autocomplete: "off"});
    renameOnChange(id.querySelector("input"), function (old, next) {
      if (!next || characters().some(function (other) { return other !== character && other.id === old; })) { return; }
      state.scenario.steps.forEach(function (step) {
        (step.lines || []).forEach(function (line) { if (line.by === old) { line.by = next; } });
      });
      kit.changed(false);
    });
    group.appendChild(id);
    group.appendChild(textField(gettext("Portrait address (optional)"), character.portrait || "", path + ".portrait",
      function (value) { character.portrait = value.trim(); kit.changed(false); },
      {dir: "ltr", placeholder: "/static/\u2026"}));
    group.appendChild(button(gettext("Remove character"), function () {
      if (!window.confirm(format(gettext('Remove "{name}"?'), {name: character.name || character.id}))) { return; }
      characters().splice(index, 1);
      kit.changed(true);
      kit.drawEditor();
    }, {"class": "rtcm-studio__button rtcm-studio__button--danger",
      "aria-label": format(gettext("Remove character {number}"), {number: index + 1})}));
    return el("li", {"class": "rtcm-studio__character"}, [group]);
  }

  return {key: KEY, draw: draw};
};
