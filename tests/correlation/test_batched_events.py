"""A head-end batches several devices' events in one EndDeviceEvents message, keyed by its first
device. Each device's record lives in that device's partition (on Kafka, maybe another worker's),
so the other devices' events travel there as ``event`` facts keyed by device and are applied there."""
from __future__ import annotations

import json
from datetime import timedelta

from orchestrator import topics
from orchestrator.iec import EndDeviceEvent, build_end_device_events
from orchestrator.processors.base import DeadLetter, Record
from tests.correlation.runtimes import run_embedded
from tests.correlation.scenario import CONFIRMED_CODE, T0, edc, mid, processors, reply

DEVICES = ["bt-a", "bt-b", "bt-c"]


def batch(devices: list[str], at) -> Record:
    evs = [EndDeviceEvent(createdDateTime=at, EndDeviceEventType=CONFIRMED_CODE, mRID=mid("ev", d, at),
                          endDeviceMRID=d, issuerTrackingID="kb") for d in devices]
    xml = build_end_device_events(evs, message_id=mid("batch", at), source="hes", timestamp=at)
    return Record(topics.EDE_INBOUND, devices[0], xml)  # keyed as the inbound router keys it


async def test_other_devices_events_of_a_batch_reach_their_own_records(tmp_path):
    request = edc("hes-1", "kb", DEVICES, mid("kb", 1), T0)
    confirmations = batch(DEVICES, T0 + timedelta(seconds=5))
    run = await run_embedded([[request, reply(request, "OK", T0 + timedelta(seconds=1))], [confirmations],
                              [confirmations]], tmp_path)  # the batch redelivered: nothing changes
    assert {k: v["state"] for k, v in run.records().items() if k.endswith("|kb")} == {
        f"{d}|kb": "CONFIRMED" for d in DEVICES}
    forwarded = [r for r in run.topic(topics.DISPATCH_FACTS) if json.loads(r.value)["kind"] == "event"]
    assert sorted(r.key for r in forwarded) == ["bt-b", "bt-b", "bt-c", "bt-c"]  # both deliveries, by device
    assert all(json.loads(r.value)["device"] == r.key for r in forwarded)
    confirmed = [json.loads(r.value) for r in run.topic(topics.DISPATCH_UPDATES)
                 if json.loads(r.value)["state"] == "CONFIRMED"]
    assert sorted(u["device"] for u in confirmed) == DEVICES  # once each
    assert run.topic(topics.DEADLETTER) == []


async def test_an_event_fact_keyed_by_another_device_is_a_dead_letter():
    correlator = next(p for p in processors() if p.name == "correlator")
    fact = {"kind": "event", "device": "bt-b", "event": {"device": "bt-b", "at": 0, "type": CONFIRMED_CODE,
                                                         "id": "e1", "meaning": "load_control_started"}}
    out = await correlator.process(Record(topics.DISPATCH_FACTS, "bt-a", json.dumps(fact).encode()), {})
    [letter] = [DeadLetter.from_record(r) for r in out if r.topic == topics.DEADLETTER]
    assert "keyed 'bt-a'" in letter.reason
