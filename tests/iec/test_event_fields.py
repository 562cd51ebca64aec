"""``parse_end_device_event_fields`` (the correlator's hot path) reads exactly what
``parse_end_device_events`` reads: the same events, or the same IecError, for any bytes."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.iec import (
    EndDeviceEvent,
    IecError,
    build_end_device_events,
    parse_end_device_event_fields,
    parse_end_device_events,
)
from tests.iec.fuzz import SAMPLES, end_device_events, hostile_messages


def _outcome(parse, data: bytes, validate: bool):
    try:
        return parse(data, validate=validate)
    except IecError as exc:
        return ("IecError", exc.code, exc.text)


def _same(data: bytes) -> None:
    for validate in (True, False):
        records = _outcome(parse_end_device_events, data, validate)
        fields = _outcome(parse_end_device_event_fields, data, validate)
        if isinstance(fields, list):
            fields = [EndDeviceEvent(**f) for f in fields]
        assert fields == records


@pytest.mark.parametrize("data", SAMPLES, ids=range(len(SAMPLES)))
def test_every_sample_reads_the_same(data):
    _same(data)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(end_device_events(), hostile_messages()))
def test_generated_and_hostile_messages_read_the_same(data):
    _same(data)


def test_fields_are_only_those_the_event_sets():
    at = datetime(2026, 7, 1, 18, tzinfo=timezone.utc)
    data = build_end_device_events([EndDeviceEvent(at, "3.26.0.85", endDeviceMRID="m-1")], message_id="m")
    assert parse_end_device_event_fields(data) == [
        {"messageID": "m", "createdDateTime": at, "EndDeviceEventType": "3.26.0.85", "endDeviceMRID": "m-1",
         "endDeviceNames": ()}]
