"""Prometheus metrics shared by every part of the process. Names follow Prometheus conventions:
``orchestrator_`` prefix, ``_total`` counters, base units; labels are bounded (never device ids).

Workers started under a process manager set PROMETHEUS_MULTIPROC_DIR; ``render_latest`` then
aggregates every process's samples.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Info, generate_latest
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
PROCESSOR_LAG = Gauge("orchestrator_processor_lag_records", "Records not yet processed by a consumer",
                      ["consumer"], multiprocess_mode="max")
INBOUND_ROUTED = Counter("orchestrator_inbound_messages_total", "Inbound IEC messages by noun, verb and outcome",
                         ["noun", "verb", "outcome"])


def render_latest() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
