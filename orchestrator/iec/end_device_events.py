"""EndDeviceEvents in: the hot path from head-end bytes to small immutable event records.

Head-ends send confirmations, opt-outs and outage events in bulk; building the
whole generic model for every message would cost more than parsing it. This
reads the validated lxml tree directly into ``EndDeviceEvent`` records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from lxml import etree

from orchestrator.iec import errors
from orchestrator.iec.codec import format_datetime, unwrap_soap
from orchestrator.iec.errors import IecError
from orchestrator.iec.namespaces import SOAP11, NamespaceProfile, split_qname
from orchestrator.iec.safe_xml import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_xml
from orchestrator.iec.validation import validate_element

EDE_NS = "http://iec.ch/TC57/2011/EndDeviceEvents#"
_Q = {name: f"{{{EDE_NS}}}{name}" for name in (
    "EndDeviceEvents", "EndDeviceEvent", "mRID", "createdDateTime", "issuerID", "issuerTrackingID", "reason",
    "severity", "userID", "Assets", "EndDeviceEventDetails", "EndDeviceEventType", "Names", "name", "value",
    "status", "UsagePoint",
)}


@dataclass(frozen=True, slots=True)
class EndDeviceEvent:
    """One ``EndDeviceEvent``, named as in IEC 61968-9 (``EndDeviceEventType`` is its 4-part ``ref``)."""

    createdDateTime: datetime
    EndDeviceEventType: str
    mRID: str | None = None
    endDeviceMRID: str | None = None  # Assets/mRID
    reason: str | None = None
    severity: str | None = None
    issuerID: str | None = None
    issuerTrackingID: str | None = None
    userID: str | None = None
    names: tuple[str, ...] = ()
    endDeviceNames: tuple[str, ...] = ()
    details: tuple[tuple[str, str | None], ...] = ()
    status: str | None = None
    usagePointMRID: str | None = None
    messageID: str | None = None  # Header/MessageID of the carrying message, for de-duplication


def parse_datetime(text: str) -> datetime:
    """xs:dateTime to ``datetime`` (accepts ``Z``, more than six fraction digits and ``24:00:00``,
    the end of a day, as the next midnight); ``ValueError`` if Python cannot represent it."""
    t = text.strip()
    try:
        return datetime.fromisoformat(t)
    except ValueError:
        date, sep, time = t.partition("T")
        if sep and time.startswith("24:00:00"):
            rest = time[8:]
            if rest.startswith("."):
                fraction = rest[1:len(rest) - len(rest[1:].lstrip("0123456789"))]
                if fraction.strip("0"):
                    raise
                rest = rest[1 + len(fraction):]
            return parse_datetime(f"{date}T00:00:00{rest}") + timedelta(days=1)
        head, dot, rest = t.partition(".")
        if not dot:
            raise
        digits = len(rest) - len(rest.lstrip("0123456789"))
        return datetime.fromisoformat(f"{head}.{rest[:min(digits, 6)]}{rest[digits:]}")


def _created(el: etree._Element) -> datetime:
    # The XSD admits years Python cannot hold (10000 and later, negative): a payload error, not a crash.
    try:
        return parse_datetime(el.text or "")
    except (ValueError, OverflowError):
        raise IecError(errors.PAYLOAD_INVALID, f"createdDateTime {(el.text or '').strip()[:40]!r} is not a "
                       "date-time this system can represent", line=el.sourceline, element="createdDateTime") from None


_SIMPLE = {_Q[n]: n for n in ("mRID", "reason", "severity", "issuerID", "issuerTrackingID", "userID")}
_T_CREATED, _T_TYPE, _T_ASSETS = _Q["createdDateTime"], _Q["EndDeviceEventType"], _Q["Assets"]
_T_NAMES, _T_NAME, _T_VALUE, _T_MRID = _Q["Names"], _Q["name"], _Q["value"], _Q["mRID"]
_T_DETAILS, _T_STATUS, _T_UP = _Q["EndDeviceEventDetails"], _Q["status"], _Q["UsagePoint"]


def _child_text(el, tag) -> str | None:
    for c in el:
        if c.tag == tag:
            t = c.text
            return t.strip() if t else ""
    return None


def _event_fields(el: etree._Element, message_id: str | None) -> dict:
    """``EndDeviceEvent``'s fields that the element sets (the others keep their defaults)."""
    # One pass over the children with a tag dispatch: this runs once per event.
    f: dict = {"messageID": message_id}
    names: list[str] = []
    details: list[tuple[str, str | None]] = []
    for child in el:
        tag = child.tag
        key = _SIMPLE.get(tag)
        if key is not None:
            t = child.text
            f[key] = t.strip() if t else ""
        elif tag == _T_CREATED:
            f["createdDateTime"] = _created(child)
        elif tag == _T_TYPE:
            f["EndDeviceEventType"] = child.get("ref") or ""
        elif tag == _T_ASSETS:
            asset_names = []
            for a in child:
                if a.tag == _T_MRID:
                    f["endDeviceMRID"] = (a.text or "").strip() or None
                elif a.tag == _T_NAMES:
                    asset_names.append(_child_text(a, _T_NAME) or "")
            f["endDeviceNames"] = tuple(asset_names)
        elif tag == _T_DETAILS:
            v = None
            n = ""
            for d in child:
                if d.tag == _T_NAME:
                    n = (d.text or "").strip()
                elif d.tag == _T_VALUE:
                    v = d.text
            details.append((n, v))
        elif tag == _T_NAMES:
            names.append(_child_text(child, _T_NAME) or "")
        elif tag == _T_STATUS:
            f["status"] = _child_text(child, _T_VALUE)
        elif tag == _T_UP:
            f["usagePointMRID"] = _child_text(child, _T_MRID) or None
    if "createdDateTime" not in f or "EndDeviceEventType" not in f:
        raise IecError(errors.PAYLOAD_INVALID, "EndDeviceEvent needs createdDateTime and EndDeviceEventType",
                       line=el.sourceline, element="EndDeviceEvent")
    if names:
        f["names"] = tuple(names)
    if details:
        f["details"] = tuple(details)
    return f


def parse_end_device_events(
    data: bytes, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[EndDeviceEvent]:
    """Events of an EndDeviceEvents message (bare or SOAP, either envelope namespace).

    Raises ``IecError`` if the message is unsafe, invalid, or carries another noun.
    """
    message_id, docs = _event_documents(data, validate, max_bytes, max_depth)
    return [EndDeviceEvent(**_event_fields(ev, message_id))
            for doc in docs for ev in doc.iterchildren(_Q["EndDeviceEvent"])]


def parse_end_device_event_fields(
    data: bytes, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[dict]:
    """``parse_end_device_events`` as plain dicts of the fields each event sets (absent ones are
    ``EndDeviceEvent``'s defaults): the same checks and values, without building the frozen
    records, for a hot path that reads a few fields once (the correlator)."""
    message_id, docs = _event_documents(data, validate, max_bytes, max_depth)
    return [_event_fields(ev, message_id) for doc in docs for ev in doc.iterchildren(_Q["EndDeviceEvent"])]


def _event_documents(data: bytes, validate: bool, max_bytes: int,
                     max_depth: int) -> tuple[str | None, list[etree._Element]]:
    """The message's MessageID and its EndDeviceEvents payload documents."""
    msg = unwrap_soap(parse_xml(data, max_bytes=max_bytes, max_depth=max_depth))[0]
    if validate:
        validate_element(msg)
    message_id = None
    docs = []
    for part in msg:
        if not isinstance(part.tag, str):
            continue
        local = split_qname(part.tag)[1]
        if local == "Header":
            for h in part:
                if isinstance(h.tag, str) and h.tag.endswith("}MessageID"):
                    message_id = (h.text or "").strip()
        elif local == "Payload":
            found = [c for c in part if c.tag == _Q["EndDeviceEvents"]]
            others = [c for c in part if isinstance(c.tag, str) and c.tag != _Q["EndDeviceEvents"]
                      and split_qname(c.tag)[1] not in ("Format", "Compressed", "OperationSet", "ID")]
            if others:
                raise IecError(errors.NOUN_MISMATCH, f"expected EndDeviceEvents, got {split_qname(others[0].tag)[1]}",
                               line=others[0].sourceline, element="Payload")
            docs.extend(found)
    if not docs:
        raise IecError(errors.PAYLOAD_MISSING, "no EndDeviceEvents payload", line=msg.sourceline)
    return message_id, docs


def build_end_device_events(
    events: Iterable[EndDeviceEvent],
    *,
    message_id: str,
    verb: str = "created",
    source: str | None = None,
    timestamp: datetime | None = None,
    profile: NamespaceProfile = NamespaceProfile.IEC_2011,
    soap: bool = False,
) -> bytes:
    """A ``<Verb>EndDeviceEvents`` event message, as a head-end (or the simulator) sends it."""
    msg_ns = profile.message_namespace
    tns = profile.wrapper_namespace("EndDeviceEvents")
    root = etree.Element(f"{{{tns}}}{verb.capitalize()}EndDeviceEvents", nsmap={"tns": tns, "msg": msg_ns, None: EDE_NS})
    header = etree.SubElement(root, f"{{{tns}}}Header")
    for name, value in (("Verb", verb), ("Noun", "EndDeviceEvents"),
                        ("Timestamp", format_datetime(timestamp or datetime.now(timezone.utc))),
                        ("Source", source), ("MessageID", message_id)):
        if value is not None:
            etree.SubElement(header, f"{{{msg_ns}}}{name}").text = value
    doc = etree.SubElement(etree.SubElement(root, f"{{{tns}}}Payload"), _Q["EndDeviceEvents"])
    sub = etree.SubElement
    for ev in events:
        el = sub(doc, _Q["EndDeviceEvent"])
        if ev.mRID is not None:
            sub(el, _Q["mRID"]).text = ev.mRID
        sub(el, _Q["createdDateTime"]).text = format_datetime(ev.createdDateTime)
        for name in ("issuerID", "issuerTrackingID", "reason", "severity", "userID"):
            value = getattr(ev, name)
            if value is not None:
                sub(el, _Q[name]).text = value
        if ev.endDeviceMRID is not None or ev.endDeviceNames:
            assets = sub(el, _Q["Assets"])
            if ev.endDeviceMRID is not None:
                sub(assets, _Q["mRID"]).text = ev.endDeviceMRID
            for n in ev.endDeviceNames:
                sub(sub(assets, _Q["Names"]), _Q["name"]).text = n
        for name, value in ev.details:
            d = sub(el, _Q["EndDeviceEventDetails"])
            sub(d, _Q["name"]).text = name
            if value is not None:
                sub(d, _Q["value"]).text = value
        sub(el, _Q["EndDeviceEventType"]).set("ref", ev.EndDeviceEventType)
        for n in ev.names:
            sub(sub(el, _Q["Names"]), _Q["name"]).text = n
        if ev.status is not None:
            sub(sub(el, _Q["status"]), _Q["value"]).text = ev.status
        if ev.usagePointMRID is not None:
            sub(sub(el, _Q["UsagePoint"]), _Q["mRID"]).text = ev.usagePointMRID
    if soap:
        env = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"soapenv": SOAP11})
        etree.SubElement(env, f"{{{SOAP11}}}Header")
        etree.SubElement(env, f"{{{SOAP11}}}Body").append(root)
        root = env
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
