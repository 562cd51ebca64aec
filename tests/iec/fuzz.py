"""Hostile-input generators shared by the codec and endpoint fuzz tests.

Three sources: arbitrary bytes; the real samples of ../shared/iec with byte-level mutations
(cuts, splices, hostile tokens, element text replaced by raw or well-formed values); and structurally valid EndDeviceEvents and
MeterReadings messages whose field values are random (odd date-times, numbers, Unicode, markup).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from orchestrator.iec import EndDeviceEvent, build_end_device_events

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES_DIR = Path(os.environ.get("ORCHESTRATOR_SHARED_DIR", REPO_ROOT.parent / "shared")) / "iec" / "samples"

# Text an attacker or a broken head-end may put where a value belongs.
HOSTILE = [
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;", b"\x00", b"\xff\xfe", b"\xc3", b"]]>", b"<![CDATA[x]]>",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"<?pi x?>", b"<!-- c -->", b"xmlns:p='urn:p'",
    b"</Header>", b"<Payload/>", b"<Reply><Result>OK</Result></Reply>", b"\r\n", b" " * 3,
    b"<?xml version='1.0' encoding='UTF-16'?>", b"nan", b"inf", b"-0", b"1e999", b"9" * 40,
]
# xs:dateTime lexical forms, valid and not, including those the XSD admits but Python cannot hold.
DATETIMES = [
    "2024-01-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T24:00:00.000+02:00", "9999-12-31T24:00:00Z",
    "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "2024-02-29T12:00:00.1234567890123Z", "2023-02-29T00:00:00Z", "2024-01-01T00:00:60Z",
    "2024-01-01T00:00:00", "2024-01-01T00:00:00+15:00", "2024-01-01", "", " ", "now", "2024-01-01T00:00:00.Z",
]


def samples() -> list[bytes]:
    return [p.read_bytes() for p in sorted(SAMPLES_DIR.rglob("*.xml"))]


SAMPLES = samples() if SAMPLES_DIR.is_dir() else []


def _mutate(data: bytes, ops: list[tuple[int, float, float, bytes]]) -> bytes:
    """Apply byte-level edits; positions are fractions of the current length so every op lands."""
    b = bytearray(data)
    for op, x, y, token in ops:
        i = int(x * len(b))
        if op == 0:  # cut
            del b[i:i + 1 + int(y * 64)]
        elif op == 1:  # insert a hostile token
            b[i:i] = token
        elif op == 2:  # splice a piece of the message elsewhere
            j = int(y * len(b))
            b[i:i] = b[j:j + 80]
        elif op == 3 and b:  # flip a byte
            b[min(i, len(b) - 1)] ^= 1 + int(y * 254)
        else:  # replace the text of the next element (op 4: raw token, 5: well-formed value)
            if op == 5:
                token = escape(token.decode("utf-8", "replace")).encode()
            k = bytes(b).find(b">", i)
            e = bytes(b).find(b"<", k + 1) if k >= 0 else -1
            if e > k >= 0:
                b[k + 1:e] = token
    return bytes(b)


_token = st.sampled_from(HOSTILE) | st.sampled_from([d.encode() for d in DATETIMES]) | st.binary(max_size=12)
_value = st.sampled_from([d.encode() for d in DATETIMES]) | st.sampled_from([b"", b"x", b"-1", b"1.5", b"true", b"OK",
                                                                             b"FAILED", b"created", b"99.1"])
_ops = st.lists(st.tuples(st.integers(0, 4), st.floats(0, 1), st.floats(0, 1), _token)
                | st.tuples(st.just(5), st.floats(0, 1), st.floats(0, 1), _value), min_size=1, max_size=5)


@st.composite
def mutated_samples(draw) -> bytes:
    return _mutate(draw(st.sampled_from(SAMPLES)), draw(_ops))


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=24)
_words = st.sampled_from(["", " ", "M-1", "3.26.0.85", "0.0.0.0", "a.b.c.d", "1.2.3", "ü", "x" * 300]) | _text


@st.composite
def end_device_events(draw) -> bytes:
    """A well-formed EndDeviceEvents message (built as the simulator does), then its created times
    and fields replaced by random values; may or may not be valid."""
    n = draw(st.integers(1, 4))
    events = [EndDeviceEvent(createdDateTime=datetime(2024, 1, 1, tzinfo=UTC),
                             EndDeviceEventType=draw(_words), endDeviceMRID=draw(st.none() | _words),
                             mRID=draw(st.none() | _words), reason=draw(st.none() | _words),
                             severity=draw(st.none() | _words), names=tuple(draw(st.lists(_words, max_size=2))),
                             details=tuple(draw(st.lists(st.tuples(_words, st.none() | _words), max_size=2))),
                             status=draw(st.none() | _words), usagePointMRID=draw(st.none() | _words))
              for _ in range(n)]
    try:
        body = build_end_device_events(events, message_id=draw(_words) or "m", source=draw(st.none() | _words),
                                       soap=draw(st.booleans()))
    except ValueError:  # lxml refuses control characters in text: fall back to plain values
        body = build_end_device_events([EndDeviceEvent(createdDateTime=datetime(2024, 1, 1, tzinfo=UTC),
                                                       EndDeviceEventType="3.26.0.85", endDeviceMRID="M-1")],
                                       message_id="m")
    for _ in range(n):
        body = body.replace(b">2024-01-01T00:00:00Z<", b">" + escape(draw(st.sampled_from(DATETIMES))).encode() + b"<",
                            1)
    return body


_number = st.sampled_from(["1", "-0.5", "1e3", "NaN", "INF", "-INF", "1e999", "", "x", " 2 ", "0x10"]) | \
    st.floats().map(repr) | st.integers().map(str)


@st.composite
def meter_readings(draw) -> bytes:
    """A MeterReadings event with random meters, reading types, timestamps and values."""
    meters = []
    for _ in range(draw(st.integers(0, 3))):
        blocks = []
        for _ in range(draw(st.integers(0, 2))):
            readings = ""
            for _ in range(draw(st.integers(0, 2))):
                at, value = escape(draw(st.sampled_from(DATETIMES))), escape(draw(_number))
                readings += f"<IntervalReadings><timeStamp>{at}</timeStamp><value>{value}</value></IntervalReadings>"
            blocks.append(f"<IntervalBlocks>{readings}<ReadingType ref={quoteattr(draw(_words))}/></IntervalBlocks>")
        device = draw(st.sampled_from(["Meter", "EndDevice", "UsagePoint", "Other"]))
        meters.append(f"<MeterReading>{''.join(blocks)}<{device}><mRID>{escape(draw(_words))}</mRID></{device}>"
                      "</MeterReading>")
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<msg:EventMessage xmlns:msg="http://iec.ch/TC57/2011/schema/message">'
            "<msg:Header><msg:Verb>created</msg:Verb><msg:Noun>MeterReadings</msg:Noun>"
            f"<msg:MessageID>{escape(draw(_words))}</msg:MessageID></msg:Header>"
            f'<msg:Payload><MeterReadings xmlns="http://iec.ch/TC57/2011/MeterReadings#">{"".join(meters)}'
            "</MeterReadings></msg:Payload></msg:EventMessage>").encode("utf-8", "surrogatepass")


def hostile_messages() -> st.SearchStrategy[bytes]:
    """Every source, mixed: what the endpoint may receive."""
    return st.one_of(st.binary(max_size=512), mutated_samples(), end_device_events(), meter_readings())
