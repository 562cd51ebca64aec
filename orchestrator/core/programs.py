"""Demand-response programs: what an operator may ask of enrolled devices, and within which limits.

A program is data (``programs/*.yaml``) checked by the pydantic model below, so a wrong file is
refused with the file, the field and the reason before any event uses it. Campaign constraints
(``core.campaigns``) read the limits; the dispatcher reads the control codes and the
acknowledgement policy.

Interpretation: IEC 61968-9 has no dedicated kW field in ``EndDeviceControl``. DER active-power
limits per device are sent as ``PanDemandResponse.avgLoadAdjustment`` = limit % of the rated
power − 100 (a negative adjustment), the way PAN load-control devices express curtailment.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterable, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator, model_validator

from orchestrator.core.topology import DeviceKind
from orchestrator.iec.codes import default_registry

PROGRAM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CODE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


class ProgramKind(str, Enum):
    LOAD_CONTROL = "load_control"  # AC cycling, water-heater shed
    PRICE = "price"  # critical-peak pricing
    DER_SETPOINT = "der_setpoint"  # export limit / active-power setpoint
    EV_CHARGING = "ev_charging"  # managed charging
    CONNECT_DISCONNECT = "connect_disconnect"  # remote switch


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ControlCodes(_Model):
    """The EndDeviceControlType codes (4-part ``type.domain.subdomain.event``) the program sends."""

    start: str = Field(description="code of the control that starts the event, e.g. 16.15.0.54")
    cancel: str = Field(description="code of the control that cancels or restores, e.g. 16.15.43.8")

    @field_validator("start", "cancel")
    @classmethod
    def _known_control(cls, code: str) -> str:
        if not CODE.match(code):
            raise ValueError(f"{code!r} is not a 4-part EndDeviceControlType code (type.domain.subdomain.event)")
        if _registry().lookup(code, "control") is None:
            raise ValueError(f"{code!r} is not an EndDeviceControlType in the IEC 61968-9 code list")
        return code


# A wall-clock time without offset (the zone is beside it): JSON Schema's "time" format is RFC 3339
# full-time, which requires an offset, so the document says what is really sent.
LocalTime = Annotated[time, WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
                                            "description": "local time of day, HH:MM[:SS[.ffffff]], no offset"})]


class AllowedHours(_Model):
    """Local hours (in ``timezone``) an event must lie within, e.g. 12:00–20:00 America/Los_Angeles."""

    start: LocalTime
    end: LocalTime
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}") from None
        return name

    @model_validator(mode="after")
    def _order(self) -> "AllowedHours":
        if self.end <= self.start:
            raise ValueError(f"allowed hours end {self.end:%H:%M} must be after start {self.start:%H:%M}")
        return self

    def contains(self, start: datetime, end: datetime) -> bool:
        zone = ZoneInfo(self.timezone)
        s, e = start.astimezone(zone), end.astimezone(zone)
        if s.date() != e.date() and not (e.time() == time(0) and e.date() == s.date() + timedelta(days=1)):
            return False
        end_t = time.max if e.time() == time(0) and e.date() != s.date() else e.time()
        return self.start <= s.time() and end_t <= self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M} {self.timezone}"


class Season(_Model):
    """The season events are counted in, as month-day bounds (may wrap the year, e.g. 11-01 to 03-31)."""

    start: str = Field(pattern=r"^\d\d-\d\d$")
    end: str = Field(pattern=r"^\d\d-\d\d$")

    @field_validator("start", "end")
    @classmethod
    def _real_day(cls, md: str) -> str:
        try:
            date(2024, int(md[:2]), int(md[3:]))
        except ValueError:
            raise ValueError(f"{md!r} is not a month-day (MM-DD)") from None
        return md

    def bounds(self, at: datetime) -> tuple[datetime, datetime]:
        """The season containing ``at`` as [start, end) in UTC; raises ValueError if ``at`` is outside."""
        tz = at.tzinfo
        sm, sd, em, ed = int(self.start[:2]), int(self.start[3:]), int(self.end[:2]), int(self.end[3:])
        for year in (at.year - 1, at.year):
            start = datetime(year, sm, sd, tzinfo=tz)
            end_year = year if (em, ed) >= (sm, sd) else year + 1
            end = datetime(end_year, em, ed, tzinfo=tz) + timedelta(days=1)
            if start <= at < end:
                return start, end
        raise ValueError(f"{at:%Y-%m-%d} is outside the season {self.start}–{self.end}")


class Limits(_Model):
    max_duration_minutes: int = Field(gt=0, description="longest event")
    min_duration_minutes: int = Field(1, gt=0, description="shortest event")
    max_events_per_season: int | None = Field(None, gt=0)
    season: Season | None = None
    min_notice_minutes: int = Field(0, ge=0, description="least time between creating an event and its start")
    allowed_hours: AllowedHours | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Limits":
        if self.min_duration_minutes > self.max_duration_minutes:
            raise ValueError("min_duration_minutes is larger than max_duration_minutes")
        if self.max_events_per_season is not None and self.season is None:
            raise ValueError("max_events_per_season needs a season")
        return self


class Randomisation(_Model):
    """Per-device random offsets (minutes) added to start and end, reproducible from the campaign id."""

    start_minutes: int = Field(0, ge=0, le=120)
    end_minutes: int = Field(0, ge=0, le=120)


class Acknowledgement(_Model):
    """How long to wait for the head-end's reply and the device's confirmation, and how to retry."""

    reply_timeout_s: int = Field(60, gt=0)
    confirmation_timeout_s: int = Field(300, gt=0)
    retries: int = Field(2, ge=0, le=10)
    backoff_s: int = Field(30, gt=0)
    backoff_factor: float = Field(2.0, ge=1.0)

    def retry_delay(self, attempt: int) -> timedelta | None:
        """Delay before retry number ``attempt`` (1-based); None when the limit is reached."""
        if attempt < 1 or attempt > self.retries:
            return None
        return timedelta(seconds=self.backoff_s * self.backoff_factor ** (attempt - 1))


class Ramp(_Model):
    """Staggered dispatch against rebound: ``step_devices`` devices every ``step_interval_s`` seconds."""

    step_devices: int = Field(gt=0)
    step_interval_s: int = Field(gt=0)


class LoadControl(_Model):
    cycling_percent: int | None = Field(None, ge=1, le=100, description="duty cycle off-share for AC cycling")
    criticality_level: str | None = None


class PriceTier(_Model):
    level: int = Field(ge=0, le=15)
    name: str
    price: float = Field(ge=0, description="price signal, currency per kWh")


class Price(_Model):
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    tiers: tuple[PriceTier, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_levels(self) -> "Price":
        levels = [t.level for t in self.tiers]
        if len(set(levels)) != len(levels):
            raise ValueError("price tier levels must be unique")
        return self

    def tier(self, level: int) -> PriceTier:
        for t in self.tiers:
            if t.level == level:
                return t
        raise KeyError(level)


class DerSetpoint(_Model):
    mode: Literal["export_limit", "active_power_setpoint"]
    default_percent: float = Field(ge=0, le=100, description="limit as % of the device's rated power")
    dispatch_via: Literal["device", "der_group"] = "device"


class EvCharging(_Model):
    max_charge_percent: float = Field(ge=0, le=100, description="allowed charging power, % of rated")


class Program(_Model):
    """One program definition (one YAML file)."""

    id: str
    name: str
    kind: ProgramKind
    description: str = ""
    device_kinds: tuple[DeviceKind, ...] = Field(min_length=1)
    controls: ControlCodes
    priority: int = Field(5, ge=0, le=100, description="higher wins where events overlap on a device")
    mandatory: bool = False
    opt_out_allowed: bool = True
    limits: Limits
    randomisation: Randomisation = Randomisation()
    acknowledgement: Acknowledgement = Acknowledgement()
    ramp: Ramp | None = None
    load_control: LoadControl | None = None
    price: Price | None = None
    der: DerSetpoint | None = None
    ev: EvCharging | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not PROGRAM_ID.match(v):
            raise ValueError(f"program id {v!r} must be lower-case letters, digits and '-' (e.g. ac-cycling)")
        return v

    @model_validator(mode="after")
    def _kind_section(self) -> "Program":
        needed = {ProgramKind.PRICE: "price", ProgramKind.DER_SETPOINT: "der", ProgramKind.EV_CHARGING: "ev"}
        section = needed.get(self.kind)
        if section and getattr(self, section) is None:
            raise ValueError(f"a {self.kind.value} program needs a '{section}' section")
        if self.mandatory and self.opt_out_allowed:
            raise ValueError("a mandatory program cannot allow opt-out")
        return self


_REGISTRY = None


def _registry():
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = default_registry()
    return _REGISTRY


class ProgramFileError(ValueError):
    """A program file that cannot be used; ``str()`` is one line per problem naming file and field."""

    def __init__(self, path: Path | None, problems: list[str]):
        self.lines = [f"{path}: {p}" for p in problems] if path is not None else list(problems)
        super().__init__("\n".join(self.lines))


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(file)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{where}: {msg}")
    return out


def load_program(path: Path) -> Program:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ProgramFileError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    except OSError as exc:
        raise ProgramFileError(path, [f"cannot read: {exc.strerror}"]) from None
    if not isinstance(data, dict):
        raise ProgramFileError(path, ["expected a mapping of program fields"])
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        raise ProgramFileError(path, _problems(exc)) from None
    if program.id != path.stem:
        raise ProgramFileError(path, [f"id: {program.id!r} does not match the file name {path.stem!r}"])
    return program


def load_programs(paths: Iterable[Path]) -> dict[str, Program]:
    """Programs by id from files (directories are searched for ``*.yaml``); all problems raised at once."""
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    programs: dict[str, Program] = {}
    errors: list[ProgramFileError] = []
    for f in files:
        try:
            program = load_program(f)
        except ProgramFileError as exc:
            errors.append(exc)
            continue
        if program.id in programs:
            errors.append(ProgramFileError(f, [f"id: {program.id!r} is defined twice"]))
        programs[program.id] = program
    if errors:
        raise ProgramFileError(None, [line for e in errors for line in e.lines]) from None
    return programs
