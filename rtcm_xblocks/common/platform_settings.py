"""The platform's own settings on our OLX elements: read into the runtime's fields, or kept verbatim, and written back.

On Open edX every block class is mixed with the platform's `XBLOCK_MIXINS`, whose settings fields
(`start` the release date, `due`, `visible_to_staff_only`, `group_access`, `max_attempts` …) can
appear as attributes of any block's element. A runtime that has such a field gets the value set
through that field, read as the platform's own XML import reads attributes; an attribute no field
of the runtime knows (the SDK workbench has none of the platform's), or a value the field cannot
read, is kept as written in the block's `platform_attributes` and written back on export, so an
import/export round trip through any runtime loses none of them.
"""
import json
import logging

from xblock.fields import Dict, Scope

from rtcm_xblocks.common.i18n import N_

__all__ = ["keep_platform_settings", "platform_attributes_field", "read_attribute", "write_platform_settings"]

log = logging.getLogger(__name__)
FIELD = "platform_attributes"


def platform_attributes_field():
    """The settings field that keeps attributes no field of the runtime can hold."""
    return Dict(
        help=N_("Attributes of the OLX element that are neither settings of this block nor fields the runtime "
                "knows (such as the platform's own settings in a runtime without them), kept as written so "
                "that export gives them back."),
        default={},
        scope=Scope.settings,
    )


def keep_platform_settings(block, attributes):
    """Set `attributes` (name → raw string; none of them the block's own) on the runtime's fields, keep the rest.

    Every value the runtime's field cannot read is kept verbatim, never failing the import: the
    platform turns any exception while importing a block into an error block.
    """
    kept = {}
    for name, raw in attributes.items():
        field = block.fields.get(name)
        if field is None or name == FIELD or field.scope != Scope.settings:
            kept[name] = raw
            continue
        try:
            setattr(block, name, read_attribute(field, raw))
        except Exception:  # pylint: disable=broad-except
            # The runtime's field types raise what they like (dateutil, yaml, json errors …).
            log.warning("<%s %s=%r> cannot be read by the runtime's field; kept as written.",
                        block.scope_ids.block_type, name, raw)
            kept[name] = raw
    if kept:
        setattr(block, FIELD, kept)


def read_attribute(field, raw):
    """`raw` as edx-platform's XML import reads an attribute (xml_block.py `deserialize_field`).

    JSON when it parses and the field takes it, else the plain string: `due="2030-04-01"` is a date,
    `visible_to_staff_only="true"` a boolean, the JSON-quoted dates of an export are read back. Not
    XBlock's YAML `from_string`, whose aliases can make a few bytes of attribute expand without end.
    """
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return field.from_json(raw)
    if value is None:
        return None
    try:
        return field.from_json(value)
    except (TypeError, ValueError):
        return field.from_json(raw)


def write_platform_settings(block, node):
    """Write back the kept attributes that no field has written to `node` already."""
    for name, raw in (getattr(block, FIELD, None) or {}).items():
        if name not in node.attrib:
            node.set(name, raw)
