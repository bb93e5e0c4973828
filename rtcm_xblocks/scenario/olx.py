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
from rtcm_xblocks.scenario.graph import OUTCOMES, Choice, Ending, Image, Scenario, Step

__all__ = ["OlxError", "parse_scenario", "parse_scenario_string", "scenario_to_string", "start_step_attributes",
           "start_step_of", "write_scenario"]

ROOT = "rtcm_scenario"
START_STEP = "start_step"
# The platform's release date; before `start_step` existed, the scenario's own name for the start step.
OLD_START = "start"
# xml:space="preserve" keeps white space between inline elements through Open edX's course import,
# whose parser drops "blank" text nodes (remove_blank_text=True): "<b>a</b> <i>b</i>" would become "ab".
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
ATTRIBUTES = {
    "step": {"id", "title", XML_SPACE},
    "image": {"src", "alt"},
    "choice": {"id", "to", "points", "expert", XML_SPACE},
    "ending": {"id", "title", "outcome", "points", XML_SPACE},
    "intro": {XML_SPACE}, "body": {XML_SPACE}, "label": {XML_SPACE}, "feedback": {XML_SPACE},
}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                 "wbr"}
_INTEGER = re.compile(r"[+-]?[0-9]{1,9}")
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
    intro, steps, endings = None, [], []
    for child in _elements(node):
        if child.tag == "intro":
            if intro is not None:
                raise OlxError(f"<{ROOT}> has more than one <intro> (line {child.sourceline}).")
            _check_attributes(child, "<intro>")
            intro = _html(child)
        elif child.tag == "step":
            steps.append(_parse_step(child))
        elif child.tag == "ending":
            endings.append(_parse_ending(child))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in <{ROOT}> (line {child.sourceline}); "
                           f"expected <intro>, <step> or <ending>.")
    return Scenario(intro=intro or "", steps=tuple(steps), endings=tuple(endings), start=start_step_of(node))


def _parse_step(element):
    """A Step from `<step id title>` with optional <body>, <image> and its <choice> children."""
    step_id = _required_id(element, "<step>")
    where = f'<step id="{excerpt(step_id)}">'
    _check_attributes(element, where)
    _refuse_text(element, where)
    body, image, choices = None, None, []
    for child in _elements(element):
        if child.tag == "body":
            body = _single(body, child, where, lambda: _html(child))
        elif child.tag == "image":
            image = _single(image, child, where, lambda: _parse_image(child, where))
        elif child.tag == "choice":
            choices.append(_parse_choice(child, step_id))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <body>, <image> or <choice>.")
    return Step(id=step_id, title=_plain_attribute(element, "title"), body=body or "", image=image,
                choices=tuple(choices))


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
    label, feedback = None, None
    for child in _elements(element):
        if child.tag == "label":
            label = _single(label, child, where, lambda: plain_text(_inner_html(child, text_as_html=True)))
        elif child.tag == "feedback":
            feedback = _single(feedback, child, where, lambda: _html(child))
        else:
            raise OlxError(f"Unknown element <{excerpt(child.tag)}> in {where} (line {child.sourceline}); "
                           f"expected <label> or <feedback>.")
    return Choice(id=choice_id, label=label or "", to=target, points=_points(element, where),
                  expert=_boolean(element, "expert", where), feedback=feedback or "")


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
    outcome = element.get("outcome", "neutral")
    if outcome not in OUTCOMES:
        raise OlxError(f'{where} has outcome="{excerpt(outcome)}"; expected one of {", ".join(OUTCOMES)} '
                       f"(line {element.sourceline}).")
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
        if child.tag in ("intro", "body", "label", "feedback") and set(child.attrib) - {XML_SPACE}:
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
    added = []
    if scenario.intro:
        added.append(_html_element(node, "intro", scenario.intro))
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


def _write_step(node, step):
    element = _sub(node, "step", id=step.id, title=step.title)
    if step.body:
        _html_element(element, "body", step.body)
    if step.image is not None:
        _sub(element, "image", src=step.image.src, alt=step.image.alt)
    for choice in step.choices:
        child = _sub(element, "choice", id=choice.id, to=choice.to, points=str(choice.points))
        if choice.expert:
            child.set("expert", "true")
        label = etree.SubElement(child, "label")
        label.text = _xml_safe(choice.label)
        if choice.feedback:
            _html_element(child, "feedback", choice.feedback)
    return element


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
    if element.tag in ("intro", "body", "feedback"):
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
