/* The scenario's author view in Studio: "Preview as learner" plays the saved scenario through the
 * block's `preview` handler, which replays the choices made so far and stores nothing. */
function RtcmScenarioAuthor(runtime, element) {
  "use strict";
  var block = element.jquery ? element[0] : element;
  var root = block.querySelector(".rtcm-author");
  /* Authored data comes from a JSON script element that no text can close, not from init arguments. */
  var init = JSON.parse(root.querySelector(".rtcm-author__data").textContent);
  var i18n = init.i18n_namespace && window[init.i18n_namespace];
  var gettext = (i18n && i18n.gettext) || window.gettext || function (text) { return text; };
  var ngettext = (i18n && i18n.ngettext) || window.ngettext ||
    function (one, many, count) { return count === 1 ? one : many; };
  var toggle = root.querySelector('[data-action="preview"]');
  var panel = root.querySelector('[data-role="preview"]');
  var stage = root.querySelector('[data-role="stage"]');
  var outcomes = {good: gettext("Good outcome"), neutral: gettext("Mixed outcome"), bad: gettext("Poor outcome")};
  var moves = [];

  if (!toggle) { return; }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  /* Author HTML that the server has sanitized (clean_html) before sending it. */
  function authored(html) {
    var node = el("div", {"class": "rtcm-author__html"});
    node.innerHTML = html || "";
    return node;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function play() {
    return fetch(runtime.handlerUrl(block, "preview"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify({choices: moves})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || gettext("The preview could not be loaded.")); }
        return data;
      });
    }).then(draw, function (error) {
      moves.pop();
      stage.textContent = "";
      stage.appendChild(el("p", {role: "alert", text: error.message}));
    });
  }

  function draw(state) {
    stage.textContent = "";
    if (!moves.length && init.intro) { stage.appendChild(authored(init.intro)); }
    if (state.last_feedback) {
      stage.appendChild(el("div", {"class": "rtcm-author__feedback"}, [
        el("h4", {text: gettext("What happened")}), authored(state.last_feedback)]));
    }
    if (state.step) {
      var title = el("h4", {tabindex: "-1", text: state.step.title});
      stage.appendChild(title);
      put(variables(state.variables));
      stage.appendChild(authored(state.step.body));
      if (state.step.image) { stage.appendChild(el("img", {src: state.step.image.src, alt: state.step.image.alt})); }
      put(media(state.step.media));
      (state.step.lines || []).forEach(function (line) {
        stage.appendChild(el("div", {"class": "rtcm-author__line"}, [
          el("strong", {text: line.speaker}), authored(line.body)]));
      });
      put(hint(state.step));
      if (state.step.timer) {
        var late = el("button", {type: "button", "class": "rtcm-author__button",
          text: gettext("Let the time run out")});
        late.addEventListener("click", function () {
          moves.push({step: state.step.id, timed_out: true});
          play();
        });
        stage.appendChild(el("p", {"class": "rtcm-author__note"}, [
          document.createTextNode(gettext("This step is timed for learners; the preview has no clock.") + " "),
          late]));
      }
      var list = el("ul", {"class": "rtcm-author__choices"});
      state.step.choices.forEach(function (choice) {
        var option = el("button", {type: "button", "class": "rtcm-author__button", text: choice.label});
        option.addEventListener("click", function () {
          moves.push({step: state.step.id, choice: choice.id});
          play();
        });
        list.appendChild(el("li", {}, [option]));
      });
      stage.appendChild(list);
      if (moves.length) { title.focus(); }
      return;
    }
    var ending = state.ending;
    var heading = el("h4", {tabindex: "-1", text: ending.title});
    stage.appendChild(heading);
    stage.appendChild(el("p", {text: outcomes[ending.outcome] || ending.outcome}));
    stage.appendChild(authored(ending.body));
    if (state.score !== null && state.score !== undefined) {
      var percent = Math.round(state.score * 100);
      stage.appendChild(el("p", {text: format(gettext("Score: {percent}%"), {percent: percent})}));
    }
    var path = el("ol", {});
    state.path.forEach(function (entry) { path.appendChild(el("li", {text: entry.label})); });
    stage.appendChild(el("h4", {text: gettext("Your path")}));
    stage.appendChild(path);
    if (state.expert_path) {
      var expert = el("ol", {});
      state.expert_path.forEach(function (entry) { expert.appendChild(el("li", {text: entry.label})); });
      stage.appendChild(el("h4", {text: gettext("The expert path")}));
      stage.appendChild(expert);
    }
    var again = el("button", {type: "button", "class": "rtcm-author__button", text: gettext("Play the preview again")});
    again.addEventListener("click", function () { moves = []; play(); });
    stage.appendChild(again);
    heading.focus();
  }

  function put(node) {
    if (node) { stage.appendChild(node); }
  }

  /* The variables shown to learners, as they stand (a flag as yes or no). */
  function variables(items) {
    if (!items || !items.length) { return null; }
    var list = el("ul", {"class": "rtcm-author__variables", "aria-label": gettext("Case state")});
    items.forEach(function (item) {
      var value = item.type === "flag" ? (item.value ? gettext("yes") : gettext("no")) :
        format(gettext("{value} (from {min} to {max})"), {value: item.value, min: item.min, max: item.max});
      list.appendChild(el("li", {text: item.label + ": " + value}));
    });
    return list;
  }

  function media(clip) {
    if (!clip) { return null; }
    var player = el(clip.type === "audio" ? "audio" : "video", {controls: "", preload: "none", src: clip.src});
    if (clip.captions) {
      var track = {kind: "captions", src: clip.captions, "default": "", label: clip.captions_lang || gettext("Captions")};
      if (clip.captions_lang) { track.srclang = clip.captions_lang; }
      player.appendChild(el("track", track));
    }
    var parts = [player];
    if (clip.transcript) {
      parts.push(el("details", {}, [el("summary", {text: gettext("Transcript")}), authored(clip.transcript)]));
    }
    return el("div", {"class": "rtcm-author__media"}, parts);
  }

  function hint(step) {
    if (!step.hint) { return null; }
    if (step.hint.revealed) {
      return el("div", {"class": "rtcm-author__feedback"}, [el("h5", {text: gettext("Hint")}), authored(step.hint.body)]);
    }
    var label = step.hint.cost ? format(ngettext("Show the hint (costs {cost} point)",
      "Show the hint (costs {cost} points)", step.hint.cost), {cost: step.hint.cost}) : gettext("Show the hint");
    var show = el("button", {type: "button", "class": "rtcm-author__button", text: label});
    show.addEventListener("click", function () {
      moves.push({step: step.id, hint: true});
      play();
    });
    return el("p", {}, [show]);
  }

  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      moves = [];
      play();
    }
  });
}
