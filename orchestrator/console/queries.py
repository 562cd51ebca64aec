"""Read-only questions the console asks that the stores do not answer per device: a device's
dispatch history across events, the acknowledgement times of an event. Plain selects over the
campaign tables; nothing here writes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.store.campaigns import CampaignRow, DispatchRecordRow

_R = DispatchRecordRow


class ConsoleQueries:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def device_dispatches(self, device: str, limit: int = 20) -> list[dict]:
        """The device's latest dispatch records, newest first, with their event's program."""
        async with self._sessions() as s:
            rows = await s.execute(
                select(_R.campaign, CampaignRow.program, _R.state, _R.cause, _R.detail, _R.updated_at, _R.attempt)
                .join(CampaignRow, CampaignRow.id == _R.campaign).where(_R.device == device)
                .order_by(_R.updated_at.desc()).limit(limit))
            return [{"campaign": c, "program": p, "state": st, "cause": cause, "detail": d, "updated_at": at,
                     "attempt": a} for c, p, st, cause, d, at, a in rows]

    async def acknowledgement_times(self, campaign: str, limit: int = 100_000) -> list[datetime]:
        """When each device's acknowledgement (head-end OK or device confirmation) was recorded,
        for records still in ACCEPTED or CONFIRMED (later states overwrite the time)."""
        async with self._sessions() as s:
            rows = await s.execute(select(_R.updated_at).where(_R.campaign == campaign,
                                                               _R.state.in_(["ACCEPTED", "CONFIRMED"]))
                                   .limit(limit))
            return [at for (at,) in rows]

    async def failures(self, campaign: str, limit: int = 50) -> list[dict]:
        """Failed, rejected and timed-out devices with the reason recorded by the transition."""
        async with self._sessions() as s:
            rows = await s.execute(select(_R.device, _R.state, _R.cause, _R.detail, _R.updated_at, _R.headend)
                                   .where(_R.campaign == campaign,
                                          _R.state.in_(["FAILED", "REJECTED", "TIMED_OUT"]))
                                   .order_by(_R.updated_at.desc(), _R.device).limit(limit))
            return [{"device": d, "state": st, "cause": c, "detail": det, "updated_at": at, "headend": h}
                    for d, st, c, det, at, h in rows]

    async def opt_outs(self, campaign: str, limit: int = 50) -> list[dict]:
        async with self._sessions() as s:
            rows = await s.execute(select(_R.device, _R.detail, _R.updated_at)
                                   .where(_R.campaign == campaign, _R.state == "OPTED_OUT")
                                   .order_by(_R.updated_at.desc(), _R.device).limit(limit))
            return [{"device": d, "detail": det, "updated_at": at} for d, det, at in rows]
