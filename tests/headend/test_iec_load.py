"""The IEC endpoint under a modest fixed-rate load while a campaign dispatches (bench/iec_load.py,
short): every message answered OK, stored once on ``ede.inbound`` and consumed; no errors.
Counts are checked; the rates and latencies are printed, not judged (they belong to the benchmark)."""
from __future__ import annotations

import runpy
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "iec_load.py"


async def test_fixed_rate_load_while_a_campaign_runs_loses_nothing(tmp_path, long_run):
    load = runpy.run_path(str(BENCH), run_name="iec_load")["load"]
    rate, seconds = (200, 60) if long_run else (50, 10)
    result = await load(rate, seconds, devices=2000, data_dir=tmp_path)
    sent = rate * seconds
    assert result["statuses"] == {"200": sent} and result["errors"] == 0
    assert result["ok"] == result["stored"] == sent and result["lost"] == 0
    assert result["drained"] and result["dead_lettered_downstream"] == 0
    assert result["campaign_sent"] == 2000  # the campaign dispatched every device meanwhile
    # The report: achieved rates, reply latency (p50/p99) and errors, printed for the reader, not judged.
    print({k: result[k] for k in ("target_rate", "send_rate", "items_per_s", "p50_ms", "p99_ms", "ok", "errors",
                                  "stored", "lost", "campaign_sent")})
