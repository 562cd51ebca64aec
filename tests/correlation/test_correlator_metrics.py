"""The correlator's counters move as the events do (its hot path increments them without
prometheus_client's per-call label check, so this is what keeps that shortcut honest)."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from orchestrator.correlation.metrics import CONFIRMATION_LATENCY
from tests.correlation.scenario import CONFIRMED_CODE, T0, Pipeline, edc, events, mid, reply

S = timedelta(seconds=1)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def latency_buckets(program: str) -> dict[str, float]:
    return {s.labels["le"]: s.value for m in CONFIRMATION_LATENCY.collect() for s in m.samples
            if s.name.endswith("_bucket") and s.labels["program"] == program}


async def test_transitions_events_stale_and_latency_are_counted():
    p = Pipeline()
    a = edc("hes-a", "c1", ["d1", "d2"], mid("a"))
    await p.feed(a, reply(a, "OK", T0 + 2 * S))
    program = p.records()["d1|c1"]["program"] or ""
    confirmed = dict(state="CONFIRMED", program=program, rule="tracking_id")
    before = (sample("orchestrator_dispatch_transitions_total", **confirmed),
              sample("orchestrator_correlation_events_total", outcome="applied"),
              sample("orchestrator_correlation_events_total", outcome="stale"),
              sample("orchestrator_dispatch_stale_events_total", kind="confirmed"),
              sample("orchestrator_dispatch_confirmation_latency_seconds_count", program=program))
    buckets_before = latency_buckets(program)

    confirm_d1 = events("d1", CONFIRMED_CODE, T0 + 30 * S, campaign="c1")
    await p.feed(confirm_d1, events("d2", CONFIRMED_CODE, T0 + 31 * S, campaign="c1"), confirm_d1)

    assert p.records()["d1|c1"]["state"] == p.records()["d2|c1"]["state"] == "CONFIRMED"
    after = (sample("orchestrator_dispatch_transitions_total", **confirmed),
             sample("orchestrator_correlation_events_total", outcome="applied"),
             sample("orchestrator_correlation_events_total", outcome="stale"),
             sample("orchestrator_dispatch_stale_events_total", kind="confirmed"),
             sample("orchestrator_dispatch_confirmation_latency_seconds_count", program=program))
    # two confirmations applied, the repeated one stale
    assert [b - a for a, b in zip(before, after)] == [2, 2, 1, 1, 2]
    # each latency in the buckets prometheus_client would put it in (cumulative: every bound at least it)
    waited = [r["confirmed_at"] - r["sent_at"] for r in (p.records()["d1|c1"], p.records()["d2|c1"])]
    assert {le: n - buckets_before.get(le, 0.0) for le, n in latency_buckets(program).items()} == {
        le: float(sum(w <= float(le) for w in waited)) for le in latency_buckets(program)}
    assert sorted(waited) == [30.0, 31.0]  # one on a bucket's bound (30 s): it belongs to that bucket
