"""XML parsing that resolves no entities, loads no DTD and touches no network.

OLX reaches us from course imports and from authors' editors; a DOCTYPE is never needed in it, so
any document that declares one is refused outright (this closes billion-laughs and external
entity attacks whatever the parser's defaults).
"""
from lxml import etree

__all__ = ["UnsafeXMLError", "XMLSyntaxError", "parse_xml_string", "safe_parser", "check_safe"]

XMLSyntaxError = etree.XMLSyntaxError


class UnsafeXMLError(ValueError):
    """The document declares a DTD or entities, which OLX never needs."""


def safe_parser(remove_blank_text=False):
    """An lxml parser that never resolves entities, loads DTDs or reads from the network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=remove_blank_text,
    )


def check_safe(node):
    """Raise UnsafeXMLError when the tree that holds `node` has a DOCTYPE or entity references."""
    tree = node.getroottree()
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXMLError("OLX may not declare a DOCTYPE or entities.")
    for element in node.iter():
        if isinstance(element, etree._Entity):  # pylint: disable=protected-access
            raise UnsafeXMLError("OLX may not use entity references.")


def parse_xml_string(text):
    """Parse an XML document from text or bytes and return its root element, refusing DTDs and entities."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    root = etree.fromstring(text, parser=safe_parser())
    check_safe(root)
    return root
