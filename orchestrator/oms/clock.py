"""The outage detector's clock: periodic tick records for every owner (feeder) on ``outage.signals``.

The detector never reads a wall clock (see ``processors.outage``): owners with traffic move with
their events, and this clock moves the quiet ones. Its watermark is ``now() - lateness_s``:
head-end events are stamped close to real time, and ``lateness_s`` gives the ones in flight
time to arrive before a window is closed over them. Ticks are idempotent, so several clocks
(one per ``serve`` process) or a restarted one do no harm, and a clock that was down only
delays decisions: the first tick after it catches up sweeps every deadline that fell due.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable

from orchestrator.core.outages import owner_of
from orchestrator.core.topology import TopologyView
from orchestrator.logs import get_logger
from orchestrator.processors.base import Record
from orchestrator.processors.outage import tick

log = get_logger(__name__)


def owners(topology: TopologyView) -> list[str]:
    """Every grouping owner of the topology (feeders, and the odd orphan transformer or meter)."""
    return sorted({owner_of(topology, d) for d in topology.devices} | set(topology.feeder_substation))


class OutageClock:
    def __init__(self, publish: Callable[[list[Record]], Awaitable[None]], owner_keys: Iterable[str], *,
                 interval_s: float = 1.0, lateness_s: float = 2.0, now: Callable[[], float] = time.time,
                 chunk: int = 5000):
        self._publish = publish
        self.owners = list(owner_keys)
        self.interval_s = interval_s
        self.lateness_s = lateness_s
        self._now = now
        self._chunk = chunk
        self._task: asyncio.Task | None = None
        self.ticks = 0

    def watermark(self) -> float:
        return self._now() - self.lateness_s

    async def tick_once(self) -> float:
        """Publish one tick per owner at the current watermark; returns the watermark."""
        mark = self.watermark()
        for i in range(0, len(self.owners), self._chunk):
            await self._publish([tick(o, mark) for o in self.owners[i:i + self._chunk]])
        self.ticks += 1
        return mark

    async def _loop(self) -> None:
        while True:
            started = time.monotonic()
            try:
                await self.tick_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the publisher may be briefly unavailable: tick again later
                log.error("outage clock tick failed", error=repr(exc))
            await asyncio.sleep(max(0.0, self.interval_s - (time.monotonic() - started)))

    def start(self) -> None:
        if self.owners and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="outage-clock")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
