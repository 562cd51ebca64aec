"""Programs, campaigns, dispatch records and the audit log in the catalogue.

Dispatch records are written and moved in bulk (chunked multi-row INSERT, one UPDATE per
message of up to a thousand devices), because a campaign may reach a million devices. Row
classes stay here; callers get core types (``Campaign``) or plain dicts.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text, func, insert, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.core.campaigns import Campaign, CampaignState
from orchestrator.core.dispatch import DispatchEventKind, DispatchState
from orchestrator.core.programs import Program
from orchestrator.store.models import Base, UtcDateTime, utcnow

CHUNK = 5000
PROGRAMS_ACTOR = "programs-dir"  # the actor of program changes found when the programs directory is loaded
PROGRAM_SYNC_LOCK = 0x70726F67  # PostgreSQL advisory lock serialising program syncs ("prog")
SHORT_VALUE = 200  # audit details quote a changed field's old and new values up to this many characters (JSON)


class ProgramRow(Base):
    __tablename__ = "program"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    definition: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CampaignRow(Base):
    __tablename__ = "campaign"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    program: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    targets: Mapped[str] = mapped_column(Text)  # JSON list of "kind:id"
    start_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime())
    priority: Mapped[int] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    setpoint_percent: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DispatchRecordRow(Base):
    __tablename__ = "dispatch_record"
    campaign: Mapped[str] = mapped_column(String(64), primary_key=True)
    device: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    headend: Mapped[str | None] = mapped_column(String(100))
    step: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(64))
    start_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cause: Mapped[str | None] = mapped_column(String(30))
    cause_message_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")


Index("ix_dispatch_record_campaign_state", DispatchRecordRow.campaign, DispatchRecordRow.state)
Index("ix_dispatch_record_campaign_message", DispatchRecordRow.campaign, DispatchRecordRow.message_id,
      DispatchRecordRow.state)
Index("ix_dispatch_record_state_deadline", DispatchRecordRow.state, DispatchRecordRow.deadline,
      sqlite_where=DispatchRecordRow.deadline.is_not(None), postgresql_where=DispatchRecordRow.deadline.is_not(None))

_R = DispatchRecordRow
RECORD_COLUMNS = ("campaign", "device", "state", "attempt", "headend", "step", "message_id", "start_at", "end_at",
                  "deadline", "updated_at", "cause", "cause_message_id", "detail")


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(id=row.id, program=row.program, targets=tuple(json.loads(row.targets)), start=row.start_at,
                    end=row.end_at, state=CampaignState(row.state), priority=row.priority, level=row.level,
                    setpoint_percent=row.setpoint_percent, reason=row.reason, created_by=row.created_by,
                    created_at=row.created_at, updated_at=row.updated_at)


def _values(c: Campaign) -> dict[str, Any]:
    return {"id": c.id, "program": c.program, "state": c.state.value, "targets": json.dumps(list(c.targets)),
            "start_at": c.start, "end_at": c.end, "priority": c.priority, "level": c.level,
            "setpoint_percent": c.setpoint_percent, "reason": c.reason, "created_by": c.created_by,
            "created_at": c.created_at or utcnow(), "updated_at": c.updated_at or c.created_at or utcnow()}


class StaleCampaign(RuntimeError):
    """The campaign changed state since it was read (another request or job got there first)."""


class CampaignStore:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    @property
    def sessions(self) -> async_sessionmaker:
        """For reads that join this store's tables with another area's (``store.dispatch_view``)."""
        return self._sessions

    # ------------------------------------------------------------------ programs
    async def sync_programs(self, programs: Iterable[Program], *, source: str | None = None,
                            actor: str = PROGRAMS_ACTOR) -> list[dict]:
        """Write the programs loaded from ``source`` (the programs directory) to the catalogue and
        audit what changed since the last sync, in the same transaction as the upsert:

        - a program never seen before: ``create``;
        - a stored program whose definition differs: ``modify``, the detail naming the changed
          top-level fields (with old and new values where they are short);
        - a stored program not among ``programs``: ``remove``, once;
        - an unchanged program: nothing.

        A removed program's row is kept as it was, not deleted: campaigns name their program by id,
        and the definition an old event ran with stays in the catalogue for whoever reads its
        history. The ``remove`` audit row is the mark (no column, no migration): a program whose
        latest audit action is ``remove`` is not reported again, and one that comes back is a
        ``create`` again (with the fields that differ from the kept definition, if any). Returns
        the audit entries written.
        """
        from orchestrator.store.topology import _upsert

        now = utcnow()
        loaded = {p.id: p for p in programs}
        values = [{"id": p.id, "name": p.name, "kind": p.kind.value, "definition": p.model_dump_json(),
                   "loaded_at": now} for p in loaded.values()]
        where = {"from": source} if source else {}
        entries: list[tuple[str, str, dict]] = []
        async with self._sessions() as s, s.begin():
            if s.bind.dialect.name == "postgresql":  # two API processes starting at once: one sync after the other
                await s.execute(select(func.pg_advisory_xact_lock(PROGRAM_SYNC_LOCK)))
            stored = dict((await s.execute(select(ProgramRow.id, ProgramRow.definition))).all())
            latest = select(func.max(AuditRow.id)).where(AuditRow.entity == "program").group_by(AuditRow.entity_id)
            last_action = dict((await s.execute(select(AuditRow.entity_id, AuditRow.action)
                                                .where(AuditRow.id.in_(latest)))).all())
            for v in values:
                pid = v["id"]
                if pid not in stored:
                    entries.append((pid, "create", {**where, "name": v["name"], "kind": v["kind"]}))
                    continue
                changes = _changed_fields(json.loads(stored[pid]), json.loads(v["definition"]))
                if last_action.get(pid) == "remove":
                    entries.append((pid, "create", {**where, "name": v["name"], "kind": v["kind"], "again": True,
                                                    **changes}))
                elif changes:
                    entries.append((pid, "modify", {**where, **changes}))
            for pid in sorted(set(stored) - set(loaded)):
                if last_action.get(pid) != "remove":
                    entries.append((pid, "remove", {**where, "kept": True}))
            if values:
                await s.execute(_upsert(s.bind.dialect.name, ProgramRow, values))
            s.add_all([self._audit_row(actor, "program", pid, action, detail) for pid, action, detail in entries])
        return [{"entity_id": pid, "action": action, "detail": detail} for pid, action, detail in entries]

    # ------------------------------------------------------------------ campaigns
    async def create(self, c: Campaign, actor: str, detail: dict | None = None) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(insert(CampaignRow).values(**_values(c)))
            s.add(self._audit_row(actor, "campaign", c.id, "create", detail or {"state": c.state.value}))

    async def get(self, campaign_id: str) -> Campaign | None:
        async with self._sessions() as s:
            row = await s.get(CampaignRow, campaign_id)
            return _campaign(row) if row else None

    async def save(self, c: Campaign, *, expected: CampaignState, actor: str, action: str,
                   detail: dict | None = None) -> None:
        """Write ``c`` if the stored state is still ``expected`` (optimistic check), with an audit entry."""
        values = _values(c)
        values.pop("id")
        values.pop("created_at")
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(CampaignRow).where(CampaignRow.id == c.id,
                                                               CampaignRow.state == expected.value).values(**values))
            if result.rowcount != 1:
                raise StaleCampaign(f"event {c.id} is no longer {expected.value}")
            s.add(self._audit_row(actor, "campaign", c.id, action, {"state": c.state.value, **(detail or {})}))

    async def list(self, *, state: str | None = None, program: str | None = None, start_from: datetime | None = None,
                   start_to: datetime | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Campaign], int]:
        cond = []
        if state:
            cond.append(CampaignRow.state == state)
        if program:
            cond.append(CampaignRow.program == program)
        if start_from:
            cond.append(CampaignRow.start_at >= start_from)
        if start_to:
            cond.append(CampaignRow.start_at < start_to)
        async with self._sessions() as s:
            total = (await s.execute(select(func.count()).select_from(CampaignRow).where(*cond))).scalar_one()
            rows = (await s.execute(select(CampaignRow).where(*cond)
                                    .order_by(CampaignRow.start_at.desc(), CampaignRow.id)
                                    .limit(limit).offset(offset))).scalars().all()
        return [_campaign(r) for r in rows], total

    async def season_count(self, program: str, start: datetime, end: datetime, exclude: str | None = None) -> int:
        counted = [s.value for s in CampaignState if s not in (CampaignState.CANCELLED, CampaignState.DRAFT)]
        async with self._sessions() as s:
            q = select(func.count()).select_from(CampaignRow).where(
                CampaignRow.program == program, CampaignRow.state.in_(counted), CampaignRow.start_at >= start,
                CampaignRow.start_at < end)
            if exclude:
                q = q.where(CampaignRow.id != exclude)
            return (await s.execute(q)).scalar_one()

    async def overlapping(self, start: datetime, end: datetime, exclude: str | None = None) -> list[Campaign]:
        """Non-final campaigns whose window overlaps [start, end)."""
        live = [CampaignState.SCHEDULED.value, CampaignState.DISPATCHING.value, CampaignState.ACTIVE.value]
        async with self._sessions() as s:
            q = select(CampaignRow).where(CampaignRow.state.in_(live), CampaignRow.start_at < end,
                                          CampaignRow.end_at > start)
            if exclude:
                q = q.where(CampaignRow.id != exclude)
            return [_campaign(r) for r in (await s.execute(q)).scalars()]

    async def in_states(self, states: Sequence[CampaignState]) -> list[Campaign]:
        async with self._sessions() as s:
            rows = (await s.execute(select(CampaignRow).where(CampaignRow.state.in_([x.value for x in states]))))
            return [_campaign(r) for r in rows.scalars()]

    # ------------------------------------------------------------------ dispatch records
    async def has_records(self, campaign: str) -> bool:
        async with self._sessions() as s:
            return (await s.execute(select(_R.device).where(_R.campaign == campaign).limit(1))).first() is not None

    async def insert_records(self, rows: Iterable[dict]) -> int:
        """Bulk insert in chunks of 5,000 rows, all in one transaction (all records or none).

        ``rows`` may be a generator, so a million records need not be in memory at once; the next
        chunk is generated while the database (in its driver thread) writes the previous one.
        """
        n = 0
        async with self._sessions() as s, s.begin():
            conn = await s.connection()
            write = self._bulk_writer(conn)
            writing: asyncio.Future | None = None
            chunk: list[dict] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    if writing is not None:
                        await writing
                    writing = asyncio.ensure_future(write(chunk))
                    n += len(chunk)
                    chunk = []
            if writing is not None:
                await writing
            if chunk:
                await write(chunk)
                n += len(chunk)
        return n

    @staticmethod
    def _bulk_writer(conn):
        """executemany of dispatch rows: on SQLite straight to the driver with the columns' own bind
        processors (the same stored values, a third of the per-row cost); elsewhere Core INSERT."""
        if conn.dialect.name != "sqlite":
            stmt = insert(_R.__table__)
            return lambda chunk: conn.execute(stmt, chunk)
        columns = [_R.__table__.c[name] for name in RECORD_COLUMNS]
        processors = [(name, _memoised(c.type._cached_bind_processor(conn.dialect)))
                      for name, c in zip(RECORD_COLUMNS, columns)]
        sql = (f"INSERT INTO {_R.__tablename__} ({', '.join(RECORD_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(RECORD_COLUMNS))})")

        def write(chunk: list[dict]):
            params = [tuple(p(row[name]) if p is not None else row[name] for name, p in processors) for row in chunk]
            return conn.exec_driver_sql(sql, params)

        return write

    async def pending_message_ids(self, campaign: str, step: int | None = None) -> list[str]:
        async with self._sessions() as s:
            q = select(_R.message_id).where(_R.campaign == campaign, _R.state == DispatchState.PENDING.value,
                                            _R.message_id.is_not(None)).distinct().order_by(_R.message_id)
            if step is not None:
                q = q.where(_R.step == step)
            return [m for (m,) in await s.execute(q)]

    async def steps(self, campaign: str) -> list[int]:
        async with self._sessions() as s:
            return [n for (n,) in await s.execute(select(_R.step).where(_R.campaign == campaign,
                                                                          _R.message_id.is_not(None))
                                                   .distinct().order_by(_R.step))]

    async def records_of_messages(self, campaign: str, message_ids: Sequence[str]) -> list[tuple]:
        """(message_id, device, headend, start_at, end_at) of PENDING records, by message then device."""
        async with self._sessions() as s:
            rows = await s.execute(select(_R.message_id, _R.device, _R.headend, _R.start_at, _R.end_at)
                                   .where(_R.campaign == campaign, _R.message_id.in_(list(message_ids)),
                                          _R.state == DispatchState.PENDING.value)
                                   .order_by(_R.message_id, _R.device))
            return list(rows)

    async def mark_sent(self, campaign: str, message_ids: Sequence[str], at: datetime, deadline: datetime) -> int:
        """PENDING → SENT for every device of these messages, caused by the message itself."""
        async with self._sessions() as s, s.begin():
            n = 0
            for mid in message_ids:
                result = await s.execute(
                    update(_R).where(_R.campaign == campaign, _R.message_id == mid,
                                     _R.state == DispatchState.PENDING.value)
                    .values(state=DispatchState.SENT.value, attempt=_R.attempt + 1, updated_at=at, deadline=deadline,
                            cause=DispatchEventKind.SENT.value, cause_message_id=mid, detail=""))
                n += result.rowcount
            return n

    async def devices_in_states(self, campaign: str, states: Sequence[DispatchState]) -> list[tuple[str, str | None]]:
        async with self._sessions() as s:
            rows = await s.execute(select(_R.device, _R.headend).where(_R.campaign == campaign,
                                                                      _R.state.in_([x.value for x in states]))
                                   .order_by(_R.headend, _R.device))
            return list(rows)

    async def transition_all(self, campaign: str, from_states: Sequence[DispatchState], to: DispatchState,
                             cause: DispatchEventKind, at: datetime, *, devices: Sequence[str] | None = None,
                             message_id: str | None = None, detail: str = "") -> int:
        """Bulk form of ``core.dispatch.apply`` for one event kind: only rows in ``from_states`` move.

        Callers pass only (from, cause) pairs that ``core.dispatch.TRANSITIONS`` allows.
        """
        async with self._sessions() as s, s.begin():
            cond = [_R.campaign == campaign, _R.state.in_([x.value for x in from_states])]
            if devices is None:
                result = await s.execute(update(_R).where(*cond).values(
                    state=to.value, updated_at=at, cause=cause.value, cause_message_id=message_id, detail=detail,
                    deadline=None))
                return result.rowcount
            n = 0
            for i in range(0, len(devices), 1000):
                result = await s.execute(update(_R).where(*cond, _R.device.in_(list(devices[i:i + 1000]))).values(
                    state=to.value, updated_at=at, cause=cause.value, cause_message_id=message_id, detail=detail,
                    deadline=None))
                n += result.rowcount
            return n

    async def rollup(self, campaign: str) -> dict[str, int]:
        """Devices per dispatch state (every state present, zeros included): derived, never hand-kept."""
        out = {s.value: 0 for s in DispatchState}
        async with self._sessions() as s:
            for state, n in await s.execute(select(_R.state, func.count()).where(_R.campaign == campaign)
                                            .group_by(_R.state)):
                out[state] = n
        return out

    async def records(self, campaign: str, *, state: str | None = None, after: str | None = None,
                      limit: int = 100) -> list[dict]:
        """Dispatch records ordered by device, keyset-paginated with ``after`` (the last device seen)."""
        cond = [_R.campaign == campaign]
        if state:
            cond.append(_R.state == state)
        if after:
            cond.append(_R.device > after)
        async with self._sessions() as s:
            rows = await s.execute(select(*(getattr(_R, c) for c in RECORD_COLUMNS)).where(*cond)
                                   .order_by(_R.device).limit(limit))
            return [dict(zip(RECORD_COLUMNS, r)) for r in rows]

    async def devices_busy(self, campaign: str, devices: Sequence[str]) -> list[str]:
        """Which of ``devices`` have a live record (not final) in ``campaign``."""
        live = [DispatchState.PENDING.value, DispatchState.SENT.value, DispatchState.ACCEPTED.value,
                DispatchState.CONFIRMED.value, DispatchState.TIMED_OUT.value]
        found: list[str] = []
        async with self._sessions() as s:
            for i in range(0, len(devices), 1000):
                rows = await s.execute(select(_R.device).where(_R.campaign == campaign, _R.state.in_(live),
                                                               _R.device.in_(list(devices[i:i + 1000]))))
                found.extend(d for (d,) in rows)
        return found

    # ------------------------------------------------------------------ audit
    @staticmethod
    def _audit_row(actor: str, entity: str, entity_id: str, action: str, detail: dict) -> AuditRow:
        return AuditRow(at=utcnow(), actor=actor, entity=entity, entity_id=entity_id, action=action,
                        detail=json.dumps(detail, default=str))

    async def audit(self, actor: str, entity: str, entity_id: str, action: str, detail: dict | None = None) -> None:
        async with self._sessions() as s, s.begin():
            s.add(self._audit_row(actor, entity, entity_id, action, detail or {}))

    async def audit_log(self, entity_id: str, limit: int = 100) -> list[dict]:
        async with self._sessions() as s:
            rows = (await s.execute(select(AuditRow).where(AuditRow.entity_id == entity_id)
                                    .order_by(AuditRow.id).limit(limit))).scalars()
            return [{"at": r.at.isoformat(), "actor": r.actor, "entity": r.entity, "action": r.action,
                     "detail": json.loads(r.detail)} for r in rows]


def _changed_fields(old: dict, new: dict) -> dict[str, Any]:
    """``{"fields": [...], "old": {...}, "new": {...}}`` for the top-level fields that differ (values
    only where their JSON is short); empty if none does."""
    fields = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if not fields:
        return {}

    def short(d: dict) -> dict:
        return {k: d.get(k) for k in fields if len(json.dumps(d.get(k), default=str)) <= SHORT_VALUE}

    return {"fields": fields, "old": short(old), "new": short(new)}


def _memoised(process):
    """A bind processor that remembers its results: a campaign's million start/end times take a
    few hundred distinct values (whole-second offsets), each formatted once."""
    if process is None:
        return None
    seen: dict = {}

    def cached(value):
        if value is None:
            return process(value)
        out = seen.get(value)
        if out is None:
            if len(seen) > 100_000:
                seen.clear()
            out = seen[value] = process(value)
        return out

    return cached


def campaign_dict(c: Campaign) -> dict[str, Any]:
    d = asdict(c)
    d["state"] = c.state.value
    d["targets"] = list(c.targets)
    for k in ("start", "end", "created_at", "updated_at"):
        d[k] = d[k].isoformat() if d[k] else None
    return d

