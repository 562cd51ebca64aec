"""Fuzzing the IEC endpoint through the real HTTP server (embedded runtime, SQLite).

Hostile bodies (arbitrary bytes, mutated real samples, EndDeviceEvents and MeterReadings with random
values), on the bare route and the SOAP services, with good, bad or no credentials. Per request:
never a 5xx, always an IEC Reply (OK, or FAILED with an error code), never the internal-error code.
At the end nothing is lost: every body answered OK was published exactly once to its noun's topic,
and every FAILED answer left a dead letter in the dead-letter store.
"""
from __future__ import annotations

import asyncio
import base64
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator import topics
from orchestrator.api.soap_services import SERVICES
from orchestrator.iec import parse_message
from orchestrator.iec.errors import OTHER
from orchestrator.processors.base import DeadLetter
from orchestrator.settings import Settings
from tests.iec.fuzz import end_device_events, meter_readings, mutated_samples
from tests.service_thread import ServiceThread

INGRESS = (topics.EDE_INBOUND, topics.EDC_REPLIES, topics.READINGS_INBOUND, topics.MASTERDATA_INBOUND)
ENDPOINT = "iec-endpoint"  # the processor name on the endpoint's dead letters


@pytest.fixture
def service(tmp_path):
    s = ServiceThread(Settings(data_dir=tmp_path, http_port=0, max_body_bytes=64 * 1024, log_level="warning"))
    _, password = s.call(s.running.context.headends.add("hes-fuzz", url=None, vendor="standard"))
    s.auth = "Basic " + base64.b64encode(f"hes-fuzz:{password}".encode()).decode()
    yield s
    s.close()


_routes = st.sampled_from(["/iec/v1/messages"] * 3 + [f"/iec/soap/{name}" for name in sorted(SERVICES)]
                          + ["/iec/soap/NoSuchService"])
_content_types = st.sampled_from(["application/xml", "text/xml; charset=utf-8", "application/soap+xml",
                                  "application/json", "text/plain; charset=latin-1", ""])
_auth = st.sampled_from(["good"] * 8 + ["none", "wrong-password", "not-base64", "bearer"])
_BAD_AUTH = {"none": None, "wrong-password": "Basic " + base64.b64encode(b"hes-fuzz:nope").decode(),
             "not-base64": "Basic %%%", "bearer": "Bearer x"}


def _fuzz(service: ServiceThread, bodies, examples: int, long_run: bool) -> tuple[Counter, int]:
    ok: Counter = Counter()
    failed = 0

    @settings(max_examples=examples * 10 if long_run else examples, deadline=10_000,  # generous: shared CI cores
              derandomize=not long_run, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(body=bodies, route=_routes, content_type=_content_types, auth=_auth, soap_action=st.booleans())
    def check(body, route, content_type, auth, soap_action):
        nonlocal failed
        headers = {"Content-Type": content_type} if content_type else {}
        credentials = service.auth if auth == "good" else _BAD_AUTH[auth]
        if credentials:
            headers["Authorization"] = credentials
        if soap_action:
            headers["SOAPAction"] = '""'
        status, _, answer = service.post(route, body, headers)
        assert status < 500, (status, answer[:300])
        reply = parse_message(answer)  # always an IEC reply, whatever came in
        assert reply.Reply is not None, answer[:300]
        result = reply.Reply.Result.value
        if result == "OK":
            assert status == 200
            ok[body] += 1
        else:
            assert result == "FAILED", answer[:300]
            [error] = reply.Reply.Error
            assert re.fullmatch(r"\d+\.\d+", error.code or ""), error
            assert error.code != OTHER.code, f"internal error on {route}: {error.reason} {error.details}"
            failed += 1

    check()
    return ok, failed


def _assert_nothing_lost(service: ServiceThread, ok: Counter, failed: int) -> None:
    published: Counter = Counter()
    for topic in INGRESS:
        for record in service.in_loop(lambda t=topic: service.running.runtime.read_topic(t)):
            if record.header("iec.headend") == "hes-fuzz":
                published[record.value] += 1
    assert published == ok  # each OK body once, nothing else
    letters = [DeadLetter.from_record(r) for r in service.in_loop(
        lambda: service.running.runtime.read_topic(topics.DEADLETTER))]
    assert sum(1 for d in letters if d.processor == ENDPOINT) == failed

    async def stored() -> int:  # the dead-letter store is fed by the runtime's sink: wait for it
        store = service.running.context.dead_letters
        for _ in range(300):
            rows = await store.list(source_topic=topics.IEC_INBOUND, limit=1000)
            count = sum(1 for d in rows if d.processor == ENDPOINT)
            if count >= failed:
                return count
            await asyncio.sleep(0.1)
        return count

    assert service.call(stored()) == failed


@pytest.mark.parametrize("source, examples", [
    ("bytes", 60), ("mutated samples", 80), ("end device events", 60), ("meter readings", 40),
])
def test_endpoint_answers_every_hostile_message_and_loses_nothing(service, shared_iec, long_run, source, examples):
    bodies = {"bytes": st.binary(max_size=2048), "mutated samples": mutated_samples(),
              "end device events": end_device_events(), "meter readings": meter_readings()}[source]
    ok, failed = _fuzz(service, bodies, examples, long_run)
    assert failed  # bad credentials alone see to that
    if source in ("end device events", "meter readings"):
        assert ok  # the generators reach the accepting path too, not only the refusals
    _assert_nothing_lost(service, ok, failed)
