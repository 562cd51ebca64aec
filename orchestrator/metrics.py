"""Prometheus metrics shared by every part of the process. Names follow Prometheus conventions:
``orchestrator_`` prefix, ``_total`` counters, base units; labels are bounded (never device ids).

Workers started under a process manager set PROMETHEUS_MULTIPROC_DIR; ``render_latest`` then
aggregates every process's samples.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client import multiprocess

from orchestrator import __version__

BUILD_INFO = Info("orchestrator_build", "Version of the running orchestrator")
BUILD_INFO.info({"version": __version__})

MESSAGES_PRODUCED = Counter("orchestrator_messages_produced_total", "Records appended to a topic",
                            ["topic", "runtime"])
MESSAGES_CONSUMED = Counter("orchestrator_messages_consumed_total", "Records read by a consumer",
                            ["topic", "consumer", "runtime"])
DEAD_LETTERS = Counter("orchestrator_dead_letters_total", "Records sent to the deadletter topic",
                       ["source_topic", "reason"])
# Summed over live processes: on Kafka each worker reports the lag of the partitions it owns.
PROCESSOR_LAG = Gauge("orchestrator_processor_lag_records", "Records not yet processed by a consumer",
                      ["consumer"], multiprocess_mode="livesum")
INBOUND_ROUTED = Counter("orchestrator_inbound_messages_total", "Inbound IEC messages by noun, verb and outcome",
                         ["noun", "verb", "outcome"])
IEC_MESSAGES = Counter("orchestrator_iec_messages_total",
                       "IEC messages to (out) and from (in) head-ends, MDM and CIS by noun and verb",
                       ["direction", "noun", "verb"])
SCHEDULER_JOBS = Counter("orchestrator_scheduler_jobs_total",
                         "Scheduler job runs by job kind and outcome (ok, error, missed)", ["kind", "outcome"])
SCHEDULER_JOB_DELAY = Histogram("orchestrator_scheduler_job_delay_seconds",
                                "Time from a job's scheduled run time to the end of its run", ["kind"],
                                buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))


def render_latest() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(BUILD_INFO)  # Info has no multi-process files: the serving process reports it
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


def job_kind(job_id: str) -> str:
    """The bounded label of a scheduler job. Campaign jobs are ``<campaign>:<action>[:<step>]``
    (orchestrator.scheduler): the action; a job id without ':' is its own kind."""
    parts = job_id.split(":")
    return (parts[1] if len(parts) > 1 else parts[0]) or "unknown"


def instrument_scheduler(scheduler) -> None:
    """Count an APScheduler scheduler's job runs, failures and misfires, and how late each ran."""
    from datetime import datetime, timezone

    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    outcomes = {EVENT_JOB_EXECUTED: "ok", EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed"}

    def listener(event) -> None:
        kind = job_kind(event.job_id)
        SCHEDULER_JOBS.labels(kind=kind, outcome=outcomes[event.code]).inc()
        if event.code != EVENT_JOB_MISSED and event.scheduled_run_time is not None:
            late = (datetime.now(timezone.utc) - event.scheduled_run_time).total_seconds()
            SCHEDULER_JOB_DELAY.labels(kind=kind).observe(max(late, 0.0))

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
