"""A storm through the outage detector: power-offs then restores from a million meters.

    python bench/outage_storm.py [--quick] [--speedup N]

Full run: 1,000,000 meters on 50,000 service transformers (20 each) on 1,000 feeders. 200,000
meters go off within the first minute of event time — 8,000 whole transformers concentrated on
160 feeders (storm mode there) and 40,000 single meters scattered over the others — and come
back between 400 s and 460 s. Each event is its own real IEC EndDeviceEvents message (built
beforehand, as a head-end would send it), keyed by its meter as the inbound router keys them.

The processor (``processors.outage``, the same code both runtimes run) is driven in process:
every message, then every ``outage.signals`` record it produces, in order — a pipeline with no
queue between the stages — plus a ``clock.ticks`` record every 0.2 s of wall time at the
replay clock (never ahead of an event not yet fed), as the runtime's clock does. Reported:

- events/s through the processor (events over the time spent processing, ticks included),
  beside the parse-only ceiling — ``parse_end_device_events`` on the same messages, the safe,
  validated parse the processor cannot avoid, timed on every 4th message during the run so both
  see the same machine load — and their ratio; raw ``lxml.etree.fromstring`` is shown too;
- the delay from the end of an outage's momentary window (the moment the fed event time
  passed first event + 300 s) to its ``outage.created`` notification, p50/p99, wall time;
- peak RSS of the process (topology snapshot, messages, detector state).
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

from orchestrator import profiling, topics  # noqa: E402
from orchestrator.core.outages import OutageRules  # noqa: E402
from orchestrator.iec import EndDeviceEvent, build_end_device_events, parse_end_device_events  # noqa: E402
from orchestrator.processors.base import Record  # noqa: E402
from orchestrator.processors.outage import make_outage_processor  # noqa: E402
from tests.outages.builders import CODES, T0, topology  # noqa: E402

TICK_EVERY_S = 0.2


def clock_tick(at: float) -> Record:
    """What the runtime's clock publishes (one partition in process): ``clock.ticks``."""
    return Record(topics.CLOCK_TICKS, "p0", json.dumps({"at": at}).encode())
CEILING_EVERY = 4  # every 4th message is also parsed alone, for the ceiling


def _plan(feeders: int, tx_per_feeder: int, meters_per_tx: int, storm_feeders: int, singles: int,
          seed: int = 7) -> list[tuple[float, str, str]]:
    """(event time s, device, off|on): whole transformers on the storm feeders, singles elsewhere."""
    rng = random.Random(seed)
    plan = []
    for f in range(1, storm_feeders + 1):
        for t in range(1, tx_per_feeder + 1):
            start = rng.uniform(0, 58)
            back = rng.uniform(400, 458)
            for m in range(1, meters_per_tx + 1):
                device = f"F{f}-T{t}-M{m}"
                plan.append((start + rng.uniform(0, 2), device, "off"))
                plan.append((back + rng.uniform(0, 2), device, "on"))
    others = [(f, t) for f in range(storm_feeders + 1, feeders + 1) for t in range(1, tx_per_feeder + 1)]
    for f, t in rng.sample(others, singles) if singles <= len(others) else others:
        device = f"F{f}-T{t}-M{rng.randint(1, meters_per_tx)}"
        plan.append((rng.uniform(0, 60), device, "off"))
        plan.append((rng.uniform(400, 460), device, "on"))
    plan.sort()
    return plan


def _messages(plan: list[tuple[float, str, str]]) -> list[Record]:
    out = []
    for i, (s, device, what) in enumerate(plan):
        ev = EndDeviceEvent(createdDateTime=T0 + timedelta(seconds=s), EndDeviceEventType=CODES["standard"][what],
                            mRID=f"ev-{i}", endDeviceMRID=device)
        out.append(Record(topics.EDE_INBOUND, device,
                          build_end_device_events([ev], message_id=f"m-{i}", source="hes-standard", timestamp=T0)))
    return out


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def _drive(processor, records: list[Record], plan, window_s: float, speedup: float):
    """Replay at ``speedup`` × real time: an event is fed once the clock reaches its time (or at once
    when behind), and every ``TICK_EVERY_S`` each owner gets a tick at the clock's watermark — never
    ahead of an event not yet fed, as ticks queue behind events on a channel."""
    state: dict = {}
    base = T0.timestamp()
    fed_wall: list[float] = []  # wall time at which the event with time fed_event[i] had been processed
    fed_event: list[float] = []
    created: list[tuple[float, float]] = []  # (wall time of notification, window end in event time)
    counts: dict[str, int] = {}
    busy = 0.0
    parse_s = lxml_s = 0.0
    sampled = 0

    async def run(record: Record) -> None:
        nonlocal busy
        started = time.perf_counter()
        await _process([record])
        busy += time.perf_counter() - started

    async def _process(pending: list[Record]) -> None:
        while pending:  # depth-first: what a record produces is processed before the next input
            r = pending.pop(0)
            for out in await processor.process(r, state):
                if out.topic == topics.OUTAGE_SIGNALS:
                    pending.append(out)
                elif out.topic == topics.OMS_NOTIFICATIONS:
                    n = json.loads(out.value)
                    counts[n["event"]] = counts.get(n["event"], 0) + 1
                    if n["event"] != "outage.created":
                        continue
                    # Created when its window closed (not a nested outage or one held through a storm).
                    window_end = _epoch(n["outage"]["first"]) - base + window_s
                    if abs(_epoch(n["at"]) - base - window_end) < 1e-3:
                        created.append((time.perf_counter(), window_end))

    w0 = time.perf_counter()
    clock = lambda: (time.perf_counter() - w0) * speedup  # noqa: E731 - event time the clock reads now
    last_tick = -1.0
    end = plan[-1][0] + 1
    i = 0
    while i < len(plan) or clock() < end:
        now_e = clock()
        while i < len(plan) and plan[i][0] <= now_e and time.perf_counter() - last_tick < TICK_EVERY_S + 0.05:
            if i % CEILING_EVERY == 0:  # the ceiling, measured beside the run under the same load
                t = time.perf_counter()
                parse_end_device_events(records[i].value)
                parse_s += time.perf_counter() - t
                t = time.perf_counter()
                etree.fromstring(records[i].value)
                lxml_s += time.perf_counter() - t
                sampled += 1
            await run(records[i])
            fed_wall.append(time.perf_counter())
            fed_event.append(plan[i][0])
            i += 1
        if time.perf_counter() - last_tick >= TICK_EVERY_S:
            last_tick = time.perf_counter()
            mark = min(clock(), plan[i][0]) if i < len(plan) else clock()
            await run(clock_tick(base + mark))
        elif i >= len(plan) or plan[i][0] > clock():
            await asyncio.sleep(0.005)
    await run(clock_tick(base + end + 3600))  # one last tick flushes verifications and storm summaries
    delays = []
    for wall, window_end in created:
        # The window ended when the clock read its end, or later if the events before it were late.
        j = bisect.bisect_left(fed_event, window_end)
        passed = max(w0 + window_end / speedup, fed_wall[j - 1] if j else w0)
        delays.append(max(0.0, wall - passed))
    return busy, delays, counts, state, sampled / parse_s, sampled / lxml_s


def run(quick: bool = False, speedup: float | None = None) -> list[dict]:
    """One row: name, items (events), items_per_s, ceiling_items_per_s, ratio, peak_rss_mb, p50_ms, p99_ms."""
    if quick:
        feeders, tx, meters, storm_feeders, singles = 20, 10, 20, 2, 150  # 4,000 meters, 550 power-offs
        speedup = speedup or 120.0
    else:
        feeders, tx, meters, storm_feeders, singles = 1000, 50, 20, 160, 40_000  # 1M meters, 200k power-offs
        speedup = speedup or 1.0  # real time: head-ends send events as they happen
    view = topology(feeders=feeders, transformers=tx, meters=meters)
    rules = OutageRules()
    processor = make_outage_processor(view, rules, tick_lateness_s=0.0)  # the replay has no events in flight
    plan = _plan(feeders, tx, meters, storm_feeders, singles)
    records = _messages(plan)
    parse_end_device_events(records[0].value)  # schemas compile once, before anything is timed
    with profiling.section(only="_process"):  # --profile: the processor's work, not the ceiling's parse
        busy, delays, counts, state, ceiling, lxml_rate = asyncio.run(
            _drive(processor, records, plan, rules.momentary_window_s, speedup))
    rate = len(records) / busy
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [{
        "name": f"outage storm {len(view.devices):,} meters, {len(view.transformer_feeder):,} transformers",
        "items": len(records), "items_per_s": rate, "ceiling_items_per_s": ceiling, "ratio": rate / ceiling,
        "peak_rss_mb": peak_rss_mb, "p50_ms": _pct(delays, 50) * 1000, "p99_ms": _pct(delays, 99) * 1000,
        "notifications": dict(sorted(counts.items())), "measured_delays": len(delays),
        "power_offs": sum(1 for _, _, w in plan if w == "off"), "state_keys": len(state), "speedup": speedup, "lxml_parse_per_s": lxml_rate,
    }]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small storm (a few seconds)")
    parser.add_argument("--speedup", type=float, default=None,
                        help="replay speed against real time (default 1 for the full run, 120 with --quick)")
    args = parser.parse_args()
    rows = run(args.quick, args.speedup)
    print(f"{'measurement':52} {'events':>8} {'events/s':>9} {'parse/s':>9} {'ratio':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'RSS MB':>7}")
    for r in rows:
        print(f"{r['name']:52} {r['items']:>8} {r['items_per_s']:>9.0f} {r['ceiling_items_per_s']:>9.0f} "
              f"{r['ratio']:>6.2f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['peak_rss_mb']:>7.0f}")
        print(f"  power-offs {r['power_offs']:,}; notifications {r['notifications']}; "
              f"delays measured {r['measured_delays']:,}; state keys {r['state_keys']:,}; "
              f"raw lxml parse {r['lxml_parse_per_s']:.0f}/s; replayed at {r['speedup']:g}x real time")


if __name__ == "__main__":
    main()
