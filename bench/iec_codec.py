"""Throughput of the IEC wire layer on EndDeviceEvents messages, beside raw lxml.

    python bench/iec_codec.py [--quick]

For an EndDeviceEvents message with 1 and with 1,000 events it measures
parse+validate (``parse_end_device_events``: safe parse, envelope and payload
XSD validation, event records), the generic model (``parse_message``) and
serialisation (``build_end_device_events``), each beside the lxml ceiling on
the same bytes (``etree.fromstring`` for parsing, ``etree.tostring`` of the
parsed tree for serialising).
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

from orchestrator import profiling  # noqa: E402
from orchestrator.iec import EndDeviceEvent, build_end_device_events, parse_end_device_events, parse_message  # noqa: E402


def sample_events(n: int) -> list[EndDeviceEvent]:
    t0 = datetime(2024, 7, 1, 14, 0, tzinfo=timezone.utc)
    return [
        EndDeviceEvent(
            createdDateTime=t0 + timedelta(seconds=i), EndDeviceEventType="3.26.0.85", mRID=f"evt-{i:06d}",
            endDeviceMRID=f"meter-{i:06d}", reason="power failure", severity="major", issuerID="headend-1",
            details=(("phase", "A"),),
        )
        for i in range(n)
    ]


def _rate(fn, arg, budget: float) -> float:
    """Calls per second of fn(arg), running for about ``budget`` seconds."""
    fn(arg)
    calls, start = 0, time.perf_counter()
    batch = 1
    while True:
        for _ in range(batch):
            fn(arg)
        calls += batch
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return calls / elapsed
        batch = min(batch * 2, 256)


def run(quick: bool = False) -> list[dict]:
    """One dict per measurement: name, items (events per message), items_per_s (events/s),
    messages_per_s, ceiling_items_per_s (raw lxml on the same bytes) and ratio."""
    budget = 0.08 if quick else 1.0
    rows = []
    for n in (1, 1000):
        events = sample_events(n)
        data = build_end_device_events(events, message_id="bench", source="headend-1")
        tree = etree.fromstring(data)
        ceiling_parse = _rate(etree.fromstring, data, budget)
        ceiling_write = _rate(etree.tostring, tree, budget)
        for name, fn, arg, ceiling in (
            ("EndDeviceEvents parse+validate", parse_end_device_events, data, ceiling_parse),
            ("EndDeviceEvents parse_message (generic model)", parse_message, data, ceiling_parse),
            ("EndDeviceEvents serialise", lambda ev: build_end_device_events(ev, message_id="bench"), events, ceiling_write),
        ):
            # --profile covers the headline case only: the parse every inbound message takes
            with profiling.section() if fn is parse_end_device_events else nullcontext():
                msgs = _rate(fn, arg, budget)
            rows.append({
                "name": name, "items": n, "bytes": len(data),
                "messages_per_s": msgs, "items_per_s": msgs * n,
                "ceiling_items_per_s": ceiling * n, "ratio": msgs / ceiling,
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (a second or two)")
    args = parser.parse_args()
    print(f"{'measurement':48} {'events':>6} {'bytes':>8} {'msg/s':>10} {'lxml msg/s':>11} {'ratio':>6}")
    for r in run(args.quick):
        print(f"{r['name']:48} {r['items']:>6} {r['bytes']:>8} {r['messages_per_s']:>10.1f} "
              f"{r['ceiling_items_per_s'] / r['items']:>11.1f} {r['ratio']:>6.2f}")


if __name__ == "__main__":
    main()
