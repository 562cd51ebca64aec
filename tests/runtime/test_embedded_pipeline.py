"""The embedded runtime commits batch N on its writer thread while the loop processes batch N+1:
what the file holds must still be one consistent point (outputs, state and offset of the same
batches), whenever the process stops, and big batches must be written whole."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter

from orchestrator.processors.base import Processor, Record
from orchestrator.runtime.embedded import EmbeddedRuntime


async def _tally(record: Record, state) -> list[Record]:
    await asyncio.sleep(0)  # lets a stop land between records
    state[record.key] = state.get(record.key, 0) + 1
    return [Record("out", record.key, record.value)]


TALLY = Processor("tally", ("in",), ("out",), _tally)


def _durable(path) -> tuple[int, dict[str, int], Counter]:
    """Committed offset, stored state and outputs written, as a restart would find them."""
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT \"offset\" FROM consumer_offset WHERE consumer='tally'").fetchone()
        state = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM processor_state "
                                                         "WHERE processor='tally'")}
        outputs = Counter(k for (k,) in db.execute("SELECT key FROM channel_log WHERE topic='out'"))
        read = Counter(k for (k,) in db.execute("SELECT key FROM channel_log WHERE topic='in' AND \"offset\" <= ?",
                                                (row[0] if row else 0,)))
    finally:
        db.close()
    assert state == dict(read) and outputs == read, "state, outputs and offset disagree"
    return (row[0] if row else 0), state, outputs


async def test_a_stop_mid_stream_leaves_outputs_state_and_offset_of_the_same_batches(tmp_path):
    path = tmp_path / "rt.db"
    records = [Record("in", f"k{i % 7}", str(i).encode()) for i in range(3000)]
    first = EmbeddedRuntime(path, batch_size=50)
    first.add_processor(TALLY)
    await first.start()
    await first.publish(records)
    while first._consumers["tally"].offset < 600:  # some batches committed, many to go
        await asyncio.sleep(0.001)
    await first.stop()
    offset, _, outputs = _durable(path)
    assert 600 <= offset < 3000 and sum(outputs.values()) < 3000

    second = EmbeddedRuntime(path, batch_size=50)
    second.add_processor(TALLY)
    async with second:
        await second.drain(timeout=60)
        expected = Counter(r.key for r in records)
        assert second.state_of("tally") == dict(expected)
    offset, state, outputs = _durable(path)
    assert state == dict(expected) and outputs == expected  # each record once: none lost, none twice


async def _sweep(record: Record, state) -> list[Record]:
    if record.key == "clear":
        for key in [k for k in state if k.startswith("item")]:
            del state[key]
        return []
    state[record.key] = record.value.decode()
    return [Record("out", record.key, record.value)]


async def test_batches_bigger_than_one_statement_and_deletes_are_written_whole(tmp_path):
    path = tmp_path / "rt.db"
    runtime = EmbeddedRuntime(path, batch_size=1300)  # more rows than one statement takes
    runtime.add_processor(Processor("sweep", ("in",), ("out",), _sweep))
    async with runtime:
        await runtime.publish([Record("in", f"item{i}", f"v{i}".encode()) for i in range(1200)]
                              + [Record("in", "keep", b"k")])
        await runtime.drain()
        db = sqlite3.connect(path)
        stored = dict(db.execute("SELECT key, value FROM processor_state WHERE processor='sweep'"))
        out = [k for (k,) in db.execute("SELECT key FROM channel_log WHERE topic='out' ORDER BY \"offset\"")]
        assert len(stored) == 1201 and stored["item1199"] == '"v1199"'
        assert out == [f"item{i}" for i in range(1200)] + ["keep"]  # in order
        await runtime.publish(Record("in", "clear", b""))
        await runtime.drain()
        assert dict(db.execute("SELECT key, value FROM processor_state WHERE processor='sweep'")) == {"keep": '"k"'}
        db.close()


async def test_several_topics_are_read_in_offset_order_across_batches(tmp_path):
    seen: list[bytes] = []

    async def note(record: Record, state) -> list[Record]:
        seen.append(record.value)
        return []

    runtime = EmbeddedRuntime(tmp_path / "rt.db", batch_size=4)  # batches cut across the topics
    runtime.add_processor(Processor("note", ("a", "b", "c"), (), note))
    async with runtime:
        published = [Record("abcab"[i % 5] if i % 7 else "c", None, str(i).encode()) for i in range(50)]
        await runtime.publish(published + [Record("other", None, b"x")])
        await runtime.drain()
        await runtime.publish([Record("c", None, b"late-c"), Record("a", None, b"late-a")])
        await runtime.drain()
    assert seen == [r.value for r in published] + [b"late-c", b"late-a"]
