"""OMS webhook delivery: retries with backoff while the OMS is down, dead letters beyond the limit,
replay, idempotency keys and the IEC EndDeviceEvents form — against a real aiohttp server."""
from __future__ import annotations

import json
from datetime import timedelta

from orchestrator import topics
from orchestrator.core.outages import MeterSignal, OutageDetector
from orchestrator.iec import parse_end_device_events, validate_message
from orchestrator.oms.delivery import OmsDeliverer
from orchestrator.processors.base import Record
from tests.outages.builders import T0, topology
from tests.outages.oms_server import OmsServer, outage_store

BASE = T0.timestamp()


def notification_records() -> list[Record]:
    """A transformer outage created and restored, and a single-meter outage created: 3 notifications."""
    d = OutageDetector(topology())
    state: dict = {}
    notes = []
    for s in (MeterSignal("F1-T1-M1", False, BASE), MeterSignal("F1-T1-M2", False, BASE),
              MeterSignal("F1-T2-M1", False, BASE + 5)):
        notes += d.on_signal(state, "F1", s).notifications
    notes += d.on_tick(state, "F1", BASE + 400).notifications
    for m in ("F1-T1-M1", "F1-T1-M2"):
        notes += d.on_signal(state, "F1", MeterSignal(m, True, BASE + 900)).notifications
    return [Record(topics.OMS_NOTIFICATIONS, n["id"], json.dumps(n).encode()) for n in notes]


async def drain(deliverer: OmsDeliverer, store, rounds: int = 200) -> None:
    for _ in range(rounds):
        await deliverer.run_once()
        if not (await store.delivery_counts()).get("pending"):
            return
        # Make every retry due now: the test does not wait out the backoff.
        for d in await store.deliveries(status="pending"):
            await store.postpone(d.id, d.next_attempt_at - timedelta(days=1))


async def test_retry_delay_doubles_up_to_the_cap_and_stops_at_the_limit():
    deliverer = OmsDeliverer(None, "http://x", max_attempts=5, backoff_base_s=1, backoff_max_s=5)
    assert [deliverer.retry_delay(a) for a in range(1, 6)] == \
        [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4), timedelta(seconds=5), None]
    assert deliverer.retryable(None) and deliverer.retryable(503) and deliverer.retryable(429)
    assert not deliverer.retryable(400) and not deliverer.retryable(404)


async def test_webhook_down_for_a_while_then_everything_arrives_once(tmp_path):
    server = await OmsServer().start()
    store, engine = await outage_store(tmp_path)
    deliverer = OmsDeliverer(store, server.url, max_attempts=10, backoff_base_s=0.01, poll_s=0.01)
    try:
        records = notification_records()
        await store.sink(records)
        await store.sink(records)  # redelivered batch: no second outbox row
        server.down = True
        for _ in range(3):
            await deliverer.run_once()
            for d in await store.deliveries(status="pending"):
                await store.postpone(d.id, d.next_attempt_at - timedelta(days=1))
        assert server.received == [] and server.requests >= 3
        pending = await store.deliveries(status="pending")
        assert len(pending) == 3 and max(d.attempts for d in pending) == 3
        assert pending[0].last_status == 503
        server.down = False
        await drain(deliverer, store)
        expected = [json.loads(r.value) for r in records]
        assert sorted(json.dumps(b, sort_keys=True) for _, b in server.received) == \
            sorted(json.dumps(n, sort_keys=True) for n in expected)
        def per_outage(keys: list[str]) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for k in keys:
                out.setdefault(k.rsplit(":", 1)[0], []).append(k)
            return out

        # Outages go out in parallel; each outage's notifications in order.
        assert per_outage([k for k, _ in server.received]) == per_outage([n["idempotency_key"] for n in expected])
        assert await store.delivery_counts() == {"delivered": 3}
        # The store knows the outages: the transformer's is restored, the meter's is active.
        active = await store.active()
        assert [o.level for o in active] == ["meter"] and active[0].asset == "F1-T2-M1"
        assert await store.devices_in_outage() == {"F1-T2-M1"}
        assert await store.devices_in_outage(["F1-T1-M1", "F1-T2-M1", "X"]) == {"F1-T2-M1"}
    finally:
        await deliverer.stop()
        await server.stop()
        await engine.dispose()


async def test_beyond_the_limit_dead_letters_then_replay_delivers(tmp_path):
    server = await OmsServer().start()
    store, engine = await outage_store(tmp_path)
    deliverer = OmsDeliverer(store, server.url, max_attempts=3, backoff_base_s=0.01, poll_s=0.01)
    try:
        records = notification_records()
        await store.sink(records)
        server.down = True
        await drain(deliverer, store)
        dead = await store.deliveries(status="dead")
        assert len(dead) == 3 and all(d.attempts == 3 for d in dead)
        assert all("HTTP 503" in d.last_error for d in dead) and server.received == []
        assert json.loads(dead[0].payload)["idempotency_key"] == dead[0].idempotency_key  # content kept
        server.down = False
        assert await store.replay(outage_id=dead[0].outage_id) == 2  # the transformer's two
        await drain(deliverer, store)
        assert len(server.received) == 2
        assert await store.replay() == 1
        await drain(deliverer, store)
        assert len(server.received) == 3 and await store.delivery_counts() == {"delivered": 3}
        assert await store.replay() == 0  # nothing dead any more
    finally:
        await deliverer.stop()
        await server.stop()
        await engine.dispose()


async def test_client_errors_are_final_at_once(tmp_path):
    server = await OmsServer().start()
    server.status_when_down = 422
    server.down = True
    store, engine = await outage_store(tmp_path)
    deliverer = OmsDeliverer(store, server.url, max_attempts=5, backoff_base_s=0.01, poll_s=0.01)
    try:
        await store.sink(notification_records()[:1])
        await deliverer.run_once()
        (d,) = await store.deliveries()
        assert (d.status, d.attempts, d.last_status) == ("dead", 1, 422)
    finally:
        await deliverer.stop()
        await server.stop()
        await engine.dispose()


async def test_iec_form_is_a_valid_end_device_events_message(tmp_path):
    server = await OmsServer().start()
    store, engine = await outage_store(tmp_path, fmt="both")
    deliverer = OmsDeliverer(store, server.url, backoff_base_s=0.01, poll_s=0.01)
    try:
        await store.sink(notification_records())
        await drain(deliverer, store)
        xml = [b for _, b in server.received if isinstance(b, str)]
        assert len(xml) == 3 and len(server.received) == 6
        for body in xml:
            result = validate_message(body.encode())  # raises IecError if the XSD rejects it
            assert result.documents[0][0] == "EndDeviceEvents" and result.documents[0][1] != "no schema"
            (ev,) = parse_end_device_events(body.encode())
            details = dict(ev.details)
            assert details["outageID"] == ev.issuerTrackingID
        # Different outages are delivered in parallel: find the transformer's first notification.
        events = [parse_end_device_events(b.encode())[0] for b in xml]
        first = next(e for e in events if e.endDeviceMRID == "F1-T1" and e.EndDeviceEventType != "0.26.0.216")
        assert first.EndDeviceEventType == "0.26.0.85"
        restored = next(parse_end_device_events(b.encode())[0] for b in xml if "outage.restored" in b)
        assert restored.EndDeviceEventType == "0.26.0.216" and dict(restored.details)["outageStatus"] == "RESTORED"
    finally:
        await deliverer.stop()
        await server.stop()
        await engine.dispose()
