"""Fuzzing the wire layer: whatever bytes come in, the codec answers with a result or an ``IecError``.

Never KeyError, AttributeError, TypeError, ValueError, ... : those would be a crash in the endpoint
or a poisoned record in a processor. Bounded (fixed examples and deadline); ``--long`` runs many more.
"""
from __future__ import annotations

from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.iec import (
    IecError,
    parse_end_device_controls_reply,
    parse_end_device_events,
    parse_message,
    to_xml,
    validate_message,
)
from orchestrator.readings.messages import parse_meter_readings
from tests.iec.fuzz import end_device_events, meter_readings, mutated_samples


def _settings(long_run: bool, examples: int):
    return settings(max_examples=examples * 20 if long_run else examples, deadline=5000,  # generous: shared CI cores
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture], derandomize=not long_run,
                    database=None)


def _only_iec_errors(data: bytes) -> None:
    """Every entry point of the codec on the same bytes: a result or IecError, nothing else."""
    for parse in (lambda d: to_xml(parse_message(d)), lambda d: to_xml(parse_message(d, validate=False)),
                  validate_message, parse_end_device_events, lambda d: parse_end_device_events(d, validate=False),
                  parse_end_device_controls_reply, parse_meter_readings):
        try:
            parse(data)
        except IecError as exc:
            assert exc.code and exc.text, exc  # a Reply FAILED needs both


@pytest.mark.parametrize("source, examples", [
    ("bytes", 150), ("mutated samples", 150), ("end device events", 100), ("meter readings", 100),
])
def test_codec_raises_only_iec_errors(shared_iec, long_run, source, examples):
    strategy = {"bytes": st.binary(max_size=1024), "mutated samples": mutated_samples(),
                "end device events": end_device_events(), "meter readings": meter_readings()}[source]

    @_settings(long_run, examples)
    @given(data=strategy)
    def check(data):
        _only_iec_errors(data)

    check()


@pytest.mark.parametrize("text", [
    b"2024-01-01T24:00:00Z", b"9999-12-31T24:00:00Z", b"10000-01-01T00:00:00Z", b"-0001-01-01T00:00:00Z",
])
def test_created_date_times_python_cannot_hold_are_payload_errors_or_read(text):
    # Found by the fuzzer: valid xs:dateTime lexical forms outside Python's datetime raised ValueError.
    from datetime import datetime

    from orchestrator.iec import EndDeviceEvent, build_end_device_events

    body = build_end_device_events([EndDeviceEvent(createdDateTime=datetime(2024, 1, 1, tzinfo=UTC),
                                                   EndDeviceEventType="3.26.0.85", endDeviceMRID="M-1")],
                                   message_id="m").replace(b">2024-01-01T00:00:00Z<", b">" + text + b"<")
    try:
        [event] = parse_end_device_events(body)
    except IecError as exc:
        assert exc.code == "3.1" and "createdDateTime" in exc.text
        assert text in (b"9999-12-31T24:00:00Z", b"10000-01-01T00:00:00Z", b"-0001-01-01T00:00:00Z")
    else:  # the end of a day is the next midnight
        assert text == b"2024-01-01T24:00:00Z"
        assert event.createdDateTime == datetime(2024, 1, 2, tzinfo=UTC)


HEAD = b"<m:Header><m:Verb>get</m:Verb><m:Noun>MeterReadings</m:Noun>"


@pytest.mark.parametrize("inner", [
    HEAD + b"<m:ReplayDetection><m:Nonce>x</m:Nonce><m:Created>201506-12T12:00:00Z</m:Created></m:ReplayDetection>",
    HEAD + b"<m:Property><m:Value>v</m:Value></m:Property>",
    HEAD + b"<m:User><m:Organization>o</m:Organization></m:User>",
    HEAD + b"</m:Header><m:Request><m:Option><m:value>v</m:value></m:Option></m:Request><m:Header>",
])
def test_bad_nested_header_fields_are_envelope_errors_even_unvalidated(inner):
    # Found by the fuzzer: without XSD validation these raised pydantic's ValidationError.
    body = (b'<m:RequestMessage xmlns:m="http://iec.ch/TC57/2011/schema/message">' + inner
            + b"</m:Header></m:RequestMessage>").replace(b"<m:Header></m:Header>", b"")
    for validate in (True, False):
        with pytest.raises(IecError) as raised:
            parse_message(body, validate=validate)
        assert raised.value.code == "1.3"
