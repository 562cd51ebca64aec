"""Outage inference rules on the pure core: dedupe, momentary window, grouping, verification, storm."""
from __future__ import annotations

import pytest

from orchestrator.core.outages import (
    IEEE_1366_MOMENTARY_S,
    MeterSignal,
    OutageDetector,
    OutageRules,
    canonical_power_fact,
    device_signal,
    devices_in_outage,
    owner_of,
)
from orchestrator.iec import CanonicalEvent
from tests.outages.builders import T0, event, topology

BASE = T0.timestamp()


def off(device: str, s: float, lg: bool = False) -> MeterSignal:
    return MeterSignal(device, False, BASE + s, lg)


def on(device: str, s: float) -> MeterSignal:
    return MeterSignal(device, True, BASE + s)


def run(detector: OutageDetector, state: dict, steps) -> list[dict]:
    notes = []
    for step in steps:
        if isinstance(step, MeterSignal):
            fx = detector.on_signal(state, owner_of(detector.topology, step.device), step)
        else:
            fx = detector.on_tick(state, "F1", BASE + step)
        notes.extend(fx.notifications)
        state.setdefault("_verify", []).extend(fx.verifications)
    return notes


def summary(notes: list[dict]) -> list[tuple[str, str, str]]:
    return [(n["event"], n["id"], n["outage"]["status"]) for n in notes if "outage" in n]


def test_default_window_is_ieee_1366_sustained_threshold():
    assert OutageRules().momentary_window_s == IEEE_1366_MOMENTARY_S == 300.0


def test_vendor_maps_give_the_same_meaning_to_different_codes():
    for vendor, expected in (("standard", {"off": CanonicalEvent.POWER_OFF, "on": CanonicalEvent.POWER_RESTORED}),
                             ("connexo", {"off": CanonicalEvent.POWER_OFF, "lg": CanonicalEvent.LAST_GASP,
                                          "on": CanonicalEvent.POWER_RESTORED}),
                             ("mesh-ami", {"off": CanonicalEvent.POWER_OFF, "lg": CanonicalEvent.LAST_GASP,
                                           "on": CanonicalEvent.POWER_RESTORED})):
        for what, meaning in expected.items():
            assert canonical_power_fact(event("M", what, 0, vendor), vendor) is meaning, (vendor, what)
    # 8.26.0.85 is a last gasp for the mesh head-end but a plain power-off under the standard map.
    assert canonical_power_fact(event("M", "lg", 0, "mesh-ami"), "standard") is CanonicalEvent.POWER_OFF


def test_device_dedupe_uses_event_time_and_drops_resends_and_late_events():
    state: dict = {}
    assert device_signal(state, "M1", CanonicalEvent.LAST_GASP, 100.0) == MeterSignal("M1", False, 100.0, True)
    assert device_signal(state, "M1", CanonicalEvent.LAST_GASP, 100.0) is None  # resent
    assert device_signal(state, "M1", CanonicalEvent.POWER_OFF, 101.0) is None  # power-off after the gasp
    assert device_signal(state, "M1", CanonicalEvent.POWER_RESTORED, 400.0) == MeterSignal("M1", True, 400.0)
    assert device_signal(state, "M1", CanonicalEvent.LAST_GASP, 100.0) is None  # late: before the restore
    assert device_signal(state, "M1", CanonicalEvent.POWER_RESTORED, 401.0) is None  # duplicate restore
    # A power-off first, then its last gasp: the signal is upgraded once with the original time.
    assert device_signal(state, "M2", CanonicalEvent.POWER_OFF, 50.0) == MeterSignal("M2", False, 50.0, False)
    assert device_signal(state, "M2", CanonicalEvent.LAST_GASP, 50.5) == MeterSignal("M2", False, 50.0, True)
    assert device_signal(state, "M2", CanonicalEvent.LAST_GASP, 50.5) is None


def test_single_meter_outage_is_notified_after_the_window_and_restored():
    d = OutageDetector(topology())
    state: dict = {}
    notes = run(d, state, [off("F1-T1-M1", 0, lg=True), 299, 300, on("F1-T1-M1", 900)])
    oid = f"meter:F1-T1-M1:{int(BASE * 1000)}"
    assert summary(notes) == [("outage.created", oid, "SUSTAINED"), ("outage.restored", oid, "RESTORED")]
    created = notes[0]["outage"]
    assert created["confidence"] == 1.0 and created["affected"] == ["F1-T1-M1"]
    assert created["transformer"] == "F1-T1" and created["feeder"] == "F1" and created["parent"] is None
    assert notes[1]["idempotency_key"] == f"{oid}:2"
    assert not [k for k in state if k.startswith("F1|t|")]  # nothing left open


def test_momentary_is_counted_and_never_sent_as_sustained():
    d = OutageDetector(topology())
    state: dict = {}
    notes = run(d, state, [off("F1-T1-M1", 0), on("F1-T1-M1", 299), 1000])
    assert summary(notes) == [("outage.momentary", f"meter:F1-T1-M1:{int(BASE * 1000)}", "MOMENTARY")]
    assert state["F1|count|momentary"] == 1


def test_configurable_window():
    d = OutageDetector(topology(), OutageRules(momentary_window_s=60))
    state: dict = {}
    notes = run(d, state, [off("F1-T1-M1", 0), on("F1-T1-M1", 90)])
    assert [n["event"] for n in notes] == ["outage.created", "outage.restored"]


def test_transformer_outage_folds_its_meters_and_verifies_non_reporters():
    d = OutageDetector(topology())
    state: dict = {}
    notes = run(d, state, [off("F1-T1-M1", 0, lg=True), off("F1-T1-M2", 5), off("F1-T1-M3", 8), 310])
    tid = f"transformer:F1-T1:{int(BASE * 1000)}"
    assert summary(notes) == [("outage.created", tid, "SUSTAINED")]
    o = notes[0]["outage"]
    assert o["affected"] == [f"F1-T1-M{i}" for i in range(1, 5)] and o["confidence"] == 0.75
    assert o["first"] == "2026-03-01T12:00:00Z" and o["last"] == "2026-03-01T12:00:08Z"
    assert state.get("_verify", []) == []  # nothing pinged during the outage
    notes = run(d, state, [on("F1-T1-M1", 1000), on("F1-T1-M2", 1001), 1030])
    assert summary(notes) == [("outage.restored", tid, "RESTORED")]
    assert state.get("_verify", []) == []  # restores come in bursts: wait for the grace period
    run(d, state, [1031])
    assert [v[0] for v in state["_verify"]] == ["F1-T1-M3", "F1-T1-M4"]
    # M4 answers, M3 does not: M3 is a nested outage under the transformer's.
    notes = run(d, state, [MeterSignal("F1-T1-M4", True, BASE + 1040, via="verify"), 1031 + 119])
    assert notes == []
    notes = run(d, state, [1031 + 120])
    assert summary(notes) == [("outage.created", f"meter:F1-T1-M3:{int(BASE * 1000)}", "SUSTAINED")]
    assert notes[0]["outage"]["parent"] == tid
    assert devices_in_outage(state, "F1") == {"F1-T1-M3"}
    notes = run(d, state, [on("F1-T1-M3", 2000)])
    assert summary(notes) == [("outage.restored", f"meter:F1-T1-M3:{int(BASE * 1000)}", "RESTORED")]


def test_arrival_order_of_meters_does_not_change_the_transformer_outage():
    results = []
    for order in ([("F1-T1-M1", 5), ("F1-T1-M2", 10), ("F1-T1-M3", 12)],
                  [("F1-T1-M3", 12), ("F1-T1-M2", 10), ("F1-T1-M1", 5)]):
        d = OutageDetector(topology())
        state: dict = {}
        notes = run(d, state, [off(m, t) for m, t in order] + [400])
        results.append((notes, {k: v for k, v in state.items() if k != "_verify"}))
    assert results[0] == results[1]
    assert [n["id"] for n in results[0][0]] == [f"transformer:F1-T1:{int((BASE + 5) * 1000)}"]


def test_failed_verification_read_is_a_nested_outage_at_once():
    d = OutageDetector(topology())
    state: dict = {}
    run(d, state, [off("F1-T1-M1", 0), off("F1-T1-M2", 0), off("F1-T1-M3", 0), 400, on("F1-T1-M1", 500),
                   on("F1-T1-M2", 500), on("F1-T1-M4", 510), 540])
    assert [v[0] for v in state["_verify"]] == ["F1-T1-M3"]  # M4 reported within the grace period
    notes = run(d, state, [MeterSignal("F1-T1-M3", False, BASE + 510, via="verify")])
    assert [(n["event"], n["outage"]["asset"], n["outage"]["parent"] is not None) for n in notes] == \
        [("outage.created", "F1-T1-M3", True)]


def test_feeder_outage_parents_its_transformers():
    d = OutageDetector(topology(transformers=4))
    state: dict = {}
    steps = [off(f"F1-T{t}-M{m}", t + m) for t in (1, 2, 3) for m in (1, 2, 3)]
    notes = run(d, state, steps + [400])
    fid = f"feeder:F1:{int((BASE + 2) * 1000)}"
    events = summary(notes)
    assert ("outage.created", fid, "SUSTAINED") in events
    transformers = [n for n in notes if n["outage"]["level"] == "transformer"]
    assert len(transformers) == 3 and all(n["outage"]["parent"] == fid for n in transformers)
    feeder = next(n for n in notes if n["id"] == fid)["outage"]
    assert feeder["children"] == sorted(n["id"] for n in transformers)
    assert len(feeder["affected"]) == 12 and feeder["confidence"] == 0.75
    restore = [on(f"F1-T{t}-M{m}", 1000 + t) for t in (1, 2, 3) for m in (1, 2, 3, 4)]
    notes = run(d, state, restore)
    assert [n["event"] for n in notes if n["outage"]["level"] == "feeder"] == ["outage.restored"]
    assert len([n for n in notes if n["outage"]["level"] == "transformer"]) == 3


def test_transformer_momentary_leaves_meters_still_off_as_their_own_outages():
    d = OutageDetector(topology())
    state: dict = {}
    notes = run(d, state, [off("F1-T1-M1", 0), off("F1-T1-M2", 1), off("F1-T1-M3", 2),
                           on("F1-T1-M1", 30), on("F1-T1-M2", 31), 400])
    assert [(n["event"], n["outage"]["asset"]) for n in notes] == \
        [("outage.momentary", "F1-T1"), ("outage.created", "F1-T1-M3")]


def test_storm_mode_holds_meter_notifications_and_summarises():
    d = OutageDetector(topology(transformers=10, meters=20),
                       OutageRules(storm_events_per_min=5, transformer_min_meters=5, transformer_share=0.5))
    state: dict = {}
    # Six meters a minute go off for six minutes, each on another transformer: a storm of singles.
    storm = [off(f"F1-T{i}-M{k + 1}", 60 * k + i) for k in range(6) for i in range(1, 7)]
    notes = run(d, state, storm + [400])
    assert [n for n in notes if "outage" in n] == []  # held while the storm lasts
    summaries = [n["summary"] for n in notes if n["event"] == "storm.summary"]
    assert [s["sequence"] for s in summaries] == list(range(1, len(summaries) + 1)) and len(summaries) >= 5
    assert summaries[-1]["meters_out"] == 36 and summaries[-1]["transformer_outages"] == []
    # Windows that closed by the last summary (12:06:05): minute 0 (6) and 5 of minute 1.
    assert sum(s["held"].get("outage.created", 0) for s in summaries) == 11
    # Quiet for two summaries: the storm ends and held outages are notified one by one.
    notes = run(d, state, [2000])
    created = [n for n in notes if n["event"] == "outage.created"]
    assert len(created) == 36 and len({n["id"] for n in created}) == 36
    assert state["F1|count|storm_ended"] == 1 and state["F1|count|storm_started"] == 1


def test_invalid_rules_are_rejected():
    with pytest.raises(ValueError):
        OutageRules(transformer_share=0)
    with pytest.raises(ValueError):
        OutageRules(momentary_window_s=-1)
