"""EndDeviceEvents correlated per second, beside the raw ceiling measured in the same run.

    python bench/correlate.py [--quick] [--which embedded|kafka|both] [--kafka-bootstrap HOST:PORT]

N dispatch records (SENT, one per device, one campaign) are in the correlator's state; N
EndDeviceEvents messages (one confirmation each, 1 kB, the issuerTrackingID echoed) arrive on
``ede.inbound``. Measured: messages in → record CONFIRMED in state, update emitted, durable.

- embedded: the correlator on the embedded runtime (SQLite channels + state, one transaction
  per batch) from its first batch to drained; ceiling: the same parse + a dict update per event.
- kafka: a faust worker running the correlator against a real broker, from its first update to
  its last (the table's recovery from the changelog is not counted); ceiling: aiokafka consuming
  the same topic and parsing every message, no processing. Also measured, the runtime's floor: the
  same worker with a processor that does nothing (bench/kafka_floor.py), which bounds the ratio.
  Without ``kafka_bootstrap`` a broker is started with scripts/services/services.py and stopped after.

``run(quick, which, kafka_bootstrap) -> list[dict]`` (rows: name, items, items_per_s,
ceiling_items_per_s, ratio, peak_rss_mb). Full size is 1,000,000; quick mode takes seconds.
"""
from __future__ import annotations

import asyncio
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from orchestrator import profiling, topics  # noqa: E402
from orchestrator.core import correlation as rules  # noqa: E402
from orchestrator.iec import EndDeviceEvent, build_end_device_events, parse_end_device_event_fields  # noqa: E402

CAMPAIGN = "bench"
PROGRAM = "ac-cycling"
T0 = datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc)
FULL, QUICK = 1_000_000, 3_000


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def device(i: int) -> str:
    return f"dev{i:07d}"


def event_message(i: int) -> bytes:
    at = T0 + timedelta(seconds=30 + i % 600)
    ev = EndDeviceEvent(createdDateTime=at, EndDeviceEventType="16.15.17.242", mRID=f"ev-{i}",
                        endDeviceMRID=device(i), issuerTrackingID=CAMPAIGN, reason="load control started")
    return build_end_device_events([ev], message_id=f"msg-{i}", source="hes-bench", timestamp=at)


def dispatch_record(i: int) -> dict:
    sent = rules.epoch(T0)
    rec = rules.new_record(device(i), CAMPAIGN, program=PROGRAM, headend=f"hes-{i % 8}", est_kw=0.5)
    rec.update(state="SENT", attempt=1, control=f"{CAMPAIGN}:{device(i)}", type="16.15.0.54",
               start=sent + 300, end=sent + 7200, message_id=f"edc-{i // 1000}", first_sent_at=sent, sent_at=sent,
               rule="message_id", cause="sent", cause_message_id=f"edc-{i // 1000}", updated_at=sent, seq=1,
               deadlines={"reply": sent + 60, "end": sent + 7200})
    return rec


def ceiling(messages: list[bytes]) -> float:
    """Parse + one dict update per event, in memory: what correlating cannot beat."""
    state: dict = {}
    start = time.perf_counter()
    for data in messages:
        for ev in parse_end_device_event_fields(data, validate=False):  # the correlator's own parse
            state[f"{ev['endDeviceMRID']}|{ev.get('issuerTrackingID')}"] = {"state": "CONFIRMED",
                                                                           "at": ev["createdDateTime"].timestamp()}
    return len(messages) / (time.perf_counter() - start)


# ----------------------------------------------------------------------------- embedded
def _prepare_embedded(db: Path, n: int, messages: list[bytes]) -> None:
    from orchestrator.runtime.embedded import SCHEMA
    from orchestrator.processors.correlator import NAME

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(SCHEMA)
    con.execute("BEGIN")
    rows = []
    for i in range(n):
        rows.append((NAME, rules.record_key(device(i), CAMPAIGN), json.dumps(dispatch_record(i))))
        rows.append((NAME, f"{device(i)}|campaigns", json.dumps([CAMPAIGN])))
        if len(rows) >= 20000:
            con.executemany("INSERT INTO processor_state (processor, key, value) VALUES (?,?,?)", rows)
            rows = []
    con.executemany("INSERT INTO processor_state (processor, key, value) VALUES (?,?,?)", rows)
    now = time.time()
    con.executemany("INSERT INTO channel_log (topic, key, value, headers, appended_at) VALUES (?,?,?,?,?)",
                    ((topics.EDE_INBOUND, device(i), m, "[]", now) for i, m in enumerate(messages)))
    con.execute("COMMIT")
    con.close()


async def _run_embedded(db: Path, n: int) -> float:
    from orchestrator.processors.correlator import make_correlator
    from orchestrator.core.programs import load_programs
    from orchestrator.runtime.embedded import EmbeddedRuntime

    runtime = EmbeddedRuntime(db, batch_size=1000)
    runtime.add_processor(make_correlator(None, load_programs([ROOT / "programs"])))
    await runtime.start()  # loads the N records (not measured)
    try:
        start = time.perf_counter()
        with profiling.section():  # --profile: the runtime's loop thread (its writer thread is not sampled)
            await runtime.drain(timeout=3600)
        elapsed = time.perf_counter() - start
        confirmed = sum(1 for k, v in runtime._consumers["correlator"].state._data.items()
                        if isinstance(v, dict) and v.get("state") == "CONFIRMED")
        if confirmed != n:
            raise RuntimeError(f"only {confirmed} of {n} records confirmed")
    finally:
        await runtime.stop()
    con = sqlite3.connect(db)
    durable = con.execute("SELECT count(*) FROM channel_log WHERE topic=?", (topics.DISPATCH_UPDATES,)).fetchone()[0]
    con.close()
    if durable != n:
        raise RuntimeError(f"{durable} updates written for {n} events")
    return n / elapsed


def embedded(n: int) -> dict:
    messages = [event_message(i) for i in range(n)]
    ceiling_rate = ceiling(messages)
    with tempfile.TemporaryDirectory(prefix="correlate-bench-") as tmp:
        db = Path(tmp) / "runtime.db"
        _prepare_embedded(db, n, messages)
        del messages
        rate = asyncio.run(_run_embedded(db, n))
    return {"name": "correlate_embedded", "items": n, "items_per_s": round(rate, 1),
            "ceiling_items_per_s": round(ceiling_rate, 1), "ratio": round(rate / ceiling_rate, 3),
            "peak_rss_mb": _peak_mb()}


# ----------------------------------------------------------------------------- kafka
PARTITIONS = 4


async def _produce(bootstrap: str, topic: str, items, *, key_json: bool = False) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    try:
        pending = []
        for key, value, partition in items:
            pending.append(await producer.send(topic, value, key=key, partition=partition))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


def _partition(key: bytes) -> int:
    from aiokafka.partitioner import murmur2

    return (murmur2(key) & 0x7FFFFFFF) % PARTITIONS


async def _kafka_ceiling(bootstrap: str, topic: str, n: int) -> float:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    try:
        seen = 0
        start = None
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10000)
            if start is None and batch:
                start = time.perf_counter()
            for msgs in batch.values():
                for m in msgs:
                    parse_end_device_event_fields(m.value, validate=False)
                    seen += 1
        return n / (time.perf_counter() - start)
    finally:
        await consumer.stop()


async def _kafka_updates_rate(bootstrap: str, topic: str, n: int, procs, timeout: float) -> tuple[float, float]:
    """Updates per second from the first to the last, and over the middle 80% (10th to 90th percentile
    of their times: what a steady worker does, without start-up and rebalancing)."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        stamps: list[int] = []
        deadline = time.monotonic() + timeout
        while len(stamps) < n:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"kafka correlator produced {len(stamps)} of {n} updates")
            batch = await consumer.getmany(timeout_ms=1000, max_records=10000)
            for msgs in batch.values():
                stamps.extend(m.timestamp for m in msgs)
        stamps.sort()
        whole = n / max((stamps[-1] - stamps[0]) / 1000.0, 1e-3)
        lo, hi = stamps[n // 10], stamps[n * 9 // 10]
        return whole, (n * 9 // 10 - n // 10) / max((hi - lo) / 1000.0, 1e-3)
    finally:
        await consumer.stop()


def kafka(n: int, bootstrap: str | None, workers: int = 1) -> dict:
    from orchestrator.processors.correlator import NAME

    started = None
    if bootstrap is None:
        sys.path.insert(0, str(ROOT / "scripts" / "services"))
        import services as svc

        directory = Path(tempfile.mkdtemp(prefix="correlate-kafka-"))
        started = (svc, directory)
        bootstrap = svc.start("kafka", directory).env["KAFKA_BOOTSTRAP"]
    run = uuid.uuid4().hex[:8]
    prefix, app_id = f"b{run}.", f"correlate-bench-{run}"
    work = Path(tempfile.mkdtemp(prefix="correlate-worker-"))
    try:
        asyncio.run(_create_topics(bootstrap, [prefix + t for t in (topics.DISPATCH_FACTS, topics.EDE_INBOUND,
                                                                    topics.CLOCK_TICKS, topics.DISPATCH_UPDATES,
                                                                    topics.EDC_OUTBOUND, topics.DEADLETTER)]
                                   + [f"{app_id}-{NAME}-state-changelog"]))
        # The N records as the table's changelog (JSON keys and values, the partition of the device).
        changelog = f"{app_id}-{NAME}-state-changelog"

        def state_items():
            for i in range(n):
                part = _partition(device(i).encode())
                yield json.dumps(rules.record_key(device(i), CAMPAIGN)).encode(), \
                    json.dumps(dispatch_record(i)).encode(), part
                yield json.dumps(f"{device(i)}|campaigns").encode(), json.dumps([CAMPAIGN]).encode(), part
        asyncio.run(_produce(bootstrap, changelog, state_items()))
        asyncio.run(_produce(bootstrap, prefix + topics.EDE_INBOUND,
                             ((device(i).encode(), event_message(i), None) for i in range(n))))
        ceiling_rate = asyncio.run(_kafka_ceiling(bootstrap, prefix + topics.EDE_INBOUND, n))
        floor_rate = _runtime_floor(bootstrap, prefix, n)
        env = dict(os.environ, ORCHESTRATOR_LOG_LEVEL=os.environ.get("BENCH_WORKER_LOG_LEVEL", "warning"),
                   ORCHESTRATOR_KAFKA_TOPIC_PREFIX=prefix, ORCHESTRATOR_CORRELATION_TICK_S="0",
                   ORCHESTRATOR_PROGRAMS_DIR=str(ROOT / "programs"), ORCHESTRATOR_WORKER_METRICS_PORT="0")
        procs = []
        for w in range(workers):  # one consumer group: the partitions are shared out between them
            log = open(work / f"worker-{w}.log", "wb")
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "orchestrator.cli", "worker", "--no-sinks", "--processor", NAME,
                 "--kafka-bootstrap", bootstrap, "--app-id", app_id, "--partitions", str(PARTITIONS),
                 "--data-dir", str(work / f"w{w}")], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                start_new_session=True))
        try:
            try:
                rate, steady = asyncio.run(_kafka_updates_rate(bootstrap, prefix + topics.DISPATCH_UPDATES, n,
                                                               procs, timeout=120 + n / 200))
            except RuntimeError as exc:
                codes = [p.poll() for p in procs]
                raise RuntimeError(f"{exc}; worker exit codes {codes}, logs in {work}") from None
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    finally:
        if started is not None:
            svc, directory = started
            svc.stop("kafka", directory)
    return {"name": "correlate_kafka", "items": n, "workers": workers, "steady_items_per_s": round(steady, 1),
            "items_per_s": round(rate, 1),
            "ceiling_items_per_s": round(ceiling_rate, 1), "ratio": round(rate / ceiling_rate, 3),
            "peak_rss_mb": _peak_mb(), "runtime_floor_items_per_s": round(floor_rate, 1),
            "floor_ratio": round(floor_rate / ceiling_rate, 3)}


def _runtime_floor(bootstrap: str, prefix: str, n: int) -> float:
    """The Kafka runtime with a processor that does nothing, over the same records (bench/kafka_floor.py)."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "kafka_floor.py"), bootstrap, topics.EDE_INBOUND,
                          str(n), "--prefix", prefix, "--partitions", str(PARTITIONS)],
                         capture_output=True, text=True, timeout=600 + n / 500, cwd=ROOT,
                         env=dict(os.environ, ORCHESTRATOR_LOG_LEVEL="warning"))
    rates = [line.split()[1] for line in out.stdout.splitlines() if line.startswith("RATE ")]
    if not rates:
        raise RuntimeError(f"the runtime floor run printed no rate: {out.stderr[-2000:]}")
    return float(rates[0])


async def _create_topics(bootstrap: str, names: list[str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, num_partitions=PARTITIONS, replication_factor=1) for n in names])
    finally:
        await admin.close()


def run(quick: bool = False, which: str = "embedded", kafka_bootstrap: str | None = None, *,
        items: int | None = None, workers: int = 1) -> list[dict]:
    n = items or (QUICK if quick else FULL)
    rows = []
    if which in ("embedded", "both"):
        rows.append(embedded(n))
    if which in ("kafka", "both"):
        rows.append(kafka(n, kafka_bootstrap, workers))
    return rows


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} events instead of {FULL:,}")
    parser.add_argument("--which", choices=("embedded", "kafka", "both"), default="both")
    parser.add_argument("--kafka-bootstrap", default=None)
    parser.add_argument("--items", type=int, default=None, help="events (and dispatch records); overrides --quick")
    parser.add_argument("--workers", type=int, default=1, help="faust workers for the Kafka run (one group)")
    args = parser.parse_args()
    print(f"{'benchmark':20} {'items':>9} {'items/s':>10} {'ceiling/s':>10} {'ratio':>6} {'peak MB':>8}")
    for r in run(args.quick, args.which, args.kafka_bootstrap, items=args.items, workers=args.workers):
        print(f"{r['name']:20} {r['items']:>9} {r['items_per_s']:>10.1f} {r['ceiling_items_per_s']:>10.1f} "
              f"{r['ratio']:>6.2f} {r['peak_rss_mb']:>8.1f}")
        if "steady_items_per_s" in r:
            print(f"{'  middle 80%':20} {r['items']:>9} {r['steady_items_per_s']:>10.1f}   "
                  f"({r['workers']} worker(s), without start-up and rebalancing)")
        if "runtime_floor_items_per_s" in r:
            print(f"{'  runtime floor':20} {r['items']:>9} {r['runtime_floor_items_per_s']:>10.1f} "
                  f"{r['ceiling_items_per_s']:>10.1f} {r['floor_ratio']:>6.2f}   (a processor doing nothing)")


if __name__ == "__main__":
    main()
