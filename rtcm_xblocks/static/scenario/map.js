/* The scenario editor's map: steps and endings as boxes in layered columns, choices as arrows (back
   arrows for loops, faint straight ones beyond the layout's slot budget), drawn as SVG from the
   server's layout; one tab stop, arrow keys move between boxes, Enter opens one. `kit` gives the
   editor's state, elements and helpers (see studio.js). */
window.RtcmScenarioMap = function (kit) {
  "use strict";
  var root = kit.root, uid = kit.uid, state = kit.state, ui = kit.ui, el = kit.el, svg = kit.svg;
  var format = kit.format, gettext = kit.gettext, ngettext = kit.ngettext, findNode = kit.findNode;
  var startId = kit.startId, openNode = kit.openNode, problemsByNode = kit.problemsByNode;
  var shorten = kit.shorten, keepFocus = kit.keepFocus;

  function drawMap() {
    keepFocus(ui.map, drawMapNow);
  }

  function drawMapNow() {
    var layout = state.report.layout;
    ui.map.textContent = "";
    if (!state.scenario.steps.length && !state.scenario.endings.length) {
      ui.map.appendChild(el("p", {"class": "rtcm-studio__empty",
        text: gettext("No steps yet. Add the first step, then its choices and the endings they lead to.")}));
      return;
    }
    if (layout.omitted) {
      /* Beyond the size a map can show (rtcm_xblocks/scenario/layout.py), the server lays nothing out. */
      ui.map.appendChild(el("p", {"class": "rtcm-studio__empty", role: "note",
        text: format(gettext("This scenario is too large to draw as a map ({count} steps and endings). " +
          "Find and open its steps in the outline."),
          {count: state.scenario.steps.length + state.scenario.endings.length})}));
      return;
    }
    var width = layout.box.width;
    var height = layout.box.height;
    var rtl = window.getComputedStyle(root).direction === "rtl";
    var total = layout.width + 60;
    var places = {};
    layout.boxes.forEach(function (box) {
      if (findNode(box.id)) {
        places[box.id] = {x: rtl ? total - box.x - width : box.x, y: box.y};
      }
    });
    var flags = problemsByNode();
    var start = startId();
    var drawing = svg("svg", {
      "class": "rtcm-map", width: Math.round(total * state.zoom), height: Math.round((layout.height + 24) * state.zoom),
      viewBox: "0 0 " + total + " " + (layout.height + 24), role: "group",
      "aria-label": gettext("Scenario map")
    });
    var marker = uid + "-arrowhead";
    drawing.appendChild(svg("defs", {}, [
      svg("marker", {id: marker, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: "auto-start-reverse"}, [svg("path", {d: "M 0 0 L 10 5 L 0 10 z", "class": "rtcm-map__head"})])
    ]));
    var arrows = svg("g", {"class": "rtcm-map__arrows", "aria-hidden": "true"});
    var boxes = svg("g", {"class": "rtcm-map__boxes"});
    drawing.appendChild(arrows);
    drawing.appendChild(boxes);
    drawArrows(arrows, layout, places, rtl, marker, total);
    state.scenario.steps.concat(state.scenario.endings).forEach(function (node) {
      if (places[node.id]) {
        boxes.appendChild(drawBox(node, places[node.id], width, height, flags[node.id], node.id === start, rtl));
      }
    });
    ui.map.appendChild(drawing);
  }

  function drawArrows(group, layout, places, rtl, marker, total) {
    var width = layout.box.width;
    var height = layout.box.height;
    var pairs = {};
    layout.arrows.forEach(function (arrow) {
      var from = places[arrow.source];
      var to = places[arrow.target];
      var step = findNode(arrow.source);
      var choice = step && step.kind === "step" && step.node.choices.filter(function (c) {
        return c.id === arrow.choice && c.to === arrow.target;
      })[0];
      if (!from || !to || !choice) { return; }
      var pair = arrow.source + "\u0000" + arrow.target;
      var rank = pairs[pair] = (pairs[pair] || 0) + 1;
      var offset = (rank - 1) * 12;
      var via = (arrow.via || []).map(function (slot) {
        return {x: rtl ? total - slot[0] - width : slot[0], y: slot[1]};
      });
      var points = arrow.back ? backCurve(from, to, width, height, offset) :
        forwardCurve(from, to, via, width, height, offset, rtl);
      var text = (choice.timeout ? "\u25f7 " : "") + (choice.when ? "? " : "") + (choice.expert ? "\u2605 " : "") +
        shorten(choice.label || choice.id, 22) + (choice.points ? " (" + choice.points + ")" : "");
      group.appendChild(svg("path", {
        d: points.d, "class": "rtcm-map__arrow" + (arrow.back ? " rtcm-map__arrow--back" : "") +
          (arrow.straight ? " rtcm-map__arrow--straight" : "") + (choice.expert ? " rtcm-map__arrow--expert" : "") +
          (choice.when ? " rtcm-map__arrow--conditional" : "") + (choice.timeout ? " rtcm-map__arrow--timeout" : ""),
        "marker-end": "url(#" + marker + ")", "data-choice": choice.id, role: "img",
        "aria-label": arrowText(choice, findNode(arrow.target))
      }, [svg("title", {}, [arrowText(choice, findNode(arrow.target))])]));
      group.appendChild(svg("text", {x: points.lx, y: points.ly, "class": "rtcm-map__label", "text-anchor": "middle"},
        [text]));
    });
    drawDangling(group, places, width, height, rtl);
  }

  /* What an arrow says to a screen reader and in its tooltip: the choice, where it leads, when it is offered. */
  function arrowText(choice, target) {
    var text = format(gettext("Choice \u201c{label}\u201d leads to {target}"), {
      label: choice.label || choice.id, target: target ? target.node.title || target.node.id : choice.to});
    if (choice.when) { text += " \u2013 " + format(gettext("only when: {condition}"), {condition: choice.when}); }
    if (choice.timeout) { text += " \u2013 " + gettext("taken when time runs out"); }
    return text;
  }

  /* Choices whose target is missing: a short red stub ending in "?". */
  function drawDangling(group, places, width, height, rtl) {
    state.scenario.steps.forEach(function (step) {
      var from = places[step.id];
      if (!from) { return; }
      var missing = step.choices.filter(function (choice) { return !findNode(choice.to); });
      missing.forEach(function (choice, index) {
        var x = rtl ? from.x : from.x + width;
        var y = from.y + height - 8 - index * 10;
        var end = x + (rtl ? -34 : 34);
        group.appendChild(svg("path", {d: "M " + x + " " + y + " L " + end + " " + y,
          "class": "rtcm-map__arrow rtcm-map__arrow--dangling"}));
        group.appendChild(svg("text", {x: end + (rtl ? -8 : 8), y: y + 4, "class": "rtcm-map__dangling",
          "text-anchor": "middle"}, ["?"]));
      });
    });
  }

  /* Left to right (right to left in RTL) through the free slots of the columns it crosses. */
  function forwardCurve(from, to, via, width, height, offset, rtl) {
    var lift = height / 2 + offset - 6;
    var points = [[rtl ? from.x : from.x + width, from.y + lift]];
    via.forEach(function (slot) {
      points.push([rtl ? slot.x + width : slot.x, slot.y + height / 2]);
      points.push([rtl ? slot.x : slot.x + width, slot.y + height / 2]);
    });
    points.push([rtl ? to.x + width : to.x, to.y + lift]);
    var d = "M " + points[0][0] + " " + points[0][1];
    for (var i = 1; i < points.length; i += 1) {
      var a = points[i - 1];
      var b = points[i];
      if (i % 2 === 0) {
        d += " L " + b[0] + " " + b[1];
      } else {
        var mid = (a[0] + b[0]) / 2;
        d += " C " + mid + " " + a[1] + ", " + mid + " " + b[1] + ", " + b[0] + " " + b[1];
      }
    }
    return {d: d, lx: (points[0][0] + points[1][0]) / 2, ly: (points[0][1] + points[1][1]) / 2 - 4};
  }

  /* Loops go back under the boxes: out of the source's bottom, into the target's bottom. */
  function backCurve(from, to, width, height, offset) {
    var sx = from.x + width * 0.62 + offset;
    var tx = to.x + width * 0.38 - offset;
    var sy = from.y + height;
    var ty = to.y + height;
    var low = Math.max(sy, ty) + 26 + offset + Math.abs(sx - tx) * 0.06;
    return {
      d: "M " + sx + " " + sy + " C " + sx + " " + low + ", " + tx + " " + low + ", " + tx + " " + ty,
      lx: (sx + tx) / 2, ly: 0.125 * sy + 0.75 * low + 0.125 * ty + 12
    };
  }

  function drawBox(node, place, width, height, flags, isStart, rtl) {
    var kind = findNode(node.id).kind;
    var notes = [];
    if (isStart) { notes.push(gettext("start")); }
    if (kind === "ending") { notes.push(outcomeLabel(node.outcome)); }
    if (flags && flags.unreachable) { notes.push(gettext("cannot be reached")); }
    if (flags && flags.deadEnd) { notes.push(gettext("no way to an ending")); }
    if (flags && flags.count && !flags.unreachable && !flags.deadEnd) {
      notes.push(format(ngettext("{count} problem", "{count} problems", flags.count), {count: flags.count}));
    }
    var classes = ["rtcm-map__box", "rtcm-map__box--" + kind];
    if (kind === "ending") { classes.push("rtcm-map__box--" + node.outcome); }
    if (flags && flags.count) { classes.push("rtcm-map__box--problem"); }
    if (state.selected === node.id) { classes.push("rtcm-map__box--selected"); }
    var kindLabel = kind === "step" ? gettext("Step") : gettext("Ending");
    var label = kindLabel + ": " + (node.title || node.id) + (notes.length ? " (" + notes.join(", ") + ")" : "");
    var group = svg("g", {
      "class": classes.join(" "), tabindex: node.id === rovingBox() ? "0" : "-1", role: "button",
      "data-key": "box:" + node.id, "data-id": node.id,
      "aria-label": label, "aria-current": state.selected === node.id ? "true" : null,
      transform: "translate(" + place.x + " " + place.y + ")"
    }, [
      svg("title", {}, [label]),
      svg("rect", {width: width, height: height, rx: kind === "ending" ? 18 : 6, "class": "rtcm-map__rect"}),
      svg("text", {x: rtl ? width - 10 : 10, y: 24, "class": "rtcm-map__title"}, [shorten(node.title || node.id, 24)]),
      svg("text", {x: rtl ? width - 10 : 10, y: 44, "class": "rtcm-map__note"},
        [shorten((isStart ? "\u25B6 " : "") + (notes.length ? notes.join(" \u00B7 ") : node.id), 30)])
    ]);
    group.addEventListener("click", function () { openNode(node.id, false); });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        openNode(node.id, true);
        return;
      }
      var next = neighbour(node.id, event.key, rtl);
      if (next) {
        event.preventDefault();
        state.mapFocus = next;
        Array.prototype.forEach.call(ui.map.querySelectorAll(".rtcm-map__box"), function (box) {
          box.setAttribute("tabindex", box.getAttribute("data-id") === next ? "0" : "-1");
        });
        ui.map.querySelector('[data-key="box:' + next.replace(/["\\]/g, "\\$&") + '"]').focus();
      }
    });
    return group;
  }

  /* The map is one tab stop: the selected (or last focused, or start) box; arrow keys move between boxes. */
  function rovingBox() {
    var candidates = [state.mapFocus, state.selected, startId()];
    for (var i = 0; i < candidates.length; i += 1) {
      if (candidates[i] && placed(candidates[i])) { return candidates[i]; }
    }
    var first = state.report.layout.boxes.filter(function (box) { return findNode(box.id); })[0];
    return first ? first.id : null;
  }

  function placed(id) {
    return state.report.layout.boxes.some(function (box) { return box.id === id; }) && Boolean(findNode(id));
  }

  /* The box an arrow key leads to: along the column (up, down) or to the nearest row of the next column. */
  function neighbour(id, key, rtl) {
    var boxes = state.report.layout.boxes.filter(function (box) { return findNode(box.id); });
    var here = boxes.filter(function (box) { return box.id === id; })[0];
    if (!here) { return null; }
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var backward = rtl ? "ArrowRight" : "ArrowLeft";
    var layer = here.layer;
    var pick = null;
    if (key === "ArrowDown" || key === "ArrowUp") {
      var column = boxes.filter(function (box) { return box.layer === layer; })
        .sort(function (a, b) { return a.row - b.row; });
      var index = column.indexOf(here) + (key === "ArrowDown" ? 1 : -1);
      pick = column[index] || null;
    } else if (key === forward || key === backward) {
      var step = key === forward ? 1 : -1;
      var layers = boxes.map(function (box) { return box.layer; });
      for (var target = layer + step; !pick && target >= 0 && target <= Math.max.apply(null, layers); target += step) {
        boxes.forEach(function (box) {
          if (box.layer === target && (!pick || Math.abs(box.row - here.row) < Math.abs(pick.row - here.row))) {
            pick = box;
          }
        });
      }
    } else if (key === "Home" || key === "End") {
      var sorted = boxes.slice().sort(function (a, b) { return a.layer - b.layer || a.row - b.row; });
      pick = key === "Home" ? sorted[0] : sorted[sorted.length - 1];
    }
    return pick && pick.id !== id ? pick.id : null;
  }

  function outcomeLabel(outcome) {
    var found = state.options.outcomes.filter(function (pair) { return pair[0] === outcome; })[0];
    return found ? found[1] : outcome;
  }

  return {draw: drawMap, placed: placed};
};
