"""Composition of master data and readings for ``service.start``: stores, sinks, the IEC entry
point (``apply_masterdata``) and the periodic ``apply_due`` task (until a scheduler owns it)."""
from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from orchestrator import topics
from orchestrator.logs import get_logger
from orchestrator.masterdata.service import MasterData, SwitchingPolicy, configure
from orchestrator.masterdata.switch_controls import SwitchControls
from orchestrator.processors.base import Record, Sink
from orchestrator.readings.ingest import ReadingsIngest
from orchestrator.settings import Settings
from orchestrator.store.db import sessionmaker
from orchestrator.store.readings import ReadingStore

log = get_logger(__name__)


@dataclass
class MasterDataWiring:
    masterdata: MasterData
    readings: ReadingStore
    ingest: ReadingsIngest
    interval_s: float
    switch_controls: SwitchControls = field(default_factory=SwitchControls)
    _publisher: object = None
    _task: asyncio.Task | None = field(default=None, repr=False)

    @property
    def sinks(self) -> list[Sink]:
        return [Sink("masterdata-store", (topics.MASTERDATA_INBOUND,), self.masterdata.sink),
                Sink("readings-store", (topics.READINGS_INBOUND,), self.ingest.sink),
                self.switch_controls.as_sink()]

    def set_dispatcher(self, dispatcher) -> None:
        """Controls of switched-away devices are ended through the campaign dispatcher."""
        self.switch_controls.dispatcher = dispatcher

    def set_publisher(self, publisher) -> None:
        self._publisher = publisher

    async def _publish(self, records: list[Record]) -> None:
        if self._publisher is None:
            raise RuntimeError("no publisher for switching reads and enrolment changes")
        await self._publisher.publish(records)

    async def start(self) -> None:
        configure(self.masterdata)
        if self.interval_s > 0:
            self._task = asyncio.create_task(self._every(), name="masterdata-apply-due")

    async def stop(self) -> None:
        configure(None)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _every(self) -> None:
        while True:
            try:
                applied = await self.masterdata.apply_due()
                if applied:
                    log.info("future-dated master data applied", changes=applied)
            except Exception:  # keep ticking: the next run retries what failed
                log.exception("apply_due failed")
            await asyncio.sleep(self.interval_s)


def wire_masterdata(settings: Settings, engine: AsyncEngine, dead_letters) -> MasterDataWiring:
    readings = ReadingStore(engine)
    policy = SwitchingPolicy(read_timeout=timedelta(seconds=settings.switching_read_timeout_s),
                             transfer_on_supplier_change=settings.switching_transfer_on_supplier_change)
    wiring = MasterDataWiring(masterdata=None, readings=readings, ingest=None,  # type: ignore[arg-type]
                              interval_s=settings.masterdata_due_interval_s)
    wiring.masterdata = MasterData(sessionmaker(engine), publish=wiring._publish, readings=readings, policy=policy,
                                   report_bad=dead_letters.add_many if dead_letters is not None else None)
    wiring.ingest = ReadingsIngest(readings, complete_read=wiring.masterdata.complete_read,
                                   report_bad=dead_letters.add_many if dead_letters is not None else None)
    return wiring


class _LazyKafkaPublisher:
    """A Kafka producer opened on first use, inside the faust worker's event loop."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._publisher = None
        self._lock = asyncio.Lock()

    async def publish(self, records) -> None:
        async with self._lock:
            if self._publisher is None:
                from orchestrator.service import KafkaPublisher

                publisher = KafkaPublisher(self._settings.kafka_bootstrap, self._settings.kafka_topic_prefix)
                await publisher.start()
                self._publisher = publisher
        await self._publisher.publish(records)


def kafka_worker_sinks(settings: Settings, engine: AsyncEngine, dead_letters) -> list[Sink]:
    """Master data, readings and enrolment-change sinks for ``orchestrator worker`` (Kafka runtime).

    Switching reads and enrolment changes they produce go back to Kafka; a switched device's
    control is ended by a dispatcher of the worker's own (the API process keeps the scheduler and
    the ``apply_due`` task, as on the embedded runtime).
    """
    from orchestrator.core.programs import load_programs
    from orchestrator.dispatcher import Dispatcher
    from orchestrator.store.campaigns import CampaignStore
    from orchestrator.store.topology import TopologyStore

    wiring = wire_masterdata(settings, engine, dead_letters)
    publisher = _LazyKafkaPublisher(settings)
    wiring.set_publisher(publisher)
    programs = load_programs([settings.programs_dir]) if settings.programs_dir.is_dir() else {}
    sessions = sessionmaker(engine)
    reply_address = settings.dispatch_reply_address or \
        f"http://{settings.http_host}:{settings.http_port}/iec/v1/messages"
    wiring.set_dispatcher(Dispatcher(CampaignStore(sessions), programs, TopologyStore(sessions).load_view, publisher,
                                     message_size=settings.dispatch_message_size, reply_address=reply_address))
    return wiring.sinks
