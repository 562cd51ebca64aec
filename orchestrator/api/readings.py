"""REST: a device's meter readings, and the measured load reduction of a set of devices.

- ``GET /api/v1/devices/{mrid}/readings?start=&end=[&reading_type=][&limit=]``
- ``POST /api/v1/devices/{mrid}/read``: on-request read (GetMeterReadings to the device's head-end);
  202 with the request, ``GET /api/v1/reads/{request_id}`` follows it (requested, read, timed_out;
  switching reads also estimated / unavailable).
- ``GET /api/v1/masterdata/messages[?result=FAILED][&limit=]``: master-data messages received and the
  reply each got (what a CIS sent over the topic, answered asynchronously, can be checked here).
- ``GET /api/v1/events/{event}/reduction[?method=][&tz=][&exclude=]``: measured reduction of an event
  at the meters of its devices that took part, with the engineering estimate beside it.
- ``GET /api/v1/reduction?devices=M1,M2&start=&end=[&method=][&tz=][&exclude=2026-07-13,...]``
  (or ``POST /api/v1/reduction`` with the same fields as JSON, for long device lists): baseline,
  metered and delivered kW per interval, per device and summed, with the baseline days used.

Times are ISO 8601 with an offset. Errors are RFC 9457 problems.
"""
from __future__ import annotations

from datetime import date, datetime

from aiohttp import web

from orchestrator.api.app import CONTEXT
from orchestrator.api.problems import problem
from orchestrator.core.baselines import BaselineError, BaselineMethod
from orchestrator.readings.reduction import measure

MAX_DEVICES = 10000


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
    rows = await store.readings(request.match_info["mrid"], start=start, end=end,
                                reading_type=q.get("reading_type"), limit=limit)
    return web.json_response([{"device": r.device, "reading_type": r.reading_type, "at": r.at.isoformat(),
                               "value": r.value, "quality": r.quality} for r in rows])


async def reduction(request: web.Request) -> web.Response:
    store = _store(request)
    if request.method == "POST":
        try:
            body = await request.json()
        except ValueError:
            return problem(400, "Bad Request", "body is not JSON")
        if not isinstance(body, dict):
            return problem(400, "Bad Request", "body must be a JSON object")
        fields = {k: body.get(k) for k in ("devices", "start", "end", "method", "tz", "exclude")}
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
        request_id = await service.request_read(request.match_info["mrid"])
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
    app.router.add_get("/api/v1/masterdata/messages", masterdata_log)
    app.router.add_post("/api/v1/devices/{mrid}/read", request_read)
    app.router.add_get("/api/v1/events/{event}/reduction", event_reduction)
    app.router.add_get("/api/v1/reads/{request_id}", read_status)
    app.router.add_get("/api/v1/devices/{mrid}/readings", device_readings)
    app.router.add_get("/api/v1/reduction", reduction)
    app.router.add_post("/api/v1/reduction", reduction)
