"""Run the correlation pipeline (control index, reply splitter, correlator) on both runtimes in
phases: each phase's inputs are published, then the run waits until everything they cause has
been processed (embedded: drain; Kafka: the outputs counted on the embedded run have appeared)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from orchestrator import topics
from orchestrator.processors.base import Processor, Record
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.runtime.kafka import changelog_topic, fold_changelog
from tests.contract.harness import PARTITIONS, consume, create_topics, stop_worker
from tests.correlation.scenario import ROOT, counts_of, processors

WATCHED = (topics.DISPATCH_UPDATES, topics.DEADLETTER)


@dataclass
class PipelineRun:
    state: dict[str, Any]  # the correlator's
    outputs: list[Record]
    phase_outputs: list[int] = field(default_factory=list)  # dispatch.updates + deadletter after each phase

    def counts(self) -> Counter:
        return counts_of(self.state)

    def records(self) -> dict[str, dict]:
        return {k: v for k, v in self.state.items() if isinstance(v, dict) and "state" in v and "|" in k
                and not k.startswith("p")}

    def topic(self, name: str) -> list[Record]:
        return [r for r in self.outputs if r.topic == name]


def _is_tick(r: Record) -> bool:
    return r.topic == topics.CLOCK_TICKS


async def run_embedded(phases: list[list[Record]], directory: Path, procs: list[Processor] | None = None,
                       ) -> PipelineRun:
    runtime = EmbeddedRuntime(directory / "runtime.db", batch_size=7)
    procs = procs or processors()
    for p in procs:
        runtime.add_processor(p)
    counts = []
    async with runtime:
        for phase in phases:
            await runtime.publish(phase)
            await runtime.drain()
            counts.append(sum(len(runtime.read_topic(t)) for t in WATCHED))
        outputs = [r for t in (*WATCHED, topics.EDC_OUTBOUND, topics.DISPATCH_FACTS) for r in runtime.read_topic(t)]
        return PipelineRun(runtime.state_of("correlator"), outputs, counts)


def start_worker(names: list[str], bootstrap: str, app_id: str, directory: Path, prefix: str, *,
                 tick_s: float = 0, log_name: str = "worker.log") -> subprocess.Popen:
    log = open(directory / log_name, "wb")
    env = dict(os.environ, ORCHESTRATOR_LOG_FORMAT="console", ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix,
               ORCHESTRATOR_CORRELATION_TICK_S=str(tick_s),  # 0: the test drives the clock
               ORCHESTRATOR_PROGRAMS_DIR=str(ROOT / "programs"), ORCHESTRATOR_WORKER_METRICS_PORT="0")
    args = [sys.executable, "-m", "orchestrator.cli", "worker", "--no-sinks", "--kafka-bootstrap", bootstrap,
            "--app-id", app_id, "--partitions", str(PARTITIONS), "--data-dir", str(directory)]
    for n in names:
        args += ["--processor", n]
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=ROOT)


async def _produce(bootstrap: str, prefix: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for r in records:
            if _is_tick(r):  # a tick goes to every partition, explicitly
                for partition in range(PARTITIONS):
                    await producer.send_and_wait(prefix + r.topic, r.value, key=f"p{partition}".encode(),
                                                 partition=partition)
                continue
            await producer.send_and_wait(prefix + r.topic, r.value, key=r.key.encode() if r.key else None,
                                         headers=[(k, v.encode()) for k, v in r.headers] or None)
    finally:
        await producer.stop()


async def run_kafka(phases: list[list[Record]], bootstrap: str, directory: Path, expected: list[int], *,
                    timeout: float = 60.0) -> PipelineRun:
    run = uuid.uuid4().hex[:8]
    prefix = f"k{run}."
    procs = processors()
    names = sorted({t for p in procs for t in (*p.inputs, *p.outputs)})
    app_id = f"correlation-{run}"
    await create_topics(bootstrap, [prefix + n for n in names])
    proc = start_worker([p.name for p in procs], bootstrap, app_id, directory, prefix)
    try:
        raw: list = []
        for n, (phase, want) in enumerate(zip(phases, expected)):
            await _produce(bootstrap, prefix, phase)
            await _caught_up(bootstrap, app_id, [prefix + t for p in procs for t in p.inputs], timeout)
            raw = await consume(bootstrap, [prefix + t for t in WATCHED], until=want, timeout=timeout, settle=1.0,
                                alive=lambda: proc.poll() is None)
            if proc.poll() is not None:
                raise AssertionError(f"worker exited: {(directory / 'worker.log').read_text()[-3000:]}")
            if len(raw) < want:
                import json
                last = {}
                for t, k, v, h in raw:
                    if t.endswith(topics.DISPATCH_UPDATES):
                        u = json.loads(v)
                        last[u["device"]] = (u["state"], u["seq"])
                raise AssertionError(f"phase {n}: outputs {len(raw)} < {want}: {sorted(last.items())}")
        raw = await consume(bootstrap, [prefix + t for t in (*WATCHED, topics.EDC_OUTBOUND, topics.DISPATCH_FACTS)],
                            until=0, timeout=30, settle=1.0)
        outputs = [Record(t[len(prefix):], k.decode() if k else None, v, tuple((a, b.decode()) for a, b in h))
                   for t, k, v, h in raw]
        corr = next(p for p in procs if p.name == "correlator")
        state: dict = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the changelog catches up with the last commit
            entries = await consume(bootstrap, [changelog_topic(app_id, corr)], until=0, timeout=5, settle=0.5)
            state = fold_changelog([(k, v) for _, k, v, _ in entries])
            if sum(counts_of(state).values()) and _settled(state, outputs):
                break
            await asyncio.sleep(0.5)
        return PipelineRun(state, outputs, [])
    finally:
        stop_worker(proc)


async def _caught_up(bootstrap: str, group: str, names: list[str], timeout: float) -> None:
    """Wait until the worker's consumer group has committed every input record (faust commits
    after processing), so a phase without outputs is processed before the next one starts."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        tps = [TopicPartition(n, i) for n in sorted(set(names)) for i in range(PARTITIONS)]
        end = await consumer.end_offsets(tps)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                committed = await admin.list_consumer_group_offsets(group)
            except KafkaError:  # the group (or its coordinator) does not exist yet
                await asyncio.sleep(0.5)
                continue
            if all(end[tp] == 0 or (tp in committed and committed[tp].offset >= end[tp]) for tp in tps):
                return
            await asyncio.sleep(0.3)
        raise AssertionError("the worker did not commit its inputs in time")
    finally:
        await consumer.stop()
        await admin.close()


def _settled(state: dict, outputs: list[Record]) -> bool:
    import json
    last: dict = {}
    for r in outputs:
        if r.topic == topics.DISPATCH_UPDATES:
            u = json.loads(r.value)
            last[(u["device"], u["campaign"])] = u["seq"]
    recs = {(v["device"], v["campaign"]): v.get("seq") for k, v in state.items()
            if isinstance(v, dict) and "seq" in v and not k.startswith("p")}
    return all(recs.get(k) == s for k, s in last.items())
