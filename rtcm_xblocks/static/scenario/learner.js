/* The scenario exercise for learners: sends choices to the block's JSON handlers and shows what comes back. */
function RtcmScenarioBlock(runtime, element) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".rtcm-scenario");
  var uid = root.getAttribute("data-uid");
  var stage = root.querySelector(".rtcm-scenario__stage");
  var live = root.querySelector(".rtcm-scenario__live");
  var error = root.querySelector(".rtcm-scenario__error");
  var notice = root.querySelector(".rtcm-scenario__notice");
  var i18n = window.RtcmScenarioI18N;
  var gettext = (i18n && i18n.gettext) || window.gettext || function (text) { return text; };
  var ngettext = (i18n && i18n.ngettext) || window.ngettext ||
    function (one, many, count) { return count === 1 ? one : many; };
  var outcomes = {good: gettext("Good outcome"), neutral: gettext("Mixed outcome"), bad: gettext("Poor outcome")};
  var state = JSON.parse(root.getAttribute("data-state"));
  var maxReflection = root.getAttribute("data-max-reflection");
  var busy = false;
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
          failure.state = response.status === 409 ? data.state : null;  // a conflict brings the stored state
          throw failure;
        }
        return data;
      });
    });
  }

  function stepSection(step) {
    var choices = step.choices.map(function (choice) {
      return node("li", {}, [node("button", {type: "button", "class": "rtcm-scenario__choice", "data-choice": choice.id},
        [choice.label])]);
    });
    return node("section", {"class": "rtcm-scenario__step", "aria-labelledby": uid + "-step"}, [
      node("p", {"class": "rtcm-scenario__progress"},
        [format(gettext("Decision {number} · attempt {attempt}"), {number: state.path.length + 1, attempt: state.attempt})]),
      heading("h4", "step", step.title),
      authored(step.body),
      step.image ? node("img", {"class": "rtcm-scenario__image", src: step.image.src, alt: step.image.alt}) : null,
      node("div", {role: "group", "aria-labelledby": uid + "-question"}, [
        node("p", {id: uid + "-question", "class": "rtcm-scenario__question"}, [gettext("What do you do?")]),
        node("ul", {"class": "rtcm-scenario__choices"}, choices)
      ])
    ]);
  }

  function feedbackSection() {
    var last = state.path[state.path.length - 1];
    return node("section", {"class": "rtcm-scenario__feedback", "aria-labelledby": uid + "-feedback"}, [
      heading("h4", "feedback", gettext("What happened")),
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
        [format(gettext("Your score for this attempt: {score}%"), {score: Math.round(state.score * 100)})]));
    }
    children.push(node("h5", {}, [gettext("Your path")]), node("ol", {"class": "rtcm-scenario__path"},
      state.path.map(function (entry) {
        return node("li", {}, [node("p", {"class": "rtcm-scenario__label"}, [entry.label]), authored(entry.feedback)]);
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

  /* Replace the stage with `next`, move focus to `focusId` and announce `message`. */
  function show(next, focusId, message) {
    state = next;
    stage.textContent = "";
    if (state.finished) {
      stage.appendChild(debriefSection());
    } else if (state.step) {
      if (state.last_feedback !== null) { stage.appendChild(feedbackSection()); }
      stage.appendChild(stepSection(state.step));
    }
    lock();
    notice.hidden = !state.notice;
    notice.textContent = state.notice || "";
    var target = document.getElementById(uid + "-" + focusId);
    if (target) { target.focus(); }
    announce(message);
  }

  function announce(message) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  /* Call `handler`; on a refusal show why and, unless `keep` (a form being typed in), redraw the server's state.
     A 409 conflict (another tab moved on) carries that state, and it is redrawn even under `keep`. */
  function act(handler, body, after, keep) {
    if (busy || readOnly) { return; }
    busy = true;
    error.textContent = "";
    root.setAttribute("aria-busy", "true");
    call(handler, body).then(after).catch(function (failure) {
      error.textContent = failure.message;
      if (keep && !failure.state) { return null; }
      var current = failure.state ? Promise.resolve(failure.state) : call("get_state", {});
      return current.then(function (fresh) {
        show(fresh, fresh.finished ? "debrief" : "step", "");
      }).catch(function () { return null; });
    }).then(function () {
      busy = false;
      root.removeAttribute("aria-busy");
    });
  }

  root.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-choice]");
    if (choice) {
      act("choose", {step: state.step.id, choice: choice.getAttribute("data-choice")}, function (next) {
        if (next.finished) {
          show(next, "debrief", format(gettext("The case has ended: {title}."), {title: next.ending.title}));
        } else {
          show(next, "feedback", format(gettext("Next step: {title}."), {title: next.step.title}));
        }
      });
    } else if (event.target.closest("[data-action=restart]")) {
      act("restart", {}, function (next) {
        show(next, "step", format(gettext("Attempt {number} has started."), {number: next.attempt}));
      });
    }
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
  /* Course staff also get the scenario's results (static/scenario/results.js, loaded for staff only). */
  var results = root.querySelector(".rtcm-scenario__results");
  if (results && window.RtcmScenarioResults) {
    window.RtcmScenarioResults(results, {call: call, node: node, format: format, gettext: gettext, ngettext: ngettext,
      csvUrl: runtime.handlerUrl(element, "analytics_csv")});
  }
}
