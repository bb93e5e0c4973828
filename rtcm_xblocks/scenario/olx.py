"""OLX for `<rtcm_scenario>`: readable XML to the scenario model and back, without loss.

Author HTML (intro, step bodies, feedback, ending bodies) lives in the XML as real child elements
and is sanitized with nh3 on import; titles, labels and alt texts are plain text. Parsing never
resolves entities or loads a DTD (common.safe_xml), and anything unexpected is an OlxError naming
the element, its id and its line (quoting at most a short prefix of any value: common.quoting).

The start step is the root's `start_step` attribute. `start` belongs to the platform (every block's
release date, a settings field of Open edX's InheritanceMixin), so it is never written; OLX written
before the rename, whose `start` names one of the scenario's steps, is still read as the start step
(see `start_step_of`).
"""
import html
import re

import lxml.html
from lxml import etree

from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.safe_xml import UnsafeXMLError, XMLSyntaxError, check_safe, parse_xml_string
from rtcm_xblocks.common.sanitize import clean_html, is_safe_link, plain_text
from rtcm_xblocks.needs.framework import COMPETENCY_ID
from rtcm_xblocks.scenario.model import (MEDIA_TYPES, OUTCOMES, VARIABLE_TYPES, Character, Choice, CompetencyPoints,
                                          Effect, Ending, Hint, Image, Line, Media, Scenario, Step, Variable, Variant)

__all__ = ["CASE_FLAGS", "OlxError", "parse_scenario", "parse_scenario_string", "scenario_to_string", "start_step_attributes",
           "start_step_of", "write_scenario"]

ROOT = "rtcm_scenario"
# Root attributes that belong to the case (Scenario), true or false; absent is false.
CASE_FLAGS = ("shuffle_choices", "allow_back")
START_STEP = "start_step"
# The platform's release date; before `start_step` existed, the scenario's own name for the start step.
OLD_START = "start"
# xml:space="preserve" keeps white space between inline elements through Open edX's course import,
# whose parser drops "blank" text nodes (remove_blank_text=True): "<b>a</b> <i>b</i>" would become "ab".
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
ATTRIBUTES = {
    "variable": {"id", "type", "initial", "min", "max", "label", "shown"},
    "character": {"id", "name", "portrait"},
    "step": {"id", "title", "time_limit", "fixed_order", XML_SPACE},
    "image": {"src", "alt"},
    "media": {"type", "src", "captions", "captions_lang", XML_SPACE},
    "choice": {"id", "to", "points", "expert", "when", "timeout", XML_SPACE},
    "set": {"var", "value"}, "add": {"var", "value"},
    "competency": {"id", "points"},
    "ending": {"id", "title", "outcome", "points", XML_SPACE},
    "intro": {XML_SPACE}, "body": {XML_SPACE}, "label": {XML_SPACE}, "feedback": {XML_SPACE},
    "variant": {"when", XML_SPACE}, "line": {"by", "when", XML_SPACE}, "hint": {"cost", XML_SPACE},
    "transcript": {XML_SPACE},
}
# Elements holding author HTML (read as HTML, sanitized, white space their own).
HTML_ELEMENTS = ("intro", "body", "feedback", "variant", "line", "hint", "transcript")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                 "wbr"}
_INTEGER = re.compile(r"[+-]?[0-9]{1,9}")
# Variable bounds and effect values: whole numbers within this magnitude.
MAX_MAGNITUDE = 1_000_000
MAX_HINT_COST = 1000
TIME_LIMITS = (5, 3600)  # seconds; 0 means no limit
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")
MAX_CONDITION = 500
# Characters XML 1.0 cannot carry at all; they are dropped on export.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
INDENT = "  "


class OlxError(ValueError):
    """The OLX of a scenario cannot be read; the message names the element, id and line."""


# --- reading -------------------------------------------------------------------------------------


def parse_scenario_string(text):
    """Parse an `<rtcm_scenario>` document: (root attributes except the start step's, as strings; the Scenario)."""
    try:
        root = parse_xml_string(text)
    except XMLSyntaxError as error:
        raise OlxError(f"The scenario OLX is not well-formed XML: {excerpt(str(error), 200)}") from error
    except UnsafeXMLError as error:
        raise OlxError(str(error)) from error
    scenario = parse_scenario(root)
    attributes = {str(key): str(value) for key, value in root.attrib.items()
                  if key not in start_step_attributes(root)}
    return attributes, scenario


def start_step_of(node):
    """The start step id an `<rtcm_scenario>` element names, or None for the first step.

    `start_step` when present; otherwise an old-style `start` that is the id of one of its steps.
    Any other `start` is the platform's release date and none of the scenario's business.
    """
    if node.get(START_STEP) is not None:
        return node.get(START_STEP) or None
    old = node.get(OLD_START)
    if old and any(child.get("id") == old for child in _elements(node) if child.tag == "step"):
        return old
    return None


def start_step_attributes(node):
    """The root attributes of `node` that name its start step (so are not the platform's)."""
    if node.get(START_STEP) is not None:
        return {START_STEP}
    return {OLD_START} if start_step_of(node) else set()


def parse_scenario(node):
    """The Scenario held by an lxml `<rtcm_scenario>` element (its start step and children)."""
    try:
        check_safe(node)
    except UnsafeXMLError as error:
        raise OlxError(str(error)) from error
    if node.tag != ROOT:
        raise OlxError(f"Expected <{ROOT}>, found <{excerpt(node.tag)}> (line {node.sourceline}).")
    _refuse_text(node, f"<{ROOT}>")
    intro, steps, endings, variables, characters = None, [], [], [], []
    for child in _elements(node):
        if child.tag == "intro":
            if intro is not None:
                raise OlxError(f"<{ROOT}> has more than one <intro> (line {child.sourceline}).")
            _check_attributes(child, "<intro>")
            intro = _html(child)
        elif child.tag == "variable":
            variables.append(_parse_variable(child))
        elif child.tag == "character":
            characters.append(_parse_character(child))
        elif child.tag == "step":
            steps.append(_parse_step(child))
        elif child.tag == "ending":
            endings.append(_parse_ending(child))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in <{ROOT}> (line {child.sourceline}); "
                           f"expected <intro>, <variable>, <character>, <step> or <ending>.")
    flags = {name: _boolean(node, name, f"<{ROOT}>") for name in CASE_FLAGS}
    return Scenario(intro=intro or "", steps=tuple(steps), endings=tuple(endings), start=start_step_of(node),
                    variables=tuple(variables), characters=tuple(characters), **flags)


def _parse_variable(element):
    """A Variable from `<variable id type initial min max label shown>` (an empty element)."""
    variable_id = _required_id(element, "<variable>")
    where = f'<variable id="{excerpt(variable_id)}">'
    _check_attributes(element, where)
    _refuse_content(element, where)
    kind = _one_of(element, "type", VARIABLE_TYPES, "number", where)
    label, shown = _plain_attribute(element, "label"), _boolean(element, "shown", where)
    if kind == "flag":
        for name in ("min", "max"):
            if element.get(name) is not None:
                raise OlxError(f'{where} is a flag: it takes no "{name}" (line {element.sourceline}).')
        return Variable(id=variable_id, type=kind, initial=_boolean(element, "initial", where), label=label,
                        shown=shown)
    low, high = _whole(element, "min", where, -100), _whole(element, "max", where, 100)
    initial = _whole(element, "initial", where, 0)
    if low > high:
        raise OlxError(f'{where} has min="{low}" above max="{high}" (line {element.sourceline}).')
    if not low <= initial <= high:
        raise OlxError(f'{where} has initial="{initial}" outside {low}..{high} (line {element.sourceline}).')
    return Variable(id=variable_id, type=kind, initial=initial, min=low, max=high, label=label, shown=shown)


def _parse_character(element):
    """A Character from `<character id name portrait>` (an empty element)."""
    character_id = _required_id(element, "<character>")
    where = f'<character id="{excerpt(character_id)}">'
    _check_attributes(element, where)
    _refuse_content(element, where)
    return Character(id=character_id, name=_plain_attribute(element, "name"),
                     portrait=_link(element, "portrait", where))


def _parse_step(element):
    """A Step from `<step id title>` with optional <body>, <image> and its <choice> children."""
    step_id = _required_id(element, "<step>")
    where = f'<step id="{excerpt(step_id)}">'
    _check_attributes(element, where)
    _refuse_text(element, where)
    body, image, media, hint, choices, variants, lines = None, None, None, None, [], [], []
    for child in _elements(element):
        if child.tag == "body":
            body = _single(body, child, where, lambda: _html(child))
        elif child.tag == "image":
            image = _single(image, child, where, lambda: _parse_image(child, where))
        elif child.tag == "media":
            media = _single(media, child, where, lambda: _parse_media(child, where))
        elif child.tag == "variant":
            _check_attributes(child, f"<variant> of {where}")
            variants.append(Variant(when=_condition(child, f"<variant> of {where}", required=True), body=_html(child)))
        elif child.tag == "line":
            _check_attributes(child, f"<line> of {where}")
            by = (child.get("by") or "").strip()
            if not by:
                raise OlxError(f'<line> of {where} has no "by" (line {child.sourceline}).')
            lines.append(Line(by=by, when=_condition(child, f"<line> of {where}"), body=_html(child)))
        elif child.tag == "hint":
            hint = _single(hint, child, where, lambda: _parse_hint(child, where))
        elif child.tag == "choice":
            choices.append(_parse_choice(child, step_id))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <body>, <variant>, <image>, <media>, <line>, <hint> or <choice>.")
    time_limit = _whole(element, "time_limit", where, 0)
    if time_limit and not TIME_LIMITS[0] <= time_limit <= TIME_LIMITS[1]:
        raise OlxError(f'{where} has time_limit="{time_limit}"; a time limit is {TIME_LIMITS[0]} to {TIME_LIMITS[1]} '
                       f"seconds, or 0 for none (line {element.sourceline}).")
    return Step(id=step_id, title=_plain_attribute(element, "title"), body=body or "", image=image,
                choices=tuple(choices), variants=tuple(variants), media=media, lines=tuple(lines), hint=hint,
                time_limit=time_limit, fixed_order=_boolean(element, "fixed_order", where))


def _parse_media(element, where):
    """A Media from `<media type src captions captions_lang>` with an optional <transcript>."""
    where = f"<media> of {where}"
    _check_attributes(element, where)
    _refuse_text(element, where)
    kind = _one_of(element, "type", MEDIA_TYPES, "video", where)
    src = _link(element, "src", where)
    if not src:
        raise OlxError(f"{where} has no src (line {element.sourceline}).")
    transcript = None
    for child in _elements(element):
        if child.tag != "transcript":
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <transcript>.")
        _check_attributes(child, f"<transcript> of {where}")
        transcript = _single(transcript, child, where, lambda: _html(child))
    language = (element.get("captions_lang") or "").strip()
    if language and not LANGUAGE_TAG.fullmatch(language):
        raise OlxError(f'{where} has captions_lang="{excerpt(language)}", which is not a language tag such as "en" '
                       f"or \"fa-IR\" (line {element.sourceline}).")
    return Media(type=kind, src=src, captions=_link(element, "captions", where), captions_lang=language,
                 transcript=transcript or "")


def _parse_hint(element, where):
    """A Hint from `<hint cost>` holding HTML."""
    _check_attributes(element, f"<hint> of {where}")
    cost = _whole(element, "cost", f"<hint> of {where}", 0)
    if not 0 <= cost <= MAX_HINT_COST:
        raise OlxError(f'<hint> of {where} has cost="{cost}"; a cost is 0 to {MAX_HINT_COST} points '
                       f"(line {element.sourceline}).")
    return Hint(body=_html(element), cost=cost)


def _parse_image(element, where):
    """An Image from `<image src alt>`; only http(s) or relative sources are accepted."""
    _check_attributes(element, f"<image> of {where}")
    if len(element) or (element.text or "").strip():
        raise OlxError(f"<image> of {where} must be empty (line {element.sourceline}).")
    src = (element.get("src") or "").strip()
    if not src:
        raise OlxError(f"<image> of {where} has no src (line {element.sourceline}).")
    if not is_safe_link(src) or _NOT_XML.search(src):
        raise OlxError(f'<image> of {where} has src="{excerpt(src)}", which is not an http(s) or relative URL '
                       f"(line {element.sourceline}).")
    return Image(src=src, alt=_plain_attribute(element, "alt"))


def _parse_choice(element, step_id):
    """A Choice from `<choice id to points expert>` with <label> and optional <feedback>."""
    choice_id = _required_id(element, f'<choice> of step "{excerpt(step_id)}"')
    where = f'<choice id="{excerpt(choice_id)}"> of step "{excerpt(step_id)}"'
    _check_attributes(element, where)
    _refuse_text(element, where)
    target = element.get("to")
    if not target or not target.strip():
        raise OlxError(f'{where} has no "to" (line {element.sourceline}).')
    label, feedback, effects, competencies = None, None, [], []
    for child in _elements(element):
        if child.tag == "label":
            label = _single(label, child, where, lambda: plain_text(_inner_html(child, text_as_html=True)))
        elif child.tag == "feedback":
            feedback = _single(feedback, child, where, lambda: _html(child))
        elif child.tag in ("set", "add"):
            effects.append(_parse_effect(child, where))
        elif child.tag == "competency":
            competencies.append(_parse_competency(child, where))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <label>, <feedback>, <set>, <add> or <competency>.")
    return Choice(id=choice_id, label=label or "", to=target, points=_points(element, where),
                  expert=_boolean(element, "expert", where), feedback=feedback or "",
                  when=_condition(element, where), timeout=_boolean(element, "timeout", where),
                  effects=tuple(effects), competencies=tuple(competencies))


def _parse_effect(element, where):
    """An Effect from `<set var value>` or `<add var value>`: a whole number, or true/false (set only)."""
    where = f"<{element.tag}> of {where}"
    _check_attributes(element, where)
    _refuse_content(element, where)
    variable = (element.get("var") or "").strip()
    if not variable:
        raise OlxError(f'{where} has no "var" (line {element.sourceline}).')
    raw = (element.get("value") or "").strip()
    if element.tag == "set" and raw.lower() in ("true", "false"):
        return Effect(op="set", var=variable, value=raw.lower() == "true")
    return Effect(op=element.tag, var=variable, value=_whole(element, "value", where, None))


def _parse_competency(element, where):
    """CompetencyPoints from `<competency id points>`."""
    where = f"<competency> of {where}"
    _check_attributes(element, where)
    _refuse_content(element, where)
    competency = (element.get("id") or "").strip()
    if not COMPETENCY_ID.fullmatch(competency):
        raise OlxError(f'{where} has id="{excerpt(competency)}"; a competency id is at most 100 letters, digits, '
                       f'".", "_", ":" or "-", such as "law-rights.non-refoulement" (line {element.sourceline}).')
    return CompetencyPoints(id=competency, points=_points(element, where))


def _parse_ending(element):
    """An Ending from `<ending id title outcome points>` with an optional <body>."""
    ending_id = _required_id(element, "<ending>")
    where = f'<ending id="{excerpt(ending_id)}">'
    _check_attributes(element, where)
    _refuse_text(element, where)
    body = None
    for child in _elements(element):
        if child.tag != "body":
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <body>.")
        body = _single(body, child, where, lambda: _html(child))
    outcome = _one_of(element, "outcome", OUTCOMES, "neutral", where)
    return Ending(id=ending_id, title=_plain_attribute(element, "title"), body=body or "", outcome=outcome,
                  points=_points(element, where))


def _elements(node):
    """The element children of `node`, skipping comments and processing instructions."""
    return [child for child in node if isinstance(child.tag, str)]


def _check_attributes(element, where):
    unknown = sorted(set(element.attrib) - ATTRIBUTES[element.tag])
    if unknown:
        raise OlxError(f"{where} has unknown attribute {excerpt(_attribute_name(unknown[0]))!r} "
                       f"(line {element.sourceline}).")
    for child in _elements(element):
        if child.tag in ("intro", "body", "label", "feedback", "transcript") and set(child.attrib) - {XML_SPACE}:
            raise OlxError(f"<{child.tag}> in {where} takes no attributes but xml:space (line {child.sourceline}).")


def _attribute_name(key):
    return f"xml:{key.split('}')[1]}" if key.startswith("{http://www.w3.org/XML/1998/namespace}") else key


def _refuse_text(element, where):
    """Structural elements hold elements only; stray text is most likely a misplaced body."""
    texts = [element.text] + [child.tail for child in element]
    if any(text and text.strip() for text in texts):
        raise OlxError(f"Unexpected text in {where} (line {element.sourceline}); "
                       f"put it in a <body>, <label> or <feedback>.")


def _single(previous, child, where, read):
    if previous is not None:
        raise OlxError(f"{where} has more than one <{child.tag}> (line {child.sourceline}).")
    return read()


def _required_id(element, where):
    value = element.get("id")
    if value is None or not value.strip():
        raise OlxError(f"{where} has no id (line {element.sourceline}).")
    return value


def _one_of(element, name, values, default, where):
    """An attribute that is one of `values` (`default` when absent)."""
    value = element.get(name, default)
    if value not in values:
        raise OlxError(f'{where} has {name}="{excerpt(value)}"; expected one of {", ".join(values)} '
                       f"(line {element.sourceline}).")
    return value


def _refuse_content(element, where):
    """Empty elements (a variable, a character, an effect, competency points) hold nothing."""
    if len(_elements(element)) or (element.text or "").strip():
        raise OlxError(f"{where} must be empty (line {element.sourceline}).")


def _whole(element, name, where, default):
    """A whole-number attribute within ±MAX_MAGNITUDE; `default` when absent (None: required)."""
    value = element.get(name)
    if value is None and default is not None:
        return default
    if value is None or not _INTEGER.fullmatch(value.strip()) or abs(int(value)) > MAX_MAGNITUDE:
        raise OlxError(f'{where} has {name}="{excerpt(value or "")}", which is not a whole number from '
                       f"-{MAX_MAGNITUDE} to {MAX_MAGNITUDE} (line {element.sourceline}).")
    return int(value)


def _link(element, name, where):
    """A URL attribute: empty, or an http(s) or relative link (common.sanitize.is_safe_link)."""
    value = (element.get(name) or "").strip()
    if value and (not is_safe_link(value) or _NOT_XML.search(value)):
        raise OlxError(f'{where} has {name}="{excerpt(value)}", which is not an http(s) or relative URL '
                       f"(line {element.sourceline}).")
    return value


def _condition(element, where, required=False):
    """A `when` condition's text as written (checked by validation.validate, which names what is wrong)."""
    value = element.get("when")
    text = " ".join((value or "").split())
    if required and not text:
        raise OlxError(f'{where} has no "when" condition (line {element.sourceline}).')
    if len(text) > MAX_CONDITION:
        raise OlxError(f"{where} has a condition longer than {MAX_CONDITION} characters (line {element.sourceline}).")
    return text


def _points(element, where):
    value = element.get("points")
    if value is None:
        return 0
    if not _INTEGER.fullmatch(value.strip()):
        raise OlxError(f'{where} has points="{excerpt(value)}", which is not a whole number (line {element.sourceline}).')
    return int(value)


def _boolean(element, name, where):
    value = element.get(name)
    if value is None:
        return False
    if value.strip().lower() not in ("true", "false"):
        raise OlxError(f'{where} has {name}="{excerpt(value)}"; expected "true" or "false" (line {element.sourceline}).')
    return value.strip().lower() == "true"


def _plain_attribute(element, name):
    """An attribute as plain text (common.sanitize.plain_text), read as the editor reads a typed title.

    Stored plain text holds no tag ("&lt;b>" stays that text), and is written back unchanged, so
    export and import give the same text again.
    """
    return plain_text(element.get(name, ""))


def _html(element):
    """The inner XML of `element` read as HTML and sanitized."""
    return clean_html(_inner_html(element))


def _inner_html(element, text_as_html=False):
    """Serialize the content of an XML element as HTML (so <span></span> never becomes <span/>).

    With `text_as_html`, text is passed on as it is (for plain text, which is read as the editor
    reads a typed label: see `_plain_attribute`); otherwise it is escaped.
    """
    parts = [_text(element.text, text_as_html)]
    for child in element:
        parts.append(_outer_html(child, text_as_html))
    return "".join(parts)


def _text(text, as_html):
    return (text or "") if as_html else html.escape(text or "", quote=False)


def _outer_html(element, text_as_html=False):
    tail = _text(element.tail, text_as_html)
    if not isinstance(element.tag, str):
        return tail
    tag = etree.QName(element).localname
    attributes = "".join(f' {etree.QName(key).localname}="{html.escape(value, quote=True)}"'
                         for key, value in element.attrib.items())
    inner = _inner_html(element, text_as_html)
    if tag in VOID_ELEMENTS:
        return f"<{tag}{attributes}>{inner}{tail}"
    return f"<{tag}{attributes}>{inner}</{tag}>{tail}"


# --- writing -------------------------------------------------------------------------------------


def scenario_to_string(attributes, scenario):
    """A pretty-printed `<rtcm_scenario>` document with `attributes` (a `start_step` in them is ignored)."""
    root = etree.Element(ROOT)
    for key, value in attributes.items():
        if key != START_STEP:
            root.set(key, _xml_safe(str(value)))
    write_scenario(scenario, root)
    return etree.tostring(root, encoding="unicode") + "\n"


def write_scenario(scenario, node):
    """Append the scenario's children to `node`, set its `start_step`, and indent what was added."""
    if scenario.start:
        node.set(START_STEP, _xml_safe(scenario.start))
    elif START_STEP in node.attrib:
        del node.attrib[START_STEP]
    for name in CASE_FLAGS:
        if getattr(scenario, name):
            node.set(name, "true")
        elif name in node.attrib:
            del node.attrib[name]
    added = []
    if scenario.intro:
        added.append(_html_element(node, "intro", scenario.intro))
    for variable in scenario.variables:
        added.append(_write_variable(node, variable))
    for character in scenario.characters:
        element = _sub(node, "character", id=character.id, name=character.name)
        if character.portrait:
            element.set("portrait", _xml_safe(character.portrait))
        added.append(element)
    for step in scenario.steps:
        added.append(_write_step(node, step))
    for ending in scenario.endings:
        element = _sub(node, "ending", id=ending.id, title=ending.title, outcome=ending.outcome)
        if ending.points:
            element.set("points", str(ending.points))
        if ending.body:
            _html_element(element, "body", ending.body)
        added.append(element)
    _indent(node, added, len(list(node.iterancestors())))


def _write_variable(node, variable):
    element = _sub(node, "variable", id=variable.id, type=variable.type)
    if variable.is_flag:
        element.set("initial", _boolean_text(variable.initial))
    else:
        for name in ("initial", "min", "max"):
            element.set(name, str(getattr(variable, name)))
    if variable.label:
        element.set("label", _xml_safe(variable.label))
    if variable.shown:
        element.set("shown", "true")
    return element


def _write_step(node, step):
    element = _sub(node, "step", id=step.id, title=step.title)
    if step.time_limit:
        element.set("time_limit", str(step.time_limit))
    if step.fixed_order:
        element.set("fixed_order", "true")
    if step.body:
        _html_element(element, "body", step.body)
    for variant in step.variants:
        _html_element(element, "variant", variant.body).set("when", _xml_safe(variant.when))
    if step.image is not None:
        _sub(element, "image", src=step.image.src, alt=step.image.alt)
    if step.media is not None:
        _write_media(element, step.media)
    for line in step.lines:
        child = _html_element(element, "line", line.body)
        child.set("by", _xml_safe(line.by))
        if line.when:
            child.set("when", _xml_safe(line.when))
    if step.hint is not None:
        child = _html_element(element, "hint", step.hint.body)
        if step.hint.cost:
            child.set("cost", str(step.hint.cost))
    for choice in step.choices:
        _write_choice(element, choice)
    return element


def _write_media(element, media):
    child = _sub(element, "media", type=media.type, src=media.src)
    if media.captions:
        child.set("captions", _xml_safe(media.captions))
    if media.captions_lang:
        child.set("captions_lang", _xml_safe(media.captions_lang))
    if media.transcript:
        _html_element(child, "transcript", media.transcript)


def _write_choice(element, choice):
    child = _sub(element, "choice", id=choice.id, to=choice.to, points=str(choice.points))
    if choice.expert:
        child.set("expert", "true")
    if choice.when:
        child.set("when", _xml_safe(choice.when))
    if choice.timeout:
        child.set("timeout", "true")
    label = etree.SubElement(child, "label")
    label.text = _xml_safe(choice.label)
    if choice.feedback:
        _html_element(child, "feedback", choice.feedback)
    for effect in choice.effects:
        value = _boolean_text(effect.value) if isinstance(effect.value, bool) else str(effect.value)
        _sub(child, effect.op, var=effect.var, value=value)
    for item in choice.competencies:
        _sub(child, "competency", id=item.id, points=str(item.points))


def _boolean_text(value):
    return "true" if value else "false"


def _sub(parent, tag, **attributes):
    element = etree.SubElement(parent, tag)
    for key, value in attributes.items():
        element.set(key, _xml_safe(value))
    return element


def _xml_safe(text):
    return _NOT_XML.sub("", text)


def _html_element(parent, tag, content):
    """Append <tag> holding the sanitized HTML `content` as XHTML child elements."""
    element = etree.SubElement(parent, tag)
    cleaned = _xml_safe(clean_html(content))
    if not cleaned:
        return element
    # wrapped by hand: create_parent= would drop leading text that str.strip() removes, such as &nbsp;
    wrapper = lxml.html.fragment_fromstring(f"<div>{cleaned}</div>")
    element.text = wrapper.text
    for fragment in list(wrapper):
        element.append(fragment)
    blank = False
    for descendant in element.iterdescendants():
        # an empty <span/> would be read back by an HTML parser as an open <span>
        if descendant.tag not in VOID_ELEMENTS and descendant.text is None and not len(descendant):
            descendant.text = ""
        texts = (descendant.text, descendant.tail if descendant is not element[-1] else None)
        blank = blank or any(text and not text.strip() for text in texts)
    if blank:
        element.set(XML_SPACE, "preserve")
    return element


def _indent(node, added, level):
    """Indent the structural elements we added; HTML content keeps its own white space.

    White-space text is placed inside every element we touch, which also stops an lxml
    `pretty_print` later on (Open edX export) from reformatting the HTML inside it.
    """
    if not added:
        return
    inner = "\n" + INDENT * (level + 1)
    previous = added[0].getprevious()
    if previous is None:
        if not (node.text or "").strip():
            node.text = inner
    elif not (previous.tail or "").strip():
        previous.tail = inner
    for element in added:
        element.tail = inner
        _indent_content(element, level + 1)
    added[-1].tail = "\n" + INDENT * level


def _indent_content(element, level):
    children = _elements(element)
    if element.tag in HTML_ELEMENTS:
        if children:
            element.text = "\n" + INDENT * (level + 1) + (element.text or "")
            children[-1].tail = (children[-1].tail or "") + "\n" + INDENT * level
        return
    if not children:
        return
    inner = "\n" + INDENT * (level + 1)
    element.text = inner
    for child in children:
        child.tail = inner
        _indent_content(child, level + 1)
    children[-1].tail = "\n" + INDENT * level
