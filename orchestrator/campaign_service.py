"""The operator's use cases for events: create, modify, cancel, read. REST and CLI call these.

Commands are pydantic models (``CreateEvent``, ``ModifyEvent``) so the REST layer validates them
at the door and the OpenAPI document is generated from them. Program constraints are checked
here with the store's counts (events this season, overlapping events on the same devices), so an
event that breaks one is never stored.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from orchestrator.core.campaigns import (
    CANCELLABLE,
    MODIFIABLE,
    Campaign,
    CampaignState,
    ConstraintViolation,
    EventRejected,
    InvalidCampaignTransition,
    Overlap,
    check_constraints,
    parse_targets,
    resolve_targets,
    season_window,
)
from orchestrator.core.programs import Program
from orchestrator.core.topology import TopologyView
from orchestrator.dispatcher import Dispatcher, TopologyLoader
from orchestrator.logs import get_logger
from orchestrator.scheduler import CampaignScheduler
from orchestrator.store.campaigns import CampaignStore, campaign_dict
from orchestrator.store import dispatch_view
from orchestrator.store.models import utcnow

log = get_logger(__name__)


class NotFound(LookupError):
    """An unknown event or program (HTTP 404)."""


class CreateEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(description="program id, e.g. ac-cycling")
    targets: list[str] = Field(min_length=1, description="kind:id, e.g. feeder:F12, group:north, device:M1")
    start: AwareDatetime = Field(description="event start, ISO 8601 with offset")
    end: AwareDatetime | None = Field(None, description="event end; or give duration_minutes")
    duration_minutes: int | None = Field(None, gt=0)
    priority: int | None = Field(None, ge=0, le=100, description="default: the program's priority")
    level: int | None = Field(None, ge=0, le=15, description="drProgramLevel; the price tier for price programs")
    setpoint_percent: float | None = Field(None, ge=0, le=100, description="DER/EV limit, % of rated power")
    reason: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _one_end(self) -> "CreateEvent":
        if (self.end is None) == (self.duration_minutes is None):
            raise ValueError("give exactly one of end and duration_minutes")
        self.end_at  # noqa: B018 (a duration running off the calendar is refused here, as bad input)
        return self

    @property
    def end_at(self) -> datetime:
        return self.end or _after(self.start, self.duration_minutes or 0)


def _after(start: datetime, duration: timedelta | int) -> datetime:
    """``start`` plus ``duration`` (minutes when an int); past year 9999 is bad input, not a crash."""
    try:
        return start + (timedelta(minutes=duration) if isinstance(duration, int) else duration)
    except OverflowError:
        raise ValueError("the event would end past the end of the calendar (year 9999)") from None


class ModifyEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[str] | None = Field(None, min_length=1)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    duration_minutes: int | None = Field(None, gt=0)
    priority: int | None = Field(None, ge=0, le=100)
    level: int | None = Field(None, ge=0, le=15)
    setpoint_percent: float | None = Field(None, ge=0, le=100)
    reason: str | None = Field(None, max_length=500)


class CancelEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=500)


class EventService:
    def __init__(self, store: CampaignStore, programs: dict[str, Program], topology: TopologyLoader,
                 dispatcher: Dispatcher, scheduler: CampaignScheduler | None,
                 clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.programs = programs
        self.topology = topology
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.clock = clock

    def program(self, program_id: str) -> Program:
        try:
            return self.programs[program_id]
        except KeyError:
            raise NotFound(f"unknown program {program_id!r}; known: {', '.join(sorted(self.programs))}") from None

    async def get(self, campaign_id: str) -> Campaign:
        c = await self.store.get(campaign_id)
        if c is None:
            raise NotFound(f"unknown event {campaign_id}")
        return c

    async def _violations(self, program: Program, c: Campaign, view: TopologyView) -> list[ConstraintViolation]:
        try:
            targets = parse_targets(c.targets)
            mine = set(resolve_targets(view, program, targets).eligible)
        except (KeyError, ValueError) as exc:
            return [ConstraintViolation("unknown_target", str(exc).strip("'\""))]
        season = season_window(program, c.start)
        count = await self.store.season_count(program.id, *season, exclude=c.id) if season else 0
        overlaps = []
        for other in await self.store.overlapping(c.start, c.end, exclude=c.id):
            other_program = self.programs.get(other.program)
            if other_program is None:
                continue
            try:
                theirs = set(resolve_targets(view, other_program, parse_targets(other.targets)).eligible)
            except (KeyError, ValueError):
                continue
            shared = mine & theirs
            if shared:
                overlaps.append(Overlap(other.id, other.program, other.priority, len(shared), min(shared)))
        return check_constraints(program, c, now=self.clock(), season_events=count, overlaps=overlaps)

    async def create(self, cmd: CreateEvent, actor: str = "operator") -> Campaign:
        program = self.program(cmd.program)
        now = self.clock()
        c = Campaign(id=f"ev-{uuid.uuid4().hex[:12]}", program=program.id, targets=tuple(cmd.targets),
                     start=cmd.start, end=cmd.end_at, priority=cmd.priority if cmd.priority is not None
                     else program.priority, level=cmd.level, setpoint_percent=cmd.setpoint_percent,
                     reason=cmd.reason, created_by=actor, created_at=now, updated_at=now)
        violations = await self._violations(program, c, await self.topology())
        if violations:
            raise EventRejected(violations)
        c = c.transition(CampaignState.SCHEDULED, now)
        await self.store.create(c, actor, {"state": c.state.value, "program": c.program, "targets": list(c.targets)})
        if self.scheduler is not None:
            self.scheduler.schedule(c, program)
        return c

    async def modify(self, campaign_id: str, cmd: ModifyEvent, actor: str = "operator") -> Campaign:
        c = await self.get(campaign_id)
        if c.state not in MODIFIABLE:
            raise InvalidCampaignTransition(f"event {c.id} is {c.state.value}; only a scheduled event can be modified")
        program = self.program(c.program)
        changes: dict[str, Any] = {k: v for k, v in cmd.model_dump(exclude_unset=True).items() if v is not None}
        start = changes.pop("start", c.start)
        if "end" in changes and "duration_minutes" in changes:
            raise ValueError("give at most one of end and duration_minutes")
        if "duration_minutes" in changes:
            end = _after(start, changes.pop("duration_minutes"))
        else:
            end = changes.pop("end", None) or _after(start, c.end - c.start)
        if "targets" in changes:
            changes["targets"] = tuple(changes["targets"])
        now = self.clock()
        new = Campaign(**{**c.__dict__, **changes, "start": start, "end": end, "updated_at": now})
        violations = await self._violations(program, new, await self.topology())
        if violations:
            raise EventRejected(violations)
        await self.store.save(new, expected=c.state, actor=actor, action="modify",
                              detail={"changes": {k: str(v) for k, v in cmd.model_dump(exclude_unset=True).items()}})
        if self.scheduler is not None:
            self.scheduler.schedule(new, program)
        return new

    async def cancel(self, campaign_id: str, cmd: CancelEvent, actor: str = "operator") -> Campaign:
        c = await self.get(campaign_id)
        if c.state not in CANCELLABLE:
            raise InvalidCampaignTransition(f"event {c.id} is {c.state.value}; it can no longer be cancelled")
        if self.scheduler is not None:
            self.scheduler.unschedule(c.id)
        return await self.dispatcher.cancel(c.id, actor, cmd.reason)

    async def describe(self, c: Campaign) -> dict[str, Any]:
        """The event with its rollup (counts per dispatch state, derived from the records)."""
        # Replies and confirmations live in the correlation engine's table: read both.
        rollup = await dispatch_view.rollup(self.store.sessions, c.id)
        program = self.programs.get(c.program)
        d = campaign_dict(c)
        d["rollup"] = rollup
        d["devices"] = sum(rollup.values())
        if program and program.price and c.level is not None:
            try:
                d["price_signal"] = program.price.tier(c.level).price
            except KeyError:
                pass
        return d


class CachedTopology:
    """The topology for request-time checks, reloaded when older than ``ttl_s``.

    Create/modify checks and the read-only device endpoints may see a view a few seconds old;
    dispatch never does (the dispatcher loads the view of the moment it starts).
    """

    def __init__(self, load: TopologyLoader, ttl_s: float = 30.0):
        self._load = load
        self._ttl = ttl_s
        self._view: TopologyView | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()

    async def __call__(self) -> TopologyView:
        async with self._lock:
            now = time.monotonic()
            if self._view is None or now - self._at > self._ttl:
                self._view, self._at = await self._load(), now
            return self._view


async def start_campaigns(settings, engine, publisher, url: str, stack, in_outage=None) -> EventService:
    """Wire programs, store, dispatcher and scheduler for this process (``service.start`` calls it).

    On the Kafka runtime the API process runs this too: the dispatcher publishes through the
    KafkaPublisher it is given.
    """
    from orchestrator.core.programs import load_programs
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.topology import TopologyStore

    sessions = sessionmaker(engine)
    store = CampaignStore(sessions)
    if settings.programs_dir.is_dir():  # programs added, changed or removed since the last start are audited
        programs = load_programs([settings.programs_dir])
        await store.sync_programs(programs.values(), source=str(settings.programs_dir.resolve()))
    else:  # a missing directory is a configuration slip, not the removal of every program: nothing is synced
        log.warning("programs directory not found; no programs loaded", programs_dir=str(settings.programs_dir))
        programs = {}
    topology = TopologyStore(sessions).load_view
    dispatcher = Dispatcher(store, programs, topology, publisher, message_size=settings.dispatch_message_size,
                            reply_address=settings.dispatch_reply_address or f"{url}/iec/v1/messages",
                            in_outage=in_outage)
    scheduler = None
    if settings.scheduler_enabled:
        scheduler = CampaignScheduler(dispatcher, settings.catalogue_url, dispatch_lead_s=settings.dispatch_lead_s)
        scheduler.start()
        stack.callback(scheduler.shutdown)
    await dispatcher.resume()
    if scheduler is not None:
        await scheduler.recover()
    return EventService(store, programs, CachedTopology(topology, settings.topology_cache_s), dispatcher, scheduler)
