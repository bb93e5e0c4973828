"""The platform's XML course import, mirrored: pointer tags, the vertical's pointer rule, and the error-block fall-back.

Mirrored from edx-platform:
- `xmodule/modulestore/xml.py` `ImportSystem.process_xml`: each element is re-serialized, parsed
  with `remove_blank_text=True`, turned into a block by `xblock_from_node`, and ANY exception while
  doing so makes an `ErrorBlock` of the element instead (`load_error_blocks=True`, the default);
- `xmodule/x_module.py` `XMLParsingSystem.xblock_from_node`: the usage id comes from `url_name`,
  the class is mixed with `XBLOCK_MIXINS`, and `parse_asides` pops `xblock-family` from every
  CHILD of the element before the element's own `parse_xml` runs;
- `xmodule/xml_block.py` `XmlMixin` (course, chapter, sequential, vertical, html, problem):
  `is_pointer_tag` (no children, no text, only `url_name`; a course pointer also has `org` and
  `course`), `load_definition_xml` from `<tag>/<url_name>.xml`, `load_metadata` (fields read with
  `deserialize_field`, the rest kept in `xml_attributes`);
- `xmodule/vertical_block.py` `definition_from_xml`: a child that is a pointer tag is replaced by
  `<tag>/<url_name>.xml` before it is parsed, WHATEVER its type (openedx-platform#37133, for the
  blocks extracted to xblocks-contrib); a child that fails is logged and left out of the unit;
- `xmodule/seq_block.py` (sequential, chapter, course): children parsed in order, failures left out.
Pure XBlocks (ours) are parsed by their own `parse_xml`; XBlock's own `parse_xml` has never
resolved pointer tags (openedx/XBlock#830 was not merged; XBlock 6.2 has none).

Known differences: no policy.json, no static assets, no drafts, no `make_name_unique` (the course
gives every element a url_name), html and problem are kept as opaque definitions
(`DefinitionBlock`), and ids are plain `CourseKey`/`UsageKey` tuples rather than opaque-keys.
"""
import copy
import json
import logging
import traceback
from typing import NamedTuple

from fs.osfs import OSFS
from lxml import etree
from xblock.core import XBlock
from xblock.fields import Dict, Scope, ScopeIds, String
from xblock.runtime import DictKeyValueStore, IdGenerator, IdReader, Runtime

from tests.platform.mixins import XBLOCK_MIXINS, inheriting_field_data

__all__ = ["CourseImport", "ErrorBlock", "EDX_XML_PARSER", "is_pointer_tag", "import_course"]

log = logging.getLogger(__name__)

# xmodule/modulestore/xml.py edx_xml_parser (set as lxml's default parser there)
EDX_XML_PARSER = etree.XMLParser(dtd_validation=False, load_dtd=False, remove_blank_text=True, encoding="utf-8")
CONTAINERS = ("course", "chapter", "sequential", "vertical")


class CourseKey(NamedTuple):
    """org, course, run: what a course's blocks share (opaque-keys' CourseLocator, the parts blocks use)."""

    org: str
    course: str
    run: str

    def __str__(self):
        return f"course-v1:{self.org}+{self.course}+{self.run}"

    def for_branch(self, branch):  # pylint: disable=unused-argument
        """The key without branch: the importer's keys never carry one."""
        return self

    def make_usage_key(self, block_type, block_id):
        """The usage key of a block of this course (CourseLocator.make_usage_key)."""
        return UsageKey(self, block_type, block_id)


class UsageKey(NamedTuple):
    """A block of a course by type and url_name (the platform's BlockUsageLocator; also its definition id)."""

    course_key: CourseKey
    block_type: str
    block_id: str

    def __str__(self):
        org, course, run = self.course_key
        return f"block-v1:{org}+{course}+{run}+type@{self.block_type}+block@{self.block_id}"


class CourseLocationManager(IdReader, IdGenerator):
    """Usage ids that are definition ids, named by url_name (modulestore/xml.py CourseLocationManager)."""

    def __init__(self, course_key):
        self.course_key = course_key
        self.autogen = 0

    def create_usage(self, def_id):
        return def_id

    def create_definition(self, block_type, slug=None):
        if slug is None:
            self.autogen += 1
            slug = f"autogen_{block_type}_{self.autogen}"
        return UsageKey(self.course_key, block_type, slug)

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        return def_id.block_type

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError("asides are not mirrored")

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError("asides are not mirrored")

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError("asides are not mirrored")

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError("asides are not mirrored")

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError("asides are not mirrored")


def is_pointer_tag(xml_obj):
    """True for `<tag url_name="…"/>`: no children, no text, no attribute but url_name (xml_block.py)."""
    expected = {"url_name"} if xml_obj.tag != "course" else {"url_name", "course", "org"}
    has_text = xml_obj.text is not None and len(xml_obj.text.strip()) > 0
    return len(xml_obj) == 0 and set(xml_obj.attrib.keys()) == expected and not has_text


def deserialize_field(field, value):
    """An attribute's string as the JSON value a field stores (xml_block.py deserialize_field)."""
    try:
        deserialized = json.loads(value)
        if deserialized is None:
            return deserialized
        try:
            field.from_json(deserialized)
            return deserialized
        except (ValueError, TypeError):
            return value
    except (ValueError, TypeError):
        return value


def serialize_field(value):
    """A field's JSON value as an attribute string (xml_block.py serialize_field)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


class XmlBlock(XBlock):
    """What XmlMixin gives the platform's built-in blocks: pointer tags, metadata attributes, file export."""

    xml_attributes = Dict(help="Unhandled xml attributes, kept between import and export", default={},
                          scope=Scope.settings)
    metadata_to_strip = ("data_dir", "tabs", "grading_policy", "discussion_blackouts", "course", "org", "url_name",
                         "filename", "xml_attributes", "x-is-pointer-node")

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        if is_pointer_tag(node):
            definition_xml = runtime.load_definition_xml(node)
            runtime.parse_asides(definition_xml)
        else:
            definition_xml = node
        definition, children = cls.definition_from_xml(definition_xml, runtime)
        metadata = cls.load_metadata(definition_xml)
        block = runtime.construct_xblock_from_class(cls, keys)
        for key, value in {**metadata, **definition}.items():
            setattr(block, key, cls.fields[key].from_json(value))
        if block.has_children:
            block.children = children
        return block

    @classmethod
    def load_metadata(cls, xml_object):
        """Attributes: a field's value by `deserialize_field`, anything else kept in `xml_attributes`."""
        metadata = {"xml_attributes": {}}
        for attr, value in xml_object.attrib.items():
            if attr in cls.metadata_to_strip:
                continue
            if attr in cls.fields:
                metadata[attr] = deserialize_field(cls.fields[attr], value)
            else:
                metadata["xml_attributes"][attr] = value
        return metadata

    @classmethod
    def definition_from_xml(cls, xml_object, system):
        raise NotImplementedError

    def definition_to_xml(self, export_fs):
        raise NotImplementedError

    def add_xml_to_node(self, node):
        """Write the definition to `<category>/<url_name>.xml` and leave a pointer in `node` (XmlMixin)."""
        xml_object = self.definition_to_xml(self.runtime.export_fs)
        for name, field in self.fields.items():
            if field.scope == Scope.settings and xml_object.get(name) is not None:
                del xml_object.attrib[name]
        xml_object.tag = self.category
        node.tag = self.category
        for attr in sorted(_explicitly_set(self, Scope.settings)):
            if attr not in self.metadata_to_strip:
                xml_object.set(attr, serialize_field(self.fields[attr].to_json(getattr(self, attr))))
        for key, value in self.xml_attributes.items():
            if key not in self.metadata_to_strip:
                xml_object.set(key, serialize_field(value))
        name = self.location.course_key.run if self.category == "course" else self.url_name.replace(":", "/")
        filepath = f"{self.category}/{name}.xml"
        self.runtime.export_fs.makedirs(self.category, recreate=True)
        with self.runtime.export_fs.open(filepath, "wb") as fileobj:
            etree.ElementTree(xml_object).write(fileobj, pretty_print=True, encoding="utf-8")
        if not node.get("url_name"):
            node.set("url_name", self.url_name)
        if self.category == "course":
            node.set("org", self.location.course_key.org)
            node.set("course", self.location.course_key.course)


class SequenceBlock(XmlBlock):
    """course, chapter, sequential: their children in order (seq_block.py definition_from_xml)."""

    has_children = True

    @classmethod
    def definition_from_xml(cls, xml_object, system):
        children = []
        for child in xml_object:
            try:
                children.append(system.process_xml(etree.tostring(child, encoding="unicode")).scope_ids.usage_id)
            except Exception:  # pylint: disable=broad-except
                log.exception("Unable to load child when parsing %s. Continuing...", xml_object.tag)
        return {}, children

    def definition_to_xml(self, export_fs):
        xml_object = etree.Element(self.category)
        for child in self.get_children():
            self.runtime.add_block_as_child_node(child, xml_object)
        return xml_object


class VerticalBlock(SequenceBlock):
    """A unit: a child that is a pointer tag is loaded from its file first, whatever block it is (vertical_block.py)."""

    @classmethod
    def definition_from_xml(cls, xml_object, system):
        children = []
        for child in xml_object:
            try:
                if is_pointer_tag(child):
                    url_name = child.get("url_name")
                    child = system.load_definition_xml(child)
                    child.set("url_name", url_name)
                children.append(system.process_xml(etree.tostring(child, encoding="unicode")).scope_ids.usage_id)
            except Exception as error:  # pylint: disable=broad-except
                log.exception("Unable to load child when parsing Vertical. Continuing...")
                system.errors.append(f"ERROR: {error}")
        return {}, children


class DefinitionBlock(XmlBlock):
    """html and problem, kept as their definition: a problem's XML without attributes, an html page's text.

    An html block's page lives in `html/<filename>.html` beside its `html/<url_name>.xml` (html_block.py).
    """

    data = String(help="The definition as written", default="", scope=Scope.content)

    @classmethod
    def definition_from_xml(cls, xml_object, system):
        filename = xml_object.get("filename")
        if filename is not None:
            with system.resources_fs.open(f"{xml_object.tag}/{filename}.html", "rb") as handle:
                return {"data": handle.read().decode("utf-8")}, []
        bare = copy.deepcopy(xml_object)
        bare.attrib.clear()
        if xml_object.tag == "html":
            return {"data": (bare.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in bare)}, []
        return {"data": etree.tostring(bare, encoding="unicode")}, []

    def definition_to_xml(self, export_fs):
        if self.category != "html":
            return etree.fromstring(self.data, EDX_XML_PARSER)
        export_fs.makedirs(self.category, recreate=True)
        with export_fs.open(f"{self.category}/{self.url_name}.html", "wb") as handle:
            handle.write(self.data.encode("utf-8"))
        return etree.Element(self.category, filename=self.url_name)


class ErrorBlock(XmlBlock):
    """What the importer makes of an element it could not load (error_block.py): its XML and the error."""

    contents = String(help="The XML that could not be loaded", default="", scope=Scope.content)
    error_msg = String(help="Why it could not be loaded", default="", scope=Scope.content)

    def definition_to_xml(self, export_fs):
        try:
            return etree.fromstring(self.contents)
        except etree.XMLSyntaxError:
            root = etree.Element("error")
            root.text = self.contents
            etree.SubElement(root, "error_msg").text = self.error_msg
            return root


BUILT_IN = {"course": SequenceBlock, "chapter": SequenceBlock, "sequential": SequenceBlock,
            "vertical": VerticalBlock, "html": DefinitionBlock, "problem": DefinitionBlock}


class CourseImport(Runtime):
    """The import runtime (modulestore/xml.py ImportSystem) over a course folder, with inheriting field data."""

    def __init__(self, course_dir, course_key, services=None):
        ids = CourseLocationManager(course_key)
        services = dict(services or {}, **{"field-data": inheriting_field_data(DictKeyValueStore())})
        super().__init__(ids, ids, mixins=XBLOCK_MIXINS, services=services)
        self.resources_fs = OSFS(str(course_dir))
        self.export_fs = None
        self.blocks = {}
        self.errors = []
        self.user_id = "student_1"

    def load_block_type(self, block_type):
        if block_type in BUILT_IN:
            return BUILT_IN[block_type]
        return super().load_block_type(block_type)

    def load_definition_xml(self, node):
        """`<tag>/<url_name>.xml`, parsed as the platform parses files (xml_block.py load_definition_xml)."""
        filepath = f"{node.tag}/{node.get('url_name').replace(':', '/')}.xml"
        try:
            with self.resources_fs.open(filepath, "rb") as handle:
                return etree.parse(handle, parser=EDX_XML_PARSER).getroot()
        except Exception as err:
            raise Exception(f"Unable to load file contents at path {filepath}: {err}") from err  # pylint: disable=broad-exception-raised

    def process_xml(self, xml):
        """The block for one element; an ErrorBlock when anything at all goes wrong (ImportSystem.process_xml)."""
        try:
            block = self.xblock_from_node(etree.fromstring(xml, EDX_XML_PARSER), None)
        except Exception as err:  # pylint: disable=broad-except
            message = f"Error loading from xml. {str(err)[:200]}"
            log.warning(message)
            self.errors.append(message)
            block = self.error_block(xml, message + "\n" + traceback.format_exc())
        self.blocks[block.scope_ids.usage_id] = block
        if block.has_children:
            for child in block.get_children():
                child.parent = block.scope_ids.usage_id
                child.save()
        block.save()
        return block

    def xblock_from_node(self, node, parent_id):
        """x_module.py XMLParsingSystem.xblock_from_node, asides aside."""
        block_type = node.tag
        node.attrib.pop("xblock-family", None)
        def_id = self.id_generator.create_definition(block_type, node.get("url_name"))
        keys = ScopeIds(None, block_type, def_id, self.id_generator.create_usage(def_id))
        block_class = self.mixologist.mix(self.load_block_type(block_type))
        self.parse_asides(node)
        block = block_class.parse_xml(node, self, keys)
        block.parent = parent_id
        block.save()
        return block

    @staticmethod
    def parse_asides(node):
        """x_module.py parse_asides: every child loses its xblock-family (asides themselves are not mirrored)."""
        for child in node.iterchildren():
            child.attrib.pop("xblock-family", None)

    def error_block(self, xml, message):
        """error_block.py ErrorBlock.from_xml: named after the element's url_name, or its tag."""
        try:
            element = etree.fromstring(xml)
            url_name = element.get("url_name", element.tag)
        except etree.XMLSyntaxError:
            url_name = "error"
        def_id = self.id_generator.create_definition("error", url_name)
        block = self.construct_xblock_from_class(ErrorBlock, ScopeIds(None, "error", def_id, def_id))
        block.contents = xml if isinstance(xml, str) else xml.decode("utf-8")
        block.error_msg = message
        return block

    def add_node_as_child(self, block, node):
        block.children.append(self.process_xml(etree.tostring(node)).scope_ids.usage_id)

    def get_block(self, usage_id, for_parent=None):
        return self.blocks[usage_id]

    def add_block_as_child_node(self, block, node):
        """x_module.py DescriptorSystem.add_block_as_child_node: tag and url_name first, then the block's own XML."""
        child = etree.SubElement(node, block.category)
        child.set("url_name", block.url_name)
        block.add_xml_to_node(child)

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/handler/{block.scope_ids.usage_id}/{handler_name}/{suffix}"

    def resource_url(self, resource):
        return f"/resource/{resource}"

    def local_resource_url(self, block, uri):
        return f"/local/{block.scope_ids.block_type}/{uri}"

    def publish(self, block, event_type, event_data):
        pass


def import_course(course_dir, services=None):
    """(runtime, course block): `course.xml` and everything it points to, as XMLModuleStore.load_course reads it."""
    with open(f"{course_dir}/course.xml", "rb") as handle:
        pointer = etree.fromstring(handle.read(), EDX_XML_PARSER)
    key = CourseKey(pointer.get("org"), pointer.get("course"), pointer.get("url_name"))
    runtime = CourseImport(course_dir, key, services)
    course = runtime.process_xml(etree.tostring(pointer))
    return runtime, course


def _explicitly_set(block, scope):
    """The names of `block`'s fields of `scope` set on it explicitly.

    XBlock 6 has `get_explicitly_set_fields_by_scope`; with older XBlock (Teak's 5.2, Ulmo's 5.3) the
    platform's XModuleMixin supplied the same method (xmodule/x_module.py), which this computes.
    """
    method = getattr(block, "get_explicitly_set_fields_by_scope", None)
    if method is not None:
        return method(scope)
    return {field.name: field.read_json(block) for field in block.fields.values()
            if field.scope == scope and field.is_set_on(block)}
