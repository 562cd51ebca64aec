"""The OMS webhook is down for longer than the delivery retry window while outages happen.

The embedded service (IEC endpoint in, outage detector, outbox, deliverer) keeps answering the
head-end; each notification is tried ``oms_max_attempts`` times with a growing delay and then
dead-lettered (status ``dead``, its content kept). Once the OMS is back an operator replays them,
part over REST and the rest with ``orchestrator oms replay``: each arrives exactly once, under the
Idempotency-Key it was first tried with.
"""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import datetime, timezone

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
from tests.polling import until

ATTEMPTS = 3
OUT = [f"F1-T{t}-M1" for t in range(1, 7)]  # one meter under each of six transformers: six meter outages


async def _deliveries(http: aiohttp.ClientSession, url: str, status: str | None = None) -> dict:
    query = f"?status={status}&limit=100" if status else "?limit=100"
    async with http.get(f"{url}/api/v1/oms/deliveries{query}") as r:
        assert r.status == 200, await r.text()
        return await r.json()


def _cli(*args: str):
    try:
        return CliRunner().invoke(cli_app, list(args))
    finally:
        configure_logging("info", "console")  # the CLI logged to the runner's stream, now closed


async def test_oms_down_past_the_retry_window_dead_letters_then_replay_delivers_once(tmp_path):
    oms = await OmsServer().start()
    oms.down = True
    settings = Settings(data_dir=tmp_path, http_port=0, oms_webhook_url=oms.url, outage_momentary_window_s=1,
                        correlation_tick_s=0.2, outage_tick_lateness_s=0.5, oms_max_attempts=ATTEMPTS,
                        oms_backoff_base_s=0.2, metrics_sample_interval_s=60.0)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(topology_rows(topology(transformers=6)))
    await engine.dispose()
    now = datetime.now(timezone.utc)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(oms.stop)
        running = await start(settings, stack)
        http = await stack.enter_async_context(aiohttp.ClientSession())
        for n, device in enumerate(OUT):
            await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-standard",
                                                 message([event(device, "off", 0, start=now)], f"hes-off-{n}")))

        async def all_dead():
            found = await _deliveries(http, running.url)
            return found if found["counts"] == {"dead": len(OUT)} else None

        dead = await until(all_dead, 60, "every notification dead-lettered")
        # Each was tried the configured number of times, the OMS saw exactly those tries, nothing got in.
        assert [d["attempts"] for d in dead["deliveries"]] == [ATTEMPTS] * len(OUT)
        assert all(d["last_status"] == 503 and "HTTP 503" in d["last_error"] for d in dead["deliveries"])
        assert oms.requests == ATTEMPTS * len(OUT) and oms.received == []
        assert {d["event"] for d in dead["deliveries"]} == {"outage.created"}
        keys = {d["id"]: d["idempotency_key"] for d in dead["deliveries"]}
        await asyncio.sleep(1.0)  # dead stays dead: nothing retries it behind the operator's back
        assert oms.requests == ATTEMPTS * len(OUT)

        oms.down = False
        first, rest = sorted(keys)[:2], sorted(keys)[2:]
        async with http.post(f"{running.url}/api/v1/oms/deliveries/replay", json={"ids": first}) as r:
            assert r.status == 200 and await r.json() == {"replayed": len(first)}

        async def replayed_over_rest():
            return len(oms.received) == len(first)

        await until(replayed_over_rest, 20, "the REST replay delivered")
        result = await asyncio.to_thread(_cli, "oms", "replay", "--database-url", settings.catalogue_url)
        assert result.exit_code == 0 and f"replayed {len(rest)} deliveries" in result.output.splitlines()

        async def all_delivered():
            found = await _deliveries(http, running.url)
            return found if found["counts"] == {"delivered": len(OUT)} else None

        delivered = await until(all_delivered, 30, "every replayed notification delivered")
        # Once each, under the key it was first tried with; a second replay finds nothing dead.
        assert sorted(k for k, _ in oms.received) == sorted(keys.values())
        assert sorted(body["outage"]["asset"] for _, body in oms.received) == sorted(OUT)
        assert {d["id"]: d["idempotency_key"] for d in delivered["deliveries"]} == keys
        async with http.post(f"{running.url}/api/v1/oms/deliveries/replay", json={}) as r:
            assert await r.json() == {"replayed": 0}
        print({"outages": len(OUT), "oms_down_requests": ATTEMPTS * len(OUT), "dead": len(dead["deliveries"]),
               "replayed_rest": len(first), "replayed_cli": len(rest), "oms_received": len(oms.received),
               "distinct_keys": len({k for k, _ in oms.received})})
