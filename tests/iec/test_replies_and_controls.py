"""Reply builders, the EndDeviceControls builder and reply parsing, and the EndDeviceEvents reader."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import xmlschema

from orchestrator.iec import (
    DemandResponseSettings,
    EndDeviceControl,
    IecError,
    ItemFailure,
    NamespaceProfile,
    build_end_device_controls,
    failed_reply,
    ok_reply,
    parse_end_device_controls_reply,
    parse_end_device_events,
    parse_message,
    partial_reply,
    to_xml,
    validate_message,
)
from orchestrator.iec import errors
from tests.iec.conftest import SHARED_IEC, sample_bytes

CONTROL = EndDeviceControl(
    mRID="c-1", EndDeviceControlType="16.15.0.54", endDevices=("m-1", "m-2"), endDeviceGroups=("g-1",),
    issuerID="drms", issuerTrackingID="campaign-7", reason="peak", drProgramLevel=2, drProgramMandatory=False,
    priceSignal=0.31, start=datetime(2024, 7, 1, 14, tzinfo=timezone.utc), end=datetime(2024, 7, 1, 18, tzinfo=timezone.utc),
    durationMinutes=240, randomisation="default",
    demandResponse=DemandResponseSettings(dutyCycle=50.0, coolingOffset=2.0, criticalityLevel="high"),
)


@pytest.fixture(scope="module")
def wrapper_schema():
    return xmlschema.XMLSchema(str(SHARED_IEC / "xsd/derms2/61968-9/create/xsd/EndDeviceControlsMessage.xsd"))


def test_end_device_controls_validate_against_the_full_profile(wrapper_schema):
    data = build_end_device_controls([CONTROL], message_id="msg-1", source="orchestrator", correlation_id="c",
                                     reply_address="http://x/reply", async_reply=True, ack_required=True, user_id="op")
    wrapper_schema.validate(data)  # the whole message against the wrapper XSD (reference validator)
    result = validate_message(data)
    assert result.documents == [("EndDeviceControls", "derms2-61968-9/EndDeviceControls.xsd")]
    m = parse_message(data)
    assert (m.verb, m.Header.Noun, m.Header.MessageID, m.Header.AckRequired) == ("create", "EndDeviceControls", "msg-1", True)


def test_end_device_controls_epri_profile_in_soap():
    data = build_end_device_controls([CONTROL], profile=NamespaceProfile.EPRI_DRAFT, soap=True)
    m = parse_message(data)
    assert m.namespace_profile is NamespaceProfile.EPRI_DRAFT and m.soap is not None
    assert m.payload_documents()[0].to_object().end_device_control[0].end_device_control_type.ref == "16.15.0.54"


@pytest.mark.parametrize("builder", ["ok", "partial", "failed"])
def test_replies_validate_and_echo_the_message_id(builder):
    request = parse_message(build_end_device_controls([CONTROL], message_id="req-9"))
    failures = [ItemFailure("m-2", errors.OBJECT_NOT_FOUND, "no such meter", objectType="EndDevice")]
    reply = {
        "ok": lambda: ok_reply(request),
        "partial": lambda: partial_reply(request, failures),
        "failed": lambda: failed_reply(request, errors.BUSINESS_RULE, "campaign cancelled", failures=failures),
    }[builder]()
    data = to_xml(reply)
    validate_message(data)
    parsed = parse_end_device_controls_reply(data)
    assert parsed.correlationID == "req-9" and parsed.result.value == {"ok": "OK", "partial": "PARTIAL", "failed": "FAILED"}[builder]
    assert parsed.failed_ids == (frozenset() if builder == "ok" else {"m-2"})
    assert reply.root.endswith("}EndDeviceControlsResponseMessage")


def test_generic_reply_validates_against_message_xsd_directly():
    schema = xmlschema.XMLSchema(str(SHARED_IEC / "xsd/message-2011/Message.xsd"))
    reply = partial_reply(None, [ItemFailure("dev-1")], noun="EndDeviceEvents", correlation_id="abc")
    schema.validate(to_xml(reply))
    assert reply.Header.CorrelationID == "abc" and reply.Header.Verb == "reply"


def test_failed_reply_from_an_iec_error():
    with pytest.raises(IecError) as info:
        parse_message(b"<broken")
    reply = failed_reply(None, info.value, noun="EndDeviceEvents", correlation_id="m-x")
    err = reply.Reply.Error[0]
    assert (err.code, err.level) == ("1.1", "FATAL") and "line" in err.details
    validate_message(to_xml(reply))


def test_epri_reply_names_items_in_error_object():
    request = parse_message(build_end_device_controls([CONTROL], message_id="r", profile=NamespaceProfile.EPRI_DRAFT))
    data = to_xml(partial_reply(request, [ItemFailure("m-2", objectType="EndDevice")]))
    validate_message(data)
    parsed = parse_end_device_controls_reply(data)
    assert parsed.failed_ids == {"m-2"} and parsed.errors[1].objectType == "EndDevice"


@pytest.mark.parametrize("name,result", [
    ("executeEndDeviceControls__reply_DERGCD-1D.xml", "OK"),
    ("ReadMe_EndDeviceControlsResponseMessage_reply.xml", None),
    ("createExecuteDERGroups__reply_DERG-1B.xml", "FAILED"),
])
def test_head_end_replies_from_samples(name, result):
    reply = parse_end_device_controls_reply(sample_bytes(name))
    assert reply.correlationID
    if result:
        assert reply.result.value == result


def test_sample_reply_with_item_ids():
    replies = [parse_end_device_controls_reply(sample_bytes(n)) for n in
               ("createExecuteDERGroups__reply_DERG-1B.xml", "createExecuteDERGroups__reply_DERG-1D.xml",
                "createExecuteDERGroupDispatches__reply_DERGD-1D.xml", "message_log_5861_serviceOut.xml")]
    assert any(r.failed_ids for r in replies)


def test_end_device_events_from_samples():
    events = parse_end_device_events(sample_bytes("dergcd-1a3.xml"))
    assert [(e.EndDeviceEventType, e.endDeviceMRID) for e in events] == [("2.31.0.42", "46029b51-8d94-4a06-b242-74d4a3fc2390")]
    assert events[0].messageID and events[0].createdDateTime.utcoffset() is not None
    connexo = parse_end_device_events(sample_bytes("CreatedEndDeviceEventsRequest.xml"))
    assert connexo[0].severity == "Alarm" and connexo[0].details == (("data", "1"),)
    with pytest.raises(IecError) as info:
        parse_end_device_events(sample_bytes("ReceiveEndDeviceEvents-sui__Request_1.xml"))
    assert info.value.code == "3.1" and "EndDeviceEventType" in info.value.text


def test_end_device_events_builder_round_trips_through_the_reader():
    from orchestrator.iec import EndDeviceEvent, build_end_device_events

    events = [
        EndDeviceEvent(createdDateTime=datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=timezone.utc), EndDeviceEventType="3.26.0.85",
                       mRID=f"e-{i}", endDeviceMRID=f"m-{i}", reason="outage", severity="major", issuerID="he",
                       userID="u", names=("n",), endDeviceNames=("meter",), details=(("k", "v"), ("x", None)),
                       status="active", usagePointMRID="up", messageID="batch-1")
        for i in range(3)
    ]
    for profile in NamespaceProfile:
        data = build_end_device_events(events, message_id="batch-1", source="he", profile=profile, soap=True)
        validate_message(data)
        assert parse_end_device_events(data) == events
    schema = xmlschema.XMLSchema(str(SHARED_IEC / "xsd/derms2/61968-9/create/xsd/EndDeviceEventsMessage.xsd"))
    schema.validate(build_end_device_events(events, message_id="batch-1"))
