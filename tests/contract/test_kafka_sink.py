"""A sink on the Kafka runtime: batches as records come, a failing batch retried until it is
written (never skipped), every record written and its offset committed."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from orchestrator.processors.base import Record
from tests.contract.harness import create_topics, produce, stop_worker
from tests.contract.test_backlog_at_start import _committed

RECORDS = 300

# A worker whose only consumer is a sink that fails its first two batches, then appends each
# record's key to a file.
WORKER = textwrap.dedent("""
    import sys, tempfile
    from pathlib import Path
    import faust
    from orchestrator.processors.base import Sink
    from orchestrator.runtime.kafka import build_app
    from orchestrator.settings import Settings

    bootstrap, prefix, app_id, out = sys.argv[1:5]
    failures = {"left": 2}

    async def write(records):
        if failures["left"]:
            failures["left"] -= 1
            with open(out + ".failures", "a") as f:
                f.write(f"{len(records)}\\n")
            raise ConnectionError("store unreachable")
        with open(out, "a") as f:
            f.writelines(f"{r.topic} {r.key}\\n" for r in records)

    settings = Settings(kafka_bootstrap=bootstrap, kafka_app_id=app_id, kafka_topic_prefix=prefix,
                        kafka_partitions=4, data_dir=Path(tempfile.mkdtemp()), correlation_tick_s=0)
    app = build_app(settings, [], [Sink("flaky-store", ("iec.inbound",), write)])
    worker = faust.Worker(app, loglevel="warn", quiet=True, redirect_stdouts=False)
    worker.spinner = None
    worker.execute_from_commandline()
""")


@pytest.mark.kafka
async def test_a_failing_sink_batch_is_retried_until_written(tmp_path, kafka_bootstrap):
    run = uuid.uuid4().hex[:8]
    prefix, app_id = f"sk{run}.", f"sink-{run}"
    await create_topics(kafka_bootstrap, [prefix + "iec.inbound"])
    out = tmp_path / "written.txt"
    log = open(tmp_path / "worker.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", WORKER, kafka_bootstrap, prefix, app_id, str(out)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        await produce(kafka_bootstrap, [Record(prefix + "iec.inbound", f"k{i}", b"x") for i in range(RECORDS)])
        keys: set[str] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(keys) < RECORDS:
            assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            if out.exists():
                keys = {line.split()[1] for line in out.read_text().splitlines()}
            await asyncio.sleep(0.3)
        assert keys == {f"k{i}" for i in range(RECORDS)}
        assert all(line.split()[0] == "iec.inbound" for line in out.read_text().splitlines())  # logical names
        assert len((tmp_path / "written.txt.failures").read_text().split()) == 2
        assert "sink failed; batch will be retried" in (tmp_path / "worker.log").read_text()
        committed = 0
        for _ in range(40):
            committed = await _committed(kafka_bootstrap, app_id, prefix + "iec.inbound")
            if committed == RECORDS:
                break
            await asyncio.sleep(0.5)
        assert committed == RECORDS
    finally:
        stop_worker(proc)
