"""The head-end client on the Kafka runtime: a sink of ``orchestrator worker`` that publishes what
head-ends answer back to Kafka (the embedded runtime wires it in ``service.start``)."""
from __future__ import annotations

import asyncio

from orchestrator.headend.client import HeadEndClient
from orchestrator.processors.base import Record, Sink
from orchestrator.settings import Settings


class LazyKafkaPublisher:
    """A KafkaPublisher started on first use, inside the worker's event loop."""

    def __init__(self, bootstrap: str, topic_prefix: str = ""):
        self._bootstrap, self._prefix = bootstrap, topic_prefix
        self._publisher = None
        self._lock = asyncio.Lock()

    async def publish(self, records: list[Record] | Record) -> None:
        if self._publisher is None:
            async with self._lock:
                if self._publisher is None:
                    from orchestrator.service import KafkaPublisher

                    publisher = KafkaPublisher(self._bootstrap, self._prefix)
                    await publisher.start()
                    self._publisher = publisher
        await self._publisher.publish(records)


def client_tuning(settings: Settings) -> dict:
    """The head-end client's timeout, retry and circuit breaker settings, as its keyword arguments."""
    return {"timeout_s": settings.headend_timeout_s, "attempts": settings.headend_attempts,
            "backoff_s": settings.headend_backoff_s, "max_backoff_s": settings.headend_backoff_max_s,
            "breaker_threshold": settings.headend_breaker_threshold,
            "breaker_reset_s": settings.headend_breaker_reset_s,
            "breaker_reset_max_s": settings.headend_breaker_reset_max_s}


def kafka_sinks(settings: Settings, engine) -> list[Sink]:
    from orchestrator.headend.audit import ControlAudit
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.headends import HeadendStore

    client = HeadEndClient(HeadendStore(sessionmaker(engine)),
                           LazyKafkaPublisher(settings.kafka_bootstrap, settings.kafka_topic_prefix),
                           audit=ControlAudit(sessionmaker(engine)), **client_tuning(settings))
    return [client.sink()]
