"""Embedded runtime: one process, no broker. Channels named like the Kafka topics, kept durable
in SQLite (WAL), and processor state in the same file.

Each consumer (a processor or a sink) reads the channels it subscribes to from its committed
offset, processes a batch, then commits in ONE transaction: the records it produced, the state
keys it changed and its new offset. A crash therefore replays at most the uncommitted batches
against the state as it was at the last commit — the same at-least-once-with-idempotent-processing
contract as Kafka, with less duplication. On start, state and offsets are recovered from the file.

The consumers' commits run on one writer thread with its own connection: while the event loop
processes batch N+1, that thread commits batch N (one commit in flight per consumer, in order).
Python's sqlite3 releases the GIL while SQLite works, so on two cores the two overlap. A batch's
state changes are serialised on the loop thread before the next batch runs, so what a commit
writes is the state as of exactly the offset it commits; a crash loses at most the batch being
committed and the one being processed, and replays them against the state of the last commit.
"""
from __future__ import annotations

import asyncio
import heapq
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from orchestrator import fastjson
from orchestrator.logs import bound_contextvars, get_logger, reset_fields, set_fields
from orchestrator.metrics import MESSAGES_CONSUMED, MESSAGES_PRODUCED, PROCESSOR_LAG
from orchestrator.runtime.observability import count_iec_messages, processor_failure, record_log_fields
from orchestrator.processors.base import Processor, Record, Sink, SinkFn

log = get_logger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS channel_log (
    "offset"    INTEGER PRIMARY KEY AUTOINCREMENT,
    topic       TEXT NOT NULL,
    key         TEXT,
    value       BLOB NOT NULL,
    headers     TEXT NOT NULL DEFAULT '[]',
    appended_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS channel_log_topic ON channel_log (topic, "offset");
CREATE TABLE IF NOT EXISTS consumer_offset (
    consumer TEXT PRIMARY KEY,
    "offset" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS processor_state (
    processor TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (processor, key)
) WITHOUT ROWID;
"""

LAG_INTERVAL_S = 1.0

_INSERT_LOG = "INSERT INTO channel_log (topic, key, value, headers, appended_at) VALUES (?,?,?,?,?)"
_INSERT_LOG_ROWS = "INSERT INTO channel_log (topic, key, value, headers, appended_at) VALUES {rows}"
_UPSERT_STATE_ROWS = ("INSERT INTO processor_state (processor, key, value) VALUES {rows} "
                      "ON CONFLICT(processor, key) DO UPDATE SET value=excluded.value")
_MAX_ROWS = 500  # rows per statement: 2,500 parameters at most, well under SQLite's limit (32,766)
_READ_TOPIC = ('SELECT "offset", topic, key, value, headers FROM channel_log '
               'WHERE topic=? AND "offset" > ? ORDER BY "offset" LIMIT ?')
_UPSERT_OFFSET = ('INSERT INTO consumer_offset (consumer, "offset") VALUES (?, ?) '
                  'ON CONFLICT(consumer) DO UPDATE SET "offset"=excluded."offset"')


@lru_cache(maxsize=64)
def _rows_sql(template: str, width: int, n: int) -> str:
    row = "(" + ",".join("?" * width) + ")"
    return template.format(rows=",".join([row] * n))


def _insert_rows(db: sqlite3.Connection, template: str, width: int, rows: list[tuple]) -> None:
    """Rows inserted in order, as executemany would, in few statements."""
    for i in range(0, len(rows), _MAX_ROWS):
        chunk = rows[i:i + _MAX_ROWS]
        db.execute(_rows_sql(template, width, len(chunk)), [v for row in chunk for v in row])


def _log_rows(records: list[Record]) -> list[tuple]:
    now = time.time()
    return [(r.topic, r.key, r.value, fastjson.dumps_str(r.headers) if r.headers else "[]", now) for r in records]


def _count_appended(records: list[Record]) -> None:
    if not records:
        return
    for topic, n in Counter(r.topic for r in records).items():
        MESSAGES_PRODUCED.labels(topic=topic, runtime="embedded").inc(n)
    count_iec_messages(records)


def rows_left(batch: list, batch_size: int) -> bool:
    """A full batch means more rows may be waiting; a short one means the consumer caught up."""
    return len(batch) >= batch_size


class TrackedState(MutableMapping[str, Any]):
    """A dict that remembers which keys changed since the last commit."""

    def __init__(self, initial: dict[str, Any]):
        self._data = initial
        self.dirty: set[str] = set()
        self.deleted: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    # get and `in` run several times per record: the Mapping defaults go through a KeyError each miss
    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.dirty.add(key)
        if self.deleted:
            self.deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self.dirty.discard(key)
        self.deleted.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def snapshot(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._data))


@dataclass
class _Consumer:
    name: str
    inputs: tuple[str, ...]
    offset: int = 0
    processor: Processor | None = None
    sink: SinkFn | None = None
    state: TrackedState | None = None
    task: asyncio.Task | None = None
    caught_up: asyncio.Event = field(default_factory=asyncio.Event)
    lag_measured_at: float = 0.0

    @property
    def placeholders(self) -> str:
        return ",".join("?" * len(self.inputs))


@dataclass
class _Commit:
    """One processed batch as its transaction writes it: serialised when the batch ended."""

    consumer: str
    offset: int
    outputs: list[Record]
    log_rows: list[tuple]
    upserts: list[tuple]
    deletes: list[tuple]
    more: bool  # a full batch: more rows may be waiting


class EmbeddedRuntime:
    """Feeds processors and sinks from durable SQLite channels. Use ``async with`` or start/stop."""

    def __init__(self, path: Path | str, *, batch_size: int = 500, retention_s: float = 7 * 86400):
        self.path = Path(path)
        self.batch_size = batch_size
        self.retention_s = retention_s
        self._db: sqlite3.Connection | None = None
        self._writer: ThreadPoolExecutor | None = None  # the consumers' SQLite work, one thread
        self._wdb: sqlite3.Connection | None = None  # the writer thread's connection
        self._consumers: dict[str, _Consumer] = {}
        self._wakeup = asyncio.Condition()
        self._running = False

    # ----------------------------------------------------------------- lifecycle
    def open(self) -> None:
        if self._db is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes; fsync at checkpoints
        db.executescript(SCHEMA)
        self._db = db

    def add_processor(self, processor: Processor) -> None:
        self._register(_Consumer(processor.name, processor.inputs, processor=processor))

    def add_sink(self, sink: Sink) -> None:
        self._register(_Consumer(sink.name, sink.inputs, sink=sink.write))

    def _register(self, consumer: _Consumer) -> None:
        if consumer.name in self._consumers:
            raise ValueError(f"consumer {consumer.name!r} registered twice")
        if self._running:
            raise RuntimeError("register consumers before start()")
        self._consumers[consumer.name] = consumer

    async def start(self) -> None:
        self.open()
        assert self._db is not None
        for c in self._consumers.values():
            row = self._db.execute('SELECT "offset" FROM consumer_offset WHERE consumer=?', (c.name,)).fetchone()
            c.offset = row[0] if row else 0
            if c.processor is not None:
                rows = self._db.execute("SELECT key, value FROM processor_state WHERE processor=?", (c.name,))
                c.state = TrackedState({k: fastjson.loads(v) for k, v in rows})
        self._running = True
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-writer")
        for c in self._consumers.values():
            c.task = asyncio.create_task(self._consume(c), name=f"consumer:{c.name}")
        log.info("embedded runtime started", path=str(self.path), consumers=sorted(self._consumers))

    async def stop(self) -> None:
        self._running = False
        async with self._wakeup:
            self._wakeup.notify_all()
        for c in self._consumers.values():
            if c.task is not None:
                c.task.cancel()
        await asyncio.gather(*(c.task for c in self._consumers.values() if c.task), return_exceptions=True)
        if self._writer is not None:  # after the commits already handed to it
            await asyncio.get_running_loop().run_in_executor(self._writer, self._close_writer_db)
            self._writer.shutdown(wait=True)
            self._writer = None
        if self._db is not None:
            self._db.close()
            self._db = None

    async def __aenter__(self) -> "EmbeddedRuntime":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- producing
    async def publish(self, records: list[Record] | Record) -> None:
        """Append records durably; when this returns, they survive a crash of the process."""
        if isinstance(records, Record):
            records = [records]
        if not records:
            return
        self.open()
        assert self._db is not None
        with _transaction(self._db):
            self._append(records)
        await self._notify()

    def _append(self, records: list[Record]) -> None:
        assert self._db is not None
        self._db.executemany(_INSERT_LOG, _log_rows(records))
        _count_appended(records)

    async def _notify(self) -> None:
        async with self._wakeup:
            self._wakeup.notify_all()

    # ----------------------------------------------------------------- consuming
    def _in_writer(self, fn, *args) -> asyncio.Future:
        assert self._writer is not None
        return asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    def _writer_db(self) -> sqlite3.Connection:
        """The writer thread's connection (made in that thread, used only there)."""
        if self._wdb is None:
            # A commit may wait for a large publish on the loop's connection: wait longer than the
            # default 5 s rather than lose the consumer to "database is locked".
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60.0)
            db.execute("PRAGMA synchronous=NORMAL")  # per connection, as in open()
            self._wdb = db
        return self._wdb

    def _close_writer_db(self) -> None:
        if self._wdb is not None:
            self._wdb.close()
            self._wdb = None

    def _write(self, commit: _Commit) -> None:
        """One batch's transaction, in the writer thread. Many rows per statement: the thread takes the
        GIL back after every SQLite step, and gets it only when the loop lets go of it."""
        db = self._writer_db()
        with _transaction(db):
            _insert_rows(db, _INSERT_LOG_ROWS, 5, commit.log_rows)
            _insert_rows(db, _UPSERT_STATE_ROWS, 3, commit.upserts)
            for i in range(0, len(commit.deletes), _MAX_ROWS):
                keys = commit.deletes[i:i + _MAX_ROWS]
                db.execute(f"DELETE FROM processor_state WHERE processor=? AND key IN ({','.join('?' * len(keys))})",
                           (commit.consumer, *keys))
            db.execute(_UPSERT_OFFSET, (commit.consumer, commit.offset))

    def _read(self, c: _Consumer, after: int) -> list[tuple]:
        """The next rows of the consumer's topics, in offset order. One index range scan per topic
        (it stops at the batch size), merged: one query over ``topic IN (…) ORDER BY offset`` sorts
        the consumer's whole backlog for every batch."""
        assert self._db is not None
        parts = [rows for rows in (self._db.execute(_READ_TOPIC, (topic, after, self.batch_size)).fetchall()
                                   for topic in c.inputs) if rows]
        if len(parts) <= 1:
            return parts[0] if parts else []
        return list(islice(heapq.merge(*parts, key=itemgetter(0)), self.batch_size))

    async def _consume(self, c: _Consumer) -> None:
        assert self._db is not None
        read_to = c.offset  # the last row read; c.offset is the last one committed
        # The commit handed to the writer thread and its job, not yet known to be committed.
        in_flight: tuple[asyncio.Future, _Commit] | None = None
        while self._running:
            rows = self._read(c, read_to)
            if not rows:
                if in_flight is not None:  # durable before reporting caught up; it may have appended to our inputs
                    await self._committed(c, *in_flight)
                    in_flight = None
                    continue
                c.caught_up.set()
                async with self._wakeup:
                    await self._wakeup.wait_for(lambda: not self._running or self._has_new(c))
                continue
            c.caught_up.clear()
            batch = [Record(t, k, bytes(v), tuple(tuple(h) for h in fastjson.loads(hd)) if hd != "[]" else ())
                     for _, t, k, v, hd in rows]
            try:
                outputs = await self._run_batch(c, batch)  # meanwhile the writer commits the previous batch
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a sink failed as a whole: retry the batch later, never skip it
                log.error("sink failed; batch will be retried", consumer=c.name, error=str(exc))
                if in_flight is not None:
                    await self._committed(c, *in_flight)
                    in_flight = None
                read_to = c.offset
                await asyncio.sleep(1.0)
                continue
            commit = self._batch_commit(c, rows[-1][0], outputs, rows_left(rows, self.batch_size))
            if in_flight is not None:  # one commit in flight at a time, in batch order
                await self._committed(c, *in_flight)
            in_flight = self._in_writer(self._write, commit), commit
            read_to = commit.offset
            await asyncio.sleep(0)  # let producers and other consumers in between batches

    def _batch_commit(self, c: _Consumer, offset: int, outputs: list[Record], more: bool) -> _Commit:
        """Serialise a processed batch now, before the next batch changes the state it commits."""
        commit = _Commit(c.name, offset, outputs, _log_rows(outputs), [], [], more)
        state = c.state
        if state is not None and (state.dirty or state.deleted):
            data, name, dumps = state._data, c.name, fastjson.dumps_str
            commit.upserts = [(name, k, dumps(data[k])) for k in state.dirty]
            commit.deletes = list(state.deleted)
            state.dirty = set()
            state.deleted = set()
        return commit

    async def _committed(self, c: _Consumer, job: asyncio.Future, commit: _Commit) -> None:
        """Wait for the writer thread's commit of a batch, then account for it."""
        await job
        c.offset = commit.offset
        _count_appended(commit.outputs)
        # Counting the backlog reads every unprocessed row: at most once a second, not per batch.
        if time.monotonic() - c.lag_measured_at >= LAG_INTERVAL_S or not commit.more:
            PROCESSOR_LAG.labels(consumer=c.name).set(self._lag(c))
            c.lag_measured_at = time.monotonic()
        if commit.outputs:
            await self._notify()

    def _has_new(self, c: _Consumer) -> bool:
        assert self._db is not None
        row = self._db.execute(f'SELECT 1 FROM channel_log WHERE topic IN ({c.placeholders}) AND "offset" > ? LIMIT 1',
                               (*c.inputs, c.offset)).fetchone()
        return row is not None

    def _lag(self, c: _Consumer) -> int:
        assert self._db is not None
        return self._db.execute(f'SELECT count(*) FROM channel_log WHERE topic IN ({c.placeholders}) AND "offset" > ?',
                                (*c.inputs, c.offset)).fetchone()[0]

    async def _run_batch(self, c: _Consumer, batch: list[Record]) -> list[Record]:
        for topic, n in Counter(r.topic for r in batch).items():
            MESSAGES_CONSUMED.labels(topic=topic, consumer=c.name, runtime="embedded").inc(n)
        if c.sink is not None:
            with bound_contextvars(consumer=c.name, batch_size=len(batch)):
                await c.sink(batch)
            return []
        assert c.processor is not None and c.state is not None
        outputs: list[Record] = []
        for record in batch:
            token = set_fields(lambda: record_log_fields(record, c.name))
            try:
                outputs.extend(await c.processor.process(record, c.state))
            except Exception as exc:  # one bad record must not stop the others: dead-letter it
                outputs.append(processor_failure(c.name, record, exc))
            finally:
                reset_fields(token)
        return outputs

    # ----------------------------------------------------------------- inspection
    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until every consumer has caught up with everything published (tests, demo)."""
        deadline = time.monotonic() + timeout
        while True:
            await asyncio.sleep(0.01)
            if all(c.caught_up.is_set() and not self._has_new(c)
                   for c in self._consumers.values()):
                return
            if time.monotonic() > deadline:
                raise TimeoutError("embedded consumers did not catch up in time")

    def state_of(self, processor: str) -> dict[str, Any]:
        state = self._consumers[processor].state
        return state.snapshot() if state is not None else {}

    def read_topic(self, topic: str) -> list[Record]:
        self.open()
        assert self._db is not None
        rows = self._db.execute('SELECT topic, key, value, headers FROM channel_log WHERE topic=? ORDER BY "offset"',
                                (topic,))
        return [Record(t, k, bytes(v), tuple(tuple(h) for h in json.loads(hd))) for t, k, v, hd in rows]

    def prune(self) -> int:
        """Delete records every consumer has read and that are older than the retention."""
        assert self._db is not None
        if not self._consumers:
            return 0
        low = min(c.offset for c in self._consumers.values())
        cur = self._db.execute('DELETE FROM channel_log WHERE "offset" <= ? AND appended_at < ?',
                               (low, time.time() - self.retention_s))
        return cur.rowcount


class _transaction:
    """BEGIN IMMEDIATE … COMMIT on an autocommit connection; ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
