"""``orchestrator simulate topology|headend`` options and errors (the process itself runs in test_e2e)."""
from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from orchestrator.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["simulate", *args], env={"ORCHESTRATOR_LOG_LEVEL": "warning"})


def test_topology_file_for_the_importer(tmp_path):
    out = run("topology", "--devices", "250", "--seed", "3", "--headend", "hes-north", "--vendor", "connexo",
              "--out", str(tmp_path / "fleet.csv"))
    assert out.exit_code == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["meters"] == 250 and summary["devices"] > 250 and summary["substations"] >= 1
    with (tmp_path / "fleet.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == summary["devices"] and {r["headend"] for r in rows} == {"hes-north"}
    again = run("topology", "--devices", "250", "--seed", "3", "--headend", "hes-north", "--vendor", "connexo",
                "--out", str(tmp_path / "again.csv"))
    assert again.exit_code == 0 and (tmp_path / "again.csv").read_text() == (tmp_path / "fleet.csv").read_text()


def test_bad_options_get_one_line(tmp_path):
    for args, text in ((("headend", "--vendor", "acme"), "unknown vendor profile"),
                       (("headend", "--transport", "ftp"), "transport 'ftp'"),
                       (("headend", "--confirm-latency", "gauss:1"), "latency 'gauss:1'"),
                       (("headend", "--lost-rate", "1.5"), "lost_rate must be between 0 and 1"),
                       (("topology", "--out", str(tmp_path / "x.txt")), "topology files are .csv")):
        out = run(*args)
        assert out.exit_code == 2 and text in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
