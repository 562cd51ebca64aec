"""The whole embedded orchestrator on an event loop in a background thread.

For tests driven synchronously (hypothesis, schemathesis): they talk to it over HTTP and reach its
stores through ``call`` (a coroutine run on its loop) or ``in_loop`` (a function run on its thread).
"""
from __future__ import annotations

import asyncio
import http.client
import threading
from contextlib import AsyncExitStack
from urllib.parse import urlsplit

from orchestrator.service import start
from orchestrator.settings import Settings


class ServiceThread:
    """The embedded orchestrator on its own event loop thread, so hypothesis can drive it synchronously."""

    def __init__(self, settings: Settings):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = AsyncExitStack()
        self.running = self.call(start(settings, self.stack))
        self.address = urlsplit(self.running.url).netloc

    def call(self, coro, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def in_loop(self, fn):
        async def run():
            return fn()
        return self.call(run())

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection(self.address, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.getheader("Content-Type", ""), r.read()
        finally:
            conn.close()

    def close(self) -> None:
        self.call(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
