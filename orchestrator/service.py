"""Composition root: wires settings, store, runtime and HTTP app for ``serve`` and ``demo``.

On the embedded runtime one process runs everything. On the Kafka runtime this process serves
HTTP and publishes to Kafka; ``orchestrator worker`` processes run the processors and sinks.
"""
from __future__ import annotations

import asyncio
import signal
from contextlib import AsyncExitStack
from dataclasses import dataclass

from aiohttp import web
from aiokafka import AIOKafkaProducer

from orchestrator import processors as processor_registry
from orchestrator import topics
from orchestrator.api.app import AppContext, create_app
from orchestrator.headend.client import HeadEndClient
from orchestrator.logs import get_logger
from orchestrator.metrics import MESSAGES_PRODUCED
from orchestrator.processors.base import Processor, Record, Sink
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.deadletters import DeadLetterStore
from orchestrator.store.headends import HeadendStore

log = get_logger(__name__)


class KafkaPublisher:
    """Publishes from the API process to Kafka; returns once the broker has acknowledged (acks=all)."""

    def __init__(self, bootstrap: str, topic_prefix: str = ""):
        self._prefix = topic_prefix
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, records: list[Record] | Record) -> None:
        if isinstance(records, Record):
            records = [records]
        futures = [await self._producer.send(self._prefix + r.topic, value=r.value, key=r.key.encode() if r.key else None,
                                             headers=[(k, v.encode()) for k, v in r.headers] or None)
                   for r in records]
        for future, record in zip(futures, records):
            await future
            MESSAGES_PRODUCED.labels(topic=record.topic, runtime="kafka").inc()
        from orchestrator.runtime.observability import count_iec_messages  # IEC messages by noun/verb
        count_iec_messages(records)


def default_processors() -> list[Processor]:
    return list(processor_registry.registry().values())


def default_sinks(dead_letters: DeadLetterStore) -> list[Sink]:
    return [Sink("deadletter-store", (topics.DEADLETTER,), dead_letters.sink)]


@dataclass
class Running:
    """What a started orchestrator holds, for tests and the demo to look into."""

    settings: Settings
    context: AppContext
    runtime: EmbeddedRuntime | None
    url: str


async def start(settings: Settings, stack: AsyncExitStack) -> Running:
    """Start store, runtime and HTTP server; everything is closed when ``stack`` closes."""
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    stack.push_async_callback(engine.dispose)
    dead_letters = DeadLetterStore(sessionmaker(engine))
    from orchestrator.store.gauges import StoreGauges  # campaigns, active outages, OMS backlog
    store_gauges = StoreGauges(sessionmaker(engine))
    store_gauges.start(settings.metrics_sample_interval_s)
    stack.push_async_callback(store_gauges.stop)
    from orchestrator.masterdata.wiring import wire_masterdata  # master data, switching, readings
    masterdata = wire_masterdata(settings, engine, dead_letters)
    from orchestrator.oms.wiring import wire_outages  # outage detector topology, outage store, OMS delivery
    outages = await wire_outages(settings, engine)
    from orchestrator.correlation.wiring import wire_correlation  # correlator, dispatch progress, clock ticks
    correlation = await wire_correlation(settings, engine)

    runtime: EmbeddedRuntime | None = None
    if settings.runtime == "embedded":
        runtime = EmbeddedRuntime(settings.data_dir / "runtime.db", batch_size=settings.embedded_batch_size)
        for p in correlation.bind(outages.bind(default_processors())):
            runtime.add_processor(p)
        for s in default_sinks(dead_letters):
            runtime.add_sink(s)
        for s in masterdata.sinks:
            runtime.add_sink(s)
        for s in outages.sinks:
            runtime.add_sink(s)
        for s in correlation.sinks:
            runtime.add_sink(s)
        from orchestrator.headend.audit import ControlAudit  # a row per control sent
        from orchestrator.headend.wiring import client_tuning  # timeout, retries, circuit breaker
        headend_client = HeadEndClient(HeadendStore(sessionmaker(engine)), runtime,
                                       audit=ControlAudit(sessionmaker(engine)), **client_tuning(settings))
        runtime.add_sink(headend_client.sink())
        stack.push_async_callback(headend_client.close)  # after runtime.stop: no batch is left sending
        await runtime.start()
        stack.push_async_callback(runtime.stop)
        correlation.start_clock(runtime)
        stack.push_async_callback(correlation.stop)
        publisher = runtime
    else:
        publisher = KafkaPublisher(settings.kafka_bootstrap, settings.kafka_topic_prefix)
        await publisher.start()
        stack.push_async_callback(publisher.stop)

    context = AppContext(settings=settings, publisher=publisher, dead_letters=dead_letters)
    from orchestrator.store.unavailable import ping  # /readyz: is the catalogue reachable now
    context.health_checks["database"] = lambda: ping(engine)
    from orchestrator.auth.wiring import attach as attach_users  # users, tokens, audit (access control)
    await attach_users(context, engine)
    context.readings, context.masterdata = masterdata.readings, masterdata.masterdata
    masterdata.set_publisher(publisher)
    await masterdata.start()
    stack.push_async_callback(masterdata.stop)
    context.headends = HeadendStore(sessionmaker(engine))
    context.outages = outages.store
    context.dispatch_progress = correlation.store
    await outages.start(publisher)
    stack.push_async_callback(outages.stop)
    runner = web.AppRunner(create_app(context), access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://{settings.http_host}:{port}"
    from orchestrator.campaign_service import start_campaigns
    context.events = await start_campaigns(settings, engine, publisher, url, stack,
                                           in_outage=_devices_in_outage(outages.store, engine))
    if context.events.scheduler is not None:  # campaign start/ramp/end job runs, failures, lateness
        from orchestrator.metrics import instrument_scheduler
        instrument_scheduler(context.events.scheduler._scheduler)
    masterdata.set_dispatcher(context.events.dispatcher)
    log.info("orchestrator serving", url=url, runtime=settings.runtime)
    return Running(settings=settings, context=context, runtime=runtime, url=url)


def _devices_in_outage(outage_store, engine):
    """For the dispatcher: every device at a premise whose meter is in an active outage."""
    from orchestrator.store.topology import TopologyStore

    topology = TopologyStore(sessionmaker(engine))

    async def lookup() -> set[str]:
        meters = await outage_store.devices_in_outage()
        if not meters:
            return set()
        view = await topology.load_view()
        out = set(meters)
        for meter in meters:
            placement = view.devices.get(meter)
            if placement is not None and placement.usage_point:
                out.update(view.devices_at_usage_point(placement.usage_point))
        return out

    return lookup


async def serve_forever(settings: Settings, on_ready=None) -> None:
    """Run until SIGINT/SIGTERM, then stop cleanly (in-flight batches commit, sockets close)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        if on_ready is not None:
            await on_ready(running)
        await stop.wait()
        log.info("stopping")
    log.info("stopped")
