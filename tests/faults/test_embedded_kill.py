"""kill -9 of the whole embedded orchestrator (``orchestrator serve``: API, scheduler, dispatcher,
processors, head-end client and OMS delivery in one process, SQLite underneath), then a start on
the same data directory and port.

1. Mid-campaign: an AC-cycling event for about 2,900 devices behind a simulated head-end is killed
   once a third of them have answered. After the restart every device ends in its known state,
   in the catalogue and in the correlator's own records alike, and no device was sent two control
   MessageIDs: what is resent after the crash is the same message.
2. Mid-outage-storm: a feeder outage, transformer outages with last gasps, single-meter outages
   and momentaries, posted as EndDeviceEvents to the IEC endpoint, are killed a third of the way
   through the restorations. After the restart the OMS has been told of every outage, under one
   Idempotency-Key per notification, and every message answered OK is in the runtime log.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, defaultdict
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone

import aiohttp

from orchestrator import topics
from orchestrator.core.outages import outage_id
from orchestrator.iec import (
    CanonicalEvent,
    EndDeviceEvent,
    build_end_device_events,
    code_map,
)
from orchestrator.simulator import generate_fleet
from orchestrator.simulator.behaviour import Behaviour, Latency
from orchestrator.simulator.fleet import DEVICE_TYPE
from orchestrator.simulator.headend import OrchestratorLink
from tests.faults.campaign import (
    HEADEND,
    PROGRAM,
    RecordingHeadEnd,
    plan,
    write_programs,
)
from tests.faults.embedded import (
    EmbeddedServer,
    IecPoster,
    catalogue_rollup,
    correlator_states,
    message_ids_in_log,
    outage_consumers_caught_up,
)
from tests.outages.oms_server import OmsServer

ANSWERED = ("ACCEPTED", "CONFIRMED", "REJECTED")
UNSETTLED = ("PENDING", "SENT")


async def _rollup(http: aiohttp.ClientSession, url: str, event: str) -> Counter:
    async with http.get(f"{url}/api/v1/events/{event}") as r:
        assert r.status == 200, await r.text()
        return Counter({k: v for k, v in (await r.json())["rollup"].items() if v})


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _nothing() -> str:
    return ""


async def _until(check, timeout: float, what: str, server: EmbeddedServer, describe=_nothing):
    """Poll ``check()`` (async) until it returns something true; fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.alive(), f"serve exited while waiting for {what}\n{server.log_tail()}"
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}: {await describe()}\n{server.log_tail()}")


# ------------------------------------------------------------------------------ 1. mid-campaign

class SlowHeadEnd(RecordingHeadEnd):
    """Takes a moment to answer each request, as a head-end queueing controls for its mesh does:
    the kill then finds controls in flight, which the restarted process sends again."""

    async def _handle_iec(self, request):
        await request.read()  # the message is in, whatever happens to the connection now
        await asyncio.sleep(0.3)
        return await super()._handle_iec(request)


async def test_kill_9_mid_campaign(tmp_path, long_run):
    expected = plan(20_000 if long_run else 7_000)  # about 2,900 devices; --long: about 8,200
    devices = expected.dispatched + expected.expected["SKIPPED_INELIGIBLE"]
    server = EmbeddedServer(tmp_path / "orchestrator", env={
        "ORCHESTRATOR_PROGRAMS_DIR": str(write_programs(tmp_path / "programs", devices)),
        "ORCHESTRATOR_DISPATCH_MESSAGE_SIZE": "40", "ORCHESTRATOR_METRICS_SAMPLE_INTERVAL_S": "60"})
    # The simulator keeps resending its replies and confirmations while serve is down.
    link = OrchestratorLink(server.url, attempts=60)
    behaviour = Behaviour(seed=3, reading_interval_s=0, confirm_latency=Latency("uniform", 0.2, 1.0),
                          reply_latency=Latency("uniform", 0.1, 0.5))
    simulator = SlowHeadEnd(expected.simulated, behaviour, link=link)
    async with AsyncExitStack() as stack:
        sim_url = await simulator.start()
        stack.push_async_callback(simulator.stop)
        stack.callback(server.stop)
        link.username, link.password = HEADEND, await server.prepare(expected.rows, HEADEND, f"{sim_url}/iec",
                                                                      "standard")
        http = await stack.enter_async_context(aiohttp.ClientSession())
        await server.start()
        begin = datetime.now(timezone.utc) + timedelta(seconds=3)
        async with http.post(f"{server.url}/api/v1/events", json={
                "program": PROGRAM, "targets": expected.targets, "start": begin.isoformat(),
                "duration_minutes": 60, "reason": "kill -9"}) as r:
            assert r.status == 201, await r.text()
            event = (await r.json())["id"]

        async def a_third_answered():
            rollup = await _rollup(http, server.url, event)
            return rollup if sum(rollup[s] for s in ANSWERED) >= expected.dispatched / 3 else None

        await _until(a_third_answered, 180 if long_run else 60, "a third of the devices to answer", server)
        server.kill()
        at_kill = await catalogue_rollup(server.catalogue_url, event)
        messages_at_kill = sum(simulator.control_messages.values())
        assert 0 < sum(at_kill[s] for s in ANSWERED) < expected.dispatched, at_kill  # killed mid-way

        await server.start()

        async def settled():
            rollup = await _rollup(http, server.url, event)
            return rollup if rollup == expected.expected else None

        async def states():
            return (f"rollup {dict(await _rollup(http, server.url, event))}, correlator "
                    f"{dict(correlator_states(server.runtime_db, event))}, simulator {simulator.snapshot()['link']}")

        final = await _until(settled, 300 if long_run else 90, "every device in its end state", server, states)
        # The correlator's own records (of the devices it was sent) agree: no update was lost on the way.
        assert correlator_states(server.runtime_db, event) == expected.expected - Counter(
            SKIPPED_INELIGIBLE=expected.expected["SKIPPED_INELIGIBLE"])
        assert not any(final[s] for s in UNSETTLED)
        # One control MessageID per device: a resend after the crash is the very same message.
        assert simulator.devices_with_several_ids() == {}
        assert set(simulator.control_ids) == expected.dispatched_devices
        async with http.get(f"{server.url}/api/v1/deadletters") as r:
            assert await r.json() == []
        print({"devices": devices, "killed_at": dict(at_kill), "answered_at_kill": sum(at_kill[s] for s in ANSWERED),
               "control_messages_before_kill": messages_at_kill, "final": dict(final),
               "control_messages": len(simulator.control_messages),
               "received_again": sum(n - 1 for n in simulator.control_messages.values())})


# ------------------------------------------------------------------------------ 2. mid-outage-storm

STORM_HEADEND = "hes-storm"
STORM_VENDOR = "mesh-ami"  # has a last-gasp code of its own
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
RESTORED_AT = 900.0  # seconds after T0: every sustained outage is back then, past its momentary window


class Storm:
    """Power events of a generated fleet and the OMS notifications they imply.

    Event time only drives the detector (no wall-clock ticks run): windows close when a feeder's
    own restorations move its clock past them. Each event is its own message (keyed by its meter),
    every power-off is answered OK before any restoration is sent, and every meter of an outage
    shares one timestamp, so neither arrival order nor the crash can change what is implied:

    - feeder A: 21 of its 40 transformers off (a feeder outage and 21 transformer outages);
    - feeder B: the same with last gasps, each resent once (duplicates the detector drops);
    - feeder C: 6 transformers, 3 single meters, and 2 momentaries (back inside the window).
    """

    def __init__(self, meters: int = 1000, seed: int = 4):
        self.fleet = generate_fleet(meters, seed=seed, headend=STORM_HEADEND, vendor=STORM_VENDOR)
        self.codes = code_map(STORM_VENDOR)
        self.off: list[tuple[str, bytes]] = []  # phase 1: power-offs and last gasps
        self.blinks: list[tuple[str, bytes]] = []  # phase 2: the momentaries' restorations
        self.on: list[tuple[str, bytes]] = []  # phase 3: every other restoration
        self.expected: dict[str, tuple[str, str]] = {}  # idempotency key -> (outage id, notification)
        feeder_a, feeder_b, feeder_c = sorted(self.fleet.feeders)[:3]
        for feeder, at, meaning, copies in ((feeder_a, 0.0, CanonicalEvent.POWER_OFF, 1),
                                            (feeder_b, 20.0, CanonicalEvent.LAST_GASP, 2)):
            transformers = sorted(self.fleet.feeders[feeder])
            out = transformers[:len(transformers) // 2 + 1]
            self._sustained("feeder", feeder, at)
            for t in out:
                self._sustained("transformer", t, at)
                self._outage(self.fleet.meters_under(t), at, meaning, copies)
        transformers = sorted(self.fleet.feeders[feeder_c])
        for t in transformers[:6]:
            self._sustained("transformer", t, 40.0)
            self._outage(self.fleet.meters_under(t), 40.0, CanonicalEvent.POWER_OFF)
        singles = [self.fleet.meters_under(t)[0] for t in transformers[6:11]]
        for meter in singles[:3]:
            self._sustained("meter", meter, 60.0)
            self._outage([meter], 60.0, CanonicalEvent.POWER_OFF)
        for meter in singles[3:]:
            self.expected[f"{outage_id('meter', meter, self._t(100.0))}:1"] = (
                outage_id("meter", meter, self._t(100.0)), "outage.momentary")
            self.off.append(self._message(meter, CanonicalEvent.POWER_OFF, 100.0))
            self.blinks.append(self._message(meter, CanonicalEvent.POWER_RESTORED, 150.0))

    @staticmethod
    def _t(seconds: float) -> float:
        return T0.timestamp() + seconds

    def _sustained(self, level: str, asset: str, at: float) -> None:
        oid = outage_id(level, asset, self._t(at))
        self.expected[f"{oid}:1"] = (oid, "outage.created")
        self.expected[f"{oid}:2"] = (oid, "outage.restored")

    def _outage(self, meters: list[str], at: float, meaning: CanonicalEvent, copies: int = 1) -> None:
        for meter in meters:
            event_mrid = str(uuid.uuid4())
            self.off.extend(self._message(meter, meaning, at, event_mrid) for _ in range(copies))
            self.on.append(self._message(meter, CanonicalEvent.POWER_RESTORED, RESTORED_AT))

    def _message(self, meter: str, meaning: CanonicalEvent, at: float, event_mrid: str | None = None):
        event = EndDeviceEvent(createdDateTime=T0 + timedelta(seconds=at), mRID=event_mrid or str(uuid.uuid4()),
                               EndDeviceEventType=self.codes.code_for(meaning, DEVICE_TYPE["meter"], kind="event"),
                               endDeviceMRID=meter, issuerID=STORM_HEADEND)
        message_id = str(uuid.uuid4())
        return message_id, build_end_device_events([event], message_id=message_id, source=STORM_HEADEND,
                                                   timestamp=T0 + timedelta(seconds=at))

    @property
    def outages(self) -> Counter:
        """Outage records by final status."""
        ids = {oid: kind for oid, kind in self.expected.values() if kind != "outage.created"}
        return Counter("MOMENTARY" if kind == "outage.momentary" else "RESTORED" for kind in ids.values())


async def test_kill_9_mid_outage_storm(tmp_path):
    storm = Storm()
    oms = await OmsServer().start()
    server = EmbeddedServer(tmp_path / "orchestrator", env={
        "ORCHESTRATOR_OMS_WEBHOOK_URL": oms.url, "ORCHESTRATOR_OMS_BACKOFF_BASE_S": "0.2",
        "ORCHESTRATOR_OMS_LEASE_S": "5",  # what the killed process had claimed goes out 5 s later
        "ORCHESTRATOR_CORRELATION_TICK_S": "0",  # no wall clock: event time alone closes the windows
        # Storm mode holds meter-level news for periodic summaries; this storm is counted outage by outage.
        "ORCHESTRATOR_OUTAGE_STORM_EVENTS_PER_MIN": "100000",
        "ORCHESTRATOR_METRICS_SAMPLE_INTERVAL_S": "60"})
    async with AsyncExitStack() as stack:
        stack.push_async_callback(oms.stop)
        stack.callback(server.stop)
        password = await server.prepare(storm.fleet.import_rows(), STORM_HEADEND, None, STORM_VENDOR)
        http = await stack.enter_async_context(aiohttp.ClientSession())
        poster = IecPoster(server.url, STORM_HEADEND, password)
        await server.start()
        await poster.post_all(storm.off, http)
        await poster.post_all(storm.blinks, http)
        poster.concurrency, poster.pause_s = 2, 0.02  # restorations trickle in while the OMS is told
        restoring = asyncio.create_task(poster.post_all(storm.on, http))
        stack.push_async_callback(_cancel, restoring)
        restore_ids = {mid for mid, _ in storm.on}

        async def a_third_restored():  # and the OMS is being told meanwhile
            return len(poster.ok & restore_ids) >= len(restore_ids) / 3 and oms.received

        await _until(a_third_restored, 60, "a third of the restorations answered and the OMS told", server)
        server.kill()
        at_kill = {"restorations_ok": len(poster.ok & restore_ids), "oms_received": len(oms.received)}
        assert at_kill["oms_received"] < len(storm.expected), "the storm was over before the kill"
        await server.start()
        await asyncio.wait_for(restoring, 120)

        async def delivered():
            async with http.get(f"{server.url}/api/v1/oms/deliveries?limit=1") as r:
                counts = (await r.json())["counts"]
            return counts if counts.get("delivered", 0) >= len(storm.expected) and \
                not counts.get("pending") and outage_consumers_caught_up(server.runtime_db) else None

        async def progress():
            return f"OMS received {len(oms.received)} of {len(storm.expected)}; poster failures {dict(poster.failures)}"

        counts = await _until(delivered, 90, "every notification delivered", server, progress)
        assert dict(poster.failures) == {}
        assert counts == {"delivered": len(storm.expected)}

        # Every implied notification reached the OMS, none other; a repeat carries the same key.
        keys: dict[str, set] = defaultdict(set)
        by_notification: dict[tuple[str, str], set[str]] = defaultdict(set)
        for key, body in oms.received:
            keys[key].add((body["id"], body["event"], body["outage"]["version"]))
            by_notification[(body["id"], body["event"])].add(key)
        assert set(keys) == set(storm.expected)
        assert {k: (oid, event) for k, found in keys.items() for oid, event, _ in found} == storm.expected
        assert all(len(found) == 1 for found in keys.values())
        assert all(len(k) == 1 for k in by_notification.values())  # no outage notified under two keys
        async with http.get(f"{server.url}/api/v1/outages?status=all&limit=500") as r:
            outages = await r.json()
        assert Counter(o["status"] for o in outages) == storm.outages
        assert {o["id"] for o in outages} == {oid for oid, _ in storm.expected.values()}

        # Every message answered OK is in the runtime log; twice only if an attempt died unanswered.
        logged = message_ids_in_log(server.runtime_db, topics.EDE_INBOUND)
        posted = [mid for mid, _ in storm.off + storm.blinks + storm.on]
        assert poster.ok == set(posted)
        assert set(logged) == set(posted)
        assert {mid: n for mid, n in logged.items() if n != 1 and n > 1 + poster.unanswered[mid]} == {}
        assert {mid: n for mid, n in logged.items() if n > 1 and not poster.unanswered[mid]} == {}
        async with http.get(f"{server.url}/api/v1/deadletters") as r:
            assert await r.json() == []
        print({"messages": len(posted), "off": len(storm.off), "blinks": len(storm.blinks), "on": len(storm.on),
               "at_kill": at_kill, "refused_while_down": sum(poster.refused.values()),
               "unanswered": dict(poster.unanswered), "logged_twice": sum(1 for n in logged.values() if n > 1),
               "outages": dict(storm.outages), "notifications": len(storm.expected),
               "oms_requests": len(oms.received), "oms_repeats": len(oms.received) - len(keys)})
