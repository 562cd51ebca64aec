"""``orchestrator event``: create, list, show and cancel events through the operator REST API.

The commands talk to a running orchestrator over HTTP (``--url``, default
``ORCHESTRATOR_API_URL`` or http://127.0.0.1:8080) rather than to the store, because only the
running process owns the scheduler that must learn about a new or cancelled event.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import typer

app = typer.Typer(help="Demand-response events (campaigns), through the operator API.", no_args_is_help=True)
DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
URL = typer.Option(None, "--url", help="Orchestrator base URL (default: $ORCHESTRATOR_API_URL or "
                                        "http://127.0.0.1:8080).")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"orchestrator: {message}", err=True)
    raise typer.Exit(code)


def parse_duration(text: str) -> timedelta:
    """``2h``, ``90m``, ``1h30m``, ``1d``, ``45s``."""
    m = DURATION.match(text.strip())
    if not text.strip() or not m or not any(m.groups()):
        raise ValueError(f"duration {text!r} must look like 2h, 90m, 1h30m or 1d")
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return timedelta(days=d, hours=h, minutes=mi, seconds=s)


def parse_start(text: str, now: datetime | None = None) -> datetime:
    """``now``, ``+10m`` (relative), or an ISO 8601 date-time with offset."""
    now = now or datetime.now(timezone.utc)
    text = text.strip()
    if text == "now":
        return now
    if text.startswith("+"):
        return now + parse_duration(text[1:])
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"start {text!r} must be now, +10m or an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise ValueError(f"start {text!r} needs a UTC offset, e.g. {text}+00:00")
    return value


def _call(url: str | None, method: str, path: str, body: dict | None = None) -> Any:
    base = (url or os.environ.get("ORCHESTRATOR_API_URL") or "http://127.0.0.1:8080").rstrip("/")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "X-Operator": os.environ.get("USER", "operator")}
    if os.environ.get("ORCHESTRATOR_API_TOKEN"):  # `orchestrator token create`; the server names the actor
        headers["Authorization"] = f"Bearer {os.environ['ORCHESTRATOR_API_TOKEN']}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            problem = json.loads(exc.read())
        except ValueError:
            _fail(f"{exc.code} {exc.reason}")
        violations = problem.get("violations") or []
        if violations:
            for v in violations:
                typer.echo(f"orchestrator: {v['text']}", err=True)
            raise typer.Exit(1)
        _fail(problem.get("detail") or problem.get("title") or f"HTTP {exc.code}", 1)
    except urllib.error.URLError as exc:
        _fail(f"cannot reach the orchestrator at {base}: {exc.reason}")


def _line(e: dict) -> str:
    roll = e.get("rollup") or {}
    counts = " ".join(f"{k}={v}" for k, v in roll.items() if v)
    return (f"{e['id']}  {e['state']:<11} {e['program']:<22} {e['start']} → {e['end']}  "
            f"{','.join(e['targets'])}  {counts}").rstrip()


@app.command("create")
def create(
    program: str = typer.Option(..., "--program", "-p", help="Program id, e.g. ac-cycling."),
    target: list[str] = typer.Option(..., "--target", "-t", help="KIND:ID, repeatable (feeder:F12, group:north)."),
    start: str = typer.Option(..., "--start", help="now, +10m or ISO 8601 with offset."),
    duration: Optional[str] = typer.Option(None, "--duration", help="2h, 90m, 1h30m (or give --end)."),
    end: Optional[str] = typer.Option(None, "--end", help="ISO 8601 end (or give --duration)."),
    level: Optional[int] = typer.Option(None, help="drProgramLevel; the price tier for price programs."),
    priority: Optional[int] = typer.Option(None, help="Overrides the program's priority."),
    setpoint: Optional[float] = typer.Option(None, help="DER/EV limit, % of rated power."),
    reason: str = typer.Option("", help="Shown to head-ends as the control's reason."),
    url: Optional[str] = URL,
) -> None:
    """Create and schedule an event; prints its id, or each broken constraint and exits 1."""
    try:
        start_at = parse_start(start)
        body: dict[str, Any] = {"program": program, "targets": target, "start": start_at.isoformat(),
                                "reason": reason}
        if (duration is None) == (end is None):
            raise ValueError("give exactly one of --duration and --end")
        if duration is not None:
            body["duration_minutes"] = max(1, round(parse_duration(duration).total_seconds() / 60))
        else:
            body["end"] = parse_start(end, start_at)
            body["end"] = body["end"].isoformat()
    except ValueError as exc:
        _fail(str(exc))
    for key, value in (("level", level), ("priority", priority), ("setpoint_percent", setpoint)):
        if value is not None:
            body[key] = value
    e = _call(url, "POST", "/api/v1/events", body)
    typer.echo(_line(e))


@app.command("list")
def list_(
    state: Optional[str] = typer.Option(None, help="Only events in this state (e.g. ACTIVE)."),
    program: Optional[str] = typer.Option(None, help="Only events of this program."),
    limit: int = typer.Option(50, min=1, max=500),
    url: Optional[str] = URL,
) -> None:
    """List events, newest start first, one line each."""
    query = "&".join(f"{k}={v}" for k, v in (("state", state), ("program", program), ("limit", limit)) if v)
    page = _call(url, "GET", f"/api/v1/events?{query}")
    for e in page["items"]:
        typer.echo(_line(e))
    typer.echo(f"{len(page['items'])} of {page['total']} event(s)", err=True)


@app.command("show")
def show(event_id: str = typer.Argument(..., help="Event id."), url: Optional[str] = URL) -> None:
    """Show one event with its rollup (devices per dispatch state) as JSON."""
    typer.echo(json.dumps(_call(url, "GET", f"/api/v1/events/{event_id}"), indent=2))


@app.command("cancel")
def cancel(event_id: str = typer.Argument(..., help="Event id."),
           reason: str = typer.Option("", help="Why; kept in the audit log."), url: Optional[str] = URL) -> None:
    """Cancel an event; if it started, cancel/restore controls are sent to its devices."""
    typer.echo(_line(_call(url, "POST", f"/api/v1/events/{event_id}/cancel", {"reason": reason})))


@app.command("modify")
def modify(
    event_id: str = typer.Argument(..., help="Event id."),
    start: Optional[str] = typer.Option(None, "--start", help="now, +10m or ISO 8601 with offset."),
    duration: Optional[str] = typer.Option(None, "--duration", help="2h, 90m, 1h30m."),
    target: Optional[list[str]] = typer.Option(None, "--target", "-t", help="Replaces the targets (repeatable)."),
    level: Optional[int] = typer.Option(None, help="drProgramLevel; the price tier for price programs."),
    reason: Optional[str] = typer.Option(None, help="New reason."),
    url: Optional[str] = URL,
) -> None:
    """Change a scheduled event (constraints are checked again); prints it or each broken rule."""
    body: dict[str, Any] = {}
    try:
        if start is not None:
            body["start"] = parse_start(start).isoformat()
        if duration is not None:
            body["duration_minutes"] = max(1, round(parse_duration(duration).total_seconds() / 60))
    except ValueError as exc:
        _fail(str(exc))
    for key, value in (("targets", target or None), ("level", level), ("reason", reason)):
        if value is not None:
            body[key] = value
    if not body:
        _fail("nothing to change: give --start, --duration, --target, --level or --reason")
    typer.echo(_line(_call(url, "PATCH", f"/api/v1/events/{event_id}", body)))
