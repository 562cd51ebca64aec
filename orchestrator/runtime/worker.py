"""``orchestrator worker``: a faust worker running processors and sinks on the Kafka runtime."""
from __future__ import annotations

import faust

from orchestrator import processors as processor_registry
from orchestrator.runtime.kafka import build_app
from orchestrator.runtime.observability import MetricsServer, mark_process_dead
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade
from orchestrator.store.deadletters import DeadLetterStore


def run_worker(settings: Settings, processor_names: list[str] | None, *, with_sinks: bool = True,
               web_port: int | None = None) -> None:
    registry = processor_registry.registry()
    unknown = sorted(set(processor_names or ()) - set(registry))
    if unknown:
        raise ValueError(f"unknown processor(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}")
    chosen = [registry[n] for n in (processor_names or sorted(registry))]
    chosen = _bind_outage_topology(settings, chosen)
    chosen = _bind_correlator(settings, chosen)
    sinks = []
    if with_sinks:
        from orchestrator.service import default_sinks

        upgrade(settings.catalogue_url)
        sinks = default_sinks(DeadLetterStore(sessionmaker(make_engine(settings.catalogue_url))))
        from orchestrator.correlation.wiring import progress_sinks  # dispatch.updates → dispatch progress
        sinks += progress_sinks(make_engine(settings.catalogue_url))
        from orchestrator.headend.wiring import kafka_sinks  # the head-end client; replies go back to Kafka
        sinks += kafka_sinks(settings, make_engine(settings.catalogue_url))
        sinks += _outage_sinks(settings)
        from orchestrator.masterdata.wiring import kafka_worker_sinks  # master data, readings, switching
        engine = make_engine(settings.catalogue_url)
        sinks += kafka_worker_sinks(settings, engine, DeadLetterStore(sessionmaker(engine)))
    app = build_app(settings, chosen, sinks, web_port=web_port)
    worker = faust.Worker(app, loglevel=settings.log_level.replace("warning", "warn"), quiet=True,
                          redirect_stdouts=False)
    # No terminal spinner: to spin on every log record faust lowers the root logger to DEBUG, and then
    # every debug line of faust and mode (one per changelog record on recovery) is formatted.
    worker.spinner = None
    metrics = MetricsServer(settings.http_host, settings.worker_metrics_port)
    metrics.start()
    try:
        worker.execute_from_commandline()
    finally:
        metrics.stop()
        mark_process_dead()


def _bind_outage_topology(settings: Settings, chosen: list) -> list:
    """The outage detector needs the topology: load it from the catalogue once, at worker start."""
    from orchestrator.processors import outage

    if not any(p.name == outage.NAME for p in chosen):
        return chosen
    import asyncio

    from orchestrator.store.outages import load_topology

    upgrade(settings.catalogue_url)
    return outage.bind_topology(chosen, asyncio.run(load_topology(settings.catalogue_url)), settings)


def _bind_correlator(settings: Settings, chosen: list) -> list:
    """The correlator needs the topology (vendor code maps) and the programs: loaded at worker start."""
    from orchestrator.processors import correlator

    if not any(p.name == correlator.NAME for p in chosen):
        return chosen
    import asyncio

    from orchestrator.correlation.wiring import bind_correlator

    upgrade(settings.catalogue_url)
    return asyncio.run(bind_correlator(settings, chosen, settings.catalogue_url))


def _outage_sinks(settings: Settings) -> list:
    """Outage records and the OMS outbox from ``oms.notifications`` (``serve`` sends the outbox)."""
    from orchestrator.oms.wiring import outage_sinks, outage_store

    return outage_sinks(outage_store(settings, make_engine(settings.catalogue_url)))
