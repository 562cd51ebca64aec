"""A Kafka worker that starts with a backlog processes every record of it.

faust-streaming cleared the agents' queues after seeking the stream partitions at the end of table
recovery while its consumer kept delivering into them: records fetched in that window were lost
until a restart (orchestrator/runtime/faust_recovery.py). Without the correction the one-worker case
failed in one of three runs here (13 records lost); bench/correlate.py, whose correlator is slower
per record, lost 96–250 of 20,000 in three of five.

With two workers, faust's standby replicas of the tables lost more: the first fetch (about 1 MB) of
every partition of one worker was dropped and then committed past, so those records were never
processed, not even after a restart. The runtime keeps no standby replicas (build_app).
"""
from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from orchestrator import topics
from orchestrator.processors.inbound_router import PROCESSOR
from orchestrator.runtime.kafka import changelog_topic
from tests.contract.harness import PARTITIONS, consume, create_topics, start_worker, stop_worker

BACKLOG = 12_000
STATE_KEYS = 40_000  # state to recover: the records were lost in the seek at the end of recovery


async def _produce(bootstrap: str, records) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=10)
    await producer.start()
    try:
        pending = [await producer.send(topic, value, key=key, partition=partition)
                   for topic, key, value, partition in records]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic)


@pytest.mark.kafka
@pytest.mark.parametrize("workers", [1, 2])
async def test_every_record_of_a_backlog_is_processed_and_committed(tmp_path, kafka_bootstrap, workers):
    run = uuid.uuid4().hex[:8]
    prefix, app_id = f"bl{run}.", f"backlog-{run}"
    inbound, deadletter = prefix + topics.IEC_INBOUND, prefix + topics.DEADLETTER
    await create_topics(kafka_bootstrap, [prefix + t for t in (*PROCESSOR.inputs, *PROCESSOR.outputs)]
                        + [changelog_topic(app_id, PROCESSOR)])
    await _produce(kafka_bootstrap, ((changelog_topic(app_id, PROCESSOR), json.dumps(f"warm|{i}").encode(), b"1",
                                      i % PARTITIONS) for i in range(STATE_KEYS)))
    # all of the backlog waits before the worker starts
    await _produce(kafka_bootstrap, ((inbound, f"hes-{i}".encode(), b"<not iec" + b" " * 1000, None)
                                     for i in range(BACKLOG)))

    procs = []
    for w in range(workers):  # one consumer group: the partitions are shared out
        (tmp_path / f"w{w}").mkdir()
        procs.append(start_worker(PROCESSOR, kafka_bootstrap, app_id, tmp_path / f"w{w}", prefix))
    try:
        got = await consume(kafka_bootstrap, [deadletter], until=BACKLOG, timeout=60, settle=2.0,
                            alive=lambda: all(p.poll() is None for p in procs))
        keys = {json.loads(value)["key"] for _, _, value, _ in got}  # the dead letter names its record
        missing = BACKLOG - len(keys)
        assert missing == 0, f"{missing} of {BACKLOG} records never processed; see {tmp_path}/w*/worker.log"
        committed = 0
        for _ in range(40):  # faust commits every second
            committed = await _committed(kafka_bootstrap, app_id, inbound)
            if committed == BACKLOG:
                break
            await asyncio.sleep(0.5)
        assert committed == BACKLOG
    finally:
        for proc in procs:
            stop_worker(proc)
