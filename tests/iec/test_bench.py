"""The codec benchmark runs and reports what it promises."""
from __future__ import annotations

import importlib.util
from pathlib import Path


def test_quick_bench_reports_rates_and_ratios():
    path = Path(__file__).resolve().parents[2] / "bench" / "iec_codec.py"
    spec = importlib.util.spec_from_file_location("iec_codec_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.run(quick=True)
    assert {(r["name"], r["items"]) for r in rows} >= {
        ("EndDeviceEvents parse+validate", 1), ("EndDeviceEvents parse+validate", 1000),
        ("EndDeviceEvents serialise", 1), ("EndDeviceEvents serialise", 1000),
    }
    for r in rows:
        assert {"name", "items", "items_per_s", "ceiling_items_per_s", "ratio"} <= set(r)
        assert r["items_per_s"] > 0 and r["ceiling_items_per_s"] > 0
        assert r["ratio"] > 0 and abs(r["ratio"] - r["items_per_s"] / r["ceiling_items_per_s"]) < 1e-9
