"""IEC endpoint under a fixed-rate load of EndDeviceEvents while a campaign dispatches.

Open loop: message i is sent at t0 + i/rate whatever the replies before it did (a slow server
does not slow the sender), so latency is measured from when each message was due, not from when
the client got round to it. The embedded service runs whole (every processor, the head-end client
sending the campaign's EndDeviceControls to a stub head-end answering OK). Reports the achieved
send and reply rates, p50/p99 reply latency, errors, and the loss check: messages answered OK ==
records stored on ``ede.inbound`` and every consumer caught up with them. The raw ceiling is
``iec_endpoint.ceiling_seconds``: the same messages parsed, validated and published, no HTTP.

    python bench/iec_load.py [--quick] [--rate 200] [--seconds 60] [--devices 10000]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from iec_endpoint import ceiling_seconds

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"
HEADENDS = 4
SENDER = "hes-load"


def _fleet(devices: int):
    for i in range(devices):
        yield {"substation": "S1", "feeder": "F1", "transformer": f"F1-T{i // 10:05d}", "usage_point": f"UP{i:07d}",
               "device": f"WH{i:07d}", "kind": "water_heater", "headend": f"hes-{i % HEADENDS}",
               "vendor": "standard", "customer": f"C{i:07d}", "agreement": f"A{i:07d}", "supplier": "retail-x",
               "programs": "water-heater-shed", "groups": "fleet"}


def _bodies(n: int, devices: int) -> list[bytes]:
    """n EndDeviceEvents messages, one load-control-started event each, round the fleet."""
    from orchestrator.iec import (
        CanonicalEvent,
        EndDeviceEvent,
        build_end_device_events,
        code_map,
    )

    code = code_map("standard").code_for(CanonicalEvent.LOAD_CONTROL_STARTED, 0, kind="event")
    now = datetime.now(UTC)
    return [build_end_device_events([EndDeviceEvent(createdDateTime=now, EndDeviceEventType=code,
                                                    endDeviceMRID=f"WH{i % devices:07d}", mRID=str(uuid.uuid4()))],
                                    message_id=str(uuid.uuid4()), source=SENDER) for i in range(n)]


async def _stub_headend(stack: AsyncExitStack) -> str:
    """Every head-end of the fleet, answering Reply OK to each control."""
    from aiohttp import web

    from orchestrator.iec import ok_reply, parse_message, to_xml

    async def handle(request: web.Request) -> web.Response:
        message = parse_message(await request.read(), validate=False)
        return web.Response(body=to_xml(ok_reply(message, source="stub")), content_type="application/xml")

    app = web.Application()
    app.router.add_post("/{name}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 2)


async def load(rate: float, seconds: float, *, devices: int, data_dir: Path) -> dict:
    """Run the load against a fresh embedded service in ``data_dir``; the figures and counts."""
    import aiohttp

    from orchestrator import topics
    from orchestrator.campaign_service import CreateEvent
    from orchestrator.processors.base import DeadLetter
    from orchestrator.service import start
    from orchestrator.settings import Settings
    from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
    from orchestrator.store.topology import TopologyStore

    n = int(rate * seconds)
    bodies = _bodies(n, devices)
    ceiling_s = await ceiling_seconds(bodies, data_dir / "ceiling.db")
    settings = Settings(data_dir=data_dir / "service", http_port=0, programs_dir=PROGRAMS, log_level="warning")
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(_fleet(devices))
    await engine.dispose()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    async with AsyncExitStack() as stack:
        stub = await _stub_headend(stack)
        running = await start(settings, stack)
        ctx = running.context
        for i in range(HEADENDS):
            await ctx.headends.add(f"hes-{i}", url=f"{stub}/hes-{i}", vendor="standard")
        _, password = await ctx.headends.add(SENDER, url=None, vendor="standard")
        headers = {"Authorization": "Basic " + base64.b64encode(f"{SENDER}:{password}".encode()).decode(),
                   "Content-Type": "application/xml"}
        # The campaign starts a second into the load: its dispatch and the controls' replies run beside it.
        campaign = await ctx.events.create(CreateEvent(
            program="water-heater-shed", targets=["feeder:F1"], duration_minutes=60,
            start=datetime.now(UTC) + timedelta(seconds=1), reason="load test"), "bench")
        loop = asyncio.get_running_loop()

        async def send(http: aiohttp.ClientSession, body: bytes, due: float) -> None:
            try:
                async with http.post(f"{running.url}/iec/v1/messages", data=body, headers=headers) as r:
                    await r.read()
                    key = str(r.status)
            except (TimeoutError, aiohttp.ClientError) as exc:
                key = type(exc).__name__
            latencies.append(loop.time() - due)
            statuses[key] = statuses.get(key, 0) + 1

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            tasks = []
            t0 = loop.time() + 0.05
            for i, body in enumerate(bodies):
                due = t0 + i / rate
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(send(http, body, due)))
            send_window = loop.time() - t0
            await asyncio.gather(*tasks)
            reply_window = loop.time() - t0
        drained = True
        try:
            await running.runtime.drain(timeout=300)  # every processor has consumed what was stored
        except TimeoutError:
            drained = False
        stored = [r for r in running.runtime.read_topic(topics.EDE_INBOUND) if r.header("iec.headend") == SENDER]
        ids = {r.header("iec.message_id") for r in stored}
        downstream = sum(1 for r in running.runtime.read_topic(topics.DEADLETTER)
                         if DeadLetter.from_record(r).message_id in ids)
        rollup = await ctx.events.store.rollup(campaign.id)
    ok = statuses.get("200", 0)
    reply_rate = ok / reply_window
    ceiling = n / ceiling_s
    return {"name": "iec_load", "items": n, "items_per_s": round(reply_rate, 1),
            "ceiling_items_per_s": round(ceiling, 1), "ratio": round(reply_rate / ceiling, 3),
            "target_rate": rate, "seconds": seconds, "send_rate": round(n / send_window, 1) if send_window else None,
            "p50_ms": _percentile(latencies, 0.50), "p99_ms": _percentile(latencies, 0.99),
            "ok": ok, "errors": n - ok, "statuses": statuses, "stored": len(stored), "lost": ok - len(stored),
            "drained": drained, "dead_lettered_downstream": downstream,
            "campaign_devices": devices, "campaign_sent": sum(v for k, v in rollup.items() if k not in (
                "PENDING", "SKIPPED_INELIGIBLE", "SKIPPED_OUTAGE"))}


def run(quick: bool = False, rate: float | None = None, seconds: float | None = None,
        devices: int | None = None, **_: object) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        return [asyncio.run(load(rate or (50 if quick else 200), seconds or (10 if quick else 60),
                                 devices=devices or (2000 if quick else 10000), data_dir=Path(tmp)))]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rate", type=float)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--devices", type=int)
    args = parser.parse_args()
    print(json.dumps(run(args.quick, args.rate, args.seconds, args.devices), indent=2))
