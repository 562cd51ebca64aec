"""Hostile and broken input: each is one clear IecError, quickly, never a hang or an expansion."""
from __future__ import annotations

import re
import time

import pytest

from orchestrator.iec import IecError, parse_end_device_events, parse_message, validate_message
from tests.iec.conftest import sample_bytes

MSG = "http://iec.ch/TC57/2011/schema/message"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<m:EventMessage xmlns:m="http://iec.ch/TC57/2011/schema/message"><m:Header><m:Verb>created</m:Verb>
<m:Noun>&lol9;</m:Noun></m:Header></m:EventMessage>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<m:EventMessage xmlns:m="http://iec.ch/TC57/2011/schema/message"><m:Header><m:Verb>created</m:Verb>
<m:Noun>&xxe;</m:Noun></m:Header></m:EventMessage>"""


def _event_message(noun_doc: str = "", verb: str = "created", ns: str = MSG) -> bytes:
    return (
        f'<m:EventMessage xmlns:m="{ns}"><m:Header><m:Verb>{verb}</m:Verb><m:Noun>EndDeviceEvents</m:Noun>'
        f"<m:MessageID>x</m:MessageID></m:Header><m:Payload>{noun_doc}</m:Payload></m:EventMessage>"
    ).encode()


def _fails(data: bytes, code_prefix: str, fn=parse_message, seconds: float = 2.0) -> IecError:
    start = time.perf_counter()
    with pytest.raises(IecError) as info:
        fn(data)
    assert time.perf_counter() - start < seconds
    err = info.value
    assert err.code.startswith(code_prefix), err
    assert err.text and "\n" not in err.text
    return err


@pytest.mark.parametrize("fn", [parse_message, validate_message, parse_end_device_events])
def test_billion_laughs(fn):
    err = _fails(BILLION_LAUGHS, "1.6", fn)
    assert "DOCTYPE" in err.text


@pytest.mark.parametrize("fn", [parse_message, validate_message, parse_end_device_events])
def test_external_entity(fn):
    _fails(XXE, "1.6", fn)


def test_doctype_hidden_by_utf16_is_still_refused():
    data = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    err = _fails(data, "1.6")
    assert "passwd" not in err.text


def test_fifty_megabyte_body():
    body = re.sub(rb"<(\w+:)?mRID>", lambda m: m.group(0) + b"x" * (50 * 1024 * 1024), sample_bytes("dergcd-1a3.xml"), count=1)
    assert len(body) > 50 * 1024 * 1024
    err = _fails(body, "5.1", seconds=1.0)
    assert "limit" in err.text
    _fails(body, "5.1", parse_end_device_events, seconds=1.0)


def test_size_limit_is_configurable():
    data = sample_bytes("dergcd-1a3.xml")
    _fails(data, "5.1", lambda d: parse_message(d, max_bytes=100))


def test_ten_thousand_deep_nesting():
    data = _event_message("<x>" * 10_000 + "</x>" * 10_000)
    _fails(data, "5.2")
    _fails(data, "5.2", parse_end_device_events)


def test_moderate_nesting_over_the_configured_depth():
    data = _event_message("<x>" * 40 + "</x>" * 40)
    _fails(data, "5.2", lambda d: parse_message(d, max_depth=32))


def test_wrong_envelope_namespace():
    err = _fails(_event_message(ns="http://example.com/not/iec"), "1.2")
    assert "http://example.com/not/iec" in err.text


def test_legacy_2010_namespace_is_named():
    err = _fails(_event_message(ns="http://www.iec.ch/TC57/2010/schema/message"), "1.2")
    assert "2010" in err.text


def test_wrong_noun_for_the_verb():
    # a CreateEndDeviceControls wrapper carrying EndDeviceEvents
    events = (b'<EndDeviceEvents xmlns="http://iec.ch/TC57/2011/EndDeviceEvents#"><EndDeviceEvent>'
              b'<createdDateTime>2017-06-20T11:24:28Z</createdDateTime><EndDeviceEventType ref="3.26.0.85"/>'
              b"</EndDeviceEvent></EndDeviceEvents>")
    data = re.sub(rb"<EndDeviceControls>.*</EndDeviceControls>", events, sample_bytes("dergcd-1a.xml"), flags=re.S)
    assert b"CreateEndDeviceControls" in data and b"EndDeviceEvent>" in data
    err = _fails(data, "3.3")
    assert "CreateEndDeviceControls" in err.text and "EndDeviceEvents" in err.text


def test_end_device_events_reader_refuses_other_nouns():
    err = _fails(sample_bytes("dergcd-1a.xml"), "3.3", parse_end_device_events)
    assert "EndDeviceControls" in err.text


def test_unknown_payload_noun():
    err = _fails(_event_message('<Gadgets xmlns="http://example.com/Gadgets#"/>'), "3.2")
    assert "Gadgets" in err.text


def test_bad_verb():
    err = _fails(_event_message(verb="explode"), "1.3")
    assert "Verb" in err.text and "explode" in err.text


def test_truncated_xml():
    data = sample_bytes("dergcd-1a3.xml")
    err = _fails(data[: len(data) // 2], "1.1")
    assert err.line


def test_non_utf8_bytes():
    data = sample_bytes("dergcd-1a3.xml").replace(b"02a4d91f", b"\xff\xfe\xc3(", 1)
    err = _fails(data, "1.1")
    assert "encoding" in err.text.lower() or "utf" in err.text.lower()


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml at all", b"<a>", b"\x00\x01\x02"])
def test_garbage(data):
    _fails(data, "1.")


def test_soap_fault_is_not_a_message():
    data = (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
            b"<faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>")
    err = _fails(data, "1.3")
    assert "Fault" in err.text


def test_empty_soap_body():
    data = b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>'
    _fails(data, "3.4")


def test_payload_error_names_line_and_element():
    data = sample_bytes("dergcd-1a3.xml").replace(b"2017-06-20T11:24:28-06:00", b"yesterday", 1)
    err = _fails(data, "3.1")
    assert "createdDateTime" in err.text and err.line
