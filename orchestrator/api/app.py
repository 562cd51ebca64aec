"""The aiohttp application: health, metrics and the REST API, over the ports in ``AppContext``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from orchestrator import __version__
from orchestrator.api.problems import problem, problem_middleware
from orchestrator.metrics import render_latest
from orchestrator.processors.base import Record
from orchestrator.settings import Settings
from orchestrator.store.deadletters import DeadLetterStore
from orchestrator.store.unavailable import RETRY_AFTER_S


class Publisher(Protocol):
    """Where accepted messages go: the embedded runtime's channels or Kafka topics."""

    async def publish(self, records: list[Record] | Record) -> None: ...


@dataclass
class AppContext:
    settings: Settings
    publisher: Publisher
    dead_letters: DeadLetterStore
    health_checks: dict[str, Any] = field(default_factory=dict)  # name -> async check, raising when down (/readyz)
    headends: Any = None  # store.headends.HeadendStore: credentials of the IEC endpoint's senders
    events: Any = None  # campaign_service.EventService: programs, events, dispatch records (operator API)
    dispatch_progress: Any = None  # correlation.store.DispatchProgressStore: dispatch records, rollups
    readings: Any = None  # store.readings.ReadingStore: meter readings and measured reduction
    masterdata: Any = None  # masterdata.MasterData: customer data sync and switching
    users: Any = None  # store.users.UserStore: operator users, API tokens, audit log (auth.wiring.attach)
    outages: Any = None  # store.outages.OutageStore: outage records and OMS deliveries


CONTEXT = web.AppKey("context", AppContext)


async def healthz(request: web.Request) -> web.Response:
    ctx = request.app[CONTEXT]
    return web.json_response({"status": "ok", "version": __version__, "runtime": ctx.settings.runtime})


async def readyz(request: web.Request) -> web.Response:
    """Ready to serve: every dependency in ``health_checks`` (the catalogue database) answers.
    /healthz says the process is alive; this one says whether its requests can succeed now."""
    ctx = request.app[CONTEXT]
    failed: dict[str, str] = {}
    for name, check in ctx.health_checks.items():
        try:
            await check()
        except Exception as exc:  # any failure means "not ready"; the reason is in the body
            failed[name] = f"{type(exc).__name__}: {exc}"[:200]
    if failed:
        return problem(503, "Service Unavailable", f"not reachable: {', '.join(sorted(failed))}",
                       headers={"Retry-After": str(RETRY_AFTER_S)}, checks=failed)
    return web.json_response({"status": "ready", "checks": {name: "ok" for name in ctx.health_checks}})


async def metrics(request: web.Request) -> web.Response:
    body, content_type = render_latest()
    return web.Response(body=body, headers={"Content-Type": content_type})


def create_app(ctx: AppContext) -> web.Application:
    app = web.Application(client_max_size=ctx.settings.max_body_bytes, middlewares=[problem_middleware])
    app[CONTEXT] = ctx
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    from orchestrator.api import deadletters
    deadletters.register(app)
    from orchestrator.api import iec_endpoint
    iec_endpoint.register(app)
    from orchestrator.api import events
    events.register(app)
    from orchestrator.api import readings as readings_api
    readings_api.register(app)
    from orchestrator.api import outages as outages_api
    outages_api.register(app)
    from orchestrator.api import rollups as rollups_api
    rollups_api.register(app)
    from orchestrator.auth import wiring as auth_wiring  # access control + console; keep it last
    auth_wiring.register(app, ctx)
    return app
