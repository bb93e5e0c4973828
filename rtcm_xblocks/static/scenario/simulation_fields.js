/* The scenario editor's simulation fields of a step (body variants, video or audio, dialogue lines,
   hint, time limit, pinned order) and of a choice (condition, timeout, effects, competency points).
   Conditions are typed as text and checked by the server on every edit (live validation puts its
   message at the field). `kit` gives the editor's helpers and state. */
window.RtcmScenarioSimulationFields = function (kit) {
  "use strict";
  var el = kit.el, format = kit.format, gettext = kit.gettext, state = kit.state, uid = kit.uid;
  var textField = kit.textField, numberField = kit.numberField, selectField = kit.selectField;
  var checkField = kit.checkField, button = kit.button, richText = kit.richText, fieldId = kit.fieldId;

  function redraw(focusPath) {
    kit.changed(true);
    kit.drawEditor();
    var input = focusPath && document.getElementById(fieldId(focusPath));
    if (input) { input.focus(); }
  }

  function group(legend, children) {
    return el("fieldset", {"class": "rtcm-studio__group"}, [el("legend", {text: legend})].concat(children));
  }

  function conditionField(label, holder, path) {
    return textField(label, holder.when || "", path + ".when", function (value) {
      holder.when = value;
      kit.changed(false);
    }, {dir: "ltr", spellcheck: "false", autocomplete: "off", placeholder: "trust >= 2 and not asked_papers",
      "class": "rtcm-studio__condition"});
  }

  function removeButton(text, label, onClick) {
    return button(text, onClick, {"class": "rtcm-studio__button rtcm-studio__button--danger", "aria-label": label});
  }

  /* A list of items with fields, a remove button each, and an add button. */
  function listGroup(legend, items, fields, add, addText, addAction) {
    var list = el("ol", {"class": "rtcm-studio__choices"});
    items.forEach(function (item, index) { list.appendChild(el("li", {}, fields(item, index))); });
    return group(legend, [list, button(addText, add, {"data-action": addAction})]);
  }

  /* ---- step ------------------------------------------------------------------------------------- */

  function stepFields(step, path) {
    var box = el("div", {"class": "rtcm-studio__simulation"});
    box.appendChild(variantsGroup(step, path));
    box.appendChild(mediaGroup(step, path));
    box.appendChild(linesGroup(step, path));
    box.appendChild(hintGroup(step, path));
    box.appendChild(group(gettext("Time and order"), [
      numberField(gettext("Time limit in seconds (0: none; 5 to 3600)"), step.time_limit || 0, path + ".time_limit",
        function (value) { step.time_limit = value; kit.changed(false); }),
      el("p", {"class": "rtcm-studio__help", text: gettext(
        "A timed step needs one choice marked \u201ctaken when time runs out\u201d.")}),
      checkField(gettext("Keep these choices in this order (never shuffled)"), step.fixed_order,
        path + ".fixed_order", function (checked) { step.fixed_order = checked; kit.changed(false); })
    ]));
    return box;
  }

  function variantsGroup(step, path) {
    var variants = step.variants || (step.variants = []);
    return listGroup(gettext("Situation variants"), variants, function (variant, index) {
      var itemPath = path + ".variants." + index;
      return [conditionField(format(gettext("Variant {number}: shown instead of the situation when"),
        {number: index + 1}), variant, itemPath),
        richText(format(gettext("Variant {number}: text"), {number: index + 1}), variant.body, itemPath + ".body",
          function (html) { variant.body = html; kit.changed(false); }),
        removeButton(gettext("Remove variant"), format(gettext("Remove variant {number}"), {number: index + 1}),
          function () { variants.splice(index, 1); redraw(); })];
    }, function () {
      variants.push({when: "", body: ""});
      redraw(path + ".variants." + (variants.length - 1) + ".when");
    }, gettext("Add variant"), "add-variant");
  }

  function mediaGroup(step, path) {
    var media = step.media;
    if (!media) {
      return group(gettext("Video or audio"), [button(gettext("Add video or audio"), function () {
        step.media = {type: "video", src: "", captions: "", captions_lang: "", transcript: ""};
        redraw(path + ".media.src");
      }, {"data-action": "add-media"})]);
    }
    return group(gettext("Video or audio"), [
      selectField(gettext("Type"), [["video", gettext("Video")], ["audio", gettext("Audio")]], media.type,
        path + ".media.type", function (value) { media.type = value; kit.changed(false); }),
      textField(gettext("Address of the clip"), media.src, path + ".media.src",
        function (value) { media.src = value.trim(); kit.changed(false); }, {dir: "ltr", placeholder: "/static/\u2026"}),
      textField(gettext("Captions address (WebVTT file)"), media.captions || "", path + ".media.captions",
        function (value) { media.captions = value.trim(); kit.changed(false); }, {dir: "ltr"}),
      textField(gettext("Language of the captions (such as en, fr, ar)"), media.captions_lang || "",
        path + ".media.captions_lang", function (value) { media.captions_lang = value.trim(); kit.changed(false); },
        {dir: "ltr", autocomplete: "off"}),
      richText(gettext("Transcript"), media.transcript, path + ".media.transcript",
        function (html) { media.transcript = html; kit.changed(false); }),
      el("p", {"class": "rtcm-studio__help", text: gettext(
        "A video needs captions or a transcript; an audio clip needs a transcript.")}),
      removeButton(gettext("Remove the clip"), gettext("Remove the video or audio"),
        function () { step.media = null; redraw(); })
    ]);
  }

  function characterPairs(current) {
    var pairs = [["", gettext("\u2014 choose who speaks \u2014")]];
    var known = !current;
    (state.scenario.characters || []).forEach(function (character) {
      known = known || character.id === current;
      pairs.push([character.id, character.name || character.id]);
    });
    if (!known) { pairs.push([current, format(gettext("Missing: {id}"), {id: current})]); }
    return pairs;
  }

  function linesGroup(step, path) {
    var lines = step.lines || (step.lines = []);
    var box = listGroup(gettext("Dialogue"), lines, function (line, index) {
      var itemPath = path + ".lines." + index;
      return [selectField(format(gettext("Line {number}: who speaks"), {number: index + 1}), characterPairs(line.by),
        line.by, itemPath + ".by", function (value) { line.by = value; kit.changed(false); }),
        conditionField(format(gettext("Line {number}: only when (optional)"), {number: index + 1}), line, itemPath),
        richText(format(gettext("Line {number}: what they say"), {number: index + 1}), line.body, itemPath + ".body",
          function (html) { line.body = html; kit.changed(false); }),
        removeButton(gettext("Remove line"), format(gettext("Remove line {number}"), {number: index + 1}),
          function () { lines.splice(index, 1); redraw(); })];
    }, function () {
      var first = (state.scenario.characters || [])[0];
      lines.push({by: first ? first.id : "", when: "", body: ""});
      redraw(path + ".lines." + (lines.length - 1) + ".by");
    }, gettext("Add line"), "add-line");
    if (!(state.scenario.characters || []).length) {
      box.appendChild(el("p", {"class": "rtcm-studio__help", text: gettext(
        "Add characters under \u201cCase state and characters\u201d to give them lines.")}));
    }
    return box;
  }

  function hintGroup(step, path) {
    var hint = step.hint;
    if (!hint) {
      return group(gettext("Hint"), [button(gettext("Add hint"), function () {
        step.hint = {body: "", cost: 0};
        redraw();
        var area = document.getElementById(fieldId(path + ".hint.body"));
        if (area) { area.focus(); }
      }, {"data-action": "add-hint"})]);
    }
    return group(gettext("Hint"), [
      richText(gettext("Hint shown when a learner asks for it"), hint.body, path + ".hint.body",
        function (html) { hint.body = html; kit.changed(false); }),
      numberField(gettext("Points it costs (0 to 1000)"), hint.cost || 0, path + ".hint.cost",
        function (value) { hint.cost = value; kit.changed(false); }),
      removeButton(gettext("Remove hint"), gettext("Remove the hint"), function () { step.hint = null; redraw(); })
    ]);
  }

  /* ---- choice ----------------------------------------------------------------------------------- */

  function variablePairs(current) {
    var pairs = [["", gettext("\u2014 choose a variable \u2014")]];
    var known = !current;
    (state.scenario.variables || []).forEach(function (variable) {
      known = known || variable.id === current;
      pairs.push([variable.id, variable.label ? variable.id + " (" + variable.label + ")" : variable.id]);
    });
    if (!known) { pairs.push([current, format(gettext("Missing: {id}"), {id: current})]); }
    return pairs;
  }

  function variableOf(name) {
    return (state.scenario.variables || []).filter(function (variable) { return variable.id === name; })[0];
  }

  function choiceFields(step, choice, path) {
    var box = el("div", {"class": "rtcm-studio__simulation"});
    box.appendChild(conditionField(gettext("Offered only when (optional condition)"), choice, path));
    box.appendChild(checkField(gettext("Taken when time runs out (never offered to learners)"), choice.timeout,
      path + ".timeout", function (checked) { choice.timeout = checked; kit.changed(true); }));
    box.appendChild(effectsGroup(choice, path));
    box.appendChild(competenciesGroup(choice, path));
    return box;
  }

  function effectsGroup(choice, path) {
    var effects = choice.effects || (choice.effects = []);
    var box = listGroup(gettext("Effects on variables"), effects, function (effect, index) {
      var itemPath = path + ".effects." + index;
      var variable = variableOf(effect["var"]);
      var number = index + 1;
      var value;
      if (variable && variable.type === "flag") {
        value = selectField(format(gettext("Effect {number}: value"), {number: number}),
          [["true", gettext("true")], ["false", gettext("false")]], String(Boolean(effect.value)),
          itemPath + ".value", function (picked) { effect.value = picked === "true"; kit.changed(false); });
      } else {
        value = numberField(format(gettext("Effect {number}: value"), {number: number}),
          typeof effect.value === "boolean" ? 0 : effect.value, itemPath + ".value",
          function (typed) { effect.value = typed; kit.changed(false); });
      }
      return [el("div", {"class": "rtcm-studio__row"}, [
        selectField(format(gettext("Effect {number}: operation"), {number: number}),
          [["set", gettext("set to")], ["add", gettext("add")]], effect.op, itemPath + ".op",
          function (picked) { effect.op = picked; kit.changed(false); }),
        selectField(format(gettext("Effect {number}: variable"), {number: number}), variablePairs(effect["var"]),
          effect["var"], itemPath + ".var", function (picked) {
            effect["var"] = picked;
            var chosen = variableOf(picked);
            if (chosen && chosen.type === "flag") {
              effect.op = "set";
              effect.value = typeof effect.value === "boolean" ? effect.value : true;
            } else if (typeof effect.value === "boolean") {
              effect.value = 1;
            }
            redraw(itemPath + ".var");
          }),
        value,
        removeButton(gettext("Remove effect"), format(gettext("Remove effect {number}"), {number: number}),
          function () { effects.splice(index, 1); redraw(); })])];
    }, function () {
      var first = (state.scenario.variables || [])[0];
      effects.push({op: first && first.type === "flag" ? "set" : "add", "var": first ? first.id : "",
        value: first && first.type === "flag" ? true : 1});
      redraw(path + ".effects." + (effects.length - 1) + ".op");
    }, gettext("Add effect"), "add-effect");
    if (!(state.scenario.variables || []).length) {
      box.appendChild(el("p", {"class": "rtcm-studio__help", text: gettext(
        "Add variables under \u201cCase state and characters\u201d to change them here.")}));
    }
    return box;
  }

  function competenciesGroup(choice, path) {
    var items = choice.competencies || (choice.competencies = []);
    var listId = uid + "-competency-ids";
    if (!document.getElementById(listId)) {
      var datalist = el("datalist", {id: listId});
      (kit.competencies || []).forEach(function (pair) {
        datalist.appendChild(el("option", {value: pair[0], label: pair[1]}));
      });
      kit.root.appendChild(datalist);
    }
    return listGroup(gettext("Competency points"), items, function (item, index) {
      var itemPath = path + ".competencies." + index;
      var number = index + 1;
      return [el("div", {"class": "rtcm-studio__row"}, [
        textField(format(gettext("Competency {number}: id"), {number: number}), item.id, itemPath + ".id",
          function (value) { item.id = value.trim(); kit.changed(false); },
          {dir: "ltr", list: listId, autocomplete: "off", spellcheck: "false"}),
        numberField(format(gettext("Competency {number}: points"), {number: number}), item.points, itemPath + ".points",
          function (value) { item.points = value; kit.changed(false); }),
        removeButton(gettext("Remove"), format(gettext("Remove competency {number}"), {number: number}),
          function () { items.splice(index, 1); redraw(); })])];
    }, function () {
      items.push({id: "", points: 1});
      redraw(path + ".competencies." + (items.length - 1) + ".id");
    }, gettext("Add competency points"), "add-competency");
  }

  return {step: stepFields, choice: choiceFields};
};
