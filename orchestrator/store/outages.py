"""Outage records and OMS deliveries in the catalogue.

``oms.notifications`` is consumed by ``OutageStore.sink``: in one transaction it upserts the
outage record (a newer version wins, so redelivery and reordering are harmless), its affected
devices, and one delivery row per configured OMS target (the outbox). ``orchestrator.oms``
sends the deliveries; given-up ones stay here with status ``dead`` and their content, so an
operator can replay them. ``devices_in_outage`` answers the dispatcher's question.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.core.topology import TopologyView
from orchestrator.processors.base import Record
from orchestrator.store.models import Base, UtcDateTime, utcnow

ACTIVE_STATUSES = ("SUSPECTED", "SUSTAINED")


class OutageRow(Base):
    __tablename__ = "outage"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    asset: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    first_event: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_event: Mapped[datetime | None] = mapped_column(UtcDateTime())
    restored_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    parent: Mapped[str | None] = mapped_column(String(200), index=True)
    transformer: Mapped[str | None] = mapped_column(String(100))
    feeder: Mapped[str | None] = mapped_column(String(100), index=True)
    substation: Mapped[str | None] = mapped_column(String(100))
    affected_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[str] = mapped_column(Text)  # the notification's outage object, JSON
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OutageDeviceRow(Base):
    """A device affected by an outage (one row per device, for the dispatcher's lookup)."""

    __tablename__ = "outage_device"
    outage_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    device: Mapped[str] = mapped_column(String(100), primary_key=True)


class OmsDeliveryRow(Base):
    """One notification to one OMS target: the outbox row, its attempts and its fate."""

    __tablename__ = "oms_delivery"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(40))
    outage_id: Mapped[str] = mapped_column(String(200), index=True)
    event: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


Index("ux_oms_delivery_key_target", OmsDeliveryRow.idempotency_key, OmsDeliveryRow.target, unique=True)
Index("ix_oms_delivery_due", OmsDeliveryRow.status, OmsDeliveryRow.next_attempt_at)
Index("ix_outage_device_device", OutageDeviceRow.device)


@dataclass(frozen=True)
class Outage:
    id: str
    level: str
    asset: str
    status: str
    first_event: datetime | None
    last_event: datetime | None
    restored_at: datetime | None
    confidence: float
    parent: str | None
    transformer: str | None
    feeder: str | None
    substation: str | None
    affected_count: int
    version: int
    record: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.record | {"status": self.status, "version": self.version}


@dataclass(frozen=True)
class Delivery:
    id: int
    idempotency_key: str
    target: str
    outage_id: str
    event: str
    content_type: str
    payload: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status: int | None
    created_at: datetime
    delivered_at: datetime | None

    def to_json(self, with_payload: bool = False) -> dict[str, Any]:
        out = {"id": self.id, "idempotency_key": self.idempotency_key, "target": self.target,
               "outage_id": self.outage_id, "event": self.event, "status": self.status, "attempts": self.attempts,
               "next_attempt_at": self.next_attempt_at.isoformat(), "last_error": self.last_error,
               "last_status": self.last_status, "created_at": self.created_at.isoformat(),
               "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None}
        if with_payload:
            out["content_type"] = self.content_type
            out["payload"] = self.payload
        return out


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _outage(r: OutageRow) -> Outage:
    return Outage(r.id, r.level, r.asset, r.status, r.first_event, r.last_event, r.restored_at, r.confidence,
                  r.parent, r.transformer, r.feeder, r.substation, r.affected_count, r.version, json.loads(r.record))


def _delivery(r: OmsDeliveryRow) -> Delivery:
    return Delivery(r.id, r.idempotency_key, r.target, r.outage_id, r.event, r.content_type, r.payload, r.status,
                    r.attempts, r.next_attempt_at, r.last_error, r.last_status, r.created_at, r.delivered_at)


# A target turns a notification into (content type, body); see orchestrator.oms.formats.
Renderer = Any


class OutageStore:
    """Outage records, affected devices and the OMS outbox."""

    def __init__(self, sessions: async_sessionmaker, targets: dict[str, Renderer] | None = None):
        self._sessions = sessions
        self.targets = dict(targets or {})

    # ---------------------------------------------------------------- the sink
    async def sink(self, records: list[Record]) -> None:
        """Consumer of ``oms.notifications``: outage upserts and outbox rows, one transaction."""
        notes = [json.loads(r.value) for r in records]
        async with self._sessions() as s, s.begin():
            dialect = s.bind.dialect.name
            for n in notes:
                if "outage" in n:
                    await self._upsert_outage(s, n["outage"])
            rows = []
            for n in notes:
                for target, render in self.targets.items():
                    rendered = render(n)
                    if rendered is None:  # this target has no form for this notification
                        continue
                    content_type, body = rendered
                    rows.append({"idempotency_key": n["idempotency_key"], "target": target,
                                 "outage_id": n["id"], "event": n["event"], "content_type": content_type,
                                 "payload": body, "status": "pending", "attempts": 0, "next_attempt_at": utcnow(),
                                 "created_at": utcnow()})
            if rows:
                await s.execute(_insert_ignore(dialect, OmsDeliveryRow, rows, ["idempotency_key", "target"]))

    async def _upsert_outage(self, s, o: dict[str, Any]) -> None:
        row = await s.get(OutageRow, o["id"])
        if row is not None and row.version >= o["version"]:
            return  # an older or repeated notification
        values = dict(level=o["level"], asset=o["asset"], status=o["status"], first_event=_dt(o.get("first")),
                      last_event=_dt(o.get("last")), restored_at=_dt(o.get("restored")),
                      confidence=float(o.get("confidence") or 0), parent=o.get("parent"),
                      transformer=o.get("transformer"), feeder=o.get("feeder"), substation=o.get("substation"),
                      affected_count=len(o.get("affected") or ()), version=o["version"],
                      record=json.dumps(o, sort_keys=True), updated_at=utcnow())
        if row is None:
            s.add(OutageRow(id=o["id"], **values))
            await s.flush()
        else:
            for k, v in values.items():
                setattr(row, k, v)
        affected = set(o.get("affected") or ())
        existing = set((await s.scalars(select(OutageDeviceRow.device)
                                        .where(OutageDeviceRow.outage_id == o["id"]))).all())
        if existing - affected:
            await s.execute(delete(OutageDeviceRow).where(OutageDeviceRow.outage_id == o["id"],
                                                          OutageDeviceRow.device.in_(existing - affected)))
        s.add_all(OutageDeviceRow(outage_id=o["id"], device=d) for d in sorted(affected - existing))

    # ---------------------------------------------------------------- outages
    async def active(self, *, level: str | None = None, feeder: str | None = None,
                     limit: int = 500) -> list[Outage]:
        query = select(OutageRow).where(OutageRow.status.in_(ACTIVE_STATUSES)).order_by(
            OutageRow.first_event, OutageRow.id).limit(limit)
        if level:
            query = query.where(OutageRow.level == level)
        if feeder:
            query = query.where(OutageRow.feeder == feeder)
        async with self._sessions() as s:
            return [_outage(r) for r in (await s.scalars(query)).all()]

    async def list(self, *, status: str | None = None, limit: int = 500) -> list[Outage]:
        query = select(OutageRow).order_by(OutageRow.updated_at.desc(), OutageRow.id).limit(limit)
        if status:
            query = query.where(OutageRow.status == status)
        async with self._sessions() as s:
            return [_outage(r) for r in (await s.scalars(query)).all()]

    async def get(self, outage_id: str) -> Outage | None:
        async with self._sessions() as s:
            row = await s.get(OutageRow, outage_id)
            return _outage(row) if row else None

    async def devices_in_outage(self, devices: Iterable[str] | None = None) -> set[str]:
        """Devices affected by an active (sustained) outage now; restricted to ``devices`` if given.

        Meant for the dispatcher: a device in the answer is not dispatched (``SKIPPED_OUTAGE``).
        """
        query = (select(OutageDeviceRow.device).join(OutageRow, OutageRow.id == OutageDeviceRow.outage_id)
                 .where(OutageRow.status.in_(ACTIVE_STATUSES)).distinct())
        async with self._sessions() as s:
            if devices is None:
                return set((await s.scalars(query)).all())
            wanted = list(dict.fromkeys(devices))
            found: set[str] = set()
            for i in range(0, len(wanted), 500):
                found.update((await s.scalars(query.where(OutageDeviceRow.device.in_(wanted[i:i + 500])))).all())
            return found

    # ---------------------------------------------------------------- deliveries
    async def deliveries(self, *, status: str | None = None, outage_id: str | None = None,
                         limit: int = 100) -> list[Delivery]:
        query = select(OmsDeliveryRow).order_by(OmsDeliveryRow.id).limit(limit)
        if status:
            query = query.where(OmsDeliveryRow.status == status)
        if outage_id:
            query = query.where(OmsDeliveryRow.outage_id == outage_id)
        async with self._sessions() as s:
            return [_delivery(r) for r in (await s.scalars(query)).all()]

    async def delivery_counts(self) -> dict[str, int]:
        async with self._sessions() as s:
            rows = await s.execute(select(OmsDeliveryRow.status, func.count()).group_by(OmsDeliveryRow.status))
            return {status: n for status, n in rows}

    async def claim_due(self, *, limit: int = 50, lease_s: float = 60.0, now: datetime | None = None) -> list[Delivery]:
        """Pending deliveries whose time has come, leased so a second sender skips them meanwhile.

        Oldest first per outage, so an outage's created/updated/restored go out in order.
        """
        now = now or utcnow()
        async with self._sessions() as s, s.begin():
            rows = (await s.scalars(select(OmsDeliveryRow).where(
                OmsDeliveryRow.status == "pending", OmsDeliveryRow.next_attempt_at <= now)
                .order_by(OmsDeliveryRow.id).limit(limit))).all()
            claimed = []
            lease = now + timedelta(seconds=lease_s)
            for r in rows:
                result = await s.execute(update(OmsDeliveryRow).where(
                    OmsDeliveryRow.id == r.id, OmsDeliveryRow.status == "pending",
                    OmsDeliveryRow.next_attempt_at == r.next_attempt_at).values(next_attempt_at=lease))
                if result.rowcount == 1:
                    claimed.append(_delivery(r))
            return claimed

    async def earlier_undelivered(self, delivery: Delivery) -> bool:
        """Whether an older delivery of the same outage to the same target is still waiting (order)."""
        async with self._sessions() as s:
            found = await s.scalar(select(OmsDeliveryRow.id).where(
                OmsDeliveryRow.outage_id == delivery.outage_id, OmsDeliveryRow.target == delivery.target,
                OmsDeliveryRow.id < delivery.id, OmsDeliveryRow.status == "pending").limit(1))
            return found is not None

    async def mark_delivered(self, delivery_id: int, status_code: int) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(update(OmsDeliveryRow).where(OmsDeliveryRow.id == delivery_id).values(
                status="delivered", attempts=OmsDeliveryRow.attempts + 1, last_status=status_code,
                last_error=None, delivered_at=utcnow()))

    async def mark_failed(self, delivery_id: int, *, error: str, status_code: int | None,
                          retry_at: datetime | None) -> None:
        """Record a failed attempt; ``retry_at`` None means given up (dead-letter)."""
        async with self._sessions() as s, s.begin():
            await s.execute(update(OmsDeliveryRow).where(OmsDeliveryRow.id == delivery_id).values(
                status="pending" if retry_at else "dead", attempts=OmsDeliveryRow.attempts + 1,
                last_status=status_code, last_error=error[:2000],
                next_attempt_at=retry_at or utcnow()))

    async def postpone(self, delivery_id: int, until: datetime) -> None:
        async with self._sessions() as s, s.begin():
            await s.execute(update(OmsDeliveryRow).where(OmsDeliveryRow.id == delivery_id)
                            .values(next_attempt_at=until))

    async def replay(self, *, ids: Iterable[int] | None = None, outage_id: str | None = None,
                     include_delivered: bool = False) -> int:
        """Put dead (and, if asked, delivered) deliveries back in the queue; the count replayed."""
        statuses = ("dead", "delivered") if include_delivered else ("dead",)
        conditions = [OmsDeliveryRow.status.in_(statuses)]
        if ids is not None:
            conditions.append(OmsDeliveryRow.id.in_(list(ids)))
        if outage_id:
            conditions.append(OmsDeliveryRow.outage_id == outage_id)
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(OmsDeliveryRow).where(and_(*conditions)).values(
                status="pending", attempts=0, next_attempt_at=utcnow(), last_error=None, delivered_at=None))
            return result.rowcount or 0


def _insert_ignore(dialect: str, model, values: list[dict], keys: list[str]):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(model).values(values).on_conflict_do_nothing(index_elements=keys)


async def load_topology(catalogue_url: str) -> TopologyView:
    """The current topology from the catalogue (the Kafka worker and the service call this at start)."""
    from orchestrator.store.db import make_engine, sessionmaker
    from orchestrator.store.topology import TopologyStore

    engine = make_engine(catalogue_url)
    try:
        return await TopologyStore(sessionmaker(engine)).load_view()
    finally:
        await engine.dispose()


__all__ = ["Delivery", "Outage", "OutageStore", "load_topology"]
