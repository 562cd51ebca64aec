"""Metrics and log context the runtimes add: structured log fields per record, Kafka consumer
lag, the worker's /metrics (multi-process correct), scheduler job metrics."""
from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import structlog
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from orchestrator.logs import configure_logging, get_logger
from orchestrator.metrics import instrument_scheduler, job_kind
from orchestrator.processors.base import Processor, Record
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.runtime.observability import (ConsumerLag, MetricsServer, count_iec_messages, iec_noun_verb,
                                                record_log_fields)


def sample(name: str, **labels) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def parse(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


# ----------------------------------------------------------------------------- log fields

def test_record_log_fields_from_headers():
    record = Record("edc.outbound", "hes-1", b"<x/>", (("noun", "EndDeviceControls"), ("campaign", "evt-7"),
                                                       ("message_id", "m-1"), ("devices", "250")))
    assert record_log_fields(record, "sender") == {
        "consumer": "sender", "topic": "edc.outbound", "record_key": "hes-1", "campaign_id": "evt-7",
        "message_id": "m-1", "correlation_id": "m-1", "device_count": 250}
    inbound = Record("ede.inbound", "meter-1", b"", (("iec.message_id", "abc"), ("iec.correlation_id", "req-9")))
    fields = record_log_fields(inbound, "outage-detector")
    assert fields["message_id"] == "abc" and fields["correlation_id"] == "req-9" and "campaign_id" not in fields
    assert record_log_fields(Record("t", None, b""), "c") == {"consumer": "c", "topic": "t"}
    reply = Record("edc.replies", "req-42", b"", (("iec.message_id", "rep-1"), ("iec.headend", "hes-1")))
    fields = record_log_fields(reply, "reply-splitter")
    assert (fields["message_id"], fields["correlation_id"], fields["headend"]) == ("rep-1", "req-42", "hes-1")


@pytest.fixture
def json_logs():
    """The project's JSON log configuration, writing to a buffer; the previous one restored after."""
    saved, root = structlog.get_config(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("info", "json")
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=buffer))
    yield buffer
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_embedded_runtime_binds_campaign_message_correlation_and_device_count(tmp_path, json_logs):
    log = get_logger("test")

    async def process(record, state):
        log.info("handled")
        if record.value == b"boom":
            raise ValueError("bad record")
        return []

    runtime = EmbeddedRuntime(tmp_path / "rt.db")
    runtime.add_processor(Processor("log-probe", ("edc.outbound",), (), process))
    async with runtime:
        await runtime.publish([
            Record("edc.outbound", "hes-1", b"ok", (("campaign", "evt-1"), ("message_id", "m-1"), ("devices", "3"))),
            Record("edc.outbound", "hes-2", b"boom", (("campaign", "evt-2"), ("message_id", "m-2"))),
        ])
        await runtime.drain()
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    handled = [line for line in lines if line["event"] == "handled"]
    assert [(h["campaign_id"], h["message_id"], h["correlation_id"], h.get("device_count")) for h in handled] == [
        ("evt-1", "m-1", "m-1", 3), ("evt-2", "m-2", "m-2", None)]
    assert all(h["consumer"] == "log-probe" and h["topic"] == "edc.outbound" for h in handled)
    [failed] = [line for line in lines if line["event"] == "processor failed on a record"]
    assert (failed["campaign_id"], failed["message_id"]) == ("evt-2", "m-2")  # the failure names its record
    others = [line for line in lines if line["event"] not in ("handled", "processor failed on a record")]
    assert others and all("campaign_id" not in line for line in others)  # nothing leaks past the record


# ----------------------------------------------------------------------------- IEC messages by noun/verb

CONTROLS = (b'<?xml version="1.0"?><ns0:RequestMessage xmlns:ns0="http://iec.ch/TC57/2011/schema/message">'
            b'<ns0:Header><ns0:Verb>create</ns0:Verb><ns0:Noun>EndDeviceControls</ns0:Noun></ns0:Header>'
            b'<ns0:Payload/></ns0:RequestMessage>')


def test_iec_noun_and_verb_from_headers_or_envelope():
    assert iec_noun_verb(Record("ede.inbound", "m1", b"", (("iec.noun", "EndDeviceEvents"), ("iec.verb", "created")))) \
        == ("EndDeviceEvents", "created")
    assert iec_noun_verb(Record("edc.outbound", "hes-1", CONTROLS, (("noun", "EndDeviceControls"),))) \
        == ("EndDeviceControls", "create")
    assert iec_noun_verb(Record("ede.inbound", "m2", b"<x/>", (("outage.split", "1"),))) is None  # internal copy
    odd = Record("edc.replies", "c1", b"", (("iec.noun", "EndDeviceControls"), ("iec.verb", "<script>")))
    assert iec_noun_verb(odd) == ("EndDeviceControls", "other")  # labels stay bounded


async def test_embedded_runtime_counts_iec_messages_in_and_out(tmp_path):
    def count(direction, noun, verb):
        return sample("orchestrator_iec_messages_total", direction=direction, noun=noun, verb=verb) or 0

    before = (count("out", "EndDeviceControls", "create"), count("in", "EndDeviceEvents", "created"))
    runtime = EmbeddedRuntime(tmp_path / "rt.db")
    async with runtime:
        await runtime.publish([
            Record("edc.outbound", "hes-1", CONTROLS, (("noun", "EndDeviceControls"),)),
            Record("ede.inbound", "m1", b"<x/>", (("iec.noun", "EndDeviceEvents"), ("iec.verb", "created"))),
            Record("ede.inbound", "m1", b"<x/>", (("outage.split", "1"),)),
            Record("outage.signals", "t1", b"{}"),
        ])
    assert (count("out", "EndDeviceControls", "create"), count("in", "EndDeviceEvents", "created")) == \
        (before[0] + 1, before[1] + 1)
    count_iec_messages([Record("edc.replies", "c1", b"", (("iec.noun", "EndDeviceControls"), ("iec.verb", "reply")))])
    assert count("in", "EndDeviceControls", "reply") >= 1


# ----------------------------------------------------------------------------- consumer lag

def test_consumer_lag_sums_owned_partitions_and_forgets_revoked_ones():
    lag = ConsumerLag()
    lag.observe("lag-probe", ("t", 0), offset=9, highwater=110)
    lag.observe("lag-probe", ("t", 1), offset=4, highwater=5)
    lag.observe("lag-probe", ("t", 2), offset=1, highwater=None)  # no fetch yet: ignored
    assert lag.value("lag-probe") == 100
    assert sample("orchestrator_processor_lag_records", consumer="lag-probe") == 100
    lag.observe("lag-probe", ("t", 0), offset=109, highwater=110)
    assert sample("orchestrator_processor_lag_records", consumer="lag-probe") == 0
    lag.observe("lag-probe", ("t", 1), offset=4, highwater=50)
    lag.revoke([("t", 1)])
    assert sample("orchestrator_processor_lag_records", consumer="lag-probe") == 0


# ----------------------------------------------------------------------------- worker /metrics

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:  # not listening (yet)
        return 0, ""


def test_metrics_server_serves_metrics_and_health():
    server = MetricsServer("127.0.0.1", 0)
    assert server.start()
    try:
        status, text = get(f"http://127.0.0.1:{server.port}/metrics")
        assert status == 200 and "orchestrator_build_info{" in text
        assert get(f"http://127.0.0.1:{server.port}/healthz")[0] == 200
        assert get(f"http://127.0.0.1:{server.port}/nope")[0] == 404
        taken = MetricsServer("127.0.0.1", server.port)
        assert taken.start() is False  # logged; the worker keeps processing
    finally:
        server.stop()


MULTIPROC_CHILD = textwrap.dedent("""
    import sys
    from orchestrator.logs import configure_logging
    from orchestrator.metrics import MESSAGES_CONSUMED, PROCESSOR_LAG
    configure_logging()  # logs to stderr; stdout tells the test
    from orchestrator.runtime.observability import MetricsServer
    n = int(sys.argv[1])
    MESSAGES_CONSUMED.labels(topic="iec.inbound", consumer="inbound-router", runtime="kafka").inc(n)
    PROCESSOR_LAG.labels(consumer="inbound-router").set(n * 10)
    server = MetricsServer("127.0.0.1", int(sys.argv[2]))
    print("serving" if server.start() else "left to another", flush=True)
    sys.stdin.read()  # stay alive until the test closes stdin
    server.stop()
""")


def test_workers_sharing_a_multiprocess_directory_serve_the_sum(tmp_path):
    port = free_port()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    procs = []
    try:
        for n in (3, 4):
            proc = subprocess.Popen([sys.executable, "-c", MULTIPROC_CHILD, str(n), str(port)], env=env,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            procs.append(proc)
            assert proc.stdout.readline().strip() == ("serving" if n == 3 else "left to another")
        status, text = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        values = parse(text)
        assert values[("orchestrator_messages_consumed_total", (("consumer", "inbound-router"), ("runtime", "kafka"),
                                                                 ("topic", "iec.inbound")))] == 7
        assert values[("orchestrator_processor_lag_records", (("consumer", "inbound-router"),))] == 70
        assert any(name == "orchestrator_build_info" for name, _ in values)
    finally:
        for proc in procs:
            proc.stdin.close()
            proc.wait(10)


@pytest.mark.kafka
async def test_a_kafka_worker_exposes_its_metrics_and_consumer_lag(tmp_path, kafka_bootstrap, prometheus):
    from tests.contract.harness import create_topics, produce, stop_worker

    run = uuid.uuid4().hex[:8]
    prefix = f"obs{run}."
    await create_topics(kafka_bootstrap, [prefix + "iec.inbound", prefix + "deadletter"])
    port = free_port()
    env = dict(os.environ, ORCHESTRATOR_LOG_FORMAT="json", ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix,
               ORCHESTRATOR_WORKER_METRICS_PORT=str(port))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = open(tmp_path / "worker.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "worker", "--processor", "inbound-router", "--no-sinks",
         "--kafka-bootstrap", kafka_bootstrap, "--app-id", f"obs-{run}", "--partitions", "4",
         "--data-dir", str(tmp_path)], stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        await produce(kafka_bootstrap, [Record(prefix + "iec.inbound", f"hes-{i % 3}", b"not xml") for i in range(12)])
        key = ("orchestrator_messages_consumed_total", (("consumer", "inbound-router"), ("runtime", "kafka"),
                                                         ("topic", "iec.inbound")))
        values: dict = {}
        for _ in range(240):
            assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            status, text = await asyncio.to_thread(get, f"http://127.0.0.1:{port}/metrics")
            values = parse(text) if status == 200 else {}
            if values.get(key) == 12:
                break
            await asyncio.sleep(0.5)
        assert values.get(key) == 12, (tmp_path / "worker.log").read_text()[-3000:]
        assert values[("orchestrator_processor_lag_records", (("consumer", "inbound-router"),))] == 0
        # and Prometheus scrapes the worker like the compose file's orchestrator-worker job does
        prom = prometheus([f"127.0.0.1:{port}"])
        query = f"{prom}/api/v1/query?query=" + urllib.parse.quote(
            'sum by (consumer) (orchestrator_messages_consumed_total{runtime="kafka"}) '
            '* on () group_left max(up{job="orchestrator"})')
        result: list = []
        for _ in range(60):
            status, text = await asyncio.to_thread(get, query)
            result = json.loads(text)["data"]["result"] if status == 200 else []
            if result:
                break
            await asyncio.sleep(0.5)
        assert [(r["metric"]["consumer"], float(r["value"][1])) for r in result] == [("inbound-router", 12.0)]
        assert sum(v for (n, labels), v in values.items()
                   if n == "orchestrator_dead_letters_total" and ("source_topic", "iec.inbound") in labels) == 12
    finally:
        stop_worker(proc)


# ----------------------------------------------------------------------------- scheduler

def test_job_kind_is_bounded():
    assert job_kind("evt-123:start") == "start"
    assert job_kind("evt-123:ramp:4") == "ramp"
    assert job_kind("housekeeping") == "housekeeping"


async def test_scheduler_job_runs_failures_and_lateness_are_counted():
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    instrument_scheduler(scheduler)
    before = {k: sample("orchestrator_scheduler_jobs_total", kind=k, outcome=o) or 0
              for k, o in (("start", "ok"), ("end", "error"))}
    delay_before = sample("orchestrator_scheduler_job_delay_seconds_count", kind="start") or 0
    done = asyncio.Event()
    runs: list[str] = []

    async def ok():
        runs.append("ok")

    async def fail():
        runs.append("fail")
        done.set()
        raise RuntimeError("job failed")

    scheduler.start()
    try:
        now = datetime.now(timezone.utc)
        scheduler.add_job(ok, "date", run_date=now + timedelta(milliseconds=50), id=f"evt-{uuid.uuid4().hex}:start")
        scheduler.add_job(fail, "date", run_date=now + timedelta(milliseconds=150), id=f"evt-{uuid.uuid4().hex}:end")
        await asyncio.wait_for(done.wait(), 10)
        await asyncio.sleep(0.2)
    finally:
        scheduler.shutdown(wait=False)
    assert runs == ["ok", "fail"]
    assert sample("orchestrator_scheduler_jobs_total", kind="start", outcome="ok") == before["start"] + 1
    assert sample("orchestrator_scheduler_jobs_total", kind="end", outcome="error") == before["end"] + 1
    assert sample("orchestrator_scheduler_job_delay_seconds_count", kind="start") == delay_before + 1
