"""The head-end client against real HTTP head-ends: the simulator, a dead port, a flaky and a garbage one."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from aiohttp import web

from orchestrator import topics
from orchestrator.headend.client import CircuitBreaker, HeadEndClient
from orchestrator.headend.metrics import HEADEND_CIRCUIT
from orchestrator.iec import (
    EndDeviceControl,
    build_end_device_controls,
    parse_end_device_controls_reply,
    parse_message,
)
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.readings.messages import (
    build_get_meter_readings,
    parse_meter_readings,
)
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.simulator import Behaviour, HeadEndSimulator, generate_fleet
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.headends import HeadendStore


@pytest.fixture
async def parts(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(tmp_path / "runtime.db")
    runtime.open()
    headends = HeadendStore(sessionmaker(engine))
    client = HeadEndClient(headends, runtime, attempts=3, backoff_s=0.01, breaker_threshold=2,
                           breaker_reset_s=3600)
    yield headends, runtime, client
    await client.close()
    await runtime.stop()
    await engine.dispose()


def controls(devices, message_id=None) -> tuple[str, bytes]:
    message_id = message_id or str(uuid.uuid4())
    return message_id, build_end_device_controls(
        [EndDeviceControl(mRID=f"ctl-{message_id[:8]}", EndDeviceControlType="16.15.0.54", endDevices=devices,
                          issuerTrackingID="campaign-1", durationMinutes=60)], message_id=message_id,
        source="orchestrator")


async def serve(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/hes", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/hes"


def letters(runtime) -> list[DeadLetter]:
    return [DeadLetter.from_record(r) for r in runtime.read_topic(topics.DEADLETTER)]


@pytest.mark.parametrize("transport", ["bare", "soap11", "soap12"])
async def test_controls_reach_the_simulator_and_the_sync_reply_goes_to_edc_replies(parts, transport):
    headends, runtime, client = parts
    fleet = generate_fleet(20, seed=4, headend="hes-sim")
    thermostats = [d for d, x in fleet.devices.items() if x.kind == "thermostat"][:3]
    async with HeadEndSimulator(fleet, Behaviour(time_scale=0.001, reading_interval_s=0)) as sim:
        path = "/iec" if transport == "bare" else "/soap/ExecuteEndDeviceControls"
        await headends.add("hes-sim", url=sim.url + path, vendor="standard", transport=transport)
        message_id, body = controls([*thermostats, "NO-SUCH-DEVICE"])
        await client.write([Record(topics.EDC_OUTBOUND, "hes-sim", body)])
        assert sim.stats["controls_received"] == 1 and sim.stats["devices_controlled"] == 3
    [reply] = runtime.read_topic(topics.EDC_REPLIES)
    assert reply.key == message_id and reply.header("iec.headend") == "hes-sim"
    parsed = parse_end_device_controls_reply(reply.value)
    assert parsed.result.value == "PARTIAL" and parsed.failed_ids == {"NO-SUCH-DEVICE"}
    assert parse_message(reply.value).soap == ({"bare": None, "soap11": "1.1", "soap12": "1.2"}[transport])


async def test_an_on_request_read_reply_carries_readings_to_readings_inbound(parts):
    headends, runtime, client = parts
    fleet = generate_fleet(5, seed=4, headend="hes-sim")
    async with HeadEndSimulator(fleet, Behaviour(time_scale=0.001, reading_interval_s=0)) as sim:
        await headends.add("hes-sim", url=sim.url + "/iec", vendor="standard")
        body = build_get_meter_readings(["M-000001", "M-000002"], message_id="read-1")
        body = body.replace(b"<msg:AsyncReplyFlag>true</msg:AsyncReplyFlag>", b"")
        await client.write([Record(topics.EDC_OUTBOUND, "hes-sim", body)])
    [record] = runtime.read_topic(topics.READINGS_INBOUND)
    readings = parse_meter_readings(record.value)
    assert record.key == "M-000001" and readings.correlation_id == "read-1"
    assert set(readings.devices) == {"M-000001", "M-000002"} and len(readings.readings) == 2 * 6


async def test_unreachable_head_end_is_retried_then_failed_in_its_place_and_the_circuit_opens(parts):
    headends, runtime, client = parts
    async def unused(request):
        return web.Response(text="unused")

    runner, url = await serve(unused)
    await runner.cleanup()  # nothing listens there any more
    await headends.add("hes-down", url=url, vendor="standard")
    ids = [controls(["TSTAT-1"])[0] for _ in range(3)]
    await client.write([Record(topics.EDC_OUTBOUND, "hes-down", controls(["TSTAT-1"], i)[1]) for i in ids[:2]])
    assert client.breaker("hes-down").state == CircuitBreaker.OPEN
    assert HEADEND_CIRCUIT.labels(headend="hes-down")._value.get() == 2
    await client.write([Record(topics.EDC_OUTBOUND, "hes-down", controls(["TSTAT-1"], ids[2])[1])])
    replies = {r.key: parse_end_device_controls_reply(r.value) for r in runtime.read_topic(topics.EDC_REPLIES)}
    assert {k: (v.result.value, v.errors[0].code) for k, v in replies.items()} == {
        ids[0]: ("FAILED", "5.4"), ids[1]: ("FAILED", "5.4"), ids[2]: ("FAILED", "5.5")}
    assert all(r.header("iec.synthetic") == "headend-client" for r in runtime.read_topic(topics.EDC_REPLIES))
    assert [d.code for d in letters(runtime)] == ["5.4", "5.4", "5.5"]
    assert all(d.source_topic == topics.EDC_OUTBOUND and d.payload for d in letters(runtime))


async def test_transient_errors_are_retried_and_limits_hold(parts):
    headends, runtime, client = parts
    state = {"calls": 0, "in_flight": 0, "max_in_flight": 0}

    async def flaky(request: web.Request) -> web.Response:
        state["calls"] += 1
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            await asyncio.sleep(0.02)
            if state["calls"] % 3 == 1:
                return web.Response(status=503, text="busy")
            request_message = parse_message(await request.read())
            from orchestrator.iec import ok_reply, to_xml
            return web.Response(body=to_xml(ok_reply(request_message, source="hes-flaky")),
                                content_type="application/xml")
        finally:
            state["in_flight"] -= 1

    runner, url = await serve(flaky)
    try:
        await headends.add("hes-flaky", url=url, vendor="standard", max_concurrency=2, rate_per_s=1000)
        batch = [controls([f"D-{n}"]) for n in range(6)]
        await client.write([Record(topics.EDC_OUTBOUND, "hes-flaky", body) for _, body in batch])
    finally:
        await runner.cleanup()
    replies = runtime.read_topic(topics.EDC_REPLIES)
    assert sorted(r.key for r in replies) == sorted(i for i, _ in batch)
    assert all(parse_end_device_controls_reply(r.value).result.value == "OK" for r in replies)
    assert state["calls"] > 6 and state["max_in_flight"] <= 2
    assert client.breaker("hes-flaky").state == CircuitBreaker.CLOSED and letters(runtime) == []


async def test_garbage_answers_and_unknown_head_ends_fail_with_a_dead_letter(parts):
    headends, runtime, client = parts
    async def garbage(request):
        return web.Response(text="<html>proxy error</html>", status=200)

    runner, url = await serve(garbage)
    try:
        await headends.add("hes-garbage", url=url, vendor="standard")
        a, body_a = controls(["X"])
        b, body_b = controls(["Y"])
        await client.write([Record(topics.EDC_OUTBOUND, "hes-garbage", body_a),
                            Record(topics.EDC_OUTBOUND, "hes-nobody", body_b),
                            Record(topics.EDC_OUTBOUND, "hes-garbage", b"not xml at all")])
    finally:
        await runner.cleanup()
    replies = {r.key: parse_end_device_controls_reply(r.value).errors[0].code
               for r in runtime.read_topic(topics.EDC_REPLIES)}
    assert replies == {a: "5.6", b: "6.2"}
    assert sorted(d.code for d in letters(runtime)) == ["1.1", "5.6", "6.2"]


def test_breaker_half_opens_after_the_reset_time():
    breaker = CircuitBreaker("hes-x", threshold=1, reset_s=0.0)
    breaker.failure()
    assert breaker.state == CircuitBreaker.OPEN
    assert breaker.allow() and breaker.state == CircuitBreaker.HALF_OPEN
    assert not breaker.allow()  # one trial at a time
    breaker.success()
    assert breaker.state == CircuitBreaker.CLOSED and breaker.allow()
    breaker.failure()
    assert breaker.allow() and not breaker.allow()
    breaker.abandon_trial()  # the trial was never sent: another request may be the trial
    assert breaker.allow() and breaker.state == CircuitBreaker.HALF_OPEN


def test_each_failed_trial_doubles_the_wait_for_the_next_up_to_the_limit():
    breaker = CircuitBreaker("hes-y", threshold=2, reset_s=10.0, max_reset_s=35.0)
    breaker.failure()
    breaker.failure()
    assert breaker.state == CircuitBreaker.OPEN and breaker.wait_s == 10.0 and not breaker.allow()
    waits = []
    for _ in range(4):
        breaker.opened_at -= breaker.wait_s  # the wait is over
        assert breaker.allow() and breaker.state == CircuitBreaker.HALF_OPEN
        breaker.failure()  # the trial failed
        assert breaker.state == CircuitBreaker.OPEN and not breaker.allow()
        waits.append(breaker.wait_s)
    assert waits == [20.0, 35.0, 35.0, 35.0]
    breaker.opened_at -= breaker.wait_s
    assert breaker.allow()
    breaker.success()
    assert breaker.state == CircuitBreaker.CLOSED and breaker.wait_s == 10.0


async def test_a_kafka_head_end_gets_its_requests_on_its_own_topic(parts):
    headends, runtime, client = parts
    from orchestrator.store.headends import HeadendError

    with pytest.raises(HeadendError, match="kafka:<topic>"):
        await headends.add("hes-k", url="http://x", vendor="standard", transport="kafka")
    with pytest.raises(HeadendError, match="own topics"):
        await headends.add("hes-k", url=f"kafka:{topics.EDC_REPLIES}", vendor="standard", transport="kafka")
    await headends.add("hes-k", url="kafka:hes-k.requests", vendor="standard", transport="kafka")
    message_id, body = controls(["D-1"])
    await client.write([Record(topics.EDC_OUTBOUND, "hes-k", body)])
    [request] = runtime.read_topic("hes-k.requests")
    assert request.key == "hes-k" and request.value == body and request.header("iec.headend") == "hes-k"
    assert runtime.read_topic(topics.EDC_REPLIES) == [] and letters(runtime) == []


async def test_a_reply_that_misses_its_schema_is_passed_on_marked(parts):
    headends, runtime, client = parts

    async def sloppy(request):
        from orchestrator.iec import ok_reply, parse_message, to_xml

        reply = to_xml(ok_reply(parse_message(await request.read()), source="hes-sloppy"))
        source = b"<msg:Source>hes-sloppy</msg:Source>"  # out of schema order, as some head-ends send it
        reply = reply.replace(source, b"").replace(b"</tns:Header>", source + b"</tns:Header>")
        return web.Response(body=reply, content_type="application/xml")

    runner, url = await serve(sloppy)
    try:
        await headends.add("hes-sloppy", url=url, vendor="standard")
        message_id, body = controls(["D-1"])
        await client.write([Record(topics.EDC_OUTBOUND, "hes-sloppy", body)])
    finally:
        await runner.cleanup()
    [reply] = runtime.read_topic(topics.EDC_REPLIES)
    assert reply.key == message_id and reply.header("iec.invalid", "").startswith("[1.3]")
    assert reply.header("iec.synthetic") is None and letters(runtime) == []
