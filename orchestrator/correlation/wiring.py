"""Wiring of the correlation engine into the runtimes: the correlator's topology and programs,
and the clock that sweeps its deadlines on the embedded runtime (the Kafka runtime's is a faust
timer in ``runtime.kafka``)."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from orchestrator import topics
from orchestrator.core.programs import Program, load_programs
from orchestrator.logs import get_logger
from orchestrator.processors import correlator
from orchestrator.processors.base import Processor, Record
from orchestrator.settings import Settings

log = get_logger(__name__)


def programs_of(settings: Settings) -> dict[str, Program]:
    path = Path(settings.programs_dir)
    return load_programs([path]) if path.is_dir() else {}


async def bind_correlator(settings: Settings, processors: list[Processor], catalogue_url: str) -> list[Processor]:
    """The correlator over the catalogue's topology (now) and the program definitions."""
    if not any(p.name == correlator.NAME for p in processors):
        return processors
    from orchestrator.store.db import make_engine, sessionmaker
    from orchestrator.store.topology import TopologyStore

    engine = make_engine(catalogue_url)
    try:
        topology = await TopologyStore(sessionmaker(engine)).load_view()
    finally:
        await engine.dispose()
    return correlator.bind(processors, topology, programs_of(settings),
                           default_kw=settings.correlation_default_device_kw, hold_s=settings.correlation_hold_s)


def tick_record(at: float, partition: int = 0) -> Record:
    return Record(topics.CLOCK_TICKS, f"p{partition}", json.dumps({"at": at}).encode(), partition=partition)


async def tick_forever(publisher, interval_s: float) -> None:
    """Publish a wall-clock tick every ``interval_s`` (embedded runtime: one partition)."""
    while True:
        try:
            await publisher.publish(tick_record(round(time.time(), 3)))
        except Exception as exc:  # a failed tick is replaced by the next one
            log.warning("clock tick not published", error=str(exc))
        await asyncio.sleep(interval_s)


def progress_sinks(engine) -> list:
    """The sink writing ``dispatch.updates`` into the dispatch progress table (both runtimes)."""
    from orchestrator.correlation.store import DispatchProgressStore
    from orchestrator.store.db import sessionmaker

    return [DispatchProgressStore(sessionmaker(engine)).sink()]


class Correlation:
    """What ``service.start`` wires: the bound correlator, the progress store and its sink, the clock."""

    def __init__(self, settings: Settings, engine, topology, programs: dict[str, Program]):
        from orchestrator.correlation.store import DispatchProgressStore
        from orchestrator.store.db import sessionmaker

        self.settings = settings
        self.topology, self.programs = topology, programs
        self.store = DispatchProgressStore(sessionmaker(engine))
        self.sinks = [self.store.sink()]
        self._clock: asyncio.Task | None = None

    def bind(self, processors: list[Processor]) -> list[Processor]:
        return correlator.bind(processors, self.topology, self.programs,
                               default_kw=self.settings.correlation_default_device_kw,
                               hold_s=self.settings.correlation_hold_s)

    def start_clock(self, runtime) -> None:
        """Embedded runtime: tick ``clock.ticks`` so deadlines are swept (passed ones fire at once)."""
        if self.settings.correlation_tick_s > 0:
            self._clock = asyncio.create_task(tick_forever(runtime, self.settings.correlation_tick_s),
                                              name="correlation-clock")

    async def stop(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            await asyncio.gather(self._clock, return_exceptions=True)


async def wire_correlation(settings: Settings, engine) -> Correlation:
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.topology import TopologyStore

    topology = await TopologyStore(sessionmaker(engine)).load_view()
    return Correlation(settings, engine, topology, programs_of(settings))
