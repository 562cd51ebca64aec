"""The audit log is append-only in the store itself: rows can be added and read, and the database
refuses to change or remove them, whoever asks (migration 0011's triggers)."""
from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import DBAPIError

from orchestrator.store.db import alembic_config, make_engine, sessionmaker, upgrade_async
from orchestrator.store.users import UserStore

TAMPERING = ("UPDATE audit_log SET actor = 'someone-else'", "UPDATE audit_log SET detail = '{}' WHERE id = 1",
             "DELETE FROM audit_log WHERE id = 1", "DELETE FROM audit_log")


async def _append_only(url: str, extra: tuple[str, ...] = ()) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        users = UserStore(sessionmaker(engine))
        await users.audit("alice", "token", "ops-1", "create", {"role": "operator", "from": "10.0.0.7"})
        await users.audit("bob", "campaign", "ev-1", "cancel", {"reason": "storm"})
        before = await users.audit_entries()
        for statement in TAMPERING + extra:
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(sa.text(statement))
        assert await users.audit_entries() == before
        await users.audit("carol", "token", "ops-1", "revoke", {})  # appending goes on
        assert [e["action"] for e in await users.audit_entries()] == ["revoke", "cancel", "create"]
    finally:
        await engine.dispose()


async def test_sqlite_refuses_to_change_or_remove_audit_rows(tmp_path):
    await _append_only(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")


async def test_postgresql_refuses_to_change_remove_or_truncate_audit_rows(postgres_url):
    await _append_only(postgres_url, extra=("TRUNCATE audit_log",))


async def test_the_guard_goes_down_and_up_with_its_migration(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    cfg = alembic_config(url)
    await asyncio.to_thread(command.downgrade, cfg, "0011@0010")
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO audit_log (at, actor, entity, entity_id, action, detail) "
                                       "VALUES ('2026-01-01 00:00:00', 'a', 'e', 'i', 'x', '{}')"))
            await conn.execute(sa.text("DELETE FROM audit_log"))  # no guard below 0011
    finally:
        await engine.dispose()
    await upgrade_async(url)
    await _append_only(url)
