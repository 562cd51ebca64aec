"""Campaign start to the last EndDeviceControls published, beside the raw XML ceiling.

    python bench/dispatch.py [--quick] [--devices N]

Pipeline (timed): ``Dispatcher.start`` on a scheduled water-heater-shed campaign targeting a
feeder of N devices (1,000,000 full, 20,000 quick), 1,000 devices per message: target
resolution against an in-memory TopologyView, a dispatch record per device bulk-inserted into
the SQLite catalogue, every message built, appended durably to the embedded runtime's
``edc.outbound`` channel, and its records moved PENDING → SENT.

Ceiling (timed): building the same XML bytes in a loop (``controls_for`` +
``build_end_device_controls`` for the same devices and times), no store and no bus; run before
and after the pipeline, the faster of the two counts.

Ratio = pipeline devices/s ÷ ceiling devices/s (target ≥ 0.5); peak RSS of the process.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orchestrator import profiling  # noqa: E402
from orchestrator.core.campaigns import Campaign, CampaignState, device_offsets  # noqa: E402
from orchestrator.core.programs import load_programs  # noqa: E402
from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView  # noqa: E402
from orchestrator.dispatcher import Dispatcher, controls_for, message_id  # noqa: E402
from orchestrator.iec import build_end_device_controls  # noqa: E402
from orchestrator.runtime.embedded import EmbeddedRuntime  # noqa: E402
from orchestrator.store.campaigns import CampaignStore  # noqa: E402
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async  # noqa: E402

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"
PROGRAM = "water-heater-shed"
HEADENDS = 4
MESSAGE_SIZE = 1000
T0 = datetime(2026, 7, 15, 18, 0, tzinfo=timezone.utc)


def fleet_view(n: int) -> TopologyView:
    """N enrolled water heaters on feeder F1 behind 4 head-ends (shared strings keep it compact)."""
    programs = frozenset({PROGRAM})
    headends = [f"hes-{i}" for i in range(HEADENDS)]
    view = TopologyView(feeder_substation={"F1": "S1"})
    for i in range(n):
        transformer = f"T{i // 10:06d}"
        view.transformer_feeder.setdefault(transformer, "F1")
        view.add(DevicePlacement(device=f"WH{i:07d}", kind=DeviceKind.WATER_HEATER, headend=headends[i % HEADENDS],
                                 vendor="standard", usage_point=None, transformer=transformer, feeder="F1",
                                 substation="S1", programs=programs))
    return view


def ceiling(view: TopologyView, campaign: Campaign, program) -> tuple[float, int]:
    """Seconds to build every message's XML bytes in a loop, and the bytes built."""
    by_headend: dict[str, list[str]] = {}
    for d in sorted(view.devices):
        by_headend.setdefault(view.devices[d].headend, []).append(d)
    t = time.perf_counter()
    size = 0
    for headend, devices in sorted(by_headend.items()):
        for seq, i in enumerate(range(0, len(devices), MESSAGE_SIZE)):
            mid = message_id(campaign.id, "start", 0, headend, seq)
            rows = []
            for d in devices[i:i + MESSAGE_SIZE]:
                s_off, e_off = device_offsets(campaign.id, d, program.randomisation)
                rows.append((mid, d, headend, campaign.start + timedelta(seconds=s_off),
                             campaign.end + timedelta(seconds=e_off)))
            size += len(build_end_device_controls(
                controls_for(program, campaign, rows), message_id=mid, correlation_id=mid, source="orchestrator",
                timestamp=T0, reply_address="http://127.0.0.1:8080/iec/v1/messages", async_reply=True,
                ack_required=True))
    return time.perf_counter() - t, size


async def pipeline(view: TopologyView, directory: Path, program, campaign: Campaign) -> tuple[float, int]:
    url = f"sqlite+aiosqlite:///{directory / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(directory / "runtime.db")
    try:
        store = CampaignStore(sessionmaker(engine))
        await store.create(campaign, "bench")
        published = 0

        class CountingPublisher:
            async def publish(self, records):
                nonlocal published
                published += len(records)
                await runtime.publish(records)

        async def topology():
            return view

        dispatcher = Dispatcher(store, {program.id: program}, topology, CountingPublisher(),
                                message_size=MESSAGE_SIZE, reply_address="http://127.0.0.1:8080/iec/v1/messages")
        t = time.perf_counter()
        with profiling.section():
            await dispatcher.start(campaign.id)
        elapsed = time.perf_counter() - t
        rollup = await store.rollup(campaign.id)
        assert rollup["SENT"] == len(view.devices), rollup
        assert (await store.get(campaign.id)).state is CampaignState.ACTIVE
        return elapsed, published
    finally:
        await runtime.stop()
        await engine.dispose()


def run(quick: bool, devices: int | None = None) -> list[dict]:
    n = devices or (20_000 if quick else 1_000_000)
    program = load_programs([PROGRAMS])[PROGRAM]
    campaign = Campaign(id="bench-campaign", program=PROGRAM, targets=("feeder:F1",), start=T0,
                        end=T0 + timedelta(hours=2), state=CampaignState.SCHEDULED, priority=program.priority,
                        created_at=T0, updated_at=T0)
    view = fleet_view(n)
    # The ceiling runs before and after the pipeline and the faster one counts: with one ceiling
    # first, load that rose during the run (other work on the machine) read as a lower ratio.
    before_s, size = ceiling(view, campaign, program)
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as d:
        pipeline_s, messages = asyncio.run(pipeline(view, Path(d), program, campaign))
    after_s, _ = ceiling(view, campaign, program)
    ceiling_s = min(before_s, after_s)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [{"name": "dispatch", "items": n, "items_per_s": round(n / pipeline_s, 1),
             "ceiling_items_per_s": round(n / ceiling_s, 1), "ratio": round(ceiling_s / pipeline_s, 3),
             "peak_rss_mb": round(peak, 1), "seconds": round(pipeline_s, 2), "ceiling_seconds": round(ceiling_s, 2),
             "ceiling_seconds_before_after": [round(before_s, 2), round(after_s, 2)],
             "messages": messages, "xml_mb": round(size / 2**20, 1)}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 devices instead of 1,000,000")
    parser.add_argument("--devices", type=int, help="override the device count")
    args = parser.parse_args()
    rows = run(args.quick, args.devices)
    print(f"{'benchmark':10} {'devices':>9} {'seconds':>8} {'devices/s':>10} {'ceiling/s':>10} {'ratio':>6} "
          f"{'messages':>8} {'XML MB':>7} {'peak RSS MB':>11}")
    for r in rows:
        print(f"{r['name']:10} {r['items']:>9} {r['seconds']:>8.2f} {r['items_per_s']:>10.0f} "
              f"{r['ceiling_items_per_s']:>10.0f} {r['ratio']:>6.2f} {r['messages']:>8} {r['xml_mb']:>7.1f} "
              f"{r['peak_rss_mb']:>11.1f}")


if __name__ == "__main__":
    main()
