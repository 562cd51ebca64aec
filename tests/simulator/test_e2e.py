"""End to end over real HTTP: the orchestrator (embedded runtime) and the simulator as its own process.

Controls leave on ``edc.outbound`` through the head-end client, the simulator process answers
synchronously and posts its asynchronous reply, confirmations, readings and outage events to the
orchestrator's IEC endpoint with the credentials ``headend add`` issued; everything lands on the
topics the processors read.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.iec import (
    CanonicalEvent,
    EndDeviceControl,
    build_end_device_controls,
    code_map,
    parse_end_device_controls_reply,
    parse_end_device_events,
    parse_message,
)
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.readings.messages import (
    build_get_meter_readings,
    parse_meter_readings,
)
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.simulator import generate_fleet
from orchestrator.store.db import make_engine, sessionmaker
from orchestrator.store.topology import TopologyStore, read_rows

DEVICES, SEED = 150, 5


async def until(predicate, timeout: float = 30.0, what: str = "condition"):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.fixture(params=[("bare", "mesh-ami"), ("soap12", "connexo")], ids=["bare-mesh-ami", "soap12-connexo"])
async def system(request, tmp_path):
    transport, vendor = request.param
    settings = Settings(data_dir=tmp_path / "orchestrator", http_port=0)
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        headends = running.context.headends
        _, password = await headends.add("hes-sim", url=None, vendor=vendor, transport=transport)
        topology = tmp_path / "fleet.csv"
        log = open(tmp_path / "simulator.log", "wb")
        stack.callback(log.close)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "orchestrator.cli", "--log-level", "warning", "simulate", "headend",
            "--devices", str(DEVICES), "--seed", str(SEED), "--name", "hes-sim", "--vendor", vendor,
            "--orchestrator", running.url, "--transport", transport, "--time-scale", "0.001",
            "--reading-interval", "900", "--topology-out", str(topology),
            env={**os.environ, "ORCHESTRATOR_HEADEND_PASSWORD": password},
            stdout=asyncio.subprocess.PIPE, stderr=log)

        async def stop_simulator():
            if proc.returncode is None:
                proc.terminate()
                await asyncio.wait_for(proc.wait(), 20)

        stack.push_async_callback(stop_simulator)
        ready = json.loads(await asyncio.wait_for(proc.stdout.readline(), 60))
        path = "/iec" if transport == "bare" else "/soap/ExecuteEndDeviceControls"
        await headends.add("hes-sim", url=ready["url"] + path, rotate=True, password=password)
        engine = make_engine(settings.catalogue_url)
        stack.push_async_callback(engine.dispose)
        report = await TopologyStore(sessionmaker(engine)).import_rows(read_rows(topology))
        assert report.rejected == [] and report.devices == ready["devices"]
        yield running, ready, vendor, proc


def read(running, topic, key=None):
    return [r for r in running.runtime.read_topic(topic) if key is None or r.key == key]


def events(running) -> list:
    """Events as the IEC endpoint published them (processors may re-key copies onto the same topic)."""
    return [e for r in read(running, topics.EDE_INBOUND) if r.header("iec.headend") == "hes-sim"
            for e in parse_end_device_events(r.value)]


async def test_controls_replies_events_reads_and_outages_between_processes(system):
    running, ready, vendor, proc = system
    fleet = generate_fleet(DEVICES, seed=SEED, headend="hes-sim", vendor=vendor)  # the simulator's fleet
    codes = code_map(vendor)
    thermostats = [d for d, x in fleet.devices.items() if x.kind == "thermostat"][:5]
    endpoint = f"{running.url}/iec/v1/messages"

    # controls out, sync + async replies and confirmations back
    control_id = str(uuid.uuid4())
    body = build_end_device_controls(
        [EndDeviceControl(mRID="ctl-1", EndDeviceControlType="19.15.0.54", endDevices=[*thermostats, "GHOST"],
                          issuerTrackingID="campaign-e2e", durationMinutes=1)],
        message_id=control_id, source="orchestrator", async_reply=True, reply_address=endpoint)
    await running.runtime.publish(Record(topics.EDC_OUTBOUND, "hes-sim", body))
    replies = await until(lambda: len(read(running, topics.EDC_REPLIES, control_id)) >= 2 and
                          read(running, topics.EDC_REPLIES, control_id), what="sync and async replies")
    for reply in replies:
        parsed = parse_end_device_controls_reply(reply.value)
        assert parsed.result.value == "PARTIAL" and parsed.failed_ids == {"GHOST"}
    assert {r.header("iec.headend") for r in replies} == {"hes-sim"}

    def confirmed():
        meanings = [(e.endDeviceMRID, codes.meaning(e.EndDeviceEventType)) for e in events(running)]
        return all((d, CanonicalEvent.LOAD_CONTROL_STARTED) in meanings and
                   (d, CanonicalEvent.LOAD_CONTROL_STOPPED) in meanings for d in thermostats)

    await until(confirmed, what="confirmations and stop events")
    assert all(e.issuerTrackingID == "campaign-e2e" for e in events(running))

    # on-request read: acknowledgement now, readings posted back later
    read_id = str(uuid.uuid4())
    meters = fleet.meters[:3]
    await running.runtime.publish(Record(topics.EDC_OUTBOUND, "hes-sim", build_get_meter_readings(
        meters, message_id=read_id, reply_address=endpoint)))
    ack = await until(lambda: read(running, topics.EDC_REPLIES, read_id), what="read acknowledgement")
    assert parse_message(ack[0].value).Reply.Result.value == "OK"

    def answered():
        found = [parse_meter_readings(r.value) for r in read(running, topics.READINGS_INBOUND)]
        return [m for m in found if m.correlation_id == read_id]

    [answer] = await until(answered, what="on-request readings")
    assert sorted(answer.devices) == sorted(meters) and len(answer.readings) == 3 * 6

    # interval readings keep coming, one per meter and interval
    await until(lambda: any(parse_meter_readings(r.value).verb == "created"
                            for r in read(running, topics.READINGS_INBOUND)), what="interval readings")

    # outages: a transformer, and a last-gasp transformer whose events come late and twice
    async with aiohttp.ClientSession() as http:
        xfmrs = list(fleet.transformers)
        async with http.post(f"{ready['url']}/sim/outage", json={"scenario": "transformer", "target": xfmrs[0],
                                                                 "duration_s": 120}) as r:
            plain = await r.json()
        async with http.post(f"{ready['url']}/sim/outage", json={"scenario": "last-gasp", "target": xfmrs[1],
                                                                 "duration_s": 120}) as r:
            gasp = await r.json()
        async with http.post(f"{ready['url']}/sim/outage", json={"scenario": "tornado"}) as r:
            assert r.status == 400 and "unknown outage scenario" in (await r.json())["error"]

    def outage_events():
        got = {}
        for e in events(running):
            got.setdefault(e.endDeviceMRID, []).append(codes.meaning(e.EndDeviceEventType))
        return got

    def complete():
        got = outage_events()
        return all(CanonicalEvent.POWER_RESTORED in got.get(m, ()) for m in plain["meters"] + gasp["meters"])

    await until(complete, what="outage and restore events")
    got = outage_events()
    off = CanonicalEvent.LAST_GASP if vendor in ("mesh-ami", "connexo") else CanonicalEvent.POWER_OFF
    for meter in plain["meters"]:
        assert CanonicalEvent.POWER_OFF in got[meter] or CanonicalEvent.LAST_GASP in got[meter]
    for meter in gasp["meters"]:
        assert got[meter].count(off) == 2  # the last gasp, resent once
    # keyed by end device mRID (the first of the message)
    for r in read(running, topics.EDE_INBOUND):
        if r.header("iec.headend") == "hes-sim":
            assert r.key == parse_end_device_events(r.value)[0].endDeviceMRID

    # nothing the simulator sent was refused
    refused = [DeadLetter.from_record(r) for r in read(running, topics.DEADLETTER)
               if DeadLetter.from_record(r).processor in ("iec-endpoint", "headend-client")]
    assert refused == []
    async with aiohttp.ClientSession() as http, http.get(f"{ready['url']}/sim/stats") as r:
        stats = await r.json()
    assert not any(k.startswith(("rejected", "undelivered")) for k in stats["link"]), stats["link"]
    assert proc.returncode is None
