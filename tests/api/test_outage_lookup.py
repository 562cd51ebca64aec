"""The dispatcher skips every device at a premise whose meter is out, not just the meter."""
from __future__ import annotations

from orchestrator.service import _devices_in_outage
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore


class _Outages:
    """The outage store's answer for this test: one meter in an active outage."""

    async def devices_in_outage(self):
        return {"M1"}


async def test_devices_behind_an_out_meter_are_in_outage(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        await TopologyStore(sessionmaker(engine)).import_rows([
            {"feeder": "F1", "transformer": "T1", "usage_point": "UP1", "device": "M1", "kind": "meter"},
            {"feeder": "F1", "transformer": "T1", "usage_point": "UP1", "device": "TH1", "kind": "thermostat"},
            {"feeder": "F1", "transformer": "T1", "usage_point": "UP2", "device": "M2", "kind": "meter"},
            {"feeder": "F1", "transformer": "T1", "usage_point": "UP2", "device": "TH2", "kind": "thermostat"},
        ])
        assert await _devices_in_outage(_Outages(), engine)() == {"M1", "TH1"}
    finally:
        await engine.dispose()
