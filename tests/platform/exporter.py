"""The platform's XML course export, mirrored: `course.xml`, one file per built-in block, our blocks inline in their unit.

Mirrored from edx-platform:
- `xmodule/modulestore/xml_exporter.py` `export_to_xml`: the course block is added to an `unknown`
  root element, which becomes the `<course url_name org course/>` pointer written to `course.xml`;
- `xmodule/x_module.py` `DescriptorSystem.add_block_as_child_node`: a `<category>` child element with
  `url_name` set FIRST, then the block's own `add_xml_to_node(child)`; a pure XBlock (ours) writes
  itself into that element, inline in its unit's file;
- `xmodule/xml_block.py` `XmlMixin.add_xml_to_node` (in importer.XmlBlock): a built-in block writes
  `<category>/<url_name>.xml` (the course: `course/<run>.xml`) pretty-printed, with its settings
  sorted by name, and leaves a pointer tag in its parent.
Known differences: no policies, assets, drafts, about pages or tabs are written; only the OLX tree.
"""
from fs.osfs import OSFS
from lxml import etree

__all__ = ["export_course", "exported_files"]


def export_course(runtime, course, out_dir):
    """Write the course's OLX under `out_dir` as Studio's export does."""
    runtime.export_fs = OSFS(str(out_dir), create=True)
    root = etree.Element("unknown")
    course.add_xml_to_node(root)
    with runtime.export_fs.open("course.xml", "wb") as handle:
        etree.ElementTree(root).write(handle, encoding="utf-8")


def exported_files(out_dir):
    """{relative path: bytes} of every file under `out_dir`."""
    folder = OSFS(str(out_dir))
    return {path.lstrip("/"): folder.readbytes(path) for path in folder.walk.files()}
