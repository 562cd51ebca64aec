"""Console page handlers. They call the same services as the REST API (``EventService``, the
stores on ``AppContext``) and render templates; errors become pages with the reason, never a
traceback. Roles: ``auth.middleware`` refuses what a role may not do before a handler runs;
``can_operate`` in the templates only hides the buttons."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup, escape
from pydantic import ValidationError

from orchestrator import __version__
from orchestrator.api.app import CONTEXT
from orchestrator.auth.middleware import AUTH, PRINCIPAL, SESSION, TOKEN_SESSION, client_address
from orchestrator.auth.sessions import COOKIE, LOGIN_CSRF_COOKIE
from orchestrator.console.charts import line_chart
from orchestrator.console.queries import ConsoleQueries
from orchestrator.core.campaigns import (
    CANCELLABLE,
    Campaign,
    CampaignState,
    EventRejected,
    InvalidCampaignTransition,
    parse_targets,
    resolve_targets,
)
from orchestrator.core.dispatch import DispatchState
from orchestrator.core.topology import TargetKind
from orchestrator.logs import get_logger
from orchestrator.store import dispatch_view
from orchestrator.store.campaigns import RECORD_COLUMNS, StaleCampaign
from orchestrator.store.models import utcnow
from orchestrator.store.users import Principal, Role

log = get_logger(__name__)
FINAL_EVENT_STATES = frozenset({CampaignState.COMPLETED, CampaignState.CANCELLED})
STREAM_INTERVAL_S = 1.0
STREAM_MAX_INTERVAL_S = 10.0
STREAM_KEEPALIVE_S = 15.0
MEASURE_MAX_DEVICES = 2000
ESTIMATE_MAX_DEVICES = 200_000  # without the correlation engine's estimate, rated kW of at most this many
INTERVAL_S = 900
STATE_ORDER = [s.value for s in DispatchState]
ACK_STATES = ("ACCEPTED", "CONFIRMED")
ACTIVE_DEVICE_STATES = ("ACCEPTED", "CONFIRMED", "ENDED")
STOP = web.AppKey("console_stop", asyncio.Event)
PROGRESS = web.AppKey("console_progress", OrderedDict)


# ------------------------------------------------------------------ template helpers
def when(value: datetime | str | None) -> Markup:
    """A <time> element: UTC text and title; console.js shows it in the operator's zone."""
    if value is None or value == "":
        return Markup('<span class="muted">—</span>')
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    utc = value.astimezone(timezone.utc)
    text = utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    return Markup(f'<time datetime="{utc.isoformat()}" title="{text}">{text}</time>')


def state_badge(state: str) -> Markup:
    s = str(getattr(state, "value", state))
    return Markup(f'<span class="badge state-{escape(s.lower())}">{escape(s)}</span>')


def kw(value: float | None) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.1f} kW"


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:,.1f} s"


FILTERS = {"when": when, "state_badge": state_badge, "kw": kw, "seconds": seconds}
GLOBALS = {"version": __version__, "STATE_ORDER": STATE_ORDER}


def _ctx(request: web.Request):
    return request.app[CONTEXT]


def _principal(request: web.Request) -> Principal:
    return request.get(PRINCIPAL) or Principal("anonymous", Role.VIEWER, "open")


def render(request: web.Request, template: str, data: dict[str, Any], status: int = 200) -> web.Response:
    principal = request.get(PRINCIPAL)
    session = request.get(SESSION)
    base = {"principal": principal, "can_operate": bool(principal and principal.may(Role.OPERATOR)),
            "is_admin": bool(principal and principal.may(Role.ADMIN)), "csrf": session.csrf if session else "",
            "path": request.path, "auth_required": request.app[AUTH].required}
    response = aiohttp_jinja2.render_template(template, request, {**base, **data})
    response.set_status(status)
    return response


def _service(request: web.Request):
    svc = _ctx(request).events
    if svc is None:
        raise web.HTTPServiceUnavailable(text="events are not enabled in this process")
    return svc


def _queries(request: web.Request) -> ConsoleQueries:
    users = _ctx(request).users
    if users is None:
        raise web.HTTPServiceUnavailable(text="the catalogue is not configured in this process")
    return ConsoleQueries(users.sessions)


def _error_page(request: web.Request, status: int, title: str, detail: str) -> web.Response:
    return render(request, "error.html", {"title": title, "detail": detail, "status": status}, status)


@web.middleware
async def console_errors(request: web.Request, handler):
    """Errors on console pages become an error page (HTML), not problem JSON."""
    if not request.path.startswith("/console") or request.path.startswith("/console/static/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        detail = exc.text if exc.text and exc.text != f"{exc.status}: {exc.reason}" else ""
        return _error_page(request, exc.status, exc.reason, detail)


# ------------------------------------------------------------------ login / logout
def _safe_next(target: str | None) -> str:
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/events"


async def login_page(request: web.Request) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or _new_token()
    response = render(request, "login.html", {"login_csrf": token, "next": _safe_next(request.query.get("next")),
                                              "error": None, "name": ""})
    _set_login_csrf(request, response, token)
    return response


def _new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


def _set_login_csrf(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", path="/console/login",
                        secure=request.app[AUTH].cookie_secure, max_age=3600)


async def login(request: web.Request) -> web.Response:
    import hmac

    auth = request.app[AUTH]
    form = await request.post()
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    client = client_address(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = str(form.get("_csrf", ""))

    def again(error: str, status: int) -> web.Response:
        token = _new_token()
        response = render(request, "login.html", {"login_csrf": token, "next": target, "error": error, "name": name},
                          status)
        _set_login_csrf(request, response, token)
        return response

    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        return again("Your sign-in form expired. Please try again.", 403)
    if auth.throttle.blocked(client):
        return again("Too many failed sign-ins from this address. Wait a few minutes and try again.", 429)
    api_token = str(form.get("token", "")).strip()
    if api_token:  # an API token instead of a user (e.g. the one `orchestrator demo` prints)
        principal = await auth.users.authenticate_token(api_token)
        subject = f"{TOKEN_SESSION}{principal.name}" if principal else ""
    else:
        principal = await auth.users.check_password(name, password) if name and password else None
        subject = principal.name if principal else ""
    if principal is None:
        auth.throttle.failed(client)
        who = "token" if api_token else (name or "-")
        await auth.users.audit(who, "session", who, "login-failed", {"from": client})
        return again("That API token is not valid." if api_token else "Wrong user name or password.", 401)
    auth.throttle.succeeded(client)
    value, _ = auth.signer.issue(subject)
    await auth.users.audit(principal.name, "session", principal.name, "login", {"from": client,
                                                                                 "role": principal.role.label})
    response = web.HTTPSeeOther(location=target)
    response.set_cookie(COOKIE, value, httponly=True, samesite="Strict", path="/", secure=auth.cookie_secure,
                        max_age=auth.signer.max_age_s)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
    raise response


async def logout(request: web.Request) -> web.Response:
    response = web.HTTPSeeOther(location="/console/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther(location="/console/events")


# ------------------------------------------------------------------ programs
async def programs_page(request: web.Request) -> web.Response:
    svc = _service(request)
    return render(request, "programs.html", {"programs": [svc.programs[k] for k in sorted(svc.programs)]})


# ------------------------------------------------------------------ events list
async def events_page(request: web.Request) -> web.Response:
    svc = _service(request)
    q = request.query
    state = q.get("state") or None
    program = q.get("program") or None
    errors: list[str] = []
    if state and state not in CampaignState.__members__:
        errors.append(f"Unknown state {state!r}.")
        state = None
    if program and program not in svc.programs:
        errors.append(f"Unknown program {program!r}.")
        program = None
    start_from = _date(q.get("from"), "From", errors)
    start_to = _date(q.get("to"), "To", errors)
    if start_to is not None:
        start_to += timedelta(days=1)
    try:
        offset = max(0, int(q.get("offset", "0")))
    except ValueError:
        offset = 0
    limit = 25
    items, total = await svc.store.list(state=state, program=program, start_from=start_from, start_to=start_to,
                                        limit=limit, offset=offset)
    events = [await svc.describe(c) for c in items]
    params = {k: v for k, v in (("state", state), ("program", program), ("from", q.get("from")),
                                ("to", q.get("to"))) if v}
    page = {"prev": f"?{urlencode({**params, 'offset': max(0, offset - limit)})}" if offset else None,
            "next": f"?{urlencode({**params, 'offset': offset + limit})}" if offset + limit < total else None}
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "_events_table.html" if partial else "events.html"
    return render(request, template, {
        "events": events, "total": total, "offset": offset, "errors": errors, "states": list(CampaignState.__members__),
        "programs": sorted(svc.programs), "filters": {"state": state or "", "program": program or "",
                                                      "from": q.get("from", ""), "to": q.get("to", "")},
        "page": page, "done": q.get("done")})


def _date(raw: str | None, label: str, errors: list[str]) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=timezone.utc)
    except ValueError:
        errors.append(f"{label} must be a date (YYYY-MM-DD).")
        return None


# ------------------------------------------------------------------ event form, preview, create
TARGET_KINDS = [k.value for k in TargetKind]


@dataclass
class EventForm:
    program: str = ""
    target_kind: str = "feeder"
    target_id: str = ""
    start: str = ""
    tz: str = "UTC"
    duration_minutes: str = "60"
    level: str = ""
    setpoint_percent: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, form) -> "EventForm":
        def get(name: str, default: str = "") -> str:
            return str(form.get(name, default)).strip()[:500]

        return cls(program=get("program"), target_kind=get("target_kind", "feeder"), target_id=get("target_id"),
                   start=get("start"), tz=get("tz", "UTC") or "UTC", duration_minutes=get("duration_minutes"),
                   level=get("level"), setpoint_percent=get("setpoint_percent"), reason=get("reason"))

    def command(self, programs: dict):
        """The CreateEvent this form describes, or None with ``errors`` filled in per field."""
        from orchestrator.campaign_service import CreateEvent

        e = self.errors
        if not self.program:
            e["program"] = "Choose a program."
        elif self.program not in programs:
            e["program"] = f"Unknown program {self.program!r}."
        if self.target_kind not in TARGET_KINDS:
            e["target_kind"] = "Choose what to target."
        if not self.target_id:
            e["target_id"] = "Enter the id of the feeder, group, transformer or device."
        start = None
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            zone = timezone.utc
            e["start"] = f"Unknown time zone {self.tz!r}."
        if not self.start:
            e["start"] = "Enter the start date and time."
        elif "start" not in e:
            try:
                start = datetime.fromisoformat(self.start)
                start = start.replace(tzinfo=zone) if start.tzinfo is None else start
            except ValueError:
                e["start"] = "Start must be a date and time, e.g. 2026-07-15 14:00."
        duration = _number(self.duration_minutes, int, "duration_minutes", e, "Duration must be a whole number "
                           "of minutes.", required=True)
        if duration is not None and duration <= 0:
            e["duration_minutes"] = "Duration must be more than 0 minutes."
        level = _number(self.level, int, "level", e, "Level must be a whole number from 0 to 15.")
        setpoint = _number(self.setpoint_percent, float, "setpoint_percent", e, "Setpoint must be a number "
                           "from 0 to 100.")
        if e:
            return None
        try:
            return CreateEvent(program=self.program, targets=[f"{self.target_kind}:{self.target_id}"], start=start,
                               duration_minutes=duration, level=level, setpoint_percent=setpoint, reason=self.reason)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "form"
                e[{"targets": "target_id", "end": "duration_minutes"}.get(name, name)] = err["msg"].removeprefix(
                    "Value error, ")
            return None


def _number(raw: str, kind, name: str, errors: dict, message: str, required: bool = False):
    if raw == "":
        if required:
            errors[name] = message
        return None
    try:
        return kind(raw)
    except ValueError:
        errors[name] = message
        return None


async def new_event_page(request: web.Request) -> web.Response:
    svc = _service(request)
    form = EventForm(program=request.query.get("program", ""), target_kind=request.query.get("target_kind", "feeder"),
                     target_id=request.query.get("target_id", ""))
    return render(request, "event_new.html", await _form_data(svc, form, None, None))


async def _form_data(svc, form: EventForm, preview: dict | None, violations: list | None) -> dict:
    view = await svc.topology()
    feeders = sorted({p.feeder for p in view.devices.values() if p.feeder})[:500]
    return {"form": form, "programs": [svc.programs[k] for k in sorted(svc.programs)], "target_kinds": TARGET_KINDS,
            "preview": preview, "violations": violations or [], "feeders": feeders}


async def _preview(svc, cmd, outages=None) -> dict:
    """What the event would reach and which program rules it would break, without storing it;
    devices in an active outage now are counted (the dispatcher skips them at dispatch time)."""
    program = svc.program(cmd.program)
    view = await svc.topology()
    now = svc.clock()
    c = Campaign(id="preview", program=program.id, targets=tuple(cmd.targets), start=cmd.start, end=cmd.end_at,
                 priority=cmd.priority if cmd.priority is not None else program.priority, level=cmd.level,
                 setpoint_percent=cmd.setpoint_percent, reason=cmd.reason, created_by="preview", created_at=now,
                 updated_at=now)
    eligible, ineligible, out = 0, 0, None
    try:
        resolution = resolve_targets(view, program, parse_targets(c.targets))
        eligible, ineligible = len(resolution.eligible), len(resolution.ineligible)
        if outages is not None and resolution.eligible:
            out = len(await outages.devices_in_outage(resolution.eligible))
    except (KeyError, ValueError):
        pass
    violations = await svc._violations(program, c, view)  # the same checks create() makes
    return {"eligible": eligible, "ineligible": ineligible, "in_outage": out, "violations": violations,
            "program": program, "start": cmd.start, "end": cmd.end_at, "targets": list(cmd.targets)}


async def create_event(request: web.Request) -> web.Response:
    svc = _service(request)
    post = await request.post()
    form = EventForm.from_post(post)
    action = str(post.get("action", "preview"))
    cmd = form.command(svc.programs)
    if cmd is None:
        return render(request, "event_new.html", await _form_data(svc, form, None, None), 422)
    preview = await _preview(svc, cmd, getattr(_ctx(request), "outages", None))
    if action != "create" or preview["violations"] or preview["eligible"] == 0:
        status = 200 if action != "create" else 422
        if action == "create" and not preview["violations"] and preview["eligible"] == 0:
            form.errors["target_id"] = "No enrolled device of this program is reached by this target."
        return render(request, "event_new.html", await _form_data(svc, form, preview, None), status)
    try:
        c = await svc.create(cmd, _principal(request).name)
    except EventRejected as exc:
        return render(request, "event_new.html", await _form_data(svc, form, preview, exc.violations), 422)
    raise web.HTTPSeeOther(location=f"/console/events/{c.id}?done=created")


# ------------------------------------------------------------------ event detail, stream, csv
async def _event_or_404(svc, event_id: str) -> Campaign:
    from orchestrator.campaign_service import NotFound

    try:
        return await svc.get(event_id)
    except NotFound:
        raise web.HTTPNotFound(text=f"There is no event {event_id}.") from None


def _progress(described: dict) -> dict:
    rollup = described["rollup"]
    total = described["devices"]
    settled = sum(rollup.get(s, 0) for s in ("ACCEPTED", "CONFIRMED", "ENDED", "REJECTED", "FAILED", "OPTED_OUT",
                                               "SKIPPED_OUTAGE", "SKIPPED_INELIGIBLE", "CANCELLED"))
    return {"state": described["state"], "rollup": rollup, "devices": total, "settled": settled,
            "percent": round(100.0 * settled / total, 1) if total else 0.0,
            "final": described["state"] in {s.value for s in FINAL_EVENT_STATES}}


async def _reduction(request: web.Request, svc, c: Campaign) -> dict:
    """Estimated kW (rated kW of acknowledged devices × the program's off share) and, once interval
    readings exist, the measured reduction against the baseline (readings.reduction)."""
    ctx = _ctx(request)
    q = _queries(request)
    program = svc.programs.get(c.program)
    share = 1.0
    if program is not None and program.load_control and program.load_control.cycling_percent:
        share = program.load_control.cycling_percent / 100.0
    shedding_count = await q.count(c.id, ("ACCEPTED", "CONFIRMED"))
    estimated = await q.estimated_kw(c.id)  # the correlation engine's estimate, when it has rows
    if estimated is None:
        shedding = await q.devices(c.id, ("ACCEPTED", "CONFIRMED"), ESTIMATE_MAX_DEVICES)
        view = await svc.topology()
        default_kw = ctx.settings.correlation_default_device_kw
        estimated = sum((view.devices[d].rated_kw if d in view.devices and view.devices[d].rated_kw is not None
                         else default_kw) for d in shedding) * share
    devices_count = await q.count(c.id, ACTIVE_DEVICE_STATES)
    devices = await q.devices(c.id, ACTIVE_DEVICE_STATES, MEASURE_MAX_DEVICES)
    out: dict[str, Any] = {"estimated_kw": estimated, "devices": shedding_count, "share": share, "measured_kw": None,
                           "chart": None, "note": None}
    now = utcnow()
    if ctx.readings is None:
        out["note"] = "Measured reduction needs the reading store, which this process does not run."
        return out
    if c.start >= now:
        out["note"] = "Measured reduction appears once the event has started and interval readings arrive."
        return out
    if not devices:
        out["note"] = "No acknowledged devices to measure yet."
        return out
    sample = devices
    from orchestrator.readings.reduction import measure

    start, end = _interval_floor(c.start, ceil=True), _interval_floor(min(c.end, now))
    if end <= start:
        out["note"] = "Measured reduction appears after the first whole 15-minute interval of the event."
        return out
    try:
        report = await measure(ctx.readings, sample, start, end, "caiso-10-in-10")
    except Exception as exc:  # a baseline that cannot be built is shown, not raised
        out["note"] = f"Measured reduction is not available: {exc}"
        return out
    total = report.total
    if total is None or not total.intervals:
        out["note"] = "No interval readings with a baseline for these devices in the event window yet."
        return out
    out["measured_kw"] = total.average_kw
    points = [(ts, d) for ts, d in zip(total.intervals, total.delivered_kw) if d is not None]
    out["chart"] = line_chart(points, estimated)
    if devices_count > len(sample):
        out["note"] = f"Measured on the first {len(sample):,} of {devices_count:,} devices."
    return out


async def _describe(request: web.Request, svc, c: Campaign) -> dict:
    """The event with the per-device progress of both dispatch tables (see ``console.queries``)."""
    described = await svc.describe(c)
    described["rollup"] = await _queries(request).rollup(c.id)
    described["devices"] = sum(described["rollup"].values())
    return described


def _interval_floor(at: datetime, ceil: bool = False) -> datetime:
    """``at`` on the 15-minute interval grid the baselines use (rounded up with ``ceil``)."""
    ts = at.timestamp()
    edge = math.ceil(ts / INTERVAL_S) if ceil else math.floor(ts / INTERVAL_S)
    return datetime.fromtimestamp(edge * INTERVAL_S, tz=timezone.utc)


async def event_page(request: web.Request) -> web.Response:
    svc = _service(request)
    c = await _event_or_404(svc, request.match_info["event"])
    described = await _describe(request, svc, c)
    q = _queries(request)
    return render(request, "event_detail.html", {
        "event": described, "progress": _progress(described), "program": svc.programs.get(c.program),
        "cancellable": c.state in CANCELLABLE, "ack": await q.acknowledgement(c.id),
        "failures": await q.in_states(c.id, ("FAILED", "REJECTED", "TIMED_OUT")),
        "opt_outs": await q.in_states(c.id, ("OPTED_OUT",)),
        "reduction": await _reduction(request, svc, c), "done": request.query.get("done"),
        "audit": await svc.store.audit_log(c.id)})


def _refresh_s(progress: dict | None) -> float:
    """How often an event's progress is recomputed: every second, slower for very large events
    (the rollup is a GROUP BY over every device of the event)."""
    devices = progress["devices"] if progress else 0
    return min(STREAM_MAX_INTERVAL_S, max(STREAM_INTERVAL_S, devices / 100_000))


async def _shared_progress(request: web.Request, svc, event_id: str, fresh: bool = False) -> dict:
    """The event's progress, computed at most once per refresh interval however many operators
    watch it (one cache entry per event, the least recently used dropped beyond 1,000)."""
    cache: OrderedDict = request.app[PROGRESS]
    entry = cache.pop(event_id, None) or {"at": 0.0, "progress": None, "lock": asyncio.Lock()}
    cache[event_id] = entry
    while len(cache) > 1000:
        cache.popitem(last=False)
    async with entry["lock"]:
        if fresh or entry["progress"] is None or time.monotonic() - entry["at"] >= _refresh_s(entry["progress"]):
            entry["progress"] = _progress(await _describe(request, svc, await svc.get(event_id)))
            entry["at"] = time.monotonic()
        return entry["progress"]


async def event_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: ``progress`` (JSON) whenever the rollup or state changes, ``end`` when
    the event is final; a comment line every 15 s keeps proxies from closing the stream."""
    svc = _service(request)
    c = await _event_or_404(svc, request.match_info["event"])
    stop = request.app[STOP]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    last: dict | None = None
    quiet_since = time.monotonic()
    try:
        while not stop.is_set():
            progress = await _shared_progress(request, svc, c.id, fresh=last is None)  # first: never older than the page
            if progress != last:
                await response.write(f"event: progress\ndata: {json.dumps(progress)}\n\n".encode())
                last, quiet_since = progress, time.monotonic()
            elif time.monotonic() - quiet_since > STREAM_KEEPALIVE_S:
                await response.write(b": keep-alive\n\n")
                quiet_since = time.monotonic()
            if progress["final"]:
                await response.write(b"event: end\ndata: {}\n\n")
                break
            try:
                await asyncio.wait_for(stop.wait(), _refresh_s(progress))
            except asyncio.TimeoutError:
                pass
    except ConnectionResetError:  # the operator closed the page
        pass
    return response


async def event_csv(request: web.Request) -> web.StreamResponse:
    svc = _service(request)
    c = await _event_or_404(svc, request.match_info["event"])
    response = web.StreamResponse(headers={"Content-Type": "text/csv; charset=utf-8",
                                           "Content-Disposition": f'attachment; filename="{c.id}-dispatches.csv"'})
    await response.prepare(request)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(RECORD_COLUMNS)
    after = None
    while True:
        rows = await dispatch_view.records(svc.store.sessions, c.id, after=after, limit=1000)
        for r in rows:
            writer.writerow([_csv_cell(r[k]) for k in RECORD_COLUMNS])
        await response.write(buf.getvalue().encode())
        buf.seek(0)
        buf.truncate()
        if len(rows) < 1000:
            break
        after = rows[-1]["device"]
    await response.write_eof()
    return response


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas in a spreadsheet


async def cancel_page(request: web.Request) -> web.Response:
    svc = _service(request)
    c = await _event_or_404(svc, request.match_info["event"])
    return render(request, "event_cancel.html", {"event": await svc.describe(c), "cancellable": c.state in CANCELLABLE,
                                                 "error": None, "reason": ""})


async def cancel_event(request: web.Request) -> web.Response:
    from orchestrator.campaign_service import CancelEvent

    svc = _service(request)
    c = await _event_or_404(svc, request.match_info["event"])
    post = await request.post()
    reason = str(post.get("reason", "")).strip()
    try:
        cmd = CancelEvent(reason=reason)
        await svc.cancel(c.id, cmd, _principal(request).name)
    except ValidationError:
        error = "The reason may have at most 500 characters."
    except (InvalidCampaignTransition, StaleCampaign) as exc:
        error = str(exc)
    else:
        request.app[PROGRESS].pop(c.id, None)
        raise web.HTTPSeeOther(location=f"/console/events/{c.id}?done=cancelled")
    c = await svc.get(c.id)
    return render(request, "event_cancel.html", {"event": await svc.describe(c), "cancellable": c.state in CANCELLABLE,
                                                 "error": error, "reason": reason[:500]}, 409)


# ------------------------------------------------------------------ devices
async def devices_page(request: web.Request) -> web.Response:
    svc = _service(request)
    q = request.query.get("q", "").strip()[:100]
    view = await svc.topology()
    device = None
    matches: list = []
    if q:
        if q in view.devices:
            device = view.devices[q]
        else:
            needle = q.lower()
            for mrid in sorted(view.devices):
                p = view.devices[mrid]
                if needle in mrid.lower() or needle == (p.usage_point or "").lower() or \
                        needle == (p.customer or "").lower():
                    matches.append(p)
                    if len(matches) == 50:
                        break
            if len(matches) == 1:
                device = matches[0]
    data: dict[str, Any] = {"q": q, "device": device, "matches": matches, "readings": None, "dispatches": [],
                            "outages": [],
                            "in_outage": None, "readings_note": None}
    if device is not None:
        data["dispatches"] = await _queries(request).device_dispatches(device.device)
        data["outages"] = await _queries(request).device_outages(device.device)
        ctx = _ctx(request)
        if ctx.readings is not None:
            now = utcnow()
            rows = await ctx.readings.readings(device.device, start=now - timedelta(days=7), end=now + timedelta(days=1),
                                               limit=10000)
            data["readings"] = list(reversed(rows[-10:]))
        else:
            data["readings_note"] = "Readings are not available in this process."
        outages = getattr(ctx, "outages", None)
        if outages is not None:
            data["in_outage"] = bool(await outages.devices_in_outage([device.device]))
    return render(request, "devices.html", data)


# ------------------------------------------------------------------ outages
async def outages_page(request: web.Request) -> web.Response:
    store = getattr(_ctx(request), "outages", None)
    if store is None:
        return render(request, "outages.html", {"available": False})
    active = await store.active(limit=500)
    levels: dict[str, list] = {}
    for o in active:
        levels.setdefault(o.level, []).append(o)
    order = ["feeder", "transformer", "meter"]
    by_level = [(lvl, levels[lvl]) for lvl in sorted(levels, key=lambda x: (order.index(x) if x in order else 9, x))]
    momentary = await store.list(status="MOMENTARY", limit=20)
    restored = await store.list(status="RESTORED", limit=20)
    recent = await store.list(limit=200)
    nested = [o for o in recent if o.level == "meter" and o.parent and o.status in ("SUSTAINED", "SUSPECTED")]
    counts = await store.delivery_counts()
    deliveries = list(reversed(await store.deliveries(limit=1000)))[:20]
    return render(request, "outages.html", {
        "available": True, "by_level": by_level, "active_count": len(active),
        "affected": sum(o.affected_count for o in active if not o.parent), "momentary": momentary,
        "restored": restored, "nested": nested, "delivery_counts": counts, "deliveries": deliveries})


# ------------------------------------------------------------------ audit
async def audit_page(request: web.Request) -> web.Response:
    users = _ctx(request).users
    if users is None:
        raise web.HTTPServiceUnavailable(text="the audit log is not available in this process")
    actor = request.query.get("actor") or None
    entity = request.query.get("entity") or None
    rows = await users.audit_entries(actor=actor, entity=entity, limit=200)
    return render(request, "audit.html", {"rows": rows, "actor": actor or "", "entity": entity or ""})


# ------------------------------------------------------------------ routes
async def _on_shutdown(app: web.Application) -> None:
    app[STOP].set()


def add_routes(app: web.Application) -> None:
    app[STOP] = asyncio.Event()
    app[PROGRESS] = OrderedDict()
    app.on_shutdown.append(_on_shutdown)
    app.middlewares.append(console_errors)
    r = app.router
    r.add_get("/", home)
    r.add_get("/console", home)
    r.add_get("/console/", home)
    r.add_get("/console/login", login_page)
    r.add_post("/console/login", login)
    r.add_post("/console/logout", logout)
    r.add_get("/console/programs", programs_page)
    r.add_get("/console/events", events_page)
    r.add_get("/console/events/new", new_event_page)
    r.add_post("/console/events/new", create_event)
    r.add_get("/console/events/{event}", event_page)
    r.add_get("/console/events/{event}/stream", event_stream)
    r.add_get("/console/events/{event}/dispatches.csv", event_csv)
    r.add_get("/console/events/{event}/cancel", cancel_page)
    r.add_post("/console/events/{event}/cancel", cancel_event)
    r.add_get("/console/devices", devices_page)
    r.add_get("/console/outages", outages_page)
    r.add_get("/console/audit", audit_page)
