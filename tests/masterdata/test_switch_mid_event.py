"""A customer switch in the middle of an event ends the control on that device: a restore
(cancel) EndDeviceControl goes out, its dispatch record is CANCELLED with the switch as the
reason, and the other devices of the event carry on."""
from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
from lxml import etree

from orchestrator import topics
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.masterdata.helpers import agreement, message
from tests.polling import until

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
EDC = "{http://iec.ch/TC57/2011/EndDeviceControls#}"
ROWS = [
    {"substation": "S1", "feeder": "F1", "transformer": "T1", "usage_point": "UP1", "device": "WH1",
     "kind": "water_heater", "headend": "hes-a", "customer": "C1", "agreement": "A1", "programs": "water-heater-shed",
     "groups": "shed"},
    {"substation": "S1", "feeder": "F1", "transformer": "T1", "usage_point": "UP1", "device": "M1", "kind": "meter",
     "headend": "hes-a", "customer": "C1", "agreement": "A1"},
    {"substation": "S1", "feeder": "F1", "transformer": "T2", "usage_point": "UP2", "device": "WH2",
     "kind": "water_heater", "headend": "hes-a", "customer": "C2", "agreement": "A2", "programs": "water-heater-shed",
     "groups": "shed"},
]


def _controls(xml: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(xml)
    return [(c.find(f"{EDC}EndDevices/{EDC}mRID").text, c.find(f"{EDC}EndDeviceControlType").get("ref"))
            for c in root.iter(f"{EDC}EndDeviceControl")]


async def test_switch_mid_event_ends_the_control_on_that_device(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS, masterdata_due_interval_s=0)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(ROWS)
    await engine.dispose()
    async with AsyncExitStack() as stack, aiohttp.ClientSession() as http:
        running = await start(settings, stack)
        runtime = running.runtime
        begin = datetime.now(timezone.utc) + timedelta(seconds=1)
        async with http.post(f"{running.url}/api/v1/events", json={
                "program": "water-heater-shed", "targets": ["group:shed"], "start": begin.isoformat(),
                "duration_minutes": 60, "reason": "evening peak"}) as r:
            assert r.status == 201, await r.text()
            event = (await r.json())["id"]

        async def active():
            async with http.get(f"{running.url}/api/v1/events/{event}") as r:
                body = await r.json()
            return body if body["state"] == "ACTIVE" else None

        rollup = (await until(active))["rollup"]
        # Both were sent. (No head-end URL is registered here, so the head-end client answers each
        # control with a FAILED reply and the correlator may already have them REJECTED.)
        assert rollup["SENT"] + rollup["REJECTED"] == 2
        # Mid-event, a new customer moves in at UP1 (where WH1 is).
        await running.context.masterdata.apply(message("create", "CustomerConfig",
                                                       "<Customer><mRID>C9</mRID></Customer>"))
        reply = await running.context.masterdata.apply(message("create", "CustomerAgreementConfig",
                                                               agreement("A9", "C9", "UP1")))
        assert reply.Reply.Result.value == "OK"

        async def cancelled():
            async with http.get(f"{running.url}/api/v1/events/{event}/dispatches",
                                params={"state": "CANCELLED"}) as r:
                return (await r.json())["items"]

        [record] = await until(cancelled)
        assert record["device"] == "WH1"
        assert record["detail"] == "customer switched: move-out: agreement A1 ended"
        restore = [c for r in runtime.read_topic(topics.EDC_OUTBOUND) for c in _controls(r.value)
                   if r.header("kind") == "cancel"]
        assert restore == [("WH1", "16.15.43.8")]  # the program's cancel (restore) control
        async with http.get(f"{running.url}/api/v1/events/{event}") as r:
            rollup = (await r.json())["rollup"]
        assert rollup["CANCELLED"] == 1 and rollup["SENT"] + rollup["REJECTED"] == 1  # WH2 carries on
        # From now on WH1 is not dispatched: the topology no longer enrols it.
        view = await running.context.masterdata.view()
        assert not view.eligible("WH1", "water-heater-shed") and view.eligible("WH2", "water-heater-shed")
