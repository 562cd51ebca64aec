"""Query parameters and JSON bodies of the operator REST API, checked the same way everywhere.

A bad parameter is a 400 that ``problems.problem_middleware`` turns into problem JSON naming it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from aiohttp import web
from pydantic import BaseModel


def query_int(request: web.Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None
    if not lo <= value <= hi:
        raise web.HTTPBadRequest(text=f"{name} must be between {lo} and {hi}")
    return value


def query_datetime(request: web.Request, name: str) -> datetime | None:
    """An ISO 8601 date-time with its UTC offset (a naive time is ambiguous across zones)."""
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise web.HTTPBadRequest(text=f"{name} needs a UTC offset")
    try:  # the store compares in UTC: 0001-01-01T00:00+01:00 is before year 1 there
        value.astimezone(timezone.utc)
    except OverflowError:
        raise web.HTTPBadRequest(text=f"{name} is out of range in UTC") from None
    return value


def json_model(model: BaseModel, status: int = 200, **headers: str) -> web.Response:
    return web.Response(text=model.model_dump_json(), status=status, content_type="application/json",
                        headers=headers or None)
