"""The operator REST API over a running embedded orchestrator: programs, events with constraint
errors as problem JSON, modify and cancel before the start, devices, groups, OpenAPI."""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from orchestrator import topics
from orchestrator.cli import app as cli
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.campaigns.fleet import fleet_rows

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


@pytest.fixture
async def api(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(50, not_enrolled_every=10))
    await engine.dispose()
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        async with aiohttp.ClientSession(base_url=running.url) as http:
            yield running, http


def _soon(minutes: int = 60) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


async def _post(http, path, body):
    async with http.post(path, json=body) as r:
        return r.status, r.headers.get("Content-Type"), await r.json()


async def test_programs_are_listed_and_unknown_ones_are_404(api):
    _, http = api
    async with http.get("/api/v1/programs") as r:
        ids = [p["id"] for p in (await r.json())["items"]]
    assert ids == sorted(ids) and "ac-cycling" in ids and len(ids) == 7
    async with http.get("/api/v1/programs/critical-peak-pricing") as r:
        assert (await r.json())["price"]["tiers"][2] == {"level": 3, "name": "critical", "price": 0.95}
    async with http.get("/api/v1/programs/nope") as r:
        body = await r.json()
        assert r.status == 404 and r.content_type == "application/problem+json"
        assert body["detail"].startswith("unknown program 'nope'; known: ac-cycling, critical-peak-pricing")


async def test_constraint_violations_come_back_as_problem_json_with_each_text(api):
    _, http = api
    start = datetime(datetime.now(timezone.utc).year + 1, 12, 1, 20, tzinfo=timezone.utc)
    status, ctype, body = await _post(http, "/api/v1/events", {
        "program": "ac-cycling", "targets": ["feeder:F12"], "start": start.isoformat(), "duration_minutes": 300})
    assert status == 422 and ctype.startswith("application/problem+json")
    assert body["title"] == "Event breaks program constraints"
    assert body["violations"] == [
        {"code": "too_long", "text": "event lasts 300 min; program ac-cycling allows at most 240 min"},
        {"code": "outside_season", "text": f"event on {start:%Y-%m-%d} is outside program ac-cycling's season "
                                           "06-01 to 09-30"}]
    status, _, body = await _post(http, "/api/v1/events", {
        "program": "water-heater-shed", "targets": ["feeder:F99"], "start": _soon(), "duration_minutes": 60})
    assert status == 422 and body["violations"] == [{"code": "unknown_target", "text": "unknown feeder F99"}]
    status, _, body = await _post(http, "/api/v1/events", {"program": "water-heater-shed", "targets": ["feeder:F12"]})
    assert status == 422 and body["errors"][0]["field"] == "start"
    status, _, body = await _post(http, "/api/v1/events", {
        "program": "water-heater-shed", "targets": ["feeder:F12"], "start": "2026-07-01T10:00:00",
        "duration_minutes": 60})
    assert status == 422 and body["detail"] == "start: Input should have timezone info"
    status, _, body = await _post(http, "/api/v1/events", {  # ends after year 9999: bad input, not a crash
        "program": "water-heater-shed", "targets": ["feeder:F12"], "start": "9999-12-31T23:00:00+00:00",
        "duration_minutes": 120})
    assert status == 422 and "end of the calendar" in body["detail"]
    async with http.post("/api/v1/events", data=b"{not json") as r:
        assert r.status == 422 and (await r.json())["title"] == "Invalid request body"


async def test_overlapping_event_needs_a_higher_priority(api):
    _, http = api
    first = {"program": "water-heater-shed", "targets": ["feeder:F12"], "start": _soon(60), "duration_minutes": 60}
    status, _, created = await _post(http, "/api/v1/events", first)
    assert status == 201
    status, _, body = await _post(http, "/api/v1/events", {**first, "targets": ["device:WA0000003"],
                                                            "start": _soon(90)})
    assert status == 422 and body["violations"] == [{"code": "overlapping_event", "text": (
        f"1 device(s), e.g. WA0000003, are already in overlapping event {created['id']} (program water-heater-shed, "
        "priority 4, not lower than this event's 4)")}]
    status, _, _ = await _post(http, "/api/v1/events", {**first, "targets": ["device:WA0000003"], "priority": 9})
    assert status == 201


async def test_modify_then_cancel_before_the_start_sends_nothing(api):
    running, http = api
    status, _, ev = await _post(http, "/api/v1/events", {
        "program": "water-heater-shed", "targets": ["group:fleet"], "start": _soon(60), "duration_minutes": 60,
        "reason": "peak"})
    assert status == 201
    scheduler = running.context.events.scheduler
    assert sorted(j for j, _ in scheduler.jobs(ev["id"])) == [f"{ev['id']}:end", f"{ev['id']}:start"]
    async with http.patch(f"/api/v1/events/{ev['id']}", json={"duration_minutes": 90}) as r:
        modified = await r.json()
    assert r.status == 200
    assert datetime.fromisoformat(modified["end"]) - datetime.fromisoformat(modified["start"]) == timedelta(minutes=90)
    async with http.patch(f"/api/v1/events/{ev['id']}", json={"duration_minutes": 500}) as r:
        assert r.status == 422
        assert (await r.json())["violations"][0]["text"] == (
            "event lasts 500 min; program water-heater-shed allows at most 180 min")
    async with http.post(f"/api/v1/events/{ev['id']}/cancel") as r:
        assert r.status == 200 and (await r.json())["state"] == "CANCELLED"
    assert scheduler.jobs(ev["id"]) == []
    assert running.runtime.read_topic(topics.EDC_OUTBOUND) == []
    async with http.patch(f"/api/v1/events/{ev['id']}", json={"reason": "late"}) as r:
        assert r.status == 409
        assert (await r.json())["detail"] == f"event {ev['id']} is CANCELLED; only a scheduled event can be modified"
    async with http.get("/api/v1/events", params={"state": "CANCELLED"}) as r:
        page = await r.json()
    assert page["total"] == 1 and page["items"][0]["id"] == ev["id"]
    async with http.get("/api/v1/events", params={"state": "BOGUS"}) as r:
        assert r.status == 400 and (await r.json())["detail"].startswith("state must be one of DRAFT, SCHEDULED")
    async with http.get("/api/v1/events", params={"start_from": "0001-01-01T00:00:00+08:36"}) as r:
        assert r.status == 400 and (await r.json())["detail"] == "start_from is out of range in UTC"
    audit = await running.context.events.store.audit_log(ev["id"])
    assert [a["action"] for a in audit] == ["create", "modify", "cancel"]


async def test_events_list_paginates_and_filters(api):
    _, http = api
    ids = []
    for i in range(5):
        status, _, ev = await _post(http, "/api/v1/events", {
            "program": "water-heater-shed", "targets": [f"device:WA000001{i}"], "start": _soon(60 + i),
            "duration_minutes": 30})
        assert status == 201
        ids.append(ev["id"])
    async with http.get("/api/v1/events", params={"limit": "2", "offset": "1"}) as r:
        page = await r.json()
    assert page["total"] == 5 and [e["id"] for e in page["items"]] == [ids[3], ids[2]]
    async with http.get("/api/v1/events", params={"program": "ac-cycling"}) as r:
        assert (await r.json())["total"] == 0
    async with http.get("/api/v1/events", params={"limit": "0"}) as r:
        assert r.status == 400 and (await r.json())["detail"] == "limit must be between 1 and 500"


async def test_devices_and_groups_are_readable(api):
    _, http = api
    async with http.get("/api/v1/devices", params={"limit": "20"}) as r:
        page = await r.json()
    assert len(page["items"]) == 20 and page["next"] == "WA0000019"
    async with http.get("/api/v1/devices", params={"after": page["next"], "limit": "100"}) as r:
        rest = await r.json()
    assert len(rest["items"]) == 30 and rest["next"] is None
    async with http.get("/api/v1/devices/WA0000001") as r:
        d = await r.json()
    assert (d["kind"], d["feeder"], d["programs"], d["groups"]) == ("water_heater", "F12", ["water-heater-shed"],
                                                                    ["fleet"])
    async with http.get("/api/v1/devices", params={"program": "water-heater-shed", "limit": "100"}) as r:
        assert len((await r.json())["items"]) == 45
    async with http.get("/api/v1/devices/nope") as r:
        assert r.status == 404
    async with http.get("/api/v1/groups") as r:
        assert (await r.json())["items"] == [{"name": "fleet", "kind": "device", "members": 50}]


async def test_openapi_document_covers_every_route_and_its_refs_resolve(api):
    running, http = api
    async with http.get("/api/v1/openapi.json") as r:
        doc = await r.json()
    assert doc["openapi"] == "3.1.0"
    from aiohttp import web

    from orchestrator.api import events

    bare = web.Application()
    events.register(bare)
    routes = {(r.method.lower(), r.resource.canonical) for r in bare.router.routes()
              if r.resource.canonical != "/api/v1/openapi.json" and r.method != "HEAD"}
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert routes and routes <= documented
    create = doc["paths"]["/api/v1/events"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateEvent"}
    assert set(create["responses"]) == {"201", "404", "413", "422", "503"}  # 413: over max_body_bytes

    def refs(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    yield v
                else:
                    yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    names = set(doc["components"]["schemas"])
    assert {r.rsplit("/", 1)[1] for r in refs(doc)} <= names
    assert "violations" in doc["components"]["schemas"]["Problem"]["properties"]


async def test_cli_create_reports_each_violation_and_fails(api):
    running, _ = api
    start = datetime(datetime.now(timezone.utc).year + 1, 12, 1, 20, tzinfo=timezone.utc)
    result = await asyncio.to_thread(CliRunner().invoke, cli, [
        "event", "create", "--program", "ac-cycling", "--target", "feeder:F12", "--start", start.isoformat(),
        "--duration", "5h", "--url", running.url])
    assert result.exit_code == 1
    assert "orchestrator: event lasts 300 min; program ac-cycling allows at most 240 min" in result.output
    ok = await asyncio.to_thread(CliRunner().invoke, cli, [
        "event", "create", "--program", "water-heater-shed", "--target", "feeder:F12", "--start", "+10m",
        "--duration", "1h30m", "--url", running.url])
    assert ok.exit_code == 0, ok.output
    assert "SCHEDULED" in ok.output and "water-heater-shed" in ok.output
    # the line of the event (the in-process API's log lines can share CliRunner's stderr capture)
    event_id = next(line.split()[0] for line in ok.output.splitlines() if "SCHEDULED" in line)
    changed = await asyncio.to_thread(CliRunner().invoke, cli, [
        "event", "modify", event_id, "--duration", "4h", "--url", running.url])
    assert changed.exit_code == 1
    assert "orchestrator: event lasts 240 min; program water-heater-shed allows at most 180 min" in changed.output
    changed = await asyncio.to_thread(CliRunner().invoke, cli, [
        "event", "modify", event_id, "--duration", "2h", "--reason", "heat wave", "--url", running.url])
    assert changed.exit_code == 0, changed.output
    cancelled = await asyncio.to_thread(CliRunner().invoke, cli, ["event", "cancel", event_id, "--url", running.url])
    assert cancelled.exit_code == 0 and "CANCELLED" in cancelled.output
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["event", "cancel", event_id, "--url", running.url])
    assert again.exit_code == 1 and f"event {event_id} is CANCELLED; it can no longer be cancelled" in again.output
    bad = await asyncio.to_thread(CliRunner().invoke, cli, [
        "event", "create", "--program", "water-heater-shed", "--target", "feeder:F12", "--start", "tomorrow",
        "--duration", "1h", "--url", running.url])
    assert bad.exit_code == 2 and "start 'tomorrow' must be now, +10m or an ISO 8601 date-time" in bad.output
