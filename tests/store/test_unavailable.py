"""Which errors mean "the catalogue database cannot be reached now" (503) and which are bugs (500)."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from orchestrator.store.db import make_engine
from orchestrator.store.unavailable import database_unavailable, ping


async def test_a_missing_table_is_a_bug_a_refused_connection_is_not(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    try:
        with pytest.raises(OperationalError) as missing:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))
        assert not database_unavailable(missing.value)
        await ping(engine)  # answers
    finally:
        await engine.dispose()

    refused = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        with pytest.raises(OSError) as down:
            await ping(refused)
        assert database_unavailable(down.value)
    finally:
        await refused.dispose()


def test_other_errors_are_not_outages():
    assert not database_unavailable(FileNotFoundError("console/static/x.css"))  # not raised by a driver
    assert not database_unavailable(ValueError("bad input"))
    locked = OperationalError("UPDATE x", {}, __import__("sqlite3").OperationalError("database is locked"))
    assert database_unavailable(locked)
    try:
        try:
            raise locked
        except OperationalError as exc:
            raise RuntimeError("while saving the event") from exc
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)  # the cause counts
