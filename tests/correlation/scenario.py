"""Real IEC messages for correlation tests, built with the orchestrator.iec builders, and an
in-memory pipeline that routes records between the three processors (unit level)."""
from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from orchestrator import topics
from orchestrator.core.programs import load_programs
from orchestrator.core.topology import TopologyView
from orchestrator.iec import (
    DemandResponseSettings, EndDeviceControl, EndDeviceEvent, ItemFailure, build_end_device_controls,
    build_end_device_events, failed_reply, ok_reply, parse_message, partial_reply, to_xml,
)
from orchestrator.iec import errors as iec_errors
from orchestrator.processors import control_index, reply_splitter
from orchestrator.processors.base import Processor, Record
from orchestrator.processors.correlator import make_correlator

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = load_programs([ROOT / "programs"])
PROGRAM = "ac-cycling"  # reply 60 s, confirmation 600 s, 2 retries, backoff 30 s × 2
T0 = datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc)
START, END = T0 + timedelta(minutes=5), T0 + timedelta(hours=2)
NS = uuid.UUID("3d0b7b52-2f7c-4c55-8f0e-1a2b3c4d5e6f")

CONFIRMED_CODE = "16.15.17.242"  # LoadControl started
STOPPED_CODE = "16.15.17.243"
OPT_OUT_CODE = "16.15.43.81"
POWER_OFF_CODE = "3.26.0.85"
RESTORED_CODE = "3.26.0.216"


def ts(at: datetime) -> float:
    return at.timestamp()


def mid(*parts) -> str:
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def controls(campaign: str, devices: list[str], *, code: str = "16.15.0.54", start: datetime = START,
             end: datetime = END) -> list[EndDeviceControl]:
    return [EndDeviceControl(mRID=f"{campaign}:{d}", EndDeviceControlType=code, endDevices=(d,), issuerID="drms",
                             issuerTrackingID=campaign, reason="peak", drProgramMandatory=False, start=start, end=end,
                             durationMinutes=(end - start).total_seconds() / 60,
                             demandResponse=DemandResponseSettings(dutyCycle=50.0, criticalityLevel="moderate"))
            for d in devices]


def edc(headend: str, campaign: str, devices: list[str], message_id: str, at: datetime = T0, *,
        program: str | None = PROGRAM, code: str = "16.15.0.54", verb: str = "create", start: datetime = START,
        end: datetime = END) -> Record:
    xml = build_end_device_controls(controls(campaign, devices, code=code, start=start, end=end), message_id=message_id,
                                    correlation_id=message_id, source="orchestrator", timestamp=at,
                                    async_reply=True, ack_required=True, verb=verb)
    headers = (("campaign", campaign), ("message_id", message_id))
    if program:
        headers += (("orchestrator.program", program),)
    return Record(topics.EDC_OUTBOUND, headend, xml, headers)


def reply(request: Record, result: str, at: datetime, *, failed: list[str] = (), message_id: str | None = None,
          correlation_id: str | None = None) -> Record:
    req = parse_message(request.value)
    kw = dict(timestamp=at, message_id=message_id or mid("reply", req.Header.MessageID, result, at),
              source="hes")
    if correlation_id:
        kw["correlation_id"] = correlation_id
    if result == "OK":
        msg = ok_reply(req, **kw)
    elif result == "PARTIAL":
        msg = partial_reply(req, [ItemFailure(id=d, error=iec_errors.ITEM_FAILED, details="device not reachable")
                                  for d in failed], **kw)
    else:
        msg = failed_reply(req, iec_errors.ITEM_FAILED, "head-end busy", **kw)
    key = correlation_id or req.Header.MessageID
    return Record(topics.EDC_REPLIES, key, to_xml(msg))


def events(device: str, code: str, at: datetime, *, campaign: str | None = None, message_id: str | None = None,
           event_id: str | None = None) -> Record:
    ev = EndDeviceEvent(createdDateTime=at, EndDeviceEventType=code, mRID=event_id or mid("ev", device, code, at),
                        endDeviceMRID=device, issuerTrackingID=campaign)
    xml = build_end_device_events([ev], message_id=message_id or mid("ede", device, code, at), source="hes",
                                  timestamp=at)
    return Record(topics.EDE_INBOUND, device, xml)


def tick(at: datetime, partition: int = 0) -> Record:
    return Record(topics.CLOCK_TICKS, f"p{partition}", json.dumps({"at": ts(at)}).encode(), partition=partition)


def processors(topology: TopologyView | None = None, *, hold_s: float = 300.0) -> list[Processor]:
    return [control_index.PROCESSOR, reply_splitter.make_reply_splitter(),
            make_correlator(topology, PROGRAMS, hold_s=hold_s)]


class Pipeline:
    """The three processors over plain dicts, records routed in order (a single-partition runtime)."""

    def __init__(self, procs: list[Processor] | None = None):
        self.processors = procs or processors()
        self.states: dict[str, dict] = {p.name: {} for p in self.processors}
        self.outputs: list[Record] = []

    async def feed(self, *records: Record) -> list[Record]:
        """Each input with everything it causes before the next input (as if drained in between)."""
        produced = []
        for record in records:
            produced.extend(await self._cascade(record))
        self.outputs.extend(produced)
        return produced

    async def _cascade(self, first: Record) -> list[Record]:
        queue = [first]
        produced = []
        while queue:
            record = queue.pop(0)
            for p in self.processors:
                if record.topic in p.inputs:
                    out = await p.process(record, self.states[p.name])
                    produced.extend(out)
                    queue.extend(out)
        return produced

    def records(self) -> dict[str, dict]:
        return {k: v for k, v in self.states["correlator"].items() if _is_record(k, v)}

    def counts(self) -> Counter:
        return Counter(v["state"] for v in self.records().values())

    def topic(self, name: str) -> list[Record]:
        return [r for r in self.outputs if r.topic == name]


def _is_record(key: str, value) -> bool:
    return isinstance(value, dict) and "state" in value and "campaign" in value and not key.startswith("p")


def counts_of(state: dict) -> Counter:
    return Counter(v["state"] for k, v in state.items() if _is_record(k, v))
