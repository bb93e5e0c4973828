/* Rich text fields of the scenario editor: a contenteditable area with a small toolbar. Loaded and
   pasted HTML is reduced in the browser to the tags the server keeps (which sanitizes again on save).
   `kit` gives the editor's helpers: el, append, format, gettext and fieldId. */
window.RtcmRichText = function (kit) {
  "use strict";
  var el = kit.el, append = kit.append, format = kit.format, gettext = kit.gettext, fieldId = kit.fieldId;
  var ALLOWED = {
    P: [], BR: [], STRONG: [], EM: [], B: [], I: [], U: [], S: [], SUB: [], SUP: [], SMALL: [], MARK: [],
    UL: [], OL: [], LI: [], A: ["href", "title"], H3: [], H4: [], H5: [], BLOCKQUOTE: [], CODE: [], PRE: [],
    HR: [], IMG: ["src", "alt", "width", "height"], FIGURE: [], FIGCAPTION: [], TABLE: [], THEAD: [],
    TBODY: [], TR: [], TH: ["scope", "colspan", "rowspan"], TD: ["colspan", "rowspan"], CAPTION: [], SPAN: []
  };

  /* Author HTML reduced to the tags the server keeps, parsed inertly (DOMParser runs no script). */
  function safeNodes(html) {
    var doc = new DOMParser().parseFromString("<!DOCTYPE html><body>" + (html || ""), "text/html");
    cleanTree(doc.body);
    return Array.prototype.slice.call(doc.body.childNodes).map(function (node) {
      return document.importNode(node, true);
    });
  }

  function cleanTree(parent) {
    Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
      if (node.nodeType === 3) { return; }
      if (node.nodeType !== 1) { node.remove(); return; }
      var allowed = ALLOWED[node.tagName];
      if (!allowed) {
        if (/^(SCRIPT|STYLE|IFRAME|OBJECT|EMBED|TEMPLATE|SVG|MATH)$/.test(node.tagName)) {
          node.remove();
        } else {
          cleanTree(node);
          while (node.firstChild) { parent.insertBefore(node.firstChild, node); }
          node.remove();
        }
        return;
      }
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var name = attribute.name.toLowerCase();
        var keep = allowed.indexOf(name) >= 0 || name === "lang" || name === "dir";
        if (keep && (name === "href" || name === "src") && !safeUrl(attribute.value)) { keep = false; }
        if (!keep) { node.removeAttribute(attribute.name); }
      });
      cleanTree(node);
    });
  }

  function safeUrl(url) {
    var value = (url || "").trim().toLowerCase();
    var scheme = value.match(/^([a-z][a-z0-9+.-]*):/);
    return !scheme || ["http", "https", "mailto"].indexOf(scheme[1]) >= 0;
  }

  function richText(label, html, path, onChange) {
    var id = fieldId(path);
    var labelId = id + "-label";
    var area = el("div", {id: id, "class": "rtcm-studio__rich", contenteditable: "true", role: "textbox",
      "aria-multiline": "true", "aria-labelledby": labelId, "data-field": path, spellcheck: "true", dir: "auto"});
    append(area, safeNodes(html));
    function emit() { onChange(area.innerHTML === "<br>" ? "" : area.innerHTML); }
    area.addEventListener("input", emit);
    /* Pasted HTML (from a word processor, a web page) is reduced to what the server keeps before it lands. */
    area.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      event.preventDefault();
      var pasted = data.getData("text/html");
      if (pasted) {
        var holder = document.createElement("div");
        append(holder, safeNodes(pasted));
        document.execCommand("insertHTML", false, holder.innerHTML);
      } else {
        document.execCommand("insertText", false, data.getData("text/plain"));
      }
      emit();
    });
    function command(name, value) {
      area.focus();
      document.execCommand(name, false, value);
      emit();
    }
    var tools = el("div", {role: "group", "aria-label": format(gettext("Formatting of {field}"), {field: label}),
      "class": "rtcm-studio__tools"}, [
      tool(gettext("Bold"), "B", function () { command("bold"); }),
      tool(gettext("Italic"), "I", function () { command("italic"); }),
      tool(gettext("Bulleted list"), "\u2022", function () { command("insertUnorderedList"); }),
      tool(gettext("Numbered list"), "1.", function () { command("insertOrderedList"); }),
      tool(gettext("Link"), gettext("Link"), function () {
        var url = window.prompt(gettext("Link address (https://…)"), "https://");
        if (!url || !safeUrl(url) || url.trim() === "https://") { area.focus(); return; }
        command("createLink", url.trim());
      }),
      tool(gettext("Image"), gettext("Image"), function () {
        var src = window.prompt(gettext("Image address"), "/static/");
        if (!src || !safeUrl(src)) { area.focus(); return; }
        var alt = window.prompt(gettext("Describe the image for people who cannot see it (alt text)"), "");
        if (alt === null) { area.focus(); return; }
        var image = document.createElement("img");
        image.setAttribute("src", src.trim());
        image.setAttribute("alt", alt.trim());
        command("insertHTML", image.outerHTML);
      })
    ]);
    return el("div", {"class": "rtcm-studio__field rtcm-studio__field--rich"},
      [el("span", {id: labelId, "class": "rtcm-studio__label", text: label}), tools, area]);
  }

  function tool(name, glyph, action) {
    var node = el("button", {type: "button", "class": "rtcm-studio__tool", "aria-label": name, title: name},
      [el("span", {"aria-hidden": "true", text: glyph})]);
    node.addEventListener("mousedown", function (event) { event.preventDefault(); });
    node.addEventListener("click", action);
    return node;
  }

  return richText;
};
