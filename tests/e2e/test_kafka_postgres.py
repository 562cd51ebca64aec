"""Scale-out path: raw IEC messages on Kafka, a faust worker routes them, dead letters land in
PostgreSQL through the worker's sink, and the API process publishes to Kafka."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.processors.base import Record
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker
from orchestrator.store.deadletters import DeadLetterStore
from tests.contract.harness import consume, create_topics, stop_worker

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_worker_routes_and_stores_dead_letters_in_postgres(kafka_bootstrap, postgres_url, shared_iec,
                                                                 tmp_path):
    prefix = f"e{uuid.uuid4().hex[:6]}."
    await create_topics(kafka_bootstrap, [prefix + t for t in topics.ALL])
    env = dict(os.environ, ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix, ORCHESTRATOR_LOG_FORMAT="console")
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "worker", "--kafka-bootstrap", kafka_bootstrap,
         "--app-id", f"e2e-{prefix[:-1]}", "--database-url", postgres_url, "--data-dir", str(tmp_path)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    settings = Settings(runtime="kafka", kafka_bootstrap=kafka_bootstrap, kafka_topic_prefix=prefix,
                        database_url=postgres_url, data_dir=tmp_path, http_port=0)
    try:
        async with AsyncExitStack() as stack:
            api = await start(settings, stack)  # the API process, publishing to Kafka
            good = (shared_iec / "samples" / "ReceiveEndDeviceEvents-sui__CreatedEndDeviceEvents.xml").read_bytes()
            await api.context.publisher.publish([
                Record(topics.IEC_INBOUND, "hes-a", good),
                Record(topics.IEC_INBOUND, "hes-a", b"<RequestMessage xmlns='urn:wrong'/>"),
            ])
            routed = await consume(kafka_bootstrap, [prefix + topics.EDE_INBOUND], until=1, timeout=60,
                                   alive=lambda: worker.poll() is None)
            assert [v for _, _, v, _ in routed] == [good]

            store = DeadLetterStore(sessionmaker(make_engine(postgres_url)))
            letters = []
            deadline = time.monotonic() + 60
            while not letters and time.monotonic() < deadline and worker.poll() is None:
                await asyncio.sleep(0.5)
                try:
                    letters = await store.list()
                except Exception:  # the worker creates the schema when it starts
                    letters = []
            assert len(letters) == 1, (tmp_path / "worker.log").read_text()[-2000:]
            assert letters[0].source_topic == topics.IEC_INBOUND and letters[0].key == "hes-a"
            assert letters[0].code.startswith("1.")

            async with aiohttp.ClientSession() as http:  # the API reads the same catalogue
                async with http.get(f"{api.url}/api/v1/deadletters") as r:
                    assert [d["code"] for d in await r.json()] == [letters[0].code]
    finally:
        stop_worker(worker)
