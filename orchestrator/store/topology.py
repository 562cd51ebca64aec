"""Topology, customers, agreements, enrolment and head-ends in the catalogue.

Links that change over time (meter ↔ usage point, customer agreement ↔ usage point, enrolment)
carry ``valid_from``/``valid_to`` so a past campaign can be explained by the topology it saw;
``valid_to IS NULL`` means current. ``load_view(at)`` builds the core's ``TopologyView``.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Float, ForeignKey, Index, Integer, String, and_, delete, insert, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView
from orchestrator.store.models import Base, UtcDateTime, utcnow

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class SubstationRow(Base):
    __tablename__ = "substation"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class FeederRow(Base):
    __tablename__ = "feeder"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    substation: Mapped[str | None] = mapped_column(ForeignKey("substation.mrid"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))


class TransformerRow(Base):
    __tablename__ = "service_transformer"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    feeder: Mapped[str | None] = mapped_column(ForeignKey("feeder.mrid"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))


class UsagePointRow(Base):
    __tablename__ = "usage_point"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    transformer: Mapped[str | None] = mapped_column(ForeignKey("service_transformer.mrid"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))


class HeadEndRow(Base):
    __tablename__ = "headend"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(500))
    vendor: Mapped[str] = mapped_column(String(100), default="standard")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class EndDeviceRow(Base):
    __tablename__ = "end_device"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default=DeviceKind.METER.value)
    headend: Mapped[str | None] = mapped_column(String(100), index=True)
    vendor: Mapped[str | None] = mapped_column(String(100))
    serial_number: Mapped[str | None] = mapped_column(String(100))
    rated_kw: Mapped[float | None] = mapped_column(Float)
    name: Mapped[str | None] = mapped_column(String(200), index=True)  # CIM Names/name (migration 0030)


class DeviceLinkRow(Base):
    """End device installed at a usage point, over a period."""

    __tablename__ = "device_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device: Mapped[str] = mapped_column(ForeignKey("end_device.mrid"), index=True)
    usage_point: Mapped[str] = mapped_column(ForeignKey("usage_point.mrid"), index=True)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CustomerRow(Base):
    __tablename__ = "customer"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class AgreementRow(Base):
    """A customer agreement at a usage point with a supplier, over a period (switching ends it)."""

    __tablename__ = "customer_agreement"
    mrid: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer: Mapped[str] = mapped_column(ForeignKey("customer.mrid"), index=True)
    usage_point: Mapped[str] = mapped_column(ForeignKey("usage_point.mrid"), index=True)
    supplier: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EnrolmentRow(Base):
    """A device enrolled in a program under an agreement, over a period."""

    __tablename__ = "enrolment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program: Mapped[str] = mapped_column(String(100), index=True)
    device: Mapped[str] = mapped_column(ForeignKey("end_device.mrid"), index=True)
    agreement: Mapped[str | None] = mapped_column(ForeignKey("customer_agreement.mrid"))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(200))


class GroupMemberRow(Base):
    """Named groups: of devices (kind 'device') or of usage points (kind 'usage_point')."""

    __tablename__ = "group_member"
    group_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    member: Mapped[str] = mapped_column(String(100), primary_key=True)


Index("ix_device_link_current", DeviceLinkRow.device, DeviceLinkRow.valid_to)
Index("ix_enrolment_current", EnrolmentRow.device, EnrolmentRow.valid_to)

# ------------------------------------------------------------------------------------ import

IMPORT_COLUMNS = ("substation", "feeder", "transformer", "usage_point", "device", "kind", "headend", "vendor",
                  "customer", "agreement", "supplier", "programs", "groups", "rated_kw")


class ImportError_(ValueError):
    """A topology file row that cannot be imported; says which row and why."""


@dataclass
class ImportReport:
    rows: int = 0
    devices: int = 0
    rejected: list[str] | None = None


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows from CSV (header line with IMPORT_COLUMNS) or JSON (a list of objects, or JSON lines)."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="") as f:
            reader = csv.DictReader(f)
            missing = {"device"} - set(reader.fieldnames or ())
            if missing:
                raise ImportError_(f"{path}: header lacks column(s) {', '.join(sorted(missing))}")
            yield from reader
    elif path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        text = path.read_text()
        if text.lstrip().startswith("["):
            yield from json.loads(text)
        else:
            yield from (json.loads(line) for line in text.splitlines() if line.strip())
    else:
        raise ImportError_(f"{path}: expected .csv, .json or .jsonl")


def _split(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value or "").replace(";", ",").split(",") if v.strip()]


class TopologyStore:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def import_rows(self, rows: Iterable[dict], *, at: datetime | None = None, chunk: int = 5000,
                          progress: Callable[[int], None] | None = None) -> ImportReport:
        """First load: insert or replace assets and current links in chunks (bulk, not per row).

        A bad row is reported (row number and reason) and skipped; good rows are imported.
        """
        at = at or utcnow()
        report = ImportReport(rejected=[])
        batch: list[dict] = []
        for n, row in enumerate(rows, start=1):
            report.rows = n
            try:
                batch.append(self._normalise(row, n))
            except ImportError_ as exc:
                report.rejected.append(str(exc))
            if len(batch) >= chunk:
                report.devices += await self._write(batch, at)
                batch = []
                if progress:
                    progress(n)
        if batch:
            report.devices += await self._write(batch, at)
        if progress:
            progress(report.rows)
        return report

    @staticmethod
    def _normalise(row: dict, n: int) -> dict:
        device = str(row.get("device") or "").strip()
        if not device:
            raise ImportError_(f"row {n}: no device mRID")
        kind = str(row.get("kind") or DeviceKind.METER.value).strip()
        try:
            DeviceKind(kind)
        except ValueError:
            raise ImportError_(f"row {n}: unknown device kind {kind!r}") from None
        rated = row.get("rated_kw")
        try:
            rated_kw = float(rated) if rated not in (None, "") else None
        except ValueError:
            raise ImportError_(f"row {n}: rated_kw {rated!r} is not a number") from None
        out = {c: (str(row.get(c)).strip() if row.get(c) not in (None, "") else None) for c in IMPORT_COLUMNS}
        out.update(device=device, kind=kind, rated_kw=rated_kw,
                   programs=_split(row.get("programs")), groups=_split(row.get("groups")))
        if out["agreement"] and not (out["customer"] and out["usage_point"]):
            raise ImportError_(f"row {n}: agreement {out['agreement']} needs a customer and a usage point")
        return out

    async def _write(self, rows: list[dict], at: datetime) -> int:
        def unique(key: str, make) -> list[dict]:
            seen: dict[str, dict] = {}
            for r in rows:
                if r[key]:
                    seen[r[key]] = make(r)
            return list(seen.values())

        async with self._sessions() as s, s.begin():
            dialect = s.bind.dialect.name
            for model, key, make in (
                (SubstationRow, "substation", lambda r: {"mrid": r["substation"]}),
                (FeederRow, "feeder", lambda r: {"mrid": r["feeder"], "substation": r["substation"]}),
                (TransformerRow, "transformer", lambda r: {"mrid": r["transformer"], "feeder": r["feeder"]}),
                (UsagePointRow, "usage_point", lambda r: {"mrid": r["usage_point"], "transformer": r["transformer"]}),
                (HeadEndRow, "headend", lambda r: {"name": r["headend"], "vendor": r["vendor"] or "standard",
                                                   "created_at": at}),
                (EndDeviceRow, "device", lambda r: {"mrid": r["device"], "kind": r["kind"], "headend": r["headend"],
                                                    "vendor": r["vendor"], "rated_kw": r["rated_kw"]}),
                (CustomerRow, "customer", lambda r: {"mrid": r["customer"]}),
            ):
                values = unique(key, make)
                if values:
                    await s.execute(_upsert(dialect, model, values, skip_existing=model is HeadEndRow))
            agreements = unique("agreement", lambda r: {
                "mrid": r["agreement"], "customer": r["customer"], "usage_point": r["usage_point"],
                "supplier": r["supplier"], "valid_from": EPOCH, "valid_to": None})
            if agreements:
                await s.execute(_upsert(dialect, AgreementRow, agreements))
            devices = [r["device"] for r in rows]
            # Current links and enrolments of these devices are replaced by the file's.
            await s.execute(delete(DeviceLinkRow).where(DeviceLinkRow.device.in_(devices),
                                                        DeviceLinkRow.valid_to.is_(None)))
            await s.execute(delete(EnrolmentRow).where(EnrolmentRow.device.in_(devices),
                                                       EnrolmentRow.valid_to.is_(None)))
            links = [{"device": r["device"], "usage_point": r["usage_point"], "valid_from": EPOCH, "valid_to": None}
                     for r in rows if r["usage_point"]]
            if links:
                await s.execute(insert(DeviceLinkRow), links)
            enrol = [{"program": p, "device": r["device"], "agreement": r["agreement"], "valid_from": EPOCH,
                      "valid_to": None} for r in rows for p in r["programs"]]
            if enrol:
                await s.execute(insert(EnrolmentRow), enrol)
            members = {(g, "device", r["device"]) for r in rows for g in r["groups"]}
            if members:
                await s.execute(_upsert(dialect, GroupMemberRow,
                                        [{"group_name": g, "kind": k, "member": m} for g, k, m in members]))
        return len(rows)

    async def add_usage_point_group(self, name: str, usage_points: Iterable[str]) -> None:
        async with self._sessions() as s, s.begin():
            values = [{"group_name": name, "kind": "usage_point", "member": up} for up in usage_points]
            if values:
                await s.execute(_upsert(s.bind.dialect.name, GroupMemberRow, values))

    async def load_view(self, at: datetime | None = None) -> TopologyView:
        """The topology valid at ``at`` (default now), with current enrolments and groups."""
        at = at or utcnow()

        def current(model):
            return and_(model.valid_from <= at, or_(model.valid_to.is_(None), model.valid_to > at))

        async with self._sessions() as s:
            feeders = {m: sub for m, sub in (await s.execute(select(FeederRow.mrid, FeederRow.substation)))}
            transformers = {m: f for m, f in (await s.execute(select(TransformerRow.mrid, TransformerRow.feeder)))}
            up_transformer = {m: t for m, t in (await s.execute(select(UsagePointRow.mrid, UsagePointRow.transformer)))}
            links = {d: up for d, up in (await s.execute(
                select(DeviceLinkRow.device, DeviceLinkRow.usage_point).where(current(DeviceLinkRow))))}
            agreements = {up: (c, a) for a, c, up in (await s.execute(
                select(AgreementRow.mrid, AgreementRow.customer, AgreementRow.usage_point)
                .where(current(AgreementRow))))}
            programs: dict[str, set[str]] = {}
            for device, program in await s.execute(select(EnrolmentRow.device, EnrolmentRow.program)
                                                   .where(current(EnrolmentRow))):
                programs.setdefault(device, set()).add(program)
            groups: dict[str, set[str]] = {}
            up_groups: dict[str, set[str]] = {}
            for g, kind, member in await s.execute(select(GroupMemberRow.group_name, GroupMemberRow.kind,
                                                          GroupMemberRow.member)):
                (groups.setdefault(member, set()) if kind == "device" else up_groups.setdefault(g, set())).add(
                    g if kind == "device" else member)
            view = TopologyView(transformer_feeder={t: f for t, f in transformers.items() if f},
                                feeder_substation={f: sub for f, sub in feeders.items() if sub},
                                usage_point_groups={g: frozenset(m) for g, m in up_groups.items()})
            rows = await s.execute(select(EndDeviceRow.mrid, EndDeviceRow.kind, EndDeviceRow.headend,
                                          EndDeviceRow.vendor, EndDeviceRow.rated_kw))
            for mrid, kind, headend, vendor, rated_kw in rows:
                up = links.get(mrid)
                transformer = up_transformer.get(up) if up else None
                feeder = transformers.get(transformer) if transformer else None
                customer, agreement = agreements.get(up, (None, None)) if up else (None, None)
                view.add(DevicePlacement(
                    device=mrid, kind=DeviceKind(kind), headend=headend, vendor=vendor, usage_point=up,
                    transformer=transformer, feeder=feeder, substation=feeders.get(feeder) if feeder else None,
                    customer=customer, agreement=agreement, rated_kw=rated_kw,
                    programs=frozenset(programs.get(mrid, ())), groups=frozenset(groups.get(mrid, ()))))
        return view


def _upsert(dialect: str, model, values: list[dict], skip_existing: bool = False):
    """INSERT … ON CONFLICT (primary key) DO UPDATE/NOTHING, on SQLite and PostgreSQL alike."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(model).values(values)
    keys = [c.name for c in model.__table__.primary_key.columns]
    updates = {c.name: stmt.excluded[c.name] for c in model.__table__.columns if c.name not in keys}
    if skip_existing or not updates:
        return stmt.on_conflict_do_nothing(index_elements=keys)
    return stmt.on_conflict_do_update(index_elements=keys, set_=updates)
