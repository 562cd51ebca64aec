"""Telling "the catalogue database is not reachable right now" apart from every other error.

A request that fails because PostgreSQL is restarting, refuses connections or dropped the
connection mid-query is answered 503 with Retry-After (the client should come back), never 500
(a bug). The engine's ``pool_pre_ping`` replaces dead pooled connections once the server is back,
so nothing needs restarting.
"""
from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

RETRY_AFTER_S = 5
# Modules whose OSErrors are the database connection's (not, say, a file the console reads).
_DRIVERS = ("sqlalchemy.", "asyncpg.", "psycopg", "aiosqlite.", "sqlite3")


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached or used now."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _unavailable(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if type(exc.orig).__module__.startswith("sqlite3"):  # "no such table" is a bug, a lock is not
            return isinstance(exc, sa_exc.OperationalError) and any(
                m in str(exc.orig) for m in ("locked", "unable to open", "disk I/O"))
        # Lost connection, server shutting down or starting up, too many clients.
        return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)) or _is_driver_error(exc.orig)
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if _is_driver_error(exc):
        return True
    if isinstance(exc, (OSError, asyncio.TimeoutError)):  # refused, reset, unreachable: from the driver
        return _raised_in_driver(exc.__traceback__)
    return False


def _is_driver_error(exc: BaseException) -> bool:
    """asyncpg's and psycopg's own connection errors, when SQLAlchemy did not wrap them."""
    module = type(exc).__module__
    if module.startswith("asyncpg"):
        from asyncpg import exceptions as pg

        return isinstance(exc, (pg.PostgresConnectionError, pg.CannotConnectNowError, pg.TooManyConnectionsError,
                                pg.AdminShutdownError, pg.CrashShutdownError, pg.InterfaceError))
    if module.startswith("psycopg"):
        return type(exc).__name__ in ("OperationalError", "InterfaceError")
    return False


def _raised_in_driver(tb: TracebackType | None) -> bool:
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(_DRIVERS):
            return True
        tb = tb.tb_next
    return False


async def ping(engine: AsyncEngine, timeout_s: float = 2.0) -> None:
    """One ``SELECT 1``; raises when the database does not answer within ``timeout_s``."""
    async def select_one() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    await asyncio.wait_for(select_one(), timeout_s)
