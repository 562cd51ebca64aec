"""Meter readings in the catalogue, stored for bulk ingest and for baselines.

Interval data (a ReadingType with a fixed interval, e.g. 15-minute kWh delivered, at a timestamp on
an interval boundary) is kept as one row per device, reading type and UTC day: ``meter_reading_day``
holds the day's slots as a packed array of float64 (NaN = not read), the number of slots read and
the qualities of the few flagged ones. A million 15-minute readings are ~10,400 rows, which is what
makes the bulk insert as fast as parsing, and a baseline reads whole days anyway. A delivery that
covers part of a day is merged into what is stored (later values win), so the head-end sending one
interval at a time and a day file arriving twice both end up in the same row.

Everything else (registers, instantaneous kW, off-boundary timestamps, unknown reading types) is
one row per reading in ``meter_reading``. Timestamps are integer epoch seconds (UTC), the interval
end for interval data. The store writes through the driver (sqlite3 ``executemany``, asyncpg with
array parameters): the ORM adds nothing for rows this simple.
"""
from __future__ import annotations

import json
import math
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import BigInteger, Float, Integer, LargeBinary, PrimaryKeyConstraint, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.readings.reading_types import interval_seconds
from orchestrator.store.models import Base

DAY_S = 86400
NAN = float("nan")


class MeterReadingRow(Base):
    __tablename__ = "meter_reading"
    __table_args__ = (PrimaryKeyConstraint("device", "reading_type", "ts", name="pk_meter_reading"),
                      {"sqlite_with_rowid": False})
    device: Mapped[str] = mapped_column(String(100))
    reading_type: Mapped[str] = mapped_column(String(80))
    ts: Mapped[int] = mapped_column(BigInteger)  # epoch seconds, UTC
    value: Mapped[float] = mapped_column(Float)
    quality: Mapped[str | None] = mapped_column(String(40))  # IEC ReadingQualityType, e.g. 3.8.0 estimated


class MeterReadingDayRow(Base):
    __tablename__ = "meter_reading_day"
    __table_args__ = (PrimaryKeyConstraint("device", "reading_type", "day", name="pk_meter_reading_day"),
                      {"sqlite_with_rowid": False})
    device: Mapped[str] = mapped_column(String(100))
    reading_type: Mapped[str] = mapped_column(String(80))
    day: Mapped[int] = mapped_column(Integer)  # UTC day number: slot k ends at day*86400 + (k+1)*interval
    vals: Mapped[bytes] = mapped_column(LargeBinary)  # float64 little-endian per slot, NaN = not read
    n: Mapped[int] = mapped_column(Integer)  # slots read
    qualities: Mapped[str | None] = mapped_column(Text)  # JSON {slot: ReadingQualityType} or NULL


@dataclass(frozen=True, slots=True)
class StoredReading:
    device: str
    reading_type: str
    at: datetime
    value: float
    quality: str | None


# A reading as the ingest path hands it over: (device, reading_type, epoch_s, value, quality).
ReadingTuple = tuple[str, str, int, float, "str | None"]

_ROW_SQL = {
    "sqlite": "INSERT INTO meter_reading (device, reading_type, ts, value, quality) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (device, reading_type, ts) DO UPDATE SET value = excluded.value, "
              "quality = excluded.quality",
    "postgresql": "INSERT INTO meter_reading (device, reading_type, ts, value, quality) "
                  "SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::float8[], $5::varchar[]) "
                  "ON CONFLICT (device, reading_type, ts) DO UPDATE SET value = excluded.value, "
                  "quality = excluded.quality",
}
_DAY_SQL = {
    "sqlite": "INSERT INTO meter_reading_day (device, reading_type, day, vals, n, qualities) VALUES (?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (device, reading_type, day) DO UPDATE SET vals = excluded.vals, n = excluded.n, "
              "qualities = excluded.qualities",
    "postgresql": "INSERT INTO meter_reading_day (device, reading_type, day, vals, n, qualities) "
                  "SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::bytea[], $5::int[], $6::text[]) "
                  "ON CONFLICT (device, reading_type, day) DO UPDATE SET vals = excluded.vals, n = excluded.n, "
                  "qualities = excluded.qualities",
}
_LITTLE = sys.byteorder == "little"


def _pack(values: array) -> bytes:
    if _LITTLE:
        return values.tobytes()
    out = array("d", values)
    out.byteswap()
    return out.tobytes()


def _unpack(blob: bytes) -> array:
    values = array("d")
    values.frombytes(blob)
    if not _LITTLE:
        values.byteswap()
    return values


class _Day:
    __slots__ = ("values", "qualities")

    def __init__(self, slots: int, blob: bytes | None = None, qualities: str | None = None):
        self.values = _unpack(blob) if blob is not None else array("d", [NAN]) * slots
        self.qualities: dict[str, str] = json.loads(qualities) if qualities else {}


class ReadingStore:
    def __init__(self, engine: AsyncEngine):
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.dialect = engine.dialect.name

    # ------------------------------------------------------------------------------ write

    async def insert_many(self, readings: Sequence[ReadingTuple]) -> int:
        """Insert or replace ``readings`` in one transaction; returns how many were written."""
        if not readings:
            return 0
        days: dict[tuple[str, str, int], list] = {}
        rows: list[ReadingTuple] = []
        interval_of: dict[str, int | None] = {}
        for reading in readings:
            device, rtype, ts, value, quality = reading
            interval = interval_of.get(rtype, 0)
            if interval == 0:
                interval = interval_of[rtype] = interval_seconds(rtype)
            if interval is None or ts % interval:
                rows.append(reading)
                continue
            day, offset = divmod(ts - 1, DAY_S)
            days.setdefault((device, rtype, day), []).append(((offset + 1) // interval - 1, value, quality))
        async with self._engine.begin() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            if days:
                stored = await self._fetch_days(driver, days)
                out = []
                for key, slots in days.items():
                    size = DAY_S // interval_of[key[1]]
                    current = stored.get(key) or _Day(size)
                    values = current.values
                    for slot, value, quality in slots:
                        values[slot] = value
                        if quality:
                            current.qualities[str(slot)] = quality
                        elif current.qualities:
                            current.qualities.pop(str(slot), None)
                    n = sum(1 for v in values if v == v)
                    out.append((key[0], key[1], key[2], _pack(values), n,
                                json.dumps(current.qualities) if current.qualities else None))
                if self.dialect == "postgresql":
                    await driver.execute(_DAY_SQL["postgresql"], *[list(c) for c in zip(*out)])
                else:
                    await driver.executemany(_DAY_SQL["sqlite"], out)
            if rows:
                if self.dialect == "postgresql":
                    await driver.execute(_ROW_SQL["postgresql"], *[list(c) for c in zip(*rows)])
                else:
                    await driver.executemany(_ROW_SQL["sqlite"], rows)
        return len(readings)

    async def _fetch_days(self, driver, keys: dict) -> dict[tuple[str, str, int], _Day]:
        """The stored days among ``keys`` (to merge into), in one query per 500 devices."""
        devices = sorted({k[0] for k in keys})
        lo, hi = min(k[2] for k in keys), max(k[2] for k in keys)
        found: dict[tuple[str, str, int], _Day] = {}
        for i in range(0, len(devices), 500):
            part = devices[i:i + 500]
            if self.dialect == "postgresql":
                rows = await driver.fetch("SELECT device, reading_type, day, vals, qualities FROM meter_reading_day "
                                          "WHERE device = ANY($1::varchar[]) AND day BETWEEN $2 AND $3", part, lo, hi)
            else:
                marks = ",".join("?" * len(part))
                cursor = await driver.execute(
                    f"SELECT device, reading_type, day, vals, qualities FROM meter_reading_day "
                    f"WHERE device IN ({marks}) AND day BETWEEN ? AND ?", (*part, lo, hi))
                rows = await cursor.fetchall()
                await cursor.close()
            for device, rtype, day, vals, qualities in rows:
                key = (device, rtype, day)
                if key in keys:
                    found[key] = _Day(0, bytes(vals), qualities)
        return found

    # ------------------------------------------------------------------------------- read

    async def _day_rows(self, devices: Sequence[str], reading_type: str | None, start: int, end: int) -> list:
        query = select(MeterReadingDayRow.device, MeterReadingDayRow.reading_type, MeterReadingDayRow.day,
                       MeterReadingDayRow.vals, MeterReadingDayRow.qualities).where(
            MeterReadingDayRow.device.in_(list(devices)), MeterReadingDayRow.day >= (start - 1) // DAY_S - 1,
            MeterReadingDayRow.day <= (end - 1) // DAY_S)
        if reading_type:
            query = query.where(MeterReadingDayRow.reading_type == reading_type)
        async with self._sessions() as s:
            return list(await s.execute(query))

    @staticmethod
    def _expand(rows, start: int, end: int) -> Iterable[ReadingTuple]:
        for device, rtype, day, vals, qualities in rows:
            interval = interval_seconds(rtype) or 900
            base = day * DAY_S
            flags = json.loads(qualities) if qualities else {}
            for slot, value in enumerate(_unpack(bytes(vals))):
                ts = base + (slot + 1) * interval
                if value == value and start < ts <= end:
                    yield device, rtype, ts, value, flags.get(str(slot))

    async def readings(self, device: str, *, start: datetime, end: datetime, reading_type: str | None = None,
                       limit: int = 10000) -> list[StoredReading]:
        """Readings of one device with ``start < ts <= end`` (interval-end convention), oldest first."""
        s_, e_ = _epoch(start), _epoch(end)
        out = list(self._expand(await self._day_rows([device], reading_type, s_, e_), s_, e_))
        query = select(MeterReadingRow.device, MeterReadingRow.reading_type, MeterReadingRow.ts,
                       MeterReadingRow.value, MeterReadingRow.quality).where(
            MeterReadingRow.device == device, MeterReadingRow.ts > s_, MeterReadingRow.ts <= e_)
        if reading_type:
            query = query.where(MeterReadingRow.reading_type == reading_type)
        async with self._sessions() as s:
            out += [tuple(r) for r in await s.execute(query.order_by(MeterReadingRow.ts).limit(limit))]
        out.sort(key=lambda r: (r[2], r[1]))
        return [StoredReading(d, rt, _dt(ts), v, q) for d, rt, ts, v, q in out[:limit]]

    async def series(self, devices: Iterable[str], reading_type: str, *, start: datetime,
                     end: datetime) -> dict[str, dict[int, float]]:
        """``{device: {epoch_s: value}}`` for baselines, with ``start < ts <= end``."""
        devices = list(devices)
        out: dict[str, dict[int, float]] = {d: {} for d in devices}
        s_, e_ = _epoch(start), _epoch(end)
        for i in range(0, len(devices), 500):
            part = devices[i:i + 500]
            for device, _rt, ts, value, _q in self._expand(await self._day_rows(part, reading_type, s_, e_), s_, e_):
                out[device][ts] = value
            async with self._sessions() as s:
                rows = await s.execute(select(MeterReadingRow.device, MeterReadingRow.ts, MeterReadingRow.value)
                                       .where(MeterReadingRow.device.in_(part),
                                              MeterReadingRow.reading_type == reading_type,
                                              MeterReadingRow.ts > s_, MeterReadingRow.ts <= e_))
                for device, ts, value in rows:
                    out[device][ts] = value
        return out

    async def latest_before(self, device: str, reading_type: str, at: datetime) -> StoredReading | None:
        """The last reading of a type at or before ``at`` (switching-read estimates)."""
        t = _epoch(at)
        async with self._sessions() as s:
            row = (await s.execute(select(MeterReadingRow.ts, MeterReadingRow.value, MeterReadingRow.quality)
                                   .where(MeterReadingRow.device == device,
                                          MeterReadingRow.reading_type == reading_type, MeterReadingRow.ts <= t)
                                   .order_by(MeterReadingRow.ts.desc()).limit(1))).first()
            days = (await s.execute(select(MeterReadingDayRow.device, MeterReadingDayRow.reading_type,
                                           MeterReadingDayRow.day, MeterReadingDayRow.vals,
                                           MeterReadingDayRow.qualities)
                                    .where(MeterReadingDayRow.device == device,
                                           MeterReadingDayRow.reading_type == reading_type,
                                           MeterReadingDayRow.day <= (t - 1) // DAY_S)
                                    .order_by(MeterReadingDayRow.day.desc()).limit(1))).all()
        best = (row[0], row[1], row[2]) if row else None
        for _d, _rt, ts, value, quality in self._expand(days, -math.inf, t):
            if best is None or ts > best[0]:
                best = (ts, value, quality)
        return StoredReading(device, reading_type, _dt(best[0]), best[1], best[2]) if best else None

    async def total(self, device: str, reading_type: str, *, start: datetime, end: datetime) -> float:
        """Sum of a device's values of one type with ``start < ts <= end`` (interval energy)."""
        series = await self.series([device], reading_type, start=start, end=end)
        return sum(series[device].values())

    async def count(self) -> int:
        """Readings stored (interval slots read plus single readings)."""
        async with self._sessions() as s:
            rows = (await s.scalar(select(func.count()).select_from(MeterReadingRow))) or 0
            slots = (await s.scalar(select(func.coalesce(func.sum(MeterReadingDayRow.n), 0)))) or 0
        return int(rows) + int(slots)


def _epoch(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("naive datetime given for a reading time")
    return int(at.timestamp())


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)
