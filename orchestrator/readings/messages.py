"""MeterReadings in and GetMeterReadings out.

``parse_meter_readings`` is the hot path: one safe lxml parse, then a single walk over the
``MeterReading`` elements by tag (no XPath, no pydantic model), turning every ``IntervalReadings``
and ``Readings`` into a ``(device, reading_type, epoch_s, value, quality)`` tuple for the bulk
insert. Timestamps repeat across the meters of a message, so their parse is cached per call.

``build_get_meter_readings`` (the on-request read) and ``build_meter_readings`` (the head-end
side, for the simulator, tests and the benchmark) go through the wire layer's envelope.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from lxml import etree

from orchestrator.iec import Header, IecError, Message, MessageKind, Payload, PayloadElement, Request, to_xml
from orchestrator.iec import errors as iec_errors
from orchestrator.iec.codec import unwrap_soap
from orchestrator.iec.safe_xml import DEFAULT_MAX_BYTES, parse_xml

MR_NS = "http://iec.ch/TC57/2011/MeterReadings#"
GMR_NS = "http://iec.ch/TC57/2011/GetMeterReadings#"
MESSAGE_NS = "http://iec.ch/TC57/2011/schema/message"

Reading = tuple[str, str, int, float, "str | None"]


@dataclass
class MeterReadingsMessage:
    """What the ingest path needs from one MeterReadings message."""

    verb: str | None
    message_id: str | None
    correlation_id: str | None
    result: str | None  # Reply/Result on responses (OK / PARTIAL / FAILED)
    readings: list[Reading] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    skipped: int = 0  # readings without a value


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def parse_meter_readings(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> MeterReadingsMessage:
    """Readings of a MeterReadings message (bare, wrapped or in SOAP); bad content raises ``IecError``."""
    root = parse_xml(data, max_bytes=max_bytes, max_depth=64)
    msg, _soap, _hdr = unwrap_soap(root)
    out = MeterReadingsMessage(verb=None, message_id=None, correlation_id=None, result=None)
    payload = None
    for child in msg:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name == "Header":
            for h in child:
                if isinstance(h.tag, str):
                    local = _local(h.tag)
                    if local == "Verb":
                        out.verb = (h.text or "").strip()
                    elif local == "MessageID":
                        out.message_id = (h.text or "").strip() or None
                    elif local == "CorrelationID":
                        out.correlation_id = (h.text or "").strip() or None
        elif name == "Reply":
            for r in child:
                if isinstance(r.tag, str) and _local(r.tag) == "Result":
                    out.result = (r.text or "").strip()
        elif name == "Payload":
            payload = next((p for p in child if isinstance(p.tag, str) and _local(p.tag) == "MeterReadings"), None)
    if _local(msg.tag) == "MeterReadings":
        payload = msg
    if payload is None:
        if out.result in ("FAILED", "PARTIAL"):
            return out  # a FAILED answer to an on-request read carries no readings
        raise IecError(iec_errors.PAYLOAD_MISSING, "no MeterReadings payload")
    ns = etree.QName(payload).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    t_meter, t_enddevice, t_up, t_mrid = q("Meter"), q("EndDevice"), q("UsagePoint"), q("mRID")
    t_block, t_ir, t_readings, t_rt = q("IntervalBlocks"), q("IntervalReadings"), q("Readings"), q("ReadingType")
    t_ts, t_value, t_rq, t_rqt = q("timeStamp"), q("value"), q("ReadingQualities"), q("ReadingQualityType")
    times: dict[str, int] = {}
    readings = out.readings

    def epoch(text: str | None, where: str) -> int:
        if text is None:
            raise IecError(iec_errors.PAYLOAD_INVALID, f"{where} has no timeStamp")
        ts = times.get(text)
        if ts is None:
            try:
                value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            except ValueError:
                raise IecError(iec_errors.PAYLOAD_INVALID, f"{where}: timeStamp {text!r} is not ISO 8601") from None
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            ts = times[text] = int(value.timestamp())
        return ts

    def one(reading, rtype: str | None, device: str, where: str) -> None:
        ts = value = quality = None
        for c in reading:
            tag = c.tag
            if tag == t_ts:
                ts = c.text
            elif tag == t_value:
                value = c.text
            elif tag == t_rt and rtype is None:
                rtype = c.get("ref") or c.findtext(t_mrid)
            elif tag == t_rq:
                qt = c.find(t_rqt)
                ref = qt.get("ref") if qt is not None else None
                if ref:  # several qualities: kept comma-separated (the store keeps 40 characters)
                    quality = ref if quality is None else f"{quality},{ref}"[:40]
        if value is None:
            out.skipped += 1  # value is optional: a reading flagged (e.g. rejected, 3.7.3) without one
            return
        if not rtype:
            raise IecError(iec_errors.PAYLOAD_INVALID, f"{where} has no ReadingType")
        try:
            number = float(value)
        except ValueError:
            raise IecError(iec_errors.PAYLOAD_INVALID, f"{where}: value {value!r} is not a number") from None
        readings.append((device, rtype, epoch(ts, where), number, quality))

    for n, mr in enumerate(payload.iterchildren(q("MeterReading")), start=1):
        device = None
        for tag in (t_meter, t_enddevice, t_up):
            el = mr.find(tag)
            if el is not None:
                device = (el.findtext(t_mrid) or "").strip() or None
                if device:
                    break
        if not device:
            raise IecError(iec_errors.PAYLOAD_INVALID, f"MeterReading {n} names no Meter, EndDevice or UsagePoint mRID")
        out.devices.append(device)
        for block in mr.iterchildren(t_block):
            rt = block.find(t_rt)
            rtype = (rt.get("ref") or rt.findtext(t_mrid)) if rt is not None else None
            if not rtype:
                raise IecError(iec_errors.PAYLOAD_INVALID,
                               f"MeterReading {n} ({device}): IntervalBlocks has no ReadingType")
            for ir in block.iterchildren(t_ir):
                one(ir, rtype, device, f"MeterReading {n} ({device}) IntervalReadings")
        for reading in mr.iterchildren(t_readings):
            one(reading, None, device, f"MeterReading {n} ({device}) Readings")
    return out


def _iso(ts: int | datetime) -> str:
    if isinstance(ts, datetime):
        return ts.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class MeterReadingData:
    """One meter's readings to put in a MeterReadings message (head-end side)."""

    device: str
    interval_type: str | None = None
    intervals: Sequence[tuple[int, float]] = ()  # (epoch_s interval end, value)
    readings: Sequence[tuple[str, int, float]] = ()  # (reading_type, epoch_s, value) registers / instants


def meter_readings_payload(meters: Iterable[MeterReadingData]) -> str:
    """The ``MeterReadings`` document (string building: the benchmark makes millions of readings)."""
    parts = [f'<MeterReadings xmlns="{MR_NS}">']
    for m in meters:
        parts.append("<MeterReading>")  # element order of the MeterReadings profile
        if m.intervals:
            parts.append("<IntervalBlocks>")
            parts.extend(f"<IntervalReadings><timeStamp>{_iso(ts)}</timeStamp><value>{v!r}</value></IntervalReadings>"
                         for ts, v in m.intervals)
            parts.append(f'<ReadingType ref="{escape(m.interval_type or "")}"/></IntervalBlocks>')
        parts.append(f"<Meter><mRID>{escape(m.device)}</mRID></Meter>")
        parts.extend(f'<Readings><timeStamp>{_iso(ts)}</timeStamp><value>{v!r}</value>'
                     f'<ReadingType ref="{escape(rt)}"/></Readings>' for rt, ts, v in m.readings)
        parts.append("</MeterReading>")
    parts.append("</MeterReadings>")
    return "".join(parts)


def build_meter_readings(meters: Iterable[MeterReadingData], *, message_id: str | None = None,
                         correlation_id: str | None = None, verb: str = "created", source: str | None = None,
                         reply: bool = False) -> bytes:
    """A MeterReadings event (``created``), or with ``reply`` the response to a GetMeterReadings."""
    from orchestrator.iec.envelope import Reply, ReplyResult

    payload = PayloadElement(noun="MeterReadings", namespace=MR_NS, xml=meter_readings_payload(meters))
    header = Header(Verb="reply" if reply else verb, Noun="MeterReadings", Timestamp=datetime.now(timezone.utc),
                    Source=source, MessageID=message_id or str(uuid.uuid4()), CorrelationID=correlation_id)
    message = Message(kind=MessageKind.RESPONSE if reply else MessageKind.EVENT, Header=header,
                      Reply=Reply(Result=ReplyResult.OK) if reply else None, Payload=Payload(documents=[payload]))
    return to_xml(message)


def build_get_meter_readings(devices: Sequence[str], *, reading_types: Sequence[str] = (),
                             start: datetime | None = None, end: datetime | None = None,
                             message_id: str | None = None, source: str | None = "orchestrator",
                             reply_address: str | None = None) -> bytes:
    """An on-request read: ``get MeterReadings`` with a GetMeterReadings query for ``devices``."""
    if not devices:
        raise ValueError("an on-request read needs at least one device")
    parts = [f'<GetMeterReadings xmlns="{GMR_NS}">']
    parts.extend(f"<EndDevice><mRID>{escape(d)}</mRID></EndDevice>" for d in devices)
    if start or end:
        parts.append("<Reading><source>System</source><timePeriod>")
        if end:
            parts.append(f"<end>{_iso(end)}</end>")
        if start:
            parts.append(f"<start>{_iso(start)}</start>")
        parts.append("</timePeriod></Reading>")
    parts.extend(f"<ReadingType><mRID>{escape(rt)}</mRID></ReadingType>" for rt in reading_types)
    parts.append("</GetMeterReadings>")
    query = PayloadElement(noun="GetMeterReadings", namespace=GMR_NS, xml="".join(parts))
    header = Header(Verb="get", Noun="MeterReadings", Timestamp=datetime.now(timezone.utc), Source=source,
                    MessageID=message_id or str(uuid.uuid4()), ReplyAddress=reply_address,
                    AsyncReplyFlag=True if reply_address else None)
    return to_xml(Message(kind=MessageKind.REQUEST, Header=header, Request=Request(extensions=[query])))


def parse_get_meter_readings(data: bytes) -> tuple[str | None, list[str], list[str]]:
    """``(MessageID, device mRIDs, reading type codes)`` of an on-request read (head-end side)."""
    root = parse_xml(data)
    msg, _soap, _hdr = unwrap_soap(root)
    message_id = next((e.text for e in msg.iter() if isinstance(e.tag, str) and _local(e.tag) == "MessageID"), None)
    query = next((e for e in msg.iter() if isinstance(e.tag, str) and _local(e.tag) == "GetMeterReadings"
                  and e is not msg), None)
    if query is None:
        raise IecError(iec_errors.PAYLOAD_MISSING, "no GetMeterReadings query")
    devices = [(e.findtext(f"{{{GMR_NS}}}mRID") or "").strip() for e in query
               if isinstance(e.tag, str) and _local(e.tag) in ("EndDevice", "Meter")]
    types = [(e.findtext(f"{{{GMR_NS}}}mRID") or "").strip() for e in query
             if isinstance(e.tag, str) and _local(e.tag) == "ReadingType"]
    return message_id, [d for d in devices if d], [t for t in types if t]
