"""Dispatch progress in the catalogue, written from ``dispatch.updates``, and the rollups derived from it.

One row per (campaign, device): the correlator's record as of its latest transition. The sink
upserts a batch in one transaction and keeps a row only if the update is newer (``seq``), so a
redelivered or reordered batch never moves a record back. Rollups are SQL aggregates over the
rows — counts per state, acknowledgement latency percentiles, success rate, estimated kW shed —
derived on every read, never kept by hand.

Table ``dispatch_progress`` (migration 0050) is this engine's own: the campaign store's
``dispatch_record`` is written by the dispatcher in bulk and lacks the latency and rule columns
the rollups need; both carry the same state vocabulary (``core.dispatch.DispatchState``).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.core.dispatch import DispatchState
from orchestrator.correlation.metrics import DEVICES
from orchestrator.processors.base import Record, Sink
from orchestrator.store.models import Base, UtcDateTime
from orchestrator import topics

SUCCEEDED = (DispatchState.ACCEPTED.value, DispatchState.CONFIRMED.value, DispatchState.ENDED.value)
SHEDDING = (DispatchState.ACCEPTED.value, DispatchState.CONFIRMED.value)
NOT_ASKED = (DispatchState.SKIPPED_INELIGIBLE.value, DispatchState.CANCELLED.value)
CHUNK = 500


class DispatchProgressRow(Base):
    __tablename__ = "dispatch_progress"
    campaign: Mapped[str] = mapped_column(String(64), primary_key=True)
    device: Mapped[str] = mapped_column(String(100), primary_key=True)
    program: Mapped[str | None] = mapped_column(String(100))
    headend: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    rule: Mapped[str | None] = mapped_column(String(20))
    cause: Mapped[str | None] = mapped_column(String(30))
    cause_message_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(100))
    first_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ack_latency_s: Mapped[float | None] = mapped_column(Float)
    est_kw: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    seq: Mapped[int] = mapped_column(Integer, default=0)


Index("ix_dispatch_progress_campaign_state", DispatchProgressRow.campaign, DispatchProgressRow.state)
Index("ix_dispatch_progress_headend_state", DispatchProgressRow.headend, DispatchProgressRow.state)
Index("ix_dispatch_progress_campaign_latency", DispatchProgressRow.campaign, DispatchProgressRow.ack_latency_s)

_R = DispatchProgressRow
COLUMNS = [c.name for c in DispatchProgressRow.__table__.columns]


def _dt(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(float(t), timezone.utc)


def row_of(update: dict) -> dict[str, Any]:
    """A ``dispatch.updates`` value as a table row (epoch seconds → UTC datetimes)."""
    sent = update.get("first_sent_at")
    acked = [t for t in (update.get("replied_at"), update.get("confirmed_at")) if t is not None]
    latency = round(min(acked) - update["sent_at"], 3) if acked and update.get("sent_at") is not None else None
    return {
        "campaign": update["campaign"], "device": update["device"], "program": update.get("program"),
        "headend": update.get("headend"), "state": update["state"], "attempt": update.get("attempt") or 0,
        "rule": update.get("rule"), "cause": update.get("cause"), "cause_message_id": update.get("cause_message_id"),
        "detail": (update.get("detail") or "")[:2000], "message_id": update.get("message_id"),
        "first_sent_at": _dt(sent), "sent_at": _dt(update.get("sent_at")), "replied_at": _dt(update.get("replied_at")),
        "confirmed_at": _dt(update.get("confirmed_at")), "ack_latency_s": max(latency, 0.0) if latency is not None
        else None, "est_kw": update.get("est_kw"), "deadline": _dt(update.get("deadline")),
        "updated_at": _dt(update.get("updated_at")), "seq": update.get("seq") or 0,
    }


def _percentile_offset(n: int, q: float) -> int:
    """Nearest-rank percentile: the 0-based position of the q-quantile among n sorted values."""
    import math
    return max(math.ceil(q * n) - 1, 0)


class DispatchProgressStore:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    def _insert(self, dialect: str):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert

    async def write(self, records: Sequence[Record]) -> None:
        """The sink: upsert the newest update per (campaign, device) of the batch."""
        latest: dict[tuple[str, str], dict] = {}
        for r in records:
            try:
                u = json.loads(r.value)
                key = (u["campaign"], u["device"])
            except (ValueError, KeyError, TypeError):
                continue  # not an update: nothing the store can hold (the correlator writes only updates)
            if key not in latest or (u.get("seq") or 0) > (latest[key].get("seq") or 0):
                latest[key] = u
        if not latest:
            return
        rows = [row_of(u) for u in latest.values()]
        async with self._sessions() as s, s.begin():
            insert = self._insert(s.bind.dialect.name)
            for i in range(0, len(rows), CHUNK):
                stmt = insert(_R).values(rows[i:i + CHUNK])
                changed = {c: getattr(stmt.excluded, c) for c in COLUMNS if c not in ("campaign", "device")}
                stmt = stmt.on_conflict_do_update(index_elements=[_R.campaign, _R.device], set_=changed,
                                                  where=stmt.excluded.seq > _R.seq)
                await s.execute(stmt)
        for campaign in sorted({c for c, _ in latest}):
            await self._export(campaign)

    def sink(self) -> Sink:
        return Sink("dispatch-progress-store", (topics.DISPATCH_UPDATES,), self.write)

    async def _export(self, campaign: str) -> None:
        """Set the per-state gauge of a campaign from its rows (the metric is derived too)."""
        async with self._sessions() as s:
            rows = (await s.execute(select(_R.program, _R.state, func.count()).where(_R.campaign == campaign)
                                    .group_by(_R.program, _R.state))).all()
        seen = {(p or "", st) for p, st, _ in rows}
        for program in {p or "" for p, _, _ in rows}:
            for st in DispatchState:
                if (program, st.value) not in seen:
                    DEVICES.labels(campaign=campaign, program=program, state=st.value).set(0)
        for program, st, n in rows:
            DEVICES.labels(campaign=campaign, program=program or "", state=st).set(n)

    # ------------------------------------------------------------------ reads
    async def record(self, campaign: str, device: str) -> dict[str, Any] | None:
        async with self._sessions() as s:
            row = (await s.execute(select(*(getattr(_R, c) for c in COLUMNS))
                                   .where(_R.campaign == campaign, _R.device == device))).first()
            return dict(zip(COLUMNS, row)) if row else None

    async def rollup(self, *, campaign: str | None = None, headend: str | None = None) -> dict[str, Any]:
        """Counts per state, ack latency p50/p95/p99, success rate and estimated kW shed."""
        if campaign is None and headend is None:
            raise ValueError("a rollup needs a campaign or a head-end")
        cond = []
        if campaign is not None:
            cond.append(_R.campaign == campaign)
        if headend is not None:
            cond.append(_R.headend == headend)
        counts = {st.value: 0 for st in DispatchState}
        async with self._sessions() as s:
            for st, n in await s.execute(select(_R.state, func.count()).where(*cond).group_by(_R.state)):
                counts[st] = n
            shed = (await s.execute(select(func.coalesce(func.sum(_R.est_kw), 0.0))
                                    .where(*cond, _R.state.in_(SHEDDING)))).scalar_one()
            with_latency = [*cond, _R.ack_latency_s.is_not(None)]
            n_lat = (await s.execute(select(func.count()).where(*with_latency))).scalar_one()
            latency: dict[str, float | None] = {}
            for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
                value = None
                if n_lat:
                    value = (await s.execute(select(_R.ack_latency_s).where(*with_latency)
                                             .order_by(_R.ack_latency_s)
                                             .offset(_percentile_offset(n_lat, q)).limit(1))).scalar_one()
                latency[name] = value
        total = sum(counts.values())
        asked = total - sum(counts[s] for s in NOT_ASKED)
        succeeded = sum(counts[s] for s in SUCCEEDED)
        return {
            "campaign": campaign, "headend": headend, "devices": total, "states": counts,
            "ack_latency_s": latency, "acknowledged": n_lat,
            "success_rate": round(succeeded / asked, 4) if asked else None,
            "estimated_kw_shed": round(float(shed), 3),
        }
