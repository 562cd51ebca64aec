"""Control index: what left on ``edc.outbound``, re-keyed for correlation.

``edc.outbound`` is keyed by head-end (the order a head-end receives its messages in); the
correlator needs the same facts per device, in the partition where that device's events arrive.
For every EndDeviceControls request this emits

- one ``sent`` / ``cancel`` fact per device to ``dispatch.facts`` (keyed by device mRID), with the
  campaign (the control's ``issuerTrackingID``), MessageID, control mRID and type, head-end,
  scheduled interval, program and a template of the control (what a retry re-sends);
- one index record to ``edc.messages`` (keyed by MessageID, as replies are keyed by their
  CorrelationID) listing the devices and campaigns of the message, for the reply splitter.

Stateless: the messages are our own (built by ``iec.build_end_device_controls``), read with lxml
by local name and a parser that resolves no entities and reaches no network. Anything that is
not an EndDeviceControls request (e.g. GetMeterReadings) is not a control and produces nothing;
an unreadable message is dead-lettered.
"""
from __future__ import annotations

import json

from lxml import etree

from orchestrator import topics
from orchestrator.core.correlation import epoch
from orchestrator.iec.end_device_events import parse_datetime
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Processor, Record, State

NAME = "control-index"
PROGRAM_HEADER = "orchestrator.program"
CANCEL_VERBS = frozenset({"cancel", "delete", "close"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
_TEMPLATE_TEXT = ("issuerID", "reason", "randomisation")
_DR_FIELDS = {"avgLoadAdjustment": float, "cancelNow": "bool", "coolingOffset": float, "coolingSetpoint": float,
              "criticalityLevel": str, "dutyCycle": float, "enrollmentGroup": str, "heatingOffset": float,
              "heatingSetpoint": float}


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el, name: str):
    for c in el:
        if _local(c) == name:
            return c
    return None


def _text(el, name: str) -> str | None:
    c = _child(el, name)
    return c.text.strip() if c is not None and c.text else None


def _time(text: str | None) -> float | None:
    return epoch(parse_datetime(text)) if text else None


def _bool(text: str | None) -> bool | None:
    return None if text is None else text.strip().lower() in ("true", "1")


def _root(data: bytes):
    root = etree.fromstring(data, _PARSER)
    if _local(root) == "Envelope":  # SOAP
        body = _child(root, "Body")
        root = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
        if root is None:
            raise ValueError("SOAP envelope without a body element")
    return root


def _control(el) -> dict:
    devices = [m.text.strip() for d in el if _local(d) == "EndDevices" for m in d if _local(m) == "mRID" and m.text]
    ctype = _child(el, "EndDeviceControlType")
    timing = _child(el, "primaryDeviceTiming")
    interval = _child(timing, "interval") if timing is not None else None
    template: dict = {k: _text(el, k) for k in _TEMPLATE_TEXT}
    level = _text(el, "drProgramLevel")
    template["drProgramLevel"] = int(level) if level is not None else None
    template["drProgramMandatory"] = _bool(_text(el, "drProgramMandatory"))
    price = _text(el, "priceSignal")
    template["priceSignal"] = float(price) if price is not None else None
    if timing is not None and _text(timing, "randomisation"):
        template["randomisation"] = _text(timing, "randomisation")
    dr_el = _child(el, "PanDemandResponse")
    if dr_el is not None:
        dr = {}
        for name, kind in _DR_FIELDS.items():
            v = _text(dr_el, name)
            if v is not None:
                dr[name] = _bool(v) if kind == "bool" else kind(v)
        template["demandResponse"] = dr
    return {
        "mrid": _text(el, "mRID"),
        "type": ctype.get("ref") if ctype is not None else None,
        "campaign": _text(el, "issuerTrackingID"),
        "devices": devices,
        "start": _time(_text(interval, "start")) if interval is not None else None,
        "end": _time(_text(interval, "end")) if interval is not None else None,
        "template": {k: v for k, v in template.items() if v is not None},
    }


def _dead_letter(record: Record, reason: str) -> Record:
    DEAD_LETTERS.labels(source_topic=record.topic, reason="control_index").inc()
    return DeadLetter(source_topic=record.topic, reason=reason, code="1.1", key=record.key, processor=NAME,
                      payload=record.value.decode("utf-8", "replace")[:65536]).to_record(topics.DEADLETTER)


async def index_controls(record: Record, state: State) -> list[Record]:
    try:
        root = _root(record.value)
        header = _child(root, "Header")
        if header is None:
            raise ValueError("no Header")
        noun, verb = _text(header, "Noun"), (_text(header, "Verb") or "").lower()
        if noun != "EndDeviceControls":
            return []
        message_id = _text(header, "MessageID")
        if not message_id:
            raise ValueError("EndDeviceControls without a Header/MessageID cannot be correlated")
        at = _time(_text(header, "Timestamp")) or 0.0
        payload = _child(root, "Payload")
        doc = _child(payload, "EndDeviceControls") if payload is not None else None
        controls = [_control(c) for c in doc if _local(c) == "EndDeviceControl"] if doc is not None else []
    except (etree.XMLSyntaxError, ValueError, TypeError) as exc:
        return [_dead_letter(record, f"unreadable EndDeviceControls on {record.topic}: {exc}")]

    program = record.header(PROGRAM_HEADER)
    cancel = verb in CANCEL_VERBS or record.header("kind") == "cancel"
    source, reply_address = _text(header, "Source"), _text(header, "ReplyAddress")
    async_reply = _bool(_text(header, "AsyncReplyFlag"))
    out: list[Record] = []
    listed: list[list[str]] = []
    for c in controls:
        if not c["campaign"]:
            out.append(_dead_letter(record, f"EndDeviceControl {c['mrid']} in message {message_id} has no "
                                            f"issuerTrackingID (campaign); its devices cannot be correlated"))
            continue
        template = {**c["template"], "source": source, "reply_address": reply_address, "async_reply": async_reply}
        for device in c["devices"]:
            fact = {"kind": "cancel" if cancel else "sent", "campaign": c["campaign"], "device": device,
                    "message_id": message_id, "control": c["mrid"], "type": c["type"], "headend": record.key,
                    "start": c["start"], "end": c["end"], "program": program, "at": at,
                    "template": {k: v for k, v in template.items() if v is not None}}
            out.append(Record(topics.DISPATCH_FACTS, device, json.dumps(fact, sort_keys=True,
                                                                         separators=(",", ":")).encode()))
            listed.append([device, c["campaign"], c["mrid"]])
    if listed:
        index = {"message_id": message_id, "devices": listed, "headend": record.key, "at": at,
                 "cancel": cancel}
        out.append(Record(topics.EDC_MESSAGES, message_id, json.dumps(index, separators=(",", ":")).encode()))
    return out


PROCESSOR = Processor(
    name=NAME,
    inputs=(topics.EDC_OUTBOUND,),
    outputs=(topics.DISPATCH_FACTS, topics.EDC_MESSAGES, topics.DEADLETTER),
    process=index_controls,
    description="re-key each EndDeviceControls sent into per-device facts and a message index",
)

__all__ = ["PROCESSOR", "index_controls"]
