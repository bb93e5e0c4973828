/* The scenario's shown variables as labelled meters (numbers) and yes/no texts (flags), and what changed. */
window.RtcmScenarioMeters = function (kit) {
  "use strict";
  var gettext = kit.gettext, format = kit.format, node = kit.node, uid = kit.uid;

  function valueText(variable) {
    if (variable.type === "flag") { return variable.value ? gettext("yes") : gettext("no"); }
    if (variable.min === 0) { return format(gettext("{value} of {max}"), {value: variable.value, max: variable.max}); }
    return format(gettext("{value} (from {min} to {max})"), variable);
  }

  function item(variable) {
    var id = uid + "-var-" + variable.id;
    var text = valueText(variable);
    if (variable.type === "flag") {
      return node("li", {"class": "rtcm-scenario__meter rtcm-scenario__meter--flag", "data-variable": variable.id},
        [format(gettext("{label}: {value}"), {label: variable.label, value: text})]);
    }
    return node("li", {"class": "rtcm-scenario__meter", "data-variable": variable.id}, [
      node("label", {"class": "rtcm-scenario__meter-label", "for": id}, [variable.label]), " ",
      node("meter", {id: id, min: String(variable.min), max: String(variable.max), value: String(variable.value),
        "aria-valuetext": text}, [text]),
      " ", node("span", {"class": "rtcm-scenario__meter-value", "aria-hidden": "true"}, [text])]);
  }

  /* Fill `box` (the page's meters) with `variables`; hidden when none is shown. */
  function draw(box, variables) {
    box.textContent = "";
    box.hidden = !variables || !variables.length;
    if (box.hidden) { return; }
    box.appendChild(node("ul", {"aria-label": gettext("Where things stand")}, variables.map(item)));
  }

  /* "Trust: 3 of 5" for every shown variable whose value differs between `before` and `after`. */
  function changes(before, after) {
    var old = {};
    (before || []).forEach(function (variable) { old[variable.id] = variable.value; });
    return (after || []).filter(function (variable) {
      return variable.id in old && old[variable.id] !== variable.value;
    }).map(function (variable) {
      return format(gettext("{label}: {value}"), {label: variable.label, value: valueText(variable)});
    });
  }

  return {draw: draw, changes: changes};
};
