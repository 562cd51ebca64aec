"""REST: a device's meter readings, and the measured load reduction of a set of devices.

- ``GET /api/v1/devices/{device}/readings?start=&end=[&reading_type=][&limit=]``
- ``POST /api/v1/devices/{device}/read``: on-request read (GetMeterReadings to the device's head-end);
  202 with the request, ``GET /api/v1/reads/{request_id}`` follows it (requested, read, timed_out;
  switching reads also estimated / unavailable).
- ``GET /api/v1/masterdata/messages[?result=FAILED][&limit=]``: master-data messages received and the
  reply each got (what a CIS sent over the topic, answered asynchronously, can be checked here).
- ``GET /api/v1/events/{event}/reduction[?method=][&tz=][&exclude=]``: measured reduction of an event
  at the meters of its devices that took part, with the engineering estimate beside it.
- ``GET /api/v1/reduction?devices=M1,M2&start=&end=[&method=][&tz=][&exclude=2026-07-13,...]``
  (or ``POST /api/v1/reduction`` with the same fields as JSON, for long device lists): baseline,
  metered and delivered kW per interval, per device and summed, with the baseline days used.

Times are ISO 8601 with an offset. Errors are RFC 9457 problems; every operation is in the OpenAPI
document (``register``).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from aiohttp import web
from pydantic import (
    BaseModel,
    Field,
    RootModel,
    StrictStr,
    ValidationError,
    field_validator,
)

from orchestrator.api.app import CONTEXT
from orchestrator.api.openapi import Param, spec
from orchestrator.api.problems import problem
from orchestrator.core.baselines import BaselineError, BaselineMethod
from orchestrator.readings.reduction import measure

MAX_DEVICES = 10000
MAX_WINDOW = timedelta(days=31)  # a reduction is of an event; a longer window is a mistake, and costly
API = "/api/v1"
DATE_TIME = {"format": "date-time"}


# ------------------------------------------------------------------ documented shapes
class Reading(BaseModel):
    device: str
    reading_type: str
    at: datetime = Field(description="interval end (or the reading's time)")
    value: float
    quality: str | None


class ReadingList(RootModel[list[Reading]]):
    pass


class ReductionInterval(BaseModel):
    end: datetime
    baseline_kw: float | None
    metered_kw: float | None
    delivered_kw: float | None


class MeasuredReduction(BaseModel):
    average_kw: float | None
    days_used: list[date] = Field(description="the baseline days")
    adjustment: float
    intervals: list[ReductionInterval]


class ReductionReport(BaseModel):
    method: BaselineMethod
    start: datetime
    end: datetime
    total: MeasuredReduction | None = Field(description="summed over the measured devices; none measured: null")
    devices: dict[str, MeasuredReduction]
    unmeasured: dict[str, str] = Field(description="device -> why it has no baseline")


class EventReduction(ReductionReport):
    event: str
    program: str
    devices_taking_part: int
    meters: int = Field(description="the premise meters of the devices taking part, where it is measured")
    tz: str = Field(description="time zone of the baseline days")
    estimated_kw: float = Field(description="the engineering estimate of the devices taking part")


class ReductionRequest(BaseModel):
    """``POST /reduction``: the query parameters of ``GET /reduction`` as JSON, for long device lists."""

    devices: list[StrictStr] | StrictStr = Field(description="device mRIDs: a list, or comma-separated")
    start: StrictStr = Field(json_schema_extra=DATE_TIME, description="with a UTC offset; a whole interval")
    end: StrictStr = Field(json_schema_extra=DATE_TIME, description="with a UTC offset; a whole interval")
    method: BaselineMethod | None = Field(None, description="default caiso-10-in-10")
    tz: StrictStr | None = Field(None, description="IANA time zone of the baseline days, default UTC")
    exclude: list[StrictStr] | StrictStr | None = Field(None, description="days (YYYY-MM-DD) not to use as baseline "
                                                                          "days: a list, or comma-separated")

    @field_validator("method", mode="before")
    @classmethod
    def _known_method(cls, value):
        if isinstance(value, str) and value not in {m.value for m in BaselineMethod}:
            raise ValueError(f"unknown method {value!r}; one of {', '.join(m.value for m in BaselineMethod)}")
        return value


class ReadRequest(BaseModel):
    """An on-request or switching read: requested until answered, timed out or estimated."""

    request_id: str
    device: str
    headend: str | None
    reason: str = Field(description="on-request, move-in, move-out or supplier-change")
    status: Literal["requested", "read", "timed_out", "estimated", "unavailable"]
    reading_type: str
    value: float | None
    estimated: bool
    effective_at: datetime
    deadline: datetime
    read_at: datetime | None
    old_agreement: str | None
    new_agreement: str | None
    detail: str | None


class MasterDataMessage(BaseModel):
    id: int
    message_id: str | None
    noun: str
    verb: str
    result: Literal["OK", "PARTIAL", "FAILED"]
    items: int
    failed: int
    detail: str
    received_at: datetime


class MasterDataLog(RootModel[list[MasterDataMessage]]):
    pass


def _time(value: str | None, name: str) -> datetime:
    if not value:
        raise ValueError(f"{name} is required (ISO 8601 with an offset)")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ValueError(f"{name} {value!r} is not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        raise ValueError(f"{name} {value!r} has no UTC offset")
    return at


def _store(request: web.Request):
    store = getattr(request.app[CONTEXT], "readings", None)
    if store is None:
        raise web.HTTPServiceUnavailable(text="the reading store is not configured")
    return store


async def device_readings(request: web.Request) -> web.Response:
    store = _store(request)
    q = request.query
    try:
        start, end = _time(q.get("start"), "start"), _time(q.get("end"), "end")
        limit = int(q.get("limit", "10000"))
        if not 1 <= limit <= 100000:
            raise ValueError("limit must be between 1 and 100000")
    except ValueError as exc:
        return problem(400, "Bad Request", str(exc))
    rows = await store.readings(request.match_info["device"], start=start, end=end,
                                reading_type=q.get("reading_type"), limit=limit)
    return web.json_response([{"device": r.device, "reading_type": r.reading_type, "at": r.at.isoformat(),
                               "value": r.value, "quality": r.quality} for r in rows])


async def reduction(request: web.Request) -> web.Response:
    store = _store(request)
    if request.method == "POST":
        try:
            fields = ReductionRequest.model_validate_json(await request.read()).model_dump(mode="json")
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return problem(400, "Bad Request", f"{where}: {first['msg']}" if where else first["msg"])
    else:
        fields = dict(request.query)
    try:
        devices = fields.get("devices") or []
        if isinstance(devices, str):
            devices = [d.strip() for d in devices.split(",") if d.strip()]
        if not devices or not all(isinstance(d, str) for d in devices):
            raise ValueError("devices is required: device mRIDs, comma-separated or a JSON list")
        if len(devices) > MAX_DEVICES:
            raise ValueError(f"at most {MAX_DEVICES} devices per request")
        start, end = _time(fields.get("start"), "start"), _time(fields.get("end"), "end")
        if end - start > MAX_WINDOW:
            raise ValueError(f"the window is longer than {MAX_WINDOW.days} days")
        method = fields.get("method") or BaselineMethod.CAISO_10_IN_10.value
        try:
            method = BaselineMethod(method)
        except ValueError:
            known = ", ".join(m.value for m in BaselineMethod)
            raise ValueError(f"unknown method {method!r}; one of {known}") from None
        exclude = fields.get("exclude") or []
        if isinstance(exclude, str):
            exclude = [d for d in exclude.split(",") if d.strip()]
        excluded = [date.fromisoformat(d.strip()) for d in exclude]
        tz = fields.get("tz") or "UTC"
        report = await measure(store, devices, start, end, method, tz=tz, excluded=excluded)
    except (ValueError, BaselineError) as exc:  # ZoneInfoNotFoundError is a KeyError
        return problem(400, "Bad Request", str(exc))
    except OverflowError:  # the baseline's look-back or an interval end falls outside the calendar
        return problem(400, "Bad Request", "start or end is too close to the ends of the calendar")
    except KeyError as exc:
        return problem(400, "Bad Request", f"unknown time zone {exc}")
    return web.json_response(report.to_json())


async def event_reduction(request: web.Request) -> web.Response:
    """Measured reduction of an event: at the meters of the devices that took part, over the event
    window, beside the engineering estimate (the correlation engine's per-device estimate)."""
    from orchestrator.readings.reduction import UnknownEvent, measure_event

    ctx = request.app[CONTEXT]
    store, events = _store(request), getattr(ctx, "events", None)
    if events is None:
        raise web.HTTPServiceUnavailable(text="the event service is not configured")
    q = request.query
    try:
        excluded = [date.fromisoformat(d.strip()) for d in q.get("exclude", "").split(",") if d.strip()]
        method = q.get("method") or None
        if method is not None:
            try:
                method = BaselineMethod(method)
            except ValueError:
                raise ValueError(f"unknown method {method!r}; one of "
                                 f"{', '.join(m.value for m in BaselineMethod)}") from None
        body = await measure_event(store, events.store, events.programs, _masterdata(request).view,
                                   request.match_info["event"], method=method, tz=q.get("tz") or None,
                                   excluded=excluded,
                                   default_kw=getattr(ctx.settings, "correlation_default_device_kw", 1.0))
    except UnknownEvent as exc:
        return problem(404, "Not Found", str(exc))
    except (ValueError, BaselineError) as exc:
        return problem(400, "Bad Request", str(exc))
    except KeyError as exc:  # ZoneInfoNotFoundError
        return problem(400, "Bad Request", f"unknown time zone {exc}")
    return web.json_response(body)


def _masterdata(request: web.Request):
    service = getattr(request.app[CONTEXT], "masterdata", None)
    if service is None:
        raise web.HTTPServiceUnavailable(text="the master data service is not configured")
    return service


async def request_read(request: web.Request) -> web.Response:
    from orchestrator.store.masterdata import Rejected

    service = _masterdata(request)
    try:
        request_id = await service.request_read(request.match_info["device"])
    except Rejected as exc:
        return problem(404, "Not Found", exc.text)
    body = await service.read_status(request_id)
    return web.json_response(body, status=202, headers={"Location": f"/api/v1/reads/{request_id}"})


async def read_status(request: web.Request) -> web.Response:
    body = await _masterdata(request).read_status(request.match_info["request_id"])
    if body is None:
        return problem(404, "Not Found", f"no read request {request.match_info['request_id']}")
    return web.json_response(body)


async def masterdata_log(request: web.Request) -> web.Response:
    result = request.query.get("result")
    if result not in (None, "OK", "PARTIAL", "FAILED"):
        return problem(400, "Bad Request", "result must be OK, PARTIAL or FAILED")
    try:
        limit = int(request.query.get("limit", "100"))
        if not 1 <= limit <= 1000:
            raise ValueError
    except ValueError:
        return problem(400, "Bad Request", "limit must be an integer between 1 and 1000")
    return web.json_response(await _masterdata(request).log(result=result, limit=limit))


def register(app: web.Application) -> None:
    doc = spec(app)
    when = {"format": "date-time", "required": True, "description": "with a UTC offset"}
    method = Param("method", enum=tuple(m.value for m in BaselineMethod))
    tz = Param("tz", description="IANA time zone of the baseline days")
    exclude = Param("exclude", description="days (YYYY-MM-DD), comma-separated, not to use as baseline days")
    reduction_params = (Param("devices", required=True, description="device mRIDs, comma-separated"),
                        Param("start", **when), Param("end", **when), method, tz, exclude)
    routes = [
        ("GET", "/masterdata/messages", masterdata_log, "Master-data messages received and the reply each got, "
         "newest first", None, MasterDataLog, 200, (Param("result", enum=("OK", "PARTIAL", "FAILED")),
                                                   Param("limit", type="integer", minimum=1, maximum=1000)), (400,)),
        ("POST", "/devices/{device}/read", request_read, "Read a meter now (GetMeterReadings to its head-end)",
         None, ReadRequest, 202, (), (404,)),
        ("GET", "/events/{event}/reduction", event_reduction, "Measured reduction of an event at the meters of "
         "its devices that took part, beside the engineering estimate", None, EventReduction, 200,
         (method, tz, exclude), (400, 404)),
        ("GET", "/reads/{request_id}", read_status, "Follow a read request", None, ReadRequest, 200, (), (404,)),
        ("GET", "/devices/{device}/readings", device_readings, "A device's meter readings, oldest first", None,
         ReadingList, 200, (Param("start", **when), Param("end", **when), Param("reading_type"),
                            Param("limit", type="integer", minimum=1, maximum=100000)), (400,)),
        ("GET", "/reduction", reduction, "Measured load reduction of devices over a window", None, ReductionReport,
         200, reduction_params, (400,)),
        ("POST", "/reduction", reduction, "Measured load reduction of devices over a window (long device lists)",
         ReductionRequest, ReductionReport, 200, (), (400,)),
    ]
    for verb, path, handler, summary, req, resp, status, params, errors in routes:
        app.router.add_route(verb, API + path, handler)
        doc.add(API + path, verb, summary=summary, tag="readings", request=req, response=resp, status=status,
                params=params, errors=errors, invalid_body=400)
