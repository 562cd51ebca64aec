"""Outage detector: meter power events in, outage signals and OMS notifications out.

One processor, four inputs, each keyed so that the state it writes stays in its partition:

- ``ede.inbound`` (keyed by end device mRID): raw IEC EndDeviceEvents. Power events of the
  record's device become deduplicated facts (``core.outages.device_signal``), published on
  ``outage.signals`` keyed by the device's grouping owner (its feeder). Events of other devices
  in the same message (head-ends batch) go on ``outage.signals`` as raw facts keyed by their
  device, and are deduplicated when they come back, in that device's partition.
- ``readings.inbound`` (keyed by device): answers to the on-request reads this processor sent
  to verify a restoration; recognised by their CorrelationID (``outage-verify|owner|device|ms``)
  and forwarded to the owner. Every other reading is ignored after a byte search.
- ``outage.signals`` (keyed by owner): meter facts and owner ticks, fed to the
  ``OutageDetector``; it emits ``oms.notifications`` (keyed by outage id) and GetMeterReadings
  requests on ``edc.outbound`` (keyed by head-end).
- ``clock.ticks`` (one per partition): see below.

How time advances without wall-clock timers: an owner's clock is the latest event time it has
seen, and due deadlines are swept whenever it moves. Quiet owners are moved by ticks:

- ``clock.ticks`` (one per partition, ``{"at": <wall epoch s>}``, published by the runtime: the
  embedded service's clock task, the Kafka leader worker's timer): the processor keeps, per
  partition, ``p<partition>|outage-due|<bucket>`` = {owner: next deadline} (owners spread over
  ``DUE_BUCKETS`` buckets, so a deadline change rewrites a small value, not every owner's) and
  sweeps only the owners whose deadline is before ``at - tick_lateness_s``. Cheap: one record
  per partition per tick.
- ``{"kind": "tick", "now": <epoch s>}`` on ``outage.signals`` keyed by one owner (``tick``):
  an explicit event-time watermark for that owner, which tests and replays use to play the
  clock deterministically.

Ticks are idempotent (an old tick moves nothing), so duplicates from several clocks or
redelivery are harmless.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone

from prometheus_client import Counter

from orchestrator import topics
from orchestrator.core.outages import (
    Effects,
    MeterSignal,
    OutageDetector,
    OutageRules,
    device_signal,
    owner_of,
    power_facts,
)
from orchestrator.core.topology import TopologyView
from orchestrator.iec import (
    CanonicalEvent,
    Header,
    IecError,
    Message,
    MessageKind,
    PayloadElement,
    ReplyResult,
    Request,
    parse_end_device_events,
    parse_message,
    to_xml,
)
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Processor, Record, State

NAME = "outage-detector"
VERIFY_PREFIX = "outage-verify|"
GET_METER_READINGS_NS = "http://iec.ch/TC57/2011/GetMeterReadings#"

OUTAGE_FACTS = Counter("orchestrator_outage_facts_total", "Meter power facts by meaning and outcome",
                       ["meaning", "outcome"])
OUTAGE_NOTIFICATIONS = Counter("orchestrator_outage_notifications_total", "OMS notifications produced, by event",
                               ["event"])
OUTAGE_DECISIONS = Counter("orchestrator_outage_decisions_total",
                           "Detector decisions (momentary, nested, duplicate, storm_started, ...)", ["decision"])


# A runtime stores a state value whole on every change (a SQLite row, a changelog record): one index
# of every owner per partition was re-encoded after each signal, hundreds of kB in a storm.
DUE_BUCKETS = 64


def due_key(partition: int, owner: str) -> str:
    return f"p{partition}|outage-due|{zlib.crc32(owner.encode()) % DUE_BUCKETS}"


def due_keys(partition: int) -> list[str]:
    """Every deadline index of a partition; the unbucketed one is still read, as state may hold it."""
    return [f"p{partition}|outage-due", *(f"p{partition}|outage-due|{b}" for b in range(DUE_BUCKETS))]


_METER_HEADERS = (("outage.kind", "meter"),)
_FACT_HEADERS = (("outage.kind", "fact"),)
_FACT_COUNTERS: dict = {}


def _fact_counter(meaning: str, forwarded: bool):
    child = _FACT_COUNTERS.get((meaning, forwarded))
    if child is None:
        child = _FACT_COUNTERS[(meaning, forwarded)] = OUTAGE_FACTS.labels(
            meaning=meaning, outcome="forwarded" if forwarded else "duplicate")
    return child


def tick(owner: str, now: float) -> Record:
    """A clock tick for one owner (see module docstring)."""
    return Record(topics.OUTAGE_SIGNALS, owner, json.dumps({"kind": "tick", "now": now}).encode(),
                  (("outage.kind", "tick"),))


def verify_request(owner: str, device: str, headend: str | None, at: float, source: str) -> Record:
    """A GetMeterReadings request for one meter, whose answer finds its way back by CorrelationID."""
    message_id = f"{VERIFY_PREFIX}{owner}|{device}|{int(round(at * 1000))}"
    document = (f'<GetMeterReadings xmlns="{GET_METER_READINGS_NS}"><EndDevice><mRID>{_xml_text(device)}</mRID>'
                f'</EndDevice></GetMeterReadings>')
    message = Message(kind=MessageKind.REQUEST, Header=Header(
        Verb="get", Noun="MeterReadings", Timestamp=datetime.fromtimestamp(at, timezone.utc), Source=source,
        AsyncReplyFlag=True, MessageID=message_id),
        Request=Request(extensions=[PayloadElement(noun="GetMeterReadings", namespace=GET_METER_READINGS_NS,
                                                   xml=document)]))
    return Record(topics.EDC_OUTBOUND, headend or "unassigned", to_xml(message),
                  (("iec.noun", "MeterReadings"), ("iec.verb", "get"), ("iec.message_id", message_id),
                   ("outage.device", device)))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dead_letter(record: Record, code: str, reason: str) -> Record:
    DEAD_LETTERS.labels(source_topic=record.topic, reason=f"outage_{code}").inc()
    return DeadLetter(source_topic=record.topic, reason=reason, code=code, key=record.key, processor=NAME,
                      payload=record.value.decode("utf-8", "replace")[:65536]).to_record(topics.DEADLETTER)


def make_outage_processor(topology: TopologyView, rules: OutageRules | None = None, *,
                          source: str = "orchestrator", tick_lateness_s: float = 2.0) -> Processor:
    """The detector over one topology snapshot (read-only) and one set of thresholds.

    ``tick_lateness_s``: a ``clock.ticks`` tick at wall time T moves owners to T minus this, so
    events stamped just before T and still in flight are not overtaken by their window's end.
    """
    detector = OutageDetector(topology, rules or OutageRules())

    def reindex(state: State, partition: int, owner: str) -> None:
        """Keep the owner's deadline index (``due_key``) in step with the owner's deadlines."""
        pending = state.get(f"{owner}|due")
        nxt = pending[0][0] if pending else None
        _set_due(state, due_key(partition, owner), owner, nxt)
        old = f"p{partition}|outage-due"
        if owner in (state.get(old) or ()):
            _set_due(state, old, owner, None)  # moved to its bucket

    def vendor_of(device: str) -> str | None:
        placement = topology.devices.get(device)
        return placement.vendor if placement else None

    def effects_to_records(owner: str, fx: Effects) -> list[Record]:
        out: list[Record] = []
        for n in fx.notifications:
            OUTAGE_NOTIFICATIONS.labels(event=n["event"]).inc()
            out.append(Record(topics.OMS_NOTIFICATIONS, n["id"], json.dumps(n, sort_keys=True).encode(),
                              (("oms.event", n["event"]), ("oms.idempotency_key", n["idempotency_key"]))))
        for device, _outage, at in fx.verifications:
            placement = topology.devices.get(device)
            out.append(verify_request(owner, device, placement.headend if placement else None, at, source))
        for name, n in fx.counts.items():
            OUTAGE_DECISIONS.labels(decision=name).inc(n)
        return out

    async def on_events(record: Record, state: State) -> list[Record]:
        try:
            events = parse_end_device_events(record.value)
        except IecError as exc:
            return [_dead_letter(record, exc.code, exc.text)]
        facts = power_facts(events, vendor_of)
        if len(facts) > 1:
            facts.sort(key=lambda f: f[2])
        out: list[Record] = []
        for device, meaning, at in facts:
            if device != record.key:
                # Another device's event (a head-end batch): deduplicated under that device's key,
                # in its partition, by way of a raw fact on outage.signals keyed by the device.
                out.append(Record(topics.OUTAGE_SIGNALS, device, json.dumps(
                    {"kind": "fact", "device": device, "meaning": meaning.value, "at": at}).encode(), _FACT_HEADERS))
                continue
            out.extend(forward(state, device, meaning, at))
        return out

    def forward(state: State, device: str, meaning: CanonicalEvent, at: float) -> list[Record]:
        signal = device_signal(state, device, meaning, at)
        _fact_counter(meaning.value, signal is not None).inc()
        if signal is None:
            return []
        return [Record(topics.OUTAGE_SIGNALS, owner_of(topology, device), json.dumps(signal.to_json()).encode(),
                       _METER_HEADERS)]

    async def on_reading(record: Record, state: State) -> list[Record]:
        if VERIFY_PREFIX.encode() not in record.value:
            return []
        try:
            message = parse_message(record.value)
        except IecError as exc:
            return [_dead_letter(record, exc.code, exc.text)]
        header = message.Header
        correlation = (header.CorrelationID if header else None) or ""
        if not correlation.startswith(VERIFY_PREFIX):
            return []
        parts = correlation[len(VERIFY_PREFIX):].split("|")
        if len(parts) != 3:
            return [_dead_letter(record, "2.4", f"malformed verification CorrelationID {correlation!r}")]
        owner, device, _ms = parts
        failed = message.Reply is not None and message.Reply.Result == ReplyResult.FAILED
        at = header.Timestamp.timestamp() if header and header.Timestamp else int(_ms) / 1000
        signal = MeterSignal(device=device, on=not failed, at=at, via="verify")
        return [Record(topics.OUTAGE_SIGNALS, owner, json.dumps(signal.to_json()).encode(), _METER_HEADERS)]

    async def on_signal(record: Record, state: State) -> list[Record]:
        owner = record.key or ""
        try:
            data = json.loads(record.value)
            kind = data["kind"]
            if kind == "fact":  # keyed by the device: dedupe here, then on to the owner
                if data["device"] != owner:
                    raise ValueError(f"fact for {data['device']!r} keyed {owner!r}")
                return forward(state, owner, CanonicalEvent(data["meaning"]), float(data["at"]))
            if kind == "tick":
                fx = detector.on_tick(state, owner, float(data["now"]))
            elif kind == "meter":
                fx = detector.on_signal(state, owner, MeterSignal.from_json(data))
            else:
                raise ValueError(f"unknown signal kind {kind!r}")
        except (ValueError, KeyError, TypeError) as exc:
            return [_dead_letter(record, "2.4", f"invalid outage signal: {exc}")]
        reindex(state, record.partition, owner)
        return effects_to_records(owner, fx)

    async def on_clock(record: Record, state: State) -> list[Record]:
        """A wall-clock tick of this partition: sweep the owners of the partition whose deadline passed."""
        try:
            now = float(json.loads(record.value)["at"]) - tick_lateness_s
        except (ValueError, KeyError, TypeError) as exc:
            return [_dead_letter(record, "2.4", f"invalid clock tick: {exc}")]
        due = [o for key in due_keys(record.partition) for o, at in (state.get(key) or {}).items() if at <= now]
        out: list[Record] = []
        for owner in sorted(set(due)):  # an owner may still be in the unbucketed index too
            out.extend(effects_to_records(owner, detector.on_tick(state, owner, now)))
            reindex(state, record.partition, owner)
        return out

    async def process(record: Record, state: State) -> list[Record]:
        if record.topic == topics.OUTAGE_SIGNALS:
            return await on_signal(record, state)
        if record.topic == topics.EDE_INBOUND:
            return await on_events(record, state)
        if record.topic == topics.READINGS_INBOUND:
            return await on_reading(record, state)
        if record.topic == topics.CLOCK_TICKS:
            return await on_clock(record, state)
        return []

    return Processor(
        name=NAME,
        inputs=(topics.EDE_INBOUND, topics.READINGS_INBOUND, topics.OUTAGE_SIGNALS, topics.CLOCK_TICKS),
        outputs=(topics.OUTAGE_SIGNALS, topics.OMS_NOTIFICATIONS, topics.EDC_OUTBOUND, topics.DEADLETTER),
        process=process,
        description="meter power events to outages: dedupe, momentary filter, grouping, storm mode, verification",
    )


def _set_due(state: State, key: str, owner: str, at: float | None) -> None:
    index = state.get(key) or {}
    if index.get(owner) == at:
        return
    if at is None:
        index.pop(owner, None)
    else:
        index[owner] = at
    if index:
        state[key] = index
    elif key in state:
        del state[key]


def rules_from(settings) -> OutageRules:
    """The detector thresholds from ``Settings`` (``outage_*`` fields)."""
    return OutageRules(
        momentary_window_s=settings.outage_momentary_window_s,
        transformer_min_meters=settings.outage_transformer_min_meters,
        transformer_share=settings.outage_transformer_share,
        feeder_min_transformers=settings.outage_feeder_min_transformers,
        feeder_share=settings.outage_feeder_share,
        storm_events_per_min=settings.outage_storm_events_per_min,
        verify_timeout_s=settings.outage_verify_timeout_s,
        verify_grace_s=settings.outage_verify_grace_s,
        summary_interval_s=settings.outage_summary_interval_s,
    )


def bind_topology(processors: Iterable[Processor], topology: TopologyView, settings) -> list[Processor]:
    """Replace the registry's placeholder detector by one over the loaded topology and settings."""
    return [make_outage_processor(topology, rules_from(settings), tick_lateness_s=settings.outage_tick_lateness_s)
            if p.name == NAME else p for p in processors]


# The registry's entry has an empty topology; runtimes bind the real one with ``bind_topology``.
PROCESSOR = make_outage_processor(TopologyView())

__all__ = ["NAME", "PROCESSOR", "bind_topology", "make_outage_processor", "rules_from", "tick",
           "verify_request"]
