"""Network topology and enrolment as the core sees it: who is where, behind which head-end.

A ``TopologyView`` is an immutable snapshot (valid at one instant) that targeting, dispatch and
outage inference read without touching the store. The store builds it (``store.topology``);
master-data changes build a new one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum


class DeviceKind(str, Enum):
    METER = "meter"
    THERMOSTAT = "thermostat"  # AC cycling via load control switch or smart thermostat
    LOAD_CONTROL_SWITCH = "load_control_switch"
    WATER_HEATER = "water_heater"
    EV_CHARGER = "ev_charger"
    DER = "der"  # inverter-based PV / battery


class TargetKind(str, Enum):
    """How an event names its targets: ``kind:id`` on the CLI, e.g. ``feeder:F12``."""

    DEVICE = "device"
    GROUP = "group"
    USAGE_POINT_GROUP = "usage_point_group"
    TRANSFORMER = "transformer"
    FEEDER = "feeder"
    SUBSTATION = "substation"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: str

    @classmethod
    def parse(cls, text: str) -> "Target":
        kind, sep, ident = text.partition(":")
        if not sep or not ident:
            raise ValueError(f"target {text!r} must be KIND:ID, e.g. feeder:F12")
        try:
            return cls(TargetKind(kind), ident)
        except ValueError:
            known = ", ".join(k.value for k in TargetKind)
            raise ValueError(f"unknown target kind {kind!r}; known: {known}") from None

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True)
class DevicePlacement:
    """Where one end device sits now: its usage point up to the substation, and its head-end."""

    device: str
    kind: DeviceKind
    headend: str | None
    vendor: str | None
    usage_point: str | None
    transformer: str | None
    feeder: str | None
    substation: str | None
    customer: str | None = None
    agreement: str | None = None
    rated_kw: float | None = None
    programs: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()


@dataclass
class TopologyView:
    """A snapshot of placements with the indexes targeting and outage grouping need."""

    devices: dict[str, DevicePlacement] = field(default_factory=dict)
    transformer_feeder: dict[str, str] = field(default_factory=dict)
    feeder_substation: dict[str, str] = field(default_factory=dict)
    usage_point_groups: dict[str, frozenset[str]] = field(default_factory=dict)  # group -> usage points

    def __post_init__(self) -> None:
        self._by: dict[TargetKind, dict[str, list[str]]] = {k: defaultdict(list) for k in TargetKind}
        self._by_usage_point: dict[str, list[str]] = defaultdict(list)
        for d in self.devices.values():
            self._index(d)

    def _index(self, d: DevicePlacement) -> None:
        if d.transformer:
            self._by[TargetKind.TRANSFORMER][d.transformer].append(d.device)
        if d.feeder:
            self._by[TargetKind.FEEDER][d.feeder].append(d.device)
        if d.substation:
            self._by[TargetKind.SUBSTATION][d.substation].append(d.device)
        for g in d.groups:
            self._by[TargetKind.GROUP][g].append(d.device)
        if d.usage_point:
            self._by_usage_point[d.usage_point].append(d.device)

    def add(self, placement: DevicePlacement) -> None:
        self.devices[placement.device] = placement
        self._index(placement)

    def resolve(self, target: Target) -> list[str]:
        """Device mRIDs a target names, in a stable order; unknown ids raise KeyError."""
        if target.kind is TargetKind.DEVICE:
            if target.id not in self.devices:
                raise KeyError(f"unknown device {target.id}")
            return [target.id]
        if target.kind is TargetKind.USAGE_POINT_GROUP:
            if target.id not in self.usage_point_groups:
                raise KeyError(f"unknown usage point group {target.id}")
            return sorted(d for up in self.usage_point_groups[target.id] for d in self._by_usage_point.get(up, ()))
        found = self._by[target.kind].get(target.id)
        if not found and not self._known_asset(target):
            raise KeyError(f"unknown {target.kind.value} {target.id}")
        return sorted(found or ())

    def _known_asset(self, target: Target) -> bool:
        if target.kind is TargetKind.TRANSFORMER:
            return target.id in self.transformer_feeder
        if target.kind is TargetKind.FEEDER:
            return target.id in self.feeder_substation
        if target.kind is TargetKind.SUBSTATION:
            return target.id in set(self.feeder_substation.values())
        return False

    def devices_at_usage_point(self, usage_point: str) -> list[str]:
        """Devices installed at a usage point (its meter and what sits behind it), sorted."""
        return sorted(self._by_usage_point.get(usage_point, ()))

    def meters_on_transformer(self, transformer: str) -> list[str]:
        return [d for d in self._by[TargetKind.TRANSFORMER].get(transformer, ())
                if self.devices[d].kind is DeviceKind.METER]

    def transformers_on_feeder(self, feeder: str) -> list[str]:
        return sorted(t for t, f in self.transformer_feeder.items() if f == feeder)

    def eligible(self, device: str, program: str) -> bool:
        """Enrolled in the program now (a switched-away customer's enrolment has ended)."""
        placement = self.devices.get(device)
        return placement is not None and program in placement.programs
