"""Applying master data from the CIS/MDM: item by item, with an IEC reply that says what happened.

Each item (one Meter, UsagePoint, Customer, CustomerAgreement or linkage) is applied in its own
transaction, so one bad item never undoes the others: the reply is OK when all succeed, PARTIAL
listing the failed items (``Reply/Error/ID`` with objectType) when some do, FAILED when none do
or the message itself is unusable. A reference to an unknown meter, usage point or customer
fails its item with code 6.2 naming the reference.

Items with an effective date in the future are checked now and kept in ``masterdata_pending``;
``apply_due(now)`` applies them when due. Customer switches (move-in, move-out, supplier change)
end or transfer enrolments at the effective date, announce each ended enrolment on
``enrolment.changes`` (the dispatcher ends any active control on that device from it), and
request the switching read: a GetMeterReadings on ``edc.outbound`` whose answer is stored as the
closing read of the old agreement and the opening read of the new one, or an estimate flagged as
such when the meter has not answered by the deadline.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator import topics
from orchestrator.iec import IecError, ItemFailure, Message, failed_reply, ok_reply, parse_message, partial_reply
from orchestrator.iec import errors as iec_errors
from orchestrator.logs import get_logger
from orchestrator.masterdata.items import SUPPORTED_NOUNS, SUPPORTED_VERBS, Item, ItemError, Ref, read_items
from orchestrator.masterdata.metrics import MASTERDATA_ITEMS, SWITCHES, SWITCHING_READS
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.readings import reading_types
from orchestrator.readings.messages import build_get_meter_readings
from orchestrator.store import masterdata as db
from orchestrator.store.models import utcnow
from orchestrator.store.readings import ReadingStore

log = get_logger(__name__)

Publish = Callable[[list[Record]], Awaitable[None]]

ON_REQUEST = "on-request"  # reason of a read an operator asked for (not a switch)

_CODES = {"not_found": iec_errors.OBJECT_NOT_FOUND, "business_rule": iec_errors.BUSINESS_RULE,
          "unreadable": iec_errors.PAYLOAD_INVALID}


@dataclass
class SwitchingPolicy:
    read_timeout: timedelta = timedelta(minutes=15)  # how long a meter has to answer a switching read
    transfer_on_supplier_change: bool = True  # keep a customer's programs across a supplier change


class MasterData:
    """The master-data service: ``apply(message)`` for the IEC endpoint and the topic, ``apply_due``."""

    def __init__(self, sessions: async_sessionmaker, *, publish: Publish | None = None,
                 readings: ReadingStore | None = None, policy: SwitchingPolicy | None = None,
                 clock: Callable[[], datetime] = utcnow,
                 report_bad: Callable[[list[DeadLetter]], Awaitable[None]] | None = None):
        self._sessions = sessions
        self._report_bad = report_bad
        self._publish = publish
        self._readings = readings
        self.policy = policy or SwitchingPolicy()
        self._clock = clock

    # ---------------------------------------------------------------------------------- in

    async def apply(self, data: bytes, *, now: datetime | None = None) -> Message:
        """Apply one master-data message; returns the IEC reply (never raises for bad input)."""
        now = now or self._clock()
        try:
            message = parse_message(data)
        except IecError as exc:
            await self._log(None, "?", "?", "FAILED", 0, 0, exc.text, data)
            return failed_reply(None, exc, noun="MasterDataLinkageConfig")
        header = message.Header
        verb = (message.verb or "").lower()
        documents = [d for d in message.payload_documents() if d.noun in SUPPORTED_NOUNS]
        noun = documents[0].noun if documents else (message.noun or "?")
        message_id = header.MessageID if header else None
        if verb not in SUPPORTED_VERBS:
            return await self._reject(message, noun, verb, data, IecError(
                iec_errors.BAD_VERB, f"verb {verb or '(none)'} is not accepted for master data; "
                                     f"use one of {', '.join(sorted(SUPPORTED_VERBS))}"))
        if not documents:
            return await self._reject(message, noun, verb, data, IecError(
                iec_errors.UNSUPPORTED_NOUN, f"no master-data payload ({', '.join(sorted(SUPPORTED_NOUNS))})"))
        items: list[tuple[str, Item]] = []
        for doc in documents:
            try:
                items += [(doc.noun, i) for i in read_items(doc.noun, doc.element(), verb)]
            except (ItemError, IecError) as exc:
                return await self._reject(message, noun, verb, data, IecError(iec_errors.PAYLOAD_INVALID, str(exc)))
        if not items:
            return await self._reject(message, noun, verb, data, IecError(
                iec_errors.PAYLOAD_MISSING, f"{noun} names no object"))
        if message_id and await self._already_applied(message_id, noun, verb):
            MASTERDATA_ITEMS.labels(noun=noun, verb=verb, outcome="duplicate").inc()
            return ok_reply(message)  # at-least-once delivery: applied before, answered OK again

        failures: list[ItemFailure] = []
        for n, (item_noun, item) in enumerate(items, start=1):
            if not item.ref.given:
                item.ref = Ref(name=f"{item.object_type}[{n}]")  # named by position in the reply
            failure = await self._apply_item(item_noun, verb, item, now, message_id)
            MASTERDATA_ITEMS.labels(noun=item_noun, verb=verb, outcome="failed" if failure else "applied").inc()
            if failure:
                failures.append(failure)
        detail = "; ".join(f.details or f.id for f in failures)
        if not failures:
            reply = ok_reply(message)
            result = "OK"
        elif len(failures) < len(items):
            reply = partial_reply(message, failures)
            result = "PARTIAL"
        else:
            first = failures[0]
            reply = failed_reply(message, first.error, first.details, failures=failures)
            result = "FAILED"
        await self._log(message_id, noun, verb, result, len(items), len(failures), detail,
                        None if result == "OK" else data)
        return reply

    async def sink(self, records: list[Record]) -> None:
        """Consumer of ``masterdata.inbound``: replies are logged (``masterdata_log``), not lost."""
        bad: list[DeadLetter] = []
        for record in records:
            reply = await self.apply(record.value)
            result = reply.Reply.Result.value if reply.Reply else None
            log.info("master data applied", key=record.key, result=result)
            if result == "FAILED":  # nothing applied: also a dead letter, like any message refused
                first = reply.Reply.Error[0]
                bad.append(DeadLetter(source_topic=topics.MASTERDATA_INBOUND,
                                      reason=first.details or first.reason or "", code=first.code, key=record.key,
                                      message_id=record.header("iec.message_id"), processor="masterdata-store",
                                      payload=record.value.decode("utf-8", "replace")[:65536]))
        if bad and self._report_bad is not None:
            await self._report_bad(bad)

    async def _reject(self, message: Message, noun: str, verb: str, data: bytes, error: IecError) -> Message:
        await self._log(message.Header.MessageID if message.Header else None, noun, verb, "FAILED", 0, 0,
                        error.text, data)
        MASTERDATA_ITEMS.labels(noun=noun if noun in SUPPORTED_NOUNS else "other", verb=verb
                                if verb in SUPPORTED_VERBS else "other", outcome="rejected").inc()
        return failed_reply(message, error)

    async def _already_applied(self, message_id: str, noun: str, verb: str) -> bool:
        """A message (same MessageID, noun and verb) applied before, OK or PARTIAL; a FAILED one may
        be resent once the CIS has fixed what it referred to."""
        async with self._sessions() as s:
            return await db.applied_before(s, message_id, noun, verb)

    async def view(self, at: datetime | None = None):
        """The topology as it stood at ``at`` (default now), straight from the catalogue (not cached)."""
        from orchestrator.store.topology import TopologyStore

        return await TopologyStore(self._sessions).load_view(at)

    async def log(self, *, result: str | None = None, limit: int = 100) -> list[dict]:
        """The latest master-data messages and what was answered, newest first."""
        async with self._sessions() as s:
            rows = await db.recent_log(s, result=result, limit=limit)
        return [{"id": r.id, "message_id": r.message_id, "noun": r.noun, "verb": r.verb, "result": r.result,
                 "items": r.items, "failed": r.failed, "detail": r.detail,
                 "received_at": r.received_at.isoformat()} for r in rows]

    async def _log(self, message_id, noun, verb, result, items, failed, detail, data) -> None:
        async with self._sessions() as s, s.begin():
            await db.add_log(s, message_id=message_id, noun=noun[:60], verb=verb[:20], result=result, items=items,
                             failed=failed, detail=detail[:4000],
                             request=data.decode("utf-8", "replace") if data is not None else None)

    # ----------------------------------------------------------------------------- items

    async def _apply_item(self, noun: str, verb: str, item: Item, now: datetime,
                          message_id: str | None) -> ItemFailure | None:
        if item.problem:
            return ItemFailure(id=str(item.ref), error=iec_errors.PAYLOAD_INVALID,
                               details=f"{item.object_type} {item.ref}: {item.problem}", objectType=item.object_type)
        at = item.effective_at or now
        verb = item.verb or verb
        effects = db.Effects()
        try:
            async with self._sessions() as s, s.begin():
                if at > now:
                    await self._check_refs(s, verb, item, now)
                    await db.add_pending(s, at, noun, verb, item.to_json(), message_id)
                else:
                    await self._dispatch(s, verb, item, at, now, effects)
                    await self._record_reads(s, effects)
        except db.Rejected as exc:
            return ItemFailure(id=exc.ref or str(item.ref), error=_CODES[exc.code], details=exc.text,
                               objectType=exc.object_type or item.object_type)
        await self._announce(effects)
        return None

    async def _check_refs(self, s, verb: str, item: Item, now: datetime) -> None:
        """Future-dated items: the references they need must exist when they are accepted."""
        f = item.fields
        if item.kind == "device" and verb != "create":
            await db.find_device(s, item.ref.mrid, item.ref.name, item.object_type)
        if item.kind == "usage_point" and verb != "create":
            await db.find_usage_point(s, item.ref.mrid, item.ref.name)
        if item.kind == "customer" and verb != "create":
            await db.find_customer(s, item.ref.mrid, item.ref.name)
        if item.kind == "agreement":
            if verb == "create":
                if not f["usage_points"] or not f["customer"].given:
                    raise db.Rejected("unreadable", f"CustomerAgreement {item.ref} needs a Customer and a "
                                      "UsagePoint", "CustomerAgreement", str(item.ref))
                await db.find_customer(s, f["customer"].mrid, f["customer"].name)
                for up in f["usage_points"]:
                    await db.find_usage_point(s, up.mrid, up.name)
            else:
                await db.find_agreement(s, item.ref.mrid)
        if item.kind == "linkage":
            for ref in f.get("meters", []):
                await db.find_device(s, ref.mrid, ref.name, "Meter")
            for ref in f.get("end_devices", []):
                await db.find_device(s, ref.mrid, ref.name, "EndDevice")
            for ref in f.get("usage_points", []):
                await db.find_usage_point(s, ref.mrid, ref.name)
            if f.get("customer"):
                await db.find_customer(s, f["customer"].mrid, f["customer"].name)
            if f.get("agreement") and (verb != "create" or not f.get("customer")):
                await db.find_agreement(s, f["agreement"].mrid)

    async def _dispatch(self, s, verb: str, item: Item, at: datetime, now: datetime, effects: db.Effects) -> None:
        handler = {"device": self._device, "usage_point": self._usage_point, "customer": self._customer,
                   "agreement": self._agreement, "linkage": self._linkage}[item.kind]
        await handler(s, verb, item, at, now, effects)

    async def _device(self, s, verb, item: Item, at, now, effects) -> None:
        f = item.fields
        if verb == "create":
            mrid = item.ref.mrid or item.ref.name
            up = None
            if f.get("usage_point"):
                up = await db.find_usage_point(s, f["usage_point"].mrid, f["usage_point"].name)
            await db.upsert_device(s, mrid, {k: f.get(k) for k in ("kind", "headend", "vendor", "serial_number",
                                                                   "rated_kw", "name")})
            if up:
                await db.link_device(s, mrid, up, at)
            await db.add_groups(s, mrid, f.get("groups") or [])
            return
        device = await db.find_device(s, item.ref.mrid, item.ref.name, item.object_type)
        if verb == "change":
            values = {k: f.get(k) for k in ("headend", "vendor", "serial_number", "rated_kw", "name")}
            if item.ref.mrid is None:
                values.pop("name")  # identified by name: the name is not changed
            await db.upsert_device(s, device, values)
            await db.add_groups(s, device, f.get("groups") or [])
            if f.get("usage_point"):
                await db.link_device(s, device, await db.find_usage_point(s, f["usage_point"].mrid,
                                                                          f["usage_point"].name), at)
        elif verb in ("close", "delete"):
            await db.retire_device(s, device, at, effects)
        elif verb == "cancel":
            await db.delete_device(s, device)

    async def _usage_point(self, s, verb, item: Item, at, now, effects) -> None:
        f = item.fields
        transformer = await db.find_transformer(s, f["transformer"].mrid) if f.get("transformer") else None
        if verb == "create":
            await db.upsert_usage_point(s, item.ref.mrid or item.ref.name, f.get("name"), transformer, False)
            return
        up = await db.find_usage_point(s, item.ref.mrid, item.ref.name)
        if verb == "change":
            await db.upsert_usage_point(s, up, f.get("name") if item.ref.mrid else None, transformer, True)
        elif verb in ("close", "delete"):
            await db.close_usage_point(s, up, at, effects)
        elif verb == "cancel":
            await db.delete_usage_point(s, up)

    async def _customer(self, s, verb, item: Item, at, now, effects) -> None:
        if verb == "create":
            await db.upsert_customer(s, item.ref.mrid or item.ref.name, item.fields.get("name"), False)
            return
        customer = await db.find_customer(s, item.ref.mrid, item.ref.name)
        if verb == "change":
            await db.upsert_customer(s, customer, item.fields.get("name"), True)
        elif verb in ("close", "delete"):
            await db.close_customer(s, customer, at, effects)
        elif verb == "cancel":
            await db.delete_customer(s, customer)

    async def _agreement(self, s, verb, item: Item, at, now, effects) -> None:
        f = item.fields
        if verb == "create":
            if not f["usage_points"] or not f["customer"].given:
                raise db.Rejected("unreadable", f"CustomerAgreement {item.ref} needs a Customer and a UsagePoint",
                                  "CustomerAgreement", str(item.ref))
            customer = await db.find_customer(s, f["customer"].mrid, f["customer"].name)
            up = await db.find_usage_point(s, f["usage_points"][0].mrid, f["usage_points"][0].name)
            switch = await db.start_agreement(s, item.ref.mrid or item.ref.name, customer, up, f.get("supplier"),
                                              f.get("programs") or [], at, effects,
                                              transfer_on_supplier_change=self.policy.transfer_on_supplier_change)
            SWITCHES.labels(kind=switch).inc()
            return
        agreement = await db.find_agreement(s, item.ref.mrid)
        if verb == "change":
            if f.get("supplier") and f["supplier"] != agreement.supplier:
                raise db.Rejected("business_rule", f"CustomerAgreement {agreement.mrid}: a supplier change is a new "
                                  "CustomerAgreement (create), not a change", "CustomerAgreement", agreement.mrid)
            await db._enrol(s, agreement.mrid, agreement.usage_point, f.get("programs") or [], at)
        elif verb in ("close", "delete"):
            await db.end_agreement(s, agreement, at, "move-out", effects)
            SWITCHES.labels(kind="move-out").inc()
        elif verb == "cancel":
            await db.cancel_agreement(s, agreement, now)

    async def _linkage(self, s, verb, item: Item, at, now, effects) -> None:
        f = item.fields
        meters = [await db.find_device(s, r.mrid, r.name, "Meter") for r in f.get("meters", [])]
        end_devices = [await db.find_device(s, r.mrid, r.name, "EndDevice") for r in f.get("end_devices", [])]
        ups = [await db.find_usage_point(s, r.mrid, r.name) for r in f.get("usage_points", [])]
        if len(ups) > 1 and (meters or end_devices):
            raise db.Rejected("business_rule", "a device is linked to one UsagePoint at a time", "UsagePoint", ups[1])
        up = ups[0] if ups else None
        transformer = await db.find_transformer(s, f["transformer"].mrid) if f.get("transformer") else None
        customer = await db.find_customer(s, f["customer"].mrid, f["customer"].name) if f.get("customer") else None
        agreement_ref: Ref | None = f.get("agreement")
        if verb == "create":
            target = up
            if target is None and meters:
                target = await db.current_usage_point(s, meters[0], at)
                if target is None:
                    raise db.Rejected("business_rule", f"Meter {meters[0]} is not installed at a usage point",
                                      "Meter", meters[0])
            for device in (end_devices + meters) if up else end_devices:
                await db.link_device(s, device, target, at)
            if transformer and up:
                await db.upsert_usage_point(s, up, None, transformer, True)
            if agreement_ref:
                if up is None:
                    raise db.Rejected("business_rule", "a CustomerAgreement linkage needs a UsagePoint",
                                      "CustomerAgreement", str(agreement_ref))
                if customer is None:
                    customer = (await db.find_agreement(s, agreement_ref.mrid)).customer
                switch = await db.start_agreement(s, agreement_ref.mrid or agreement_ref.name, customer, up,
                                                  f.get("supplier"), [], at, effects,
                                                  transfer_on_supplier_change=self.policy.transfer_on_supplier_change)
                SWITCHES.labels(kind=switch).inc()
        elif verb in ("close", "delete"):
            for device in end_devices + meters:
                if not await db.unlink_device(s, device, up, at) and up:
                    raise db.Rejected("not_found", f"no current link of {device} to UsagePoint {up}",
                                      "MasterDataLinkageConfig", device)
            if agreement_ref:
                await db.end_agreement(s, await db.find_agreement(s, agreement_ref.mrid), at, "move-out", effects)
                SWITCHES.labels(kind="move-out").inc()
        elif verb == "cancel":
            for device in end_devices + meters:
                await db.cancel_link(s, device, up, item.effective_at)
            if agreement_ref:
                await db.cancel_agreement(s, await db.find_agreement(s, agreement_ref.mrid), now)

    # ------------------------------------------------------------------------ switching reads

    async def _record_reads(self, s, effects: db.Effects) -> None:
        for read in effects.reads:
            request_id = f"switch-{uuid.uuid4()}"
            read.request_id = request_id
            await db.add_switching_read(s, request_id, read, reading_types.KWH_REGISTER_DELIVERED,
                                        read.effective_at + self.policy.read_timeout)

    async def _announce(self, effects: db.Effects) -> None:
        """After commit: the switching reads go out, ended enrolments are announced."""
        records: list[Record] = []
        for read in effects.reads:
            request_id = read.request_id
            body = build_get_meter_readings([read.device], reading_types=[reading_types.KWH_REGISTER_DELIVERED],
                                            message_id=request_id)
            records.append(Record(topic=topics.EDC_OUTBOUND, key=read.headend or "default", value=body,
                                  headers=(("iec.noun", "GetMeterReadings"), ("iec.verb", "get"),
                                           ("iec.message_id", request_id), ("device", read.device))))
            SWITCHING_READS.labels(outcome="requested").inc()
        for ended in effects.ended:
            records.append(Record(topic=topics.ENROLMENT_CHANGES, key=ended.device, value=json.dumps({
                "device": ended.device, "program": ended.program, "agreement": ended.agreement,
                "ended_at": ended.ended_at.isoformat(), "reason": ended.reason}).encode()))
        if records and self._publish is not None:
            await self._publish(records)
        elif records:
            log.warning("no publisher: switching reads and enrolment changes not sent", records=len(records))

    async def request_read(self, device: str, *, now: datetime | None = None,
                           timeout: timedelta | None = None) -> str:
        """An on-request read of one meter (GetMeterReadings on ``edc.outbound``, to its head-end).

        Returns the request id (the message's MessageID); the MeterReadings answering it, correlated by
        CorrelationID, completes it (``read_status``), else it times out after ``timeout``.
        """
        now = now or self._clock()
        async with self._sessions() as s, s.begin():
            mrid = await db.find_device(s, device, None, "EndDevice")
            headend = await db.device_headend(s, mrid)
            up = await db.current_usage_point(s, mrid, now)
            read = db.ReadRequest(mrid, headend, up or "", now, None, None, ON_REQUEST)
            read.request_id = f"read-{uuid.uuid4()}"
            await db.add_switching_read(s, read.request_id, read, reading_types.KWH_REGISTER_DELIVERED,
                                        now + (timeout or self.policy.read_timeout))
        await self._announce(db.Effects(reads=[read]))
        return read.request_id

    async def read_status(self, request_id: str) -> dict | None:
        """A read request (on-request or switching) as JSON, or None when unknown."""
        async with self._sessions() as s:
            row = await db.switching_read(s, request_id)
        if row is None:
            return None
        return {"request_id": row.request_id, "device": row.device, "headend": row.headend, "reason": row.reason,
                "status": row.status, "reading_type": row.reading_type, "value": row.value,
                "estimated": row.estimated, "effective_at": row.effective_at.isoformat(),
                "deadline": row.deadline.isoformat(), "read_at": row.read_at.isoformat() if row.read_at else None,
                "old_agreement": row.old_agreement, "new_agreement": row.new_agreement, "detail": row.detail}

    async def complete_read(self, correlation_id: str, values: list[tuple[str, str, int, float, str | None]],
                            *, failed: bool = False, now: datetime | None = None) -> bool:
        """A MeterReadings answering a switching read: store the closing/opening value.

        Returns False when ``correlation_id`` is not an open switching read. A FAILED answer or one
        without the register value leaves the read open; the deadline then brings the estimate.
        """
        now = now or self._clock()
        async with self._sessions() as s, s.begin():
            row = await db.open_switching_read(s, correlation_id)
            if row is None:
                return False
            value = next((v for d, rt, _ts, v, _q in values if d == row.device and rt == row.reading_type), None)
            if failed or value is None:
                row.detail = "head-end answered FAILED" if failed else "answer carried no register value"
                return True
            row.status, row.value, row.estimated, row.read_at = "read", value, False, now
        SWITCHING_READS.labels(outcome="read").inc()
        return True

    async def _estimate_overdue(self, now: datetime) -> int:
        """Switching reads past their deadline: estimate from the last register read plus interval energy."""
        async with self._sessions() as s, s.begin():
            overdue = await db.overdue_switching_reads(s, now)
            for row in overdue:
                row.read_at = now
                if row.reason == ON_REQUEST:  # an operator's read is not estimated: it timed out
                    row.status, row.detail = "timed_out", "no answer from the head-end by the deadline"
                    SWITCHING_READS.labels(outcome="timed_out").inc()
                    continue
                estimate, detail = await self._estimate(row.device, row.effective_at)
                if estimate is None:
                    row.status, row.detail = "unavailable", detail
                    SWITCHING_READS.labels(outcome="unavailable").inc()
                else:
                    row.status, row.value, row.estimated, row.detail = "estimated", estimate, True, detail
                    SWITCHING_READS.labels(outcome="estimated").inc()
        return len(overdue)

    async def _estimate(self, device: str, at: datetime) -> tuple[float | None, str]:
        if self._readings is None:
            return None, "no meter answer and no reading store to estimate from"
        last = await self._readings.latest_before(device, reading_types.KWH_REGISTER_DELIVERED, at)
        if last is None:
            return None, "no meter answer and no earlier register read to estimate from"
        energy = await self._readings.total(device, reading_types.KWH_15MIN_DELIVERED, start=last.at, end=at)
        return (round(last.value + energy, 6),
                f"estimated: register {last.value} kWh at {last.at.isoformat()} + {round(energy, 6)} kWh "
                "of interval data")

    # --------------------------------------------------------------------------- scheduler

    async def apply_due(self, now: datetime | None = None) -> int:
        """Apply pending changes whose effective date has come, and estimate overdue switching reads.

        Safe to call from any scheduler at any rate: each change is applied once (marked in the
        same transaction) and a change that fails when due is marked with the reason.
        """
        now = now or self._clock()
        applied = 0
        while True:
            async with self._sessions() as s:
                due = [(r.id, r.noun, r.verb, r.item, r.due_at) for r in await db.due_changes(s, now, limit=200)]
            if not due:
                break
            for change_id, noun, verb, item_json, due_at in due:
                item = Item.from_json(json.loads(item_json))
                effects = db.Effects()
                outcome = "applied"
                try:
                    async with self._sessions() as s, s.begin():
                        await self._dispatch(s, verb, item, due_at, now, effects)
                        await self._record_reads(s, effects)
                        row = await s.get(db.PendingChangeRow, change_id)
                        row.applied_at, row.outcome = now, outcome
                except db.Rejected as exc:
                    outcome = f"failed: {exc.text}"
                    async with self._sessions() as s, s.begin():
                        row = await s.get(db.PendingChangeRow, change_id)
                        row.applied_at, row.outcome = now, outcome
                    log.warning("pending master-data change failed when due", id=change_id, reason=exc.text)
                MASTERDATA_ITEMS.labels(noun=noun, verb=verb, outcome="applied" if outcome == "applied"
                                        else "failed").inc()
                await self._announce(effects)
                applied += 1
        await self._estimate_overdue(now)
        return applied


_default: MasterData | None = None


def configure(service: MasterData | None) -> None:
    """Make ``service`` the one ``apply_masterdata`` uses (the composition root calls this)."""
    global _default
    _default = service


async def apply_masterdata(message_bytes: bytes) -> Message:
    """Apply a master-data message with the configured service; returns the IEC reply model."""
    if _default is None:
        raise RuntimeError("master data service not configured (orchestrator.service.start does it)")
    return await _default.apply(message_bytes)


async def apply_due(now: datetime | None = None) -> int:
    """Apply due future-dated changes with the configured service (for the scheduler)."""
    if _default is None:
        raise RuntimeError("master data service not configured (orchestrator.service.start does it)")
    return await _default.apply_due(now)
