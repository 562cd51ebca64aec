"""Unit tests of the correlation processors over plain dict state (the runtimes are in test_contract)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from orchestrator import topics
from orchestrator.core import correlation as rules
from orchestrator.core.programs import Acknowledgement
from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView
from orchestrator.iec import parse_message
from orchestrator.processors.base import DeadLetter
from tests.correlation.scenario import (
    CONFIRMED_CODE, END, OPT_OUT_CODE, POWER_OFF_CODE, RESTORED_CODE, STOPPED_CODE, T0, Pipeline, edc, events, mid,
    processors, reply, tick,
)

S = timedelta(seconds=1)


def dead(p: Pipeline) -> list[DeadLetter]:
    return [DeadLetter.from_record(r) for r in p.topic(topics.DEADLETTER)]


async def test_ok_partial_failed_replies_then_confirmations_and_end():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2", "d3"], mid("a"))
    b = edc("hes-b", "c1", ["d4", "d5"], mid("b"))
    await p.feed(a, b)
    assert p.counts() == Counter(SENT=5)
    await p.feed(reply(a, "PARTIAL", T0 + 2 * S, failed=["d2"]), reply(b, "FAILED", T0 + 3 * S))
    assert p.counts() == Counter(ACCEPTED=2, REJECTED=3)
    assert p.records()["d2|c1"]["detail"] == "6.3 device not reachable"  # the item's IEC error code + text
    assert p.records()["d1|c1"]["rule"] == "correlation_id"
    await p.feed(events("d1", CONFIRMED_CODE, T0 + 30 * S, campaign="c1"),
                 events("d3", CONFIRMED_CODE, T0 + 40 * S))  # no tracking id: device + time window
    assert p.records()["d1|c1"]["rule"] == "tracking_id"
    assert p.records()["d3|c1"]["rule"] == "device_window"
    await p.feed(tick(END + S))
    assert p.counts() == Counter(ENDED=2, REJECTED=3)
    assert not dead(p)


async def test_confirmation_before_reply_duplicates_and_stale_reply():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a)
    confirm = events("d1", CONFIRMED_CODE, T0 + 1 * S, campaign="c1")
    await p.feed(confirm)
    assert p.records()["d1|c1"]["state"] == "CONFIRMED"
    ok = reply(a, "OK", T0 + 5 * S)
    updates_before = len(p.topic(topics.DISPATCH_UPDATES))
    await p.feed(ok, ok, confirm, a)  # late reply, resent reply, duplicate event, re-delivered request
    assert p.counts() == Counter(CONFIRMED=1, ACCEPTED=1)
    assert len(p.topic(topics.DISPATCH_UPDATES)) == updates_before + 1  # only d2's ACCEPTED
    assert not dead(p)


async def test_lost_replies_time_out_retry_with_backoff_then_fail():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a)
    now = T0
    retries_sent = []
    for _ in range(60):  # tick every 10 s for a while; nobody answers
        now += 10 * S
        out = await p.feed(tick(now))
        retries_sent += [r for r in out if r.topic == topics.EDC_OUTBOUND]
        if p.counts() == Counter(FAILED=2):
            break
    assert p.counts() == Counter(FAILED=2)
    rec = p.records()["d1|c1"]
    assert rec["attempt"] == 3 and rec["timeouts"] == 3  # first send + the program's 2 retries
    assert "retry limit 2" in rec["detail"]
    # Retries are real EndDeviceControls, one message per head-end and campaign per tick.
    assert sum(int(r.header("devices")) for r in retries_sent) == 4  # 2 retries × 2 devices
    msg = parse_message(retries_sent[0].value)
    assert msg.noun == "EndDeviceControls" and retries_sent[0].key == "hes-a"
    assert retries_sent[0].header("orchestrator.program") == "ac-cycling"


async def test_retry_then_ok_reply_is_accepted():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    await p.feed(a, tick(T0 + 61 * S))
    assert p.counts() == Counter(TIMED_OUT=1)
    out = await p.feed(tick(T0 + 200 * S))
    resend = [r for r in out if r.topic == topics.EDC_OUTBOUND]
    assert len(resend) == 1 and p.counts() == Counter(SENT=1)
    await p.feed(reply(resend[0], "OK", T0 + 201 * S))
    rec = p.records()["d1|c1"]
    assert rec["state"] == "ACCEPTED" and rec["attempt"] == 2


async def test_confirmation_timeout_after_ok():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    await p.feed(a, reply(a, "OK", T0 + 1 * S), tick(T0 + 599 * S))
    assert p.counts() == Counter(ACCEPTED=1)
    await p.feed(tick(T0 + 601 * S))
    assert p.counts() == Counter(TIMED_OUT=1)
    assert "no confirmation within 600 s" in p.records()["d1|c1"]["detail"]


async def test_opt_out_after_confirmation():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a, reply(a, "OK", T0 + S), events("d1", CONFIRMED_CODE, T0 + 9 * S, campaign="c1"),
                 events("d2", CONFIRMED_CODE, T0 + 9 * S, campaign="c1"),
                 events("d1", OPT_OUT_CODE, T0 + 900 * S, campaign="c1"),
                 events("d1", OPT_OUT_CODE, T0 + 900 * S, campaign="c1"))
    assert p.counts() == Counter(OPTED_OUT=1, CONFIRMED=1)
    await p.feed(events("d2", STOPPED_CODE, T0 + 7000 * S, campaign="c1"))
    assert p.counts() == Counter(OPTED_OUT=1, ENDED=1)


async def test_outage_mid_event_skips_then_resends_after_restoration():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a, events("d1", POWER_OFF_CODE, T0 + 5 * S), tick(T0 + 61 * S))
    assert p.counts() == Counter(SKIPPED_OUTAGE=1, TIMED_OUT=1)
    assert "outage" in p.records()["d1|c1"]["detail"]
    # d1 is not re-sent while out; d2 is retried on its backoff.
    out = await p.feed(tick(T0 + 120 * S))
    resent = [r for r in out if r.topic == topics.EDC_OUTBOUND]
    assert len(resent) == 1 and b"d2" in resent[0].value and b">d1<" not in resent[0].value
    # Restoration inside the window: d1 is re-sent on the next tick.
    out = await p.feed(events("d1", RESTORED_CODE, T0 + 300 * S), tick(T0 + 301 * S))
    resent = [r for r in out if r.topic == topics.EDC_OUTBOUND]
    assert len(resent) == 1 and b">d1<" in resent[0].value
    assert p.records()["d1|c1"]["state"] == "SENT" and p.records()["d1|c1"]["attempt"] == 2
    await p.feed(reply(resent[0], "OK", T0 + 302 * S), events("d1", CONFIRMED_CODE, T0 + 303 * S, campaign="c1"))
    assert p.records()["d1|c1"]["state"] == "CONFIRMED"


async def test_restoration_after_the_window_does_not_resend():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    await p.feed(a, events("d1", POWER_OFF_CODE, T0 + 5 * S), tick(T0 + 61 * S))
    out = await p.feed(events("d1", RESTORED_CODE, END + 60 * S), tick(END + 120 * S))
    assert not [r for r in out if r.topic == topics.EDC_OUTBOUND]
    assert p.counts() == Counter(SKIPPED_OUTAGE=1)


async def test_unknown_campaign_and_device_events_are_dead_lettered_with_reason():
    topology = TopologyView()
    for d in ("d1", "d2"):
        topology.add(DevicePlacement(d, DeviceKind.THERMOSTAT, "hes-a", "standard", None, None, None, None))
    p = Pipeline(processors(topology, hold_s=120))
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    await p.feed(a)
    await p.feed(events("d1", CONFIRMED_CODE, T0 + 9 * S, campaign="nope"),  # unknown campaign: held, then dead
                 events("zz", CONFIRMED_CODE, T0 + 9 * S, campaign="c1"),  # unknown device: dead at once
                 events("d1", "3.12.40.257", T0 + 9 * S))  # tamper: not a control event, ignored
    letters = dead(p)
    assert [d.extra["reason_code"] for d in letters] == ["unknown_device"]
    await p.feed(tick(T0 + 130 * S))
    letters = dead(p)
    assert [d.extra["reason_code"] for d in letters] == ["unknown_device", "unmatched_event"]
    assert "campaign nope" in letters[1].reason
    assert p.counts() == Counter(TIMED_OUT=1)


async def test_event_before_its_record_is_held_and_applied_when_the_record_comes():
    p = Pipeline()
    await p.feed(events("d1", CONFIRMED_CODE, T0 + 2 * S, campaign="c1"))
    assert p.counts() == Counter()
    await p.feed(edc("hes-a", "c1", ["d1"], mid("a")))
    assert p.counts() == Counter(CONFIRMED=1)
    await p.feed(tick(T0 + 400 * S))
    assert not dead(p)


async def test_reply_without_request_is_dead_lettered_after_the_bound():
    p = Pipeline()
    ghost = edc("hes-a", "c9", ["d1"], mid("ghost"))
    await p.feed(reply(ghost, "OK", T0))  # its request never went through edc.outbound
    assert not dead(p)
    await p.feed(tick(T0 + 3601 * S))
    letters = dead(p)
    assert [d.extra["reason_code"] for d in letters] == ["unmatched_reply"]
    assert letters[0].source_topic == topics.EDC_REPLIES and mid("ghost") in letters[0].reason


async def test_reply_before_its_index_is_released():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    early = reply(a, "OK", T0 + S)
    # Feed the reply straight to the splitter before the index exists.
    splitter = p.processors[1]
    assert await splitter.process(early, p.states[splitter.name]) == []
    await p.feed(a)
    assert p.counts() == Counter(ACCEPTED=1)


async def test_cancel_by_cancel_code_and_garbage_inputs():
    p = Pipeline()
    await p.feed(edc("hes-a", "c1", ["d1", "d2"], mid("a")))
    await p.feed(edc("hes-a", "c1", ["d1", "d2"], mid("cancel"), T0 + 60 * S, code="16.15.43.8"))
    assert p.counts() == Counter(CANCELLED=2)
    from orchestrator.processors.base import Record
    await p.feed(Record(topics.EDC_OUTBOUND, "hes-a", b"<not-xml"), Record(topics.EDE_INBOUND, "d1", b"<x/>"),
                 Record(topics.DISPATCH_FACTS, "d1", b"[1]"), Record(topics.CLOCK_TICKS, "p0", b"{}"))
    assert len(dead(p)) == 4 and all(d.reason for d in dead(p))
    assert p.counts() == Counter(CANCELLED=2)


def test_deadline_index_orders_and_lazily_deletes():
    state: dict = {}
    for i in range(2500):
        rules.add_deadline(state, 3, 1000.0 + (i % 50), f"d{i}|c", "reply")
    rules.add_deadline(state, 3, 5000.0, "late|c", "reply")
    assert state["p3|due-index"] == [1000, 1010, 1020, 1030, 1040, 5000]
    assert state["p3|due|1000"] == 1  # 500 entries: one chunk
    fired = rules.due(state, 3, 1024.5)
    assert len(fired) == 25 * 50 and fired == sorted(fired)
    assert state["p3|due-index"] == [1020, 1030, 1040, 5000]
    assert rules.due(state, 3, 999.0) == []
    rest = rules.due(state, 3, 10_000)
    assert len(rest) == 2500 - 1250 + 1 and "p3|due-index" not in state
    assert not any(k.startswith("p3|due") for k in state)


def test_retry_jitter_is_deterministic_and_bounded():
    ack = Acknowledgement(retries=3, backoff_s=30, backoff_factor=2)
    delays = [rules.retry_delay_s(ack, "d1", n) for n in (1, 2, 3)]
    assert delays == [rules.retry_delay_s(ack, "d1", n) for n in (1, 2, 3)]
    assert 30 <= delays[0] < 36 and 60 <= delays[1] < 72 and 120 <= delays[2] < 144
    assert rules.retry_delay_s(ack, "d1", 4) is None
    assert len({rules.retry_delay_s(ack, f"d{i}", 1) for i in range(50)}) > 40  # spread, not one instant


def test_updates_carry_state_rule_and_cause():
    import asyncio
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1"], mid("a"))
    asyncio.run(p.feed(a, reply(a, "OK", T0 + S)))
    updates = [json.loads(r.value) for r in p.topic(topics.DISPATCH_UPDATES)]
    assert [(u["previous"], u["state"], u["event"]) for u in updates] == [("PENDING", "SENT", "sent"),
                                                                        ("SENT", "ACCEPTED", "reply_ok")]
    assert all(r.key == "c1" for r in p.topic(topics.DISPATCH_UPDATES))
    assert updates[1]["rule"] == "correlation_id" and updates[1]["seq"] == 2


async def test_each_update_carries_the_times_of_its_own_event():
    """The progress store computes acknowledgement latency from an update alone: the update of a
    send has its sent_at, of a reply its replied_at, of a confirmation its confirmed_at."""
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a)
    await p.feed(reply(a, "OK", T0 + 2 * S))
    await p.feed(events("d2", CONFIRMED_CODE, T0 + 9 * S, campaign="c1"))
    updates = [json.loads(r.value) for r in p.topic(topics.DISPATCH_UPDATES)]
    by_event = {(u["device"], u["event"]): u for u in updates}
    sent = by_event[("d1", "sent")]
    assert sent["sent_at"] is not None and sent["message_id"] == mid("a") and sent["deadline"] is not None
    accepted = by_event[("d1", "reply_ok")]
    assert accepted["replied_at"] == rules.epoch(T0 + 2 * S) and accepted["state"] == "ACCEPTED"
    confirmed = by_event[("d2", "confirmed")]
    assert confirmed["confirmed_at"] == rules.epoch(T0 + 9 * S) and confirmed["replied_at"] is not None
