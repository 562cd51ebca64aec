"""Restart safety: kill -9 mid-campaign, start again — no record lost, none stuck, deadlines that
passed while the process was down fire on start, and no transition is emitted twice."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from orchestrator import topics
from orchestrator.runtime.embedded import EmbeddedRuntime
from tests.correlation.scenario import CONFIRMED_CODE, ROOT, edc, events, mid, reply

MESSAGES, PER_MESSAGE = 120, 50
DEVICES = MESSAGES * PER_MESSAGE
# Before the restart: lost replies stay SENT; after it, their (passed) reply deadline fires.
SETTLED = Counter(CONFIRMED=1500, REJECTED=1650, ACCEPTED=1350)  # 30 messages of each kind
LOST = 1500  # TIMED_OUT after the restart (or already re-sent: SENT, attempt 2, if the backoff has passed)


def _done(records: dict[str, dict]) -> bool:
    states = Counter(r["state"] for r in records.values())
    retried = sum(1 for r in records.values() if r["state"] == "SENT" and r["attempt"] == 2)
    return all(states[s] == n for s, n in SETTLED.items()) and states["TIMED_OUT"] + retried == LOST


def inputs(sent: datetime) -> list:
    """Per message of 50: lost reply / OK + confirmations / PARTIAL (5 failed) / FAILED."""
    out = []
    for i in range(MESSAGES):
        devices = [f"m{i:03d}d{j:02d}" for j in range(PER_MESSAGE)]
        request = edc(f"hes-{i % 3}", "big", devices, mid("big", i), sent, start=sent + timedelta(minutes=5),
                      end=sent + timedelta(hours=2))
        out.append(request)
        kind = i % 4
        if kind == 1:
            out.append(reply(request, "OK", sent + timedelta(seconds=2)))
            out += [events(d, CONFIRMED_CODE, sent + timedelta(seconds=5), campaign="big") for d in devices]
        elif kind == 2:
            out.append(reply(request, "PARTIAL", sent + timedelta(seconds=2), failed=devices[:5]))
        elif kind == 3:
            out.append(reply(request, "FAILED", sent + timedelta(seconds=2)))
    return out


def _driver(db: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.correlation.restart_driver", str(db), *flags], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, ORCHESTRATOR_LOG_LEVEL="warning"))


def _updates(db: Path) -> int:
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM channel_log WHERE topic=?", (topics.DISPATCH_UPDATES,)).fetchone()[0]
    finally:
        con.close()


def _records(db: Path) -> dict[str, dict]:
    con = sqlite3.connect(db, timeout=10)
    try:
        rows = con.execute("SELECT key, value FROM processor_state WHERE processor='correlator' AND key LIKE '%|big'")
        return {k: r for k, r in ((k, json.loads(v)) for k, v in rows) if not k.startswith("p") and "state" in r}
    finally:
        con.close()


def _lag(db: Path) -> int:
    """Records on the correlation topics (not counting clock ticks) not yet consumed by every processor."""
    con = sqlite3.connect(db, timeout=10)
    try:
        offsets = dict(con.execute('SELECT consumer, "offset" FROM consumer_offset'))
        lag = 0
        for consumer, inputs in (("control-index", (topics.EDC_OUTBOUND,)),
                                 ("reply-splitter", (topics.EDC_MESSAGES, topics.EDC_REPLIES)),
                                 ("correlator", (topics.DISPATCH_FACTS, topics.EDE_INBOUND))):
            marks = ",".join("?" * len(inputs))
            lag += con.execute(f'SELECT count(*) FROM channel_log WHERE topic IN ({marks}) AND "offset" > ?',
                               (*inputs, offsets.get(consumer, 0))).fetchone()[0]
        return lag
    finally:
        con.close()


last_db: list[Path] = []


async def _wait(predicate, timeout: float, what: str, every_s: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}: lag {_lag(last_db[0])}, "
                         f"states {Counter(r['state'] for r in _records(last_db[0]).values())}")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


async def test_kill_9_mid_campaign_then_restart(tmp_path):
    db = tmp_path / "runtime.db"
    last_db[:] = [db]
    sent = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=120)  # reply deadline passed
    writer = EmbeddedRuntime(db)  # the head-end side and the dispatcher: appends only, consumes nothing
    writer.open()
    await writer.publish(inputs(sent))
    writer._db.close()
    writer._db = None

    first = _driver(db)  # no clock: nothing is due while it runs
    try:
        # Looked at often: the whole input takes the runtime about a second once it gets going.
        await _wait(lambda: _updates(db) > 300, 120, "the first run to get going", every_s=0.02)
    finally:
        _kill(first)
    done = _updates(db)
    assert 0 < done, "killed before any transition"
    assert _lag(db) > 0, "the first run finished before the kill; the test needs more input"
    assert not any(r["state"] == "TIMED_OUT" for r in _records(db).values())  # its clock never ran

    second = _driver(db, "--clock")
    try:
        await _wait(lambda: _lag(db) == 0 and _done(_records(db)),
                    180, "the second run to catch up and sweep the passed deadlines")
    finally:
        _kill(second)
    records = _records(db)
    assert len(records) == DEVICES  # none lost
    assert _done(records)  # none stuck: every lost reply timed out (deadline passed while down)
    lost = [r for r in records.values() if r["timeouts"]]
    assert len(lost) == LOST
    assert all(r["state"] == "SENT" or ("retry" in r["deadlines"] and r["cause"] == "timeout") for r in lost)
    # One update per transition: nothing was produced twice across the crash.
    con = sqlite3.connect(db)
    updates = [json.loads(v) for (v,) in con.execute("SELECT value FROM channel_log WHERE topic=?",
                                                      (topics.DISPATCH_UPDATES,))]
    retries = con.execute("SELECT count(*) FROM channel_log WHERE topic=? AND headers LIKE '%retry%'",
                          (topics.EDC_OUTBOUND,)).fetchone()[0]
    con.close()
    keys = [(u["device"], u["seq"]) for u in updates]
    assert len(keys) == len(set(keys))
    resent = sum(1 for r in lost if r["state"] == "SENT")
    assert retries == 0 if resent == 0 else retries > 0  # re-sent only once its backoff (≥ 30 s) passed
