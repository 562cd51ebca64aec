"""Property tests: generated models serialise to valid XML and parse back equal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.iec import (
    EndDeviceControl,
    Message,
    MessageKind,
    NamespaceProfile,
    build_end_device_controls,
    parse_end_device_events,
    parse_message,
    to_xml,
    validate_message,
)
from orchestrator.iec.envelope import Error, Header, Identifier, Payload, PayloadElement, Reply, User
from orchestrator.iec.generated import end_device_events as ede

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=20
).map(str.strip).filter(bool)
ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)
aware = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-6)), timezone(timedelta(hours=5, minutes=30))]),
)
verbs = st.sampled_from(["create", "created", "change", "changed", "cancel", "canceled", "close", "closed",
                         "delete", "deleted", "get", "reply", "execute", "executed"])

headers = st.builds(
    Header,
    Verb=verbs,
    Noun=ident,
    Revision=st.none() | text,
    Context=st.none() | text,
    Timestamp=st.none() | aware,
    Source=st.none() | text,
    AsyncReplyFlag=st.none() | st.booleans(),
    ReplyAddress=st.none() | text,
    AckRequired=st.none() | st.booleans(),
    User=st.none() | st.builds(User, UserID=text, Organization=st.none() | text),
    MessageID=st.none() | ident,
    CorrelationID=st.none() | ident,
    Comment=st.none() | text,
)
identifiers = st.builds(
    Identifier, value=ident, kind=st.none() | st.sampled_from(["name", "uuid", "transaction", "other"]),
    objectType=st.none() | ident,
)
reply_errors = st.builds(
    Error,
    code=st.from_regex(r"(0|1|2|3|5|6|99)\.[0-9]{1,2}", fullmatch=True),
    level=st.none() | st.sampled_from(["INFORM", "WARNING", "FATAL", "CATASTROPHIC"]),
    reason=st.none() | text,
    details=st.none() | text,
    ID=st.none() | identifiers,
)
replies = st.builds(Reply, Result=st.sampled_from(["OK", "PARTIAL", "FAILED"]),
                    Error=st.lists(reply_errors, max_size=4), ID=st.lists(identifiers, max_size=3))


@SETTINGS
@given(header=headers, reply=replies, profile=st.sampled_from(list(NamespaceProfile)), soap=st.booleans())
def test_response_messages_round_trip(header, reply, profile, soap):
    if profile is NamespaceProfile.EPRI_DRAFT:
        # the EPRI draft restricts Noun and Context to enumerations
        # (and, unlike the 2011 envelope, requires User/Organization)
        user = header.User and header.User.model_copy(update={"Organization": header.User.Organization or "utility"})
        header = header.model_copy(update={"Noun": "EndDeviceControls", "Context": None, "User": user,
                                           "Verb": header.Verb if header.Verb not in ("execute", "executed") else "get"})
        # ... its Error has no ID element and its IDs carry no attributes
        reply = reply.model_copy(update={
            "Error": [e.model_copy(update={"ID": None}) for e in reply.Error],
            "ID": [Identifier(value=i.value) for i in reply.ID],
        })
    message = Message(kind=MessageKind.RESPONSE, namespace_profile=profile, Header=header, Reply=reply,
                      soap="1.1" if soap else None)
    data = to_xml(message)
    validate_message(data)
    back = parse_message(data)
    assert back.Header == message.Header
    assert back.Reply == message.Reply
    assert back.namespace_profile == profile


controls = st.builds(
    EndDeviceControl,
    mRID=ident,
    EndDeviceControlType=st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True),
    endDevices=st.lists(ident, max_size=5),
    endDeviceGroups=st.lists(ident, max_size=2),
    issuerID=st.none() | text,
    issuerTrackingID=st.none() | text,
    reason=st.none() | text,
    drProgramLevel=st.none() | st.integers(0, 10),
    drProgramMandatory=st.none() | st.booleans(),
    priceSignal=st.none() | st.floats(-1e6, 1e6, allow_nan=False, width=32),
    start=st.none() | aware,
    end=st.none() | aware,
    durationMinutes=st.none() | st.floats(0, 1e5, allow_nan=False, width=32),
    randomisation=st.none() | st.sampled_from(["default", "end", "none"]),
)


@SETTINGS
@given(batch=st.lists(controls, min_size=1, max_size=4), profile=st.sampled_from(list(NamespaceProfile)))
def test_end_device_controls_build_validate_parse(batch, profile):
    data = build_end_device_controls(batch, message_id="m-1", source="orchestrator", profile=profile)
    validate_message(data)
    message = parse_message(data)
    assert message.verb == "create" and message.Header.MessageID == "m-1"
    typed = message.payload_documents()[0].to_object()
    assert len(typed.end_device_control) == len(batch)
    for got, want in zip(typed.end_device_control, batch):
        assert got.m_rid == want.mRID
        assert got.end_device_control_type.ref == want.EndDeviceControlType
        assert [d.m_rid for d in got.end_devices] == list(want.endDevices)
        assert [g.m_rid for g in got.end_device_groups] == list(want.endDeviceGroups)
        assert got.issuer_tracking_id == want.issuerTrackingID
        assert got.dr_program_level == want.drProgramLevel
        if want.priceSignal is not None:
            assert got.price_signal == want.priceSignal
        if want.start is not None:
            assert got.primary_device_timing.interval.start.to_datetime() == want.start


events = st.builds(
    ede.EndDeviceEvent,
    m_rid=st.none() | ident,
    created_date_time=aware.map(lambda d: __import__("xsdata").models.datatype.XmlDateTime.from_datetime(d)),
    reason=st.none() | text,
    severity=st.none() | text,
    user_id=st.none() | ident,
    issuer_id=st.none() | ident,
    assets=st.none() | st.builds(ede.Asset, m_rid=ident),
    end_device_event_type=st.builds(ede.EndDeviceEvent.EndDeviceEventType,
                                    ref=st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True)),
)


@SETTINGS
@given(items=st.lists(events, min_size=1, max_size=6), soap=st.booleans())
def test_end_device_events_from_generated_models(items, soap):
    doc = PayloadElement.from_object(ede.EndDeviceEvents(end_device_event=items))
    message = Message(
        kind=MessageKind.EVENT,
        root="{http://iec.ch/TC57/2017/EndDeviceEventsMessage}CreatedEndDeviceEvents",
        Header=Header(Verb="created", Noun="EndDeviceEvents", MessageID="e-1"),
        Payload=Payload(documents=[doc]),
        soap="1.1" if soap else None,
    )
    data = to_xml(message)
    validate_message(data)
    parsed = parse_end_device_events(data)
    assert len(parsed) == len(items)
    for got, want in zip(parsed, items):
        assert got.mRID == want.m_rid
        assert got.createdDateTime == want.created_date_time.to_datetime()
        assert got.EndDeviceEventType == want.end_device_event_type.ref
        assert got.endDeviceMRID == (want.assets.m_rid if want.assets else None)
        assert got.reason == want.reason and got.userID == want.user_id and got.messageID == "e-1"
    assert parse_message(data).payload_documents()[0].to_object() == ede.EndDeviceEvents(end_device_event=items)
