"""Ending controls on devices whose customer switched away (consumer of ``enrolment.changes``).

A device whose enrolment in a program ended is not dispatched from then on (the topology view no
longer lists the program for it) and any control it is carrying in a running event of that
program is ended: a cancel (restore) EndDeviceControl goes to its head-end and its dispatch record
moves to CANCELLED with the switch as the reason; a record not yet sent becomes
SKIPPED_INELIGIBLE. It uses the dispatcher's store, message builder and publisher, so the
correlation engine sees these controls like any other.
"""
from __future__ import annotations

import json
from datetime import datetime

from prometheus_client import Counter

from orchestrator import topics
from orchestrator.core.campaigns import CampaignState
from orchestrator.core.dispatch import DispatchEventKind, DispatchState
from orchestrator.dispatcher import controls_for, message_id
from orchestrator.iec import build_end_device_controls
from orchestrator.logs import get_logger
from orchestrator.processors.base import Record, Sink

log = get_logger(__name__)

SWITCH_CONTROLS_ENDED = Counter("orchestrator_switch_controls_ended_total",
                                "Device controls ended because the customer switched away, by outcome",
                                ["outcome"])

LIVE = (DispatchState.SENT, DispatchState.ACCEPTED, DispatchState.CONFIRMED, DispatchState.TIMED_OUT)
RUNNING = (CampaignState.SCHEDULED, CampaignState.DISPATCHING, CampaignState.ACTIVE)


class SwitchControls:
    """``sink`` for ``enrolment.changes``; the dispatcher is attached once campaigns are started."""

    def __init__(self, dispatcher=None):
        self.dispatcher = dispatcher

    def as_sink(self) -> Sink:
        return Sink("switch-controls", (topics.ENROLMENT_CHANGES,), self.sink)

    async def sink(self, records: list[Record]) -> None:
        if self.dispatcher is None:
            raise RuntimeError("no dispatcher yet: the batch is retried once campaigns are started")
        for record in records:
            notice = json.loads(record.value)
            await self.end(notice["device"], notice["program"], notice["reason"],
                           datetime.fromisoformat(notice["ended_at"]))

    async def end(self, device: str, program_id: str, reason: str, ended_at: datetime) -> int:
        """End ``device``'s controls in running events of ``program_id``; returns how many."""
        d = self.dispatcher
        program = d.programs.get(program_id)
        if program is None:
            return 0
        ended = 0
        now = d.clock()
        detail = f"customer switched: {reason}"
        for c in await d.store.in_states(list(RUNNING)):
            if c.program != program_id or c.end <= ended_at:
                continue
            async with d._lock(c.id):
                if await d.store.transition_all(c.id, [DispatchState.PENDING], DispatchState.SKIPPED_INELIGIBLE,
                                                DispatchEventKind.SKIP_INELIGIBLE, now, devices=[device],
                                                detail=detail):
                    SWITCH_CONTROLS_ENDED.labels(outcome="skipped").inc()
                    ended += 1
                live = [h for dev, h in await d.store.devices_in_states(c.id, list(LIVE)) if dev == device]
                if not live:
                    continue
                headend = live[0] or ""
                # A stable id per (campaign, device): a redelivered notice re-sends the same message.
                mid = message_id(c.id, f"switch:{device}", 0, headend, 0)
                xml = build_end_device_controls(
                    controls_for(program, c, [(mid, device, headend, now, None)], source=d.source, cancel=True),
                    message_id=mid, correlation_id=mid, source=d.source, timestamp=now,
                    reply_address=d.reply_address, async_reply=d.async_reply, ack_required=True)
                await d.publisher.publish([Record(topics.EDC_OUTBOUND, headend, xml, (
                    ("noun", "EndDeviceControls"), ("campaign", c.id), ("message_id", mid), ("kind", "cancel"),
                    ("devices", "1"), ("actor", "switching")))])
                await d.store.transition_all(c.id, list(LIVE), DispatchState.CANCELLED, DispatchEventKind.CANCEL,
                                             now, devices=[device], message_id=mid, detail=detail)
                SWITCH_CONTROLS_ENDED.labels(outcome="restored").inc()
                log.info("control ended: customer switched", campaign=c.id, device=device, reason=reason)
                ended += 1
        return ended
