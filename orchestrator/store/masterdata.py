"""Master-data bookkeeping: changes waiting for their effective date, the log of every master-data
message with its reply, and the switching reads taken when a customer switches.

The topology itself (devices, usage points, links, agreements, enrolment) lives in
``store.topology``; ``masterdata.apply`` writes both in one transaction per item.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.store.models import Base, UtcDateTime, utcnow
from orchestrator.store.topology import (
    AgreementRow,
    CustomerRow,
    DeviceLinkRow,
    EndDeviceRow,
    EnrolmentRow,
    GroupMemberRow,
    TransformerRow,
    UsagePointRow,
    _upsert,
)


class PendingChangeRow(Base):
    """One master-data item accepted now and applied at its effective date by ``apply_due``."""

    __tablename__ = "masterdata_pending"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    noun: Mapped[str] = mapped_column(String(60))
    verb: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(Text)  # the parsed item, JSON
    message_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)  # "applied" or the reason it failed when due


Index("ix_masterdata_pending_due", PendingChangeRow.applied_at, PendingChangeRow.due_at)


class MasterDataLogRow(Base):
    """Every master-data message received and what was answered (nothing is lost, even on FAILED)."""

    __tablename__ = "masterdata_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    noun: Mapped[str] = mapped_column(String(60))
    verb: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(10))  # OK / PARTIAL / FAILED
    items: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[str | None] = mapped_column(Text)  # kept when not OK, for replay after a fix
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class SwitchingReadRow(Base):
    """The read taken at a switch: closing read of the old agreement, opening read of the new one."""

    __tablename__ = "switching_read"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(100), unique=True)  # MessageID of the GetMeterReadings
    device: Mapped[str] = mapped_column(String(100), index=True)
    headend: Mapped[str | None] = mapped_column(String(100))
    usage_point: Mapped[str] = mapped_column(String(100))
    effective_at: Mapped[datetime] = mapped_column(UtcDateTime())
    old_agreement: Mapped[str | None] = mapped_column(String(100))
    new_agreement: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(40))  # move-in / move-out / supplier-change
    reading_type: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested/read/estimated/unavailable
    value: Mapped[float | None] = mapped_column(Float)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


Index("ix_switching_read_open", SwitchingReadRow.status, SwitchingReadRow.deadline)


# ------------------------------------------------------------------------------ operations
#
# Functions below run inside the caller's transaction (``masterdata.service`` opens one per item)
# and raise ``Rejected`` for an item that must fail; they never commit.


class Rejected(Exception):
    """An item the catalogue refuses: ``code`` is ``not_found`` or ``business_rule``."""

    def __init__(self, code: str, text: str, object_type: str | None = None, ref: str | None = None):
        super().__init__(text)
        self.code, self.text, self.object_type, self.ref = code, text, object_type, ref


@dataclass(frozen=True)
class EndedEnrolment:
    device: str
    program: str
    agreement: str | None
    ended_at: datetime
    reason: str


@dataclass
class ReadRequest:
    """A switching read to request once the transaction commits."""

    device: str
    headend: str | None
    usage_point: str
    effective_at: datetime
    old_agreement: str | None
    new_agreement: str | None
    reason: str
    request_id: str | None = None  # MessageID of the GetMeterReadings, set when recorded


@dataclass
class Effects:
    """What an applied item causes outside the catalogue, published after commit."""

    ended: list[EndedEnrolment] = field(default_factory=list)
    reads: list[ReadRequest] = field(default_factory=list)


def _current(model, at: datetime):
    return and_(model.valid_from <= at, or_(model.valid_to.is_(None), model.valid_to > at))


def _open_at(model, at: datetime):
    """Rows still valid at ``at`` or starting later (a future-dated end must also cut them)."""
    return or_(model.valid_to.is_(None), model.valid_to > at)


async def find_device(s: AsyncSession, mrid: str | None, name: str | None, object_type: str = "EndDevice") -> str:
    """A device's mRID by mRID, else by name or serial number; unknown raises ``Rejected``."""
    if mrid and await s.get(EndDeviceRow, mrid) is not None:
        return mrid
    if name and not mrid:
        found = (await s.scalars(select(EndDeviceRow.mrid).where(
            or_(EndDeviceRow.name == name, EndDeviceRow.serial_number == name, EndDeviceRow.mrid == name))
            .limit(2))).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Rejected("business_rule", f"{object_type} name {name} is ambiguous", object_type, name)
    raise Rejected("not_found", f"unknown {object_type} {mrid or name}", object_type, mrid or name)


async def find_usage_point(s: AsyncSession, mrid: str | None, name: str | None) -> str:
    if mrid and await s.get(UsagePointRow, mrid) is not None:
        return mrid
    if name and not mrid:
        found = (await s.scalars(select(UsagePointRow.mrid).where(UsagePointRow.name == name).limit(2))).all()
        if len(found) == 1:
            return found[0]
    raise Rejected("not_found", f"unknown UsagePoint {mrid or name}", "UsagePoint", mrid or name)


async def find_customer(s: AsyncSession, mrid: str | None, name: str | None) -> str:
    if mrid and await s.get(CustomerRow, mrid) is not None:
        return mrid
    if name and not mrid:
        found = (await s.scalars(select(CustomerRow.mrid).where(CustomerRow.name == name).limit(2))).all()
        if len(found) == 1:
            return found[0]
    raise Rejected("not_found", f"unknown Customer {mrid or name}", "Customer", mrid or name)


async def find_transformer(s: AsyncSession, mrid: str | None) -> str:
    if mrid and await s.get(TransformerRow, mrid) is not None:
        return mrid
    raise Rejected("not_found", f"unknown TransformerTank {mrid}", "TransformerTank", mrid)


async def find_agreement(s: AsyncSession, mrid: str | None) -> AgreementRow:
    row = await s.get(AgreementRow, mrid) if mrid else None
    if row is None:
        raise Rejected("not_found", f"unknown CustomerAgreement {mrid}", "CustomerAgreement", mrid)
    return row


# -- devices

async def upsert_device(s: AsyncSession, mrid: str, values: dict) -> None:
    row = await s.get(EndDeviceRow, mrid)
    values = {k: v for k, v in values.items() if v is not None}
    if row is None:
        s.add(EndDeviceRow(mrid=mrid, **{"kind": "meter", **values}))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    await s.flush()


async def link_device(s: AsyncSession, device: str, usage_point: str, at: datetime) -> bool:
    """Install ``device`` at ``usage_point`` from ``at``; a current link elsewhere ends at ``at``."""
    links = (await s.scalars(select(DeviceLinkRow).where(DeviceLinkRow.device == device,
                                                         _open_at(DeviceLinkRow, at)))).all()
    if any(link.usage_point == usage_point and link.valid_from <= at for link in links):
        return False  # already linked: a re-delivered create changes nothing
    for link in links:
        if link.valid_from >= at:
            await s.delete(link)
        else:
            link.valid_to = at
    s.add(DeviceLinkRow(device=device, usage_point=usage_point, valid_from=at, valid_to=None))
    await s.flush()
    return True


async def unlink_device(s: AsyncSession, device: str, usage_point: str | None, at: datetime) -> int:
    """End the device's current link (to ``usage_point`` if given) at ``at``; history is kept."""
    query = select(DeviceLinkRow).where(DeviceLinkRow.device == device, _open_at(DeviceLinkRow, at),
                                        DeviceLinkRow.valid_from <= at)
    if usage_point:
        query = query.where(DeviceLinkRow.usage_point == usage_point)
    links = (await s.scalars(query)).all()
    for link in links:
        link.valid_to = at
    return len(links)


async def cancel_link(s: AsyncSession, device: str, usage_point: str | None, at: datetime | None) -> int:
    """Remove links created in error (never valid): those starting at ``at``, else the open ones."""
    query = delete(DeviceLinkRow).where(DeviceLinkRow.device == device)
    if usage_point:
        query = query.where(DeviceLinkRow.usage_point == usage_point)
    query = query.where(DeviceLinkRow.valid_from == at) if at else query.where(DeviceLinkRow.valid_to.is_(None))
    return (await s.execute(query)).rowcount or 0


async def current_usage_point(s: AsyncSession, device: str, at: datetime) -> str | None:
    return (await s.scalars(select(DeviceLinkRow.usage_point).where(DeviceLinkRow.device == device,
                                                                    _current(DeviceLinkRow, at)).limit(1))).first()


async def devices_at(s: AsyncSession, usage_point: str, at: datetime) -> list[tuple[str, str, str | None]]:
    """``(device, kind, headend)`` installed at a usage point at ``at``."""
    rows = await s.execute(select(EndDeviceRow.mrid, EndDeviceRow.kind, EndDeviceRow.headend)
                           .join(DeviceLinkRow, DeviceLinkRow.device == EndDeviceRow.mrid)
                           .where(DeviceLinkRow.usage_point == usage_point, _current(DeviceLinkRow, at))
                           .order_by(EndDeviceRow.mrid))
    return [tuple(r) for r in rows]


async def end_device_enrolments(s: AsyncSession, device: str, at: datetime, reason: str,
                                effects: Effects) -> None:
    for row in (await s.scalars(select(EnrolmentRow).where(EnrolmentRow.device == device,
                                                           _open_at(EnrolmentRow, at)))).all():
        row.valid_to, row.end_reason = at, reason
        effects.ended.append(EndedEnrolment(device, row.program, row.agreement, at, reason))


async def retire_device(s: AsyncSession, device: str, at: datetime, effects: Effects) -> None:
    await unlink_device(s, device, None, at)
    await end_device_enrolments(s, device, at, "device removed", effects)


async def has_history(s: AsyncSession, device: str) -> bool:
    return bool(await s.scalar(select(exists().where(DeviceLinkRow.device == device)))
                or await s.scalar(select(exists().where(EnrolmentRow.device == device))))


async def delete_device(s: AsyncSession, device: str) -> None:
    if await has_history(s, device):
        raise Rejected("business_rule", f"EndDevice {device} has links or enrolments; close it instead of cancel",
                       "EndDevice", device)
    await s.execute(delete(EndDeviceRow).where(EndDeviceRow.mrid == device))


# -- usage points and customers

async def upsert_usage_point(s: AsyncSession, mrid: str, name: str | None, transformer: str | None,
                             must_exist: bool) -> None:
    row = await s.get(UsagePointRow, mrid)
    if row is None:
        if must_exist:
            raise Rejected("not_found", f"unknown UsagePoint {mrid}", "UsagePoint", mrid)
        s.add(UsagePointRow(mrid=mrid, name=name, transformer=transformer))
    else:
        if name is not None:
            row.name = name
        if transformer is not None:
            row.transformer = transformer
    await s.flush()


async def close_usage_point(s: AsyncSession, usage_point: str, at: datetime, effects: Effects) -> None:
    for row in (await s.scalars(select(AgreementRow).where(AgreementRow.usage_point == usage_point,
                                                           _current(AgreementRow, at)))).all():
        await end_agreement(s, row, at, "usage point closed", effects)
    for device, _kind, _headend in await devices_at(s, usage_point, at):
        await unlink_device(s, device, usage_point, at)


async def delete_usage_point(s: AsyncSession, usage_point: str) -> None:
    used = (await s.scalar(select(exists().where(DeviceLinkRow.usage_point == usage_point)))
            or await s.scalar(select(exists().where(AgreementRow.usage_point == usage_point))))
    if used:
        raise Rejected("business_rule", f"UsagePoint {usage_point} has links or agreements; close it instead of cancel",
                       "UsagePoint", usage_point)
    await s.execute(delete(UsagePointRow).where(UsagePointRow.mrid == usage_point))


async def upsert_customer(s: AsyncSession, mrid: str, name: str | None, must_exist: bool) -> None:
    row = await s.get(CustomerRow, mrid)
    if row is None:
        if must_exist:
            raise Rejected("not_found", f"unknown Customer {mrid}", "Customer", mrid)
        s.add(CustomerRow(mrid=mrid, name=name))
    elif name is not None:
        row.name = name
    await s.flush()


async def close_customer(s: AsyncSession, customer: str, at: datetime, effects: Effects) -> None:
    for row in (await s.scalars(select(AgreementRow).where(AgreementRow.customer == customer,
                                                           _current(AgreementRow, at)))).all():
        await end_agreement(s, row, at, "move-out", effects)


async def delete_customer(s: AsyncSession, customer: str) -> None:
    if await s.scalar(select(exists().where(AgreementRow.customer == customer))):
        raise Rejected("business_rule", f"Customer {customer} has agreements; close it instead of cancel",
                       "Customer", customer)
    await s.execute(delete(CustomerRow).where(CustomerRow.mrid == customer))


# -- customer switching

async def _enrolments_of(s: AsyncSession, agreement: AgreementRow, at: datetime) -> list[EnrolmentRow]:
    """Open enrolments under an agreement, plus agreement-less ones of devices at its usage point."""
    devices = [d for d, _k, _h in await devices_at(s, agreement.usage_point, at)]
    cond = EnrolmentRow.agreement == agreement.mrid
    if devices:
        cond = or_(cond, and_(EnrolmentRow.agreement.is_(None), EnrolmentRow.device.in_(devices)))
    return list((await s.scalars(select(EnrolmentRow).where(cond, _open_at(EnrolmentRow, at)))).all())


async def _request_reads(s: AsyncSession, usage_point: str, at: datetime, old: str | None, new: str | None,
                         reason: str, effects: Effects) -> None:
    for device, kind, headend in await devices_at(s, usage_point, at):
        if kind == "meter":
            effects.reads.append(ReadRequest(device, headend, usage_point, at, old, new, reason))


async def end_agreement(s: AsyncSession, agreement: AgreementRow, at: datetime, reason: str, effects: Effects,
                        *, read: bool = True) -> None:
    """Move-out (or the old side of a switch): the agreement and its enrolments end at ``at``."""
    for row in await _enrolments_of(s, agreement, at):
        row.valid_to, row.end_reason = at, f"{reason}: agreement {agreement.mrid} ended"
        effects.ended.append(EndedEnrolment(row.device, row.program, row.agreement, at, row.end_reason))
    if read:
        await _request_reads(s, agreement.usage_point, at, agreement.mrid, None, reason, effects)
    agreement.valid_to = at
    await s.flush()


async def start_agreement(s: AsyncSession, mrid: str, customer: str, usage_point: str, supplier: str | None,
                          programs: list[str], at: datetime, effects: Effects, *,
                          transfer_on_supplier_change: bool = True) -> str:
    """Move-in or supplier change at ``usage_point`` from ``at``; returns the kind of switch.

    Agreements still current there end at ``at``. Same customer, other supplier: a supplier
    change, whose enrolments move to the new agreement when ``transfer_on_supplier_change``,
    else end. Another customer: the previous one moved out; its enrolments end. Devices at the
    usage point are then enrolled in ``programs``. Meters get a switching read.
    """
    existing = await s.get(AgreementRow, mrid)
    if existing is not None:
        if existing.usage_point != usage_point or existing.customer != customer:
            raise Rejected("business_rule", f"CustomerAgreement {mrid} exists for another customer or usage point",
                           "CustomerAgreement", mrid)
        if existing.valid_from <= at and (existing.valid_to is None or existing.valid_to > at):
            await _enrol(s, mrid, usage_point, programs, at)
            return "unchanged"  # a re-delivered create
    previous = (await s.scalars(select(AgreementRow).where(AgreementRow.usage_point == usage_point,
                                                           AgreementRow.mrid != mrid,
                                                           _current(AgreementRow, at)))).all()
    switch = "move-in"
    transfers: list[EnrolmentRow] = []
    for prev in previous:
        same_customer = prev.customer == customer
        switch = "supplier-change" if same_customer else "move-in"
        if same_customer and transfer_on_supplier_change:
            transfers += await _enrolments_of(s, prev, at)
            for row in transfers:
                row.valid_to, row.end_reason = at, f"supplier change: transferred to agreement {mrid}"
            await _request_reads(s, usage_point, at, prev.mrid, mrid, switch, effects)
            prev.valid_to = at
        else:
            await end_agreement(s, prev, at, switch if same_customer else "move-out", effects, read=False)
            await _request_reads(s, usage_point, at, prev.mrid, mrid, switch, effects)
    if not previous:
        await _request_reads(s, usage_point, at, None, mrid, switch, effects)
    if existing is None:
        s.add(AgreementRow(mrid=mrid, customer=customer, usage_point=usage_point, supplier=supplier,
                           valid_from=at, valid_to=None))
    else:
        existing.valid_from, existing.valid_to, existing.supplier = at, None, supplier or existing.supplier
    await s.flush()
    for row in transfers:
        s.add(EnrolmentRow(program=row.program, device=row.device, agreement=mrid, valid_from=at, valid_to=None))
    await _enrol(s, mrid, usage_point, programs, at)
    return switch


async def _enrol(s: AsyncSession, agreement: str, usage_point: str, programs: list[str], at: datetime) -> None:
    if not programs:
        return
    for device, _kind, _headend in await devices_at(s, usage_point, at):
        enrolled = set((await s.scalars(select(EnrolmentRow.program).where(
            EnrolmentRow.device == device, _open_at(EnrolmentRow, at)))).all())
        for program in programs:
            if program not in enrolled:
                s.add(EnrolmentRow(program=program, device=device, agreement=agreement, valid_from=at, valid_to=None))
    await s.flush()


async def cancel_agreement(s: AsyncSession, agreement: AgreementRow, now: datetime) -> None:
    if agreement.valid_from <= now:
        raise Rejected("business_rule", f"CustomerAgreement {agreement.mrid} is already in effect; close it instead",
                       "CustomerAgreement", agreement.mrid)
    await s.execute(delete(EnrolmentRow).where(EnrolmentRow.agreement == agreement.mrid))
    await s.execute(update(AgreementRow).where(AgreementRow.usage_point == agreement.usage_point,
                                               AgreementRow.valid_to == agreement.valid_from).values(valid_to=None))
    await s.delete(agreement)


# -- pending changes, message log, switching reads

async def add_pending(s: AsyncSession, due_at: datetime, noun: str, verb: str, item: dict,
                      message_id: str | None) -> None:
    s.add(PendingChangeRow(due_at=due_at, noun=noun, verb=verb, item=json.dumps(item), message_id=message_id))


async def due_changes(s: AsyncSession, now: datetime, limit: int = 500) -> list[PendingChangeRow]:
    return list((await s.scalars(select(PendingChangeRow).where(PendingChangeRow.applied_at.is_(None),
                                                                PendingChangeRow.due_at <= now)
                                 .order_by(PendingChangeRow.due_at, PendingChangeRow.id).limit(limit))).all())


async def add_log(s: AsyncSession, **values) -> None:
    s.add(MasterDataLogRow(**values))


async def add_switching_read(s: AsyncSession, request_id: str, read: ReadRequest, reading_type: str,
                             deadline: datetime) -> None:
    s.add(SwitchingReadRow(request_id=request_id, device=read.device, headend=read.headend,
                           usage_point=read.usage_point, effective_at=read.effective_at,
                           old_agreement=read.old_agreement, new_agreement=read.new_agreement, reason=read.reason,
                           reading_type=reading_type, status="requested", estimated=False, deadline=deadline))


async def open_switching_read(s: AsyncSession, request_id: str) -> SwitchingReadRow | None:
    return (await s.scalars(select(SwitchingReadRow).where(SwitchingReadRow.request_id == request_id,
                                                           SwitchingReadRow.status == "requested"))).first()


async def overdue_switching_reads(s: AsyncSession, now: datetime, limit: int = 500) -> list[SwitchingReadRow]:
    return list((await s.scalars(select(SwitchingReadRow).where(SwitchingReadRow.status == "requested",
                                                                SwitchingReadRow.deadline <= now)
                                 .order_by(SwitchingReadRow.deadline).limit(limit))).all())


async def switching_read(s: AsyncSession, request_id: str) -> SwitchingReadRow | None:
    return (await s.scalars(select(SwitchingReadRow).where(SwitchingReadRow.request_id == request_id))).first()


async def device_headend(s: AsyncSession, device: str) -> str | None:
    return await s.scalar(select(EndDeviceRow.headend).where(EndDeviceRow.mrid == device))


async def applied_before(s: AsyncSession, message_id: str, noun: str, verb: str) -> bool:
    return bool(await s.scalar(select(exists().where(MasterDataLogRow.message_id == message_id,
                                                     MasterDataLogRow.noun == noun, MasterDataLogRow.verb == verb,
                                                     MasterDataLogRow.result.in_(("OK", "PARTIAL"))))))


async def add_groups(s: AsyncSession, device: str, groups: list[str]) -> None:
    """Device group memberships named in a Meter/EndDevice config (added, never removed here)."""
    if groups:
        await s.execute(_upsert(s.bind.dialect.name, GroupMemberRow,
                                [{"group_name": g, "kind": "device", "member": device} for g in groups]))


async def recent_log(s: AsyncSession, *, result: str | None = None, limit: int = 100) -> list[MasterDataLogRow]:
    query = select(MasterDataLogRow).order_by(MasterDataLogRow.id.desc()).limit(limit)
    if result:
        query = query.where(MasterDataLogRow.result == result)
    return list((await s.scalars(query)).all())
