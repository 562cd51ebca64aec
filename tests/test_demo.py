"""The README's first command, headless: the scripted peak day end to end, every part real
(embedded runtime, API, head-end simulator and OMS talking HTTP and IEC 61968-100)."""
from __future__ import annotations

import json
import os
import subprocess
import sys


def test_headless_peak_day_summary(tmp_path):
    env = dict(os.environ, ORCHESTRATOR_LOG_LEVEL="warning")
    proc = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "demo", "--headless", "--scenario", "peak-day",
         "--devices", "400", "--seed", "7", "--port", "0", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)  # stdout holds the summary and nothing else
    campaigns = {c["program"]: c for c in summary["campaigns"]}
    assert set(campaigns) == {"critical-peak-pricing", "ac-cycling", "der-export-limit"}
    kinds = {c["kind"] for c in campaigns.values()}
    assert kinds == {"price", "load_control", "der_setpoint"}
    for c in campaigns.values():
        assert c["state"] == "COMPLETED", c
        assert c["devices"] > 0 and c["dispatched"] > 0
        settled = (c["confirmed"] + c["opted_out"] + c["failed"] + c["timed_out"] + c["skipped_outage"]
                   + c["skipped_ineligible"])
        assert settled <= c["devices"]
        assert c["confirmed"] > 0
        assert set(c) >= {"id", "estimated_kw", "measured_kw"}
    # The feeder went out before the events started: its meters were skipped, not dispatched.
    assert campaigns["critical-peak-pricing"]["skipped_outage"] > 0
    assert campaigns["ac-cycling"]["estimated_kw"] > 0
    outages = summary["outages"]
    assert outages["feeder"] == 1  # the scripted feeder outage was inferred as one feeder outage
    assert outages["sustained"] >= 1 and outages["restored"] == outages["sustained"]
    oms = summary["oms"]
    assert oms["delivered"] > 0 and oms["dead_lettered"] == 0
    assert oms["received"] == oms["delivered"]  # the OMS got every notification, once
