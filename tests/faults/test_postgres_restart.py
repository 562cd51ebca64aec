"""The catalogue's PostgreSQL server stops while the API serves, and starts again on the same port.

While it is down every REST call that needs the database answers 503 with a problem JSON and
Retry-After (the client should come back; nothing is half-done), /readyz says the database is not
reachable, /healthz still says the process lives, and head-ends posting IEC messages get a 503
reply to resend. Once it is back the same process answers normally again: the pool's pre-ping
replaces the dead connections, nothing is restarted. No request ever gets a 500.
"""
from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp

from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from orchestrator.store.users import Role
from tests.campaigns.fleet import fleet_rows

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
PROBLEM = "application/problem+json"
EVENTS_BODY = {"program": "water-heater-shed", "targets": ["feeder:F12"], "duration_minutes": 60}


def new_event(day: int) -> dict:
    """An event ``day`` days ahead: never overlapping the others."""
    return {**EVENTS_BODY, "start": (datetime.now(timezone.utc) + timedelta(days=day)).isoformat()}


async def test_api_answers_503_while_postgres_is_down_and_recovers(private_postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("ORCHESTRATOR_AUTH_REQUIRED", "true")  # every call looks its token up in the database
    url = private_postgres.env["POSTGRES_URL"]
    settings = Settings(database_url=url, data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS,
                        metrics_sample_interval_s=60.0, auth_required=True)
    statuses: Counter = Counter()
    await upgrade_async(url)
    engine = make_engine(url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(20))
    await engine.dispose()
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        token = await running.context.users.create_token("faults", Role.OPERATOR, created_by="test")
        _, hes_password = await running.context.headends.add("hes-1", url=None, vendor="standard")
        http = await stack.enter_async_context(aiohttp.ClientSession(
            base_url=running.url, headers={"Authorization": f"Bearer {token}"}))
        iec_auth = {"Authorization": "Basic " + base64.b64encode(f"hes-1:{hes_password}".encode()).decode(),
                    "Content-Type": "application/xml"}

        async def call(method: str, path: str, **kw) -> aiohttp.ClientResponse:
            async with http.request(method, path, **kw) as r:
                await r.read()
                statuses[(path.split("?")[0], r.status)] += 1
                assert r.status != 500, await r.text()
                return r

        async with http.post("/api/v1/events", json=new_event(1)) as r:
            assert r.status == 201, await r.text()
            first = (await r.json())["id"]
        assert (await call("GET", "/readyz")).status == 200

        private_postgres.stop()
        requests = [("GET", "/api/v1/events", {}), ("GET", f"/api/v1/events/{first}", {}),
                    ("POST", "/api/v1/events", {"json": new_event(2)}), ("GET", "/api/v1/deadletters", {})]
        for method, path, kw in requests:
            async with http.request(method, path, **kw) as r:
                body = await r.json(content_type=None)
                statuses[(f"{method} {path}", r.status)] += 1
                assert (r.status, r.content_type) == (503, PROBLEM), (path, r.status, body)
                assert int(r.headers["Retry-After"]) > 0
                assert body["status"] == 503 and body["title"] == "Service Unavailable"
                assert "database" in body["detail"]
        async with http.get("/readyz") as r:
            body = await r.json(content_type=None)
            assert (r.status, r.content_type) == (503, PROBLEM) and "database" in body["checks"]
            assert "Retry-After" in r.headers
        async with http.get("/healthz") as r:
            assert r.status == 200  # alive: nothing to restart
        async with http.post("/iec/v1/messages", data=b"<x/>", headers=iec_auth) as r:
            statuses[("/iec/v1/messages", r.status)] += 1
            assert r.status == 503 and "Retry-After" in r.headers, await r.text()

        private_postgres.start()
        restarted = time.monotonic()
        while True:  # the same process answers again without a restart; only 503s on the way
            r = await call("GET", "/api/v1/events")
            if r.status == 200:
                break
            assert r.status == 503 and time.monotonic() - restarted < 30
            await asyncio.sleep(0.2)
        recovered_s = time.monotonic() - restarted
        async with http.get("/api/v1/events") as r:
            listed = [e["id"] for e in (await r.json())["items"]]
        assert listed == [first]  # the refused create left nothing behind
        async with http.post("/api/v1/events", json=new_event(2)) as r:
            assert r.status == 201, await r.text()
        assert (await call("GET", "/readyz")).status == 200
        print({"recovered_s": round(recovered_s, 2), "statuses": dict(statuses)})
