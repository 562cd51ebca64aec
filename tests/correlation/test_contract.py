"""Contract: the correlation pipeline gives the same per-device results on both runtimes.

One mixed campaign, in phases (each drained before the next, so the expected counts do not
depend on how the runtimes interleave topics): OK, PARTIAL and FAILED replies, a duplicate
reply, lost replies (timeout → retry with backoff → FAILED after the program's 2 retries), a
confirmation before its reply, duplicate and out-of-order events, an opt-out, an outage mid-event
(SKIPPED_OUTAGE, re-sent after restoration), a late confirmation after a timeout and an event
for an unknown campaign (dead letter). Each run asserts the final per-state counts exactly.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from orchestrator import topics
from orchestrator.processors.base import DeadLetter
from tests.correlation.runtimes import run_embedded, run_kafka
from tests.correlation.scenario import (
    CONFIRMED_CODE, OPT_OUT_CODE, POWER_OFF_CODE, RESTORED_CODE, T0, edc, events, mid, reply, tick,
)

S = timedelta(seconds=1)
D = [f"d{i:02d}" for i in range(1, 18)]


def phases() -> list[list]:
    a = edc("hes-a", "c1", D[0:6], mid("A"))
    b = edc("hes-b", "c1", D[6:12], mid("B"))
    c = edc("hes-a", "c1", D[12:15], mid("C"))  # its reply is lost
    d = edc("hes-b", "c1", D[15:17], mid("D"))
    return [
        [a, b, c, d,
         events("d05", CONFIRMED_CODE, T0 + 1 * S, campaign="c1"),  # before its reply
         events("d11", POWER_OFF_CODE, T0 + 2 * S),  # outage mid-event
         events("d01", CONFIRMED_CODE, T0 + 2 * S, campaign="cX")],  # unknown campaign
        [reply(a, "PARTIAL", T0 + 3 * S, failed=["d02"]), reply(b, "OK", T0 + 3 * S), reply(b, "OK", T0 + 3 * S),
         reply(d, "FAILED", T0 + 4 * S)],
        [events("d01", CONFIRMED_CODE, T0 + 20 * S, campaign="c1"),
         events("d03", CONFIRMED_CODE, T0 + 21 * S),  # no tracking id: device + time window
         events("d07", CONFIRMED_CODE, T0 + 22 * S, campaign="c1"),
         events("d08", CONFIRMED_CODE, T0 + 23 * S, campaign="c1"),
         events("d08", CONFIRMED_CODE, T0 + 23 * S, campaign="c1"),  # duplicate
         events("d09", OPT_OUT_CODE, T0 + 100 * S, campaign="c1"),  # out of order: the opt-out first
         events("d09", CONFIRMED_CODE, T0 + 50 * S, campaign="c1"),
         events("d10", CONFIRMED_CODE, T0 + 24 * S, campaign="c1")],
        [tick(T0 + 61 * S)],  # C's devices time out
        [tick(T0 + 100 * S)],  # first retry
        [tick(T0 + 161 * S)],  # no reply again
        [tick(T0 + 240 * S)],  # second retry
        [tick(T0 + 301 * S)],  # no reply: the limit (2 retries) is reached → FAILED
        [tick(T0 + 601 * S)],  # confirmation timeouts; d11 in outage; the held event expires
        [events("d11", RESTORED_CODE, T0 + 650 * S)],
        [tick(T0 + 651 * S)],  # retries of d04/d06/d12 and the re-send of the restored d11
        [events("d12", CONFIRMED_CODE, T0 + 660 * S, campaign="c1")],  # late confirmation
    ]


FINAL = Counter(CONFIRMED=7, REJECTED=3, OPTED_OUT=1, FAILED=3, SENT=3)


def check(run) -> None:
    assert run.counts() == FINAL
    recs = run.records()
    assert {d for d in D if recs[f"{d}|c1"]["state"] == "FAILED"} == {"d13", "d14", "d15"}
    assert all(recs[f"{d}|c1"]["attempt"] == 3 for d in ("d13", "d14", "d15"))
    assert recs["d03|c1"]["rule"] == "device_window" and recs["d01|c1"]["rule"] == "tracking_id"
    assert recs["d02|c1"]["rule"] == "correlation_id"
    assert recs["d11|c1"]["state"] == "SENT" and recs["d11|c1"]["attempt"] == 2
    assert recs["d12|c1"]["state"] == "CONFIRMED" and recs["d12|c1"]["attempt"] == 2
    letters = [DeadLetter.from_record(r) for r in run.topic(topics.DEADLETTER)]
    assert [d.extra["reason_code"] for d in letters] == ["unmatched_event"]


def comparable(run) -> dict:
    return {k: (v["state"], v["attempt"], v["rule"], v["cause"], v["timeouts"]) for k, v in run.records().items()}


async def test_embedded_mixed_campaign(tmp_path):
    run = await run_embedded(phases(), tmp_path)
    check(run)
    updates = [json.loads(r.value) for r in run.topic(topics.DISPATCH_UPDATES)]
    assert all(r.key == "c1" for r in run.topic(topics.DISPATCH_UPDATES))
    assert len({(u["device"], u["seq"]) for u in updates}) == len(updates)  # one update per transition


@pytest.mark.kafka
async def test_kafka_gives_the_same_records(tmp_path, kafka_bootstrap):
    (tmp_path / "e").mkdir()
    (tmp_path / "k").mkdir()
    embedded = await run_embedded(phases(), tmp_path / "e")
    kafka = await run_kafka(phases(), kafka_bootstrap, tmp_path / "k", embedded.phase_outputs)
    check(kafka)
    assert comparable(kafka) == comparable(embedded)
    # Every partition's deadline index lives in its own keys (p0…p3); the embedded runtime has only p0.
    assert {k.split("|")[0] for k in kafka.state if k.startswith("p") and "|due" in k} <= {"p0", "p1", "p2", "p3"}
