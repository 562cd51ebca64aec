"""Read-only questions the console asks across the two dispatch tables.

A device's progress in an event lives in two places: the campaign store's ``dispatch_record``
(written in bulk by the dispatcher: PENDING, SENT, skips, cancels) and the correlation engine's
``dispatch_progress`` (replies, confirmations, opt-outs, timeouts, ends, with their times); see
``store.dispatch_view`` for how one state per device is read from both. Plain selects; nothing
here writes.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.store import dispatch_view
from orchestrator.store.campaigns import CampaignRow
from orchestrator.store.dispatch_view import CAUSE, DETAIL, HEADEND, STATE, UPDATED
from orchestrator.store.dispatch_view import JOIN as _JOIN
from orchestrator.store.dispatch_view import P as _P
from orchestrator.store.dispatch_view import R as _R
from orchestrator.store.outages import OutageDeviceRow, OutageRow


class ConsoleQueries:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def rollup(self, campaign: str) -> dict[str, int]:
        """Devices per dispatch state (every state, zeros included), latest row per device."""
        return await dispatch_view.rollup(self._sessions, campaign)

    async def in_states(self, campaign: str, states: tuple[str, ...], limit: int = 50) -> list[dict]:
        """Devices now in one of ``states`` with the reason recorded by their last transition."""
        async with self._sessions() as s:
            rows = await s.execute(select(_R.device, STATE, CAUSE, DETAIL, UPDATED, HEADEND).select_from(_R)
                                   .outerjoin(*_JOIN).where(_R.campaign == campaign, STATE.in_(states))
                                   .order_by(UPDATED.desc(), _R.device).limit(limit))
            return [{"device": d, "state": st, "cause": c, "detail": det, "updated_at": at, "headend": h}
                    for d, st, c, det, at, h in rows]

    async def count(self, campaign: str, states: tuple[str, ...]) -> int:
        async with self._sessions() as s:
            return (await s.execute(select(func.count()).select_from(_R).outerjoin(*_JOIN)
                                    .where(_R.campaign == campaign, STATE.in_(states)))).scalar_one()

    async def devices(self, campaign: str, states: tuple[str, ...], limit: int) -> list[str]:
        async with self._sessions() as s:
            rows = await s.execute(select(_R.device).select_from(_R).outerjoin(*_JOIN)
                                   .where(_R.campaign == campaign, STATE.in_(states)).order_by(_R.device).limit(limit))
            return [d for (d,) in rows]

    async def acknowledgement(self, campaign: str) -> dict | None:
        """Acknowledgement latency (sent → first reply or confirmation) from the correlation rows."""
        async with self._sessions() as s:
            values = [v for (v,) in await s.execute(select(_P.ack_latency_s).where(
                _P.campaign == campaign, _P.ack_latency_s.is_not(None)).order_by(_P.ack_latency_s))]
        if not values:
            return None
        n = len(values)
        return {"count": n, "p50": values[(n - 1) // 2], "p95": values[min(n - 1, int(round(0.95 * (n - 1))))],
                "max": values[-1]}

    async def estimated_kw(self, campaign: str) -> float | None:
        """The correlation engine's estimate of kW shed by acknowledged devices (None: no rows)."""
        async with self._sessions() as s:
            n, kw = (await s.execute(select(func.count(), func.coalesce(func.sum(_P.est_kw), 0.0)).where(
                _P.campaign == campaign, _P.state.in_(["ACCEPTED", "CONFIRMED"])))).one()
            any_rows = (await s.execute(select(func.count()).where(_P.campaign == campaign))).scalar_one()
        return float(kw) if any_rows else None

    async def device_dispatches(self, device: str, limit: int = 20) -> list[dict]:
        """The device's latest dispatch records, newest first, with their event's program."""
        async with self._sessions() as s:
            rows = await s.execute(
                select(_R.campaign, CampaignRow.program, STATE, CAUSE, DETAIL, UPDATED, _R.attempt)
                .select_from(_R).outerjoin(*_JOIN).join(CampaignRow, CampaignRow.id == _R.campaign)
                .where(_R.device == device).order_by(UPDATED.desc()).limit(limit))
            return [{"campaign": c, "program": p, "state": st, "cause": cause, "detail": d, "updated_at": at,
                     "attempt": a} for c, p, st, cause, d, at, a in rows]

    async def device_outages(self, device: str, limit: int = 10) -> list[dict]:
        """Outages that affected the device (any level, its own or its transformer's or feeder's), newest first."""
        async with self._sessions() as s:
            rows = await s.execute(
                select(OutageRow.id, OutageRow.level, OutageRow.asset, OutageRow.status, OutageRow.first_event,
                       OutageRow.restored_at).join(OutageDeviceRow, OutageDeviceRow.outage_id == OutageRow.id)
                .where(OutageDeviceRow.device == device).order_by(OutageRow.first_event.desc()).limit(limit))
            return [{"id": i, "level": lvl, "asset": a, "status": st, "first_event": f, "restored_at": r}
                    for i, lvl, a, st, f, r in rows]
