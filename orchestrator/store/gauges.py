"""Gauges of what the catalogue holds, sampled periodically by the API process: campaigns by
program and state, the estimated kW shed by each running campaign (the correlation engine's
per-device estimate over devices accepted or confirmed), active outages by level and status, and
the OMS outbox (deliveries by status, age of the oldest pending one: the OMS backlog).

These are facts of the database, not of a process, so every API process reports the same value:
dashboards and alerts take ``max`` over instances. Labels are bounded (program, state, level,
status, OMS target).
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.correlation.store import SHEDDING, DispatchProgressRow
from orchestrator.logs import get_logger
from orchestrator.store.campaigns import CampaignRow
from orchestrator.store.outages import ACTIVE_STATUSES, OmsDeliveryRow, OutageRow

log = get_logger(__name__)

CAMPAIGNS = Gauge("orchestrator_campaigns", "Campaigns (demand-response events) by program and state",
                  ["program", "state"], multiprocess_mode="max")
ESTIMATED_SHED_KW = Gauge("orchestrator_campaign_estimated_shed_kw",
                          "Estimated kW shed by a running campaign: per-device estimates of the devices that "
                          "accepted or confirmed the control", ["campaign", "program"], multiprocess_mode="max")
OUTAGES_ACTIVE = Gauge("orchestrator_outages_active", "Outages not yet restored, by level and status",
                       ["level", "status"], multiprocess_mode="max")
OMS_OUTBOX = Gauge("orchestrator_oms_outbox_deliveries", "OMS outbox deliveries by target and status "
                   "(pending = backlog, delivered, dead)", ["target", "status"], multiprocess_mode="max")
OMS_OLDEST_PENDING = Gauge("orchestrator_oms_outbox_oldest_pending_seconds",
                           "Age of the oldest OMS delivery not yet delivered (0 when none)", ["target"],
                           multiprocess_mode="max")
SAMPLE_ERRORS = Gauge("orchestrator_store_gauges_last_error_timestamp_seconds",
                      "When sampling the catalogue gauges last failed (0 = never)", multiprocess_mode="max")

OUTAGE_LEVELS = ("meter", "transformer", "feeder")
RUNNING = ("DISPATCHING", "ACTIVE", "ENDING")  # campaign states whose shed is live


class _Family:
    """Sets a labelled gauge to a fresh snapshot; label sets that vanished go to 0, not stale."""

    def __init__(self, gauge: Gauge, always: list[tuple[str, ...]] = (), *, drop_vanished: bool = False):
        self.gauge = gauge
        self.always = set(always)
        self.seen: set[tuple[str, ...]] = set(always)
        self.drop_vanished = drop_vanished  # per-campaign series end with their campaign

    def update(self, values: dict[tuple[str, ...], float]) -> None:
        for labels in self.seen - set(values):
            if self.drop_vanished and labels not in self.always:
                self.gauge.remove(*labels)
                self.seen.discard(labels)
            else:
                self.gauge.labels(*labels).set(0)
        for labels, value in values.items():
            self.gauge.labels(*labels).set(value)
        self.seen |= set(values)


class StoreGauges:
    def __init__(self, sessions: async_sessionmaker, *, clock: Callable[[], datetime] | None = None):
        self._sessions = sessions
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._campaigns = _Family(CAMPAIGNS)
        self._shed = _Family(ESTIMATED_SHED_KW, drop_vanished=True)
        self._outages = _Family(OUTAGES_ACTIVE, [(level, status) for level in OUTAGE_LEVELS
                                                 for status in ACTIVE_STATUSES])
        self._outbox = _Family(OMS_OUTBOX)
        self._oldest = _Family(OMS_OLDEST_PENDING)
        self._task: asyncio.Task | None = None

    async def sample(self) -> None:
        """Read the counts in one session and set the gauges."""
        now = self._clock()
        async with self._sessions() as s:
            campaigns = (await s.execute(select(CampaignRow.program, CampaignRow.state, func.count())
                                         .group_by(CampaignRow.program, CampaignRow.state))).all()
            shed = (await s.execute(
                select(CampaignRow.id, CampaignRow.program, func.coalesce(func.sum(DispatchProgressRow.est_kw), 0.0))
                .select_from(CampaignRow)
                .outerjoin(DispatchProgressRow, (DispatchProgressRow.campaign == CampaignRow.id)
                           & DispatchProgressRow.state.in_(SHEDDING))
                .where(CampaignRow.state.in_(RUNNING))
                .group_by(CampaignRow.id, CampaignRow.program))).all()
            outages = (await s.execute(select(OutageRow.level, OutageRow.status, func.count())
                                       .where(OutageRow.status.in_(ACTIVE_STATUSES))
                                       .group_by(OutageRow.level, OutageRow.status))).all()
            outbox = (await s.execute(select(OmsDeliveryRow.target, OmsDeliveryRow.status, func.count())
                                      .group_by(OmsDeliveryRow.target, OmsDeliveryRow.status))).all()
            oldest = (await s.execute(select(OmsDeliveryRow.target, func.min(OmsDeliveryRow.created_at))
                                      .where(OmsDeliveryRow.status == "pending")
                                      .group_by(OmsDeliveryRow.target))).all()
        self._campaigns.update({(program, state): n for program, state, n in campaigns})
        self._shed.update({(campaign, program): float(kw) for campaign, program, kw in shed})
        self._outages.update({(level, status): n for level, status, n in outages})
        self._outbox.update({(target, status): n for target, status, n in outbox})
        ages = {(target,): max((now - _utc(created)).total_seconds(), 0.0) for target, created in oldest if created}
        self._oldest.update({**{(t,): 0.0 for t, _, _ in outbox}, **ages})

    async def run(self, interval_s: float) -> None:
        while True:
            try:
                await self.sample()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the catalogue may be briefly unavailable: keep sampling
                log.warning("catalogue gauges not sampled", error=repr(exc))
                SAMPLE_ERRORS.set(self._clock().timestamp())
            await asyncio.sleep(interval_s)

    def start(self, interval_s: float) -> None:
        self._task = asyncio.create_task(self.run(interval_s), name="store-gauges")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)
