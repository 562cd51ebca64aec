"""Composition of outage detection and OMS delivery for ``service.start`` and the Kafka worker.

- the detector processor gets the topology loaded from the catalogue (``bind``);
- ``outage-store`` (sink of ``oms.notifications``) keeps outage records and the OMS outbox;
- ``OmsDeliverer`` sends the outbox to ``oms_webhook_url`` when one is set;
- ``OutageClock`` ticks every owner on ``outage.signals`` every ``outage_tick_interval_s``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from orchestrator import topics
from orchestrator.core.topology import TopologyView
from orchestrator.oms.clock import OutageClock, owners
from orchestrator.oms.delivery import OmsDeliverer
from orchestrator.oms.formats import targets_for
from orchestrator.processors.base import Processor, Sink
from orchestrator.processors.outage import bind_topology
from orchestrator.settings import Settings
from orchestrator.store.db import sessionmaker
from orchestrator.store.outages import OutageStore
from orchestrator.store.topology import TopologyStore


@dataclass
class OutageWiring:
    settings: Settings
    store: OutageStore
    topology: TopologyView
    deliverer: OmsDeliverer | None = None
    clock: OutageClock | None = field(default=None, repr=False)

    def bind(self, processors: list[Processor]) -> list[Processor]:
        return bind_topology(processors, self.topology, self.settings)

    @property
    def sinks(self) -> list[Sink]:
        return outage_sinks(self.store)

    async def start(self, publisher) -> None:
        if self.deliverer is not None:
            await self.deliverer.start()
        self.clock = OutageClock(publisher.publish, owners(self.topology),
                                 interval_s=self.settings.outage_tick_interval_s)
        self.clock.start()

    async def stop(self) -> None:
        if self.clock is not None:
            await self.clock.stop()
        if self.deliverer is not None:
            await self.deliverer.stop()


def outage_sinks(store: OutageStore) -> list[Sink]:
    return [Sink("outage-store", (topics.OMS_NOTIFICATIONS,), store.sink)]


def outage_store(settings: Settings, engine: AsyncEngine) -> OutageStore:
    targets = targets_for(settings.oms_webhook_format) if settings.oms_webhook_url else {}
    return OutageStore(sessionmaker(engine), targets)


async def wire_outages(settings: Settings, engine: AsyncEngine) -> OutageWiring:
    store = outage_store(settings, engine)
    topology = await TopologyStore(sessionmaker(engine)).load_view()
    deliverer = None
    if settings.oms_webhook_url:
        deliverer = OmsDeliverer(store, settings.oms_webhook_url, max_attempts=settings.oms_max_attempts,
                                 backoff_base_s=settings.oms_backoff_base_s, backoff_max_s=settings.oms_backoff_max_s,
                                 timeout_s=settings.oms_timeout_s)
    return OutageWiring(settings, store, topology, deliverer)
