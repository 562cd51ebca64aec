"""REST: outages (active and recent), OMS deliveries and their replay, devices in outage.

``GET  /api/v1/outages?status=active|all|<STATUS>&level=&feeder=&limit=``
``GET  /api/v1/outages/{id}``
``GET  /api/v1/outages/devices?device=M1&device=M2`` (which of these are in an active outage)
``GET  /api/v1/oms/deliveries?status=pending|delivered|dead&outage_id=&limit=``
``POST /api/v1/oms/deliveries/replay`` with ``{"ids": [..]}``, ``{"outage_id": ".."}`` or ``{}`` (all dead)
"""
from __future__ import annotations

import json

from aiohttp import web

from orchestrator.api.problems import problem

STATUSES = ("SUSPECTED", "MOMENTARY", "SUSTAINED", "RESTORED")
LEVELS = ("meter", "transformer", "feeder")
DELIVERY_STATUSES = ("pending", "delivered", "dead")


def _store(request: web.Request):
    from orchestrator.api.app import CONTEXT

    store = request.app[CONTEXT].outages
    if store is None:
        raise web.HTTPServiceUnavailable(text="outage store is not configured")
    return store


def _limit(request: web.Request, default: int = 100, most: int = 5000) -> int:
    text = request.query.get("limit", str(default))
    try:
        limit = int(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"limit must be an integer, got {text!r}") from None
    if not 1 <= limit <= most:
        raise web.HTTPBadRequest(text=f"limit must be between 1 and {most}")
    return limit


async def list_outages(request: web.Request) -> web.Response:
    store = _store(request)
    status = request.query.get("status", "active")
    level = request.query.get("level")
    if level is not None and level not in LEVELS:
        raise web.HTTPBadRequest(text=f"level must be one of {', '.join(LEVELS)}")
    limit = _limit(request, 500)
    if status == "active":
        found = await store.active(level=level, feeder=request.query.get("feeder"), limit=limit)
    elif status == "all" or status.upper() in STATUSES:
        found = await store.list(status=None if status == "all" else status.upper(), limit=limit)
        found = [o for o in found if level is None or o.level == level]
    else:
        raise web.HTTPBadRequest(text=f"status must be active, all or one of {', '.join(STATUSES)}")
    return web.json_response([o.to_json() for o in found])


async def get_outage(request: web.Request) -> web.Response:
    found = await _store(request).get(request.match_info["outage_id"])
    if found is None:
        return problem(404, "Not Found", f"no outage {request.match_info['outage_id']!r}")
    return web.json_response(found.to_json())


async def devices_in_outage(request: web.Request) -> web.Response:
    devices = request.query.getall("device", [])
    if not devices:
        raise web.HTTPBadRequest(text="give one or more device=<mRID> parameters")
    found = await _store(request).devices_in_outage(devices)
    return web.json_response({"in_outage": sorted(found)})


async def list_deliveries(request: web.Request) -> web.Response:
    status = request.query.get("status")
    if status is not None and status not in DELIVERY_STATUSES:
        raise web.HTTPBadRequest(text=f"status must be one of {', '.join(DELIVERY_STATUSES)}")
    store = _store(request)
    found = await store.deliveries(status=status, outage_id=request.query.get("outage_id"), limit=_limit(request))
    return web.json_response({"counts": await store.delivery_counts(),
                              "deliveries": [d.to_json(with_payload=request.query.get("payload") == "1")
                                             for d in found]})


async def replay(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        data = json.loads(body) if body.strip() else {}
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(text=f"body is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or set(data) - {"ids", "outage_id", "include_delivered"}:
        raise web.HTTPBadRequest(text='body must be {"ids": [..]}, {"outage_id": ".."} or {} (every dead delivery)')
    ids = data.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
        raise web.HTTPBadRequest(text="ids must be a list of integers")
    outage_id = data.get("outage_id")
    if outage_id is not None and not isinstance(outage_id, str):
        raise web.HTTPBadRequest(text="outage_id must be a string")
    n = await _store(request).replay(ids=ids, outage_id=outage_id,
                                     include_delivered=bool(data.get("include_delivered", False)))
    return web.json_response({"replayed": n})


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/outages", list_outages)
    app.router.add_get("/api/v1/outages/devices", devices_in_outage)
    app.router.add_get("/api/v1/outages/{outage_id}", get_outage)
    app.router.add_get("/api/v1/oms/deliveries", list_deliveries)
    app.router.add_post("/api/v1/oms/deliveries/replay", replay)
