"""``bench/readings.py --quick``: the rows ``orchestrator bench`` expects, and every reading stored."""
from __future__ import annotations

import runpy
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "readings.py"


def test_quick_run_reports_ratio_rows():
    module = runpy.run_path(str(BENCH), run_name="bench_readings")
    bodies = module["messages"](960)
    assert len(bodies) == 1 and bodies[0].count(b"<IntervalReadings>") == 960
    [row] = module["run"](True)
    assert set(row) == {"name", "items", "items_per_s", "ceiling_items_per_s", "ratio", "peak_rss_mb"}
    assert row["name"] == "readings_ingest_sqlite" and row["items"] == 20160
    assert row["items_per_s"] > 0 and abs(row["ratio"] - row["items_per_s"] / row["ceiling_items_per_s"]) < 0.002
