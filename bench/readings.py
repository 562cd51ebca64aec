"""Interval-reading ingest (IEC MeterReadings XML, 96 readings per meter-day) into SQLite and
PostgreSQL, beside the raw ceiling: parsing the same messages and doing nothing with the result.

    python bench/readings.py [--quick] [--postgres URL] [--readings N]

(``orchestrator bench readings`` runs it too; it takes the PostgreSQL URL from
``ORCHESTRATOR_BENCH_POSTGRES_URL``. Use an empty database: the benchmark migrates it.)

Messages carry 10 meters × one day of 15-minute kWh delivered (960 readings, ~98 kB). The ingest
path is ``ReadingsIngest.ingest_stream``: the fast lxml parse, then bulk inserts of 20,000 readings
(one row per meter-day of 15-minute slots, sqlite3 ``executemany`` / asyncpg ``unnest``) overlapping
the parse of the next batch. The database
starts empty each run. ``ratio`` = ingest readings/s ÷ parse-only readings/s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orchestrator import profiling  # noqa: E402
from orchestrator.readings.ingest import ReadingsIngest  # noqa: E402
from orchestrator.readings.messages import MeterReadingData, build_meter_readings, parse_meter_readings  # noqa: E402
from orchestrator.readings.reading_types import KWH_15MIN_DELIVERED  # noqa: E402
from orchestrator.store.db import make_engine, upgrade_async  # noqa: E402
from orchestrator.store.readings import ReadingStore  # noqa: E402

METERS_PER_MESSAGE = 10
READINGS_PER_DAY = 96
DAY0 = 1782864000  # 2026-07-01T00:00:00Z


def messages(total_readings: int) -> list[bytes]:
    """MeterReadings messages holding ``total_readings`` (rounded up to whole meter-days)."""
    meter_days = -(-total_readings // READINGS_PER_DAY)
    days = max(1, meter_days // 1000)  # ~1,000 meters, as many days as needed
    meters = -(-meter_days // days)
    out, batch = [], []
    for d in range(days):
        start = DAY0 + 86400 * d
        for m in range(meters):
            batch.append(MeterReadingData(f"MTR{m:07d}", KWH_15MIN_DELIVERED,
                                          [(start + 900 * k, round(0.1 + 0.003 * ((m + k) % 97), 3))
                                           for k in range(1, READINGS_PER_DAY + 1)]))
            if len(batch) == METERS_PER_MESSAGE:
                out.append(build_meter_readings(batch))
                batch = []
    if batch:
        out.append(build_meter_readings(batch))
    return out


def _ceiling(bodies: list[bytes]) -> tuple[int, float]:
    start = time.perf_counter()
    n = 0
    for body in bodies:
        n += len(parse_meter_readings(body).readings)
    return n, n / (time.perf_counter() - start)


async def _ingest(url: str, bodies: list[bytes]) -> tuple[int, float]:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:  # an empty table: every run measures the same work
            await conn.execute(text("DELETE FROM meter_reading"))
            await conn.execute(text("DELETE FROM meter_reading_day"))
        store = ReadingStore(engine)
        await ReadingsIngest(store).ingest_stream(bodies[:1])  # warm-up: connection, statement cache
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM meter_reading"))
            await conn.execute(text("DELETE FROM meter_reading_day"))
        start = time.perf_counter()
        with profiling.section():
            result = await ReadingsIngest(store).ingest_stream(bodies)
        elapsed = time.perf_counter() - start
        stored = await store.count()
        if stored != result.readings:
            raise RuntimeError(f"{result.readings} readings ingested but {stored} stored")
        return result.readings, result.readings / elapsed
    finally:
        await engine.dispose()


def _row(name: str, items: int, rate: float, ceiling: float) -> dict:
    return {"name": name, "items": items, "items_per_s": round(rate, 1), "ceiling_items_per_s": round(ceiling, 1),
            "ratio": round(rate / ceiling, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run(quick: bool = False, postgres: str | None = None, readings: int | None = None) -> list[dict]:
    """Rows for SQLite (and PostgreSQL when ``postgres`` is a URL); quick: 20,160 readings, SQLite only."""
    total = readings or (20_160 if quick else 1_000_000)
    postgres = postgres or os.environ.get("ORCHESTRATOR_BENCH_POSTGRES_URL")
    bodies = messages(total)
    n, ceiling = _ceiling(bodies)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        items, rate = asyncio.run(_ingest(f"sqlite+aiosqlite:///{tmp}/readings.db", bodies))
        rows.append(_row("readings_ingest_sqlite", items, rate, ceiling))
    if postgres and not quick:
        items, rate = asyncio.run(_ingest(postgres, bodies))
        rows.append(_row("readings_ingest_postgres", items, rate, ceiling))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 20,000 readings, SQLite only")
    parser.add_argument("--postgres", help="PostgreSQL SQLAlchemy URL (postgresql+asyncpg://...)")
    parser.add_argument("--readings", type=int, help="readings to ingest (default 1,000,000)")
    args = parser.parse_args()
    for row in run(args.quick, args.postgres, args.readings):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
