"""Rollups of the correlation engine over REST: per event (campaign) and per head-end.

Derived on every request from the dispatch progress rows (``correlation.store``): counts per
dispatch state, acknowledgement latency p50/p95/p99, success rate and estimated kW shed.
"""
from __future__ import annotations

import re

from aiohttp import web

from orchestrator.api.problems import problem

API = "/api/v1"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$")


def _store(request: web.Request):
    from orchestrator.api.app import CONTEXT

    return request.app[CONTEXT].dispatch_progress


async def _rollup(request: web.Request, what: str, name: str, **kw) -> web.Response:
    if not NAME.match(name):
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
    name = request.match_info["name"]
    campaign = request.query.get("event")
    if campaign is not None and not NAME.match(campaign):
        return problem(400, "Bad Request", f"event {campaign!r} is not a valid identifier")
    return await _rollup(request, "head-end", name, headend=name, campaign=campaign)


def register(app: web.Application) -> None:
    app.router.add_get(API + "/events/{event}/rollup", event_rollup)
    app.router.add_get(API + "/headends/{name}/rollup", headend_rollup)
