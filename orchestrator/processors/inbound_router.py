"""Inbound router: the gate every raw IEC 61968-100 message from a head-end, MDM or CIS passes.

It parses the envelope safely, drops duplicates by (Source, MessageID) — head-ends resend
on timeouts, Kafka redelivers — and forwards the message unchanged to the topic of its noun,
keyed as the downstream processor needs it. What cannot be routed goes to ``deadletter`` with
the IEC error code and reason; nothing is dropped silently.
"""
from __future__ import annotations


from orchestrator import topics
from orchestrator.iec import IecError, Message, MessageKind, parse_message
from orchestrator.metrics import DEAD_LETTERS, INBOUND_ROUTED
from orchestrator.processors.base import DeadLetter, Processor, Record, State

NAME = "inbound-router"
# How long a MessageID is remembered for duplicate detection, in seconds of message time.
DEDUPE_WINDOW_S = 24 * 3600
# Prune remembered ids every this many accepted messages (bounded state without a timer).
PRUNE_EVERY = 1000

MASTERDATA_NOUNS = frozenset({
    "MasterDataLinkageConfig", "UsagePointConfig", "MeterConfig", "EndDeviceConfig", "CustomerConfig",
    "CustomerAccountConfig", "CustomerAgreementConfig", "CustomerMeterDataSet", "MeterServiceRequests",
})
# Reply-carrying nouns: head-end answers to what the orchestrator sent.
CONTROL_REPLY_NOUNS = frozenset({"EndDeviceControls", "DERGroupDispatches", "DERGroups"})
READING_NOUNS = frozenset({"MeterReadings", "GetMeterReadings"})
# The element whose mRID keys the record, per target topic (device order matters downstream).
KEY_ELEMENTS = {
    topics.EDE_INBOUND: ("Assets", "EndDevice", "EndDevices"),
    topics.READINGS_INBOUND: ("Meter", "EndDevice", "UsagePoint"),
    topics.MASTERDATA_INBOUND: ("UsagePoint", "Customer", "Meter", "EndDevice", "UsagePoints"),
}


def route_of(message: Message) -> str | None:
    """The topic a message belongs on, or None when the orchestrator does not accept it."""
    noun, verb = message.noun, (message.verb or "").lower()
    if noun == "EndDeviceEvents" and message.kind in (MessageKind.EVENT, MessageKind.REQUEST):
        return topics.EDE_INBOUND
    if noun in CONTROL_REPLY_NOUNS and (message.kind in (MessageKind.RESPONSE, MessageKind.FAULT)
                                        or verb in ("reply", "created", "changed", "canceled", "closed",
                                                    "executed", "deleted")):
        return topics.EDC_REPLIES
    if noun in READING_NOUNS and (noun == "MeterReadings" or message.kind == MessageKind.RESPONSE):
        return topics.READINGS_INBOUND
    if noun in MASTERDATA_NOUNS and verb not in ("get", "reply"):
        return topics.MASTERDATA_INBOUND
    return None


def _first_mrid(message: Message, containers: tuple[str, ...]) -> str | None:
    for doc in message.payload_documents():
        element = doc.element()
        for container in containers:
            found = element.xpath(f".//*[local-name()='{container}']/*[local-name()='mRID']/text()")
            if found:
                return str(found[0]).strip()
    return None


def _key_for(topic: str, message: Message, record: Record) -> str | None:
    header = message.Header
    if topic == topics.EDC_REPLIES:
        return (header.CorrelationID or header.MessageID) if header else record.key
    return _first_mrid(message, KEY_ELEMENTS.get(topic, ())) or (header.MessageID if header else None) or record.key


def _dead_letter(record: Record, code: str, reason: str, message_id: str | None = None) -> Record:
    DEAD_LETTERS.labels(source_topic=record.topic, reason=f"iec_{code}").inc()
    return DeadLetter(source_topic=record.topic, reason=reason, code=code, key=record.key, message_id=message_id,
                      processor=NAME, payload=record.value.decode("utf-8", "replace")[:65536]).to_record(
        topics.DEADLETTER)


# State keys start with the record key, so every key lives in the partition of the records that
# write it: on Kafka each worker then owns whole keys, and counts add up across partitions.
def _state_key(record: Record, *parts: str) -> str:
    return "|".join((record.key or "", *parts))


def _count(state: State, record: Record, name: str) -> int:
    key = _state_key(record, "count", name)
    state[key] = state.get(key, 0) + 1
    return state[key]


def _prune(state: State, record: Record, now: float) -> None:
    prefix = _state_key(record, "seen", "")
    for key in [k for k in state if k.startswith(prefix)]:
        if state[key] < now - DEDUPE_WINDOW_S:
            del state[key]


async def route_inbound(record: Record, state: State) -> list[Record]:
    try:
        message = parse_message(record.value)
    except IecError as exc:
        _count(state, record, "rejected")
        INBOUND_ROUTED.labels(noun="unknown", verb="unknown", outcome="rejected").inc()
        return [_dead_letter(record, exc.code, exc.text)]

    header = message.Header
    noun, verb = message.noun or "unknown", (message.verb or "unknown")
    message_id = header.MessageID if header else None
    source = (header.Source if header else None) or record.key or "unknown"
    # Message time, not arrival time: the contract must give the same state on every runtime.
    sent_at = header.Timestamp.timestamp() if header and header.Timestamp else 0.0

    if message_id:
        seen_key = _state_key(record, "seen", source, message_id)
        if seen_key in state:
            _count(state, record, "duplicate")
            INBOUND_ROUTED.labels(noun=noun, verb=verb, outcome="duplicate").inc()
            return []

    topic = route_of(message)
    if topic is None:
        _count(state, record, "rejected")
        INBOUND_ROUTED.labels(noun=noun, verb=verb, outcome="rejected").inc()
        return [_dead_letter(record, "3.3", f"{verb} {noun} ({message.kind.value}) is not accepted inbound",
                             message_id)]

    if message_id:
        state[seen_key] = sent_at
    if _count(state, record, "accepted") % PRUNE_EVERY == 0:
        _prune(state, record, sent_at)
    INBOUND_ROUTED.labels(noun=noun, verb=verb, outcome="routed").inc()
    headers = (("iec.noun", noun), ("iec.verb", verb), ("iec.source", source),
               ("iec.namespace", str(message.namespace_profile.value)))
    if message_id:
        headers += (("iec.message_id", message_id),)
    return [Record(topic=topic, key=_key_for(topic, message, record), value=record.value, headers=headers)]


PROCESSOR = Processor(
    name=NAME,
    inputs=(topics.IEC_INBOUND,),
    outputs=(topics.EDE_INBOUND, topics.EDC_REPLIES, topics.READINGS_INBOUND, topics.MASTERDATA_INBOUND,
             topics.DEADLETTER),
    process=route_inbound,
    description="validate, dedupe and route raw IEC 61968-100 messages by noun",
)

__all__ = ["PROCESSOR", "route_inbound", "route_of"]
