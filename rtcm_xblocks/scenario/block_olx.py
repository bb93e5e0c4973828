"""The scenario block's OLX: `<rtcm_scenario>` attributes to settings and back, the case as child elements.

A mixin of ScenarioBlock. Settings are read and refused with an OlxError naming the attribute (at
most a short excerpt of its value); the platform's own settings (`start` as a release date, `due`,
`visible_to_staff_only`, `group_access` …) go to the runtime's fields of those names or are kept
verbatim (common.platform_settings); the case, its start step and its flags are `olx`'s.
"""
import re

from xblock.fields import Scope

from rtcm_xblocks.common.platform_settings import keep_platform_settings, write_platform_settings
from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.safe_xml import check_safe
from rtcm_xblocks.common.sanitize import plain_text
from rtcm_xblocks.scenario import graph, olx
from rtcm_xblocks.scenario.draft import MAX_ATTEMPTS, MAX_WEIGHT, PILLAR_PATTERN

__all__ = ["ScenarioOlxMixin"]


class ScenarioOlxMixin:
    """parse_xml and add_xml_to_node for ScenarioBlock."""

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Build the block from `<rtcm_scenario>`: attributes become settings, children the case.

        The platform's own settings (`start` as a release date, `due`, `visible_to_staff_only`,
        `group_access` …) are set on the runtime's fields of those names when it has them, and kept
        verbatim in `platform_attributes` otherwise, so that export gives them back untouched.
        """
        check_safe(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        ours = olx.start_step_attributes(node) | _RUNTIME_ATTRIBUTES | set(olx.CASE_FLAGS)
        for name, raw in node.items():
            if name in _ATTRIBUTE_PARSERS:
                setattr(block, name, _ATTRIBUTE_PARSERS[name](name, raw))
        keep_platform_settings(block, {name: raw for name, raw in node.items()
                                       if name not in ours and name not in _ATTRIBUTE_PARSERS})
        block.scenario = olx.parse_scenario(node).to_dict()
        return block

    def add_xml_to_node(self, node):
        """Export as readable OLX: settings as attributes, the case as child elements.

        Always self-contained: `display_name` is written even when it was never changed, so a new,
        empty scenario never looks like a pointer tag (`<rtcm_scenario url_name="…"/>`), which the
        platform would try to load from `rtcm_scenario/<url_name>.xml`.
        """
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        node.set("display_name", self.display_name or "")
        for name, field in self.fields.items():
            if name in _NOT_ATTRIBUTES or name == "display_name" or field.scope not in (Scope.settings, Scope.content):
                continue
            if not (field.is_set_on(self) or field.force_export):
                continue
            if name in _ATTRIBUTE_WRITERS:
                node.set(name, _ATTRIBUTE_WRITERS[name](getattr(self, name)))
            else:
                self._add_field(node, name, field)
        write_platform_settings(self, node)
        olx.write_scenario(self._scenario(), node)


def _choice_of(values):
    def parse(name, raw):
        if raw not in values:
            raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: must be one of {", ".join(values)}.')
        return raw
    return parse


def _parse_text(name, raw):
    text = plain_text(raw)
    if len(text) > 255:
        raise olx.OlxError(f"<rtcm_scenario {name}>: at most 255 characters.")
    return text


def _parse_pillar(name, raw):
    if raw and not PILLAR_PATTERN.match(raw):
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a short lower-case id such as "border".')
    return raw


def _parse_attempts(name, raw):
    value = int(raw) if re.fullmatch(r"\s*[0-9]{1,9}\s*", raw) else -1
    if not 0 <= value <= MAX_ATTEMPTS:
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a whole number from 0 to {MAX_ATTEMPTS}, '
                           f"0 for unlimited.")
    return value


def _parse_weight(name, raw):
    try:
        value = float(raw) if len(raw) <= 64 else -1.0
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_WEIGHT:  # also false for nan
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a number of points from 0 to {MAX_WEIGHT}.')
    return value


def _parse_boolean(name, raw):
    if raw.lower() not in ("true", "false"):
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: "true" or "false".')
    return raw.lower() == "true"


_ATTRIBUTE_PARSERS = {
    "display_name": _parse_text,
    "pillar": _parse_pillar,
    "scoring": _choice_of(graph.SCORING_MODES),
    "grading": _choice_of(graph.GRADING_MODES),
    "max_attempts": _parse_attempts,
    "weight": _parse_weight,
    "show_expert_path": _parse_boolean,
}
_ATTRIBUTE_WRITERS = {
    "max_attempts": str,
    "weight": lambda value: f"{value:g}",
    "show_expert_path": lambda value: "true" if value else "false",
}
# Attributes the runtime reads (url_name, xblock-family), not the block's settings; olx reads the start step's.
_RUNTIME_ATTRIBUTES = {"url_name", "xblock-family"}
# Fields that never become attributes: the case is written as child elements, the rest is runtime state;
# platform_attributes are written back one by one.
_NOT_ATTRIBUTES = {"scenario", "user_state", "children", "parent", "content", "platform_attributes"}
