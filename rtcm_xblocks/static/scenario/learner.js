/* The scenario exercise for learners: sends choices to the block's JSON handlers and shows what comes back. */
function RtcmScenarioBlock(runtime, element) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".rtcm-scenario");
  var uid = root.getAttribute("data-uid");
  var stage = root.querySelector(".rtcm-scenario__stage");
  var live = root.querySelector(".rtcm-scenario__live");
  var error = root.querySelector(".rtcm-scenario__error");
  var notice = root.querySelector(".rtcm-scenario__notice");
  var meters = root.querySelector(".rtcm-scenario__meters");
  var i18n = window.RtcmScenarioI18N;
  var gettext = (i18n && i18n.gettext) || window.gettext || function (text) { return text; };
  var ngettext = (i18n && i18n.ngettext) || window.ngettext ||
    function (one, many, count) { return count === 1 ? one : many; };
  var outcomes = {good: gettext("Good outcome"), neutral: gettext("Mixed outcome"), bad: gettext("Poor outcome")};
  var state = JSON.parse(root.getAttribute("data-state"));
  var maxReflection = root.getAttribute("data-max-reflection");
  var busy = false;
  var expired = {};  // how often the page asked for time_up, by attempt, move and step
  var wantedTiming = null;  // a time-limit setting chosen while another call was under way: sent after it
  /* Studio's preview or staff viewing as a learner: the server refuses every change, so the page offers none. */
  var readOnly = root.getAttribute("data-read-only");

  function lock() {
    if (!readOnly) { return; }
    Array.prototype.forEach.call(stage.querySelectorAll("button, textarea"), function (control) { control.disabled = true; });
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function node(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      if (child !== null) { el.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return el;
  }

  /* Author HTML, already sanitized by the server. */
  function authored(html) {
    var el = node("div", {"class": "rtcm-scenario__html"});
    el.innerHTML = html || "";
    return el;
  }

  /* The parts of a simulation, each in its own file (static/scenario/meters.js, dialogue.js, timer.js). */
  var kit = {node: node, format: format, gettext: gettext, ngettext: ngettext, authored: authored, uid: uid};
  var meter = window.RtcmScenarioMeters(kit);
  var dialogue = window.RtcmScenarioDialogue(kit);
  var timer = window.RtcmScenarioTimer(kit);

  function heading(level, id, text) {
    return node(level, {id: uid + "-" + id, tabindex: "-1"}, [text]);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function call(handler, body) {
    return fetch(runtime.handlerUrl(element, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.message || gettext("Something went wrong. Please try again."));
          failure.code = data.error;
          failure.state = response.status === 409 ? data.state : null;  // a conflict brings the stored state
          throw failure;
        }
        return data;
      });
    });
  }

  /* A step's hint: a button that states its cost, or once revealed (it stays so) the hint itself. */
  function hintBox(hint) {
    if (!hint) { return null; }
    var content;
    if (hint.revealed) {
      content = [heading("h5", "hint", gettext("Hint")), authored(hint.body)];
    } else {
      content = [node("button", {type: "button", "class": "rtcm-scenario__button rtcm-scenario__button--quiet", "data-action": "hint"},
        [hint.cost > 0 ? format(ngettext("Show a hint (costs {count} point)", "Show a hint (costs {count} points)", hint.cost),
          {count: hint.cost}) : gettext("Show a hint")])];
    }
    return node("div", {"class": "rtcm-scenario__hintbox", "aria-live": "polite"}, content);
  }

  function stepSection(step) {
    var choices = step.choices.map(function (choice) {
      return node("li", {}, [node("button", {type: "button", "class": "rtcm-scenario__choice", "data-choice": choice.id},
        [choice.label])]);
    });
    var progress = [format(gettext("Decision {number} · attempt {attempt}"), {number: state.path.length + 1, attempt: state.attempt})];
    if (state.practice) {
      progress.push(" ", node("span", {"class": "rtcm-scenario__practice"}, [gettext("Practice attempt: not graded")]));
    }
    var waiting = timer.waiting(step.timer);
    return node("section", {"class": "rtcm-scenario__step", "aria-labelledby": uid + "-step"}, [
      node("p", {"class": "rtcm-scenario__progress"}, progress),
      heading("h4", "step", step.title),
      timer.clock(step.timer),
      authored(step.body),
      step.image ? node("img", {"class": "rtcm-scenario__image", src: step.image.src, alt: step.image.alt}) : null,
      dialogue.media(step.media),
      dialogue.lines(step.lines),
      hintBox(step.hint),
      waiting ? timer.startButton(step.timer) : node("div", {role: "group", "aria-labelledby": uid + "-question"}, [
        node("p", {id: uid + "-question", "class": "rtcm-scenario__question"}, [gettext("What do you do?")]),
        node("ul", {"class": "rtcm-scenario__choices"}, choices)
      ]),
      state.can_go_back ? node("button", {type: "button", "class": "rtcm-scenario__button rtcm-scenario__button--quiet",
        "data-action": "back"}, [gettext("Go back one step (practice: this attempt will not be graded)")]) : null
    ]);
  }

  /* `late`: the learner's own choice arrived after the limit (the server took the timeout instead). */
  function feedbackSection(late) {
    var last = state.path[state.path.length - 1];
    return node("section", {"class": "rtcm-scenario__feedback", "aria-labelledby": uid + "-feedback"}, [
      heading("h4", "feedback", gettext("What happened")),
      last.timed_out ? node("p", {"class": "rtcm-scenario__chosen"}, [node("span", {"class": "rtcm-scenario__timed-out"},
        [late ? gettext("Time ran out before your choice arrived.") : gettext("Time ran out.")]), " ", node("strong", {}, [last.label])]) :
        node("p", {"class": "rtcm-scenario__chosen"}, [gettext("You chose:") + " ", node("strong", {}, [last.label])]),
      authored(state.last_feedback)
    ]);
  }

  function attemptsNote() {
    var left = state.attempts_left;
    if (left === null) { return gettext("You can play this case again as many times as you like."); }
    if (left === 0) { return gettext("You have used all your attempts."); }
    return format(ngettext("You have {count} more attempt.", "You have {count} more attempts.", left), {count: left});
  }

  function percent(score) {
    return score === null || score === undefined ? "—" : format(gettext("{score}%"), {score: Math.round(score * 100)});
  }

  function competencyTable(results) {
    var head = node("tr", {}, [gettext("Competency"), gettext("Points"), gettext("Score")].map(function (text) {
      return node("th", {scope: "col"}, [text]);
    }));
    return node("table", {"class": "rtcm-scenario__competencies"}, [
      node("caption", {}, [gettext("Your result per competency")]),
      node("thead", {}, [head]),
      node("tbody", {}, results.map(function (result) {
        return node("tr", {}, [node("th", {scope: "row"}, [result.title]),
          node("td", {}, [format(gettext("{earned} of {best}"), result)]),
          node("td", {}, [percent(result.score)])]);
      }))
    ]);
  }

  function debriefSection() {
    var ending = state.ending;
    var children = [
      heading("h4", "debrief", gettext("Debrief")),
      node("div", {"class": "rtcm-scenario__ending rtcm-scenario__ending--" + ending.outcome}, [
        node("p", {"class": "rtcm-scenario__outcome"}, [outcomes[ending.outcome] || ""]),
        node("h5", {}, [ending.title]),
        authored(ending.body)
      ])
    ];
    if (state.score !== null) {
      children.push(node("p", {"class": "rtcm-scenario__score"},
        [format(gettext("Your score for this attempt: {score}%"), {score: Math.round(state.score * 100)}),
          state.practice ? " " + gettext("(practice, not graded)") : null]));
    } else if (state.practice) {
      children.push(node("p", {"class": "rtcm-scenario__score"}, [gettext("Practice attempt: not graded")]));
    }
    if (state.competencies && state.competencies.length) { children.push(competencyTable(state.competencies)); }
    children.push(node("h5", {}, [gettext("Your path")]), node("ol", {"class": "rtcm-scenario__path"},
      state.path.map(function (entry) {
        return node("li", {}, [
          entry.timed_out ? node("p", {"class": "rtcm-scenario__timed-out"}, [gettext("Time ran out:")]) : null,
          node("p", {"class": "rtcm-scenario__label"}, [entry.label]), authored(entry.feedback)]);
      })));
    if (state.expert_path) {
      children.push(node("h5", {}, [gettext("The expert path")]), node("ol", {"class": "rtcm-scenario__expert"},
        state.expert_path.map(function (entry) { return node("li", {}, [entry.label]); })));
    }
    var text = node("textarea", {id: uid + "-reflection", name: "text", rows: "4", maxlength: String(maxReflection),
      "aria-describedby": uid + "-reflection-hint"});
    text.value = state.reflection || "";
    children.push(node("form", {"class": "rtcm-scenario__reflect"}, [
      node("label", {"for": uid + "-reflection"}, [gettext("Your reflection (optional)")]),
      node("p", {id: uid + "-reflection-hint", "class": "rtcm-scenario__hint"},
        [format(gettext("What would you do differently next time? At most {limit} characters."), {limit: maxReflection})]),
      text,
      node("button", {type: "submit", "class": "rtcm-scenario__button"}, [gettext("Save reflection")])
    ]));
    children.push(node("p", {"class": "rtcm-scenario__attempts"}, [attemptsNote()]));
    if (state.attempts_left !== 0) {
      children.push(node("button", {type: "button", "class": "rtcm-scenario__button", "data-action": "restart"},
        [gettext("Start again")]));
    }
    return node("section", {"class": "rtcm-scenario__debrief", "aria-labelledby": uid + "-debrief"}, children);
  }

  /* Replace the stage with `next`, move focus to `focusId` and announce `message` (and the meters that changed).
     `late`: the last choice arrived after the step's time limit. */
  function show(next, focusId, message, late) {
    var before = state.variables;
    // Still at the same step (a hint, the clock, the time-limit setting): the clip keeps playing where it was.
    var same = !next.finished && next.step && state.step && !state.finished && next.step.id === state.step.id &&
      next.attempt === state.attempt && next.path.length === state.path.length;
    var playing = same ? stage.querySelector(".rtcm-scenario__media") : null;
    timer.stop();
    state = next;
    stage.textContent = "";
    if (state.finished) {
      stage.appendChild(debriefSection());
    } else if (state.step) {
      if (state.last_feedback !== null) { stage.appendChild(feedbackSection(late)); }
      stage.appendChild(stepSection(state.step));
      var drawn = stage.querySelector(".rtcm-scenario__media");
      if (playing && drawn) { drawn.parentNode.replaceChild(playing, drawn); }
    }
    lock();
    notice.hidden = !state.notice;
    notice.textContent = state.notice || "";
    drawSettings();
    if (meters) { meter.draw(meters, state.variables); }
    var target = document.getElementById(uid + "-" + focusId);
    if (target) { target.focus(); }
    announce([message].concat(meter.changes(before, state.variables)).filter(Boolean).join(" "));
    startClock(false);
  }

  /* What a move led to, for screen readers. */
  function moved(next) {
    return next.finished ? format(gettext("The case has ended: {title}."), {title: next.ending.title}) :
      format(gettext("Next step: {title}."), {title: next.step.title});
  }

  /* The running clock of the current step, counting in the stage's countdown. */
  function startClock(fresh) {
    if (state.finished || !state.step) { return; }
    var stepId = state.step.id;
    timer.run(stage.querySelector(".rtcm-scenario__timer-digits"), state.step.timer, announce, function () {
      expire(stepId);
    }, fresh);
  }

  /* Time is up on the local clock: ask the server to take the step's timeout choice once its own clock agrees. */
  function expire(stepId) {
    if (readOnly || state.finished || !state.step || state.step.id !== stepId) { return; }
    if (busy) {
      window.setTimeout(function () { expire(stepId); }, 1000);
      return;
    }
    // A refusal redraws the step, whose clock is still at 0:00: a few tries per step, not a loop of calls.
    var key = state.attempt + "\u0000" + state.path.length + "\u0000" + stepId;
    expired[key] = (expired[key] || 0) + 1;
    if (expired[key] > 3) { return; }
    act(null, null, function (next) {
      show(next, next.finished ? "debrief" : "feedback", gettext("Time is up.") + " " + moved(next));
    }, false, function () {
      return timer.insist(function () { return call("time_up", {step: stepId}); });
    });
  }

  /* The learner's time-limit setting, shown when the exercise has a timed step. */
  function drawSettings() {
    var box = root.querySelector(".rtcm-scenario__timing");
    var wanted = state.timing !== null && state.timing !== undefined;
    if (!box && wanted) {
      box = timer.settings(uid, state.timing);
      root.insertBefore(box, stage.nextSibling);
    }
    if (!box) { return; }
    box.hidden = !wanted;
    var timing = wantedTiming !== null ? wantedTiming : state.timing;
    Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (radio) {
      radio.checked = radio.value === timing;
      radio.disabled = Boolean(readOnly);
    });
  }

  function announce(message) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  /* Call `handler`; on a refusal show why and, unless `keep` (a form being typed in), redraw the server's state.
     A 409 conflict (another tab moved on) carries that state, and it is redrawn even under `keep`. */
  function act(handler, body, after, keep, request) {
    if (busy || readOnly) { return false; }
    busy = true;
    error.textContent = "";
    root.setAttribute("aria-busy", "true");
    (request ? request() : call(handler, body)).then(after).catch(function (failure) {
      error.textContent = failure.message;
      if (keep && !failure.state) { return null; }
      var current = failure.state ? Promise.resolve(failure.state) : call("get_state", {});
      return current.then(function (fresh) {
        show(fresh, fresh.finished ? "debrief" : "step", "");
      }).catch(function () { return null; });
    }).then(function () {
      busy = false;
      root.removeAttribute("aria-busy");
      if (wantedTiming !== null) { sendTiming(); } else { drawSettings(); }
    });
    return true;
  }

  root.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-choice]");
    if (choice) {
      act("choose", {step: state.step.id, choice: choice.getAttribute("data-choice")}, function (next) {
        var last = next.path[next.path.length - 1];
        var late = Boolean(last && last.timed_out);
        var lateText = late ? gettext("Time ran out before your choice arrived.") + " " : "";
        show(next, next.finished ? "debrief" : "feedback", lateText + moved(next), late);
      });
    } else if (event.target.closest("[data-action=hint]")) {
      act("hint", {step: state.step.id}, function (next) {
        show(next, "hint", "");
      });
    } else if (event.target.closest("[data-action=start-timer]")) {
      act("start_timer", {step: state.step.id}, function (next) {
        show(next, "step", "");
        startClock(true);
      });
    } else if (event.target.closest("[data-action=back]")) {
      act("back", {step: state.step.id}, function (next) {
        show(next, "step", format(gettext("You went back to: {title}. This attempt is now practice and will not be graded."),
          {title: next.step.title}));
      });
    } else if (event.target.closest("[data-action=restart]")) {
      act("restart", {}, function (next) {
        show(next, "step", format(gettext("Attempt {number} has started."), {number: next.attempt}));
      });
    }
  });

  /* The latest time-limit setting the learner picked (arrow keys move through several), once nothing else is under way. */
  function sendTiming() {
    if (busy || readOnly || wantedTiming === null) { return; }
    var chosen = wantedTiming;
    wantedTiming = null;
    if (chosen === state.timing) {
      drawSettings();
      return;
    }
    act("set_timing", {timing: chosen}, function (next) {
      show(next, "", format(gettext("Time limits: {setting}."), {setting: timer.timingName(next.timing)}));
    }, true);
  }

  root.addEventListener("change", function (event) {
    var radio = event.target.closest(".rtcm-scenario__timing input[type=radio]");
    if (!radio || !radio.checked) { return; }
    wantedTiming = radio.value;
    sendTiming();
  });

  root.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = event.target.querySelector("textarea").value;
    act("reflect", {text: text}, function (next) {
      state = next;
      announce(gettext("Your reflection has been saved."));
    }, true);
  });
  lock();
  drawSettings();
  startClock(false);
  /* Course staff also get the scenario's results (static/scenario/results.js, loaded for staff only). */
  var results = root.querySelector(".rtcm-scenario__results");
  if (results && window.RtcmScenarioResults) {
    window.RtcmScenarioResults(results, {call: call, node: node, format: format, gettext: gettext, ngettext: ngettext,
      csvUrl: runtime.handlerUrl(element, "analytics_csv")});
  }
}
