"""Correlator: moves every (device, campaign) dispatch record through ``core.dispatch``.

Inputs, all keyed so that a device's records, its events and its deadlines share a partition:

- ``dispatch.facts`` (by device): ``sent`` / ``cancel`` from the control index, ``reply_ok`` /
  ``reply_failed`` from the reply splitter;
- ``ede.inbound`` (by device): EndDeviceEvents — confirmations, opt-outs, failures, outages; a
  head-end batches several devices' events in one message, keyed by its first device: the other
  devices' events go on to ``dispatch.facts`` as ``event`` facts keyed by their device;
- ``clock.ticks`` (one per partition): wall time; sweeps the deadline index of that partition.

State (``core.correlation`` for the index): ``<device>|<campaign>`` the record;
``<device>|campaigns`` the device's campaigns (for the device_window rule); ``<device>|outage``;
``<device>|held`` events and replies that came before their record (released when it comes,
dead-lettered after ``hold_s``); ``p<partition>|due…`` the deadline index;
``p<partition>|template|<campaign>`` what a retry re-sends.

Outputs: every transition to ``dispatch.updates`` (keyed by campaign), retries as
EndDeviceControls on ``edc.outbound`` (one message per head-end and campaign per tick, MessageID
derived from what it carries, so a replayed tick re-sends the very same message), other devices'
events of a batch to ``dispatch.facts``, and what cannot be matched to ``deadletter`` with the reason.
"""
from __future__ import annotations

import json
import uuid
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from orchestrator import fastjson, topics
from orchestrator.core import correlation as rules
from orchestrator.core.dispatch import TRANSITIONS as DISPATCH_TRANSITIONS
from orchestrator.core.dispatch import DispatchState, InvalidDispatchTransition, is_stale
from orchestrator.core.dispatch import DispatchEventKind as K
from orchestrator.core.programs import Acknowledgement, Program
from orchestrator.core.topology import TopologyView
from orchestrator.correlation.metrics import (
    CONFIRMATION_LATENCY, CORRELATION_DEAD_LETTERS, EVENTS, OPT_OUTS, REPLY_LATENCY, RETRIES, STALE, TIMEOUTS,
    TRANSITIONS,
)
from orchestrator.iec import (
    CanonicalEvent, DemandResponseSettings, EndDeviceControl, IecError, build_end_device_controls, code_map,
    parse_end_device_event_fields,
)
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Processor, Record, State

NAME = "correlator"
RETRY_NS = uuid.UUID("0c0f2a57-61d9-5e68-9a1c-5c2e0b0d6f06")
MAX_DEVICES_PER_RETRY = 1000
S = DispatchState
DEFAULT_ACK = Acknowledgement()
_STATES = {s.value: s for s in DispatchState}  # a dict lookup; calling the Enum costs more, once per event
_KINDS = {k.value: k for k in K}
# Enum .value is a Python-level property; these run several times per event.
_VALUE: dict = {m: m.value for enum in (DispatchState, K, CanonicalEvent) for m in enum}
_FINAL = frozenset({S.REJECTED, S.FAILED, S.OPTED_OUT, S.ENDED, S.CANCELLED, S.SKIPPED_OUTAGE, S.SKIPPED_INELIGIBLE})


class _CounterChild:
    """A labelled counter's ``inc()`` with its labels checked once, here: prometheus_client checks
    them on every call (three calls deep), and these run several times per event."""

    __slots__ = ("inc",)

    def __init__(self, child):
        child.inc(0)  # raises here, as the first inc would, if the labels are incomplete
        self.inc = partial(child._value.inc, 1)


_children: dict[tuple, Any] = {}


def _child(wrap, metric, labels: tuple[str, ...]):
    """``wrap(metric.labels(*labels))``, cached: the label lookup costs more than the update."""
    key = (id(metric), labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = wrap(metric.labels(*labels))
    return child


def _counter(metric, *labels: str) -> _CounterChild:
    return _child(_CounterChild, metric, labels)


class _HistogramChild:
    """A labelled histogram's ``observe`` with its labels checked once: the sum, then the first
    bucket whose bound is at least the amount (a bisection of the same bounds)."""

    __slots__ = ("_child", "_bounds", "_sum", "_buckets")

    def __init__(self, child):
        child._raise_if_not_observable()
        self._child = child
        self._bounds = list(child._upper_bounds)
        self._sum = child._sum.inc
        self._buckets = [b.inc for b in child._buckets]

    def observe(self, amount: float) -> None:
        if amount != amount:  # NaN: no bucket takes it; prometheus_client's own way
            self._child.observe(amount)
            return
        self._sum(amount)
        self._buckets[bisect_left(self._bounds, amount)](1)


def _histogram(metric, *labels: str) -> _HistogramChild:
    return _child(_HistogramChild, metric, labels)


class _View(NamedTuple):  # a tuple: built once per event, faster than a frozen dataclass
    """What ``core.dispatch.is_stale`` reads of a record."""

    state: DispatchState
    cause: K | None
    cause_message_id: str | None
    device: str
    campaign: str


class _Event(NamedTuple):
    """What ``core.dispatch.is_stale`` reads of an event."""

    kind: K
    message_id: str | None


@dataclass
class _Ctx:
    """What one call of the processor produces."""

    partition: int
    out: list[Record]


class Correlator:
    def __init__(self, topology: TopologyView | None, programs: dict[str, Program], *, default_kw: float = 1.0,
                 hold_s: float = 300.0, validate: bool = False):
        self.topology = topology or TopologyView()
        self.programs = programs
        self.default_kw = default_kw
        self.hold_s = hold_s
        self.validate = validate  # ede.inbound has passed the inbound router's validation
        self._by_start = {p.controls.start: p.id for p in programs.values()}
        self._maps: dict[str, _CachedMap] = {}

    # ------------------------------------------------------------------ entry
    async def process(self, record: Record, state: State) -> list[Record]:
        ctx = _Ctx(partition=getattr(record, "partition", 0) or 0, out=[])
        if record.topic == topics.CLOCK_TICKS:
            self._tick(record, state, ctx)
        elif record.topic == topics.EDE_INBOUND:
            self._events(record, state, ctx)
        else:
            try:
                fact = fastjson.loads(record.value)
                if not isinstance(fact, dict) or not fact.get("device") or not fact.get("kind"):
                    raise ValueError("fact needs 'device' and 'kind'")
            except ValueError as exc:
                self._dead_letter(ctx, record, "bad_fact", f"unreadable dispatch fact: {exc}")
                return ctx.out
            self._fact(fact, state, ctx, record)
        return ctx.out

    # ------------------------------------------------------------------ helpers
    def _program(self, program_id: str | None) -> Program | None:
        return self.programs.get(program_id) if program_id else None

    def _ack(self, rec: dict) -> Acknowledgement:
        program = self._program(rec.get("program"))
        return program.acknowledgement if program else DEFAULT_ACK

    def _code_map(self, device: str):
        placement = self.topology.devices.get(device)
        vendor = placement.vendor if placement and placement.vendor else "standard"
        cached = self._maps.get(vendor)
        if cached is None:
            try:
                cached = _CachedMap(code_map(vendor))
            except (OSError, ValueError):
                cached = _CachedMap(code_map("standard"))
            self._maps[vendor] = cached
        return cached

    def _dead_letter(self, ctx: _Ctx, record: Record | None, reason_code: str, reason: str, *,
                     source_topic: str | None = None, key: str | None = None, message_id: str | None = None,
                     payload: str | None = None, extra: dict | None = None) -> None:
        CORRELATION_DEAD_LETTERS.labels(reason=reason_code).inc()
        topic = source_topic or (record.topic if record else topics.EDE_INBOUND)
        DEAD_LETTERS.labels(source_topic=topic, reason=reason_code).inc()
        ctx.out.append(DeadLetter(
            source_topic=topic, reason=reason, code="99.2" if reason_code.startswith("unmatched") else "99.1",
            key=key if key is not None else (record.key if record else None), message_id=message_id, processor=NAME,
            payload=payload if payload is not None else (record.value.decode("utf-8", "replace")[:65536]
                                                         if record else ""),
            extra={"reason_code": reason_code, **(extra or {})}).to_record(topics.DEADLETTER))

    def _set_deadline(self, state: State, ctx: _Ctx, rec: dict, kind: str, t: float) -> None:
        rec["deadlines"][kind] = t
        rules.add_deadline(state, ctx.partition, t, rules.record_key(rec["device"], rec["campaign"]), kind)

    def _transition(self, state: State, ctx: _Ctx, rec: dict, kind: K, at: float, *, message_id: str | None = None,
                    detail: str = "", rule: str | None = None) -> bool:
        """Apply one event and emit the update; True when the record changed."""
        previous = self._apply(state, rec, kind, at, message_id=message_id, detail=detail, rule=rule)
        if previous is None:
            return False
        self._emit(ctx, rec, kind, previous, at)
        return True

    def _apply(self, state: State, rec: dict, kind: K, at: float, *, message_id: str | None = None,
               detail: str = "", rule: str | None = None) -> DispatchState | None:
        """Apply one event to the record; its state before, or None when the event was stale. Callers
        that stamp more fields for the event (sent_at, replied_at, …) do so before ``_emit``."""
        # core.dispatch.apply over the record's fields, without building the frozen dataclasses
        # (this runs once per event on the hot path): the same is_stale, the same TRANSITIONS.
        cause = rec.get("cause")
        cause_kind = _KINDS[cause] if cause else None
        before = _STATES[rec["state"]]
        to = DISPATCH_TRANSITIONS.get((before, kind))
        # is_stale's first two tests inline: a possible transition that repeats no applied event is
        # never stale (the common case); everything else goes through is_stale itself.
        if to is None or (kind is cause_kind and message_id == rec.get("cause_message_id")):
            view = _View(before, cause_kind, rec.get("cause_message_id"), rec["device"], rec["campaign"])
            if is_stale(view, _Event(kind, message_id)):
                _counter(STALE, _VALUE[kind]).inc()
                return None
            if to is None:
                raise InvalidDispatchTransition(
                    f"device {view.device} in campaign {view.campaign}: {kind.value} is not possible "
                    f"in state {before.value}")
        to_value = _VALUE[to]
        rec.update(state=to_value, attempt=rec["attempt"] + (1 if kind is K.SENT else 0), cause=_VALUE[kind],
                   cause_message_id=message_id, detail=detail, updated_at=at, seq=rec.get("seq", 0) + 1)
        if rule:
            rec["rule"] = rule
        if to in _FINAL:
            rec["deadlines"] = {}
        state[rules.record_key(rec["device"], rec["campaign"])] = rec
        _counter(TRANSITIONS, to_value, rec.get("program") or "", rec.get("rule") or "").inc()
        return before

    def _emit(self, ctx: _Ctx, rec: dict, kind: K, previous: DispatchState, at: float) -> None:
        update = rec.copy()  # the record's fields but its deadlines, and what happened
        deadlines = update.pop("deadlines")
        update["event"] = _VALUE[kind]
        update["previous"] = _VALUE[previous]
        update["at"] = at
        update["deadline"] = min(deadlines.values()) if deadlines else None
        ctx.out.append(Record(topics.DISPATCH_UPDATES, rec["campaign"], fastjson.dumps(update)))

    def _hold(self, state: State, ctx: _Ctx, device: str, item: dict, at: float) -> None:
        key = f"{device}|held"
        if any(h["src"] == item["src"] and h["payload"] == item["payload"] for h in state.get(key, ())):
            return  # a duplicate of what is already held
        self._hold_until(state, ctx, device, item, at + self.hold_s)

    def _release_held(self, state: State, ctx: _Ctx, device: str) -> None:
        key = f"{device}|held"
        held = state.get(key)
        if not held:
            return
        del state[key]
        for item in held:  # each is held again (with its original deadline) if it still does not match
            if item["src"] == "fact":
                self._fact(item["payload"], state, ctx, None, until=item["until"])
            else:
                self._event(item["payload"], state, ctx, until=item["until"])

    # ------------------------------------------------------------------ facts
    def _fact(self, fact: dict, state: State, ctx: _Ctx, record: Record | None, until: float | None = None) -> None:
        kind, device, campaign = fact["kind"], fact["device"], fact.get("campaign")
        if kind == "event":  # another device's event from a head-end batch, now in this device's partition
            if (record is not None and record.key != device) or not isinstance(fact.get("event"), dict):
                self._dead_letter(ctx, record, "bad_fact", f"event fact for device {device} keyed {record.key!r} "
                                  f"or without its event", source_topic=topics.DISPATCH_FACTS, key=device,
                                  payload=json.dumps(fact))
                return
            self._event(fact["event"], state, ctx)
            return
        at = float(fact.get("at") or 0.0)
        if not campaign:
            self._dead_letter(ctx, record, "bad_fact", f"{kind} fact for device {device} names no campaign",
                              source_topic=topics.DISPATCH_FACTS, key=device, payload=json.dumps(fact))
            return
        key = rules.record_key(device, campaign)
        rec = state.get(key)
        try:
            if kind in ("sent", "cancel"):
                self._sent_or_cancel(fact, state, ctx, rec)
            elif kind in ("reply_ok", "reply_failed"):
                if rec is None:  # the reply overtook its sent fact: keep it until the record comes
                    if until is None:
                        self._hold(state, ctx, device, {"src": "fact", "payload": fact}, at)
                    else:
                        self._hold_until(state, ctx, device, {"src": "fact", "payload": fact}, until)
                    return
                self._reply(fact, state, ctx, rec)
            else:
                self._dead_letter(ctx, record, "bad_fact", f"unknown dispatch fact kind {kind!r}",
                                  source_topic=topics.DISPATCH_FACTS, key=device, payload=json.dumps(fact))
        except InvalidDispatchTransition as exc:
            self._dead_letter(ctx, record, "invalid_transition", str(exc), source_topic=topics.DISPATCH_FACTS,
                              key=device, message_id=fact.get("message_id"), payload=json.dumps(fact))

    def _hold_until(self, state: State, ctx: _Ctx, device: str, item: dict, until: float) -> None:
        key = f"{device}|held"
        held = list(state.get(key, ()))
        held.append({**item, "until": until})
        state[key] = held
        rules.add_deadline(state, ctx.partition, until, device, "held")

    def _sent_or_cancel(self, fact: dict, state: State, ctx: _Ctx, rec: dict | None) -> None:
        device, campaign, at = fact["device"], fact["campaign"], float(fact.get("at") or 0.0)
        program_id = fact.get("program") or self._by_start.get(fact.get("type") or "")
        program = self._program(program_id)
        kind = fact["kind"]
        if (kind == "sent" and program is not None and fact.get("type") == program.controls.cancel
                and program.controls.cancel != program.controls.start):
            kind = "cancel"
        created = rec is None
        if created:
            placement = self.topology.devices.get(device)
            rec = rules.new_record(device, campaign, program=program_id, headend=fact.get("headend"),
                                   est_kw=rules.estimated_kw(program, placement, self.default_kw))
            campaigns_key = f"{device}|campaigns"
            known = list(state.get(campaigns_key, ()))
            if campaign not in known:
                known.append(campaign)
                state[campaigns_key] = known
        if kind == "cancel":
            changed = self._transition(state, ctx, rec, K.CANCEL, at, message_id=fact.get("message_id"),
                                       detail="cancelled by the operator", rule="message_id")
            if not changed and created:
                state[rules.record_key(device, campaign)] = rec
            return
        before_state = rec["state"]
        previous = self._apply(state, rec, K.SENT, at, message_id=fact.get("message_id"),
                               rule=rec.get("rule") or "message_id")
        if previous is None:
            if created:
                state[rules.record_key(device, campaign)] = rec
            return
        rec.update(headend=fact.get("headend") or rec.get("headend"), control=fact.get("control"),
                   type=fact.get("type"), start=fact.get("start"), end=fact.get("end"),
                   message_id=fact.get("message_id"), sent_at=at, program=rec.get("program") or program_id)
        if rec.get("first_sent_at") is None:
            rec["first_sent_at"] = at
        if before_state == S.SKIPPED_OUTAGE.value:
            RETRIES.labels(program=rec.get("program") or "", reason="restored").inc()
        elif rec["attempt"] > 1:
            RETRIES.labels(program=rec.get("program") or "", reason="timeout").inc()
        ack = self._ack(rec)
        rec["deadlines"] = {}
        self._set_deadline(state, ctx, rec, "reply", at + ack.reply_timeout_s)
        if rec.get("end") is not None:
            self._set_deadline(state, ctx, rec, "end", float(rec["end"]))
        state[rules.record_key(device, campaign)] = rec
        self._emit(ctx, rec, K.SENT, previous, at)
        template = fact.get("template")
        if template is not None:
            tkey = f"p{ctx.partition}|template|{campaign}"
            if state.get(tkey) != template:
                state[tkey] = template
        self._release_held(state, ctx, device)

    def _reply(self, fact: dict, state: State, ctx: _Ctx, rec: dict) -> None:
        at = float(fact.get("at") or 0.0)
        ok = fact["kind"] == "reply_ok"
        kind = K.REPLY_OK if ok else K.REPLY_FAILED
        previous = self._apply(state, rec, kind, at,
                               message_id=fact.get("reply_message_id") or fact.get("message_id"),
                               detail=fact.get("detail") or "", rule=fact.get("rule") or "correlation_id")
        if previous is None:
            return
        if ok:
            rec["replied_at"] = at
            if rec.get("sent_at") is not None:
                REPLY_LATENCY.labels(program=rec.get("program") or "").observe(max(at - rec["sent_at"], 0.0))
            rec["deadlines"].pop("reply", None)
            ack = self._ack(rec)
            self._set_deadline(state, ctx, rec, "confirm", (rec.get("sent_at") or at) + ack.confirmation_timeout_s)
            state[rules.record_key(rec["device"], rec["campaign"])] = rec
        self._emit(ctx, rec, kind, previous, at)

    # ------------------------------------------------------------------ events
    def _events(self, record: Record, state: State, ctx: _Ctx) -> None:
        try:
            events = parse_end_device_event_fields(record.value, validate=self.validate)
        except IecError as exc:
            EVENTS.labels(outcome="rejected").inc()
            self._dead_letter(ctx, record, f"iec_{exc.code}", exc.text)
            return
        for i, ev in enumerate(events):
            payload = _event_payload(ev, i, record.key)
            if payload["device"] is None:
                EVENTS.labels(outcome="rejected").inc()
                self._dead_letter(ctx, record, "no_device", f"EndDeviceEvent {ev.get('mRID') or i} names no end device",
                                  message_id=ev["messageID"])
                continue
            names = ev.get("names")
            meaning = self._code_map(payload["device"]).meaning(ev["EndDeviceEventType"],
                                                               name=names[0] if names else None)
            payload["meaning"] = _VALUE[meaning]
            if record.key is not None and payload["device"] != record.key:
                # Another device's event in a head-end batch: the message is keyed by its first device,
                # but this device's record (and its held items, outage, deadlines) lives in its own
                # partition, on Kafka possibly another worker's. It goes there as a fact keyed by device.
                ctx.out.append(Record(topics.DISPATCH_FACTS, payload["device"], fastjson.dumps(
                    {"kind": "event", "device": payload["device"], "event": payload})))
                continue
            self._event(payload, state, ctx, meaning=meaning)

    def _event(self, ev: dict, state: State, ctx: _Ctx, until: float | None = None,
               meaning: CanonicalEvent | None = None) -> None:
        device, at = ev["device"], float(ev["at"])
        meaning = meaning or CanonicalEvent(ev["meaning"])
        if meaning in rules.OUTAGE_ON or meaning in rules.OUTAGE_OFF:
            self._outage(ev, meaning, state, ctx)
            return
        if meaning not in rules.CONTROL_EVENTS:
            _counter(EVENTS, "ignored").inc()
            return
        rec, rule = self._match(ev, meaning, state)
        if rec is None:
            if until is None and not state.get(f"{device}|campaigns") and self.topology.devices \
                    and device not in self.topology.devices:
                EVENTS.labels(outcome="unknown_device").inc()
                self._dead_letter(ctx, None, "unknown_device", f"{meaning.value} event for unknown device {device}",
                                  source_topic=topics.EDE_INBOUND, key=device, message_id=ev.get("message_id"),
                                  payload=json.dumps(ev))
                return
            EVENTS.labels(outcome="held").inc()
            if until is None:
                self._hold(state, ctx, device, {"src": "event", "payload": ev}, at)
            else:
                self._hold_until(state, ctx, device, {"src": "event", "payload": ev}, until)
            return
        control_meaning = self._code_map(device).meaning(rec.get("type"), kind="control") \
            if rec.get("type") else CanonicalEvent.UNKNOWN
        kind = rules.effect(control_meaning, meaning)
        if kind is None:
            EVENTS.labels(outcome="ignored").inc()
            return
        detail = f"{ev['type']} {_VALUE[meaning]}" + (f": {ev['reason']}" if ev.get("reason") else "")
        try:
            previous = self._apply(state, rec, kind, at, message_id=ev["id"], detail=detail, rule=rule)
        except InvalidDispatchTransition as exc:
            EVENTS.labels(outcome="invalid").inc()
            self._dead_letter(ctx, None, "invalid_transition", str(exc), source_topic=topics.EDE_INBOUND,
                              key=device, message_id=ev.get("message_id"), payload=json.dumps(ev))
            return
        _counter(EVENTS, "stale" if previous is None else "applied").inc()
        if previous is None:
            return
        if kind is K.CONFIRMED:
            rec["confirmed_at"] = at
            if rec.get("sent_at") is not None:
                _histogram(CONFIRMATION_LATENCY, rec.get("program") or "").observe(max(at - rec["sent_at"], 0.0))
            deadlines = rec["deadlines"]
            if deadlines:
                deadlines.pop("reply", None)
                deadlines.pop("confirm", None)
        elif kind is K.OPTED_OUT:
            OPT_OUTS.labels(program=rec.get("program") or "").inc()
        self._emit(ctx, rec, kind, previous, at)

    def _match(self, ev: dict, meaning: CanonicalEvent, state: State) -> tuple[dict | None, str]:
        device = ev["device"]
        tracking = ev.get("tracking")
        if tracking:
            rec = state.get(rules.record_key(device, tracking))
            return rec, "tracking_id"
        best = None
        for campaign in state.get(f"{device}|campaigns", ()):
            rec = state.get(rules.record_key(device, campaign))
            if rec is None or rec.get("type") is None or not rules.window_contains(rec, float(ev["at"])):
                continue
            control_meaning = self._code_map(device).meaning(rec["type"], kind="control")
            if rules.effect(control_meaning, meaning) is None:
                continue
            if best is None or (rec.get("first_sent_at") or 0) > (best.get("first_sent_at") or 0):
                best = rec
        return best, "device_window"

    def _outage(self, ev: dict, meaning: CanonicalEvent, state: State, ctx: _Ctx) -> None:
        device, at = ev["device"], float(ev["at"])
        key = f"{device}|outage"
        current = state.get(key) or {"out": False, "at": None}
        out = meaning in rules.OUTAGE_ON
        if current.get("at") is not None and at < current["at"]:
            EVENTS.labels(outcome="stale").inc()  # an older outage event than the one already applied
            return
        if current.get("out") == out and current.get("at") == at:
            EVENTS.labels(outcome="stale").inc()
            return
        state[key] = {"out": out, "at": at}
        EVENTS.labels(outcome="outage").inc()
        if out:
            return
        for campaign in state.get(f"{device}|campaigns", ()):  # restored: re-send where the window is open
            rec = state.get(rules.record_key(device, campaign))
            if rec and rec["state"] == S.SKIPPED_OUTAGE.value and (rec.get("end") is None or at < rec["end"]):
                self._set_deadline(state, ctx, rec, "retry", at)
                state[rules.record_key(device, campaign)] = rec

    # ------------------------------------------------------------------ deadlines
    def _tick(self, record: Record, state: State, ctx: _Ctx) -> None:
        try:
            now = float(json.loads(record.value)["at"])
        except (ValueError, KeyError, TypeError) as exc:
            self._dead_letter(ctx, record, "bad_tick", f"unreadable clock tick: {exc}")
            return
        resend: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for t, key, kind in rules.due(state, ctx.partition, now):
            if kind == "held":
                self._expire_held(state, ctx, key, now)
                continue
            rec = state.get(key)
            if rec is None or rec["deadlines"].get(kind) != t:
                continue  # the deadline moved or the record is gone: a lazily deleted entry
            del rec["deadlines"][kind]
            state[key] = rec
            try:
                self._deadline(state, ctx, rec, kind, t, now, resend)
            except InvalidDispatchTransition as exc:
                self._dead_letter(ctx, None, "invalid_transition", str(exc), source_topic=topics.CLOCK_TICKS,
                                  key=key, payload=json.dumps({"deadline": kind, "at": t}))
        for (headend, campaign), recs in sorted(resend.items()):
            self._resend(state, ctx, headend, campaign, recs, now)

    def _deadline(self, state: State, ctx: _Ctx, rec: dict, kind: str, t: float, now: float,
                  resend: dict[tuple[str, str], list[dict]]) -> None:
        st = S(rec["state"])
        in_outage = bool((state.get(f"{rec['device']}|outage") or {}).get("out"))
        window_open = rec.get("end") is None or now < rec["end"]
        program = rec.get("program") or ""
        if kind in ("reply", "confirm"):
            if (kind == "reply" and st is not S.SENT) or (kind == "confirm" and st is not S.ACCEPTED):
                return
            ack = self._ack(rec)
            TIMEOUTS.labels(kind=kind, program=program).inc()
            if in_outage:
                since = state[f"{rec['device']}|outage"]["at"]
                self._transition(state, ctx, rec, K.SKIP_OUTAGE, t, message_id=f"deadline:{kind}:{rec['attempt']}",
                                 detail=f"no {'reply' if kind == 'reply' else 'confirmation'}; device in an outage "
                                        f"since {rules.iso(since)}")
                return
            waited = ack.reply_timeout_s if kind == "reply" else ack.confirmation_timeout_s
            what = "reply" if kind == "reply" else "confirmation"
            self._transition(state, ctx, rec, K.TIMEOUT, t, message_id=f"deadline:{kind}:{rec['attempt']}",
                             detail=f"no {what} within {waited} s (attempt {rec['attempt']})")
            rec["timeouts"] = rec.get("timeouts", 0) + 1
            delay = rules.retry_delay_s(ack, rec["device"], rec["timeouts"])
            # Backoff from the sweep, not from the deadline: deadlines that passed while the process was
            # down fire on start, and their retries then spread out instead of going out in one burst.
            if delay is not None and (rec.get("end") is None or now + delay < rec["end"]):
                self._set_deadline(state, ctx, rec, "retry", now + delay)
                state[rules.record_key(rec["device"], rec["campaign"])] = rec
            else:
                reason = (f"no {what} after {rec['attempt']} attempt(s); retry limit {ack.retries} reached"
                          if delay is None else f"no {what}; the event window closes before the next retry")
                self._transition(state, ctx, rec, K.GIVE_UP, t, message_id=f"give_up:{rec['attempt']}", detail=reason)
        elif kind == "retry":
            if st not in (S.TIMED_OUT, S.SKIPPED_OUTAGE):
                return
            if not window_open:
                if st is S.TIMED_OUT:
                    self._transition(state, ctx, rec, K.GIVE_UP, t, message_id=f"give_up:{rec['attempt']}",
                                     detail="the event window closed before the retry")
                return
            if in_outage:
                if st is S.TIMED_OUT:
                    since = state[f"{rec['device']}|outage"]["at"]
                    self._transition(state, ctx, rec, K.SKIP_OUTAGE, t, message_id=f"retry:{rec['attempt']}",
                                     detail=f"device in an outage since {rules.iso(since)}; re-sent on restoration")
                return
            resend[(rec.get("headend") or "", rec["campaign"])].append(rec)
        elif kind == "end":
            if st in (S.ACCEPTED, S.CONFIRMED):
                self._transition(state, ctx, rec, K.ENDED, t, message_id=f"end:{rec['campaign']}",
                                 detail="event window closed")

    def _resend(self, state: State, ctx: _Ctx, headend: str, campaign: str, recs: list[dict], now: float) -> None:
        template = state.get(f"p{ctx.partition}|template|{campaign}") or {}
        recs = sorted(recs, key=lambda r: r["device"])
        for i in range(0, len(recs), MAX_DEVICES_PER_RETRY):
            chunk = recs[i:i + MAX_DEVICES_PER_RETRY]
            devices = [r["device"] for r in chunk]
            name = f"{campaign}/retry/{headend}/{now}/" + ",".join(f"{r['device']}:{r['attempt']}" for r in chunk)
            mid = str(uuid.uuid5(RETRY_NS, name))
            controls = [_control(template, r) for r in chunk]
            xml = build_end_device_controls(
                controls, message_id=mid, correlation_id=mid, source=template.get("source"),
                timestamp=rules.from_epoch(now), reply_address=template.get("reply_address"),
                async_reply=template.get("async_reply"), ack_required=True)
            program = chunk[0].get("program") or ""
            ctx.out.append(Record(topics.EDC_OUTBOUND, headend or None, xml, (
                ("noun", "EndDeviceControls"), ("campaign", campaign), ("message_id", mid), ("kind", "retry"),
                ("devices", str(len(devices))), ("orchestrator.program", program))))

    def _expire_held(self, state: State, ctx: _Ctx, device: str, now: float) -> None:
        key = f"{device}|held"
        held = state.get(key)
        if not held:
            return
        keep, expired = [], []
        for item in held:
            (expired if item["until"] <= now else keep).append(item)
        if keep:
            state[key] = keep
        else:
            del state[key]
        for item in expired:
            p = item["payload"]
            if item["src"] == "fact":
                reason = (f"{p['kind']} for device {device} in campaign {p.get('campaign')}: no dispatch record "
                          f"within {self.hold_s:g} s")
                self._dead_letter(ctx, None, "unmatched_reply", reason, source_topic=topics.DISPATCH_FACTS,
                                  key=device, message_id=p.get("message_id"), payload=json.dumps(p))
            else:
                which = f"campaign {p['tracking']}" if p.get("tracking") else "no campaign in its time window"
                reason = f"{p['meaning']} event for device {device}: {which} has no dispatch record"
                self._dead_letter(ctx, None, "unmatched_event", reason, source_topic=topics.EDE_INBOUND,
                                  key=device, message_id=p.get("message_id"), payload=json.dumps(p))


class _CachedMap:
    """A vendor code map with its answers remembered (codes repeat; pattern matching does not need to)."""

    def __init__(self, code_map):
        self._map = code_map
        self._seen: dict[tuple, CanonicalEvent] = {}

    def meaning(self, code: str | None = None, *, name: str | None = None, kind: str = "event") -> CanonicalEvent:
        key = (code, name, kind)
        found = self._seen.get(key)
        if found is None:
            found = self._map.meaning(code, name=name, kind=kind)
            if len(self._seen) < 10_000:
                self._seen[key] = found
        return found


def _event_payload(ev: dict, index: int, record_key: str | None) -> dict:
    """From ``parse_end_device_event_fields``: absent fields are EndDeviceEvent's defaults (None)."""
    at = rules.epoch(ev["createdDateTime"])
    mrid, message_id = ev.get("endDeviceMRID"), ev["messageID"]
    device = mrid or (record_key if not mrid and record_key else None)
    event_id = ev.get("mRID") or f"{message_id or ''}#{index}"
    return {"device": device, "at": at, "type": ev["EndDeviceEventType"], "id": event_id, "message_id": message_id,
            "tracking": ev.get("issuerTrackingID") or None, "reason": ev.get("reason")}


def _control(template: dict, rec: dict) -> EndDeviceControl:
    dr = template.get("demandResponse")
    start, end = rec.get("start"), rec.get("end")
    return EndDeviceControl(
        mRID=f"{rec['campaign']}:{rec['device']}:{rec['attempt'] + 1}", EndDeviceControlType=rec["type"],
        endDevices=(rec["device"],), issuerID=template.get("issuerID"), issuerTrackingID=rec["campaign"],
        reason=template.get("reason"), drProgramLevel=template.get("drProgramLevel"),
        drProgramMandatory=template.get("drProgramMandatory"), priceSignal=template.get("priceSignal"),
        start=rules.from_epoch(start), end=rules.from_epoch(end),
        durationMinutes=round((end - start) / 60, 3) if start is not None and end is not None else None,
        randomisation=template.get("randomisation"),
        demandResponse=DemandResponseSettings(**dr) if dr else None)


def make_correlator(topology: TopologyView | None, programs: dict[str, Program], *, default_kw: float = 1.0,
                    hold_s: float = 300.0) -> Processor:
    correlator = Correlator(topology, programs, default_kw=default_kw, hold_s=hold_s)
    return Processor(
        name=NAME,
        inputs=(topics.DISPATCH_FACTS, topics.EDE_INBOUND, topics.CLOCK_TICKS),
        outputs=(topics.DISPATCH_UPDATES, topics.EDC_OUTBOUND, topics.DEADLETTER, topics.DISPATCH_FACTS),
        process=correlator.process,
        description="correlate replies and EndDeviceEvents with dispatch records; deadlines, retries, outages",
    )


def bind(processors, topology: TopologyView, programs: dict[str, Program], *, default_kw: float = 1.0,
         hold_s: float = 300.0) -> list[Processor]:
    """Replace the registry's placeholder correlator by one over the loaded topology and programs."""
    return [make_correlator(topology, programs, default_kw=default_kw, hold_s=hold_s) if p.name == NAME else p
            for p in processors]


# The registry's entry knows no topology and no programs; runtimes bind the real ones with ``bind``.
PROCESSOR = make_correlator(TopologyView(), {})

__all__ = ["NAME", "PROCESSOR", "Correlator", "bind", "make_correlator"]
