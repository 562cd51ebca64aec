"""Measured reduction of an event over REST: at the premises' meters, beside the estimate."""
from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from orchestrator.readings import reading_types as rt
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
ROWS = [
    {"substation": "S1", "feeder": "F1", "transformer": "T1", "usage_point": f"UP{n}", "device": device,
     "kind": kind, "headend": "hes-a", "customer": f"C{n}", "agreement": f"A{n}", "rated_kw": rated,
     "programs": "water-heater-shed" if kind == "water_heater" else "", "groups": "shed" if kind != "meter" else ""}
    for n in (1, 2) for device, kind, rated in ((f"M{n}", "meter", None), (f"WH{n}", "water_heater", 4.5))
]


async def test_event_reduction_is_measured_at_the_meters(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS, masterdata_due_interval_s=0)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(ROWS)
    await engine.dispose()
    async with AsyncExitStack() as stack, aiohttp.ClientSession() as http:
        running = await start(settings, stack)
        begin = datetime.now().astimezone() + timedelta(seconds=1)
        async with http.post(f"{running.url}/api/v1/events", json={
                "program": "water-heater-shed", "targets": ["group:shed"], "start": begin.isoformat(),
                "duration_minutes": 30, "reason": "peak"}) as r:
            assert r.status == 201, await r.text()
            event = await r.json()
        # 14 days of 1.0 kWh per 15 minutes at both meters; during the event 0.25 kWh (1 kW).
        window_start = int(datetime.fromisoformat(event["start"]).timestamp()) // 900 * 900
        window_end = -(-int(datetime.fromisoformat(event["end"]).timestamp()) // 900) * 900
        readings = []
        for meter in ("M1", "M2"):
            for ts in range(window_start - 15 * 86400, window_end + 1, 900):
                in_event = window_start < ts <= window_end
                readings.append((meter, rt.KWH_15MIN_DELIVERED, ts, 0.25 if in_event else 1.0, None))
        await running.context.readings.insert_many(readings)
        deadline = time.monotonic() + 30
        while True:
            async with http.get(f"{running.url}/api/v1/events/{event['id']}") as r:
                if (await r.json())["state"] == "ACTIVE":
                    break
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        async with http.get(f"{running.url}/api/v1/events/{event['id']}/reduction",
                            params={"method": "high-5-of-10"}) as r:
            assert r.status == 200, await r.text()
            body = await r.json()
        assert (body["devices_taking_part"], body["meters"]) == (2, 2)
        assert sorted(body["devices"]) == ["M1", "M2"]
        # Baseline 1.0 kWh = 4 kW per meter (adjustment 1.0), metered 1 kW: 3 kW each, 6 kW in total.
        assert body["total"]["average_kw"] == pytest.approx(6.0)
        assert body["estimated_kw"] == pytest.approx(9.0)  # 2 water heaters × 4.5 kW × 100 % shed
        # The same from the command line, on the same catalogue.
        import json

        from typer.testing import CliRunner

        from orchestrator.cli import app
        result = await asyncio.to_thread(CliRunner().invoke, app, [
            "readings", "event-reduction", event["id"], "--method", "high-5-of-10",
            "--database-url", settings.catalogue_url])
        assert result.exit_code == 0, result.output
        cli = json.loads(result.stdout)
        assert cli["total"]["average_kw"] == pytest.approx(6.0) and cli["estimated_kw"] == pytest.approx(9.0)
        result = await asyncio.to_thread(CliRunner().invoke, app, [
            "readings", "event-reduction", "nope", "--database-url", settings.catalogue_url])
        assert result.exit_code == 1 and "unknown event nope" in result.output
        async with http.get(f"{running.url}/api/v1/events/nope/reduction") as r:
            assert r.status == 404
        async with http.get(f"{running.url}/api/v1/events/{event['id']}/reduction", params={"method": "x"}) as r:
            assert r.status == 400
