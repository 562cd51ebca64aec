"""How a notification looks to an OMS: JSON as produced, or IEC 61968-9 EndDeviceEvents XML."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from orchestrator.iec import CanonicalEvent, EndDeviceEvent, build_end_device_events, code_map

JSON = "application/json"
XML = "application/xml"

# EndDeviceType of the code: 3 = electric meter; 0 = not applicable (a transformer or feeder).
_DEVICE_TYPE = {"meter": 3, "transformer": 0, "feeder": 0}
_MEANING = {"outage.created": CanonicalEvent.POWER_OFF, "outage.updated": CanonicalEvent.POWER_OFF,
            "outage.restored": CanonicalEvent.POWER_RESTORED, "outage.momentary": CanonicalEvent.POWER_RESTORED}

Render = Callable[[dict[str, Any]], "tuple[str, str] | None"]


def render_json(notification: dict[str, Any]) -> tuple[str, str]:
    return JSON, json.dumps(notification, sort_keys=True)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def render_iec(notification: dict[str, Any], *, source: str = "orchestrator") -> tuple[str, str] | None:
    """One EndDeviceEvent per outage notification; storm summaries have no IEC form (None)."""
    o = notification.get("outage")
    if o is None or notification["event"] not in _MEANING:
        return None
    meaning = _MEANING[notification["event"]]
    code = code_map("standard").code_for(meaning, _DEVICE_TYPE.get(o["level"], 0), kind="event")
    when = o["restored"] if meaning is CanonicalEvent.POWER_RESTORED and o.get("restored") else o["first"]
    details = [("outageID", o["id"]), ("outageLevel", o["level"]), ("outageStatus", o["status"]),
               ("notification", notification["event"]), ("confidence", str(o["confidence"])),
               ("affectedCount", str(len(o.get("affected") or ()))), ("firstEvent", o["first"]),
               ("lastEvent", o["last"])]
    if o.get("parent"):
        details.append(("parentOutageID", o["parent"]))
    if o.get("restored"):
        details.append(("restored", o["restored"]))
    event = EndDeviceEvent(createdDateTime=_time(when), EndDeviceEventType=code, mRID=notification["idempotency_key"],
                           endDeviceMRID=o["asset"], issuerID=source, issuerTrackingID=o["id"],
                           reason=notification["event"], severity=o["status"], details=tuple(details))
    body = build_end_device_events([event], message_id=notification["idempotency_key"], source=source,
                                   timestamp=_time(notification["at"]))
    return XML, body.decode("utf-8")


def targets_for(fmt: str) -> dict[str, Render]:
    """Outbox targets for ``oms_webhook_format``: json, iec or both."""
    out: dict[str, Render] = {}
    if fmt in ("json", "both"):
        out["webhook-json"] = render_json
    if fmt in ("iec", "both"):
        out["webhook-iec"] = render_iec
    return out
