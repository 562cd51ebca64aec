"""The outage storm benchmark runs in quick mode and reports what it promises."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path


def test_quick_storm_reports_rates_delays_and_memory():
    path = Path(__file__).resolve().parents[2] / "bench" / "outage_storm.py"
    spec = importlib.util.spec_from_file_location("outage_storm_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    (row,) = bench.run(quick=True)
    assert {"name", "items", "items_per_s", "ceiling_items_per_s", "ratio", "peak_rss_mb", "p50_ms",
            "p99_ms"} <= set(row)
    assert row["items"] == 2 * row["power_offs"] == 1100
    assert row["items_per_s"] > 0 and row["ceiling_items_per_s"] > 0 and row["peak_rss_mb"] > 0
    assert abs(row["ratio"] - row["items_per_s"] / row["ceiling_items_per_s"]) < 1e-9
    # Every outage was notified created and restored once; each creation's delay was measured.
    notes = row["notifications"]
    assert notes["outage.created"] == notes["outage.restored"] == row["measured_delays"] > 0
    assert notes["storm.summary"] > 0  # the concentrated feeders went into storm mode
    assert not math.isnan(row["p99_ms"]) and 0 <= row["p50_ms"] <= row["p99_ms"]
