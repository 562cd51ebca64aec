"""Run one processor on both runtimes with the same inputs and collect outputs and state.

Embedded: an EmbeddedRuntime on a temp SQLite file. Kafka: ``orchestrator worker`` as a real
faust-streaming subprocess against the session's broker; outputs are read back from the output
topics and state from the processor table's changelog topic, both with aiokafka.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from orchestrator.processors.base import Processor, Record
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.runtime.kafka import changelog_topic, fold_changelog

PARTITIONS = 4


@dataclass
class RunResult:
    outputs: list[Record]
    state: dict[str, Any]

    def output_multiset(self) -> Counter:
        """Order across partitions differs between runtimes; per-key order does not (tested apart)."""
        return Counter((r.topic, r.key, r.value, tuple(sorted(r.headers))) for r in self.outputs)


async def run_embedded(processor: Processor, inputs: list[Record], directory: Path) -> RunResult:
    runtime = EmbeddedRuntime(directory / "runtime.db", batch_size=7)  # small batches: several commits
    runtime.add_processor(processor)
    async with runtime:
        await runtime.publish(inputs)
        await runtime.drain()
        outputs = [r for t in processor.outputs for r in runtime.read_topic(t)]
        return RunResult(outputs=outputs, state=runtime.state_of(processor.name))


async def create_topics(bootstrap: str, names: list[str], partitions: int = PARTITIONS) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names if n not in existing]
        if new:
            await admin.create_topics(new)
    finally:
        await admin.close()


async def produce(bootstrap: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for r in records:
            await producer.send_and_wait(r.topic, r.value, key=r.key.encode() if r.key else None,
                                         headers=[(k, v.encode()) for k, v in r.headers] or None)
    finally:
        await producer.stop()


async def consume(bootstrap: str, topic_names: list[str], *, until: int, timeout: float,
                  settle: float = 1.5, alive=lambda: True) -> list[tuple[str, bytes | None, bytes | None, tuple]]:
    """Read from the start of the topics until ``until`` records came and nothing more for ``settle`` s."""
    consumer = AIOKafkaConsumer(*topic_names, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    got: list = []
    try:
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline and alive():
            batch = await consumer.getmany(timeout_ms=300)
            n = sum(len(v) for v in batch.values())
            for messages in batch.values():
                got.extend((m.topic, m.key, m.value, tuple(m.headers or ())) for m in messages)
            if n == 0 and len(got) >= until:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= settle:
                    break
            elif n:
                quiet_since = None
    finally:
        await consumer.stop()
    return got


def start_worker(processor: Processor, bootstrap: str, app_id: str, directory: Path,
                 topic_prefix: str) -> subprocess.Popen:
    log = open(directory / "worker.log", "wb")
    env = dict(os.environ, ORCHESTRATOR_LOG_FORMAT="console", ORCHESTRATOR_KAFKA_TOPIC_PREFIX=topic_prefix)
    return subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "worker", "--processor", processor.name, "--no-sinks",
         "--kafka-bootstrap", bootstrap, "--app-id", app_id, "--partitions", str(PARTITIONS),
         "--data-dir", str(directory)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def run_kafka(processor: Processor, inputs: list[Record], bootstrap: str, directory: Path, *,
                    expected_outputs: int, expected_state: dict[str, Any] | None = None,
                    timeout: float = 90.0) -> RunResult:
    # A topic prefix per run, so runs never see each other's records.
    run = uuid.uuid4().hex[:8]
    prefix = f"c{run}."
    rename = {t: prefix + t for t in (*processor.inputs, *processor.outputs)}
    app_id = f"contract-{run}"
    await create_topics(bootstrap, list(rename.values()))
    proc = start_worker(processor, bootstrap, app_id, directory, prefix)
    try:
        await produce(bootstrap, [Record(rename[r.topic], r.key, r.value, r.headers) for r in inputs])
        raw = await consume(bootstrap, [rename[t] for t in processor.outputs], until=expected_outputs,
                            timeout=timeout, alive=lambda: proc.poll() is None)
        back = {v: k for k, v in rename.items()}
        outputs = [Record(back[t], k.decode() if k is not None else None, v,
                          tuple((hk, hv.decode()) for hk, hv in h)) for t, k, v, h in raw]
        changelog = changelog_topic(app_id, processor)
        state: dict[str, Any] = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            entries = await consume(bootstrap, [changelog], until=0, timeout=5, settle=0.5)
            state = fold_changelog([(k, v) for _, k, v, _ in entries])
            if expected_state is None or state == expected_state:
                break
            await asyncio.sleep(0.5)
        if proc.poll() is not None:
            raise AssertionError(f"worker exited with {proc.returncode}: "
                                 f"{(directory / 'worker.log').read_text()[-3000:]}")
        return RunResult(outputs=outputs, state=state)
    finally:
        stop_worker(proc)
