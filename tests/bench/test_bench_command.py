"""`orchestrator bench --quick` runs every benchmark in the suite so none of them can rot."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.commands.bench import BENCHMARKS

ROW_KEYS = {"name", "items", "items_per_s", "ceiling_items_per_s", "ratio", "peak_rss_mb"}


def _quick(tmp_path, name: str, *extra: str) -> dict:
    out = tmp_path / f"{name}.json"
    result = CliRunner().invoke(app, ["bench", name, "--quick", "--json", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert name in result.stdout and "ceiling/s" in result.stdout
    [row] = json.loads(out.read_text())
    assert row["name"] == name
    assert ROW_KEYS <= set(row)
    assert isinstance(row["items"], int) and row["items"] > 0
    assert row["items_per_s"] > 0 and row["ceiling_items_per_s"] > 0 and row["peak_rss_mb"] > 10
    assert row["ratio"] == pytest.approx(row["items_per_s"] / row["ceiling_items_per_s"], rel=1e-9)
    for case in row.get("cases", ()):
        assert {"name", "items", "items_per_s", "ceiling_items_per_s", "ratio"} <= set(case)
    return row


@pytest.mark.parametrize("name", [n for n in BENCHMARKS if n != "correlate_kafka"])
def test_every_benchmark_runs_quick(tmp_path, name):
    row = _quick(tmp_path, name)
    if name in ("outage_storm", "iec_endpoint"):
        assert row["p99_ms"] >= row["p50_ms"] >= 0


def test_correlate_kafka_runs_quick_on_the_session_broker(tmp_path, kafka_bootstrap):
    _quick(tmp_path, "correlate_kafka", "--kafka-bootstrap", kafka_bootstrap)


def test_profile_writes_the_top_costs_of_the_orchestrator_side(tmp_path):
    profiles = tmp_path / "profiles"
    result = CliRunner().invoke(app, ["bench", "iec_codec", "--quick", "--profile", str(profiles)])
    assert result.exit_code == 0, result.output
    text = (profiles / "iec_codec.txt").read_text()
    assert text.startswith("benchmark: iec_codec (quick)\ncommand: orchestrator bench iec_codec --quick")
    assert "tool: " in text and "parse_end_device_events" in text


def test_a_ratio_that_is_not_its_rates_quotient_is_refused(tmp_path):
    (tmp_path / "iec_codec.py").write_text(
        "def run(quick):\n"
        "    return [{'name': 'iec_codec', 'items': 1, 'items_per_s': 10.0, 'ceiling_items_per_s': 20.0,"
        " 'ratio': 0.7}]\n")
    result = CliRunner().invoke(app, ["bench", "iec_codec", "--quick", "--bench-dir", str(tmp_path)])
    assert result.exit_code == 1 and "reported ratio 0.7" in result.stderr


def test_unknown_benchmark_is_a_one_line_error():
    result = CliRunner().invoke(app, ["bench", "nonesuch"])
    assert result.exit_code == 2 and "unknown benchmark(s) nonesuch" in result.stderr


def test_a_profile_directory_that_cannot_be_made_is_a_one_line_error(tmp_path):
    taken = tmp_path / "profiles"
    taken.write_text("a file, not a directory")
    result = CliRunner().invoke(app, ["bench", "iec_codec", "--quick", "--profile", str(taken)])
    assert result.exit_code == 2 and result.stderr.strip() == f"orchestrator: cannot write profiles to {taken}: File exists"
