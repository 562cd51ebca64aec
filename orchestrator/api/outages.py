"""REST: outages (active and recent), OMS deliveries and their replay, devices in outage.

``GET  /api/v1/outages?status=active|all|<STATUS>&level=&feeder=&limit=``
``GET  /api/v1/outages/{id}``
``GET  /api/v1/outages/devices?device=M1&device=M2`` (which of these are in an active outage)
``GET  /api/v1/oms/deliveries?status=pending|delivered|dead&outage_id=&limit=``
``POST /api/v1/oms/deliveries/replay`` with ``{"ids": [..]}``, ``{"outage_id": ".."}`` or ``{}`` (all dead)
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from orchestrator.api.openapi import Param, spec
from orchestrator.api.params import query_int
from orchestrator.api.problems import problem

STATUSES = ("SUSPECTED", "MOMENTARY", "SUSTAINED", "RESTORED")
STATUS_FILTERS = ("active", "all", *STATUSES, *(s.lower() for s in STATUSES))
LEVELS = ("meter", "transformer", "feeder")
DELIVERY_STATUSES = ("pending", "delivered", "dead")
API = "/api/v1"
ROW_ID_MAX = 2**63 - 1  # a delivery id is a 64-bit row id; a larger one can never match


# ------------------------------------------------------------------ documented shapes
class Outage(BaseModel):
    """The outage as last notified to the OMS, with its status and version."""

    id: str = Field(description="<level>:<asset>:<first event, epoch ms>")
    level: Literal["meter", "transformer", "feeder"]
    asset: str
    status: Literal["SUSPECTED", "MOMENTARY", "SUSTAINED", "RESTORED"]
    first: datetime
    last: datetime
    restored: datetime | None = None
    affected: list[str]
    confidence: float
    parent: str | None = None
    transformer: str | None = None
    feeder: str | None = None
    substation: str | None = None
    version: int


class OutageList(RootModel[list[Outage]]):
    pass


class DevicesInOutage(BaseModel):
    in_outage: list[str] = Field(description="those of the devices asked for that are in an active outage")


class Delivery(BaseModel):
    id: int
    idempotency_key: str
    target: str
    outage_id: str
    event: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status: int | None
    created_at: datetime
    delivered_at: datetime | None
    content_type: str | None = Field(None, description="with payload=1 only")
    payload: str | None = Field(None, description="with payload=1 only")


class DeliveryList(BaseModel):
    counts: dict[str, int] = Field(description="deliveries per status, all of them")
    deliveries: list[Delivery]


class Replay(BaseModel):
    """Which deliveries go back in the queue: these ids, this outage's, or (neither) every dead one."""

    model_config = ConfigDict(extra="forbid")

    ids: list[StrictInt] | None = Field(None, max_length=10000)
    outage_id: StrictStr | None = None
    include_delivered: StrictBool = Field(False, description="replay delivered ones too, not only dead ones")


class Replayed(BaseModel):
    replayed: int


# ------------------------------------------------------------------ handlers
def _store(request: web.Request):
    from orchestrator.api.app import CONTEXT

    store = request.app[CONTEXT].outages
    if store is None:
        raise web.HTTPServiceUnavailable(text="outage store is not configured")
    return store


async def list_outages(request: web.Request) -> web.Response:
    store = _store(request)
    status = request.query.get("status", "active")
    level = request.query.get("level")
    if level is not None and level not in LEVELS:
        raise web.HTTPBadRequest(text=f"level must be one of {', '.join(LEVELS)}")
    if status not in STATUS_FILTERS:
        raise web.HTTPBadRequest(text=f"status must be active, all or one of {', '.join(STATUSES)}")
    limit = query_int(request, "limit", 500, 1, 5000)
    if status == "active":
        found = await store.active(level=level, feeder=request.query.get("feeder"), limit=limit)
    else:
        found = await store.list(status=None if status == "all" else status.upper(), limit=limit)
        found = [o for o in found if level is None or o.level == level]
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
    limit = query_int(request, "limit", 100, 1, 5000)
    store = _store(request)
    found = await store.deliveries(status=status, outage_id=request.query.get("outage_id"), limit=limit)
    return web.json_response({"counts": await store.delivery_counts(),
                              "deliveries": [d.to_json(with_payload=request.query.get("payload") == "1")
                                             for d in found]})


async def replay(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        asked = Replay.model_validate_json(body) if body.strip() else Replay()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return problem(400, "Bad Request", f"{where}: {first['msg']}" if where else first["msg"])
    # Ids outside a row id's range match nothing; the database would refuse them.
    ids = None if asked.ids is None else [i for i in asked.ids if 1 <= i <= ROW_ID_MAX]
    n = await _store(request).replay(ids=ids, outage_id=asked.outage_id, include_delivered=asked.include_delivered)
    return web.json_response({"replayed": n})


def register(app: web.Application) -> None:
    doc = spec(app)
    limit = Param("limit", type="integer", minimum=1, maximum=5000)
    routes = [
        ("GET", "/outages", list_outages, "Outages: active ones (default), all, or those in one status",
         None, OutageList, (Param("status", enum=STATUS_FILTERS, description="default active"),
                            Param("level", enum=LEVELS), Param("feeder", description="with status=active"),
                            limit), (400,)),
        ("GET", "/outages/devices", devices_in_outage, "Which of these devices are in an active outage",
         None, DevicesInOutage, (Param("device", required=True, repeated=True),), (400,)),
        ("GET", "/outages/{outage_id}", get_outage, "Get an outage", None, Outage, (), (404,)),
        ("GET", "/oms/deliveries", list_deliveries, "OMS deliveries (the outbox), oldest first, with counts",
         None, DeliveryList, (Param("status", enum=DELIVERY_STATUSES), Param("outage_id"),
                              Param("payload", description="1: include each delivery's content type and body"),
                              limit), (400,)),
        ("POST", "/oms/deliveries/replay", replay, "Put dead (or delivered) deliveries back in the queue; "
         "the body is optional", Replay, Replayed, (), ()),
    ]
    for method, path, handler, summary, req, resp, params, errors in routes:
        app.router.add_route(method, API + path, handler)
        doc.add(API + path, method, summary=summary, tag="outages", request=req, response=resp, params=params,
                errors=errors, request_required=False, invalid_body=400)
