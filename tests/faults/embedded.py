"""The embedded orchestrator as a process to kill: ``orchestrator serve`` on its own data directory
(runtime channels and catalogue in SQLite) and a fixed port, so that a second start after a
SIGKILL finds the same files and is reached at the same address by everyone who knew the first.

Also the head-end side that posts IEC messages to it and remembers which were answered OK, and
readers of what the process left in its files (the runtime's channel log, the correlator's state,
the dispatch records).
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from orchestrator import topics
from orchestrator.processors import outage
from orchestrator.settings import Settings
from orchestrator.store import dispatch_view
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.headends import HeadendStore
from orchestrator.store.topology import TopologyStore

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EmbeddedServer:
    """``orchestrator serve`` in its own process group; ``start`` again after ``kill`` reuses all of it."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)  # ORCHESTRATOR_* settings of the process
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def catalogue_url(self) -> str:
        return Settings(data_dir=self.data_dir).catalogue_url

    @property
    def runtime_db(self) -> Path:
        return self.data_dir / "runtime.db"

    def log(self, n: int) -> Path:
        return self.data_dir.parent / f"serve-{n}.log"

    async def prepare(self, rows: list[dict], headend: str, headend_url: str | None, vendor: str) -> str:
        """Topology and the head-end's registration, before the first start (serve loads topology
        at start); the head-end's password."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        await upgrade_async(self.catalogue_url)
        engine = make_engine(self.catalogue_url)
        try:
            report = await TopologyStore(sessionmaker(engine)).import_rows(rows)
            assert report.rejected == [], report.rejected[:3]
            _, password = await HeadendStore(sessionmaker(engine)).add(headend, url=headend_url, vendor=vendor)
        finally:
            await engine.dispose()
        return password

    async def start(self, timeout: float = 90.0) -> None:
        """Start and wait for the ready line (printed once every part, scheduler included, runs)."""
        self.starts += 1
        log_path = self.log(self.starts)
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "orchestrator.cli", "serve", "--data-dir", str(self.data_dir),
                 "--port", str(self.port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "ORCHESTRATOR_LOG_LEVEL": "warning", "ORCHESTRATOR_LOG_FORMAT": "console",
                     **self.env}, start_new_session=True)
        deadline = time.monotonic() + timeout
        while b"listening on" not in log_path.read_bytes():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not start (exit {self.proc.poll()}):\n{self.log_tail()}")
            await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing is flushed, closed or committed."""
        assert self.proc is not None and self.proc.poll() is None, "serve is not running"
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, chars: int = 4000) -> str:
        return "\n".join(f"--- serve-{n}.log\n" + self.log(n).read_text(errors="replace")[-chars:]
                         for n in range(1, self.starts + 1) if self.log(n).exists())


# ---------------------------------------------------------------------- what the files hold

def _read(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def message_ids_in_log(db: Path, topic: str) -> Counter:
    """How often each IEC MessageID (header ``iec.message_id``) was appended to a runtime channel."""
    found: Counter = Counter()
    for (headers,) in _read(db, "SELECT headers FROM channel_log WHERE topic=?", (topic,)):
        found.update(v for k, v in json.loads(headers) if k == "iec.message_id")
    return found


def correlator_states(db: Path, campaign: str) -> Counter:
    """Devices per dispatch state in the correlator's own records (the runtime's state table)."""
    rows = _read(db, "SELECT key, value FROM processor_state WHERE processor='correlator' AND key LIKE ?",
                 (f"%|{campaign}",))
    return Counter(r["state"] for k, r in ((k, json.loads(v)) for k, v in rows)
                   if not k.startswith("p") and isinstance(r, dict) and "state" in r)


async def catalogue_rollup(catalogue_url: str, campaign: str) -> Counter:
    """Devices per dispatch state as the event API derives them, read from the files (serve may be dead)."""
    engine = make_engine(catalogue_url)
    try:
        return Counter({k: v for k, v in (await dispatch_view.rollup(sessionmaker(engine), campaign)).items() if v})
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------- the head-end side

@dataclass
class IecPoster:
    """Posts IEC messages to the orchestrator as a head-end does: HTTP basic, resent until answered
    OK. Per MessageID it keeps the attempts that may have been stored without an answer (the
    request was sent and the connection then died), which is what may put it in the log twice."""

    url: str
    username: str
    password: str
    concurrency: int = 8
    give_up_s: float = 120.0
    pause_s: float = 0.0  # between two messages of one sender: a stream that lasts, not one burst
    ok: set[str] = field(default_factory=set)
    unanswered: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # connection refused: never reached the server
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    async def post_all(self, messages: list[tuple[str, bytes]], http: aiohttp.ClientSession) -> None:
        """Send (MessageID, body) pairs, ``concurrency`` at a time, each until answered OK."""
        queue: asyncio.Queue = asyncio.Queue()
        for item in messages:
            queue.put_nowait(item)

        async def worker() -> None:
            while not queue.empty():
                message_id, body = queue.get_nowait()
                await self._post(message_id, body, http)
                if self.pause_s:
                    await asyncio.sleep(self.pause_s)

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))

    async def _post(self, message_id: str, body: bytes, http: aiohttp.ClientSession) -> None:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        headers = {"Content-Type": "application/xml", "Authorization": f"Basic {token}"}
        deadline = time.monotonic() + self.give_up_s
        delay = 0.1
        while True:
            try:
                async with http.post(f"{self.url}/iec/v1/messages", data=body, headers=headers) as r:
                    answer = await r.read()
                if r.status == 200:
                    self.ok.add(message_id)
                    return
                # 503 is "not stored, send again"; anything else would be a refusal of a valid message
                self.failures[message_id].append(f"HTTP {r.status}: {answer[:200]!r}")
                if r.status != 503:
                    return
            except aiohttp.ClientConnectorError:
                self.refused[message_id] += 1
            except (aiohttp.ClientError, TimeoutError):
                self.unanswered[message_id] += 1
            if time.monotonic() > deadline:
                self.failures[message_id].append("gave up")
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)


def outage_consumers_caught_up(db: Path) -> bool:
    """The outage detector and the outage store have consumed everything on their channels."""
    offsets = dict(_read(db, 'SELECT consumer, "offset" FROM consumer_offset'))
    for consumer, inputs in ((outage.NAME, (topics.EDE_INBOUND, topics.READINGS_INBOUND, topics.OUTAGE_SIGNALS,
                                            topics.CLOCK_TICKS)),
                             ("outage-store", (topics.OMS_NOTIFICATIONS,))):
        marks = ",".join("?" * len(inputs))
        [(newest,)] = _read(db, f'SELECT max("offset") FROM channel_log WHERE topic IN ({marks})', inputs)
        if newest is not None and offsets.get(consumer, 0) < newest:
            return False
    return True
