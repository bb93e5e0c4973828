/* Form controls of the scenario editor: labelled text, number, select and check fields, buttons and
   headings. Each input carries its payload path in data-field (live validation puts the server's field
   errors there) and an id made from it. `kit` gives `el` (the editor's element builder) and `uid`. */
window.RtcmScenarioFields = function (kit) {
  "use strict";
  var el = kit.el, uid = kit.uid;

  function fieldId(path) {
    return uid + "-" + path.replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function textField(label, value, path, onInput, attrs) {
    var id = fieldId(path);
    var input = el("input", Object.assign({type: "text", id: id, "data-field": path, dir: "auto"}, attrs || {}));
    input.value = value;
    input.addEventListener("input", function () { onInput(input.value, input); });
    return el("div", {"class": "rtcm-studio__field"}, [el("label", {"for": id, text: label}), input]);
  }

  function numberField(label, value, path, onInput) {
    var id = fieldId(path);
    var input = el("input", {type: "number", step: "1", id: id, "data-field": path, inputmode: "numeric"});
    input.value = String(value);
    input.addEventListener("input", function () {
      var number = Number(input.value);
      onInput(input.value.trim() !== "" && Number.isInteger(number) ? number : input.value);
    });
    return el("div", {"class": "rtcm-studio__field rtcm-studio__field--short"},
      [el("label", {"for": id, text: label}), input]);
  }

  function selectField(label, pairs, value, path, onChange) {
    var id = fieldId(path);
    var select = el("select", {id: id, "data-field": path});
    pairs.forEach(function (pair) { select.appendChild(el("option", {value: pair[0], text: pair[1]})); });
    select.value = value;
    select.addEventListener("change", function () { onChange(select.value, select); });
    return el("div", {"class": "rtcm-studio__field"}, [el("label", {"for": id, text: label}), select]);
  }

  function checkField(label, checked, path, onChange) {
    var id = fieldId(path);
    var input = el("input", {type: "checkbox", id: id, "data-field": path});
    input.checked = Boolean(checked);
    input.addEventListener("change", function () { onChange(input.checked); });
    return el("div", {"class": "rtcm-studio__field rtcm-studio__field--check"},
      [input, el("label", {"for": id, text: label})]);
  }

  function button(text, onClick, attrs) {
    var node = el("button", Object.assign({type: "button", "class": "rtcm-studio__button", text: text}, attrs || {}));
    node.addEventListener("click", onClick);
    return node;
  }

  function heading(text) {
    return el("h3", {tabindex: "-1", "class": "rtcm-studio__heading", text: text});
  }

  return {fieldId: fieldId, textField: textField, numberField: numberField, selectField: selectField,
    checkField: checkField, button: button, heading: heading};
};
