"""deploy/compose.yaml provisions Grafana with the generated dashboards and Prometheus with the
alert rules (checked statically: no Docker engine here)."""
from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path

import yaml

from tests.observability.promql import DASHBOARDS, ROOT, RULES, committed_dashboards
from tests.observability.test_alerts import promtool

DEPLOY = ROOT / "deploy"


def compose_service(name: str) -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"][name]


def mounts(service: str) -> dict[str, Path]:
    """Container path -> host path of a service's bind mounts."""
    out = {}
    for volume in compose_service(service).get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith((".", "/")):
            out[target] = (DEPLOY / source).resolve()
    return out


def host_path(service: str, container_path: str) -> Path:
    for target, source in sorted(mounts(service).items(), key=lambda kv: -len(kv[0])):
        if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
            return source / container_path[len(target):].lstrip("/")
    raise AssertionError(f"{service}: {container_path} is not inside any bind mount")


def test_grafana_loads_every_generated_dashboard_from_its_provider():
    provisioning = host_path("grafana", "/etc/grafana/provisioning")
    assert provisioning == (DASHBOARDS / "provisioning").resolve()
    providers = [p for f in sorted((provisioning / "dashboards").glob("*.yaml"))
                 for p in yaml.safe_load(f.read_text())["providers"]]
    assert providers, "no dashboard provider"
    loaded = set()
    for provider in providers:
        assert provider["type"] == "file"
        directory = host_path("grafana", provider["options"]["path"])
        loaded |= {p.name for p in directory.glob("*.json")}
    assert loaded == set(committed_dashboards())


def test_grafana_datasource_is_the_one_every_panel_uses():
    provisioning = host_path("grafana", "/etc/grafana/provisioning")
    sources = [d for f in sorted((provisioning / "datasources").glob("*.yaml"))
               for d in yaml.safe_load(f.read_text())["datasources"]]
    [prom] = [d for d in sources if d["type"] == "prometheus"]
    assert prom["url"] == "http://prometheus:9090" and "prometheus" in yaml.safe_load(
        (DEPLOY / "compose.yaml").read_text())["services"]
    uids = {t["datasource"]["uid"] for board in committed_dashboards().values() for p in board["panels"]
            for t in p.get("targets", [])}
    assert uids == {prom["uid"]}


def prometheus_config() -> dict:
    return yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())


def test_prometheus_loads_every_rule_file_and_scrapes_api_and_workers():
    config = prometheus_config()
    assert host_path("prometheus", "/etc/prometheus/prometheus.yml") == (DEPLOY / "prometheus" / "prometheus.yml").resolve()
    loaded = set()
    for pattern in config["rule_files"]:
        directory, glob = pattern.rsplit("/", 1)
        host_dir = host_path("prometheus", directory)
        loaded |= {p.resolve() for p in host_dir.iterdir() if fnmatch.fnmatch(p.name, glob)}
    assert loaded == {p.resolve() for p in RULES}
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert {"orchestrator-api", "orchestrator-worker"} <= jobs  # OrchestratorScrapeDown matches job=~"orchestrator.*"
    worker = next(j for j in config["scrape_configs"] if j["job_name"] == "orchestrator-worker")
    from orchestrator.settings import Settings
    assert worker["dns_sd_configs"][0]["port"] == Settings().worker_metrics_port
    assert worker["dns_sd_configs"][0]["names"] == ["worker"]


def test_promtool_accepts_the_deployed_config_with_its_rules(tmp_path):
    text = (DEPLOY / "prometheus" / "prometheus.yml").read_text()
    text = text.replace("/etc/prometheus/alerts", str(DASHBOARDS / "alerts"))
    config = tmp_path / "prometheus.yml"
    config.write_text(text)
    done = subprocess.run([promtool(), "check", "config", str(config)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr and "rules found" in done.stdout + done.stderr
