"""On the Kafka runtime, `orchestrator worker` runs the master-data and readings sinks."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from orchestrator import topics
from orchestrator.processors.base import Record
from orchestrator.readings import reading_types as rt
from orchestrator.readings.messages import MeterReadingData, build_meter_readings
from orchestrator.store.db import make_engine, upgrade_async
from orchestrator.store.readings import ReadingStore
from tests.contract.harness import create_topics, produce, stop_worker

pytestmark = pytest.mark.kafka


async def test_worker_stores_meter_readings_from_kafka(kafka_bootstrap, tmp_path):
    prefix = f"m{uuid.uuid4().hex[:6]}."
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    await create_topics(kafka_bootstrap, [prefix + t for t in topics.ALL])
    env = dict(os.environ, ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix, ORCHESTRATOR_LOG_FORMAT="console",
               ORCHESTRATOR_WORKER_METRICS_PORT="0")
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "worker", "--kafka-bootstrap", kafka_bootstrap,
         "--app-id", f"md-{prefix[:-1]}", "--database-url", url, "--data-dir", str(tmp_path)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    engine = make_engine(url)
    try:
        start = int((datetime.now(timezone.utc) - timedelta(days=1)).timestamp()) // 900 * 900
        body = build_meter_readings([MeterReadingData("M1", rt.KWH_15MIN_DELIVERED,
                                                      [(start + 900 * k, 0.5) for k in range(1, 5)])])
        await produce(kafka_bootstrap, [Record(prefix + topics.READINGS_INBOUND, "M1", body)])
        store = ReadingStore(engine)
        count = 0
        deadline = time.monotonic() + 90
        while count < 4 and time.monotonic() < deadline and worker.poll() is None:
            await asyncio.sleep(0.5)
            count = await store.count()
        assert count == 4, (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        stop_worker(worker)
        await engine.dispose()
