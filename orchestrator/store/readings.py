"""Meter readings in the catalogue: one row per (device, reading type, instant), written in bulk.

Timestamps are integer epoch seconds (UTC) rather than ``UtcDateTime``: a million rows bind and
compare as integers on SQLite and PostgreSQL alike, several times faster than datetimes. The
primary key makes re-delivered readings idempotent (the later value wins).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import BigInteger, Float, PrimaryKeyConstraint, String, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.store.models import Base


class MeterReadingRow(Base):
    __tablename__ = "meter_reading"
    __table_args__ = (PrimaryKeyConstraint("device", "reading_type", "ts", name="pk_meter_reading"),
                      {"sqlite_with_rowid": False})
    device: Mapped[str] = mapped_column(String(100))
    reading_type: Mapped[str] = mapped_column(String(80))
    ts: Mapped[int] = mapped_column(BigInteger)  # epoch seconds, UTC; interval end for interval data
    value: Mapped[float] = mapped_column(Float)
    quality: Mapped[str | None] = mapped_column(String(40))  # IEC ReadingQualityType, e.g. 3.8.0 estimated


@dataclass(frozen=True, slots=True)
class StoredReading:
    device: str
    reading_type: str
    at: datetime
    value: float
    quality: str | None


# A reading as the ingest path hands it over: (device, reading_type, epoch_s, value, quality).
ReadingTuple = tuple[str, str, int, float, "str | None"]

_SQL = {
    "sqlite": "INSERT INTO meter_reading (device, reading_type, ts, value, quality) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (device, reading_type, ts) DO UPDATE SET value = excluded.value, "
              "quality = excluded.quality",
    "postgresql": "INSERT INTO meter_reading (device, reading_type, ts, value, quality) "
                  "SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::float8[], $5::varchar[]) "
                  "ON CONFLICT (device, reading_type, ts) DO UPDATE SET value = excluded.value, "
                  "quality = excluded.quality",
}


class ReadingStore:
    """Bulk writes go straight to the driver (sqlite3 ``executemany``, asyncpg ``unnest`` arrays):
    the ORM adds nothing for rows this simple and would cost most of the ingest rate."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.dialect = engine.dialect.name

    async def insert_many(self, readings: Sequence[ReadingTuple]) -> int:
        """Insert or replace ``readings`` in one transaction; returns how many were written."""
        if not readings:
            return 0
        async with self._engine.begin() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            if self.dialect == "postgresql":
                columns = list(zip(*readings))
                await driver.execute(_SQL["postgresql"], *[list(c) for c in columns])
            else:
                # aiosqlite: executemany runs in its worker thread, one C loop over the rows.
                await driver.executemany(_SQL["sqlite"], readings)
        return len(readings)

    async def readings(self, device: str, *, start: datetime, end: datetime, reading_type: str | None = None,
                       limit: int = 10000) -> list[StoredReading]:
        """Readings of one device with ``start < ts <= end`` (interval-end convention), oldest first."""
        query = (select(MeterReadingRow).where(MeterReadingRow.device == device,
                                               MeterReadingRow.ts > _epoch(start), MeterReadingRow.ts <= _epoch(end))
                 .order_by(MeterReadingRow.ts, MeterReadingRow.reading_type).limit(limit))
        if reading_type:
            query = query.where(MeterReadingRow.reading_type == reading_type)
        async with self._sessions() as s:
            rows = (await s.scalars(query)).all()
        return [StoredReading(r.device, r.reading_type, _dt(r.ts), r.value, r.quality) for r in rows]

    async def series(self, devices: Iterable[str], reading_type: str, *, start: datetime,
                     end: datetime) -> dict[str, dict[int, float]]:
        """``{device: {epoch_s: value}}`` for baselines, with ``start < ts <= end``."""
        devices = list(devices)
        out: dict[str, dict[int, float]] = {d: {} for d in devices}
        async with self._sessions() as s:
            for i in range(0, len(devices), 500):
                rows = await s.execute(select(MeterReadingRow.device, MeterReadingRow.ts, MeterReadingRow.value)
                                       .where(MeterReadingRow.device.in_(devices[i:i + 500]),
                                              MeterReadingRow.reading_type == reading_type,
                                              MeterReadingRow.ts > _epoch(start), MeterReadingRow.ts <= _epoch(end)))
                for device, ts, value in rows:
                    out[device][ts] = value
        return out

    async def latest_before(self, device: str, reading_type: str, at: datetime) -> StoredReading | None:
        """The last reading of a type at or before ``at`` (switching-read estimates)."""
        query = (select(MeterReadingRow).where(MeterReadingRow.device == device,
                                               MeterReadingRow.reading_type == reading_type,
                                               MeterReadingRow.ts <= _epoch(at))
                 .order_by(MeterReadingRow.ts.desc()).limit(1))
        async with self._sessions() as s:
            r = (await s.scalars(query)).first()
        return StoredReading(r.device, r.reading_type, _dt(r.ts), r.value, r.quality) if r else None

    async def total(self, device: str, reading_type: str, *, start: datetime, end: datetime) -> float:
        """Sum of a device's values of one type with ``start < ts <= end`` (interval energy)."""
        series = await self.series([device], reading_type, start=start, end=end)
        return sum(series[device].values())

    async def count(self) -> int:
        from sqlalchemy import func

        async with self._sessions() as s:
            return (await s.scalar(select(func.count()).select_from(MeterReadingRow))) or 0


def _epoch(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("naive datetime given for a reading time")
    return int(at.timestamp())


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)
