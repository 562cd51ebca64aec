"""Head-end slow, down or answering garbage, in one campaign of ``orchestrator serve``.

The event's devices sit behind four head-ends: the simulator (healthy), one that answers only
after the client's timeout (slow), a port nothing listens on (down), and one that answers HTTP 200
with an HTML page (garbage). Through the running process's REST API and /metrics:

- the healthy head-end's devices end CONFIRMED, every other device REJECTED by the Reply FAILED
  the client publishes in its head-end's place, with the reason's code (``5.4`` unreachable after
  the retries, ``5.6`` not an IEC answer, ``5.5`` circuit open), and nothing is left SENT;
- the three failing head-ends' circuits are open, the healthy one's closed;
- the slow head-end sees each request it gets at all ``attempts`` times, with backoff between the
  attempts, and, once its circuit has opened, no request any more;
- every undelivered request has a dead letter naming its head-end.

A second, smaller test gives the head-end client alone one batch of requests to the slow head-end:
the requests still between their attempts when the circuit opens are not sent again.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone

import aiohttp
import yaml
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from orchestrator import topics
from orchestrator.headend.client import CircuitBreaker, HeadEndClient
from orchestrator.headend.metrics import HEADEND_CIRCUIT
from orchestrator.iec import (
    ok_reply,
    parse_end_device_controls_reply,
    parse_message,
    to_xml,
)
from orchestrator.processors.base import Record
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.simulator import generate_fleet
from orchestrator.simulator.behaviour import Behaviour, Latency
from orchestrator.simulator.headend import OrchestratorLink
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.headends import HeadendStore
from tests.faults.campaign import KINDS, PROGRAM, RecordingHeadEnd, write_programs
from tests.faults.embedded import EmbeddedServer, free_port
from tests.headend.test_client import controls


# The dispatcher sends devices in the order of their head-end's name: the slow one's comes first.
OK, SLOW, DOWN, GARBAGE = "hes-ok", "hes-busy", "hes-down", "hes-garbage"
HEADENDS = (OK, SLOW, DOWN, GARBAGE)
METERS = 1000  # about 430 controllable devices, a quarter behind each head-end
MESSAGE_SIZE = 10  # devices per EndDeviceControls: about 11 messages per head-end
TIMEOUT_S = 1.0  # the client's HTTP timeout; the slow head-end answers after three times that
ATTEMPTS = 3
# Delays before attempts 2 and 3: 0.4-1.2 s and 0.8-2.4 s. Spread wider than a timeout, they make
# requests let through together end at different times: the circuit opens while some still wait.
BACKOFF_S = 0.8
THRESHOLD = 5  # failed requests that open a circuit
RESET_S = 600.0  # no trial request during the test: an open circuit stays open
SLOW_FIRST_STEP = THRESHOLD + 1  # messages to the slow head-end in the ramp's first step
CIRCUIT = {0: "closed", 1: "half-open", 2: "open"}


class Recorder:
    """An HTTP head-end that notes when each request (by MessageID) arrived, then answers as told."""

    def __init__(self, answer):
        self.answer = answer
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/iec", self._handle)
        self.runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self.runner.addresses[0][1]}/iec"

    async def stop(self) -> None:
        await self.runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        message = parse_message(await request.read(), validate=False)
        self.arrivals[message.Header.MessageID].append(at)
        return await self.answer(message)

    @property
    def requests(self) -> int:
        return sum(len(a) for a in self.arrivals.values())


async def slowly(message) -> web.Response:
    await asyncio.sleep(3 * TIMEOUT_S)
    return await promptly(message)


async def promptly(message) -> web.Response:
    return web.Response(body=to_xml(ok_reply(message, source=SLOW)), content_type="application/xml")


async def garbage(message) -> web.Response:
    return web.Response(text="<html><body><h1>Service temporarily moved</h1></body></html>",
                        content_type="text/html")


def fleet_rows():
    """The fleet, its controllable devices dealt round the four head-ends; devices per head-end."""
    fleet = generate_fleet(METERS, seed=11, headend=OK, vendor="standard")
    rows = fleet.import_rows()
    controllable = sorted((r for r in rows if r["kind"] in KINDS and r["programs"]), key=lambda r: r["device"])
    behind: dict[str, set[str]] = defaultdict(set)
    for i, r in enumerate(controllable):
        r["headend"] = HEADENDS[i % len(HEADENDS)]
        behind[r["headend"]].add(r["device"])
    return fleet, rows, behind


def programs(directory, behind: dict[str, set[str]]):
    """The fault campaign's programs, with a ramp: a first step of SLOW_FIRST_STEP messages, all to
    the slow head-end (whose name sorts first), two seconds before the rest. They are enough to open
    its circuit while they are retried, before the second step asks it again."""
    assert SLOW == min(HEADENDS)
    target = write_programs(directory, sum(len(d) for d in behind.values()))
    path = target / f"{PROGRAM}.yaml"
    program = yaml.safe_load(path.read_text())
    program["ramp"] = {"step_devices": SLOW_FIRST_STEP * MESSAGE_SIZE, "step_interval_s": 2}
    path.write_text(yaml.safe_dump(program, sort_keys=False))
    return target


async def register(server: EmbeddedServer, urls: dict[str, str]) -> None:
    """The other head-ends, in the catalogue ``prepare`` made. The slow one takes every request at
    once, so that the gaps between a request's attempts are its timeouts and backoffs, not waits
    for a free slot; the others keep the default limits (4 in flight)."""
    engine = make_engine(server.catalogue_url)
    try:
        for name, url in urls.items():
            limits = {"max_concurrency": 100, "rate_per_s": 1000.0} if name == SLOW else {}
            await HeadendStore(sessionmaker(engine)).add(name, url=url, vendor="standard", **limits)
    finally:
        await engine.dispose()


async def devices_now(http, url: str, event: str) -> list[dict]:
    """Each device's current record (state, head-end, detail, control MessageID) from the event API,
    page by page."""
    records: list[dict] = []
    after = ""
    while True:
        async with http.get(f"{url}/api/v1/events/{event}/dispatches", params={"limit": 1000, "after": after}) as r:
            assert r.status == 200, await r.text()
            page = await r.json()
        records += page["items"]
        if not page["next"]:
            return records
        after = page["next"]


async def headend_states(http, url: str, event: str, headend: str) -> Counter:
    async with http.get(f"{url}/api/v1/headends/{headend}/rollup", params={"event": event}) as r:
        assert r.status == 200, await r.text()
        return Counter({k: v for k, v in (await r.json())["states"].items() if v})


async def circuits(http, url: str) -> dict[str, str]:
    async with http.get(f"{url}/metrics") as r:
        text = await r.text()
    return {s.labels["headend"]: CIRCUIT[int(s.value)] for family in text_string_to_metric_families(text)
            if family.name == "orchestrator_headend_circuit_state" for s in family.samples}


async def test_slow_down_and_garbage_head_ends_fail_their_devices_and_open_their_circuits(tmp_path):
    fleet, rows, behind = fleet_rows()
    devices = sum(len(d) for d in behind.values())
    server = EmbeddedServer(tmp_path / "orchestrator", env={
        "ORCHESTRATOR_PROGRAMS_DIR": str(programs(tmp_path / "programs", behind)),
        "ORCHESTRATOR_DISPATCH_MESSAGE_SIZE": str(MESSAGE_SIZE), "ORCHESTRATOR_METRICS_SAMPLE_INTERVAL_S": "60",
        "ORCHESTRATOR_HEADEND_TIMEOUT_S": str(TIMEOUT_S), "ORCHESTRATOR_HEADEND_ATTEMPTS": str(ATTEMPTS),
        "ORCHESTRATOR_HEADEND_BACKOFF_S": str(BACKOFF_S), "ORCHESTRATOR_HEADEND_BACKOFF_MAX_S": "10",
        "ORCHESTRATOR_HEADEND_BREAKER_THRESHOLD": str(THRESHOLD),
        "ORCHESTRATOR_HEADEND_BREAKER_RESET_S": str(RESET_S)})
    link = OrchestratorLink(server.url, attempts=8)
    simulator = RecordingHeadEnd(fleet, Behaviour(seed=3, reading_interval_s=0,
                                                  confirm_latency=Latency("uniform", 0.2, 1.0),
                                                  reply_latency=Latency("uniform", 0.1, 0.5)), link=link)
    slow, bad = Recorder(slowly), Recorder(garbage)
    async with AsyncExitStack() as stack:
        urls = {OK: f"{await simulator.start()}/iec", SLOW: await slow.start(), GARBAGE: await bad.start(),
                DOWN: f"http://127.0.0.1:{free_port()}/iec"}
        stack.push_async_callback(simulator.stop)
        stack.push_async_callback(slow.stop)
        stack.push_async_callback(bad.stop)
        stack.callback(server.stop)
        link.username, link.password = OK, await server.prepare(rows, OK, urls[OK], "standard")
        await register(server, {name: urls[name] for name in (SLOW, DOWN, GARBAGE)})
        http = await stack.enter_async_context(aiohttp.ClientSession())
        await server.start()
        begin = datetime.now(timezone.utc) + timedelta(seconds=3)
        async with http.post(f"{server.url}/api/v1/events", json={
                "program": PROGRAM, "targets": [f"substation:{s}" for s in fleet.substations],
                "start": begin.isoformat(), "duration_minutes": 60, "reason": "head-end faults"}) as r:
            assert r.status == 201, await r.text()
            event = (await r.json())["id"]

        expected = Counter(CONFIRMED=len(behind[OK]), REJECTED=devices - len(behind[OK]))

        async def rollup() -> Counter:
            async with http.get(f"{server.url}/api/v1/events/{event}") as r:
                assert r.status == 200, await r.text()
                return Counter({k: v for k, v in (await r.json())["rollup"].items() if v})

        started, final, ok_confirmed_s = time.monotonic(), Counter(), None
        while time.monotonic() < started + 60 and final != expected:
            assert server.alive(), server.log_tail()
            await asyncio.sleep(0.25)
            final = await rollup()
            if ok_confirmed_s is None and final["CONFIRMED"] == expected["CONFIRMED"]:
                ok_confirmed_s = round(time.monotonic() - started, 1)
        assert final == expected, f"rollup {dict(final)}, expected {dict(expected)}\n{server.log_tail()}"
        settled_s = round(time.monotonic() - started, 1)

        # Every device ends in the state its head-end implies, with the reason's code.
        assert {h: await headend_states(http, server.url, event, h) for h in HEADENDS} == {
            OK: Counter(CONFIRMED=len(behind[OK])), **{h: Counter(REJECTED=len(behind[h])) for h in (SLOW, DOWN, GARBAGE)}}
        records = await devices_now(http, server.url, event)
        assert {r["device"]: r["headend"] for r in records} == {d: h for h, ds in behind.items() for d in ds}
        assert Counter((r["headend"], r["state"]) for r in records) == Counter(
            {(h, "CONFIRMED" if h == OK else "REJECTED"): len(behind[h]) for h in HEADENDS})
        code_of: dict[str, dict[str, str]] = {h: {} for h in HEADENDS}  # head-end -> MessageID -> code
        for r in records:
            if r["headend"] != OK:
                code = r["detail"].split()[0]
                assert code_of[r["headend"]].setdefault(r["message_id"], code) == code, r  # one code per message
        codes = {h: Counter(code_of[h].values()) for h in HEADENDS}
        assert set(codes[SLOW]) == {"5.4", "5.5"} and set(codes[DOWN]) == {"5.4", "5.5"}, codes
        assert set(codes[GARBAGE]) == {"5.6", "5.5"}, codes
        # A circuit opens on the THRESHOLD-th failed request; only then are requests failed unsent.
        assert all(codes[h][first] >= THRESHOLD for h, first in ((SLOW, "5.4"), (DOWN, "5.4"), (GARBAGE, "5.6")))

        # The slow head-end: every request that failed 5.4 came ATTEMPTS times, with growing backoff;
        # a request failed 5.5 was cut short by the open circuit, and none came once it had opened.
        unreachable = {m for m, c in code_of[SLOW].items() if c == "5.4"}
        short = {m for m, c in code_of[SLOW].items() if c == "5.5"}
        assert set(slow.arrivals) >= unreachable and set(slow.arrivals) <= unreachable | short
        assert {m: len(slow.arrivals[m]) for m in unreachable} == {m: ATTEMPTS for m in unreachable}
        assert all(len(slow.arrivals.get(m, ())) < ATTEMPTS for m in short)
        second_step = -(-(len(behind[SLOW]) - SLOW_FIRST_STEP * MESSAGE_SIZE) // MESSAGE_SIZE)
        assert len(code_of[SLOW]) == SLOW_FIRST_STEP + second_step
        assert len(short - set(slow.arrivals)) >= second_step  # the circuit was open before the second step
        # Between two attempts: the timeout, then a backoff of BACKOFF_S * 2**k times a jitter in 0.5-1.5.
        gaps = [[b - a for a, b in zip(ts, ts[1:])] for ts in slow.arrivals.values()]
        backoffs = [[g[k] - TIMEOUT_S for g in gaps if len(g) > k] for k in range(ATTEMPTS - 1)]
        for k, waits in enumerate(backoffs):
            assert waits and all(0.5 * BACKOFF_S * 2 ** k - 0.05 <= w <= 1.5 * BACKOFF_S * 2 ** k + 0.75
                                 for w in waits), (k, waits)
        assert all(sum(a) / len(a) < sum(b) / len(b) for a, b in zip(backoffs, backoffs[1:])), backoffs
        opened = sorted(slow.arrivals[m][-1] + TIMEOUT_S for m in unreachable)[THRESHOLD - 1]
        # (0.5 s of slack: the serve process may notice the timeout late on shared CI cores.)
        late = [t - opened for ts in slow.arrivals.values() for t in ts if t > opened + 0.5]
        assert late == [], f"requests reached the slow head-end {late} s after its circuit opened"

        # The garbage head-end is not asked twice: an answer is an answer, if not an IEC one.
        assert {m: len(a) for m, a in bad.arrivals.items()} == {m: 1 for m, c in code_of[GARBAGE].items()
                                                                if c == "5.6"}
        # The healthy head-end got its own devices' controls, each once, and nothing else.
        assert set(simulator.control_ids) == behind[OK] and simulator.devices_with_several_ids() == {}

        breaker = await circuits(http, server.url)
        assert breaker == {OK: "closed", SLOW: "open", DOWN: "open", GARBAGE: "open"}

        async with http.get(f"{server.url}/api/v1/deadletters", params={"source_topic": "edc.outbound",
                                                                         "limit": "1000"}) as r:
            letters = await r.json()
        assert sorted((d["key"], d["message_id"], d["code"]) for d in letters) == sorted(
            (h, m, c) for h in (SLOW, DOWN, GARBAGE) for m, c in code_of[h].items())
        assert all(d["processor"] == "headend-client" for d in letters)

        print({"devices": {h: len(behind[h]) for h in HEADENDS}, "messages_per_headend": {
                   h: len(code_of[h]) for h in (SLOW, DOWN, GARBAGE)},
               "settings": {"timeout_s": TIMEOUT_S, "attempts": ATTEMPTS, "backoff_s": BACKOFF_S,
                            "breaker_threshold": THRESHOLD},
               "rollup": dict(final), "ok_confirmed_after_s": ok_confirmed_s, "settled_after_s": settled_s,
               "codes_by_message": {h: dict(codes[h]) for h in (SLOW, DOWN, GARBAGE)},
               "slow_attempts": dict(Counter(len(a) for a in slow.arrivals.values())),
               "slow_requests": slow.requests, "slow_messages_never_sent": len(short - set(slow.arrivals)),
               "slow_backoffs_s": [[round(x, 2) for x in w] for w in backoffs],
               "garbage_requests": bad.requests, "breakers": breaker,
               "dead_letters": dict(Counter(f"{d['key']} {d['code']}" for d in letters))})


async def test_requests_between_attempts_stop_when_the_circuit_opens(tmp_path):
    """Ten requests of one batch, all let through while the circuit is closed; the third to run out
    of attempts opens it, and those still waiting for their next attempt are failed 5.5 unsent.
    A short timeout beside long backoffs (0.2-0.6, 0.4-1.2, 0.8-2.4 s) spreads the requests' ends.
    After the reset time a trial request is sent once: while the head-end is still slow it opens the
    circuit again, once the head-end answers it closes it."""
    timeout_s, attempts = 0.3, 4
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(tmp_path / "runtime.db")
    runtime.open()
    slow = Recorder(slowly)
    client = HeadEndClient(HeadendStore(sessionmaker(engine)), runtime, timeout_s=timeout_s, attempts=attempts,
                           backoff_s=0.4, breaker_threshold=3, breaker_reset_s=RESET_S)
    try:
        await HeadendStore(sessionmaker(engine)).add(SLOW, url=await slow.start(), vendor="standard",
                                                     max_concurrency=100, rate_per_s=1000.0)
        ids = [f"slow-{n}" for n in range(10)]
        await client.write([Record(topics.EDC_OUTBOUND, SLOW, controls([i], i)[1]) for i in ids])
        assert client.breaker(SLOW).state == CircuitBreaker.OPEN
        codes = {r.key: parse_end_device_controls_reply(r.value).errors[0].code
                 for r in runtime.read_topic(topics.EDC_REPLIES)}
        assert set(codes) == set(ids)
        unreachable = {i for i, c in codes.items() if c == "5.4"}
        short = {i for i, c in codes.items() if c == "5.5"}
        assert len(unreachable) >= 3 and short and unreachable | short == set(ids), codes
        assert all(len(slow.arrivals[i]) == attempts for i in unreachable)
        assert all(0 < len(slow.arrivals[i]) < attempts for i in short)  # each was tried, then cut short
        opened = sorted(slow.arrivals[i][-1] + timeout_s for i in unreachable)[2]
        assert [t for ts in slow.arrivals.values() for t in ts if t > opened + 0.25] == []

        # The reset time is over while the head-end is still slow: one trial, one attempt, open again.
        client.breaker(SLOW).wait_s = 0.0
        await client.write([Record(topics.EDC_OUTBOUND, SLOW, controls(["trial"], "trial")[1])])
        assert len(slow.arrivals["trial"]) == 1 and client.breaker(SLOW).state == CircuitBreaker.OPEN
        [reply] = [r for r in runtime.read_topic(topics.EDC_REPLIES) if r.key == "trial"]
        assert parse_end_device_controls_reply(reply.value).errors[0].code == "5.4"

        slow.answer = promptly
        await client.write([Record(topics.EDC_OUTBOUND, SLOW, controls(["again"], "again")[1])])
        assert client.breaker(SLOW).state == CircuitBreaker.CLOSED
        assert HEADEND_CIRCUIT.labels(headend=SLOW)._value.get() == CircuitBreaker.CLOSED
        [reply] = [r for r in runtime.read_topic(topics.EDC_REPLIES) if r.key == "again"]
        assert parse_end_device_controls_reply(reply.value).result.value == "OK"
        assert len(slow.arrivals["again"]) == 1
    finally:
        await client.close()
        await slow.stop()
        await runtime.stop()
        await engine.dispose()
