"""A real OMS webhook for the tests: an aiohttp server that records what it receives."""
from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from orchestrator.oms.delivery import OmsDeliverer
from orchestrator.oms.formats import targets_for
from orchestrator.processors.base import Record
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.outages import OutageStore


class OmsServer:
    """Answers 503 while ``down``; otherwise 200 and keeps (Idempotency-Key, body) of each request."""

    def __init__(self) -> None:
        self.received: list[tuple[str, object]] = []
        self.requests = 0
        self.down = False
        self.status_when_down = 503
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.read()
        if self.down:
            return web.Response(status=self.status_when_down, text="OMS unavailable")
        if request.content_type == "application/json":
            content: object = json.loads(body)
        else:
            content = body.decode()
        self.received.append((request.headers.get("Idempotency-Key", ""), content))
        return web.json_response({"accepted": True})

    async def start(self) -> "OmsServer":
        app = web.Application()
        app.router.add_post("/oms/outages", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/oms/outages"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def outage_store(directory: Path, fmt: str = "json") -> tuple[OutageStore, object]:
    url = f"sqlite+aiosqlite:///{directory / 'oms.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    return OutageStore(sessionmaker(engine), targets_for(fmt)), engine


async def deliver_all(records: list[Record], directory: Path, fmt: str = "json") -> list[tuple[str, object]]:
    """Store the notifications, deliver them to a fresh server, return what it received."""
    server = await OmsServer().start()
    store, engine = await outage_store(directory, fmt)
    deliverer = OmsDeliverer(store, server.url, backoff_base_s=0.01, poll_s=0.01)
    try:
        for i in range(0, len(records), 50):
            await store.sink(records[i:i + 50])
        for _ in range(1000):
            await deliverer.run_once()
            if not (await store.delivery_counts()).get("pending"):
                break
        return server.received
    finally:
        await deliverer.stop()
        await server.stop()
        await engine.dispose()
