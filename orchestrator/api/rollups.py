"""Rollups of the correlation engine over REST: per event (campaign) and per head-end.

Derived on every request from the dispatch progress rows (``correlation.store``): counts per
dispatch state, acknowledgement latency p50/p95/p99, success rate and estimated kW shed.
"""
from __future__ import annotations

import re

from aiohttp import web
from pydantic import BaseModel, Field

from orchestrator.api.openapi import Param, spec
from orchestrator.api.problems import problem

API = "/api/v1"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


class AckLatency(BaseModel):
    p50: float | None
    p95: float | None
    p99: float | None


class Rollup(BaseModel):
    campaign: str | None = Field(description="the event, when the rollup is of one")
    headend: str | None = Field(description="the head-end, when the rollup is of one")
    devices: int = Field(ge=1)
    states: dict[str, int] = Field(description="devices per dispatch state, every state named")
    ack_latency_s: AckLatency = Field(description="seconds from sending to the first reply or confirmation")
    acknowledged: int
    success_rate: float | None = Field(description="accepted, confirmed or ended of those asked; none asked: null")
    estimated_kw_shed: float


def _store(request: web.Request):
    from orchestrator.api.app import CONTEXT

    return request.app[CONTEXT].dispatch_progress


async def _rollup(request: web.Request, what: str, name: str, **kw) -> web.Response:
    if not NAME.fullmatch(name):
        return problem(400, "Bad Request", f"{what} {name!r} is not a valid identifier")
    store = _store(request)
    if store is None:
        return problem(503, "Service Unavailable", "the dispatch progress store is not configured")
    rollup = await store.rollup(**kw)
    if rollup["devices"] == 0:
        return problem(404, "Not Found", f"no dispatch records for {what} {name}")
    return web.json_response(rollup)


async def event_rollup(request: web.Request) -> web.Response:
    name = request.match_info["event"]
    return await _rollup(request, "event", name, campaign=name)


async def headend_rollup(request: web.Request) -> web.Response:
    name = request.match_info["headend"]
    campaign = request.query.get("event")
    if campaign is not None and not NAME.fullmatch(campaign):
        return problem(400, "Bad Request", f"event {campaign!r} is not a valid identifier")
    return await _rollup(request, "head-end", name, headend=name, campaign=campaign)


def register(app: web.Application) -> None:
    doc = spec(app)
    name = {"pattern": NAME.pattern, "description": "an identifier (letters, digits, _ . : -; at most 100)"}
    routes = [
        ("/events/{event}/rollup", event_rollup, "Rollup of an event's dispatch records", (Param("event", "path", **name),)),
        ("/headends/{headend}/rollup", headend_rollup, "Rollup of a head-end's dispatch records, of one event or all",
         (Param("headend", "path", **name), Param("event", **name))),
    ]
    for path, handler, summary, params in routes:
        app.router.add_get(API + path, handler)
        doc.add(API + path, "GET", summary=summary, tag="rollups", response=Rollup, params=params, errors=(400, 404))
