/* The learner view of the training-needs self-assessment: one pillar at a time, then the results and learning plan. */
function RtcmNeedsAssessment(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var box = root.querySelector(".rtcm-needs");
  var ns = window.RtcmNeedsI18N;
  var gettext = ns && ns.gettext ? ns.gettext.bind(ns) : (window.gettext || function (text) { return text; });
  var ngettext = ns && ns.ngettext ? ns.ngettext.bind(ns) : (window.ngettext || function (one, many, count) { return count === 1 ? one : many; });
  var uid = "rtcm-needs-" + Math.random().toString(36).slice(2, 9);
  var state = JSON.parse(box.getAttribute("data-state"));
  var pillars = state.framework.pillars;
  var answers = {};
  var profile = {};
  var page = 0;
  var showMissing = false;
  var learner = box.querySelector(".rtcm-needs__learner");
  var live = box.querySelector(".rtcm-needs__live");
  /* Studio's preview or staff viewing as a learner: the server refuses a submission, so the form offers none. */
  var readOnly = box.getAttribute("data-read-only");

  function fmt(template, params) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : match;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else if (key === "className") { node.className = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  /* Numbers and dates in the language the block speaks (its catalogue's, else the page's), with Latin digits as the
     server writes them. Chromium has no date formats for Kyrgyz and Tajik: Russian ones are read there. */
  var language = (ns && ns.language) || document.documentElement.lang || "en";
  var locales = [language].concat({ky: ["ru"], tg: ["ru"]}[language.split("-")[0]] || []);
  var numbers = new Intl.NumberFormat(locales, {maximumFractionDigits: 2, numberingSystem: "latn"});
  var percents = new Intl.NumberFormat(locales, {style: "percent", maximumFractionDigits: 0, numberingSystem: "latn"});

  function num(value) {
    return value === null || value === undefined ? "–" : numbers.format(value);
  }

  function date(value, withTime) {
    var options = withTime ? {dateStyle: "long", timeStyle: "short", numberingSystem: "latn"} : {dateStyle: "long", numberingSystem: "latn"};
    return new Intl.DateTimeFormat(locales, options).format(value);
  }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(handler, body) {
    return fetch(runtime.handlerUrl(root, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || gettext("Something went wrong. Please try again.")); }
        return data;
      });
    });
  }

  function loadAnswers() {
    answers = JSON.parse(JSON.stringify(state.ratings || {}));
    profile = JSON.parse(JSON.stringify(state.profile || {}));
  }

  function isComplete(rating) {
    return rating === state.not_applicable.value || (rating && rating.importance && rating.proficiency);
  }

  function missingCompetencies() {
    var missing = [];
    pillars.forEach(function (pillar, index) {
      pillar.competencies.forEach(function (competency) {
        if (!isComplete(answers[competency.id])) { missing.push({pillar: pillar, page: index, competency: competency}); }
      });
    });
    return missing;
  }

  function countAnswered() {
    var count = 0;
    var total = 0;
    pillars.forEach(function (pillar) {
      pillar.competencies.forEach(function (competency) { total += 1; if (isComplete(answers[competency.id])) { count += 1; } });
    });
    return {count: count, total: total};
  }

  /* ---------------------------------------------------------------- the form */

  function scaleGroup(competency, dimension, legendText) {
    var rating = answers[competency.id];
    var na = rating === state.not_applicable.value;
    var group = el("fieldset", {className: "rtcm-needs__scale"}, [el("legend", {text: legendText})]);
    var list = el("div", {className: "rtcm-needs__options"});
    state.scale[dimension].forEach(function (level) {
      var id = uid + "-" + competency.id + "-" + dimension + "-" + level.value;
      var input = el("input", {type: "radio", id: id, name: uid + "-" + competency.id + "-" + dimension, value: String(level.value)});
      input.checked = !na && rating && rating[dimension] === level.value;
      input.addEventListener("change", function () {
        var current = answers[competency.id];
        if (!current || current === state.not_applicable.value) { current = {}; }
        current[dimension] = level.value;
        answers[competency.id] = current;
        updateProgress();
        if (showMissing) { markCompetency(competency); }
      });
      var label = el("label", {"for": id}, [
        el("span", {className: "rtcm-needs__level", text: fmt(gettext("{value} – {label}"), {value: level.value, label: level.label})}),
        el("span", {className: "rtcm-needs__description", text: level.description})
      ]);
      list.appendChild(el("div", {className: "rtcm-needs__option"}, [input, label]));
    });
    group.appendChild(list);
    group.disabled = na;
    return group;
  }

  function competencyBlock(competency) {
    var legendId = uid + "-" + competency.id + "-legend";
    var block = el("fieldset", {className: "rtcm-needs__competency", "data-competency": competency.id}, [
      el("legend", {id: legendId, className: "rtcm-needs__statement", text: competency.text})
    ]);
    var importance = scaleGroup(competency, "importance", gettext("How important is this to my job?"));
    var proficiency = scaleGroup(competency, "proficiency", gettext("How well can I do this today?"));
    var naId = uid + "-" + competency.id + "-na";
    var na = el("input", {type: "checkbox", id: naId});
    na.checked = answers[competency.id] === state.not_applicable.value;
    na.addEventListener("change", function () {
      answers[competency.id] = na.checked ? state.not_applicable.value : {};
      importance.disabled = proficiency.disabled = na.checked;
      if (!na.checked) {
        block.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = false; });
      }
      updateProgress();
      if (showMissing) { markCompetency(competency); }
    });
    block.appendChild(importance);
    block.appendChild(proficiency);
    block.appendChild(el("div", {className: "rtcm-needs__na"}, [na, el("label", {"for": naId, text: state.not_applicable.label})]));
    block.appendChild(el("p", {className: "rtcm-needs__missing", id: uid + "-" + competency.id + "-missing"}));
    return block;
  }

  function markCompetency(competency) {
    var block = learner.querySelector('[data-competency="' + competency.id.replace(/"/g, '\\"') + '"]');
    if (!block) { return; }
    var message = block.querySelector(".rtcm-needs__missing");
    var rating = answers[competency.id];
    var text = "";
    if (!isComplete(rating)) {
      text = !rating || (!rating.importance && !rating.proficiency)
        ? gettext("Not answered yet: rate importance and proficiency, or mark it as not applicable.")
        : (!rating.importance ? gettext("Importance is not rated yet.") : gettext("Proficiency is not rated yet."));
    }
    message.textContent = text;
    block.classList.toggle("rtcm-needs__competency--missing", Boolean(text));
    block.querySelectorAll("input[type=radio]").forEach(function (radio) {
      if (text) { radio.setAttribute("aria-describedby", message.id); } else { radio.removeAttribute("aria-describedby"); }
    });
  }

  function profilePage() {
    var part = el("div", {className: "rtcm-needs__profile"}, [
      el("p", {text: gettext("These questions are optional. Your answers are used only to group the results of the whole course; no one sees them next to your name in the course.")})
    ]);
    state.profile_questions.forEach(function (question) {
      var id = uid + "-profile-" + question.id;
      var control;
      if (question.type === "choice") {
        control = el("select", {id: id}, [el("option", {value: "", text: gettext("Prefer not to say")})]);
        question.options.forEach(function (option) {
          var item = el("option", {value: option.value, text: option.label});
          item.selected = profile[question.id] === option.value;
          control.appendChild(item);
        });
        control.addEventListener("change", function () { profile[question.id] = control.value; });
      } else {
        control = el("input", {type: "text", id: id, maxlength: String(question.max_length), autocomplete: "organization-title"});
        control.value = profile[question.id] || "";
        control.addEventListener("input", function () { profile[question.id] = control.value; });
      }
      part.appendChild(el("div", {className: "rtcm-needs__question"}, [el("label", {"for": id, text: question.label}), control]));
    });
    return part;
  }

  function updateProgress() {
    var counter = learner.querySelector(".rtcm-needs__counted");
    if (counter) {
      var done = countAnswered();
      counter.textContent = fmt(gettext("{count} of {total} competencies answered"), done);
    }
  }

  function errorSummary(missing, message) {
    var summary = el("div", {className: "rtcm-needs__errors", role: "alert", tabindex: "-1"});
    if (message) { summary.appendChild(el("p", {text: message})); }
    if (missing.length) {
      summary.appendChild(el("p", {text: fmt(gettext("Please answer these {count} competencies (or mark them as not applicable) before submitting:"), {count: missing.length})}));
      var list = el("ul");
      missing.forEach(function (item) {
        var button = el("button", {type: "button", className: "rtcm-needs__link", text: item.pillar.title + ": " + item.competency.text});
        button.addEventListener("click", function () { goTo(item.page, item.competency.id); });
        list.appendChild(el("li", {}, [button]));
      });
      summary.appendChild(list);
    }
    return summary;
  }

  function renderForm(focusTarget, summary) {
    var pages = pillars.length + 1;
    var onProfile = page === pillars.length;
    var title = onProfile ? gettext("About you (optional)") : pillars[page].title;
    learner.textContent = "";
    var headingId = uid + "-page";
    var progress = el("div", {className: "rtcm-needs__progress"}, [
      el("p", {className: "rtcm-needs__step", text: fmt(gettext("Part {page} of {pages}"), {page: page + 1, pages: pages})}),
      el("progress", {max: String(pages), value: String(page + 1), "aria-hidden": "true"}),
      el("p", {className: "rtcm-needs__counted"})
    ]);
    var form = el("form", {className: "rtcm-needs__form", novalidate: "novalidate", "aria-labelledby": headingId});
    if (page === 0) {
      form.appendChild(el("p", {className: "rtcm-needs__intro", text: gettext("For each statement, rate how important it is to your job and how well you can do it today, from 1 to 5. Mark it as not applicable when it is not part of your work. Your answers are kept when you move between parts.")}));
    }
    if (summary) { form.appendChild(summary); }
    form.appendChild(el("h3", {id: headingId, tabindex: "-1", className: "rtcm-needs__page-title", text: title}));
    if (onProfile) {
      form.appendChild(profilePage());
    } else {
      pillars[page].competencies.forEach(function (competency) { form.appendChild(competencyBlock(competency)); });
    }
    var previous = el("button", {type: "button", className: "rtcm-needs__button", text: gettext("Previous part")});
    previous.disabled = page === 0;
    previous.addEventListener("click", function () { goTo(page - 1); });
    var next = el("button", {type: "submit", className: "rtcm-needs__button rtcm-needs__button--primary", text: onProfile ? gettext("Submit my answers") : gettext("Next part")});
    next.disabled = Boolean(readOnly) && onProfile;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (onProfile) { if (!readOnly) { submit(); } } else { goTo(page + 1); }
    });
    form.appendChild(el("div", {className: "rtcm-needs__nav"}, [previous, next]));
    learner.appendChild(progress);
    learner.appendChild(form);
    updateProgress();
    if (showMissing && !onProfile) { pillars[page].competencies.forEach(markCompetency); }
    var target = focusTarget === "summary" ? form.querySelector(".rtcm-needs__errors") : (focusTarget ? learner.querySelector(focusTarget) : null);
    if (target) { target.focus(); }
  }

  function goTo(index, competencyId) {
    page = Math.max(0, Math.min(index, pillars.length));
    var target = "#" + uid + "-page";
    if (competencyId) {
      var rating = answers[competencyId];
      var dimension = rating && rating.importance ? "proficiency" : "importance";
      target = "#" + CSS.escape(uid + "-" + competencyId + "-" + dimension + "-1");
    }
    renderForm(target);
    announce(fmt(gettext("Part {page} of {pages}"), {page: page + 1, pages: pillars.length + 1}));
  }

  function submit() {
    var missing = missingCompetencies();
    if (missing.length) {
      showMissing = true;
      renderForm("summary", errorSummary(missing));
      return;
    }
    var ratings = {};
    pillars.forEach(function (pillar) {
      pillar.competencies.forEach(function (competency) {
        var rating = answers[competency.id];
        ratings[competency.id] = rating === state.not_applicable.value ? rating : {importance: rating.importance, proficiency: rating.proficiency};
      });
    });
    var given = {};
    Object.keys(profile).forEach(function (key) { if (profile[key]) { given[key] = profile[key]; } });
    var button = learner.querySelector("button[type=submit]");
    button.disabled = true;
    post("submit", {ratings: ratings, profile: given}).then(function (data) {
      Object.keys(data).forEach(function (key) { state[key] = data[key]; });
      showMissing = false;
      renderResults(true);
      announce(gettext("Your answers are saved. Your results and learning plan are below."));
    }).catch(function (error) {
      button.disabled = false;
      renderForm("summary", errorSummary([], error.message));
    });
  }

  /* ---------------------------------------------------------------- the results */

  function pillarTitle(id) {
    for (var i = 0; i < pillars.length; i += 1) { if (pillars[i].id === id) { return pillars[i].title; } }
    return id;
  }

  function competencyText(id) {
    for (var i = 0; i < pillars.length; i += 1) {
      for (var j = 0; j < pillars[i].competencies.length; j += 1) {
        if (pillars[i].competencies[j].id === id) { return pillars[i].competencies[j].text; }
      }
    }
    return id;
  }

  function recommendLink(pillarId) {
    for (var i = 0; i < pillars.length; i += 1) { if (pillars[i].id === pillarId) { return pillars[i].recommend; } }
    return "";
  }

  /* What the learner showed in the course's scenario exercises for one competency (results entry "demonstrated"). */
  function demonstratedText(demonstrated) {
    if (!demonstrated) { return gettext("Not yet practised in a scenario"); }
    return fmt(ngettext("{score} ({count} exercise)", "{score} ({count} exercises)", demonstrated.exercises), {
      score: percents.format(demonstrated.score), count: demonstrated.exercises
    });
  }

  function table(caption, headers, rows) {
    var head = el("tr", {}, headers.map(function (text) { return el("th", {scope: "col", text: text}); }));
    var body = el("tbody", {}, rows.map(function (cells) {
      return el("tr", {}, cells.map(function (cell, index) { return el(index ? "td" : "th", index ? {text: cell} : {scope: "row", text: cell}); }));
    }));
    return el("div", {className: "rtcm-needs__table-wrap", tabindex: "0", role: "region", "aria-label": caption}, [
      el("table", {className: "rtcm-needs__table"}, [el("caption", {text: caption}), el("thead", {}, [head]), body])
    ]);
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function pillarChart(results, descriptionId) {
    var rows = results.pillars;
    var rowHeight = 34;
    var width = 320;
    var left = 28;
    var barWidth = width - left - 8;
    var height = rows.length * rowHeight + 28;
    var chart = svg("svg", {viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": descriptionId, "class": "rtcm-needs__chart", focusable: "false"});
    for (var tick = 0; tick <= 5; tick += 1) {
      var x = left + barWidth * tick / 5;
      chart.appendChild(svg("line", {x1: x, x2: x, y1: 0, y2: height - 18, "class": "rtcm-needs__grid"}));
      chart.appendChild(svg("text", {x: x, y: height - 4, "text-anchor": "middle", "class": "rtcm-needs__axis"}, String(tick)));
    }
    rows.forEach(function (row, index) {
      var y = index * rowHeight + 4;
      chart.appendChild(svg("text", {x: 2, y: y + 17, "class": "rtcm-needs__axis"}, String(index + 1)));
      var importance = row.mean_importance || 0;
      var proficiency = row.mean_proficiency || 0;
      var bar1 = svg("rect", {x: left, y: y, width: barWidth * importance / 5, height: 12, "class": "rtcm-needs__bar-importance"});
      bar1.appendChild(svg("title", {}, row.title + ": " + gettext("mean importance") + " " + num(row.mean_importance)));
      var bar2 = svg("rect", {x: left, y: y + 14, width: barWidth * proficiency / 5, height: 12, "class": "rtcm-needs__bar-proficiency"});
      bar2.appendChild(svg("title", {}, row.title + ": " + gettext("mean proficiency") + " " + num(row.mean_proficiency)));
      chart.appendChild(bar1);
      chart.appendChild(bar2);
    });
    return chart;
  }

  function resultsSection(results) {
    var section = el("div", {className: "rtcm-needs__results"});
    var planId = uid + "-plan";
    section.appendChild(el("h3", {id: planId, tabindex: "-1", text: gettext("My learning plan")}));
    section.appendChild(el("p", {className: "rtcm-needs__print-only", text: fmt(gettext("{title} — printed on {date}"), {title: state.display_name, date: date(new Date())})}));
    if (!results.priorities.length) {
      section.appendChild(el("p", {text: gettext("You rated your proficiency at or above the importance of every competency: no training gaps to close. Well done!")}));
    } else {
      section.appendChild(el("p", {text: gettext("Your priorities, highest need first. The need weighs the gap between importance and proficiency by importance.")}));
      var list = el("ol", {className: "rtcm-needs__priorities"});
      results.priorities.forEach(function (item) {
        var entry = el("li", {}, [
          el("span", {className: "rtcm-needs__priority-text", text: item.text}),
          el("span", {className: "rtcm-needs__priority-meta", text: fmt(gettext("{pillar} · need {need}"), {pillar: pillarTitle(item.pillar), need: num(item.weighted_need)})}),
          el("span", {className: "rtcm-needs__demonstrated", text: item.demonstrated ?
            fmt(gettext("Demonstrated in the scenarios: {result}"), {result: demonstratedText(item.demonstrated)}) : demonstratedText(null)})
        ]);
        if (item.self_rated_higher) {
          entry.appendChild(el("span", {className: "rtcm-needs__hint", text: gettext("You rated yourself higher than you did in the scenarios.")}));
        }
        var link = item.recommend || recommendLink(item.pillar);
        if (link && /^(https?:\/\/|\/|[\w-])/i.test(link) && !/^(javascript|data|vbscript):/i.test(link)) {
          entry.appendChild(el("a", {href: link, className: "rtcm-needs__recommend", text: fmt(gettext("Study the unit: {pillar}"), {pillar: pillarTitle(item.pillar)})}));
        }
        list.appendChild(entry);
      });
      section.appendChild(list);
    }
    var chartTitle = uid + "-chart";
    section.appendChild(el("h3", {text: gettext("My ratings by pillar")}));
    section.appendChild(el("p", {id: chartTitle, className: "rtcm-needs__chart-caption", text: gettext("Chart: mean importance (upper, dark bar) and mean proficiency (lower, light bar) of each pillar on the 1–5 scale, pillars numbered as in the table below.")}));
    var figure = el("div", {className: "rtcm-needs__figure"});
    figure.appendChild(pillarChart(results, chartTitle));
    section.appendChild(figure);
    section.appendChild(table(gettext("My ratings by pillar"),
      [gettext("Pillar"), gettext("Rated"), gettext("Mean importance"), gettext("Mean proficiency"), gettext("Mean gap"), gettext("Need"), gettext("Rank")],
      results.pillars.map(function (row, index) {
        return [(index + 1) + ". " + row.title, String(row.rated), num(row.mean_importance), num(row.mean_proficiency), num(row.mean_discrepancy), num(row.weighted_need), row.rank === null || row.rank === undefined ? "–" : String(row.rank)];
      })));
    var details = el("details", {className: "rtcm-needs__details"}, [el("summary", {text: gettext("Every competency")})]);
    details.appendChild(table(gettext("My ratings by competency, highest need first"),
      [gettext("Competency"), gettext("Importance"), gettext("Proficiency"), gettext("Gap"), gettext("Need"), gettext("Rank"), gettext("Demonstrated in the scenarios")],
      results.competencies.slice().sort(function (a, b) { return (a.rank || 1e9) - (b.rank || 1e9); }).map(function (row) {
        var na = row.rank === null || row.rank === undefined;
        var shown = demonstratedText(row.demonstrated) + (row.self_rated_higher ? " " + gettext("You rated yourself higher than you did in the scenarios.") : "");
        return [competencyText(row.id), na ? state.not_applicable.label : num(row.importance), na ? "" : num(row.proficiency), na ? "" : num(row.discrepancy), na ? "" : num(row.weighted_need), na ? "–" : String(row.rank), shown];
      })));
    section.appendChild(details);
    if (state.phase === "post") { section.appendChild(changeSection()); }
    return section;
  }

  function changeSection() {
    var part = el("div", {className: "rtcm-needs__change"}, [el("h3", {text: gettext("My progress since the start of the course")})]);
    if (!state.pre_submitted) {
      part.appendChild(el("p", {text: gettext("You did not take the self-assessment at the start of the course, so there is nothing to compare with.")}));
      return part;
    }
    if (!state.change) { return part; }
    part.appendChild(table(gettext("Change by pillar"),
      [gettext("Pillar"), gettext("Proficiency before"), gettext("Proficiency now"), gettext("Change"), gettext("Need before"), gettext("Need now")],
      state.change.pillars.map(function (row) {
        return [pillarTitle(row.id), num(row.pre_proficiency), num(row.post_proficiency), signed(row.proficiency_change), num(row.pre_weighted_need), num(row.post_weighted_need)];
      })));
    var details = el("details", {className: "rtcm-needs__details"}, [el("summary", {text: gettext("Change by competency")})]);
    details.appendChild(table(gettext("Change by competency"),
      [gettext("Competency"), gettext("Proficiency before"), gettext("Proficiency now"), gettext("Change")],
      state.change.competencies.map(function (row) {
        return [competencyText(row.id), num(row.pre_proficiency), num(row.post_proficiency), signed(row.proficiency_change)];
      })));
    part.appendChild(details);
    return part;
  }

  function signed(value) {
    if (value === null || value === undefined) { return "–"; }
    return (value > 0 ? "+" : "") + num(value);
  }

  function renderResults(focus) {
    learner.textContent = "";
    learner.appendChild(resultsSection(state.results));
    var print = el("button", {type: "button", className: "rtcm-needs__button rtcm-needs__button--primary", text: gettext("Print my learning plan")});
    print.addEventListener("click", function () { window.print(); });
    var revise = el("button", {type: "button", className: "rtcm-needs__button", text: gettext("Revise my answers")});
    revise.addEventListener("click", function () {
      loadAnswers();
      page = 0;
      renderForm("#" + uid + "-page");
    });
    learner.appendChild(el("div", {className: "rtcm-needs__nav rtcm-needs__actions"}, [print, revise]));
    if (focus) { learner.querySelector("#" + uid + "-plan").focus(); }
  }

  // Closed <details> print nothing: open them for printing the plan, and close them again after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(root.querySelectorAll("details:not([open])"), function (item) { item.open = true; return true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (item) { item.open = false; });
    opened = [];
  });

  loadAnswers();
  if (state.submitted) { renderResults(false); } else { renderForm(null); }
  if (args.is_staff && window.RtcmNeedsStaff) {
    window.RtcmNeedsStaff(runtime, root, {gettext: gettext, fmt: fmt, el: el, svg: svg, table: table, num: num, percent: function (value) { return percents.format(value); }, date: date, signed: signed, post: post, uid: uid, state: state});
  }
}
