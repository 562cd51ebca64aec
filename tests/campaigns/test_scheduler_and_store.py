"""Scheduler jobs survive a restart; the campaign store's bulk paths on SQLite and PostgreSQL;
the 0010 migration goes down and up again."""
from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from orchestrator import topics
from orchestrator.core.campaigns import Campaign, CampaignState
from orchestrator.core.dispatch import DispatchEventKind, DispatchState
from orchestrator.core.programs import load_programs
from orchestrator.scheduler import job_store_url, sync_url
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.campaigns import CampaignStore, StaleCampaign
from orchestrator.store.db import alembic_config, make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.campaigns.fleet import fleet_rows

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
T0 = datetime(2026, 7, 15, 20, 0, tzinfo=timezone.utc)


def test_sync_url_keeps_the_database_and_swaps_the_driver():
    assert sync_url("sqlite+aiosqlite:////tmp/x/catalogue.db") == "sqlite:////tmp/x/catalogue.db"
    assert sync_url("postgresql+asyncpg://u:p@127.0.0.1:5/db") == "postgresql+psycopg://u:p@127.0.0.1:5/db"
    assert job_store_url("sqlite+aiosqlite:////tmp/x/catalogue.db") == "sqlite:////tmp/x/catalogue-scheduler.db"
    assert job_store_url("postgresql+asyncpg://u:p@h:5/db") == "postgresql+psycopg://u:p@h:5/db"


async def test_a_scheduled_event_starts_after_a_restart(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(20))
    await engine.dispose()
    async with AsyncExitStack() as stack:  # first life: the event is created, then the process stops
        running = await start(settings, stack)
        from orchestrator.campaign_service import CreateEvent

        c = await running.context.events.create(CreateEvent(
            program="water-heater-shed", targets=["feeder:F12"],
            start=datetime.now(timezone.utc) + timedelta(seconds=3), duration_minutes=30))
        assert running.context.events.scheduler.jobs(c.id)
    await asyncio.sleep(3.5)  # the start time passes while nothing runs
    async with AsyncExitStack() as stack:  # second life: the stored job fires, late but not lost
        running = await start(settings, stack)
        store = running.context.events.store
        deadline = time.monotonic() + 30
        while (await store.get(c.id)).state is not CampaignState.ACTIVE:
            assert time.monotonic() < deadline, "the start job did not run after the restart"
            await asyncio.sleep(0.2)
        assert (await store.rollup(c.id))["SENT"] == 20
        assert len(running.runtime.read_topic(topics.EDC_OUTBOUND)) == 4  # one message per head-end
        assert [j for j, _ in running.context.events.scheduler.jobs(c.id)] == [f"{c.id}:end"]


async def _store_paths(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        store = CampaignStore(sessionmaker(engine))
        await store.sync_programs(load_programs([PROGRAMS]).values())
        c = Campaign(id="ev-1", program="water-heater-shed", targets=("feeder:F1",), start=T0,
                     end=T0 + timedelta(hours=1), state=CampaignState.SCHEDULED, created_at=T0, updated_at=T0)
        await store.create(c, "op")
        later = Campaign(**{**c.__dict__, "id": "ev-2", "start": T0 + timedelta(days=1),
                            "end": T0 + timedelta(days=1, hours=1)})
        await store.create(later, "op")
        assert await store.season_count("water-heater-shed", T0 - timedelta(days=1), T0 + timedelta(days=30)) == 2
        assert await store.season_count("water-heater-shed", T0 - timedelta(days=1), T0 + timedelta(days=30),
                                        exclude="ev-1") == 1
        assert [x.id for x in await store.overlapping(T0 + timedelta(minutes=30), T0 + timedelta(hours=2))] == ["ev-1"]

        n = 12_345
        rows = ({"campaign": "ev-1", "device": f"D{i:06d}", "state": "PENDING", "attempt": 0, "headend": f"h{i % 3}",
                 "step": 0, "message_id": f"m{i // 1000:03d}", "start_at": T0, "end_at": T0 + timedelta(hours=1),
                 "deadline": None, "updated_at": T0, "cause": None, "cause_message_id": None, "detail": ""}
                for i in range(n))
        assert await store.insert_records(rows) == n
        assert len(await store.pending_message_ids("ev-1")) == 13
        got = await store.records_of_messages("ev-1", ["m000", "m012"])
        assert len(got) == 1000 + 345 and got[0][:3] == ("m000", "D000000", "h0")
        assert await store.mark_sent("ev-1", ["m000", "m001"], T0, T0 + timedelta(minutes=1)) == 2000
        assert await store.mark_sent("ev-1", ["m000"], T0, T0) == 0  # idempotent
        moved = await store.transition_all("ev-1", [DispatchState.SENT], DispatchState.ACCEPTED,
                                           DispatchEventKind.REPLY_OK, T0, devices=[f"D{i:06d}" for i in range(1500)],
                                           message_id="reply-1")
        assert moved == 1500
        roll = await store.rollup("ev-1")
        assert (roll["PENDING"], roll["SENT"], roll["ACCEPTED"], roll["CONFIRMED"]) == (n - 2000, 500, 1500, 0)
        page = await store.records("ev-1", state="ACCEPTED", limit=1000)
        assert len(page) == 1000 and page[0]["cause_message_id"] == "reply-1" and page[0]["attempt"] == 1
        assert len(await store.records("ev-1", state="ACCEPTED", after=page[-1]["device"], limit=1000)) == 500

        await store.save(c.transition(CampaignState.DISPATCHING, T0), expected=CampaignState.SCHEDULED, actor="s",
                         action="dispatch")
        with pytest.raises(StaleCampaign):  # another request got there first
            await store.save(c.transition(CampaignState.CANCELLED, T0), expected=CampaignState.SCHEDULED, actor="op",
                             action="cancel")
        assert [a["action"] for a in await store.audit_log("ev-1")] == ["create", "dispatch"]
        items, total = await store.list(state="DISPATCHING")
        assert total == 1 and items[0].start == T0 and items[0].start.tzinfo is not None
    finally:
        await engine.dispose()


async def test_store_bulk_paths_on_sqlite(tmp_path):
    await _store_paths(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")


async def test_store_bulk_paths_on_postgresql(postgres_url):
    await _store_paths(postgres_url)


async def test_campaign_migration_goes_down_and_up_again(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    cfg = alembic_config(url)
    await asyncio.to_thread(command.downgrade, cfg, "0010@0002")
    engine = sa.create_engine(sync_url(url))
    assert "dispatch_record" not in sa.inspect(engine).get_table_names()
    await asyncio.to_thread(command.upgrade, cfg, "heads")
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"program", "campaign", "dispatch_record", "audit_log"} <= names


async def test_jobs_lost_in_a_crash_are_recovered_on_start(tmp_path):
    """A date job leaves the job store when it fires: a crash while it ran loses it."""
    from orchestrator.dispatcher import Dispatcher

    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    sessions = sessionmaker(engine)
    topology = TopologyStore(sessions)
    await topology.import_rows(fleet_rows(12))
    store = CampaignStore(sessions)
    now = datetime.now(timezone.utc)
    due = Campaign(id="ev-due", program="water-heater-shed", targets=("device:WA0000001",), start=now - timedelta(minutes=1),
                   end=now + timedelta(minutes=30), state=CampaignState.SCHEDULED, created_at=now, updated_at=now)
    half = Campaign(id="ev-half", program="water-heater-shed", targets=("feeder:F12",), start=now,
                    end=now + timedelta(minutes=30), state=CampaignState.SCHEDULED, created_at=now, updated_at=now)
    await store.create(due, "op")
    await store.create(half, "op")

    class Down:
        async def publish(self, records):
            raise AssertionError("nothing may be published before the crash")

    # ev-half: records written and DISPATCHING, then the process died before publishing
    await Dispatcher(store, load_programs([PROGRAMS]), topology.load_view, Down()).prepare("ev-half")
    await engine.dispose()
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        store = running.context.events.store
        deadline = time.monotonic() + 30
        while {(await store.get(i)).state for i in ("ev-due", "ev-half")} != {CampaignState.ACTIVE}:
            assert time.monotonic() < deadline, "lost jobs were not recovered"
            await asyncio.sleep(0.2)
        assert (await store.rollup("ev-half"))["SENT"] == 12 and (await store.rollup("ev-due"))["SENT"] == 1
        jobs = running.context.events.scheduler.jobs()
        assert sorted(j for j, _ in jobs) == ["ev-due:end", "ev-half:end"]


async def test_the_sqlite_bulk_path_stores_what_sqlalchemy_would(tmp_path):
    """Bulk inserts bypass SQLAlchemy's row machinery on SQLite; the stored text must not differ,
    or comparisons in SQL (deadline sweeps, start filters) would see two formats."""
    from sqlalchemy import insert

    from orchestrator.store.campaigns import DispatchRecordRow

    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        at = datetime(2026, 7, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-7)))
        row = {"campaign": "c", "state": "PENDING", "attempt": 0, "headend": "h", "step": 0, "message_id": "m",
               "start_at": at, "end_at": at, "deadline": at, "updated_at": at, "cause": None, "cause_message_id": None,
               "detail": ""}
        await CampaignStore(sessionmaker(engine)).insert_records([{**row, "device": "bulk"}])
        async with engine.begin() as conn:
            await conn.execute(insert(DispatchRecordRow.__table__), [{**row, "device": "core"}])
        async with engine.connect() as conn:
            stored = (await conn.exec_driver_sql(
                "SELECT device, start_at, end_at, deadline, updated_at FROM dispatch_record ORDER BY device")).all()
        assert stored[0][1:] == stored[1][1:] == ("2026-07-01 19:30:15.123456",) * 4
    finally:
        await engine.dispose()


async def test_events_created_or_moved_by_a_process_without_scheduler_get_their_jobs(tmp_path):
    from orchestrator.campaign_service import CreateEvent, EventService, ModifyEvent

    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(8))
    await engine.dispose()
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        events = running.context.events
        other = EventService(events.store, events.programs, events.topology, events.dispatcher, scheduler=None)
        soon = datetime.now(timezone.utc) + timedelta(minutes=10)
        c = await other.create(CreateEvent(program="water-heater-shed", targets=["feeder:F12"], start=soon,
                                           duration_minutes=30))
        assert events.scheduler.jobs(c.id) == []
        assert await events.scheduler.recover() == [c.id]
        assert dict(events.scheduler.jobs(c.id))[f"{c.id}:start"] == soon
        assert await events.scheduler.recover() == []  # nothing to repair the second time
        moved = await other.modify(c.id, ModifyEvent(start=soon + timedelta(minutes=5)))
        assert await events.scheduler.recover() == [c.id]
        assert dict(events.scheduler.jobs(c.id))[f"{c.id}:start"] == moved.start
