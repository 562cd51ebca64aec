"""Topology import and the TopologyView built from it, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.core.topology import DeviceKind, Target, TargetKind
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.models import utcnow
from orchestrator.store.topology import TopologyStore

CSV = """substation,feeder,transformer,usage_point,device,kind,headend,vendor,customer,agreement,supplier,programs,groups,rated_kw
S1,F1,T1,UP1,M1,meter,hes-a,standard,C1,A1,retail-x,ac-cycling,north,
S1,F1,T1,UP1,TH1,thermostat,hes-a,standard,C1,A1,retail-x,ac-cycling;cpp,north,1.2
S1,F1,T2,UP2,M2,meter,hes-b,connexo,C2,A2,retail-y,,,
S1,F2,T3,UP3,M3,meter,hes-b,connexo,C3,A3,retail-y,cpp,,
S1,F2,T3,UP3,BAD,toaster,hes-b,connexo,C3,A3,retail-y,,,
"""


async def _store(url: str) -> TopologyStore:
    await upgrade_async(url)
    return TopologyStore(sessionmaker(make_engine(url)))


async def _check(store: TopologyStore, tmp_path) -> None:
    path = tmp_path / "topology.csv"
    path.write_text(CSV)
    from orchestrator.store.topology import read_rows

    report = await store.import_rows(read_rows(path), chunk=2)
    assert (report.rows, report.devices) == (5, 4)
    assert report.rejected == ["row 5: unknown device kind 'toaster'"]
    await store.add_usage_point_group("vip", ["UP1", "UP3"])
    view = await store.load_view()
    th = view.devices["TH1"]
    assert (th.kind, th.transformer, th.feeder, th.substation) == (DeviceKind.THERMOSTAT, "T1", "F1", "S1")
    assert (th.customer, th.agreement, th.rated_kw, th.programs) == ("C1", "A1", 1.2, {"ac-cycling", "cpp"})
    assert view.resolve(Target.parse("feeder:F1")) == ["M1", "M2", "TH1"]
    assert view.resolve(Target(TargetKind.GROUP, "north")) == ["M1", "TH1"]
    assert view.resolve(Target.parse("usage_point_group:vip")) == ["M1", "M3", "TH1"]
    assert view.resolve(Target.parse("substation:S1")) == ["M1", "M2", "M3", "TH1"]
    assert view.meters_on_transformer("T1") == ["M1"]
    assert view.eligible("M3", "cpp") and not view.eligible("M2", "cpp")
    with pytest.raises(KeyError, match="unknown feeder F9"):
        view.resolve(Target.parse("feeder:F9"))
    # Re-importing replaces current links instead of duplicating them.
    await store.import_rows(read_rows(path))
    assert len((await store.load_view()).resolve(Target.parse("transformer:T3"))) == 1
    # The past is kept apart: nothing was valid before the epoch of the first load.
    assert (await store.load_view(at=utcnow() - timedelta(days=1))).devices["M1"].programs == {"ac-cycling"}


async def test_sqlite(tmp_path):
    await _check(await _store(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"), tmp_path)


@pytest.mark.postgres
async def test_postgresql(postgres_url, tmp_path):
    await _check(await _store(postgres_url), tmp_path)


def test_target_parse_errors():
    with pytest.raises(ValueError, match="must be KIND:ID"):
        Target.parse("F12")
    with pytest.raises(ValueError, match="unknown target kind 'circuit'"):
        Target.parse("circuit:F12")


def test_cli_import_reports_progress_and_rejects(tmp_path):
    path = tmp_path / "topology.csv"
    path.write_text(CSV)
    result = CliRunner().invoke(app, ["import", "topology", str(path), "--database-url",
                                      f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"])
    assert result.exit_code == 1
    assert "imported 4 devices from 5 rows; 1 rejected" in result.stderr
    assert "rejected: row 5: unknown device kind 'toaster'" in result.stderr
