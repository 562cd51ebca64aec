"""The operator console: server-rendered pages (aiohttp-jinja2) with a vendored htmx and a small
script of our own (``static/console.js``) for live progress (server-sent events), local times
and the event preview. Everything works without JavaScript except the live updates, which fall
back to reloading the page.

Pages, under /console (login and roles are enforced by ``auth.middleware``; the templates only
leave out what a role may not do, the server refuses it anyway):

- ``/console/login``, ``/console/logout``;
- ``/console/events`` (filters), ``/console/events/new`` (form → preview → confirm),
  ``/console/events/{id}`` (live progress, acknowledgement times, failures, opt-outs,
  estimated vs measured kW), ``/console/events/{id}/stream`` (SSE),
  ``/console/events/{id}/dispatches.csv``, ``/console/events/{id}/cancel`` (confirm);
- ``/console/outages``, ``/console/devices``, ``/console/programs``, ``/console/audit``.
"""
from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"


def register(app: web.Application) -> None:
    from orchestrator.console import pages

    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                               default_helpers=True)
    env.filters.update(pages.FILTERS)
    env.globals.update(pages.GLOBALS)
    pages.add_routes(app)
    app.router.add_static("/console/static/", STATIC, name="console-static", append_version=True)
