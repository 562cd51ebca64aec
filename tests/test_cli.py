"""The command line: help everywhere, settings precedence, one-line errors, clean shutdown."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
import typer.main
from typer.testing import CliRunner

from orchestrator.cli import app

runner = CliRunner()


def _all_commands(group, path=()):
    yield path
    if hasattr(group, "commands"):  # a group (typer carries its own click core)
        for name, sub in group.commands.items():
            yield from _all_commands(sub, (*path, name))


def test_every_subcommand_has_help():
    root = typer.main.get_command(app)
    paths = list(_all_commands(root))
    assert {("serve",), ("demo",), ("worker",), ("config", "show"), ("db", "upgrade"), ("iec",)} <= set(paths)
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_config_show_applies_precedence_and_masks_secrets(tmp_path, monkeypatch):
    config = tmp_path / "orchestrator.toml"
    config.write_text('http_port = 9100\nkafka_app_id = "from-file"\n'
                      'database_url = "postgresql+asyncpg://drms:s3cret@db/orchestrator"\n')
    monkeypatch.setenv("ORCHESTRATOR_HTTP_PORT", "9200")
    monkeypatch.setenv("ORCHESTRATOR_ADMIN_PASSWORD", "hunter2")
    result = runner.invoke(app, ["--config", str(config), "config", "show"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["http_port"] == 9200  # environment beats the file
    assert shown["kafka_app_id"] == "from-file"  # the file beats the default
    assert shown["admin_password"] == "****"
    assert "s3cret" not in result.stdout and "drms:****@db" in shown["database_url"]


def test_bad_settings_give_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("ORCHESTRATOR_HTTP_PORT", "not-a-port")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "http_port" in result.stderr
    monkeypatch.delenv("ORCHESTRATOR_HTTP_PORT")
    result = runner.invoke(app, ["--config", str(tmp_path / "missing.toml"), "config", "show"])
    assert result.exit_code == 2 and "config file not found" in result.stderr


def test_unknown_worker_processor_is_a_clear_error():
    result = runner.invoke(app, ["worker", "--processor", "nope", "--no-sinks"])
    assert result.exit_code == 2 and "unknown processor(s): nope" in result.stderr


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["demo", "--port", "0", "--devices", "200"]])
def test_serve_and_demo_answer_healthz_and_stop_on_ctrl_c(command, tmp_path):
    env = dict(os.environ, ORCHESTRATOR_LOG_FORMAT="json")
    proc = subprocess.Popen([sys.executable, "-m", "orchestrator.cli", *command, "--data-dir", str(tmp_path)],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            for word in line.replace('"', " ").split():
                if word.startswith("http://127.0.0.1:") and not word.endswith(":0"):
                    url = word.rstrip(",}/")
        assert url, "server did not report its URL"
        url = url.split("/healthz")[0]
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as r:
            assert json.loads(r.read())["status"] == "ok"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
