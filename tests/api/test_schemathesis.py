"""The operator REST API against its own OpenAPI document, with schemathesis.

The embedded service runs with access control on and an admin token, so every operation is
reached, state-changing ones included. Its stores are seeded (an outage, a dead OMS delivery,
meter readings with baseline history, dispatch records, a read request, dead letters, a failed
master-data message), and half the generated requests name a real event, program, device,
head-end, outage, read request or token, and a reading window that has data (event bodies a real
program and feeder), so the success paths are exercised as well as the refusals. For each operation schemathesis generates requests that
follow the document (positive) and requests that break it (negative); every response must not be a
5xx, must have a documented status and content type, and its body must match the documented
schema. Bounded (a few examples per operation); ``--long`` runs many more.
"""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orchestrator import topics
from orchestrator.auth import Role
from orchestrator.processors.base import Record
from orchestrator.readings import reading_types
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.campaigns.fleet import fleet_rows
from tests.service_thread import ServiceThread

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
DEVICE, HEADEND = "WA0000001", "hes-1"  # fleet_rows: device i is on head-end hes-<i % 4>
DAY = timedelta(days=1)


@pytest.fixture
def service(tmp_path):
    settings_ = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS, auth_required=True,
                         api_rate_per_s=0, log_level="warning",
                         oms_webhook_url="http://127.0.0.1:9/oms", oms_max_attempts=1)  # refused: a dead delivery

    async def topology() -> None:  # devices and groups to target, so events can be created
        await upgrade_async(settings_.catalogue_url)
        engine = make_engine(settings_.catalogue_url)
        await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(50, not_enrolled_every=10))
        await engine.dispose()

    asyncio.run(topology())
    s = ServiceThread(settings_)
    s.token = s.call(s.running.context.users.create_token("schema-admin", Role.ADMIN, created_by="test"))
    s.call(s.running.context.users.create_token("schema-spare", Role.VIEWER, created_by="test"))  # to revoke
    yield s
    s.close()


def _seed(service: ServiceThread, event: str, window: tuple[datetime, datetime]) -> str:
    """Data behind every read operation; returns the outage's id."""
    ctx, runtime = service.running.context, service.running.runtime
    first = window[0] - timedelta(hours=1)
    outage_id = f"meter:{DEVICE}:{int(first.timestamp() * 1000)}"
    at = first.isoformat().replace("+00:00", "Z")
    outage = {"id": outage_id, "level": "meter", "asset": DEVICE, "status": "SUSTAINED", "first": at, "last": at,
              "restored": None, "affected": [DEVICE], "confidence": 1.0, "parent": None, "version": 1,
              "transformer": "T1", "feeder": "F12", "substation": "S1"}
    note = {"event": "outage.created", "id": outage_id, "idempotency_key": f"{outage_id}:1", "at": at,
            "outage": outage}
    # 15-minute readings from 12 days before the window to its end: baselines can be computed.
    step, ts, end = 900, int((window[0] - 12 * DAY).timestamp()), int(window[1].timestamp())
    readings = [(DEVICE, reading_types.KWH_15MIN_DELIVERED, t, 0.25 if t > window[0].timestamp() else 1.0, None)
                for t in range(ts, end + 1, step)]
    now = datetime.now(UTC).timestamp()
    update = {"campaign": event, "device": DEVICE, "program": "water-heater-shed", "headend": HEADEND,
              "state": "ACCEPTED", "attempt": 1, "sent_at": now - 2, "first_sent_at": now - 2, "replied_at": now,
              "est_kw": 1.5, "updated_at": now, "seq": 1}

    async def seed() -> None:
        await ctx.outages.sink([Record(topics.OMS_NOTIFICATIONS, outage_id, json.dumps(note).encode())])
        await ctx.readings.insert_many(readings)
        await ctx.dispatch_progress.write([Record(topics.DISPATCH_UPDATES, DEVICE, json.dumps(update).encode())])
        await runtime.publish([Record(topics.IEC_INBOUND, "hes-x", b"<Oops"),  # a dead letter
                               Record(topics.MASTERDATA_INBOUND, "bad", b"<nope")])  # a FAILED master-data message
        await runtime.drain()
        for _ in range(100):  # the refused webhook makes the delivery dead
            if (await ctx.outages.delivery_counts()).get("dead"):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the OMS delivery did not die")

    service.call(seed())
    return outage_id


def _real_names(service: ServiceThread, session: requests.Session, headers: dict) -> dict:
    """Parameters that name something that exists: an event created now, a program, a device, a
    head-end, an outage, a read request, a token; a reading window with data and a baseline."""
    url = service.running.url
    start = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = session.post(f"{url}/api/v1/events", headers=headers, json={
        "program": "water-heater-shed", "targets": ["feeder:F12"], "start": start, "duration_minutes": 60})
    assert r.status_code == 201, r.text
    event = r.json()["id"]
    window_start = (datetime.now(UTC) - DAY).replace(hour=12, minute=0, second=0, microsecond=0)
    window = (window_start, window_start + timedelta(hours=1))
    outage_id = _seed(service, event, window)
    r = session.post(f"{url}/api/v1/devices/{DEVICE}/read", headers=headers)
    assert r.status_code == 202, r.text
    later = (datetime.fromisoformat(start) + DAY).isoformat()  # new events: not over the real one, left modifiable
    return {"start": later, "path": {"event": event, "program": "water-heater-shed", "device": DEVICE, "name": "schema-spare",
                     "headend": HEADEND, "outage_id": outage_id, "request_id": r.json()["request_id"]},
            "query": {"event": event, "outage_id": outage_id, "device": [DEVICE], "devices": f"{DEVICE},WA0000002",
                      "start": window[0].isoformat(), "end": window[1].isoformat()}}


def _realistic(case, real: dict) -> None:
    for name in case.path_parameters or {}:
        if name in real["path"]:
            case.path_parameters[name] = real["path"][name]
    for name in case.query or {}:
        if name in real["query"]:
            case.query[name] = real["query"][name]
    if case.operation.path == "/api/v1/events/{event}" and case.method == "PATCH" and isinstance(case.body, dict):
        for name in ("start", "end", "duration_minutes"):  # keep the window the program allowed
            case.body.pop(name, None)
        if "targets" in case.body:
            case.body["targets"] = ["feeder:F12"]
    if case.method == "POST" and isinstance(case.body, dict):
        if case.operation.path == "/api/v1/events":  # a window the program allows, so some are created
            case.body.pop("end", None)
            case.body.update(program="water-heater-shed", targets=["feeder:F12"], start=real["start"],
                             duration_minutes=60)
        elif case.operation.path == "/api/v1/reduction":
            case.body.update({k: real["query"][k] for k in ("devices", "start", "end")})


def test_every_operation_conforms_to_the_openapi_document(service, long_run):
    schema = schemathesis.openapi.from_url(f"{service.running.url}/api/v1/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {service.token}"}
    real = _real_names(service, session, headers)
    failures: list[str] = []
    succeeded: set[str] = set()  # operations that answered 2xx at least once: their success path was checked
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # the whole API, not a part of it
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=300 if long_run else 12, deadline=None, derandomize=not long_run,
                      database=None, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
            def check(case, use_real):
                if use_real:
                    _realistic(case, real)
                response = case.call_and_validate(base_url=service.running.url, session=session, headers=headers,
                                                  checks=CHECKS)
                if response.status_code < 300:
                    succeeded.add(operation.label)

            try:
                check()
            except Unsatisfiable:  # nothing to break in an operation without parameters or body
                assert mode is GenerationMode.NEGATIVE
            except (AssertionError, FailureGroup) as exc:  # collect them all: one run shows every failing operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:2000]}")
    assert not failures, "\n\n".join(failures)
    never = sorted({op.label for op in operations} - succeeded)
    assert not never, f"never answered 2xx: {never}"
