"""Done-when flows: an event created over REST for 10,000 devices is started by the scheduler,
its EndDeviceControls leave on edc.outbound and validate against the XSD, every device has a
dispatch record, and cancelling mid-event sends the cancel controls — on the embedded runtime
(SQLite) and on the Kafka runtime with PostgreSQL."""
from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
from lxml import etree
from typer.testing import CliRunner

from orchestrator import topics
from orchestrator.cli import app as cli
from orchestrator.iec import validate_message
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.campaigns.fleet import fleet_rows

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
EDC = "{http://iec.ch/TC57/2011/EndDeviceControls#}"
DEVICES = 10_000
NOT_ENROLLED_EVERY = 100  # 100 of the 10,000 are not enrolled: skipped, never dispatched


async def _import_fleet(url: str, devices: int = DEVICES) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        report = await TopologyStore(sessionmaker(engine)).import_rows(
            fleet_rows(devices, not_enrolled_every=NOT_ENROLLED_EVERY))
        assert report.devices == devices
    finally:
        await engine.dispose()


def _controls(xml: bytes) -> list[tuple[str, str]]:
    """(device mRID, EndDeviceControlType) of every EndDeviceControl in a message."""
    root = etree.fromstring(xml)
    return [(c.find(f"{EDC}EndDevices/{EDC}mRID").text, c.find(f"{EDC}EndDeviceControlType").get("ref"))
            for c in root.iter(f"{EDC}EndDeviceControl")]


async def _wait_state(http: aiohttp.ClientSession, url: str, event_id: str, state: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        async with http.get(f"{url}/api/v1/events/{event_id}") as r:
            body = await r.json()
        if body["state"] == state:
            return body
        assert time.monotonic() < deadline, f"event stayed {body['state']}, expected {state}"
        await asyncio.sleep(0.2)


async def _flow(url: str, read_outbound) -> None:
    """The whole operator flow against a running orchestrator; ``read_outbound(n)`` returns at least
    n (key, value, headers) records of edc.outbound."""
    eligible = DEVICES - DEVICES // NOT_ENROLLED_EVERY
    async with aiohttp.ClientSession() as http:
        start_at = datetime.now(timezone.utc) + timedelta(seconds=2)
        async with http.post(f"{url}/api/v1/events", json={
                "program": "water-heater-shed", "targets": ["feeder:F12"], "start": start_at.isoformat(),
                "duration_minutes": 90, "reason": "evening peak"}) as r:
            assert r.status == 201, await r.text()
            created = await r.json()
            assert r.headers["Location"] == f"/api/v1/events/{created['id']}"
        event_id = created["id"]
        assert created["state"] == "SCHEDULED"

        active = await _wait_state(http, url, event_id, "ACTIVE")  # the scheduler fired the start job
        assert active["rollup"]["SENT"] == eligible
        assert active["rollup"]["SKIPPED_INELIGIBLE"] == DEVICES - eligible
        assert active["devices"] == DEVICES  # every device has a dispatch record

        # 4 head-ends x 2,475 devices, 1,000 per message -> 3 messages each
        records = await read_outbound(12)
        assert len(records) == 12
        dispatched: list[str] = []
        for key, value, headers in records:
            validate_message(value)  # raises on any XSD violation
            controls = _controls(value)
            assert len(controls) <= 1000 and {t for _, t in controls} == {"16.15.0.54"}
            assert dict(headers)["campaign"] == event_id and key.startswith("hes-")
            dispatched += [d for d, _ in controls]
        assert len(dispatched) == len(set(dispatched)) == eligible
        assert not [d for d in dispatched if int(d[2:]) % NOT_ENROLLED_EVERY == 0]

        async with http.get(f"{url}/api/v1/events/{event_id}/dispatches",
                            params={"state": "SKIPPED_INELIGIBLE", "limit": "60"}) as r:
            page = await r.json()
        assert len(page["items"]) == 60 and page["next"] == page["items"][-1]["device"]
        assert page["items"][0]["detail"] == "not enrolled in water-heater-shed"
        async with http.get(f"{url}/api/v1/events/{event_id}/dispatches",
                            params={"state": "SKIPPED_INELIGIBLE", "limit": "60", "after": page["next"]}) as r:
            rest = await r.json()
        assert len(rest["items"]) == 40 and rest["next"] is None

        async with http.post(f"{url}/api/v1/events/{event_id}/cancel", json={"reason": "system normal"}) as r:
            assert r.status == 200, await r.text()
            cancelled = await r.json()
        assert cancelled["state"] == "CANCELLED"
        assert cancelled["rollup"]["CANCELLED"] == eligible and cancelled["rollup"]["SENT"] == 0

        records = await read_outbound(24)
        cancels = [(k, v) for k, v, h in records if dict(h).get("kind") == "cancel"]
        assert len(cancels) == 12
        undone: list[str] = []
        for _, value in cancels:
            validate_message(value)
            controls = _controls(value)
            assert {t for _, t in controls} == {"16.15.43.8"}
            undone += [d for d, _ in controls]
        assert sorted(undone) == sorted(dispatched)

        async with http.post(f"{url}/api/v1/events/{event_id}/cancel", json={}) as r:
            assert r.status == 409
            assert (await r.json())["detail"] == f"event {event_id} is CANCELLED; it can no longer be cancelled"
    return event_id


async def test_ten_thousand_devices_on_the_embedded_runtime(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await _import_fleet(settings.catalogue_url)
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)

        async def read_outbound(n: int):
            return [(r.key, r.value, r.headers) for r in running.runtime.read_topic(topics.EDC_OUTBOUND)]

        event_id = await _flow(running.url, read_outbound)
        # the CLI is synchronous: run it beside the server's event loop, as a separate process would
        show = await asyncio.to_thread(CliRunner().invoke, cli, ["event", "show", event_id, "--url", running.url])
        assert show.exit_code == 0 and '"CANCELLED": 9900' in show.output
        listed = await asyncio.to_thread(CliRunner().invoke, cli, ["event", "list", "--url", running.url,
                                                                  "--state", "CANCELLED"])
        assert listed.exit_code == 0 and event_id in listed.output and "water-heater-shed" in listed.output


async def test_ten_thousand_devices_on_kafka_with_postgresql(kafka_bootstrap, postgres_url, tmp_path):
    from tests.contract.harness import consume, create_topics

    prefix = f"c{uuid.uuid4().hex[:6]}."
    await create_topics(kafka_bootstrap, [prefix + t for t in topics.ALL])
    settings = Settings(runtime="kafka", kafka_bootstrap=kafka_bootstrap, kafka_topic_prefix=prefix,
                        database_url=postgres_url, data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS)
    await _import_fleet(postgres_url)
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)  # the API process runs scheduler and dispatcher

        async def read_outbound(n: int):
            got = await consume(kafka_bootstrap, [prefix + topics.EDC_OUTBOUND], until=n, timeout=60, settle=0.5)
            return [(k.decode() if isinstance(k, bytes) else k, v,
                     tuple((hk, hv.decode()) for hk, hv in h)) for _, k, v, h in got]

        await _flow(running.url, read_outbound)
