"""Operator REST API under /api/v1: programs, events (campaigns), their dispatch records,
devices and groups. JSON in and out; every error is RFC 9457 problem JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from orchestrator.api.openapi import Param, spec
from orchestrator.api.params import json_model as _json
from orchestrator.api.params import query_datetime as _when
from orchestrator.api.params import query_int as _int
from orchestrator.api.problems import problem
from orchestrator.campaign_service import (
    CancelEvent,
    CreateEvent,
    EventService,
    ModifyEvent,
    NotFound,
)
from orchestrator.core.campaigns import (
    CampaignState,
    EventRejected,
    InvalidCampaignTransition,
)
from orchestrator.core.dispatch import DispatchState
from orchestrator.core.programs import Program
from orchestrator.store import dispatch_view
from orchestrator.store.campaigns import StaleCampaign

API = "/api/v1"


# ------------------------------------------------------------------ response models (documented)
class ProgramList(BaseModel):
    items: list[Program]


class Event(BaseModel):
    id: str
    program: str
    targets: list[str]
    start: datetime
    end: datetime
    state: CampaignState
    priority: int
    level: int | None = None
    setpoint_percent: float | None = None
    reason: str = ""
    created_by: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    rollup: dict[str, int] = {}
    devices: int = 0
    price_signal: float | None = None


class EventPage(BaseModel):
    items: list[Event]
    total: int
    limit: int
    offset: int


class DispatchRecord(BaseModel):
    campaign: str
    device: str
    state: DispatchState
    attempt: int
    headend: str | None = None
    step: int
    message_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    deadline: datetime | None = None
    updated_at: datetime
    cause: str | None = None
    cause_message_id: str | None = None
    detail: str = ""


class DispatchPage(BaseModel):
    items: list[DispatchRecord]
    next: str | None = None


class Device(BaseModel):
    device: str
    kind: str
    headend: str | None = None
    vendor: str | None = None
    usage_point: str | None = None
    transformer: str | None = None
    feeder: str | None = None
    substation: str | None = None
    customer: str | None = None
    rated_kw: float | None = None
    programs: list[str] = []
    groups: list[str] = []


class DevicePage(BaseModel):
    items: list[Device]
    next: str | None = None


class Group(BaseModel):
    name: str
    kind: str
    members: int


class GroupList(BaseModel):
    items: list[Group]


# ------------------------------------------------------------------ helpers
def _service(request: web.Request) -> EventService:
    from orchestrator.api.app import CONTEXT

    svc = request.app[CONTEXT].events
    if svc is None:
        raise web.HTTPServiceUnavailable(text="events are not enabled in this process")
    return svc


async def _body(request: web.Request, model: type[BaseModel], optional: bool = False):
    text = await request.text()
    if not text.strip() and optional:
        return model()
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        first = errors[0]
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        raise _Problem(problem(422, "Invalid request body", detail, errors=errors)) from None


class _Problem(Exception):
    def __init__(self, response: web.Response):
        self.response = response


def _actor(request: web.Request) -> str:
    return (request.headers.get("X-Operator") or "operator")[:100]


@web.middleware
async def _errors(request: web.Request, handler):
    if not request.path.startswith(API):
        return await handler(request)
    try:
        return await handler(request)
    except _Problem as p:
        return p.response
    except NotFound as exc:
        return problem(404, "Not Found", str(exc).strip("'\""))
    except EventRejected as exc:
        return problem(422, "Event breaks program constraints", str(exc),
                       violations=[{"code": v.code, "text": v.text} for v in exc.violations])
    except (InvalidCampaignTransition, StaleCampaign) as exc:
        return problem(409, "Conflict", str(exc))
    except ValueError as exc:
        return problem(422, "Unprocessable Content", str(exc))


async def _event(svc: EventService, c) -> Event:
    return Event.model_validate(await svc.describe(c))


# ------------------------------------------------------------------ handlers
async def list_programs(request: web.Request) -> web.Response:
    svc = _service(request)
    return _json(ProgramList(items=[svc.programs[k] for k in sorted(svc.programs)]))


async def get_program(request: web.Request) -> web.Response:
    return _json(_service(request).program(request.match_info["program"]))


async def create_event(request: web.Request) -> web.Response:
    svc = _service(request)
    cmd = await _body(request, CreateEvent)
    c = await svc.create(cmd, _actor(request))
    return _json(await _event(svc, c), 201, Location=f"{API}/events/{c.id}")


async def list_events(request: web.Request) -> web.Response:
    svc = _service(request)
    state = request.query.get("state")
    if state is not None and state not in CampaignState.__members__:
        raise web.HTTPBadRequest(text=f"state must be one of {', '.join(CampaignState.__members__)}")
    limit, offset = _int(request, "limit", 50, 1, 500), _int(request, "offset", 0, 0, 10**9)
    items, total = await svc.store.list(state=state, program=request.query.get("program"),
                                        start_from=_when(request, "start_from"), start_to=_when(request, "start_to"),
                                        limit=limit, offset=offset)
    return _json(EventPage(items=[await _event(svc, c) for c in items], total=total, limit=limit, offset=offset))


async def get_event(request: web.Request) -> web.Response:
    svc = _service(request)
    return _json(await _event(svc, await svc.get(request.match_info["event"])))


async def modify_event(request: web.Request) -> web.Response:
    svc = _service(request)
    cmd = await _body(request, ModifyEvent)
    return _json(await _event(svc, await svc.modify(request.match_info["event"], cmd, _actor(request))))


async def cancel_event(request: web.Request) -> web.Response:
    svc = _service(request)
    cmd = await _body(request, CancelEvent, optional=True)
    return _json(await _event(svc, await svc.cancel(request.match_info["event"], cmd, _actor(request))))


async def list_dispatches(request: web.Request) -> web.Response:
    svc = _service(request)
    c = await svc.get(request.match_info["event"])
    state = request.query.get("state")
    if state is not None and state not in DispatchState.__members__:
        raise web.HTTPBadRequest(text=f"state must be one of {', '.join(DispatchState.__members__)}")
    limit = _int(request, "limit", 100, 1, 1000)
    rows = await dispatch_view.records(svc.store.sessions, c.id, state=state, after=request.query.get("after"),
                                       limit=limit)
    return _json(DispatchPage(items=[DispatchRecord.model_validate(r) for r in rows],
                              next=rows[-1]["device"] if len(rows) == limit else None))


def _device(p) -> Device:
    return Device(device=p.device, kind=p.kind.value, headend=p.headend, vendor=p.vendor, usage_point=p.usage_point,
                  transformer=p.transformer, feeder=p.feeder, substation=p.substation, customer=p.customer,
                  rated_kw=p.rated_kw, programs=sorted(p.programs), groups=sorted(p.groups))


async def list_devices(request: web.Request) -> web.Response:
    view = await _service(request).topology()
    limit = _int(request, "limit", 100, 1, 1000)
    after = request.query.get("after") or ""
    filters: dict[str, Any] = {k: request.query[k] for k in ("kind", "headend", "feeder", "transformer",
                                                               "substation") if k in request.query}
    program, group = request.query.get("program"), request.query.get("group")
    out: list[Device] = []
    for mrid in sorted(d for d in view.devices if d > after):
        p = view.devices[mrid]
        if any((p.kind.value if k == "kind" else getattr(p, k)) != v for k, v in filters.items()):
            continue
        if (program and program not in p.programs) or (group and group not in p.groups):
            continue
        out.append(_device(p))
        if len(out) == limit:
            break
    return _json(DevicePage(items=out, next=out[-1].device if len(out) == limit else None))


async def get_device(request: web.Request) -> web.Response:
    view = await _service(request).topology()
    p = view.devices.get(request.match_info["device"])
    if p is None:
        raise NotFound(f"unknown device {request.match_info['device']}")
    return _json(_device(p))


async def list_groups(request: web.Request) -> web.Response:
    view = await _service(request).topology()
    counts: dict[str, int] = {}
    for p in view.devices.values():
        for g in p.groups:
            counts[g] = counts.get(g, 0) + 1
    items = [Group(name=g, kind="device", members=n) for g, n in sorted(counts.items())]
    items += [Group(name=g, kind="usage_point", members=len(m)) for g, m in sorted(view.usage_point_groups.items())]
    return _json(GroupList(items=items))


def register(app: web.Application) -> None:
    app.middlewares.append(_errors)
    doc = spec(app)
    routes = [
        ("GET", "/programs", list_programs, "List programs", "programs", None, ProgramList, 200, (), ()),
        ("GET", "/programs/{program}", get_program, "Get a program", "programs", None, Program, 200, (), (404,)),
        ("POST", "/events", create_event, "Create an event (checked against the program's constraints)", "events",
         CreateEvent, Event, 201, (), (404,)),
        ("GET", "/events", list_events, "List events, newest start first", "events", None, EventPage, 200,
         (Param("state", enum=tuple(CampaignState.__members__)), Param("program"),
          Param("start_from", description="inclusive, with a UTC offset", format="date-time"),
          Param("start_to", description="exclusive, with a UTC offset", format="date-time"),
          Param("limit", type="integer", minimum=1, maximum=500), Param("offset", type="integer", minimum=0,
                                                                        maximum=10**9)), (400,)),
        ("GET", "/events/{event}", get_event, "Get an event with its rollup", "events", None, Event, 200, (), (404,)),
        ("PATCH", "/events/{event}", modify_event, "Modify a scheduled event", "events", ModifyEvent, Event, 200, (),
         (404, 409)),
        ("POST", "/events/{event}/cancel", cancel_event, "Cancel an event (sends cancel/restore controls if it "
         "started); the body is optional", "events", CancelEvent, Event, 200, (), (404, 409)),
        ("GET", "/events/{event}/dispatches", list_dispatches, "Dispatch records of an event, by device", "events",
         None, DispatchPage, 200, (Param("state", enum=tuple(DispatchState.__members__)),
                                   Param("after", description="last device of the previous page"),
                                   Param("limit", type="integer", minimum=1, maximum=1000)), (400, 404)),
        ("GET", "/devices", list_devices, "Devices (read-only), by mRID", "devices", None, DevicePage, 200,
         (Param("kind"), Param("headend"), Param("feeder"), Param("transformer"), Param("substation"),
          Param("program"), Param("group"), Param("after", description="last device of the previous page"),
          Param("limit", type="integer", minimum=1, maximum=1000)), (400,)),
        ("GET", "/devices/{device}", get_device, "Get a device", "devices", None, Device, 200, (), (404,)),
        ("GET", "/groups", list_groups, "Device and usage point groups (read-only)", "devices", None, GroupList,
         200, (), ()),
    ]
    for method, path, handler, summary, tag, req, resp, status, params, errors in routes:
        app.router.add_route(method, API + path, handler)
        doc.add(API + path, method, summary=summary, tag=tag, request=req, response=resp, status=status,
                params=params, errors=errors, request_required=handler is not cancel_event)
