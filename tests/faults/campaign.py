"""A whole campaign on the Kafka runtime, for injecting faults into: the API process (scheduler,
dispatcher, IEC endpoint) in this process, ``orchestrator worker`` subprocesses (processors, the
head-end client, the progress sink), a head-end simulator in this process that records the
MessageID of every control it receives, and a catalogue on PostgreSQL.

The fleet is set up so that every device's end state is known beforehand: most devices confirm,
some are not enrolled (SKIPPED_INELIGIBLE), some exist in the topology but not behind the head-end
(REJECTED by the head-end's PARTIAL reply). Acknowledgement timeouts are longer than any test, so
a device never times out and is never sent a retry: one control MessageID per device, or a
message was built twice.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import yaml
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import GroupCoordinatorNotAvailableError

from orchestrator import topics
from orchestrator.demo import shipped_programs_dir, write_demo_programs
from orchestrator.processors import correlator
from orchestrator.runtime.kafka import changelog_topic, fold_changelog
from orchestrator.service import Running, start
from orchestrator.settings import Settings
from orchestrator.simulator import generate_fleet
from orchestrator.simulator.behaviour import Behaviour, Latency
from orchestrator.simulator.headend import (
    EDC_NS,
    HeadEndSimulator,
    OrchestratorLink,
    _control_spec,
)
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from tests.contract.harness import consume, create_topics

PROGRAM = "ac-cycling"
KINDS = ("thermostat", "load_control_switch")
HEADEND = "hes-sim"
NOT_ENROLLED_EVERY = 25  # every 25th controllable device left out of the program: SKIPPED_INELIGIBLE
GHOSTS = 7  # thermostats in the topology the head-end does not know: REJECTED
MESSAGE_SIZE = 40  # devices per EndDeviceControls message: many messages, several per ramp step
RAMP_STEPS = 5  # the dispatch is spread over ramp steps two seconds apart: faults hit it mid-way


class RecordingHeadEnd(HeadEndSimulator):
    """The simulator, also keeping every control MessageID each device was sent under."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.control_ids: dict[str, set[str]] = defaultdict(set)
        self.control_messages: Counter = Counter()  # MessageID -> times received

    def _controls(self, message):
        message_id = message.Header.MessageID
        self.control_messages[message_id] += 1
        for doc in message.payload_documents():
            for el in doc.element().iter(f"{{{EDC_NS}}}EndDeviceControl"):
                for device in _control_spec(el)["devices"]:
                    self.control_ids[device].add(message_id)
        return super()._controls(message)

    def devices_with_several_ids(self) -> dict[str, set[str]]:
        return {d: ids for d, ids in self.control_ids.items() if len(ids) > 1}


@dataclass
class Plan:
    """The fleet's import rows and the rollup the campaign must end with."""

    rows: list[dict]
    targets: list[str]
    expected: Counter
    simulated: object  # the simulator's Fleet

    @property
    def dispatched(self) -> int:
        return self.expected["CONFIRMED"] + self.expected["REJECTED"]

    @property
    def dispatched_devices(self) -> set[str]:
        return {r["device"] for r in self.rows if r["kind"] in KINDS and r["programs"]}


def plan(meters: int, seed: int = 11) -> Plan:
    fleet = generate_fleet(meters, seed=seed, headend=HEADEND, vendor="standard")
    rows = fleet.import_rows()
    controllable = [r for r in rows if r["kind"] in KINDS]
    for r in controllable[::NOT_ENROLLED_EVERY]:
        r["programs"] = ""
    host = next(r for r in rows if r["kind"] == "thermostat")
    rows += [{**host, "device": f"GHOST-{i:03d}", "programs": PROGRAM} for i in range(GHOSTS)]
    skipped = len(controllable[::NOT_ENROLLED_EVERY])
    expected = Counter(CONFIRMED=len(controllable) - skipped, REJECTED=GHOSTS, SKIPPED_INELIGIBLE=skipped)
    return Plan(rows, [f"substation:{s}" for s in fleet.substations], expected, fleet)


def write_programs(directory: Path, devices: int) -> Path:
    """The shipped programs with the calendar limits relaxed, a ramp, and acknowledgement timeouts
    no test outlives."""
    target = write_demo_programs(shipped_programs_dir(), directory)
    path = target / f"{PROGRAM}.yaml"
    program = yaml.safe_load(path.read_text())
    program["ramp"] = {"step_devices": -(-devices // RAMP_STEPS), "step_interval_s": 2}
    program["acknowledgement"] = {"reply_timeout_s": 900, "confirmation_timeout_s": 1800, "retries": 1,
                                  "backoff_s": 60, "backoff_factor": 2}
    path.write_text(yaml.safe_dump(program, sort_keys=False))
    return target


@dataclass
class KafkaCampaign:
    """The running system. ``start_worker``/``kill_worker`` manage worker processes by index."""

    bootstrap: str
    database_url: str
    directory: Path
    plan: Plan
    worker_env: dict[str, str] = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"f{uuid.uuid4().hex[:6]}.")
    workers: list[subprocess.Popen] = field(default_factory=list)
    running: Running | None = None
    simulator: RecordingHeadEnd | None = None
    http: aiohttp.ClientSession | None = None
    event_id: str = ""

    @property
    def app_id(self) -> str:
        return f"faults-{self.prefix[:-1]}"

    @property
    def url(self) -> str:
        return self.running.url

    async def start(self, stack: AsyncExitStack) -> "KafkaCampaign":
        await create_topics(self.bootstrap, [self.prefix + t for t in topics.ALL])
        await upgrade_async(self.database_url)
        engine = make_engine(self.database_url)
        try:
            report = await TopologyStore(sessionmaker(engine)).import_rows(self.plan.rows)
            assert report.rejected == [], report.rejected[:3]
        finally:
            await engine.dispose()
        programs = write_programs(self.directory / "programs", self.plan.dispatched + self.plan.expected[
            "SKIPPED_INELIGIBLE"])
        settings = Settings(runtime="kafka", kafka_bootstrap=self.bootstrap, kafka_topic_prefix=self.prefix,
                            database_url=self.database_url, data_dir=self.directory / "api", http_port=0,
                            programs_dir=programs, dispatch_message_size=MESSAGE_SIZE,
                            metrics_sample_interval_s=60.0)
        self.running = await start(settings, stack)
        link = OrchestratorLink(self.running.url, attempts=8)
        behaviour = Behaviour(seed=3, reading_interval_s=0, confirm_latency=Latency("uniform", 0.2, 1.0),
                              reply_latency=Latency("uniform", 0.1, 0.5))
        self.simulator = RecordingHeadEnd(self.plan.simulated, behaviour, link=link)
        sim_url = await self.simulator.start()
        stack.push_async_callback(self.simulator.stop)
        _, password = await self.running.context.headends.add(HEADEND, url=f"{sim_url}/iec", vendor="standard",
                                                             rotate=True)
        link.username, link.password = HEADEND, password
        self.http = aiohttp.ClientSession()
        stack.push_async_callback(self.http.close)
        stack.callback(self.stop_workers)
        self.worker_env = dict(os.environ, ORCHESTRATOR_LOG_FORMAT="console", ORCHESTRATOR_LOG_LEVEL="warning",
                               ORCHESTRATOR_KAFKA_TOPIC_PREFIX=self.prefix, ORCHESTRATOR_PROGRAMS_DIR=str(programs),
                               ORCHESTRATOR_WORKER_METRICS_PORT="0", ORCHESTRATOR_CORRELATION_TICK_S="1",
                               **self.worker_env)
        return self

    # ------------------------------------------------------------------ workers
    def start_worker(self) -> subprocess.Popen:
        """``orchestrator worker`` number n, member ``worker-n`` of the group (faust's BROKER_CLIENT_ID)."""
        n = len(self.workers)
        directory = self.directory / f"worker-{n}"
        directory.mkdir(parents=True, exist_ok=True)
        log = open(self.directory / f"worker-{n}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "orchestrator.cli", "worker", "--kafka-bootstrap", self.bootstrap, "--app-id",
             self.app_id, "--database-url", self.database_url, "--data-dir", str(directory)],
            stdout=log, stderr=subprocess.STDOUT, env={**self.worker_env, "BROKER_CLIENT_ID": f"worker-{n}"},
            start_new_session=True)
        log.close()
        self.workers.append(proc)
        return proc

    async def until_group(self, members: list[str], timeout: float = 90) -> None:
        """Wait until exactly ``members`` hold the group's partitions (the workers consume)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if sorted(await assignments(self.bootstrap, self.app_id)) == sorted(members):
                    return
            except GroupCoordinatorNotAvailableError:  # no member has joined yet
                pass
            assert all(p.poll() is None for p in self.workers), self.worker_logs()
            await asyncio.sleep(0.5)
        raise AssertionError(f"the group never settled with {members}\n{self.worker_logs()}")

    def kill_worker(self, n: int) -> None:
        os.killpg(self.workers[n].pid, signal.SIGKILL)
        self.workers[n].wait(10)

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def worker_logs(self, chars: int = 3000) -> str:
        return "\n".join(f"--- worker-{n}.log\n" + (self.directory / f"worker-{n}.log").read_text()[-chars:]
                         for n in range(len(self.workers)))

    # ------------------------------------------------------------------ the campaign
    async def create_event(self, starts_in_s: float = 3.0, minutes: int = 60) -> str:
        begin = datetime.now(timezone.utc) + timedelta(seconds=starts_in_s)
        async with self.http.post(f"{self.url}/api/v1/events", json={
                "program": PROGRAM, "targets": self.plan.targets, "start": begin.isoformat(),
                "duration_minutes": minutes, "reason": "fault injection"}) as r:
            assert r.status == 201, await r.text()
            self.event_id = (await r.json())["id"]
        return self.event_id

    async def rollup(self) -> Counter:
        async with self.http.get(f"{self.url}/api/v1/events/{self.event_id}") as r:
            assert r.status == 200, await r.text()
            return Counter({k: v for k, v in (await r.json())["rollup"].items() if v})

    def answered(self, rollup: Counter) -> int:
        """Devices the workers have moved on from SENT (a reply or a confirmation came back)."""
        return sum(rollup[s] for s in ("ACCEPTED", "CONFIRMED", "REJECTED"))

    async def wait_for(self, predicate, timeout: float, what: str, alive=None) -> Counter:
        """Poll the rollup until ``predicate(rollup)``; fail with the last rollup and the worker logs."""
        alive = alive or (lambda: all(p.poll() is None for p in self.workers))
        deadline = time.monotonic() + timeout
        rollup: Counter = Counter()
        while time.monotonic() < deadline and alive():
            rollup = await self.rollup()
            if predicate(rollup):
                return rollup
            await asyncio.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}; rollup {dict(rollup)}; correlator state "
                             f"{dict(await self.correlator_states())}; simulator "
                             f"{json.dumps(self.simulator.snapshot()['link'])}\n{self.worker_logs()}")

    async def correlator_states(self) -> Counter:
        """Devices per state in the correlator's own table (its changelog), to tell a record the
        correlator never moved from an update that did not reach the catalogue."""
        changelog = changelog_topic(self.app_id, SimpleNamespace(name=correlator.NAME))
        entries = await consume(self.bootstrap, [changelog], until=0, timeout=20, settle=1.0)
        state = fold_changelog([(k, v) for _, k, v, _ in entries])
        counts = Counter(v["state"] for k, v in state.items()
                         if isinstance(v, dict) and "state" in v and k.endswith(f"|{self.event_id}"))
        counts["held (events waiting for their record)"] = sum(len(v) for k, v in state.items()
                                                               if k.endswith("|held") and v)
        return counts

    async def dead_letters(self) -> list[dict]:
        async with self.http.get(f"{self.url}/api/v1/deadletters") as r:
            return await r.json()


async def assignments(bootstrap: str, group: str) -> dict[str, set[tuple[str, int]]]:
    """Member client id -> the (topic, partition)s it holds, from the group coordinator."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    held: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for described in response.groups:
        for member in described[5]:
            client_id, raw = member[1], member[-1]
            if raw:
                for topic, partitions in ConsumerProtocolMemberAssignment.decode(raw).assignment:
                    held[client_id].update((topic, p) for p in partitions)
    return dict(held)
