"""Outage inference from meter events: plain logic over a state mapping, no I/O.

Meters report power off, last gasp and power restored; an OMS wants outages. This module turns
the first into the second in two steps, each keyed so that its state lives in one partition:

1. **Per device** (``device_signal``, state under the device mRID): the head-end's 4-part code
   becomes a canonical fact through the device vendor's code map (``orchestrator.iec.code_map``),
   with the device's own ``createdDateTime``, never the arrival time. Resent last gasps and
   power-offs of a meter already off are duplicates; an event older than the device's last state
   change is late and dropped. What survives is a :class:`MeterSignal` for the grouping owner.

2. **Per owner** (``OutageDetector.on_signal`` / ``on_tick``, state under the owner key, which is
   the meter's feeder — or its transformer, or itself, when master data lacks the level above):
   meter → service transformer → feeder grouping, the momentary filter, storm mode and
   restoration verification. Keeping a feeder's transformers and meters under one key is what
   lets a feeder be inferred out without cross-partition state.

Outage life cycle (DESIGN.md): ``SUSPECTED`` (inside the momentary window) → ``MOMENTARY``
(restored inside it) or ``SUSTAINED`` (notified) → ``RESTORED``. The window defaults to
5 minutes, the IEEE 1366 boundary between momentary and sustained interruptions.

Time is event time only. An owner's clock is the latest event or tick time it has seen; due
deadlines (window ends, verification timeouts, storm summaries) are swept whenever that clock
moves — on every signal for the owner and on periodic tick records (``on_tick``) that the
runtime's clock publishes for owners without traffic. The same inputs therefore give the same
outputs on any runtime, at any speed.

Interpretations:

- Confidence of a meter outage is 1.0 after a last gasp, 0.8 after a power-off alone; of a
  transformer or feeder outage, the share of its meters (transformers) that reported.
- A transformer is restored when as many of its reporting meters are back as the grouping
  thresholds require to call it out; its meters that have still not reported after a grace
  period (restores come in bursts) are verified with an on-request read (``GetMeterReadings``). No meter is pinged while its outage is
  active, so a meter that sent a last gasp is never asked while it is known to be dead.
- Storm mode is decided per owner (feeder), the unit that sees a coherent event rate.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from orchestrator.core.topology import TopologyView
from orchestrator.iec import CanonicalEvent, EndDeviceEvent, code_map

State = MutableMapping[str, Any]

# IEEE 1366-2012: an interruption longer than 5 minutes is sustained; shorter ones are momentary.
IEEE_1366_MOMENTARY_S = 300.0


class OutageStatus(str, Enum):
    SUSPECTED = "SUSPECTED"
    MOMENTARY = "MOMENTARY"
    SUSTAINED = "SUSTAINED"
    RESTORED = "RESTORED"


class OutageLevel(str, Enum):
    METER = "meter"
    TRANSFORMER = "transformer"
    FEEDER = "feeder"


class NotificationKind(str, Enum):
    CREATED = "outage.created"
    UPDATED = "outage.updated"
    RESTORED = "outage.restored"
    MOMENTARY = "outage.momentary"
    STORM_SUMMARY = "storm.summary"


ACTIVE = (OutageStatus.SUSPECTED.value, OutageStatus.SUSTAINED.value)
OFF_MEANINGS = frozenset({CanonicalEvent.POWER_OFF, CanonicalEvent.LAST_GASP})


@dataclass(frozen=True)
class OutageRules:
    """Thresholds of the detector; every one is a setting (``outage_*`` in ``Settings``)."""

    momentary_window_s: float = IEEE_1366_MOMENTARY_S
    transformer_min_meters: int = 2
    transformer_share: float = 0.5
    feeder_min_transformers: int = 2
    feeder_share: float = 0.5
    storm_events_per_min: int = 200
    verify_timeout_s: float = 120.0
    verify_grace_s: float = 30.0
    summary_interval_s: float = 60.0

    def __post_init__(self) -> None:
        if self.momentary_window_s < 0 or self.verify_timeout_s <= 0 or self.summary_interval_s <= 0 or \
                self.verify_grace_s < 0:
            raise ValueError("outage windows and timeouts must be positive")
        if self.transformer_min_meters < 1 or self.feeder_min_transformers < 1:
            raise ValueError("grouping counts must be at least 1")
        if not (0 < self.transformer_share <= 1 and 0 < self.feeder_share <= 1):
            raise ValueError("grouping shares must be in (0, 1]")
        if self.storm_events_per_min < 1:
            raise ValueError("storm threshold must be at least 1 event per minute")


# ------------------------------------------------------------------------------ step 1: device

@dataclass(frozen=True)
class MeterSignal:
    """A deduplicated power fact of one meter, for its grouping owner (``outage.signals``)."""

    device: str
    on: bool  # True = power restored / proved alive, False = power off
    at: float  # device event time, epoch seconds
    last_gasp: bool = False
    via: str = "event"  # "event" | "verify" (an on-request read answered or failed)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "meter", "device": self.device, "on": self.on, "at": self.at, "lg": self.last_gasp,
                "via": self.via}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MeterSignal":
        return cls(device=str(data["device"]), on=bool(data["on"]), at=float(data["at"]),
                   last_gasp=bool(data.get("lg", False)), via=str(data.get("via", "event")))


_MEANINGS: dict[tuple[str, str, str | None], CanonicalEvent] = {}


def canonical_power_fact(event: EndDeviceEvent, vendor: str | None) -> CanonicalEvent | None:
    """POWER_OFF, LAST_GASP or POWER_RESTORED for an event under its vendor's map, else None."""
    name = event.names[0] if event.names else None
    key = (vendor or "standard", event.EndDeviceEventType, name)
    meaning = _MEANINGS.get(key)
    if meaning is None:
        try:
            codes = code_map(key[0])
        except (FileNotFoundError, OSError):
            codes = code_map("standard")
        meaning = codes.meaning(event.EndDeviceEventType, name=name)
        if meaning is not CanonicalEvent.UNKNOWN and len(_MEANINGS) < 100_000:  # unknowns keep being counted
            _MEANINGS[key] = meaning
    if meaning in OFF_MEANINGS or meaning is CanonicalEvent.POWER_RESTORED:
        return meaning
    return None


def owner_of(topology: TopologyView, device: str) -> str:
    """The grouping owner of a device: its feeder, else its transformer, else the device itself."""
    placement = topology.devices.get(device)
    if placement is None:
        return device
    return placement.feeder or placement.transformer or device


def device_signal(state: State, device: str, meaning: CanonicalEvent, at: float) -> MeterSignal | None:
    """Deduplicate one canonical power fact of a device; the signal to forward, or None.

    State (under the device's key): ``<device>|pwr`` = [on, at_of_last_change, last_gasp].
    """
    key = f"{device}|pwr"
    current = state.get(key)
    if meaning in OFF_MEANINGS:
        lg = meaning is CanonicalEvent.LAST_GASP
        if current is not None and not current[0]:
            if lg and not current[2] and at >= current[1] - 1:  # a last gasp after the power-off: note it
                state[key] = [False, current[1], True]
                return MeterSignal(device, False, current[1], True)
            return None  # resent, or a power-off after the last gasp
        if current is not None and at <= current[1]:
            return None  # late: older than the restore already seen
        state[key] = [False, at, lg]
        return MeterSignal(device, False, at, lg)
    if current is not None and current[0]:
        return None  # duplicate restore
    if current is not None and at < current[1]:
        return None  # late: a restore from before the power-off
    state[key] = [True, at, False]
    return MeterSignal(device, True, at)


# ------------------------------------------------------------------------------ step 2: owner

@dataclass
class Effects:
    """What one step decided: OMS notifications, verification reads to send, counters."""

    notifications: list[dict[str, Any]] = field(default_factory=list)
    verifications: list[tuple[str, str, float]] = field(default_factory=list)  # (device, outage id, at)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def extend(self, other: "Effects") -> None:
        self.notifications.extend(other.notifications)
        self.verifications.extend(other.verifications)
        for k, v in other.counts.items():
            self.count(k, v)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


def outage_id(level: OutageLevel | str, asset: str, first: float) -> str:
    return f"{OutageLevel(level).value}:{asset}:{int(round(first * 1000))}"


class OutageDetector:
    """Grouping, momentary filter, storm mode and restoration for one owner's state.

    State keys, all starting with the owner key ``O``:

    - ``O|now``: the owner's event-time clock; ``O|due``: sorted list of [due, kind, ref]
    - ``O|tx``: transformers with an open document (so summaries never scan the whole state)
    - ``O|t|<transformer>``: meters out ``out`` {device: [at, lg]}, meter outages ``m``,
      the transformer outage ``o``, meters under verification ``v`` and their parent ``vp``
    - ``O|f``: transformers out ``out`` {transformer: first}, the feeder outage ``o``, storm
      ``storm`` flag, rate bucket ``rate`` = [minute, count], open storm counters ``sc``
    - ``O|count|<name>``: counters (momentaries, duplicates, verifications, ...)
    """

    def __init__(self, topology: TopologyView, rules: OutageRules | None = None):
        self.topology = topology
        self.rules = rules or OutageRules()
        self._meters: dict[str, list[str]] = {}  # caches over the read-only snapshot
        self._feeder_transformers: dict[str, int] | None = None

    def _transformer_count(self, feeder: str) -> int:
        if self._feeder_transformers is None:
            counts: dict[str, int] = {}
            for f in self.topology.transformer_feeder.values():
                counts[f] = counts.get(f, 0) + 1
            self._feeder_transformers = counts
        return self._feeder_transformers.get(feeder, 0)

    # ---------------------------------------------------------------- entry points
    def on_signal(self, state: State, owner: str, signal: MeterSignal) -> Effects:
        fx = self._advance(state, owner, signal.at)
        placement = self.topology.devices.get(signal.device)
        transformer = (placement.transformer if placement else None) or f"~{signal.device}"
        tdoc = self._tdoc(state, owner, transformer)
        if signal.device in tdoc["v"]:
            self._verified(state, owner, transformer, tdoc, signal, fx)
            if not signal.on:
                self._save_tdoc(state, owner, transformer, tdoc)
                return fx
        if signal.via == "verify" and not signal.on:
            self._save_tdoc(state, owner, transformer, tdoc)  # an answer for a meter no longer verified
            return fx
        if signal.on:
            self._meter_on(state, owner, transformer, tdoc, signal, fx)
        else:
            self._rate(state, owner, signal.at, fx)
            self._meter_off(state, owner, transformer, tdoc, signal, fx)
        self._save_tdoc(state, owner, transformer, tdoc)
        return fx

    def on_tick(self, state: State, owner: str, now: float) -> Effects:
        return self._advance(state, owner, now)

    # ---------------------------------------------------------------- documents
    @staticmethod
    def _tdoc(state: State, owner: str, transformer: str) -> dict[str, Any]:
        doc = state.get(f"{owner}|t|{transformer}")
        return doc if doc is not None else {"out": {}, "m": {}, "o": None, "v": {}, "vp": None}

    @staticmethod
    def _save_tdoc(state: State, owner: str, transformer: str, doc: dict[str, Any]) -> None:
        key = f"{owner}|t|{transformer}"
        if not doc["out"] and not doc["m"] and doc["o"] is None and not doc["v"]:
            if key in state:
                del state[key]
                index = [t for t in state.get(f"{owner}|tx", []) if t != transformer]
                if index:
                    state[f"{owner}|tx"] = index
                else:
                    del state[f"{owner}|tx"]
        else:
            if key not in state:
                state[f"{owner}|tx"] = sorted({*state.get(f"{owner}|tx", []), transformer})
            state[key] = doc

    @staticmethod
    def _tdoc_keys(state: State, owner: str) -> list[str]:
        """Keys of the owner's open transformer documents (an index, so no scan of all state)."""
        return [f"{owner}|t|{t}" for t in state.get(f"{owner}|tx", [])]

    @staticmethod
    def _fdoc(state: State, owner: str) -> dict[str, Any]:
        doc = state.get(f"{owner}|f")
        return doc if doc is not None else {"out": {}, "o": None, "storm": False, "rate": [0, 0], "sc": {}}

    @staticmethod
    def _count(state: State, owner: str, name: str, fx: Effects, n: int = 1) -> None:
        key = f"{owner}|count|{name}"
        state[key] = state.get(key, 0) + n
        fx.count(name, n)

    # Deadlines are one sorted list per owner: the order of arrival never shows in the state.
    def _push_due(self, state: State, owner: str, due: float, kind: str, ref: str) -> None:
        key = f"{owner}|due"
        pending = state.get(key)
        if pending is None:
            pending = []
        bisect.insort(pending, [due, kind, ref])
        state[key] = pending

    @staticmethod
    def _cancel_due(state: State, owner: str, kind: str, ref: str, due: float | None = None) -> None:
        """Drop a deadline that no longer matters (by position when its time is known)."""
        key = f"{owner}|due"
        pending = state.get(key)
        if not pending:
            return
        if due is not None:
            i = bisect.bisect_left(pending, [due, kind, ref])
            if i < len(pending) and pending[i][1] == kind and pending[i][2] == ref:
                del pending[i]
                found = True
            else:
                found = False
        else:
            found = False
        if not found:
            n = len(pending)
            pending[:] = [e for e in pending if not (e[1] == kind and e[2] == ref)]
            if len(pending) == n:
                return
        if pending:
            state[key] = pending
        else:
            del state[key]

    # ---------------------------------------------------------------- clock
    def _advance(self, state: State, owner: str, now: float) -> Effects:
        fx = Effects()
        previous = state.get(f"{owner}|now")
        if previous is not None and now <= previous:
            return fx
        state[f"{owner}|now"] = now
        key = f"{owner}|due"
        pending = state.get(key)
        while pending and pending[0][0] <= now:
            due, kind, ref = pending.pop(0)
            if pending:
                state[key] = pending
            else:
                del state[key]
            self._fire(state, owner, float(due), kind, ref, fx)
            pending = state.get(key)
        return fx

    def _fire(self, state: State, owner: str, due: float, kind: str, ref: str, fx: Effects) -> None:
        if kind == "m":  # a meter's momentary window ended
            transformer, device = ref.split("\x1f", 1)
            tdoc = self._tdoc(state, owner, transformer)
            o = tdoc["m"].get(device)
            if o is not None and o["status"] == OutageStatus.SUSPECTED.value and o["first"] + \
                    self.rules.momentary_window_s <= due:
                o["status"] = OutageStatus.SUSTAINED.value
                self._notify_meter(state, owner, o, NotificationKind.CREATED, due, fx)
                self._save_tdoc(state, owner, transformer, tdoc)
        elif kind == "t":
            tdoc = self._tdoc(state, owner, ref)
            o = tdoc["o"]
            if o is not None and o["status"] == OutageStatus.SUSPECTED.value and \
                    o["first"] + self.rules.momentary_window_s <= due:
                o["status"] = OutageStatus.SUSTAINED.value
                self._notify(o, NotificationKind.CREATED, due, fx)
                self._save_tdoc(state, owner, ref, tdoc)
        elif kind == "f":
            fdoc = self._fdoc(state, owner)
            o = fdoc["o"]
            if o is not None and o["status"] == OutageStatus.SUSPECTED.value and \
                    o["first"] + self.rules.momentary_window_s <= due:
                o["status"] = OutageStatus.SUSTAINED.value
                self._notify(o, NotificationKind.CREATED, due, fx)
                state[f"{owner}|f"] = fdoc
        elif kind == "p":  # restoration grace over: read the meters that have not reported
            tdoc = self._tdoc(state, owner, ref)
            if not tdoc["v"] or not tdoc["vp"] or tdoc["vp"][2] is not None:
                return
            pending = sorted(tdoc["v"])
            fx.verifications.extend((d, tdoc["vp"][0], due) for d in pending)
            self._count(state, owner, "verification_sent", fx, len(pending))
            tdoc["vp"][2] = due + self.rules.verify_timeout_s
            self._push_due(state, owner, tdoc["vp"][2], "v", ref)
            self._save_tdoc(state, owner, ref, tdoc)
        elif kind == "v":  # verification timeout: what did not answer is still out
            tdoc = self._tdoc(state, owner, ref)
            if not tdoc["vp"] or tdoc["vp"][2] is None or tdoc["vp"][2] > due:
                return
            for device in sorted(tdoc["v"]):
                self._nested(state, owner, ref, tdoc, device, due, fx)
            tdoc["v"] = {}
            tdoc["vp"] = None
            self._save_tdoc(state, owner, ref, tdoc)
        elif kind == "s":
            self._storm_summary(state, owner, due, fx)

    # ---------------------------------------------------------------- meters
    def _meters_of(self, transformer: str) -> list[str]:
        if transformer.startswith("~"):
            return [transformer[1:]]
        found = self._meters.get(transformer)
        if found is None:
            found = self._meters[transformer] = sorted(self.topology.meters_on_transformer(transformer))
        return found

    def _placement_fields(self, device_or_transformer: str, level: OutageLevel) -> dict[str, str | None]:
        if level is OutageLevel.METER:
            p = self.topology.devices.get(device_or_transformer)
            return {"transformer": p.transformer if p else None, "feeder": p.feeder if p else None,
                    "substation": p.substation if p else None}
        if level is OutageLevel.TRANSFORMER:
            feeder = self.topology.transformer_feeder.get(device_or_transformer)
            return {"transformer": device_or_transformer, "feeder": feeder,
                    "substation": self.topology.feeder_substation.get(feeder) if feeder else None}
        return {"transformer": None, "feeder": device_or_transformer,
                "substation": self.topology.feeder_substation.get(device_or_transformer)}

    def _new_outage(self, level: OutageLevel, asset: str, first: float, affected: list[str], confidence: float,
                    parent: str | None, status: OutageStatus = OutageStatus.SUSPECTED) -> dict[str, Any]:
        return {"id": outage_id(level, asset, first), "level": level.value, "asset": asset, "status": status.value,
                "first": first, "last": first, "restored": None, "affected": affected,
                "confidence": round(confidence, 3), "parent": parent, "version": 0, "notified": False,
                **self._placement_fields(asset, level)}

    def _meter_off(self, state: State, owner: str, transformer: str, tdoc: dict, s: MeterSignal, fx: Effects) -> None:
        if s.device in tdoc["out"]:
            if s.last_gasp and not tdoc["out"][s.device][1]:
                tdoc["out"][s.device][1] = True
                mo = tdoc["m"].get(s.device)
                if mo is not None and mo["confidence"] < 1.0:
                    mo["confidence"] = 1.0
            else:
                self._count(state, owner, "duplicate", fx)
            return
        tdoc["out"][s.device] = [s.at, s.last_gasp]
        o = tdoc["o"]
        if o is not None and o["status"] in ACTIVE:
            o["last"] = max(o["last"], s.at)
            if o["status"] == OutageStatus.SUSPECTED.value and s.at < o["first"]:
                self._earlier_first(state, owner, transformer, o, s.at)
            o["confidence"] = round(len(tdoc["out"]) / max(len(o["affected"]), 1), 3)
            return
        if not s.on and s.device not in tdoc["m"]:
            tdoc["m"][s.device] = self._new_outage(OutageLevel.METER, s.device, s.at, [s.device],
                                                   1.0 if s.last_gasp else 0.8, None)
            self._push_due(state, owner, s.at + self.rules.momentary_window_s, "m", f"{transformer}\x1f{s.device}")
        self._maybe_transformer_out(state, owner, transformer, tdoc, s.at, fx)

    def _earlier_first(self, state: State, owner: str, transformer: str, o: dict, first: float) -> None:
        """A late event moves a suspected outage's start back: its id and window end follow (not yet
        notified, so nobody has seen the old ones); arrival order then does not change the result."""
        self._cancel_due(state, owner, "t", transformer, o["first"] + self.rules.momentary_window_s)
        old_id = o["id"]
        o["first"] = first
        o["id"] = outage_id(OutageLevel.TRANSFORMER, transformer, first)
        self._push_due(state, owner, first + self.rules.momentary_window_s, "t", transformer)
        fdoc = state.get(f"{owner}|f")
        if fdoc is not None and transformer in fdoc["out"]:
            fdoc["out"][transformer] = first
            fo = fdoc["o"]
            if fo is not None and old_id in fo.get("children", []):
                fo["children"] = sorted({*fo["children"], o["id"]} - {old_id})
            state[f"{owner}|f"] = fdoc

    def _maybe_transformer_out(self, state: State, owner: str, transformer: str, tdoc: dict, now: float,
                               fx: Effects) -> None:
        if transformer.startswith("~"):
            return
        meters = self._meters_of(transformer)
        n = len(tdoc["out"])
        if not meters or n < self.rules.transformer_min_meters or n / len(meters) < self.rules.transformer_share:
            return
        first = min(at for at, _ in tdoc["out"].values())
        o = self._new_outage(OutageLevel.TRANSFORMER, transformer, first, list(meters), n / len(meters), None)
        o["last"] = max(at for at, _ in tdoc["out"].values())
        tdoc["o"] = o
        # Meter outages inside the window are folded into the transformer's; notified ones get a parent.
        for device, mo in sorted(tdoc["m"].items()):
            if mo["status"] == OutageStatus.SUSPECTED.value or not mo["notified"]:
                del tdoc["m"][device]
                self._cancel_due(state, owner, "m", f"{transformer}\x1f{device}",
                                 mo["first"] + self.rules.momentary_window_s)
            else:
                mo["parent"] = o["id"]
                self._notify_meter(state, owner, mo, NotificationKind.UPDATED, now, fx)
        self._push_due(state, owner, first + self.rules.momentary_window_s, "t", transformer)
        self._transformer_out(state, owner, transformer, o, now, fx)

    def _meter_on(self, state: State, owner: str, transformer: str, tdoc: dict, s: MeterSignal, fx: Effects) -> None:
        was_out = tdoc["out"].pop(s.device, None) is not None
        mo = tdoc["m"].pop(s.device, None)
        if mo is not None:
            self._cancel_due(state, owner, "m", f"{transformer}\x1f{s.device}",
                             mo["first"] + self.rules.momentary_window_s)
            if mo["status"] == OutageStatus.SUSPECTED.value:
                mo["status"] = OutageStatus.MOMENTARY.value
                mo["restored"] = s.at
                self._count(state, owner, "momentary", fx)
                self._notify_meter(state, owner, mo, NotificationKind.MOMENTARY, s.at, fx)
            elif mo["status"] == OutageStatus.SUSTAINED.value:
                mo["status"] = OutageStatus.RESTORED.value
                mo["restored"] = s.at
                self._notify_meter(state, owner, mo, NotificationKind.RESTORED, s.at, fx)
        o = tdoc["o"]
        if o is None or o["status"] not in ACTIVE:
            return
        back = o.setdefault("back", [])
        if s.device not in back and s.device in o["affected"]:
            back.append(s.device)
        if not was_out and s.device not in o["affected"]:
            return
        reported = len(back) + len(tdoc["out"])
        need = min(self.rules.transformer_min_meters, max(reported, 1))
        if len(back) < need or len(back) / max(reported, 1) < self.rules.transformer_share:
            return
        self._transformer_restored(state, owner, transformer, tdoc, s.at, fx)

    def _transformer_restored(self, state: State, owner: str, transformer: str, tdoc: dict, at: float,
                              fx: Effects) -> None:
        o = tdoc["o"]
        back = set(o.pop("back", []))
        o["restored"] = at
        o["last"] = max(o["last"], at)
        self._cancel_due(state, owner, "t", transformer, o["first"] + self.rules.momentary_window_s)
        if o["status"] == OutageStatus.SUSPECTED.value:
            o["status"] = OutageStatus.MOMENTARY.value
            self._count(state, owner, "momentary", fx)
            self._notify(o, NotificationKind.MOMENTARY, at, fx)
            # Meters still off after a momentary transformer blink are outages of their own.
            for device, (off_at, lg) in sorted(tdoc["out"].items()):
                tdoc["m"][device] = self._new_outage(OutageLevel.METER, device, off_at, [device],
                                                     1.0 if lg else 0.8, None)
                self._push_due(state, owner, off_at + self.rules.momentary_window_s, "m", f"{transformer}\x1f{device}")
        else:
            o["status"] = OutageStatus.RESTORED.value
            pending = sorted(d for d in o["affected"] if d not in back)
            self._notify(o, NotificationKind.RESTORED, at, fx)
            if pending:
                # Restores come in bursts: meters still silent after the grace period are read.
                tdoc["v"] = {d: 1 for d in pending}
                tdoc["vp"] = [o["id"], o["first"], None]
                self._push_due(state, owner, at + self.rules.verify_grace_s, "p", transformer)
            tdoc["out"] = {}
        tdoc["o"] = None
        self._transformer_back(state, owner, transformer, at, fx)

    def _verified(self, state: State, owner: str, transformer: str, tdoc: dict, s: MeterSignal, fx: Effects) -> None:
        if s.device not in tdoc["v"]:
            return
        del tdoc["v"][s.device]
        if s.on:
            self._count(state, owner, "verified_on", fx)
        else:
            self._nested(state, owner, transformer, tdoc, s.device, s.at, fx)
        if not tdoc["v"]:
            tdoc["vp"] = None
            self._cancel_due(state, owner, "p", transformer)
            self._cancel_due(state, owner, "v", transformer)

    def _nested(self, state: State, owner: str, transformer: str, tdoc: dict, device: str, at: float,
                fx: Effects) -> None:
        parent, first = (tdoc["vp"][0], tdoc["vp"][1]) if tdoc["vp"] else (None, at)
        self._count(state, owner, "nested", fx)
        mo = self._new_outage(OutageLevel.METER, device, first, [device], 0.9, parent, OutageStatus.SUSTAINED)
        mo["last"] = at
        tdoc["m"][device] = mo
        tdoc["out"][device] = [first, False]
        self._notify_meter(state, owner, mo, NotificationKind.CREATED, at, fx)

    # ---------------------------------------------------------------- feeders
    def _transformer_out(self, state: State, owner: str, transformer: str, o: dict, now: float, fx: Effects) -> None:
        feeder = self.topology.transformer_feeder.get(transformer)
        if feeder is None or feeder != owner:
            return
        fdoc = self._fdoc(state, owner)
        fdoc["out"][transformer] = o["first"]
        fo = fdoc["o"]
        if fo is not None and fo["status"] in ACTIVE:
            o["parent"] = fo["id"]
            fo["children"] = sorted(set(fo.get("children", [])) | {o["id"]})
            fo["affected"] = sorted(set(fo["affected"]) | set(o["affected"]))
            fo["last"] = max(fo["last"], o["last"])
            total = self._transformer_count(feeder) or 1
            fo["confidence"] = round(len(fdoc["out"]) / total, 3)
        else:
            total = self._transformer_count(feeder)
            n = len(fdoc["out"])
            if total and n >= self.rules.feeder_min_transformers and n / total >= self.rules.feeder_share:
                first = min(fdoc["out"].values())
                children = []
                affected: set[str] = set()
                for t in sorted(fdoc["out"]):
                    tdoc = o if t == transformer else (self._tdoc(state, owner, t)["o"])
                    if tdoc is not None:
                        children.append(tdoc)
                        affected |= set(tdoc["affected"])
                fo = self._new_outage(OutageLevel.FEEDER, feeder, first, sorted(affected), n / total, None)
                fo["last"] = max(c["last"] for c in children)
                fo["children"] = sorted(c["id"] for c in children)
                fdoc["o"] = fo
                self._push_due(state, owner, first + self.rules.momentary_window_s, "f", feeder)
                for child in children:
                    child["parent"] = fo["id"]
                    if child is not o:
                        t = child["asset"]
                        tdoc = self._tdoc(state, owner, t)
                        tdoc["o"]["parent"] = fo["id"]
                        if tdoc["o"]["status"] == OutageStatus.SUSTAINED.value:
                            self._notify(tdoc["o"], NotificationKind.UPDATED, now, fx)
                        self._save_tdoc(state, owner, t, tdoc)
        state[f"{owner}|f"] = fdoc

    def _transformer_back(self, state: State, owner: str, transformer: str, at: float, fx: Effects) -> None:
        fdoc = state.get(f"{owner}|f")
        if fdoc is None or transformer not in fdoc["out"]:
            return
        fdoc["out"].pop(transformer)
        fo = fdoc["o"]
        if fo is not None and fo["status"] in ACTIVE:
            back = fo.setdefault("back", [])
            if transformer not in back:
                back.append(transformer)
            reported = len(back) + len(fdoc["out"])
            need = min(self.rules.feeder_min_transformers, reported)
            if len(back) >= need and len(back) / reported >= self.rules.feeder_share:
                fo.pop("back", None)
                self._cancel_due(state, owner, "f", fo["asset"])
                fo["restored"] = at
                fo["last"] = max(fo["last"], at)
                if fo["status"] == OutageStatus.SUSPECTED.value:
                    fo["status"] = OutageStatus.MOMENTARY.value
                    self._count(state, owner, "momentary", fx)
                    self._notify(fo, NotificationKind.MOMENTARY, at, fx)
                else:
                    fo["status"] = OutageStatus.RESTORED.value
                    # Transformers still out stay as outages of their own, nested under this one.
                    self._notify(fo, NotificationKind.RESTORED, at, fx)
                fdoc["o"] = None
        self._save_fdoc(state, owner, fdoc)

    @staticmethod
    def _save_fdoc(state: State, owner: str, fdoc: dict) -> None:
        key = f"{owner}|f"
        if not fdoc["out"] and fdoc["o"] is None and not fdoc["storm"] and not fdoc["sc"]:
            if key in state:
                del state[key]
        else:
            state[key] = fdoc

    # ---------------------------------------------------------------- storm mode
    def _rate(self, state: State, owner: str, at: float, fx: Effects) -> None:
        fdoc = self._fdoc(state, owner)
        minute = int(at // 60)
        bucket, n = fdoc["rate"]
        if minute != bucket:
            bucket, n = minute, 0
        n += 1
        fdoc["rate"] = [bucket, n]
        if not fdoc["storm"] and n >= self.rules.storm_events_per_min:
            fdoc["storm"] = True
            fdoc["storm_since"] = at
            fdoc["quiet"] = 0
            self._count(state, owner, "storm_started", fx)
            self._push_due(state, owner, at + self.rules.summary_interval_s, "s", owner)
        state[f"{owner}|f"] = fdoc

    def _notify_meter(self, state: State, owner: str, o: dict, kind: NotificationKind, at: float,
                      fx: Effects) -> None:
        """Meter-level news goes out one by one, except in a storm, where summaries carry it."""
        fdoc = state.get(f"{owner}|f")
        if fdoc is not None and fdoc["storm"]:
            sc = fdoc["sc"]
            sc[kind.value] = sc.get(kind.value, 0) + 1
            if kind is NotificationKind.CREATED:
                o["held"] = True
            elif o.get("held") or kind is NotificationKind.MOMENTARY:
                o["held"] = False
            o["version"] += 1
            state[f"{owner}|f"] = fdoc
            self._count(state, owner, "held_in_storm", fx)
            return
        self._notify(o, kind, at, fx)

    def _storm_summary(self, state: State, owner: str, at: float, fx: Effects) -> None:
        fdoc = self._fdoc(state, owner)
        if not fdoc["storm"]:
            return
        bucket, n = fdoc["rate"]
        recent = n if bucket >= int(at // 60) - 1 else 0
        meters_out = 0
        meter_outages = 0
        transformers_out = []
        for key in self._tdoc_keys(state, owner):
            doc = state[key]
            meters_out += len(doc["out"])
            meter_outages += sum(1 for m in doc["m"].values() if m["status"] in ACTIVE)
            if doc["o"] is not None and doc["o"]["status"] in ACTIVE:
                transformers_out.append(doc["o"]["id"])
        summary = {"id": f"storm:{owner}:{int(fdoc['storm_since'] * 1000)}", "owner": owner, "at": iso(at),
                   "since": iso(fdoc["storm_since"]), "events_last_minute": recent, "meters_out": meters_out,
                   "meter_outages_open": meter_outages, "transformer_outages": sorted(transformers_out),
                   "feeder_outage": fdoc["o"]["id"] if fdoc["o"] is not None else None,
                   "held": dict(sorted(fdoc["sc"].items())), "sequence": fdoc.get("seq", 0) + 1}
        fdoc["seq"] = summary["sequence"]
        fdoc["sc"] = {}
        fx.notifications.append({"event": NotificationKind.STORM_SUMMARY.value, "id": summary["id"],
                                 "idempotency_key": f"{summary['id']}:{summary['sequence']}", "at": iso(at),
                                 "summary": summary})
        if recent < self.rules.storm_events_per_min // 2:
            fdoc["quiet"] = fdoc.get("quiet", 0) + 1
        else:
            fdoc["quiet"] = 0
        if fdoc["quiet"] >= 2:  # two quiet summaries: the storm is over, held outages go out one by one
            fdoc["storm"] = False
            fdoc.pop("storm_since", None)
            fdoc.pop("quiet", None)
            self._count(state, owner, "storm_ended", fx)
            self._save_fdoc(state, owner, fdoc)
            for key in self._tdoc_keys(state, owner):
                doc = state[key]
                for mo in doc["m"].values():
                    if mo.get("held") and mo["status"] == OutageStatus.SUSTAINED.value:
                        mo["held"] = False
                        self._notify(mo, NotificationKind.CREATED, at, fx)
                state[key] = doc
            return
        state[f"{owner}|f"] = fdoc
        self._push_due(state, owner, at + self.rules.summary_interval_s, "s", owner)

    # ---------------------------------------------------------------- notifications
    @staticmethod
    def _notify(o: dict, kind: NotificationKind, at: float, fx: Effects) -> None:
        o["version"] += 1
        o["notified"] = True
        record = {k: v for k, v in o.items() if k not in ("notified", "back", "held")}
        for k in ("first", "last", "restored"):
            record[k] = iso(record[k])
        fx.notifications.append({"event": kind.value, "id": o["id"], "idempotency_key": f"{o['id']}:{o['version']}",
                                 "at": iso(at), "outage": record})


def power_facts(events: Iterable[EndDeviceEvent], vendor_of) -> list[tuple[str, CanonicalEvent, float]]:
    """(device, meaning, event time) of the power events among ``events``; others are skipped."""
    out = []
    for ev in events:
        device = ev.endDeviceMRID
        if not device:
            continue
        meaning = canonical_power_fact(ev, vendor_of(device))
        if meaning is not None:
            out.append((device, meaning, ev.createdDateTime.timestamp()))
    return out


def devices_in_outage(state: State, owner: str) -> set[str]:
    """Meters of one owner that are in an active outage now, from detector state (see also the store)."""
    out: set[str] = set()
    for key in OutageDetector._tdoc_keys(state, owner):
        doc = state[key]
        out.update(doc["out"])
        o = doc["o"]
        if o is not None and o["status"] == OutageStatus.SUSTAINED.value:
            out.update(o["affected"])
    return out


__all__ = [
    "ACTIVE", "Effects", "IEEE_1366_MOMENTARY_S", "MeterSignal", "NotificationKind", "OutageDetector",
    "OutageLevel", "OutageRules", "OutageStatus", "canonical_power_fact", "device_signal", "devices_in_outage",
    "iso", "outage_id", "owner_of", "power_facts",
]
