"""Done when: a real Prometheus scrapes a running orchestrator while the head-end simulator (its
own process) takes part in a demand-response campaign and has an outage; then every PromQL
expression of every dashboard panel returns data from that Prometheus, and the alert rules,
loaded into it, evaluate without error.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import yaml

from orchestrator import topics
from orchestrator.processors.base import Record
from orchestrator.readings.reading_types import KWH_15MIN_DELIVERED
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker
from orchestrator.store.topology import TopologyStore, read_rows
from orchestrator.store.users import Role
from tests.observability.promql import RULES, alert_rules, panel_queries
from tests.outages.oms_server import OmsServer
from tests.polling import until

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "programs"
DEVICES, SEED = 600, 11
WAVES = 6  # at most: activity goes on until every panel shows data


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns: connections are refused


class Prom:
    def __init__(self, url: str, http: aiohttp.ClientSession):
        self.url, self.http = url, http

    async def query(self, expr: str) -> dict:
        async with self.http.post(f"{self.url}/api/v1/query", data={"query": expr}) as r:
            return await r.json()

    async def has_data(self, expr: str, since: float) -> bool:
        """True if the expression has at least one number (not NaN) since ``since``, as a Grafana
        panel over that time range would draw."""
        now = time.time()
        async with self.http.post(f"{self.url}/api/v1/query_range", data={
                "query": expr, "start": f"{since:.3f}", "end": f"{now:.3f}", "step": "1"}) as r:
            body = await r.json()
        assert body["status"] == "success", (expr, body)
        return any(v != "NaN" for series in body["data"]["result"] for _, v in series["values"])

    async def load_rules(self) -> None:
        """Add the alert rules to the running Prometheus's config and reload it."""
        async with self.http.get(f"{self.url}/api/v1/status/flags") as r:
            config = Path((await r.json())["data"]["config.file"])
        text = yaml.safe_load(config.read_text())
        text["rule_files"] = [str(p) for p in RULES]
        config.write_text(yaml.safe_dump(text))
        async with self.http.post(f"{self.url}/-/reload") as r:
            assert r.status == 200, await r.text()

    async def rules(self) -> list[dict]:
        async with self.http.get(f"{self.url}/api/v1/rules") as r:
            return [rule for g in (await r.json())["data"]["groups"] for rule in g["rules"]]


def programs_dir(directory: Path) -> Path:
    """The shipped programs, with water-heater shed made quick for a test: no randomisation, and
    reply/confirmation deadlines of seconds so timeouts and retries happen while Prometheus watches."""
    directory.mkdir()
    for path in PROGRAMS.glob("*.yaml"):
        program = yaml.safe_load(path.read_text())
        if program["id"] == "water-heater-shed":
            program["randomisation"] = {"start_minutes": 0, "end_minutes": 0}
            program["acknowledgement"] = {"reply_timeout_s": 3, "confirmation_timeout_s": 5, "retries": 1,
                                          "backoff_s": 1, "backoff_factor": 1}
        (directory / path.name).write_text(yaml.safe_dump(program))
    return directory


async def test_every_panel_shows_data_while_a_campaign_and_an_outage_run(tmp_path, prometheus):
    oms = await OmsServer().start()
    settings = Settings(data_dir=tmp_path / "orchestrator", http_port=0, programs_dir=programs_dir(tmp_path / "programs"),
                        oms_webhook_url=oms.url, oms_backoff_base_s=0.2, metrics_sample_interval_s=0.5)
    async with AsyncExitStack() as stack, aiohttp.ClientSession() as http:
        stack.push_async_callback(oms.stop)
        running = await start(settings, stack)

        # the head-end simulator, its own process, registered like a real head-end; some of its
        # devices and customers reject, never confirm or opt out
        headends = running.context.headends
        _, password = await headends.add("hes-sim", url=None, vendor="mesh-ami", transport="bare")
        topology = tmp_path / "fleet.csv"
        log = open(tmp_path / "simulator.log", "wb")
        stack.callback(log.close)
        sim = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "orchestrator.cli", "--log-level", "warning", "simulate", "headend",
            "--devices", str(DEVICES), "--seed", str(SEED), "--name", "hes-sim", "--vendor", "mesh-ami",
            "--orchestrator", running.url, "--transport", "bare", "--time-scale", "0.01",
            "--reading-interval", "900", "--topology-out", str(topology), "--failure-rate", "0.3",
            "--no-confirmation-rate", "0.2", "--opt-out-rate", "0.15",
            env={**os.environ, "ORCHESTRATOR_HEADEND_PASSWORD": password},
            stdout=asyncio.subprocess.PIPE, stderr=log)

        async def stop_simulator():
            if sim.returncode is None:
                sim.terminate()
                await asyncio.wait_for(sim.wait(), 20)

        stack.push_async_callback(stop_simulator)
        ready = json.loads(await asyncio.wait_for(sim.stdout.readline(), 60))
        await headends.add("hes-sim", url=ready["url"] + "/iec", rotate=True, password=password)
        # a second head-end that is down: every fifth water heater is behind it
        await headends.add("hes-down", url=f"http://127.0.0.1:{closed_port()}/iec", vendor="standard",
                           transport="bare")
        rows = list(read_rows(topology))
        heaters = [r for r in rows if r["kind"] == "water_heater"]
        for r in heaters[::5]:
            r["headend"] = "hes-down"
        engine = make_engine(settings.catalogue_url)
        stack.push_async_callback(engine.dispose)
        report = await TopologyStore(sessionmaker(engine)).import_rows(rows)
        assert report.rejected == []

        prom = Prom(prometheus([running.url.removeprefix("http://")]), http)
        since = time.time()
        await prom.load_rules()
        token = await running.context.users.create_token("observability-e2e", Role.OPERATOR, created_by="test")
        transformers = sorted({r["transformer"] for r in heaters})
        meters = sorted({r["transformer"] for r in rows if r["kind"] == "meter"} - set(transformers))

        async def wave(n: int) -> str:
            """What a control room sees in a busy minute: an event created by an operator over REST,
            an outage, a head-end sending garbage, a raw message nobody can route."""
            share = transformers[n::WAVES]  # each wave its own devices: events must not overlap
            async with http.post(f"{running.url}/api/v1/events", headers={"Authorization": f"Bearer {token}"},
                                 json={"program": "water-heater-shed", "targets": [f"transformer:{t}" for t in share],
                                       "start": (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat(),
                                       "duration_minutes": 15, "reason": f"observability wave {n}"}) as r:
                assert r.status == 201, await r.text()
                event = (await r.json())["id"]
            async with http.post(f"{ready['url']}/sim/outage", json={
                    "scenario": "transformer", "target": meters[n], "duration_s": 30}) as r:
                assert r.status == 200, await r.text()
            async with http.post(f"{running.url}/iec/v1/messages", data=b"<not-iec/>",
                                 auth=aiohttp.BasicAuth("hes-sim", password),
                                 headers={"Content-Type": "application/xml"}) as r:
                assert r.status >= 400
            await running.runtime.publish(Record(topics.IEC_INBOUND, "cis", b"not xml"))
            return event

        # waves a few scrapes apart until every panel shows data: a counter must move while
        # Prometheus watches for its rate to show, so one burst of activity is not enough
        async def measure_reduction(event: str) -> dict:
            """The MDM's interval reads arrive for the event's premises (15 days of history at 4 kW,
            2 kW during the event); then the operator asks for the measured reduction over REST."""
            auth = {"Authorization": f"Bearer {token}"}
            async with http.get(f"{running.url}/api/v1/events/{event}", headers=auth) as r:
                body = await r.json()
            start, end = (datetime.fromisoformat(body[k]) for k in ("start", "end"))
            async with http.get(f"{running.url}/api/v1/events/{event}/reduction", headers=auth) as r:
                assert r.status == 200, await r.text()
                first = await r.json()
            meters = sorted({*first["unmeasured"], *first["devices"]})
            assert meters, first
            s = int(start.timestamp()) // 900 * 900
            e = -(-int(end.timestamp()) // 900) * 900
            reads = [(m, KWH_15MIN_DELIVERED, ts, 0.5 if s < ts <= e else 1.0, None)
                     for m in meters for ts in range(s - 15 * 86400, e + 900, 900)]
            await running.context.readings.insert_many(reads)
            async with http.get(f"{running.url}/api/v1/events/{event}/reduction", headers=auth) as r:
                assert r.status == 200, await r.text()
                return await r.json()

        queries = panel_queries()
        events, missing = [], queries
        for n in range(WAVES):
            events.append(await wave(n))
            if n == 1:
                measured = await measure_reduction(events[0])
                assert measured["total"] and measured["total"]["average_kw"] > 0, measured
            deadline = time.monotonic() + 12
            while missing and time.monotonic() < deadline:
                await asyncio.sleep(2)
                missing = [q for q in missing if not await prom.has_data(q[2], since)]
            if not missing:
                break
        empty = "\n".join(f"{board} / {title}: {expr}" for board, title, expr in missing)
        assert not missing, f"panels without data after {len(events)} waves (events {events}):\n{empty}"

        # the alert rules, loaded into the same Prometheus, evaluate without error
        names = {r["alert"] for r in alert_rules()}

        async def evaluated():
            rules = await prom.rules()
            return (len(rules) == len(names) and all(r["health"] == "ok" and not r["lastEvaluation"].startswith("0001")
                                                     for r in rules) and rules)

        rules = await until(evaluated, timeout=30, what="alert rules evaluated")
        state = {r["name"]: r["state"] for r in rules}
        assert set(state) == names
        assert state["OrchestratorScrapeDown"] == "inactive"
        # dead letters keep coming: pending now, firing if they go on for 15 minutes
        assert state["OrchestratorDeadLettersGrowing"] in ("pending", "firing")

        # a third of the devices reject the control: the campaign failure-rate alert is on its way
        async def failing():
            rules = {r["name"]: r for r in await prom.rules()}
            return rules["OrchestratorCampaignFailureRate"]["state"] in ("pending", "firing") and rules

        # Rules evaluate every second, but on a loaded machine the 15-minute increase can take a while
        # to cross the threshold: wait up to two minutes.
        rules = await until(failing, timeout=120, what="the campaign failure-rate alert pending", interval=1)
        [alert] = rules["OrchestratorCampaignFailureRate"]["alerts"]
        assert alert["labels"]["program"] == "water-heater-shed" and float(alert["value"]) > 0.2
