"""OLX parsing refuses DTDs, entities and the network."""
import pytest

from rtcm_xblocks.common.safe_xml import UnsafeXMLError, XMLSyntaxError, parse_xml_string


def test_parses_plain_olx():
    root = parse_xml_string('<rtcm_scenario display_name="Ü"><intro><p>Hi</p></intro></rtcm_scenario>')
    assert root.tag == "rtcm_scenario"
    assert root.get("display_name") == "Ü"


def test_refuses_internal_entities_billion_laughs():
    doc = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rtcm_scenario>&lol2;</rtcm_scenario>"""
    with pytest.raises((UnsafeXMLError, XMLSyntaxError)):
        parse_xml_string(doc)


def test_refuses_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>"""
    with pytest.raises((UnsafeXMLError, XMLSyntaxError)):
        parse_xml_string(doc)


def test_refuses_external_dtd():
    doc = '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>'
    with pytest.raises((UnsafeXMLError, XMLSyntaxError)):
        parse_xml_string(doc)


def test_malformed_xml_is_a_syntax_error():
    with pytest.raises(XMLSyntaxError):
        parse_xml_string("<r><unclosed></r>")
