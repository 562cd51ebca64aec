"""The same head-end round trip on the Kafka runtime: API process (IEC endpoint) publishing to a real
broker, an ``orchestrator worker`` process running the head-end client sink, and the simulator
process between them over HTTP."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from contextlib import AsyncExitStack

import aiohttp
import pytest
from aiokafka import AIOKafkaConsumer

from orchestrator import topics
from orchestrator.iec import (
    CanonicalEvent,
    EndDeviceControl,
    build_end_device_controls,
    code_map,
    parse_end_device_controls_reply,
    parse_end_device_events,
)
from orchestrator.processors.base import Record
from orchestrator.readings.messages import (
    build_get_meter_readings,
    parse_meter_readings,
)
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.simulator import generate_fleet
from tests.contract.harness import create_topics, stop_worker

pytestmark = [pytest.mark.kafka]
DEVICES, SEED, VENDOR = 80, 9, "mesh-ami"


async def until(predicate, timeout: float, what: str, alive=lambda: True):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := predicate()):
        if loop.time() > deadline or not alive():
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)
    return value


async def collect(bootstrap: str, prefix: str, names: list[str], into: list[Record]) -> None:
    consumer = AIOKafkaConsumer(*(prefix + n for n in names), bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                into.extend(Record(m.topic[len(prefix):], m.key.decode() if m.key else None, m.value,
                                   tuple((k, v.decode()) for k, v in m.headers or ())) for m in messages)
    finally:
        await consumer.stop()


async def test_controls_replies_events_reads_and_outages_on_kafka(kafka_bootstrap, tmp_path):
    prefix = f"h{uuid.uuid4().hex[:6]}."
    await create_topics(kafka_bootstrap, [prefix + t for t in topics.ALL])
    catalogue = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    settings = Settings(runtime="kafka", kafka_bootstrap=kafka_bootstrap, kafka_topic_prefix=prefix,
                        database_url=catalogue, data_dir=tmp_path / "api", http_port=0)
    fleet = generate_fleet(DEVICES, seed=SEED, headend="hes-sim", vendor=VENDOR)
    codes = code_map(VENDOR)
    seen: list[Record] = []
    async with AsyncExitStack() as stack:
        api = await start(settings, stack)
        _, password = await api.context.headends.add("hes-sim", url=None, vendor=VENDOR)
        sim_log = open(tmp_path / "simulator.log", "wb")
        stack.callback(sim_log.close)
        sim = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "orchestrator.cli", "--log-level", "warning", "simulate", "headend",
            "--devices", str(DEVICES), "--seed", str(SEED), "--name", "hes-sim", "--vendor", VENDOR,
            "--orchestrator", api.url, "--time-scale", "0.001", "--reading-interval", "0",
            env={**os.environ, "ORCHESTRATOR_HEADEND_PASSWORD": password},
            stdout=asyncio.subprocess.PIPE, stderr=sim_log)

        async def stop_sim():
            sim.terminate()
            await asyncio.wait_for(sim.wait(), 20)

        stack.push_async_callback(stop_sim)
        ready = json.loads(await asyncio.wait_for(sim.stdout.readline(), 60))
        await api.context.headends.add("hes-sim", url=ready["url"] + "/iec", rotate=True, password=password)

        worker_log = open(tmp_path / "worker.log", "wb")
        stack.callback(worker_log.close)
        (tmp_path / "worker").mkdir()
        worker = subprocess.Popen(
            [sys.executable, "-m", "orchestrator.cli", "worker", "-p", "inbound-router", "--kafka-bootstrap",
             kafka_bootstrap, "--app-id", f"hes-{prefix[:-1]}", "--database-url", catalogue,
             "--data-dir", str(tmp_path / "worker")],
            stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix, ORCHESTRATOR_LOG_FORMAT="console"))
        stack.callback(stop_worker, worker)
        collector = asyncio.create_task(collect(kafka_bootstrap, prefix, [topics.EDC_REPLIES, topics.EDE_INBOUND,
                                                                          topics.READINGS_INBOUND], seen))
        stack.callback(collector.cancel)
        alive = lambda: worker.poll() is None  # noqa: E731

        def on(topic, key=None):
            return [r for r in seen if r.topic == topic and (key is None or r.key == key)]

        # controls out through the worker's head-end client, sync reply from it, async reply via the endpoint
        devices = [d for d, x in fleet.devices.items() if x.kind == "thermostat"][:4]
        control_id = str(uuid.uuid4())
        await api.context.publisher.publish(Record(topics.EDC_OUTBOUND, "hes-sim", build_end_device_controls(
            [EndDeviceControl(mRID="ctl-k", EndDeviceControlType="19.15.0.54", endDevices=devices,
                              issuerTrackingID="campaign-k", durationMinutes=1)], message_id=control_id,
            async_reply=True, reply_address=f"{api.url}/iec/v1/messages")))
        try:
            replies = await until(lambda: len(on(topics.EDC_REPLIES, control_id)) >= 2 and
                                  on(topics.EDC_REPLIES, control_id), 120, "sync and async replies", alive)
        except AssertionError:
            raise AssertionError((tmp_path / "worker.log").read_text()[-3000:]) from None
        assert {parse_end_device_controls_reply(r.value).result.value for r in replies} == {"OK"}
        assert {r.header("iec.headend") for r in replies} == {"hes-sim"}

        def meanings():
            return {(e.endDeviceMRID, codes.meaning(e.EndDeviceEventType)) for r in on(topics.EDE_INBOUND)
                    for e in parse_end_device_events(r.value)}

        await until(lambda: all((d, CanonicalEvent.LOAD_CONTROL_STARTED) in meanings() for d in devices), 60,
                    "confirmations")

        # an outage, played on the simulator's control API
        xfmr = next(iter(fleet.transformers))
        async with aiohttp.ClientSession() as http, http.post(
                f"{ready['url']}/sim/outage", json={"scenario": "transformer", "target": xfmr, "duration_s": 60}) as r:
            outage = await r.json()
        await until(lambda: all((m, CanonicalEvent.POWER_RESTORED) in meanings() and
                                (m, CanonicalEvent.POWER_OFF) in meanings() for m in outage["meters"]), 60,
                    "outage and restore events")

        # an on-request read, answered later through the endpoint onto readings.inbound
        read_id = str(uuid.uuid4())
        await api.context.publisher.publish(Record(topics.EDC_OUTBOUND, "hes-sim", build_get_meter_readings(
            fleet.meters[:2], message_id=read_id, reply_address=f"{api.url}/iec/v1/messages")))
        answer = await until(lambda: [m for m in (parse_meter_readings(r.value) for r in on(topics.READINGS_INBOUND))
                                      if m.correlation_id == read_id], 60, "on-request readings")
        assert sorted(answer[0].devices) == sorted(fleet.meters[:2])
