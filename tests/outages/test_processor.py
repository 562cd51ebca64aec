"""The outage processor's edges: bad input is dead-lettered with a reason, nothing is lost;
multi-device messages are split by device; readings that are not verification answers are ignored."""
from __future__ import annotations

import json

from orchestrator import topics
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.processors.outage import make_outage_processor
from tests.outages.builders import event, message, topology


async def test_malformed_events_message_is_dead_lettered_with_its_iec_code():
    p = make_outage_processor(topology())
    out = await p.process(Record(topics.EDE_INBOUND, "F1-T1-M1", b"<CreatedEndDeviceEvents><oops"), {})
    (letter,) = [DeadLetter.from_record(r) for r in out]
    assert letter.source_topic == topics.EDE_INBOUND and letter.code == "1.1" and letter.key == "F1-T1-M1"
    assert letter.processor == "outage-detector" and letter.reason


async def test_invalid_signal_and_tick_are_dead_lettered():
    p = make_outage_processor(topology())
    state: dict = {}
    for record in (Record(topics.OUTAGE_SIGNALS, "F1", b'{"kind": "meter"}'),
                   Record(topics.OUTAGE_SIGNALS, "F1", b'{"kind": "weather"}'),
                   Record(topics.OUTAGE_SIGNALS, "F1", b"not json"),
                   Record(topics.CLOCK_TICKS, "p0", b'{"at": "noon"}')):
        (out,) = await p.process(record, state)
        assert out.topic == topics.DEADLETTER and DeadLetter.from_record(out).code == "2.4"
    assert state == {}


async def test_a_message_for_several_meters_is_deduplicated_per_device_in_its_partition():
    p = make_outage_processor(topology())
    data = message([event("F1-T1-M1", "off", 0), event("F1-T1-M2", "off", 1), event("F1-T2-M1", "off", 2)], "m-1")
    state: dict = {}
    out = await p.process(Record(topics.EDE_INBOUND, "F1-T1-M1", data), state)
    assert set(state) == {"F1-T1-M1|pwr"}  # only the record key's state is written here
    by_kind = sorted((r.header("outage.kind"), r.key) for r in out)
    assert by_kind == [("fact", "F1-T1-M2"), ("fact", "F1-T2-M1"), ("meter", "F1")]
    fact = next(r for r in out if r.key == "F1-T1-M2")
    (signal,) = await p.process(fact, state)
    assert (signal.key, json.loads(signal.value)["device"]) == ("F1", "F1-T1-M2") and "F1-T1-M2|pwr" in state
    assert await p.process(fact, state) == []  # redelivered: a duplicate
    bad = Record(topics.OUTAGE_SIGNALS, "F1-T1-M1", fact.value)
    assert DeadLetter.from_record((await p.process(bad, state))[0]).code == "2.4"  # keyed by the wrong device


async def test_readings_that_answer_nothing_are_ignored():
    p = make_outage_processor(topology())
    assert await p.process(Record(topics.READINGS_INBOUND, "F1-T1-M1", b"<MeterReadings/>"), {}) == []


async def test_unknown_devices_are_their_own_owner():
    p = make_outage_processor(topology())
    out = await p.process(Record(topics.EDE_INBOUND, "X-1", message([event("X-1", "off", 0)], "m-2")), {})
    assert [(r.topic, r.key) for r in out] == [(topics.OUTAGE_SIGNALS, "X-1")]


async def test_deadlines_are_indexed_in_small_buckets_and_an_unbucketed_index_is_still_swept():
    from orchestrator.processors.outage import DUE_BUCKETS, due_key

    p = make_outage_processor(topology(), tick_lateness_s=0.0)
    state: dict = {}
    devices = [f"X-{i}" for i in range(400)]  # unknown devices: each its own owner with a pending window
    for i, d in enumerate(devices):
        (signal,) = await p.process(Record(topics.EDE_INBOUND, d, message([event(d, "off", 0)], f"m-{i}")), state)
        await p.process(signal, state)
    indexes = {k: v for k, v in state.items() if "|outage-due" in k}
    assert set(indexes) <= {f"p0|outage-due|{b}" for b in range(DUE_BUCKETS)}
    assert sum(len(v) for v in indexes.values()) == 400 and max(len(v) for v in indexes.values()) < 400 / 4
    # state written before the buckets: one index for the partition; it is swept and drained
    moved = devices[:10]
    for d in moved:
        at = state[due_key(0, d)].pop(d)
        state.setdefault("p0|outage-due", {})[d] = at
    tick = Record(topics.CLOCK_TICKS, "p0", json.dumps({"at": 1e12}).encode())
    out = await p.process(tick, state)
    created = {json.loads(r.value)["outage"]["asset"] for r in out if r.topic == topics.OMS_NOTIFICATIONS
               and json.loads(r.value)["event"] == "outage.created"}
    assert set(moved) <= created and len(created) == 400
    assert "p0|outage-due" not in state
