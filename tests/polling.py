"""Waiting in tests: poll an async check until it gives something true, or fail naming what was awaited."""
from __future__ import annotations

import asyncio
import time


async def until(check, timeout: float = 30.0, what: str = "condition", interval: float = 0.2):
    """``await check()`` every ``interval`` seconds until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(interval)
