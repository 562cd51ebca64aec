"""Contract: the outage detector gives the same outputs and state on both runtimes, and the OMS
receives exactly the expected notifications over real HTTP.

Inputs are real IEC EndDeviceEvents built by ``orchestrator.iec.build_end_device_events`` (the
head-end side), one scenario per feeder, in phases (see ``scenarios``).
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from orchestrator import topics
from orchestrator.iec import parse_message
from orchestrator.processors.base import Record
from orchestrator.processors.outage import NAME, make_outage_processor
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.runtime.kafka import changelog_topic, fold_changelog
from orchestrator.store.db import upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.contract.harness import consume, create_topics, start_worker, stop_worker
from tests.outages.oms_server import deliver_all
from tests.outages.scenarios import EXPECTED, LATENESS_S, RULE_ENV, RULES, notifications, phases, \
    scenario_topology, topology_rows


def processor():
    return make_outage_processor(scenario_topology(), RULES, tick_lateness_s=LATENESS_S)


def merged(state: dict) -> dict:
    """State with the per-partition deadline indexes merged: partitions differ between runtimes."""
    out: dict = {}
    index: dict = {}
    for k, v in state.items():
        if k.startswith("p") and "|outage-due" in k:
            index.update(v)
        else:
            out[k] = v
    if index:
        out["*|outage-due"] = index
    return out


async def produce_partitioned(bootstrap: str, records: list[Record]) -> None:
    """Like the harness's produce, but clock ticks go to their own partition."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for r in records:
            await producer.send_and_wait(r.topic, r.value, key=r.key.encode() if r.key else None,
                                         headers=[(k, v.encode()) for k, v in r.headers] or None,
                                         partition=r.partition if r.topic.endswith(topics.CLOCK_TICKS) else None)
    finally:
        await producer.stop()


def multiset(records: list[Record]) -> Counter:
    return Counter((r.topic, r.key, r.value, tuple(sorted(r.headers))) for r in records)


async def run_phases_embedded(directory: Path) -> tuple[list[Record], dict, list[int]]:
    p = processor()
    runtime = EmbeddedRuntime(directory / "runtime.db", batch_size=7)
    runtime.add_processor(p)
    sizes = []
    async with runtime:
        for phase in phases():
            await runtime.publish(phase)
            await runtime.drain()
            sizes.append([r for t in p.outputs for r in runtime.read_topic(t)])
        outputs = [r for t in p.outputs for r in runtime.read_topic(t)]
        return outputs, runtime.state_of(NAME), sizes


def by_feeder(notes: list[dict]) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list] = {}
    for n in notes:
        if "outage" in n:
            o = n["outage"]
            feeder = o["feeder"]
            out.setdefault(feeder, []).append((n["event"], n["id"], o["status"]))
        else:
            out.setdefault(n["summary"]["owner"], []).append((n["event"], n["id"], "STORM"))
    return out


def per_outage(items: list[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list] = {}
    for event, ident, status in items:
        out.setdefault(ident, []).append((event, status))
    return out


def check_scenarios(notes: list[dict], *, strict_order: bool = True) -> None:
    """Exact notifications per feeder; per outage always in order, across outages if ``strict_order``."""
    got = by_feeder(notes)
    for feeder, expected in EXPECTED.items():
        if strict_order:
            assert got.get(feeder) == expected, feeder
        assert per_outage(got.get(feeder, [])) == per_outage(expected), feeder
    storm = got["F9"]
    kinds = Counter(e for e, _, _ in storm)
    assert kinds["outage.created"] == 42 and set(kinds) == {"outage.created", "storm.summary"}
    assert len({i for e, i, _ in storm if e == "outage.created"}) == 42
    if strict_order:
        assert storm[0][0] == "storm.summary"  # nothing went out one by one before the storm's first summary
    assert set(got) == set(EXPECTED) | {"F9"}


def check_details(outputs: list[Record], notes: list[dict]) -> None:
    by_id: dict[str, list[dict]] = {}
    for n in notes:
        by_id.setdefault(n["id"], []).append(n)
    f5 = next(n for i, ns in by_id.items() if i.startswith("transformer:F5-T1") for n in ns
              if n["event"] == "outage.restored")
    nested = next(n for i, ns in by_id.items() if i.startswith("meter:F5-T1-M3") for n in ns)
    assert nested["outage"]["parent"] == f5["id"] and nested["at"] == "2026-03-01T12:19:10Z"
    f4 = next(n for i, ns in by_id.items() if i.startswith("feeder:F4") for n in ns)
    assert f4["outage"]["children"] == sorted(i for i in by_id if i.startswith("transformer:F4-"))
    f7 = by_id[next(i for i in by_id if i.startswith("meter:F7"))][0]["outage"]
    assert f7["confidence"] == 1.0 and f7["first"] == "2026-03-01T12:00:00Z"
    f3 = by_id[next(i for i in by_id if i.startswith("transformer:F3"))][0]["outage"]
    assert f3["affected"] == [f"F3-T1-M{m}" for m in range(1, 5)] and f3["confidence"] == 0.75
    # Verification reads: only the two meters that had not reported, only after the restoration.
    reads = [r for r in outputs if r.topic == topics.EDC_OUTBOUND]
    assert sorted(r.header("outage.device") for r in reads) == ["F5-T1-M3", "F5-T1-M4"]
    for r in reads:
        m = parse_message(r.value)
        assert (m.verb, m.noun, r.key) == ("get", "GetMeterReadings", "hes-standard")
    assert [r for r in outputs if r.topic == topics.DEADLETTER] == []


async def test_scenarios_on_embedded_and_exact_notifications_over_http(tmp_path):
    outputs, state, _ = await run_phases_embedded(tmp_path)
    notes = notifications(outputs)
    check_scenarios(notes)
    check_details(outputs, notes)
    assert state["F7-T1-M1|pwr"] == [True, pytest.approx(1772366400 + 1000), False]
    assert state.get("F2|count|momentary") == 1 and state.get("F5|count|nested") == 1
    # Delivered over HTTP: every notification once, in order per outage, with its idempotency key.
    received = await deliver_all([r for r in outputs if r.topic == topics.OMS_NOTIFICATIONS], tmp_path)
    assert Counter(json.dumps(b, sort_keys=True) for _, b in received) == \
        Counter(json.dumps(n, sort_keys=True) for n in notes)
    assert all(h == b["idempotency_key"] for h, b in received)
    check_scenarios([b for _, b in received], strict_order=False)


async def test_restart_between_phases_gives_the_same_result(tmp_path):
    """State survives a restart of the embedded runtime mid-scenario."""
    straight, state, _ = await run_phases_embedded(tmp_path / "a")
    p = processor()
    for phase in phases():
        runtime = EmbeddedRuntime(tmp_path / "b" / "runtime.db", batch_size=3)
        runtime.add_processor(p)
        async with runtime:
            await runtime.publish(phase)
            await runtime.drain()
            resumed = [r for t in p.outputs for r in runtime.read_topic(t)]
            resumed_state = runtime.state_of(NAME)
    assert multiset(resumed) == multiset(straight)
    assert resumed_state == state


async def _import_topology(url: str) -> None:
    await upgrade_async(url)
    from orchestrator.store.db import make_engine, sessionmaker

    engine = make_engine(url)
    try:
        await TopologyStore(sessionmaker(engine)).import_rows(topology_rows(scenario_topology()))
    finally:
        await engine.dispose()


@pytest.mark.kafka
async def test_same_outputs_and_state_on_kafka(tmp_path, kafka_bootstrap, monkeypatch):
    embedded, state, sizes = await run_phases_embedded(tmp_path / "embedded")
    # The worker loads the topology from the catalogue at start, and the thresholds from settings.
    catalogue = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await _import_topology(catalogue)
    monkeypatch.setenv("ORCHESTRATOR_DATABASE_URL", catalogue)
    for k, v in RULE_ENV.items():
        monkeypatch.setenv(k, v)
    p = processor()
    run = uuid.uuid4().hex[:8]
    prefix = f"c{run}."
    rename = {t: prefix + t for t in (*p.inputs, *p.outputs)}
    back = {v: k for k, v in rename.items()}
    app_id = f"contract-{run}"
    await create_topics(kafka_bootstrap, list(rename.values()))
    (tmp_path / "kafka").mkdir()
    proc = start_worker(p, kafka_bootstrap, app_id, tmp_path / "kafka", prefix)
    try:
        raw: list = []
        for phase, expected in zip(phases(), sizes):
            await produce_partitioned(kafka_bootstrap, [Record(rename[r.topic], r.key, r.value, r.headers,
                                                               partition=r.partition) for r in phase])
            raw = await consume(kafka_bootstrap, [rename[t] for t in p.outputs], until=len(expected), timeout=60,
                                settle=1.0, alive=lambda: proc.poll() is None)
            outputs = [Record(back[t], k.decode() if k is not None else None, v,
                              tuple((hk, hv.decode()) for hk, hv in h)) for t, k, v, h in raw]
            missing = multiset(expected) - multiset(outputs)
            extra = multiset(outputs) - multiset(expected)
            assert not missing and not extra, ([m[:2] + (m[2][:300],) for m in missing],
                                               [m[:2] + (m[2][:300],) for m in extra],
                                               (tmp_path / "kafka" / "worker.log").read_text()[-2000:])
        assert multiset(outputs) == multiset(embedded)
        kafka_state: dict = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            entries = await consume(kafka_bootstrap, [changelog_topic(app_id, p)], until=0, timeout=5, settle=0.5)
            kafka_state = fold_changelog([(k, v) for _, k, v, _ in entries])
            if merged(kafka_state) == merged(state):
                break
            await asyncio.sleep(0.5)
        assert merged(kafka_state) == merged(state)
    finally:
        stop_worker(proc)
    check_scenarios(notifications(outputs), strict_order=False)
    # What the Kafka run produced reaches the OMS over HTTP exactly as the embedded run's does.
    received = await deliver_all([r for r in outputs if r.topic == topics.OMS_NOTIFICATIONS], tmp_path)
    assert Counter(json.dumps(b, sort_keys=True) for _, b in received) == \
        Counter(json.dumps(n, sort_keys=True) for n in notifications(embedded))
