"""What the observability tests read from the dashboards and rules: every PromQL expression, with
Grafana's variables replaced by what the dashboard sends when "All" is selected."""
from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / "dashboards"
RULES = sorted((DASHBOARDS / "alerts").glob("*.yml"))
RULE_TESTS = sorted((DASHBOARDS / "alerts" / "tests").glob("*.yml"))

METRIC = re.compile(r"\b(orchestrator_[a-z0-9_]+)")
SKIP_MODULES = ("orchestrator.iec.generated", "orchestrator.store.migrations")


def load_build():
    spec = importlib.util.spec_from_file_location("dashboards_build", DASHBOARDS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def committed_dashboards() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted((DASHBOARDS / "json").glob("*.json"))}


def panel_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, expr) of every target of every panel, variables substituted."""
    out = []
    for name, board in committed_dashboards().items():
        variables = [v["name"] for v in board["templating"]["list"]]
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                out.append((name, panel["title"], substitute(target["expr"], variables)))
    return out


def variable_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, variable, the metric its label_values() reads)."""
    out = []
    for name, board in committed_dashboards().items():
        for v in board["templating"]["list"]:
            match = re.fullmatch(r"label_values\((\w+)(\{[^}]*\})?,\s*(\w+)\)", v["query"])
            assert match, f"{name}: variable {v['name']} query {v['query']!r} is not label_values(metric, label)"
            out.append((name, v["name"], match.group(1)))
    return out


def substitute(expr: str, variables: list[str]) -> str:
    expr = expr.replace("$__rate_interval", "1m").replace("$__interval", "15s").replace("$__range", "1h")
    for var in variables:
        expr = expr.replace(f"${var}", ".*")
    assert "$" not in expr, f"unknown variable left in {expr!r}"
    return expr


def alert_rules() -> list[dict]:
    return [rule for path in RULES for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def metric_names(expr: str) -> set[str]:
    return set(METRIC.findall(expr))


def registered_metric_names() -> set[str]:
    """Every sample name the orchestrator's code registers, after importing all of its modules."""
    from prometheus_client import REGISTRY

    import orchestrator

    broken = []
    for info in pkgutil.walk_packages(orchestrator.__path__, "orchestrator.", onerror=broken.append):
        if not info.name.startswith(SKIP_MODULES):
            try:
                importlib.import_module(info.name)
            except ImportError as exc:  # reported with the missing metrics, if any
                broken.append(f"{info.name}: {exc}")
    IMPORT_ERRORS[:] = broken
    return set(REGISTRY._names_to_collectors)


IMPORT_ERRORS: list[str] = []  # modules registered_metric_names() could not import
