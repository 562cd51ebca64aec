"""On-request read round trip: REST → GetMeterReadings on edc.outbound → head-end client → the
simulated head-end → MeterReadings answer → readings.inbound → stored and correlated to the request."""
from __future__ import annotations

from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator.readings import reading_types as rt
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.polling import until


async def test_on_request_read_round_trip_through_the_simulator(tmp_path):
    generate_fleet = pytest.importorskip("orchestrator.simulator.fleet").generate_fleet
    HeadEndSimulator = pytest.importorskip("orchestrator.simulator.headend").HeadEndSimulator
    fleet = generate_fleet(3, seed=11)
    settings = Settings(data_dir=tmp_path, http_port=0, masterdata_due_interval_s=0.2, switching_read_timeout_s=2)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet.import_rows())
    await engine.dispose()
    meter = fleet.premises[0].meter
    async with AsyncExitStack() as stack, aiohttp.ClientSession() as http:
        running = await start(settings, stack)
        sim = await stack.enter_async_context(HeadEndSimulator(fleet))
        await running.context.headends.add(fleet.headend, url=sim.url + "/iec", vendor=fleet.vendor)

        async with http.post(f"{running.url}/api/v1/devices/{meter}/read") as r:
            assert r.status == 202, await r.text()
            body = await r.json()
            location = r.headers["Location"]
        assert (body["device"], body["status"], body["reason"]) == (meter, "requested", "on-request")

        async def answered():
            async with http.get(running.url + location) as r:
                status = await r.json()
            return status if status["status"] != "requested" else None

        status = await until(answered)
        assert (status["status"], status["estimated"]) == ("read", False) and status["value"] > 0
        assert sim.stats["reads_answered"] == 1
        # The interval energy and instantaneous power of the answer were stored as readings.
        async with http.get(f"{running.url}/api/v1/devices/{meter}/readings",
                            params={"start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}) as r:
            types = {x["reading_type"] for x in await r.json()}
        assert {rt.KWH_15MIN_DELIVERED, rt.KW_INSTANTANEOUS, rt.KWH_REGISTER_DELIVERED} <= types

        async with http.post(f"{running.url}/api/v1/devices/NOPE/read") as r:
            assert r.status == 404 and r.content_type == "application/problem+json"
        async with http.get(f"{running.url}/api/v1/reads/read-unknown") as r:
            assert r.status == 404


async def test_unanswered_on_request_read_times_out_without_estimate(tmp_path):
    from datetime import datetime, timedelta, timezone

    from orchestrator import topics
    from orchestrator.readings.messages import parse_get_meter_readings
    from tests.masterdata.helpers import load_catalogue

    cat = await load_catalogue(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path)
    await cat.readings.insert_many([("M2", rt.KWH_REGISTER_DELIVERED, 1_700_000_000, 5.0, None)])
    now = datetime.now(timezone.utc)
    request_id = await cat.masterdata.request_read("M2", now=now)
    [out] = cat.published.on(topics.EDC_OUTBOUND)
    assert out.key == "hes-b" and parse_get_meter_readings(out.value)[:2] == (request_id, ["M2"])
    await cat.masterdata.apply_due(now + timedelta(minutes=16))
    status = await cat.masterdata.read_status(request_id)
    assert (status["status"], status["value"], status["estimated"]) == ("timed_out", None, False)
