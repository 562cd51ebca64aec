"""Events (campaigns): their life cycle, the program constraints they must meet, their targets.

Campaign states: ``DRAFT → SCHEDULED → DISPATCHING → ACTIVE → ENDING → COMPLETED``, or
``CANCELLED`` from any state before ``ENDING``. Constraint checks return every violation with a
text an operator can act on; targets are resolved against the ``TopologyView`` at dispatch time
so a customer who switched away after the event was created is skipped, never dispatched.
Per-device random offsets come from a hash of the campaign id and the device, so a restart or a
replay dispatches the same times.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Iterable

from orchestrator.core.programs import Program, ProgramKind, Randomisation
from orchestrator.core.topology import Target, TargetKind, TopologyView


class CampaignState(str, Enum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    DISPATCHING = "DISPATCHING"
    ACTIVE = "ACTIVE"
    ENDING = "ENDING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


C = CampaignState
CAMPAIGN_TRANSITIONS: dict[CampaignState, frozenset[CampaignState]] = {
    C.DRAFT: frozenset({C.SCHEDULED, C.CANCELLED}),
    C.SCHEDULED: frozenset({C.DISPATCHING, C.CANCELLED}),
    C.DISPATCHING: frozenset({C.ACTIVE, C.CANCELLED}),
    C.ACTIVE: frozenset({C.ENDING, C.CANCELLED}),
    C.ENDING: frozenset({C.COMPLETED}),
    C.COMPLETED: frozenset(),
    C.CANCELLED: frozenset(),
}
MODIFIABLE = frozenset({C.DRAFT, C.SCHEDULED})
CANCELLABLE = frozenset({C.DRAFT, C.SCHEDULED, C.DISPATCHING, C.ACTIVE})
COUNTS_FOR_SEASON = frozenset(set(C) - {C.CANCELLED, C.DRAFT})


class InvalidCampaignTransition(ValueError):
    """E.g. modifying an event that already started, or cancelling a completed one."""


@dataclass(frozen=True)
class Campaign:
    id: str
    program: str
    targets: tuple[str, ...]
    start: datetime
    end: datetime
    state: CampaignState = C.DRAFT
    priority: int = 5
    level: int | None = None  # drProgramLevel; the price tier for price programs
    setpoint_percent: float | None = None  # DER / EV limit, % of rated power
    reason: str = ""
    created_by: str = "operator"
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def transition(self, to: CampaignState, at: datetime) -> "Campaign":
        if to is self.state:
            return self
        if to not in CAMPAIGN_TRANSITIONS[self.state]:
            raise InvalidCampaignTransition(f"event {self.id} is {self.state.value}; it cannot become {to.value}")
        return replace(self, state=to, updated_at=at)

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class ConstraintViolation:
    """One broken program rule. ``code`` is stable for clients; ``text`` is for people."""

    code: str
    text: str


class EventRejected(ValueError):
    """An event that breaks program constraints; ``violations`` lists every one."""

    def __init__(self, violations: list[ConstraintViolation]):
        self.violations = violations
        super().__init__("; ".join(v.text for v in violations))


@dataclass(frozen=True)
class Overlap:
    """Another event that overlaps in time and shares devices with the one being checked."""

    campaign: str
    program: str
    priority: int
    devices: int
    example: str


def _minutes(td: timedelta) -> str:
    m = td.total_seconds() / 60
    return f"{m:.0f} min" if m == int(m) else f"{m:.1f} min"


def check_constraints(program: Program, campaign: Campaign, *, now: datetime, season_events: int = 0,
                      overlaps: Iterable[Overlap] = ()) -> list[ConstraintViolation]:
    """Every program rule the event breaks (empty when it may be scheduled).

    ``season_events`` counts the program's other non-cancelled events in the season of this one;
    ``overlaps`` are other events sharing devices in an overlapping window (the store finds them).
    """
    out: list[ConstraintViolation] = []
    lim, pid = program.limits, program.id
    if campaign.end <= campaign.start:
        return [ConstraintViolation("end_before_start", f"event end {campaign.end.isoformat()} must be after its "
                                                         f"start {campaign.start.isoformat()}")]
    if not campaign.targets:
        out.append(ConstraintViolation("no_targets", "an event needs at least one target"))
    duration = campaign.duration
    if duration > timedelta(minutes=lim.max_duration_minutes):
        out.append(ConstraintViolation("too_long", f"event lasts {_minutes(duration)}; program {pid} allows at most "
                                                   f"{lim.max_duration_minutes} min"))
    if duration < timedelta(minutes=lim.min_duration_minutes):
        out.append(ConstraintViolation("too_short", f"event lasts {_minutes(duration)}; program {pid} needs at least "
                                                    f"{lim.min_duration_minutes} min"))
    notice = campaign.start - now
    if notice < timedelta(minutes=lim.min_notice_minutes):
        when = f"starts in {_minutes(notice)}" if notice >= timedelta(0) else f"started {_minutes(-notice)} ago"
        out.append(ConstraintViolation("not_enough_notice", f"event {when}; program {pid} needs at least "
                                                            f"{lim.min_notice_minutes} min notice"))
    if lim.allowed_hours is not None and not lim.allowed_hours.contains(campaign.start, campaign.end):
        out.append(ConstraintViolation(
            "outside_allowed_hours", f"event {campaign.start.isoformat()} to {campaign.end.isoformat()} is outside "
                                     f"program {pid}'s allowed hours {lim.allowed_hours}"))
    if lim.season is not None:
        try:
            lim.season.bounds(campaign.start)
        except ValueError:
            out.append(ConstraintViolation("outside_season", f"event on {campaign.start:%Y-%m-%d} is outside program "
                                                             f"{pid}'s season {lim.season.start} to {lim.season.end}"))
        else:
            if lim.max_events_per_season is not None and season_events >= lim.max_events_per_season:
                out.append(ConstraintViolation(
                    "too_many_this_season", f"program {pid} allows {lim.max_events_per_season} events per season "
                                            f"and {season_events} are already scheduled or done this season"))
    if program.kind is ProgramKind.PRICE:
        assert program.price is not None
        levels = [t.level for t in program.price.tiers]
        if campaign.level is None or campaign.level not in levels:
            out.append(ConstraintViolation("unknown_price_level", f"price level {campaign.level} is not a tier of "
                                                                  f"program {pid} (tiers: "
                                                                  f"{', '.join(map(str, levels))})"))
    if program.der is not None and program.der.dispatch_via == "der_group":
        others = [t for t in campaign.targets if not t.startswith("group:")]
        if others:
            out.append(ConstraintViolation(
                "der_group_targets", f"program {pid} dispatches per DER group; targets must be group:NAME, "
                                     f"not {', '.join(others)}"))
    for o in overlaps:
        if o.priority >= campaign.priority:
            out.append(ConstraintViolation(
                "overlapping_event", f"{o.devices} device(s), e.g. {o.example}, are already in overlapping event "
                                     f"{o.campaign} (program {o.program}, priority {o.priority}, not lower than "
                                     f"this event's {campaign.priority})"))
    return out


def season_window(program: Program, at: datetime) -> tuple[datetime, datetime] | None:
    """The [start, end) of the program's season containing ``at``, or None (no season / outside it)."""
    if program.limits.season is None:
        return None
    try:
        return program.limits.season.bounds(at)
    except ValueError:
        return None


def parse_targets(texts: Iterable[str]) -> tuple[Target, ...]:
    """``kind:id`` strings to targets; raises ValueError with the offending text."""
    return tuple(Target.parse(t) for t in texts)


@dataclass
class Resolution:
    """Devices an event reaches at dispatch time, and the ones it must skip with the reason."""

    eligible: list[str] = field(default_factory=list)
    ineligible: dict[str, str] = field(default_factory=dict)
    in_outage: list[str] = field(default_factory=list)


def resolve_targets(view: TopologyView, program: Program, targets: Iterable[Target], *,
                    in_outage: frozenset[str] | set[str] = frozenset()) -> Resolution:
    """Resolve targets to devices in the view.

    Devices of a kind the program does not control are left out when reached through an area
    or group (a feeder's meters are not AC-cycling targets); named directly they are skipped
    as ineligible. Devices of the right kind that are not enrolled now are skipped as
    ineligible, and enrolled devices in an active outage are skipped as such. Unknown targets
    raise KeyError.
    """
    kinds = set(program.device_kinds)
    seen: set[str] = set()
    res = Resolution()
    for target in targets:
        for device in view.resolve(target):
            if device in seen:
                continue
            placement = view.devices[device]
            if placement.kind not in kinds:
                if target.kind is TargetKind.DEVICE:
                    seen.add(device)
                    res.ineligible[device] = f"device kind {placement.kind.value} is not controlled by {program.id}"
                continue
            seen.add(device)
            if program.id not in placement.programs:
                res.ineligible[device] = f"not enrolled in {program.id}"
            elif device in in_outage:
                res.in_outage.append(device)
            else:
                res.eligible.append(device)
    res.eligible.sort()
    return res


def device_offsets(campaign_id: str, device: str, randomisation: Randomisation) -> tuple[int, int]:
    """Seconds to add to the start and end for this device: uniform in the program's windows and
    the same on every run (BLAKE2b of campaign id and device, not a process-seeded RNG)."""
    if not randomisation.start_minutes and not randomisation.end_minutes:
        return 0, 0
    digest = hashlib.blake2b(f"{campaign_id}\x00{device}".encode(), digest_size=8).digest()
    a, b = int.from_bytes(digest[:4], "big"), int.from_bytes(digest[4:], "big")
    return a % (randomisation.start_minutes * 60 + 1), b % (randomisation.end_minutes * 60 + 1)
