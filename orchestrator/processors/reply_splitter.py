"""Reply splitter: one head-end Reply to EndDeviceControls becomes one fact per device.

Its inputs are co-partitioned: ``edc.messages`` (the control index's list of each message's
devices, keyed by MessageID) and ``edc.replies`` (keyed by CorrelationID = that MessageID).
It keeps message → devices in state and, for a Reply,

- OK: ``reply_ok`` for every device of the message;
- PARTIAL: ``reply_failed`` (with the item's error code and text) for the devices — or controls —
  named by a per-item error, ``reply_ok`` for the others;
- FAILED: ``reply_failed`` for every device, with the reply's error;

to ``dispatch.facts`` keyed by device, marked ``rule: correlation_id``. A reply that overtakes
its index is kept and released when the index comes. One whose CorrelationID never matches is
dead-lettered once ``orphan_s`` of clock time (``clock.ticks``) or ``orphan_records`` later
records of its partition have passed, with the reason and a metric. Answered messages are
pruned; their MessageIDs are remembered (a few bytes each) so a resent reply is a duplicate.
"""
from __future__ import annotations

import json

from orchestrator import topics
from orchestrator.correlation.metrics import CORRELATION_DEAD_LETTERS
from orchestrator.iec import IecError, ReplyResult, parse_message
from orchestrator.iec.end_device_controls import control_reply_from_message
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Processor, Record, State

NAME = "reply-splitter"
ORPHAN_S = 3600.0
ORPHAN_RECORDS = 100_000


def _dead_letter(source_topic: str, key: str | None, reason_code: str, reason: str, payload: str,
                 message_id: str | None = None) -> Record:
    CORRELATION_DEAD_LETTERS.labels(reason=reason_code).inc()
    DEAD_LETTERS.labels(source_topic=source_topic, reason=reason_code).inc()
    return DeadLetter(source_topic=source_topic, reason=reason, code="99.2", key=key, message_id=message_id,
                      processor=NAME, payload=payload[:65536], extra={"reason_code": reason_code}).to_record(
        topics.DEADLETTER)


class ReplySplitter:
    def __init__(self, *, orphan_s: float = ORPHAN_S, orphan_records: int = ORPHAN_RECORDS):
        self.orphan_s = orphan_s
        self.orphan_records = orphan_records

    async def process(self, record: Record, state: State) -> list[Record]:
        p = record.partition
        seq_key = f"p{p}|seq"
        seq = state.get(seq_key, 0) + 1
        state[seq_key] = seq
        if record.topic == topics.CLOCK_TICKS:
            try:
                now = float(json.loads(record.value)["at"])
            except (ValueError, KeyError, TypeError):
                return []
            return self._expire(state, p, lambda o: o["at"] <= now - self.orphan_s)
        out: list[Record] = []
        if record.topic == topics.EDC_MESSAGES:
            out.extend(self._index(record, state))
        else:
            out.extend(self._reply(record, state))
        out.extend(self._expire(state, p, lambda o: o["seq"] <= seq - self.orphan_records))
        return out

    # ------------------------------------------------------------------ index
    def _index(self, record: Record, state: State) -> list[Record]:
        try:
            index = json.loads(record.value)
            mid = index["message_id"]
        except (ValueError, KeyError, TypeError) as exc:
            return [_dead_letter(record.topic, record.key, "bad_index", f"unreadable message index: {exc}",
                                 record.value.decode("utf-8", "replace"))]
        if f"{mid}|answered" in state:
            return []  # a re-sent index for a message already answered
        state[f"{mid}|devices"] = index
        held = state.get(f"{mid}|reply")
        if held is None:
            return []
        del state[f"{mid}|reply"]
        self._forget_orphan(state, held["partition"], mid)
        return self._split(mid, index, held, state)

    # ------------------------------------------------------------------ replies
    def _reply(self, record: Record, state: State) -> list[Record]:
        payload = record.value.decode("utf-8", "replace")
        try:
            message = parse_message(record.value)
            reply = control_reply_from_message(message)
        except IecError as exc:
            return [_dead_letter(record.topic, record.key, f"iec_{exc.code}", exc.text, payload)]
        mid = reply.correlationID or record.key
        if not mid:
            return [_dead_letter(record.topic, record.key, "no_correlation_id",
                                 "reply without a CorrelationID cannot be matched to a request", payload,
                                 reply.messageID)]
        header = message.Header
        first = reply.errors[0] if reply.errors else None
        summary = {
            "result": reply.result.value if isinstance(reply.result, ReplyResult) else str(reply.result),
            "reply_message_id": reply.messageID,
            "at": header.Timestamp.timestamp() if header and header.Timestamp else None,
            "detail": f"{first.code} {first.text or ''}".strip() if first else "",
            "items": {e.id: f"{e.code} {e.text or ''}".strip() for e in reply.errors
                      if e.id and not e.code.startswith("0.")},
            "partition": record.partition,
            "seq": state.get(f"p{record.partition}|seq", 0),
            "payload": payload[:65536],
        }
        if f"{mid}|answered" in state:
            return []  # a duplicate reply
        index = state.get(f"{mid}|devices")
        if index is None:
            if f"{mid}|reply" not in state:
                state[f"{mid}|reply"] = summary
                orphans = dict(state.get(f"p{record.partition}|orphans", {}))
                orphans[mid] = {"at": summary["at"] or 0.0, "seq": summary["seq"]}
                state[f"p{record.partition}|orphans"] = orphans
            return []
        return self._split(mid, index, summary, state)

    def _split(self, mid: str, index: dict, reply: dict, state: State) -> list[Record]:
        state.pop(f"{mid}|devices", None)
        state[f"{mid}|answered"] = reply["reply_message_id"] or ""
        if index.get("cancel"):
            return []  # the reply to a cancel: the records are already CANCELLED
        result, items = reply["result"], reply["items"]
        out: list[Record] = []
        for entry in index["devices"]:
            device, campaign = entry[0], entry[1]
            control = entry[2] if len(entry) > 2 else None
            if result == ReplyResult.FAILED.value:
                kind, detail = "reply_failed", reply["detail"] or "FAILED"
            elif device in items or (control and control in items):
                kind, detail = "reply_failed", items.get(device) or items.get(control)
            else:
                kind, detail = "reply_ok", "" if result == ReplyResult.OK.value else "not named in PARTIAL reply"
            fact = {"kind": kind, "campaign": campaign, "device": device, "message_id": mid,
                    "reply_message_id": reply["reply_message_id"], "detail": detail, "rule": "correlation_id",
                    "at": reply["at"] if reply["at"] is not None else index.get("at")}
            out.append(Record(topics.DISPATCH_FACTS, device,
                              json.dumps(fact, sort_keys=True, separators=(",", ":")).encode()))
        return out

    # ------------------------------------------------------------------ orphans
    def _forget_orphan(self, state: State, partition: int, mid: str) -> None:
        key = f"p{partition}|orphans"
        orphans = state.get(key)
        if orphans and mid in orphans:
            orphans = dict(orphans)
            del orphans[mid]
            if orphans:
                state[key] = orphans
            else:
                del state[key]

    def _expire(self, state: State, partition: int, expired) -> list[Record]:
        key = f"p{partition}|orphans"
        orphans = state.get(key)
        if not orphans:
            return []
        gone = sorted(mid for mid, o in orphans.items() if expired(o))
        if not gone:
            return []
        out = []
        for mid in gone:
            held = state.pop(f"{mid}|reply", None)
            out.append(_dead_letter(topics.EDC_REPLIES, mid, "unmatched_reply",
                                    f"reply with CorrelationID {mid} matches no EndDeviceControls sent",
                                    held["payload"] if held else "", held["reply_message_id"] if held else None))
        remaining = {m: o for m, o in orphans.items() if m not in gone}
        if remaining:
            state[key] = remaining
        else:
            del state[key]
        return out


def make_reply_splitter(**kw) -> Processor:
    splitter = ReplySplitter(**kw)
    return Processor(
        name=NAME,
        inputs=(topics.EDC_MESSAGES, topics.EDC_REPLIES, topics.CLOCK_TICKS),
        outputs=(topics.DISPATCH_FACTS, topics.DEADLETTER),
        process=splitter.process,
        description="split head-end replies into per-device reply facts by CorrelationID",
    )


PROCESSOR = make_reply_splitter()

__all__ = ["PROCESSOR", "ReplySplitter", "make_reply_splitter"]
