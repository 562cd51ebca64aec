"""``orchestrator readings`` and ``orchestrator masterdata`` on a SQLite catalogue."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.readings import reading_types as rt
from orchestrator.readings.messages import MeterReadingData, build_meter_readings

UTC = timezone.utc


def test_ingest_show_reduction_and_masterdata(tmp_path, shared_iec):
    db = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()
    event = datetime(2026, 7, 15, 16, tzinfo=UTC)
    midnight = int(event.replace(hour=0).timestamp())
    files = []
    for d in range(0, 8):
        day = midnight - 86400 * d
        kwh = 0.25 if d == 0 else 1.0  # the event day: 1 kW metered against a 4 kW baseline
        intervals = [(day + 900 * k, kwh) for k in range(1, 97)]
        path = tmp_path / f"day{d}.xml"
        path.write_bytes(build_meter_readings([MeterReadingData("M1", rt.KWH_15MIN_DELIVERED, intervals)]))
        files.append(str(path))
    (tmp_path / "bad.xml").write_bytes(b"<MeterReadings")
    r = runner.invoke(app, ["readings", "ingest", *files, str(tmp_path / "bad.xml"), "--database-url", db])
    assert r.exit_code == 1 and "stored 768 readings from 8 files; 1 rejected" in r.output
    assert "rejected" in r.output and "[1.1]" in r.output
    r = runner.invoke(app, ["readings", "show", "M1", "--start", event.isoformat(),
                            "--end", (event + timedelta(minutes=30)).isoformat(), "--database-url", db])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [f"2026-07-15T16:15:00+00:00 {rt.KWH_15MIN_DELIVERED} 0.25",
                                     f"2026-07-15T16:30:00+00:00 {rt.KWH_15MIN_DELIVERED} 0.25"]
    r = runner.invoke(app, ["readings", "reduction", "M1", "--start", event.isoformat(), "--end",
                            (event + timedelta(hours=1)).isoformat(), "--method", "high-3-of-5", "--database-url", db])
    assert r.exit_code == 0, r.output
    assert "M1: 3.000 kW delivered (baseline days 3, adjustment 1.000)" in r.output
    assert "total: 3.000 kW delivered by 1 devices (high-3-of-5)" in r.output
    r = runner.invoke(app, ["readings", "reduction", "M1", "--start", "noon", "--end", "1pm", "--database-url", db])
    assert r.exit_code == 2 and "is not an ISO 8601 date-time" in r.output
    r = runner.invoke(app, ["readings", "reduction", "M1", "--start", event.isoformat(), "--end",
                            event.isoformat(), "--database-url", db])
    assert r.exit_code == 2 and "not whole 900-s intervals" in r.output

    r = runner.invoke(app, ["masterdata", "apply", str(shared_iec / "samples" / "CreateMeterConfigRequestSync.xml"),
                            "--database-url", db])
    assert r.exit_code == 1 and "<msg:Result>PARTIAL</msg:Result>" in r.output
    r = runner.invoke(app, ["masterdata", "apply-due", "--database-url", db])
    assert r.exit_code == 0 and "applied 0 due changes" in r.output
