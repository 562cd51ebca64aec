"""End to end on the embedded service: IEC EndDeviceEvents in through the inbound router, the
outage clock closing the momentary window, the OMS webhook (a real HTTP server) receiving the
notifications, and the REST and CLI views of outages and deliveries."""
from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone

import aiohttp
from typer.testing import CliRunner

from orchestrator import topics
from orchestrator.cli import app as cli_app
from orchestrator.logs import configure_logging
from orchestrator.processors.base import Record
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.outages.builders import event, message, topology
from tests.outages.oms_server import OmsServer
from tests.outages.scenarios import topology_rows


async def wait_for(predicate, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_meter_outage_reaches_the_oms_and_is_visible_over_rest_and_cli(tmp_path):
    server = await OmsServer().start()
    settings = Settings(data_dir=tmp_path, http_port=0, oms_webhook_url=server.url, outage_momentary_window_s=1,
                        correlation_tick_s=0.2, outage_tick_lateness_s=0.5, oms_backoff_base_s=0.05)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(topology_rows(topology()))
    await engine.dispose()
    now = datetime.now(timezone.utc)
    try:
        async with AsyncExitStack() as stack:
            running = await start(settings, stack)
            off = message([event("F1-T1-M1", "off", 0, start=now)], "hes-msg-1")
            await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-standard", off))
            await wait_for(lambda: len(server.received) == 1)
            key, created = server.received[0]
            assert created["event"] == "outage.created" and created["outage"]["asset"] == "F1-T1-M1"
            assert key == created["idempotency_key"]
            # Campaigns skip it: the dispatcher's outage lookup is the outage store's.
            assert await running.context.events.dispatcher.in_outage() == {"F1-T1-M1"}
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{running.url}/api/v1/outages") as r:
                    assert r.status == 200
                    active = await r.json()
                assert [o["id"] for o in active] == [created["id"]] and active[0]["status"] == "SUSTAINED"
                async with http.get(f"{running.url}/api/v1/outages/devices?device=F1-T1-M1&device=F1-T1-M2") as r:
                    assert (await r.json()) == {"in_outage": ["F1-T1-M1"]}
                async with http.get(f"{running.url}/api/v1/outages/{created['id']}") as r:
                    assert (await r.json())["affected"] == ["F1-T1-M1"]
                async with http.get(f"{running.url}/api/v1/outages/meter:nope:1") as r:
                    assert r.status == 404 and r.content_type == "application/problem+json"
                for bad in ("outages?limit=abc", "outages?status=lost", "outages?level=house",
                            "oms/deliveries?status=gone", "outages/devices"):
                    async with http.get(f"{running.url}/api/v1/{bad}") as r:
                        assert r.status == 400 and r.content_type == "application/problem+json", bad
                async with http.post(f"{running.url}/api/v1/oms/deliveries/replay", json={"ids": ["x"]}) as r:
                    assert r.status == 400 and "ids" in (await r.json())["detail"]
                async with http.post(f"{running.url}/api/v1/oms/deliveries/replay", json={"ids": [2**70]}) as r:
                    assert r.status == 200 and await r.json() == {"replayed": 0}  # no such row, not a crash
                async with http.post(f"{running.url}/api/v1/oms/deliveries/replay", data=b"[1, 2") as r:
                    problem = await r.json()
                    assert r.status == 400 and "JSON" in problem["detail"]
                restore = message([event("F1-T1-M1", "on", 600, start=now - timedelta(seconds=590))], "hes-msg-2")
                await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-standard", restore))
                await wait_for(lambda: len(server.received) == 2)
                assert server.received[1][1]["event"] == "outage.restored"
                async with http.get(f"{running.url}/api/v1/outages") as r:
                    assert await r.json() == []
                for _ in range(100):
                    async with http.get(f"{running.url}/api/v1/oms/deliveries") as r:
                        deliveries = await r.json()
                    if deliveries["counts"] == {"delivered": 2}:
                        break
                    await asyncio.sleep(0.05)
                assert deliveries["counts"] == {"delivered": 2}
                assert [d["event"] for d in deliveries["deliveries"]] == ["outage.created", "outage.restored"]
    finally:
        await server.stop()
    runner = CliRunner()

    def invoke(args: list[str]):
        try:
            return runner.invoke(cli_app, [*args, "--database-url", settings.catalogue_url])
        finally:
            configure_logging("info", "console")  # the CLI logged to the runner's stream, now closed

    def cli(*args: str):
        return asyncio.to_thread(invoke, list(args))

    result = await cli("outage", "list", "--all", "--json")
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("{")]  # (log lines share the output)
    assert json.loads(line)["status"] == "RESTORED"
    result = await cli("oms", "deliveries")
    assert result.exit_code == 0 and "delivered=2" in result.output.splitlines()
    result = await cli("oms", "replay")
    assert result.exit_code == 0 and "replayed 0 deliveries" in result.output.splitlines()
    result = await cli("oms", "deliveries", "--status", "lost")
    assert result.exit_code == 2 and "--status must be one of" in result.output
