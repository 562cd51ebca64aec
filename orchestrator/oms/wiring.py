"""Composition of outage detection and OMS delivery for ``service.start`` and the Kafka worker.

- the detector processor gets the topology loaded from the catalogue (``bind``);
- ``outage-store`` (sink of ``oms.notifications``) keeps outage records and the OMS outbox;
- ``OmsDeliverer`` sends the outbox to ``oms_webhook_url`` when one is set.

Quiet feeders are moved by the runtime's ``clock.ticks`` (see ``processors.outage``).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from orchestrator import topics
from orchestrator.core.topology import TopologyView
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

    def bind(self, processors: list[Processor]) -> list[Processor]:
        return bind_topology(processors, self.topology, self.settings)

    @property
    def sinks(self) -> list[Sink]:
        return outage_sinks(self.store)

    async def start(self, publisher) -> None:
        if self.deliverer is not None:
            await self.deliverer.start()

    async def stop(self) -> None:
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
                                 timeout_s=settings.oms_timeout_s, concurrency=settings.oms_concurrency,
                                 lease_s=settings.oms_lease_s)
    return OutageWiring(settings, store, topology, deliverer)
