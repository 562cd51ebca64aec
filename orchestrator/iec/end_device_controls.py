"""EndDeviceControls out (the dispatch hot path) and the head-end's reply to them.

The dispatcher sends one CreateEndDeviceControls per head-end batch; it is
written with lxml directly, in the element order of the EndDeviceControls
profile XSD, because that is several times faster than the generic binding.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Sequence

from lxml import etree

from orchestrator.iec import errors
from orchestrator.iec.codec import format_datetime
from orchestrator.iec.envelope import Message, ReplyResult
from orchestrator.iec.errors import IecError
from orchestrator.iec.namespaces import SOAP11, NamespaceProfile
from orchestrator.iec.parsing import parse_message

EDC_NS = "http://iec.ch/TC57/2011/EndDeviceControls#"


@dataclass(frozen=True)
class DemandResponseSettings:
    """``PanDemandResponse`` of an EndDeviceControl: setpoints and load adjustment for DR devices."""

    avgLoadAdjustment: float | None = None
    cancelNow: bool | None = None
    coolingOffset: float | None = None
    coolingSetpoint: float | None = None
    criticalityLevel: str | None = None
    dutyCycle: float | None = None
    enrollmentGroup: str | None = None
    heatingOffset: float | None = None
    heatingSetpoint: float | None = None


@dataclass(frozen=True)
class EndDeviceControl:
    """One control to send: what (4-part ``EndDeviceControlType``), to whom, and when."""

    mRID: str
    EndDeviceControlType: str
    endDevices: Sequence[str] = ()  # EndDevices/mRID
    endDeviceGroups: Sequence[str] = ()  # EndDeviceGroups/mRID
    issuerID: str | None = None
    issuerTrackingID: str | None = None
    reason: str | None = None
    drProgramLevel: int | None = None
    drProgramMandatory: bool | None = None
    priceSignal: float | None = None
    start: datetime | None = None  # primaryDeviceTiming/interval/start
    end: datetime | None = None  # primaryDeviceTiming/interval/end
    durationMinutes: float | None = None
    randomisation: str | None = None  # "default" | "end" | "none" ... (RandomisationKind)
    demandResponse: DemandResponseSettings | None = None


def _sub(parent, ns, name, text=None):
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        el.text = text
    return el


def _val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return format_datetime(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _control(parent, c: EndDeviceControl) -> None:
    el = _sub(parent, EDC_NS, "EndDeviceControl")
    _sub(el, EDC_NS, "mRID", c.mRID)
    for name in ("drProgramLevel", "drProgramMandatory", "issuerID", "issuerTrackingID", "priceSignal", "reason"):
        v = getattr(c, name)
        if v is not None:
            _sub(el, EDC_NS, name, _val(v))
    if c.demandResponse is not None:
        dr = _sub(el, EDC_NS, "PanDemandResponse")
        # PanDemandResponse element order of the profile XSD
        for name in ("avgLoadAdjustment", "cancelNow", "coolingOffset", "coolingSetpoint", "criticalityLevel",
                     "dutyCycle", "enrollmentGroup", "heatingOffset", "heatingSetpoint"):
            v = getattr(c.demandResponse, name)
            if v is not None:
                _sub(dr, EDC_NS, name, _val(v))
    etree.SubElement(el, f"{{{EDC_NS}}}EndDeviceControlType").set("ref", c.EndDeviceControlType)
    for mrid in c.endDeviceGroups:
        _sub(_sub(el, EDC_NS, "EndDeviceGroups"), EDC_NS, "mRID", mrid)
    for mrid in c.endDevices:
        _sub(_sub(el, EDC_NS, "EndDevices"), EDC_NS, "mRID", mrid)
    if any(v is not None for v in (c.start, c.end, c.durationMinutes, c.randomisation)):
        timing = _sub(el, EDC_NS, "primaryDeviceTiming")
        if c.durationMinutes is not None:
            _sub(timing, EDC_NS, "duration", _val(float(c.durationMinutes)))
        if c.randomisation is not None:
            _sub(timing, EDC_NS, "randomisation", c.randomisation)
        if c.start is not None or c.end is not None:
            interval = _sub(timing, EDC_NS, "interval")
            if c.end is not None:
                _sub(interval, EDC_NS, "end", _val(c.end))
            if c.start is not None:
                _sub(interval, EDC_NS, "start", _val(c.start))


def build_end_device_controls(
    controls: Iterable[EndDeviceControl],
    *,
    message_id: str | None = None,
    correlation_id: str | None = None,
    source: str | None = None,
    timestamp: datetime | None = None,
    reply_address: str | None = None,
    async_reply: bool | None = None,
    ack_required: bool | None = None,
    user_id: str | None = None,
    organization: str | None = None,
    verb: str = "create",
    profile: NamespaceProfile = NamespaceProfile.IEC_2011,
    soap: bool = False,
) -> bytes:
    """A complete ``<Verb>EndDeviceControls`` request message (Header + Payload) as UTF-8 XML."""
    msg_ns = profile.message_namespace
    tns = profile.wrapper_namespace("EndDeviceControls")
    root = etree.Element(f"{{{tns}}}{verb.capitalize()}EndDeviceControls", nsmap={"tns": tns, "msg": msg_ns, None: EDC_NS})
    header = _sub(root, tns, "Header")
    _sub(header, msg_ns, "Verb", verb)
    _sub(header, msg_ns, "Noun", "EndDeviceControls")
    _sub(header, msg_ns, "Timestamp", format_datetime(timestamp or datetime.now(timezone.utc)))
    if source is not None:
        _sub(header, msg_ns, "Source", source)
    if async_reply is not None:
        _sub(header, msg_ns, "AsyncReplyFlag", _val(async_reply))
    if reply_address is not None:
        _sub(header, msg_ns, "ReplyAddress", reply_address)
    if ack_required is not None:
        _sub(header, msg_ns, "AckRequired", _val(ack_required))
    if user_id is not None:
        user = _sub(header, msg_ns, "User")
        _sub(user, msg_ns, "UserID", user_id)
        if organization is not None:
            _sub(user, msg_ns, "Organization", organization)
    _sub(header, msg_ns, "MessageID", message_id or str(uuid.uuid4()))
    if correlation_id is not None:
        _sub(header, msg_ns, "CorrelationID", correlation_id)
    payload = _sub(_sub(root, tns, "Payload"), EDC_NS, "EndDeviceControls")
    for c in controls:
        _control(payload, c)
    if soap:
        env = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"soapenv": SOAP11})
        etree.SubElement(env, f"{{{SOAP11}}}Header")
        etree.SubElement(env, f"{{{SOAP11}}}Body").append(root)
        root = env
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class ItemError:
    """One ``Reply/Error``: its code and, for per-item errors, the ``ID`` of the item it is about."""

    code: str
    level: str | None = None
    text: str | None = None  # details or reason
    id: str | None = None
    idKind: str | None = None
    objectType: str | None = None


@dataclass(frozen=True)
class ControlReply:
    """A head-end's answer to EndDeviceControls, reduced to what dispatch correlation needs."""

    result: ReplyResult
    correlationID: str | None
    messageID: str | None
    errors: tuple[ItemError, ...] = ()
    ids: tuple[str, ...] = field(default=())  # Reply/ID

    @property
    def failed_ids(self) -> frozenset[str]:
        """Items named by an error whose code is not a 0.x success code."""
        return frozenset(e.id for e in self.errors if e.id and not e.code.startswith("0."))


def _item_error(e) -> ItemError:
    if e.ID is not None:
        return ItemError(code=e.code, level=e.level, text=e.details or e.reason, id=e.ID.value,
                         idKind=e.ID.kind, objectType=e.ID.objectType)
    item_id = object_type = None
    if e.object:  # Error/object (EPRI draft, deprecated in the 2011 envelope): mRID and objectType
        obj = etree.fromstring(e.object.encode("utf-8"))
        item_id = next((c.text for c in obj if isinstance(c.tag, str) and c.tag.endswith("}mRID")), None)
        object_type = next((c.text for c in obj if isinstance(c.tag, str) and c.tag.endswith("}objectType")), None)
    return ItemError(code=e.code, level=e.level, text=e.details or e.reason, id=item_id, objectType=object_type)


def control_reply_from_message(message: Message) -> ControlReply:
    if message.Reply is None:
        raise IecError(errors.ENVELOPE_INVALID, "message has no Reply")
    h = message.Header
    errs = tuple(_item_error(e) for e in message.Reply.Error)
    return ControlReply(
        result=message.Reply.Result,
        correlationID=h.CorrelationID if h else None,
        messageID=h.MessageID if h else None,
        errors=errs,
        ids=tuple(i.value for i in message.Reply.ID),
    )


def parse_end_device_controls_reply(data: bytes, **limits) -> ControlReply:
    """Parse and validate a head-end's ResponseMessage/FaultMessage to EndDeviceControls."""
    return control_reply_from_message(parse_message(data, **limits))
