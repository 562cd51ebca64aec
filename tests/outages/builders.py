"""Topology and head-end event builders shared by the outage tests and the storm benchmark."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView
from orchestrator.iec import EndDeviceEvent, build_end_device_events

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

# Codes per vendor map (orchestrator/iec/vendors): the same meaning, different codes.
CODES = {
    "standard": {"off": "3.26.0.85", "lg": None, "on": "3.26.0.216"},
    "connexo": {"off": "3.26.0.85", "lg": "10.26.80.59", "on": "3.26.38.49"},
    "mesh-ami": {"off": "8.26.38.85", "lg": "8.26.0.85", "on": "8.26.0.216"},
}


def topology(feeders: int = 1, transformers: int = 4, meters: int = 4, vendor: str = "standard",
             substation: str = "S1") -> TopologyView:
    """Feeders F1.., each with transformers F1-T1.., each with meters F1-T1-M1..; one head-end per vendor."""
    view = TopologyView()
    for f in range(1, feeders + 1):
        feeder = f"F{f}"
        view.feeder_substation[feeder] = substation
        for t in range(1, transformers + 1):
            transformer = f"{feeder}-T{t}"
            view.transformer_feeder[transformer] = feeder
            for m in range(1, meters + 1):
                device = f"{transformer}-M{m}"
                view.add(DevicePlacement(device=device, kind=DeviceKind.METER, headend=f"hes-{vendor}",
                                         vendor=vendor, usage_point=f"UP-{device}", transformer=transformer,
                                         feeder=feeder, substation=substation))
    return view


def event(device: str, what: str, seconds: float, vendor: str = "standard", mrid: str | None = None,
          start: datetime = T0) -> EndDeviceEvent:
    code = CODES[vendor][what]
    if code is None:
        raise ValueError(f"{vendor} has no {what} code")
    return EndDeviceEvent(createdDateTime=start + timedelta(seconds=seconds), EndDeviceEventType=code,
                          mRID=mrid or f"ev-{device}-{what}-{seconds:g}", endDeviceMRID=device)


def message(events: list[EndDeviceEvent], message_id: str, source: str = "hes-standard") -> bytes:
    """A real CreatedEndDeviceEvents message as a head-end sends it."""
    return build_end_device_events(events, message_id=message_id, source=source, timestamp=T0)
