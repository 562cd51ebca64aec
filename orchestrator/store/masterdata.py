"""Master-data bookkeeping: changes waiting for their effective date, the log of every master-data
message with its reply, and the switching reads taken when a customer switches.

The topology itself (devices, usage points, links, agreements, enrolment) lives in
``store.topology``; ``masterdata.apply`` writes both in one transaction per item.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.store.models import Base, UtcDateTime, utcnow


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
