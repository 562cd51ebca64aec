"""`orchestrator bench --quick` runs in the suite so the benchmarks cannot rot."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from orchestrator.cli import app


def test_bench_quick_writes_the_table_and_json(tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "iec_codec", "--quick", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "iec_codec" in result.stdout and "ceiling/s" in result.stdout
    [row] = json.loads(out.read_text())
    assert row["name"] == "iec_codec"
    assert {"items", "items_per_s", "ceiling_items_per_s", "ratio", "peak_rss_mb"} <= set(row)
    assert row["items_per_s"] > 0 and row["ceiling_items_per_s"] > 0 and row["peak_rss_mb"] > 10
    assert abs(row["ratio"] - row["items_per_s"] / row["ceiling_items_per_s"]) < 1e-6


def test_unknown_benchmark_is_a_one_line_error():
    result = CliRunner().invoke(app, ["bench", "nonesuch"])
    assert result.exit_code == 2 and "unknown benchmark(s) nonesuch" in result.stderr
