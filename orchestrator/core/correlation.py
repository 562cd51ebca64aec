"""Correlation rules: which dispatch record an event belongs to, and when a record is due.

Plain functions over the processor's state mapping (``processors.base.State``), so the
correlator can be tested without a runtime and behaves the same on both.

- Event meaning: a head-end's EndDeviceEvent code is mapped to a canonical meaning by the
  vendor's code map (``iec.code_map``); ``EFFECTS`` says what that meaning does to a record
  whose control has a given canonical meaning (a ``connected`` event confirms a connect
  control, it is no confirmation of a load-control start).
- Matching: by ``issuerTrackingID`` = campaign id when the head-end echoes it ("tracking_id"),
  else by device, control type and the scheduled interval ("device_window").
- Deadlines: an ordered index in state. Deadline entries ``[t, record key, kind]`` go into
  10-second buckets (``p<partition>|due|<bucket>|<chunk>``, chunks of at most ``CHUNK``
  entries so a batch rewrites only the chunk it appended to) listed, sorted, in
  ``p<partition>|due-index``. A tick sweeps the buckets whose start has passed. Entries are
  never removed when a record's deadline moves: the sweep checks them against the record
  (lazy deletion), which keeps every write O(1).
- Retries: exponential backoff from the program's ``Acknowledgement`` with a deterministic
  jitter (a hash of device and attempt), so both runtimes compute the same due time.
"""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone

from orchestrator.core.dispatch import DispatchEventKind as K
from orchestrator.core.dispatch import DispatchRecord, DispatchState
from orchestrator.core.programs import Acknowledgement, Program, ProgramKind
from orchestrator.core.topology import DevicePlacement
from orchestrator.iec.codes import CanonicalEvent as E

BUCKET_S = 10
CHUNK = 1000
JITTER_SHARE = 0.2  # a retry is delayed by up to 20 % more than the plain backoff
# Slack around the scheduled interval for the device_window rule (clock skew, randomisation).
WINDOW_SLACK_S = 15 * 60

# Record fields kept in state besides what core.dispatch.DispatchRecord holds.
RECORD_FIELDS = ("campaign", "device", "state", "attempt", "headend", "program", "control", "type", "start", "end",
                 "message_id", "first_sent_at", "sent_at", "replied_at", "confirmed_at", "rule", "cause",
                 "cause_message_id", "detail", "updated_at", "timeouts", "deadlines", "est_kw", "seq")

OUTAGE_ON = frozenset({E.POWER_OFF, E.LAST_GASP})
OUTAGE_OFF = frozenset({E.POWER_RESTORED})

# control meaning -> {event meaning: dispatch event kind}
_LOAD = {E.LOAD_CONTROL_STARTED: K.CONFIRMED, E.CONTROL_EXECUTED: K.CONFIRMED, E.LOAD_CONTROL_STOPPED: K.ENDED,
         E.DR_OPT_OUT: K.OPTED_OUT, E.CONTROL_FAILED: K.REPLY_FAILED}
EFFECTS: dict[E, dict[E, K]] = {
    E.LOAD_CONTROL_START: _LOAD,
    E.LOAD_CONTROL_SCHEDULE: _LOAD,
    E.DER_SETPOINT: {**_LOAD},
    E.PRICE_SIGNAL: {E.PRICE_SIGNAL_APPLIED: K.CONFIRMED, E.CONTROL_EXECUTED: K.CONFIRMED,
                     E.PRICE_SIGNAL_FAILED: K.REPLY_FAILED, E.DR_OPT_OUT: K.OPTED_OUT},
    E.CONNECT: {E.CONNECTED: K.CONFIRMED, E.CONTROL_EXECUTED: K.CONFIRMED, E.CONNECT_FAILED: K.REPLY_FAILED},
    E.DISCONNECT: {E.DISCONNECTED: K.CONFIRMED, E.CONTROL_EXECUTED: K.CONFIRMED,
                   E.DISCONNECT_FAILED: K.REPLY_FAILED},
}
# Events that only ever concern a control (a stray one is dead-lettered, not ignored).
CONTROL_EVENTS = frozenset(m for effects in EFFECTS.values() for m in effects) | {E.LOAD_CONTROL_CANCELLED}


def effect(control_meaning: E, event_meaning: E) -> K | None:
    """What an event means for a record whose control has ``control_meaning`` (None: nothing)."""
    table = EFFECTS.get(control_meaning)
    if table is None:  # a control the code map does not know: accept the generic confirmations
        table = _LOAD
    return table.get(event_meaning)


# ----------------------------------------------------------------------------- time
def epoch(at: datetime | None) -> float | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.timestamp()


def from_epoch(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, timezone.utc)


def iso(t: float | None) -> str | None:
    at = from_epoch(t)
    return at.isoformat().replace("+00:00", "Z") if at else None


# ----------------------------------------------------------------------------- records
def record_key(device: str, campaign: str) -> str:
    return f"{device}|{campaign}"


def new_record(device: str, campaign: str, **fields) -> dict:
    rec = {f: None for f in RECORD_FIELDS}
    rec.update(device=device, campaign=campaign, state=DispatchState.PENDING.value, attempt=0, timeouts=0,
               deadlines={}, detail="", seq=0)
    rec.update({k: v for k, v in fields.items() if v is not None})
    return rec


def to_dispatch(rec: dict) -> DispatchRecord:
    return DispatchRecord(campaign=rec["campaign"], device=rec["device"], state=DispatchState(rec["state"]),
                          attempt=rec["attempt"], headend=rec.get("headend"),
                          updated_at=from_epoch(rec.get("updated_at")),
                          cause=K(rec["cause"]) if rec.get("cause") else None,
                          cause_message_id=rec.get("cause_message_id"), detail=rec.get("detail") or "")


def window_contains(rec: dict, t: float, slack: float = WINDOW_SLACK_S) -> bool:
    """Whether ``t`` lies in the record's scheduled interval (± slack); open ends match."""
    start = rec.get("start") if rec.get("start") is not None else rec.get("first_sent_at")
    end = rec.get("end")
    if start is not None and t < start - slack:
        return False
    return end is None or t <= end + slack


# ----------------------------------------------------------------------------- retries
def jitter(device: str, attempt: int) -> float:
    """A fraction in [0, 1) from device and attempt: the same on every runtime and every replay."""
    digest = hashlib.blake2b(f"{device}|{attempt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2 ** 64


def retry_delay_s(ack: Acknowledgement, device: str, retry: int) -> float | None:
    """Seconds before retry number ``retry`` (1-based) of ``device``; None when the limit is reached."""
    base = ack.retry_delay(retry)
    if base is None:
        return None
    return round(base.total_seconds() * (1 + JITTER_SHARE * jitter(device, retry)), 3)


# ----------------------------------------------------------------------------- kW
def estimated_kw(program: Program | None, placement: DevicePlacement | None, default_kw: float) -> float:
    """The program's per-device shed estimate: the device's rated kW (or ``default_kw``) times the
    share of it the program takes away."""
    rated = placement.rated_kw if placement is not None and placement.rated_kw is not None else default_kw
    if program is None:
        return rated
    if program.kind is ProgramKind.LOAD_CONTROL:
        pct = program.load_control.cycling_percent if program.load_control else None
        return round(rated * (pct if pct is not None else 100) / 100, 3)
    if program.kind is ProgramKind.DER_SETPOINT and program.der is not None:
        return round(rated * (100 - program.der.default_percent) / 100, 3)
    if program.kind is ProgramKind.EV_CHARGING and program.ev is not None:
        return round(rated * (100 - program.ev.max_charge_percent) / 100, 3)
    if program.kind is ProgramKind.PRICE:
        return 0.0  # a price signal asks, it does not switch: no engineering estimate
    return rated


# ----------------------------------------------------------------------------- deadline index
def _index_key(partition: int) -> str:
    return f"p{partition}|due-index"


def _bucket_key(partition: int, bucket: int) -> str:
    return f"p{partition}|due|{bucket}"


def add_deadline(state, partition: int, t: float, key: str, kind: str) -> None:
    """Put ``[t, key, kind]`` into the ordered index of ``partition``."""
    bucket = int(t // BUCKET_S * BUCKET_S)
    meta_key = _bucket_key(partition, bucket)
    chunks = state.get(meta_key)
    if chunks is None:
        index = list(state.get(_index_key(partition), ()))
        bisect.insort(index, bucket)
        state[_index_key(partition)] = index
        chunks = 0
    chunk_key = f"{meta_key}|{max(chunks - 1, 0)}"
    entries = state.get(chunk_key) if chunks else None
    if entries is None or len(entries) >= CHUNK:
        chunk_key = f"{meta_key}|{chunks}"
        entries = []
        chunks += 1
        state[meta_key] = chunks
    entries.append([t, key, kind])
    state[chunk_key] = entries  # re-assign: marks the key dirty on either runtime


def due(state, partition: int, now: float) -> list[tuple[float, str, str]]:
    """Remove and return, ordered by (time, key, kind), the entries due at ``now``."""
    index = state.get(_index_key(partition))
    if not index:
        return []
    fired: list[tuple[float, str, str]] = []
    keep_index = list(index)
    for bucket in index:
        if bucket > now:
            break
        meta_key = _bucket_key(partition, bucket)
        chunks = state.get(meta_key, 0)
        remaining: list[list] = []
        for i in range(chunks):
            for entry in state.pop(f"{meta_key}|{i}", ()):
                (fired if entry[0] <= now else remaining).append(entry)
        state.pop(meta_key, None)
        keep_index.remove(bucket)
        if remaining:  # the bucket's later part: back in (its bucket is at most now, so it stays first)
            state[_index_key(partition)] = keep_index
            for t, key, kind in remaining:
                add_deadline(state, partition, t, key, kind)
            keep_index = list(state[_index_key(partition)])
    if keep_index:
        state[_index_key(partition)] = keep_index
    else:
        state.pop(_index_key(partition), None)
    return sorted((float(t), k, kind) for t, k, kind in fired)


def pending_deadlines(state, partition: int) -> Iterable[tuple[float, str, str]]:
    """Every entry still in the index (for inspection and tests)."""
    for bucket in state.get(_index_key(partition), ()):
        meta_key = _bucket_key(partition, bucket)
        for i in range(state.get(meta_key, 0)):
            for t, key, kind in state.get(f"{meta_key}|{i}", ()):
                yield float(t), key, kind
