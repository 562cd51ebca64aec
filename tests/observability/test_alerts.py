"""Alerting rules: valid for promtool, unit-tested with promtool, and naming only real metrics."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import IN_CI
from tests.observability.promql import (
    IMPORT_ERRORS,
    RULE_TESTS,
    RULES,
    alert_rules,
    metric_names,
    registered_metric_names,
)

REQUIRED = {"OrchestratorScrapeDown", "OrchestratorDeadLettersGrowing", "OrchestratorConsumerLag",
            "OrchestratorCampaignFailureRate", "OrchestratorNoConfirmations", "OrchestratorOmsBacklog"}


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        if IN_CI:
            pytest.fail("CI: promtool is not installed (Debian's prometheus package)")
        pytest.skip("promtool is not installed here (scripts/test installs it)")
    return path


def test_promtool_check_rules():
    done = subprocess.run([promtool(), "check", "rules", *map(str, RULES)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_test_rules():
    assert RULE_TESTS
    done = subprocess.run([promtool(), "test", "rules", *map(str, RULE_TESTS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_test_rules_catches_a_wrong_expectation(tmp_path):
    # The unit tests can fail: the same test with one expected label changed must not pass.
    source = RULE_TESTS[0]
    broken = tmp_path / source.name
    text = source.read_text().replace("rule_files:\n  - ../", f"rule_files:\n  - {source.parent.parent}/", 1)
    assert "severity: critical" in text
    broken.write_text(text.replace("severity: critical", "severity: info", 1))
    done = subprocess.run([promtool(), "test", "rules", str(broken)], capture_output=True, text=True)
    assert done.returncode != 0


def test_required_alerts_exist_with_severity_and_summary():
    rules = {r["alert"]: r for r in alert_rules() if "alert" in r}
    assert REQUIRED <= set(rules), sorted(REQUIRED - set(rules))
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name


def test_every_metric_a_rule_names_is_registered_by_the_code():
    registered = registered_metric_names()
    missing = sorted(f"{r['alert']}: {m}" for r in alert_rules() for m in metric_names(r["expr"]) if m not in registered)
    assert not missing, ("rules name metrics no code registers:\n" + "\n".join(missing)
                         + "\nmodules that did not import:\n" + "\n".join(IMPORT_ERRORS))


def test_every_alert_is_covered_by_a_promtool_unit_test():
    tested = {line.split(":", 1)[1].strip() for path in RULE_TESTS for line in path.read_text().splitlines()
              if line.strip().startswith("alertname:")}
    untested = sorted({r["alert"] for r in alert_rules() if "alert" in r} - tested)
    assert not untested, f"alerts without a promtool unit test: {untested}"
