/* The self-assessment editor's ids derived from titles and its live checks of the form (the server
   checks the same, and more, on save). `kit` gives gettext, fmt, the server's limits, the editor's
   data and `state()`, the form's current state. */
window.RtcmNeedsChecks = function (kit) {
  "use strict";
  var gettext = kit.gettext, fmt = kit.fmt, limits = kit.limits, data = kit.data;

  /* ---- ids derived from titles ---------------------------------------------------------- */

  var CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі";
  var CYRILLIC_LATIN = ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
    "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia", "a", "g", "k", "n", "o", "u", "u", "h", "i"];
  var LATIN_EXTRA = { "ə": "e", "ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "đ": "d", "ł": "l" };

  function slug(text, maxWords) {
    var out = "";
    Array.prototype.forEach.call((text || "").toLowerCase(), function (ch) {
      var index = CYRILLIC.indexOf(ch);
      var mapped = index >= 0 ? CYRILLIC_LATIN[index] : (LATIN_EXTRA[ch] || ch);
      out += mapped.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    });
    var words = out.split(/[^a-z0-9]+/).filter(Boolean).slice(0, maxWords);
    return words.join("-").slice(0, 40).replace(/^-+|-+$/g, "");
  }

  function unique(base, taken) {
    var candidate = base;
    var n = 2;
    while (taken[candidate]) { candidate = base + "-" + n; n += 1; }
    return candidate;
  }

  /* New items take an id from their title while the author has not typed one; saved ids never
     change by themselves. A derived id avoids the ids above it, so an id typed by hand that
     repeats one is reported rather than renaming the other item. */
  function deriveIds() {
    var state = kit.state();
    var pillarIds = {};
    var competencyIds = {};
    state.custom.forEach(function (p) {
      if (p.idAuto) { p.id = unique(slug(p.title, 3) || "pillar", pillarIds); }
      pillarIds[p.id] = true;
      p.competencies.forEach(function (c) {
        if (c.idAuto) { c.id = unique(p.id + "." + (slug(c.text, 3) || "competency"), competencyIds); }
        competencyIds[c.id] = true;
      });
    });
  }

  /* ---- validation (the server checks the same, and more) -------------------------------- */

  var ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
  var URL_NAME = /^[A-Za-z0-9_.:\-]+$/;

  function linkProblem(link) {
    var value = (link || "").trim();
    if (!value) { return null; }
    var scheme = /^([A-Za-z][A-Za-z0-9+.\-]*):/.exec(value);
    /* The server's rule (common.sanitize.is_safe_link): http(s) with a host, or a site-relative link;
       no white space, control character or backslash, no "//host", no "https:host". */
    if (/[\s\\\x00-\x1f\x7f]/.test(value) || value.indexOf("//") === 0 ||
        (scheme && !/^https?:\/\/[^\/]/i.test(value)) ||
        value.length > (limits.recommend || 500)) {
      return gettext("Use a course link such as /jump_to_id/border_intro or an http(s) address, without spaces.");
    }
    return null;
  }

  function validate() {
    var state = kit.state();
    var problems = [];
    function add(field, message) { problems.push({ field: field, message: message }); }
    function tooLong(field, value, limit) {
      if (value.trim().length > limit) {
        add(field, fmt(gettext("This is too long: at most {limit} characters."), { limit: limit }));
        return true;
      }
      return false;
    }
    if (!state.display_name.trim()) {
      add("display_name", gettext("Give the self-assessment a title."));
    } else {
      tooLong("display_name", state.display_name, limits.display_name || 200);
    }
    var pre = state.pre.trim();
    if (state.phase === "post") {
      if (!pre) {
        add("pre", gettext("A post-course self-assessment needs the url_name of its pre-course self-assessment."));
      } else if (!URL_NAME.test(pre)) {
        add("pre", gettext("A url_name has only letters, digits, '_', '-', '.' and ':'."));
      } else if (data.url_name && pre === data.url_name) {
        add("pre", gettext("A self-assessment cannot be its own pre-course link."));
      }
    }
    var size = state.min_group_size.trim();
    if (!/^\d+$/.test(size) || Number(size) < 1 || Number(size) > (limits.min_group_size || 1000)) {
      add("min_group_size", fmt(gettext("Give a whole number from 1 to {limit}."), { limit: limits.min_group_size || 1000 }));
    }
    var weight = state.weight.trim();
    if (weight === "" || isNaN(Number(weight)) || Number(weight) < 0 || Number(weight) > (limits.weight || 1000)) {
      add("weight", fmt(gettext("Give a number from 0 to {limit}."), { limit: limits.weight || 1000 }));
    }
    if (state.mode === "default") {
      state.defaultPillars.forEach(function (pillar, index) {
        var problem = linkProblem(state.links[pillar.id]);
        if (problem) { add("pillars." + index + ".recommend", problem); }
      });
      return problems;
    }
    if (!state.custom.length) { add("pillars", gettext("A custom framework needs at least one pillar.")); }
    if (state.custom.length > (limits.pillars || 50)) {
      add("pillars", fmt(gettext("A framework has at most {limit} pillars."), { limit: limits.pillars || 50 }));
    }
    var pillarIds = {};
    var competencyIds = {};
    function checkId(path, raw, seen, duplicateMessage) {
      var id = raw.trim();
      if (!id) {
        add(path, gettext("The id is empty."));
      } else if (!ID.test(id)) {
        add(path, fmt(gettext("An id starts with a letter or digit and uses only letters, digits, '.', '_', ':' and '-' (at most {limit} characters)."), { limit: 100 }));
      } else if (seen[id]) {
        add(path, fmt(duplicateMessage, { id: id }));
      }
      seen[id] = true;
    }
    state.custom.forEach(function (pillar, p) {
      var base = "pillars." + p;
      checkId(base + ".id", pillar.id, pillarIds, gettext("Another pillar already has the id '{id}'."));
      if (!pillar.title.trim()) {
        add(base + ".title", gettext("Give the pillar a title."));
      } else {
        tooLong(base + ".title", pillar.title, limits.title || 200);
      }
      var problem = linkProblem(pillar.recommend);
      if (problem) { add(base + ".recommend", problem); }
      if (!pillar.competencies.length) { add(base + ".competencies", gettext("A pillar needs at least one competency.")); }
      if (pillar.competencies.length > (limits.competencies || 50)) {
        add(base + ".competencies", fmt(gettext("A pillar has at most {limit} competencies."), { limit: limits.competencies || 50 }));
      }
      pillar.competencies.forEach(function (competency, c) {
        var field = base + ".competencies." + c;
        checkId(field + ".id", competency.id, competencyIds, gettext("Another competency already has the id '{id}'."));
        if (!competency.text.trim()) {
          add(field + ".text", gettext("Write the competency statement."));
        } else {
          tooLong(field + ".text", competency.text, limits.text || 1000);
        }
      });
    });
    return problems;
  }

  return {deriveIds: deriveIds, validate: validate};
};
