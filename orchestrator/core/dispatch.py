"""The per-device dispatch state machine: one device in one campaign.

::

    PENDING ──sent──▶ SENT ──reply_ok──▶ ACCEPTED ──confirmed──▶ CONFIRMED ──ended──▶ ENDED
       │               │  ╲                 │                        │
       │               │   reply_failed ▶ REJECTED                   ├─opted_out──▶ OPTED_OUT
       │               ├─timeout──▶ TIMED_OUT ──sent (retry)──▶ SENT │
       │               │              └─give_up──▶ FAILED            │
       ├─skip_outage──▶ SKIPPED_OUTAGE                               │
       ├─skip_ineligible──▶ SKIPPED_INELIGIBLE                       │
       └─cancel (from any non-final state)──▶ CANCELLED ◀────────────┘

``TRANSITIONS`` is the whole table; ``apply(record, event)`` is the only way a record changes.
It is idempotent and tolerant of the message order a head-end really produces:

- the same event delivered twice (same kind and message id) leaves the record as it is;
- a confirmation may overtake the synchronous reply (SENT ─confirmed▶ CONFIRMED);
- a late event that the record has already gone past (a reply after the confirmation, anything
  after a final state) is *stale*: ``apply`` returns the record unchanged, and ``is_stale`` says
  so, so a caller can count it;
- anything else (e.g. ``ended`` on a PENDING record) raises ``InvalidDispatchTransition``.

Every applied event is recorded on the record as its cause (kind, message id, detail, time), so
the operator can see why a device is where it is.

Transitions the correlation engine needs beyond the main path: a device failure event after the
head-end's OK (ACCEPTED ─reply_failed▶ REJECTED) and a late FAILED reply after a timeout
(TIMED_OUT ─reply_failed▶ REJECTED); a device found to be in an outage when its deadline passes
(SENT/ACCEPTED/TIMED_OUT ─skip_outage▶ SKIPPED_OUTAGE); and the re-send after the device is
restored while the event window is still open (SKIPPED_OUTAGE ─sent▶ SENT). The retry policy (how many ``timeout`` →
``sent`` rounds before ``give_up``) belongs to the program's ``Acknowledgement``; this module
only counts attempts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum


class DispatchState(str, Enum):
    PENDING = "PENDING"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    CONFIRMED = "CONFIRMED"
    ENDED = "ENDED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    FAILED = "FAILED"
    OPTED_OUT = "OPTED_OUT"
    SKIPPED_OUTAGE = "SKIPPED_OUTAGE"
    SKIPPED_INELIGIBLE = "SKIPPED_INELIGIBLE"
    CANCELLED = "CANCELLED"


class DispatchEventKind(str, Enum):
    """What happened to a device's control; past tense where it reports a fact."""

    SENT = "sent"  # the control left on edc.outbound (also each retry)
    REPLY_OK = "reply_ok"  # head-end Reply OK (or PARTIAL not naming this device)
    REPLY_FAILED = "reply_failed"  # head-end Reply FAILED, or PARTIAL naming this device
    CONFIRMED = "confirmed"  # the device's EndDeviceEvent confirming the control
    OPTED_OUT = "opted_out"  # the customer overrode the event at the device
    TIMEOUT = "timeout"  # no reply/confirmation by the deadline
    GIVE_UP = "give_up"  # retries exhausted
    ENDED = "ended"  # the event window closed with the device still taking part
    CANCEL = "cancel"  # the operator cancelled the event
    SKIP_OUTAGE = "skip_outage"  # the device is in an active outage at dispatch time
    SKIP_INELIGIBLE = "skip_ineligible"  # not enrolled / switched away / wrong kind at dispatch time


S, K = DispatchState, DispatchEventKind

FINAL: frozenset[DispatchState] = frozenset({S.ENDED, S.REJECTED, S.FAILED, S.OPTED_OUT, S.SKIPPED_OUTAGE,
                                             S.SKIPPED_INELIGIBLE, S.CANCELLED})

# (from state, event) -> to state. Nothing else is a transition.
TRANSITIONS: dict[tuple[DispatchState, DispatchEventKind], DispatchState] = {
    (S.PENDING, K.SENT): S.SENT,
    (S.PENDING, K.SKIP_OUTAGE): S.SKIPPED_OUTAGE,
    (S.PENDING, K.SKIP_INELIGIBLE): S.SKIPPED_INELIGIBLE,
    (S.PENDING, K.CANCEL): S.CANCELLED,
    (S.SENT, K.REPLY_OK): S.ACCEPTED,
    (S.SENT, K.REPLY_FAILED): S.REJECTED,
    (S.SENT, K.CONFIRMED): S.CONFIRMED,  # the confirmation overtook the reply
    (S.SENT, K.OPTED_OUT): S.OPTED_OUT,
    (S.SENT, K.TIMEOUT): S.TIMED_OUT,
    (S.SENT, K.CANCEL): S.CANCELLED,
    (S.ACCEPTED, K.CONFIRMED): S.CONFIRMED,
    (S.ACCEPTED, K.OPTED_OUT): S.OPTED_OUT,
    (S.ACCEPTED, K.TIMEOUT): S.TIMED_OUT,  # accepted by the head-end, never confirmed by the device
    (S.ACCEPTED, K.ENDED): S.ENDED,  # no confirmation required by the program
    (S.ACCEPTED, K.CANCEL): S.CANCELLED,
    (S.CONFIRMED, K.OPTED_OUT): S.OPTED_OUT,
    (S.CONFIRMED, K.ENDED): S.ENDED,
    (S.CONFIRMED, K.CANCEL): S.CANCELLED,
    (S.TIMED_OUT, K.SENT): S.SENT,  # retry
    (S.TIMED_OUT, K.GIVE_UP): S.FAILED,
    (S.TIMED_OUT, K.REPLY_OK): S.ACCEPTED,  # a late reply still counts
    (S.TIMED_OUT, K.CONFIRMED): S.CONFIRMED,
    (S.TIMED_OUT, K.OPTED_OUT): S.OPTED_OUT,
    (S.TIMED_OUT, K.CANCEL): S.CANCELLED,
    # Added for the correlation engine (``processors.correlator``):
    (S.ACCEPTED, K.REPLY_FAILED): S.REJECTED,  # the device reported the control failed after the head-end accepted it
    (S.TIMED_OUT, K.REPLY_FAILED): S.REJECTED,  # a late FAILED reply
    (S.SENT, K.SKIP_OUTAGE): S.SKIPPED_OUTAGE,  # timed out while the device is in a known outage
    (S.ACCEPTED, K.SKIP_OUTAGE): S.SKIPPED_OUTAGE,
    (S.TIMED_OUT, K.SKIP_OUTAGE): S.SKIPPED_OUTAGE,
    (S.SKIPPED_OUTAGE, K.SENT): S.SENT,  # re-sent after restoration while the event window is open
}

# How far along the main path a state is; an event leading to a state not beyond it is stale.
_PROGRESS = {S.PENDING: 0, S.SENT: 1, S.TIMED_OUT: 1, S.ACCEPTED: 2, S.CONFIRMED: 3}
_EVENT_PROGRESS = {K.SENT: 1, K.REPLY_OK: 2, K.REPLY_FAILED: 2, K.TIMEOUT: 1, K.CONFIRMED: 3}


class InvalidDispatchTransition(ValueError):
    """An event that cannot happen in the record's state (a bug or a forged message)."""


@dataclass(frozen=True)
class DispatchEvent:
    kind: DispatchEventKind
    at: datetime
    message_id: str | None = None  # the IEC MessageID (or correlation id) that carried it
    detail: str = ""  # e.g. the head-end's error code and text


@dataclass(frozen=True)
class DispatchRecord:
    campaign: str
    device: str
    state: DispatchState = S.PENDING
    attempt: int = 0  # how many times the control has been sent
    headend: str | None = None
    updated_at: datetime | None = None
    cause: DispatchEventKind | None = None
    cause_message_id: str | None = None
    detail: str = ""


def is_stale(record: DispatchRecord, event: DispatchEvent) -> bool:
    """True when ``event`` is a duplicate or arrives after the record has moved past it."""
    if event.kind == record.cause and event.message_id == record.cause_message_id:
        return True
    if (record.state, event.kind) in TRANSITIONS:
        return False
    if record.state in FINAL:
        return True
    target = _EVENT_PROGRESS.get(event.kind)
    return target is not None and record.state in _PROGRESS and target <= _PROGRESS[record.state]


def apply(record: DispatchRecord, event: DispatchEvent) -> DispatchRecord:
    """The record after ``event``; unchanged for a stale or duplicate event (see ``is_stale``)."""
    if is_stale(record, event):
        return record
    to = TRANSITIONS.get((record.state, event.kind))
    if to is None:
        raise InvalidDispatchTransition(
            f"device {record.device} in campaign {record.campaign}: {event.kind.value} is not possible "
            f"in state {record.state.value}")
    return replace(record, state=to, attempt=record.attempt + (1 if event.kind is K.SENT else 0),
                   updated_at=event.at, cause=event.kind, cause_message_id=event.message_id, detail=event.detail)


def allowed_events(state: DispatchState) -> list[DispatchEventKind]:
    """The events that move a record out of ``state`` (for documentation and the API)."""
    return [k for (s, k) in TRANSITIONS if s is state]
