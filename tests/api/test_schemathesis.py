"""The operator REST API against its own OpenAPI document, with schemathesis.

The embedded service runs with access control on and an admin token, so every operation is
reached, state-changing ones included; half the generated requests name a real event, program,
device or token (and event bodies a real program and feeder), so the success paths are exercised
as well as the refusals. For each operation schemathesis generates requests that
follow the document (positive) and requests that break it (negative); every response must not be a
5xx, must have a documented status and content type, and its body must match the documented
schema. Bounded (a few examples per operation); ``--long`` runs many more.
"""
from __future__ import annotations

import asyncio
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

from orchestrator.auth import Role
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.campaigns.fleet import fleet_rows
from tests.service_thread import ServiceThread

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def service(tmp_path):
    settings_ = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS, auth_required=True,
                         api_rate_per_s=0, log_level="warning")

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


def _real_names(session: requests.Session, url: str, headers: dict) -> dict[str, str]:
    """Path parameters that exist: an event created now, a program, a device, a token."""
    start = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = session.post(f"{url}/api/v1/events", headers=headers, json={
        "program": "water-heater-shed", "targets": ["feeder:F12"], "start": start, "duration_minutes": 60})
    assert r.status_code == 201, r.text
    return {"event": r.json()["id"], "program": "water-heater-shed", "device": "WA0000001", "name": "schema-spare"}


def _realistic(case, real: dict[str, str]) -> None:
    for name in case.path_parameters or {}:
        if name in real:
            case.path_parameters[name] = real[name]
    if case.operation.path == "/api/v1/events" and case.method == "POST" and isinstance(case.body, dict):
        case.body.update(program="water-heater-shed", targets=["feeder:F12"])


def test_every_operation_conforms_to_the_openapi_document(service, long_run):
    schema = schemathesis.openapi.from_url(f"{service.running.url}/api/v1/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {service.token}"}
    real = _real_names(session, service.running.url, headers)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # the document is not empty
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=300 if long_run else 12, deadline=None, derandomize=not long_run,
                      database=None, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
            def check(case, use_real):
                if use_real:
                    _realistic(case, real)
                case.call_and_validate(base_url=service.running.url, session=session, headers=headers,
                                       checks=CHECKS)

            try:
                check()
            except Unsatisfiable:  # nothing to break in an operation without parameters or body
                assert mode is GenerationMode.NEGATIVE
            except (AssertionError, FailureGroup) as exc:  # collect them all: one run shows every failing operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:2000]}")
    assert not failures, "\n\n".join(failures)
