"""MeterReadings ingestion on SQLite and PostgreSQL, through the running service (readings.inbound
sink, masterdata.inbound sink, REST readings and measured reduction, metrics)."""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.iec import IecError
from orchestrator.processors.base import Record
from orchestrator.readings import reading_types as rt
from orchestrator.readings.ingest import ReadingsIngest
from orchestrator.readings.messages import MeterReadingData, build_meter_readings, parse_meter_readings
from orchestrator.store.db import make_engine, upgrade_async
from orchestrator.store.readings import ReadingStore

UTC = timezone.utc
DAY = datetime(2026, 7, 1, tzinfo=UTC)


def _day(device: str, day: datetime, kwh: float) -> MeterReadingData:
    start = int(day.timestamp())
    return MeterReadingData(device, rt.KWH_15MIN_DELIVERED, [(start + 900 * k, kwh) for k in range(1, 97)],
                            [(rt.KW_INSTANTANEOUS, start + 3600, kwh * 4)])


def test_parse_sample_and_errors(shared_iec):
    parsed = parse_meter_readings((shared_iec / "samples" / "GetUsagePointReadingsResponse.xml").read_bytes())
    assert parsed.result == "OK" and parsed.skipped == 1  # one reading flagged 3.7.3 without a value
    first = parsed.readings[0]
    assert first == ("74f84543-9dc8-4e76-a667-b8c83623cf95", "11.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0",
                     int(datetime(2017, 7, 2, tzinfo=timezone(timedelta(hours=3))).timestamp()), 2.147, None)
    assert any(q == "3.5.258,3.6.4001" for *_x, q in parsed.readings)
    bad = build_meter_readings([_day("M1", DAY, 0.25)]).replace(b"<value>0.25</value>", b"<value>lots</value>", 1)
    with pytest.raises(IecError, match="value 'lots' is not a number"):
        parse_meter_readings(bad)
    with pytest.raises(IecError) as exc:
        parse_meter_readings(b"<MeterReadings")
    assert exc.value.code == "1.1"


async def _roundtrip(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    store = ReadingStore(engine)
    bad: list = []

    async def report(letters):
        bad.extend(letters)

    ingest = ReadingsIngest(store, report_bad=report)
    bodies = [build_meter_readings([_day(f"M{i}", DAY, 0.25 * i) for i in (1, 2)]),
              b"<broken", build_meter_readings([_day("M3", DAY, 1.0)])]
    result = await ingest.ingest_many(bodies, keys=["M1", "x", "M3"])
    assert (result.messages, result.readings, result.rejected) == (2, 3 * 97, 1)
    assert bad[0].code == "1.1" and bad[0].key == "x" and bad[0].source_topic == topics.READINGS_INBOUND
    # Re-delivery replaces, never duplicates.
    await ingest.ingest_many(bodies[:1])
    assert await store.count() == 3 * 97
    rows = await store.readings("M2", start=DAY, end=DAY + timedelta(hours=1), reading_type=rt.KWH_15MIN_DELIVERED)
    assert [(r.at, r.value) for r in rows] == [(DAY + timedelta(minutes=15 * k), 0.5) for k in (1, 2, 3, 4)]
    assert await store.total("M1", rt.KWH_15MIN_DELIVERED, start=DAY, end=DAY + timedelta(days=1)) == 24.0
    await engine.dispose()


async def test_sqlite(tmp_path):
    await _roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")


@pytest.mark.postgres
async def test_postgres(postgres_url):
    await _roundtrip(postgres_url)


async def test_service_sinks_rest_and_metrics(tmp_path):
    from orchestrator.service import start
    from orchestrator.settings import Settings
    from tests.masterdata.helpers import agreement, message

    settings = Settings(data_dir=tmp_path, http_port=0, masterdata_due_interval_s=0.2)
    event_start = datetime(2026, 7, 15, 16, tzinfo=UTC)
    history = [_day("M1", event_start.replace(hour=0) - timedelta(days=d), 1.0) for d in range(1, 15)]
    event_day = MeterReadingData("M1", rt.KWH_15MIN_DELIVERED,
                                 [(int((event_start.replace(hour=0) + timedelta(minutes=15 * k)).timestamp()),
                                   1.0 if k <= 64 else 0.25) for k in range(1, 69)])
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        runtime = running.runtime
        # Readings arrive on readings.inbound, master data on masterdata.inbound; both sinks store.
        await runtime.publish([Record(topics.READINGS_INBOUND, "M1", build_meter_readings(history[i:i + 5]))
                               for i in range(0, len(history), 5)] +
                              [Record(topics.READINGS_INBOUND, "M1", build_meter_readings([event_day]))])
        await runtime.publish(Record(topics.MASTERDATA_INBOUND, "C1", message(
            "create", "CustomerConfig", "<Customer><mRID>C1</mRID></Customer>")))
        await runtime.publish(Record(topics.MASTERDATA_INBOUND, "bad", b"<nope"))
        await runtime.drain()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{running.url}/api/v1/devices/M1/readings",
                                params={"start": event_start.isoformat(), "end": (event_start + timedelta(hours=1))
                                        .isoformat(), "reading_type": rt.KWH_15MIN_DELIVERED}) as r:
                assert r.status == 200
                assert [x["value"] for x in await r.json()] == [0.25] * 4
            params = {"devices": "M1,NOPE", "start": event_start.isoformat(),
                      "end": (event_start + timedelta(hours=1)).isoformat(), "method": "high-3-of-5"}
            async with http.get(f"{running.url}/api/v1/reduction", params=params) as r:
                assert r.status == 200
                body = await r.json()
            # Baseline 1.0 kWh = 4.0 kW, metered 0.25 kWh = 1.0 kW: 3.0 kW delivered in each interval.
            assert body["devices"]["M1"]["average_kw"] == pytest.approx(3.0)
            assert body["total"]["average_kw"] == pytest.approx(3.0)
            assert "no eligible day" in body["unmeasured"]["NOPE"]
            async with http.post(f"{running.url}/api/v1/reduction", json={**params, "method": "best-guess"}) as r:
                assert r.status == 400 and "unknown method" in (await r.json())["detail"]
            async with http.post(f"{running.url}/api/v1/reduction", json={**params, "method": ["x"]}) as r:
                assert r.status == 400 and (await r.json())["detail"].startswith("method:")  # a wrong type too
            async with http.get(f"{running.url}/api/v1/devices/M1/readings", params={"start": "yesterday"}) as r:
                assert r.status == 400 and r.content_type == "application/problem+json"
            async with http.get(f"{running.url}/api/v1/masterdata/messages", params={"result": "FAILED"}) as r:
                [failed] = await r.json()
            assert failed["noun"] == "?" and failed["detail"].startswith("line 1")
            async with http.get(f"{running.url}/api/v1/masterdata/messages", params={"limit": "0"}) as r:
                assert r.status == 400
            async with http.get(f"{running.url}/metrics") as r:
                text = await r.text()
            assert 'orchestrator_measured_reduction_kw{method="high-3-of-5"} 3.0' in text
            assert "orchestrator_readings_stored_total" in text
        # The master-data reply was logged; the unreadable one too, with its request kept.
        from sqlalchemy import select

        from orchestrator.store.db import sessionmaker
        from orchestrator.store.masterdata import MasterDataLogRow
        engine = make_engine(settings.catalogue_url)
        async with sessionmaker(engine)() as s:
            logs = (await s.scalars(select(MasterDataLogRow).order_by(MasterDataLogRow.id))).all()
        await engine.dispose()
        assert [(r.noun, r.result) for r in logs] == [("CustomerConfig", "OK"), ("?", "FAILED")]
        letters = await running.context.dead_letters.list(source_topic=topics.MASTERDATA_INBOUND)
        assert [(d.code, d.key, d.processor) for d in letters] == [("1.1", "bad", "masterdata-store")]
        # The periodic task applies future-dated changes without anyone calling apply_due.
        due = datetime.now(UTC) + timedelta(seconds=0.5)
        reply = await running.context.masterdata.apply(message("create", "CustomerAgreementConfig",
                                                               agreement("A-C1", "C1", "UP-NONE", start=due)))
        assert reply.Reply.Error[1].ID.value == "UP-NONE"  # unknown usage point: refused at once
        await running.context.masterdata.apply(message("create", "UsagePointConfig",
                                                       "<UsagePoint><mRID>UP9</mRID></UsagePoint>"))
        reply = await running.context.masterdata.apply(message("create", "CustomerAgreementConfig",
                                                               agreement("A-C1", "C1", "UP9", start=due)))
        assert reply.Reply.Result.value == "OK"
        for _ in range(100):
            view = await _view(settings)
            if view:
                break
            await asyncio.sleep(0.1)
        assert view, "the future-dated agreement was never applied"


async def _view(settings) -> bool:
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.topology import AgreementRow
    engine = make_engine(settings.catalogue_url)
    try:
        async with sessionmaker(engine)() as s:
            row = await s.get(AgreementRow, "A-C1")
        return row is not None
    finally:
        await engine.dispose()


async def _merge(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    store = ReadingStore(engine)
    t0 = int(DAY.timestamp())
    # One interval at a time, as a head-end sends them, then a correction with a quality flag.
    await store.insert_many([("M1", rt.KWH_15MIN_DELIVERED, t0 + 900, 0.5, None)])
    await store.insert_many([("M1", rt.KWH_15MIN_DELIVERED, t0 + 1800, 0.75, None),
                             ("M1", rt.KWH_15MIN_DELIVERED, t0 + 86400, 2.0, None)])  # last slot of the day
    await store.insert_many([("M1", rt.KWH_15MIN_DELIVERED, t0 + 900, 0.6, "2.7.1")])
    # Off-boundary and non-interval readings are kept one by one.
    await store.insert_many([("M1", rt.KWH_15MIN_DELIVERED, t0 + 1000, 9.9, None),
                             ("M1", rt.KWH_REGISTER_DELIVERED, t0 + 1800, 1234.5, None)])
    rows = await store.readings("M1", start=DAY, end=DAY + timedelta(days=1))
    assert [(int(r.at.timestamp()) - t0, r.reading_type == rt.KWH_15MIN_DELIVERED, r.value, r.quality)
            for r in rows] == [(900, True, 0.6, "2.7.1"), (1000, True, 9.9, None), (1800, False, 1234.5, None),
                               (1800, True, 0.75, None), (86400, True, 2.0, None)]
    assert await store.count() == 5
    latest = await store.latest_before("M1", rt.KWH_15MIN_DELIVERED, DAY + timedelta(hours=12))
    assert (int(latest.at.timestamp()) - t0, latest.value) == (1800, 0.75)
    series = await store.series(["M1", "M2"], rt.KWH_15MIN_DELIVERED, start=DAY, end=DAY + timedelta(minutes=30))
    assert series == {"M1": {t0 + 900: 0.6, t0 + 1000: 9.9, t0 + 1800: 0.75}, "M2": {}}
    await engine.dispose()


async def test_partial_days_merge_sqlite(tmp_path):
    await _merge(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
async def test_partial_days_merge_postgres(postgres_url):
    await _merge(postgres_url)
