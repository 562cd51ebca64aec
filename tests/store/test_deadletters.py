"""The catalogue store on SQLite and on a real PostgreSQL, migrated by alembic."""
from __future__ import annotations

import pytest

from orchestrator.processors.base import DeadLetter
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.deadletters import DeadLetterStore


async def _roundtrip(url: str) -> None:
    await upgrade_async(url)
    await upgrade_async(url)  # idempotent: already at head
    engine = make_engine(url)
    try:
        store = DeadLetterStore(sessionmaker(engine))
        await store.add_many([
            DeadLetter(source_topic="iec.inbound", reason="line 3: bad Verb", code="1.4", key="hes-a",
                       message_id="m-1", processor="inbound-router", payload="<x/>"),
            DeadLetter(source_topic="ede.inbound", reason="unknown device", code="6.2"),
        ])
        assert await store.count() == 2
        newest, oldest = await store.list()
        assert (newest.source_topic, newest.code) == ("ede.inbound", "6.2")
        assert (oldest.message_id, oldest.key, oldest.payload) == ("m-1", "hes-a", "<x/>")
        assert oldest.recorded_at.tzinfo is not None
        [only] = await store.list(source_topic="iec.inbound")
        assert only.reason == "line 3: bad Verb"
    finally:
        await engine.dispose()


async def test_sqlite(tmp_path):
    await _roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")


@pytest.mark.postgres
async def test_postgresql(postgres_url):
    await _roundtrip(postgres_url)
