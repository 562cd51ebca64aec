"""The outage store on SQLite and PostgreSQL: versioned upserts, devices in outage, the outbox."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from orchestrator.oms.formats import targets_for
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.models import utcnow
from orchestrator.store.outages import OutageStore
from tests.outages.test_oms_delivery import notification_records


async def _check(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        store = OutageStore(sessionmaker(engine), targets_for("both"))
        records = notification_records()
        # Out of order and twice: the newest version of each outage wins, the outbox has no repeats.
        await store.sink(list(reversed(records)))
        await store.sink(records)
        transformer = await store.get(json.loads(records[0].value)["id"])
        assert transformer.status == "RESTORED" and transformer.version == 2 and transformer.affected_count == 4
        assert await store.devices_in_outage() == {"F1-T2-M1"}
        assert await store.devices_in_outage([f"F1-T{t}-M{m}" for t in (1, 2) for m in range(1, 5)] * 300) == \
            {"F1-T2-M1"}
        assert await store.delivery_counts() == {"pending": 6}  # 3 notifications × (JSON, IEC)
        claimed = await store.claim_due(limit=10)
        assert len(claimed) == 6 and await store.claim_due(limit=10) == []  # leased
        later = utcnow() + timedelta(minutes=5)
        assert len(await store.claim_due(limit=10, now=later)) == 6  # the lease ran out
        await store.mark_failed(claimed[0].id, error="HTTP 503", status_code=503, retry_at=None)
        await store.mark_delivered(claimed[1].id, 200)
        assert await store.delivery_counts() == {"dead": 1, "delivered": 1, "pending": 4}
        assert await store.replay(ids=[claimed[0].id, claimed[1].id]) == 1
        assert await store.replay(ids=[claimed[1].id], include_delivered=True) == 1
        assert await store.delivery_counts() == {"pending": 6}
        active = await store.active()
        assert [(o.level, o.asset, o.status) for o in active] == [("meter", "F1-T2-M1", "SUSTAINED")]
    finally:
        await engine.dispose()


async def test_on_sqlite(tmp_path):
    await _check(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")


@pytest.mark.postgres
async def test_on_postgresql(postgres_url):
    await _check(postgres_url)

