"""Turns a due campaign into IEC 61968-9 EndDeviceControls on ``edc.outbound``.

At the campaign's start the dispatcher resolves its targets against the topology of that moment
(``core.campaigns.resolve_targets``), writes one dispatch record per device in bulk — PENDING for
the devices it will control, SKIPPED_INELIGIBLE / SKIPPED_OUTAGE with the reason for the others —
and assigns every PENDING device to a ramp step and to a message: per head-end, at most
``message_size`` devices, with a MessageID derived from campaign, step, head-end and sequence
(uuid5), so a retried or resumed dispatch re-sends the very same messages and head-ends can
dedupe them. Each step then publishes its messages (keyed by head-end) and moves their records
PENDING → SENT in one UPDATE per message. Cancelling sends the program's cancel/restore control
to every device that may have acted on the event.

Records are the outbox: a crash between publishing and marking SENT re-publishes the same
messages (at-least-once, same MessageIDs).
"""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from prometheus_client import Counter, Histogram

from orchestrator import topics
from orchestrator.core.campaigns import Campaign, CampaignState, device_offsets, parse_targets, resolve_targets
from orchestrator.core.dispatch import DispatchEventKind, DispatchState
from orchestrator.core.programs import Program, ProgramKind
from orchestrator.core.topology import TargetKind, TopologyView
from orchestrator.der_dispatch import build_der_group_dispatches, dispatch_mrid
from orchestrator.iec import DemandResponseSettings, EndDeviceControl, build_end_device_controls
from orchestrator.logs import get_logger
from orchestrator.processors.base import Record
from orchestrator.store.campaigns import CampaignStore
from orchestrator.store.models import utcnow

# The correlation engine reads the program of a control from this record header
# (processors.control_index.PROGRAM_HEADER); without it, it guesses from the control code.
PROGRAM_HEADER = "orchestrator.program"

log = get_logger(__name__)
MESSAGE_NS = uuid.UUID("6f3a1e0c-4d1b-5b8e-9a57-3c2d61968009")
PUBLISH_BATCH = 20  # messages per publish call and per SENT transaction
BUILD_AHEAD_BYTES = 256 * 2**20  # first-step XML held while the dispatch records are being written

DISPATCH_MESSAGES = Counter("orchestrator_dispatch_messages_total", "EndDeviceControls messages published",
                            ["kind"])  # start | cancel
DISPATCH_SKIPPED = Counter("orchestrator_dispatch_skipped_devices_total", "Devices skipped at dispatch time",
                           ["reason"])  # ineligible | outage | no_headend
DISPATCH_STEP_SECONDS = Histogram("orchestrator_dispatch_step_seconds",
                                  "From a start/ramp job to the step's last EndDeviceControls published",
                                  buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600))

TopologyLoader = Callable[[], Awaitable[TopologyView]]
OutageLookup = Callable[[], Awaitable[set[str]]]


class Publisher(Protocol):
    """The port (``AppContext.publisher``): the embedded runtime or the KafkaPublisher; returns
    once the records are durable."""

    async def publish(self, records: list[Record] | Record) -> None: ...


def message_id(campaign: str, kind: str, step: int, headend: str, seq: int) -> str:
    return str(uuid.uuid5(MESSAGE_NS, f"{campaign}/{kind}/{step}/{headend}/{seq}"))


@dataclass(frozen=True)
class DispatchPlan:
    """What ``prepare`` decided: how many devices in how many ramp steps, and who was skipped."""

    eligible: int
    skipped_ineligible: int
    skipped_outage: int
    steps: int


def controls_for(program: Program, campaign: Campaign, rows: Sequence[tuple], *, code: str | None = None,
                 source: str = "orchestrator", cancel: bool = False) -> list[EndDeviceControl]:
    """One EndDeviceControl per device: (message_id, device, headend, start, end) rows of one message."""
    level = campaign.level
    price = None
    if program.kind is ProgramKind.PRICE and program.price is not None and level is not None:
        price = program.price.tier(level).price
    dr = None
    if not cancel:
        if program.kind is ProgramKind.LOAD_CONTROL and program.load_control is not None:
            lc = program.load_control
            dr = DemandResponseSettings(
                dutyCycle=float(100 - lc.cycling_percent) if lc.cycling_percent is not None else None,
                criticalityLevel=lc.criticality_level)
        elif program.kind is ProgramKind.DER_SETPOINT and program.der is not None:
            pct = campaign.setpoint_percent if campaign.setpoint_percent is not None else program.der.default_percent
            dr = DemandResponseSettings(avgLoadAdjustment=float(pct) - 100.0)
        elif program.kind is ProgramKind.EV_CHARGING and program.ev is not None:
            pct = campaign.setpoint_percent if campaign.setpoint_percent is not None else program.ev.max_charge_percent
            dr = DemandResponseSettings(avgLoadAdjustment=float(pct) - 100.0)
    out = []
    for _mid, device, _headend, start, end in rows:
        out.append(EndDeviceControl(
            mRID=f"{campaign.id}:{device}" + (":cancel" if cancel else ""),
            EndDeviceControlType=code or (program.controls.cancel if cancel else program.controls.start),
            endDevices=(device,), issuerID=source, issuerTrackingID=campaign.id,
            reason=("cancel: " if cancel else "") + (campaign.reason or program.name),
            drProgramLevel=level, drProgramMandatory=program.mandatory, priceSignal=None if cancel else price,
            start=start, end=None if cancel else end,
            durationMinutes=None if cancel else round((end - start).total_seconds() / 60, 3),
            demandResponse=dr))
    return out


class Dispatcher:
    def __init__(self, store: CampaignStore, programs: dict[str, Program], topology: TopologyLoader,
                 publisher: Publisher, *, message_size: int = 1000, reply_address: str | None = None,
                 async_reply: bool = True, source: str = "orchestrator", in_outage: OutageLookup | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.programs = programs
        self.topology = topology
        self.publisher = publisher
        self.message_size = message_size
        self.reply_address = reply_address
        self.async_reply = async_reply
        self.source = source
        self.in_outage = in_outage
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        # Step 0 rows by message, kept from ``prepare`` so the first send need not read them back.
        self._prepared: dict[str, dict[str, list[tuple]]] = {}
        self._group_plan: dict[str, dict[str, tuple[str, float]]] = {}  # DER group messages: (group, kW)
        self._ready: dict[str, dict[str, Record]] = {}  # step 0 messages built while the records were written

    def _lock(self, campaign_id: str) -> asyncio.Lock:
        return self._locks.setdefault(campaign_id, asyncio.Lock())

    async def _campaign(self, campaign_id: str) -> tuple[Campaign, Program]:
        c = await self.store.get(campaign_id)
        if c is None:
            raise KeyError(f"unknown event {campaign_id}")
        return c, self.programs[c.program]

    # ------------------------------------------------------------------ start
    async def prepare(self, campaign_id: str, view: TopologyView | None = None, *,
                      build_ahead: bool = False) -> DispatchPlan | None:
        """SCHEDULED → DISPATCHING with every dispatch record written; None if not SCHEDULED.

        The records go in as one bulk transaction. With ``build_ahead`` the first step's XML is
        built while the database writes them (up to ``BUILD_AHEAD_BYTES``), and published only
        after they are committed.
        """
        c, program = await self._campaign(campaign_id)
        if c.state is not CampaignState.SCHEDULED:
            return None
        now = self.clock()
        if not await self.store.has_records(c.id):
            view = view or await self.topology()
            outage = await self.in_outage() if self.in_outage else set()
            res = resolve_targets(view, program, parse_targets(c.targets), in_outage=outage)
            eligible = sorted((view.devices[d].headend, d) for d in res.eligible if view.devices[d].headend)
            no_headend = [d for d in res.eligible if not view.devices[d].headend]
            step_size = program.ramp.step_devices if program.ramp else max(len(eligible), 1)
            groups = self._der_groups(c, program, view, [d for _, d in eligible])
            pending = self._pending(c, program, eligible, step_size, groups)
            first: dict[str, list[tuple]] = {}
            for step, mid, device, headend, start_at, end_at in pending:
                if step == 0:
                    first.setdefault(mid, []).append((mid, device, headend, start_at, end_at))
            inserting = asyncio.ensure_future(self.store.insert_records(
                self._record_rows(c, view, res, no_headend, pending, now)))
            try:
                self._ready[c.id] = await self._build_ahead(c, program, first, inserting) if build_ahead else {}
                await inserting
            finally:
                if not inserting.done():
                    inserting.cancel()
            del pending
            self._prepared[c.id] = first
            plan = DispatchPlan(eligible=len(eligible), skipped_ineligible=len(res.ineligible) + len(no_headend),
                                skipped_outage=len(res.in_outage),
                                steps=(len(eligible) + step_size - 1) // step_size if eligible else 0)
            DISPATCH_SKIPPED.labels(reason="ineligible").inc(len(res.ineligible))
            DISPATCH_SKIPPED.labels(reason="no_headend").inc(len(no_headend))
            DISPATCH_SKIPPED.labels(reason="outage").inc(len(res.in_outage))
        else:
            steps = await self.store.steps(c.id)
            roll = await self.store.rollup(c.id)
            plan = DispatchPlan(eligible=sum(roll.values()) - roll["SKIPPED_INELIGIBLE"] - roll["SKIPPED_OUTAGE"],
                                skipped_ineligible=roll["SKIPPED_INELIGIBLE"], skipped_outage=roll["SKIPPED_OUTAGE"],
                                steps=len(steps))
        await self.store.save(c.transition(CampaignState.DISPATCHING, now), expected=CampaignState.SCHEDULED,
                              actor="scheduler", action="dispatch",
                              detail={"eligible": plan.eligible, "skipped_ineligible": plan.skipped_ineligible,
                                      "skipped_outage": plan.skipped_outage, "steps": plan.steps})
        log.info("campaign dispatching", campaign=c.id, eligible=plan.eligible, steps=plan.steps,
                 skipped_ineligible=plan.skipped_ineligible, skipped_outage=plan.skipped_outage)
        return plan

    def _der_groups(self, c: Campaign, program: Program, view: TopologyView,
                    devices: Sequence[str]) -> dict[str, str] | None:
        """For a program dispatched per DER group: each device's group (the first target group it is in),
        and each message's (group, kW) remembered for building DERGroupDispatches."""
        if not (program.der and program.der.dispatch_via == "der_group"):
            return None
        target_groups = [t.id for t in parse_targets(c.targets) if t.kind is TargetKind.GROUP]
        out = {}
        for d in devices:
            out[d] = next((g for g in target_groups if g in view.devices[d].groups), target_groups[0])
        pct = c.setpoint_percent if c.setpoint_percent is not None else program.der.default_percent
        plan: dict[str, tuple[str, float]] = {}
        for d, g in out.items():
            mid = message_id(c.id, f"group:{g}", 0, view.devices[d].headend or "", 0)
            group, kw = plan.get(mid, (g, 0.0))
            plan[mid] = (group, kw + (view.devices[d].rated_kw or 0.0) * pct / 100)
        self._group_plan.setdefault(c.id, {}).update(plan)
        return out

    def _pending(self, c: Campaign, program: Program, eligible: list[tuple[str, str]],
                 step_size: int, groups: dict[str, str] | None = None) -> list[tuple]:
        """(step, message_id, device, headend, start, end) of every device to control, in send order."""
        rnd = program.randomisation
        count: dict[tuple[int, str], int] = {}
        out: list[tuple] = []
        mid = ""
        if groups is not None:  # one DERGroupDispatches per (head-end, group); the group acts as a whole
            for headend, device in eligible:
                out.append((0, message_id(c.id, f"group:{groups[device]}", 0, headend, 0), device, headend,
                            c.start, c.end))
            return out
        for i, (headend, device) in enumerate(eligible):
            step = i // step_size
            key = (step, headend)
            n = count.get(key, 0)
            if n % self.message_size == 0:
                mid = message_id(c.id, "start", step, headend, n // self.message_size)
            count[key] = n + 1
            s_off, e_off = device_offsets(c.id, device, rnd)
            out.append((step, mid, device, headend, c.start + timedelta(seconds=s_off),
                        c.end + timedelta(seconds=e_off)))
        return out

    @staticmethod
    def _record_rows(c: Campaign, view: TopologyView, res, no_headend: list[str], pending: list[tuple],
                     now: datetime):
        """Every dispatch record of the campaign, as rows for the bulk insert (a generator)."""
        base = {"campaign": c.id, "attempt": 0, "step": 0, "deadline": None, "updated_at": now,
                "cause_message_id": None, "message_id": None, "start_at": None, "end_at": None}
        skip_i, skip_o = DispatchState.SKIPPED_INELIGIBLE.value, DispatchState.SKIPPED_OUTAGE.value
        for device, reason in sorted(res.ineligible.items()):
            yield {**base, "device": device, "state": skip_i, "headend": view.devices[device].headend,
                   "cause": DispatchEventKind.SKIP_INELIGIBLE.value, "detail": reason}
        for device in no_headend:
            yield {**base, "device": device, "state": skip_i, "headend": None,
                   "cause": DispatchEventKind.SKIP_INELIGIBLE.value, "detail": "no head-end serves it"}
        for device in sorted(res.in_outage):
            yield {**base, "device": device, "state": skip_o, "headend": view.devices[device].headend,
                   "cause": DispatchEventKind.SKIP_OUTAGE.value, "detail": "in an active outage at dispatch time"}
        pending_state = DispatchState.PENDING.value
        for step, mid, device, headend, start_at, end_at in pending:
            yield {**base, "device": device, "state": pending_state, "headend": headend, "step": step,
                   "message_id": mid, "start_at": start_at, "end_at": end_at, "cause": None, "detail": ""}

    async def _build_ahead(self, c: Campaign, program: Program, first: dict[str, list[tuple]],
                           inserting: asyncio.Future) -> dict[str, Record]:
        """Build first-step messages while the records are being inserted (CPU here, I/O in the
        driver's thread), yielding to the insert between messages; stop when it is done or the
        bytes held reach ``BUILD_AHEAD_BYTES``."""
        ready: dict[str, Record] = {}
        held = 0
        for mid in sorted(first):
            if inserting.done() or held >= BUILD_AHEAD_BYTES:
                break
            record = self._messages(c, program, sorted(first[mid], key=lambda r: r[1]), verb_kind="start",
                                    actor="scheduler")[0]
            ready[mid] = record
            held += len(record.value)
            await asyncio.sleep(0)
        return ready

    async def send_step(self, campaign_id: str, step: int) -> int:
        """Publish the PENDING messages of one ramp step; DISPATCHING → ACTIVE after the last step."""
        with DISPATCH_STEP_SECONDS.time():
            return await self._send_step(campaign_id, step)

    async def _send_step(self, campaign_id: str, step: int) -> int:
        async with self._lock(campaign_id):
            c, program = await self._campaign(campaign_id)
            if c.state is not CampaignState.DISPATCHING:
                return 0
            sent = await self._send_pending(c, program, step)
            if not await self.store.pending_message_ids(c.id):
                await self.store.save(c.transition(CampaignState.ACTIVE, self.clock()),
                                      expected=CampaignState.DISPATCHING, actor="scheduler", action="active")
            return sent

    async def start(self, campaign_id: str) -> DispatchPlan | None:
        """The start job: prepare, then send step 0 (later steps are the scheduler's ramp jobs)."""
        async with self._lock(campaign_id):
            plan = await self.prepare(campaign_id, build_ahead=True)
        if plan is None:
            return None
        await self.send_step(campaign_id, 0)
        return plan

    async def _send_pending(self, c: Campaign, program: Program, step: int | None) -> int:
        """Publish PENDING messages in batches, then mark them SENT.

        Pipelined: while one batch's XML is built (CPU, this thread), the next batch's records are
        read and the previous batch's SENT update is written by the database driver's threads.
        A batch is marked SENT only after ``publish`` returned for it.
        """
        mids = await self.store.pending_message_ids(c.id, step)
        chunks = [mids[i:i + PUBLISH_BATCH] for i in range(0, len(mids), PUBLISH_BATCH)]
        if not chunks:
            return 0
        reply_timeout = timedelta(seconds=program.acknowledgement.reply_timeout_s)
        published = 0
        cached = self._prepared.pop(c.id, {}) if step in (0, None) else {}
        ready = self._ready.pop(c.id, {}) if step in (0, None) else {}

        async def read(chunk: list[str]) -> list[tuple]:
            if all(m in cached for m in chunk):
                return [row for m in chunk for row in sorted(cached.pop(m), key=lambda r: r[1])]
            return await self.store.records_of_messages(c.id, chunk)

        reading = asyncio.ensure_future(read(chunks[0]))
        marking: asyncio.Future | None = None
        try:
            for k, chunk in enumerate(chunks):
                rows = await reading
                if k + 1 < len(chunks):
                    reading = asyncio.ensure_future(read(chunks[k + 1]))
                if program.der and program.der.dispatch_via == "der_group":
                    await self._ensure_group_plan(c, program, rows)
                prebuilt = [ready.pop(m) for m in chunk if m in ready]
                built = {p.header("message_id") for p in prebuilt}
                todo = [r for r in rows if r[0] not in built] if built else rows
                records = prebuilt + self._messages(c, program, todo, verb_kind="start", actor="scheduler")
                await self.publisher.publish(records)
                if marking is not None:
                    await marking
                now = self.clock()
                marking = asyncio.ensure_future(self.store.mark_sent(c.id, chunk, now, now + reply_timeout))
                published += len(records)
                DISPATCH_MESSAGES.labels(kind="start").inc(len(records))
            await marking
        finally:
            for task in (reading, marking):
                if task is not None and not task.done():
                    task.cancel()
        return published

    async def _ensure_group_plan(self, c: Campaign, program: Program, rows: Sequence[tuple]) -> None:
        """After a restart the (group, kW) of DER group messages is rebuilt from the topology."""
        known = self._group_plan.get(c.id, {})
        if all(r[0] in known for r in rows):
            return
        view = await self.topology()
        self._der_groups(c, program, view, [r[1] for r in rows if r[1] in view.devices])

    def _messages(self, c: Campaign, program: Program, rows: Sequence[tuple], *, verb_kind: str, actor: str,
                  cancel: bool = False) -> list[Record]:
        # Who caused the message and who created the event go with it, for the audit row of its send.
        cause = (("actor", actor), ("requested_by", c.created_by or ""))
        records: list[Record] = []
        start = 0
        while start < len(rows):
            mid = rows[start][0]
            end = start
            while end < len(rows) and rows[end][0] == mid:
                end += 1
            group = rows[start:end]
            headend = group[0][2]
            der_group = self._group_plan.get(c.id, {}).get(mid) if not cancel else None
            if der_group is not None:
                xml = build_der_group_dispatches(
                    dispatch_mrid=dispatch_mrid(c.id, headend, der_group[0]), group=der_group[0], kw=der_group[1],
                    start=c.start, minutes=max(1, round(c.duration.total_seconds() / 60)),
                    mode=program.der.mode if program.der else "export_limit", message_id=mid, source=self.source,
                    reply_address=self.reply_address, async_reply=self.async_reply, timestamp=self.clock())
                records.append(Record(topics.EDC_OUTBOUND, headend, xml,
                                      (("noun", "DERGroupDispatches"), ("campaign", c.id), ("message_id", mid),
                                       ("kind", verb_kind), ("devices", str(len(group))),
                                       (PROGRAM_HEADER, program.id)) + cause))
                start = end
                continue
            xml = build_end_device_controls(
                controls_for(program, c, group, source=self.source, cancel=cancel), message_id=mid,
                correlation_id=mid, source=self.source, timestamp=self.clock(), reply_address=self.reply_address,
                async_reply=self.async_reply, ack_required=True)
            records.append(Record(topics.EDC_OUTBOUND, headend, xml,
                                  (("noun", "EndDeviceControls"), ("campaign", c.id), ("message_id", mid),
                                   ("kind", verb_kind), ("devices", str(len(group))),
                                   (PROGRAM_HEADER, program.id)) + cause))
            start = end
        return records

    # ------------------------------------------------------------------ end and cancel
    async def end(self, campaign_id: str) -> bool:
        """The end job: ACTIVE → ENDING, taking-part devices ENDED, → COMPLETED."""
        async with self._lock(campaign_id):
            c, _ = await self._campaign(campaign_id)
            now = self.clock()
            if c.state is CampaignState.DISPATCHING:  # ramp still running at the end: finish it as it stands
                c2 = c.transition(CampaignState.ACTIVE, now)
                await self.store.save(c2, expected=c.state, actor="scheduler", action="active")
                c = c2
            if c.state is not CampaignState.ACTIVE:
                return False
            ending = c.transition(CampaignState.ENDING, now)
            await self.store.save(ending, expected=CampaignState.ACTIVE, actor="scheduler", action="ending")
            await self.store.transition_all(c.id, [DispatchState.PENDING], DispatchState.CANCELLED,
                                            DispatchEventKind.CANCEL, now, detail="event ended before dispatch")
            await self.store.transition_all(c.id, [DispatchState.ACCEPTED, DispatchState.CONFIRMED],
                                            DispatchState.ENDED, DispatchEventKind.ENDED, now)
            await self.store.save(ending.transition(CampaignState.COMPLETED, now), expected=CampaignState.ENDING,
                                  actor="scheduler", action="completed", detail={"rollup": await self.store.rollup(c.id)})
            return True

    async def cancel(self, campaign_id: str, actor: str, reason: str = "") -> Campaign:
        """Cancel before or during the event; during it, send cancel/restore controls."""
        async with self._lock(campaign_id):
            c, program = await self._campaign(campaign_id)
            now = self.clock()
            cancelled = c.transition(CampaignState.CANCELLED, now)  # raises for ENDING/COMPLETED/CANCELLED
            await self.store.save(cancelled, expected=c.state, actor=actor, action="cancel",
                                  detail={"reason": reason, "was": c.state.value})
            await self.finish_cancel(cancelled, program, reason, actor=actor)
            return cancelled

    async def finish_cancel(self, c: Campaign, program: Program, reason: str = "", *, actor: str = "scheduler") -> int:
        """PENDING → CANCELLED; cancel controls to devices that may have acted, then → CANCELLED."""
        now = self.clock()
        await self.store.transition_all(c.id, [DispatchState.PENDING], DispatchState.CANCELLED,
                                        DispatchEventKind.CANCEL, now, detail=reason or "event cancelled")
        live = [DispatchState.SENT, DispatchState.ACCEPTED, DispatchState.CONFIRMED, DispatchState.TIMED_OUT]
        targets = await self.store.devices_in_states(c.id, live)
        by_headend: dict[str, list[str]] = {}
        for device, headend in targets:
            by_headend.setdefault(headend or "", []).append(device)
        sent = 0
        for headend, devices in by_headend.items():
            for seq, i in enumerate(range(0, len(devices), self.message_size)):
                part = devices[i:i + self.message_size]
                mid = message_id(c.id, "cancel", 0, headend, seq)
                rows = [(mid, d, headend, now, None) for d in part]
                await self.publisher.publish(self._messages(c, program, rows, verb_kind="cancel", actor=actor,
                                                            cancel=True))
                DISPATCH_MESSAGES.labels(kind="cancel").inc()
                await self.store.transition_all(c.id, live, DispatchState.CANCELLED, DispatchEventKind.CANCEL, now,
                                                devices=part, message_id=mid, detail=reason or "event cancelled")
                sent += 1
        log.info("campaign cancelled", campaign=c.id, cancel_messages=sent, devices=len(targets))
        return sent

    async def resume(self) -> None:
        """After a restart: finish interrupted cancels and re-send steps that were due but not sent."""
        for c in await self.store.in_states([CampaignState.CANCELLED]):
            if c.program in self.programs and await self.store.devices_in_states(
                    c.id, [DispatchState.PENDING, DispatchState.SENT, DispatchState.ACCEPTED,
                           DispatchState.CONFIRMED, DispatchState.TIMED_OUT]):
                await self.finish_cancel(c, self.programs[c.program], "cancel resumed after restart")
