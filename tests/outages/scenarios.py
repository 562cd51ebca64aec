"""Outage scenarios as phases of real IEC messages, each on its own feeder so they can run together.

A phase is published only once the previous one is fully processed: ticks stand for the clock's
watermark, which by definition comes after the events it covers.
"""
from __future__ import annotations

import json
from datetime import timedelta

from orchestrator import topics
from orchestrator.core.outages import OutageRules
from orchestrator.core.topology import TopologyView
from orchestrator.iec import Header, Message, MessageKind, Reply, ReplyResult, to_xml
from orchestrator.processors.base import Record
from orchestrator.processors.outage import tick
from tests.outages.builders import T0, event, message, topology

BASE_MS = int(T0.timestamp() * 1000)
FEEDERS = [f"F{i}" for i in range(1, 10)]
RULES = OutageRules(storm_events_per_min=12)
LATENESS_S = 2.0
# The worker's settings: the same thresholds, and no wall-clock ticks of its own (the test is the clock).
RULE_ENV = {"ORCHESTRATOR_OUTAGE_STORM_EVENTS_PER_MIN": "12", "ORCHESTRATOR_CORRELATION_TICK_S": "0",
            "ORCHESTRATOR_OUTAGE_TICK_LATENESS_S": str(LATENESS_S)}
PARTITIONS = 4


def scenario_topology() -> TopologyView:
    """F1–F6 standard, F7 connexo, F8 mesh-ami (4 transformers × 4 meters); F9 14 × 12 for the storm."""
    view = TopologyView()
    for f, vendor, tx, meters in [(1, "standard", 4, 4), (2, "standard", 4, 4), (3, "standard", 4, 4),
                                  (4, "standard", 4, 4), (5, "standard", 4, 4), (6, "standard", 4, 4),
                                  (7, "connexo", 4, 4), (8, "mesh-ami", 4, 4), (9, "standard", 14, 12)]:
        part = topology(feeders=1, transformers=tx, meters=meters, vendor=vendor)
        for p in part.devices.values():
            name = p.device.replace("F1-", f"F{f}-", 1)
            transformer = p.transformer.replace("F1-", f"F{f}-", 1)
            view.transformer_feeder[transformer] = f"F{f}"
            view.add(type(p)(device=name, kind=p.kind, headend=p.headend, vendor=vendor, usage_point=f"UP-{name}",
                             transformer=transformer, feeder=f"F{f}", substation="S1"))
        view.feeder_substation[f"F{f}"] = "S1"
    return view


def topology_rows(view: TopologyView) -> list[dict]:
    return [{"substation": p.substation, "feeder": p.feeder, "transformer": p.transformer,
             "usage_point": p.usage_point, "device": p.device, "kind": p.kind.value, "headend": p.headend,
             "vendor": p.vendor} for p in view.devices.values()]


_n = 0


def ede(device: str, what: str, seconds: float, vendor: str = "standard", copy: int = 0) -> Record:
    """One head-end message with one event, keyed by its device as the inbound router does."""
    global _n
    _n += 1
    ev = event(device, what, seconds, vendor)
    return Record(topics.EDE_INBOUND, device, message([ev], f"msg-{device}-{what}-{seconds:g}-{copy}",
                                                      source=f"hes-{vendor}"))


def verify_reply(owner: str, device: str, restored_s: float, answered_s: float, ok: bool = True) -> Record:
    """The head-end's answer to the GetMeterReadings the detector sent for a restoration."""
    correlation = f"outage-verify|{owner}|{device}|{BASE_MS + int(restored_s * 1000)}"
    msg = Message(kind=MessageKind.RESPONSE, Header=Header(
        Verb="reply", Noun="MeterReadings", Timestamp=T0 + timedelta(seconds=answered_s), Source="hes-standard",
        MessageID=f"reply-{device}", CorrelationID=correlation),
        Reply=Reply(Result=ReplyResult.OK if ok else ReplyResult.FAILED))
    return Record(topics.READINGS_INBOUND, device, to_xml(msg))


def ticks(seconds: float) -> list[Record]:
    """Per-owner event-time ticks on ``outage.signals``."""
    return [tick(f, T0.timestamp() + seconds) for f in FEEDERS]


def clock(seconds: float) -> list[Record]:
    """Wall-clock ticks on ``clock.ticks``, one per partition, as the runtimes publish them."""
    at = json.dumps({"at": T0.timestamp() + seconds + LATENESS_S}).encode()
    return [Record(topics.CLOCK_TICKS, f"p{p}", at, partition=p) for p in range(PARTITIONS)]


def phases() -> list[list[Record]]:
    # The storm: 14 meters a minute for three minutes, a phase per minute (arrival order within a
    # minute then cannot change what a summary says).
    storm = [[ede(f"F9-T{t}-M{k + 1}", "off", 60 * k) for t in range(1, 15)] for k in range(3)]
    a = [
        ede("F1-T1-M1", "off", 0),  # single meter
        ede("F2-T1-M1", "off", 0), ede("F2-T1-M1", "on", 120),  # momentary
        *[ede(f"F3-T1-M{m}", "off", 10) for m in (1, 2, 3)],  # transformer
        *[ede(f"F4-T{t}-M{m}", "off", 20) for t in (1, 2, 3) for m in (1, 2, 3)],  # feeder
        *[ede(f"F5-T1-M{m}", "off", 30) for m in (1, 2, 3)],  # nested, found by verification
        ede("F6-T1-M1", "off", 40),  # standard codes
        # connexo: a last gasp resent three times, then the power-off: one outage, confidence 1.0
        *[ede("F7-T1-M1", "lg", 0, "connexo", copy=c) for c in range(3)], ede("F7-T1-M1", "off", 1, "connexo"),
        ede("F8-T1-M1", "lg", 50, "mesh-ami"), ede("F8-T1-M1", "off", 50, "mesh-ami"),  # mesh-ami codes
        *storm[0],
    ]
    b = ticks(400)
    c = [
        ede("F1-T1-M1", "on", 1000),
        *[ede(f"F3-T1-M{m}", "on", 1000) for m in (1, 2, 3, 4)],
        *[ede(f"F4-T{t}-M{m}", "on", 1000) for t in (1, 2, 3) for m in (1, 2, 3, 4)],
        *[ede(f"F5-T1-M{m}", "on", 1000) for m in (1, 2)],
        ede("F6-T1-M1", "on", 1000), ede("F7-T1-M1", "on", 1000, "connexo"), ede("F8-T1-M1", "on", 1000, "mesh-ami"),
    ]
    d = ticks(1030)  # grace over: the silent meters of F5-T1 are read
    e = [verify_reply("F5", "F5-T1-M4", 1030, 1035)]
    f = clock(1150)  # M3 did not answer: a nested outage (swept by the partition clock)
    g = [ede("F5-T1-M3", "on", 2000), ede("F7-T1-M1", "lg", 0, "connexo", copy=9)]  # late last gasp: dropped
    return [a, storm[1], storm[2], b, c, d, e, f, g]


def notifications(records: list[Record]) -> list[dict]:
    return [json.loads(r.value) for r in records if r.topic == topics.OMS_NOTIFICATIONS]


def ms(seconds: float) -> int:
    return BASE_MS + int(seconds * 1000)


# The exact OMS notifications (event, outage id, status) per feeder. Order matters per outage (the
# key of oms.notifications); across outages it is that of the embedded runtime.
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "F1": [("outage.created", f"meter:F1-T1-M1:{ms(0)}", "SUSTAINED"),
           ("outage.restored", f"meter:F1-T1-M1:{ms(0)}", "RESTORED")],
    "F2": [("outage.momentary", f"meter:F2-T1-M1:{ms(0)}", "MOMENTARY")],
    "F3": [("outage.created", f"transformer:F3-T1:{ms(10)}", "SUSTAINED"),
           ("outage.restored", f"transformer:F3-T1:{ms(10)}", "RESTORED")],
    "F4": [("outage.created", f"feeder:F4:{ms(20)}", "SUSTAINED")]
    + [("outage.created", f"transformer:F4-T{t}:{ms(20)}", "SUSTAINED") for t in (1, 2, 3)]
    # The feeder is back once two of its three transformers are (the grouping thresholds).
    + [("outage.restored", f"transformer:F4-T{t}:{ms(20)}", "RESTORED") for t in (1, 2)]
    + [("outage.restored", f"feeder:F4:{ms(20)}", "RESTORED"),
       ("outage.restored", f"transformer:F4-T3:{ms(20)}", "RESTORED")],
    "F5": [("outage.created", f"transformer:F5-T1:{ms(30)}", "SUSTAINED"),
           ("outage.restored", f"transformer:F5-T1:{ms(30)}", "RESTORED"),
           ("outage.created", f"meter:F5-T1-M3:{ms(30)}", "SUSTAINED"),
           ("outage.restored", f"meter:F5-T1-M3:{ms(30)}", "RESTORED")],
    "F6": [("outage.created", f"meter:F6-T1-M1:{ms(40)}", "SUSTAINED"),
           ("outage.restored", f"meter:F6-T1-M1:{ms(40)}", "RESTORED")],
    "F7": [("outage.created", f"meter:F7-T1-M1:{ms(0)}", "SUSTAINED"),
           ("outage.restored", f"meter:F7-T1-M1:{ms(0)}", "RESTORED")],
    "F8": [("outage.created", f"meter:F8-T1-M1:{ms(50)}", "SUSTAINED"),
           ("outage.restored", f"meter:F8-T1-M1:{ms(50)}", "RESTORED")],
}
