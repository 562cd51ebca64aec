"""The embedded runtime: durable channels, batched commits, recovery, dead letters, sinks."""
from __future__ import annotations

import json

from orchestrator import topics
from orchestrator.processors.base import DeadLetter, Processor, Record, Sink
from orchestrator.runtime.embedded import EmbeddedRuntime


async def _tally(record: Record, state) -> list[Record]:
    """Counts records per key and echoes them upper-cased; fails on a poison value."""
    if record.value == b"poison":
        raise ValueError("cannot digest poison")
    state[record.key] = state.get(record.key, 0) + 1
    return [Record("out", record.key, record.value.upper())]


TALLY = Processor("tally", ("in",), ("out", topics.DEADLETTER), _tally)


async def test_processes_in_batches_and_keeps_per_key_order(tmp_path):
    runtime = EmbeddedRuntime(tmp_path / "rt.db", batch_size=3)
    runtime.add_processor(TALLY)
    async with runtime:
        await runtime.publish([Record("in", f"k{i % 2}", f"v{i}".encode()) for i in range(10)])
        await runtime.drain()
        out = runtime.read_topic("out")
        assert [r.value for r in out if r.key == "k0"] == [b"V0", b"V2", b"V4", b"V6", b"V8"]
        assert runtime.state_of("tally") == {"k0": 5, "k1": 5}


async def test_a_failing_record_is_dead_lettered_and_the_rest_goes_on(tmp_path):
    runtime = EmbeddedRuntime(tmp_path / "rt.db")
    runtime.add_processor(TALLY)
    async with runtime:
        await runtime.publish([Record("in", "a", b"x"), Record("in", "a", b"poison"), Record("in", "a", b"y")])
        await runtime.drain()
        assert [r.value for r in runtime.read_topic("out")] == [b"X", b"Y"]
        [letter] = [DeadLetter.from_record(r) for r in runtime.read_topic(topics.DEADLETTER)]
        assert letter.processor == "tally" and "cannot digest poison" in letter.reason
        assert letter.payload == "poison" and letter.source_topic == "in"


async def test_state_offsets_and_unread_records_survive_a_restart(tmp_path):
    path = tmp_path / "rt.db"
    first = EmbeddedRuntime(path)
    first.add_processor(TALLY)
    async with first:
        await first.publish([Record("in", "a", b"1"), Record("in", "a", b"2")])
        await first.drain()
    # Published while no consumer runs: durable, processed after the next start.
    await EmbeddedRuntime(path).publish(Record("in", "a", b"3"))
    second = EmbeddedRuntime(path)
    second.add_processor(TALLY)
    async with second:
        await second.drain()
        assert second.state_of("tally") == {"a": 3}
        assert [r.value for r in second.read_topic("out")] == [b"1", b"2", b"3"]  # nothing processed twice


async def test_a_failing_sink_batch_is_retried_not_skipped(tmp_path):
    seen: list[bytes] = []
    calls = {"n": 0}

    async def flaky(records: list[Record]) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("store unavailable")
        seen.extend(r.value for r in records)

    runtime = EmbeddedRuntime(tmp_path / "rt.db")
    runtime.add_sink(Sink("flaky", ("in",), flaky))
    async with runtime:
        await runtime.publish([Record("in", None, b"a"), Record("in", None, b"b")])
        await runtime.drain(timeout=10)
    assert seen == [b"a", b"b"] and calls["n"] == 2


async def test_state_is_written_in_one_transaction_with_the_offset(tmp_path):
    import sqlite3

    runtime = EmbeddedRuntime(tmp_path / "rt.db", batch_size=4)
    runtime.add_processor(TALLY)
    async with runtime:
        await runtime.publish([Record("in", "k", b"v")] * 8)
        await runtime.drain()
    db = sqlite3.connect(tmp_path / "rt.db")
    offset = db.execute("SELECT \"offset\" FROM consumer_offset WHERE consumer='tally'").fetchone()[0]
    stored = json.loads(db.execute("SELECT value FROM processor_state WHERE processor='tally' AND key='k'")
                        .fetchone()[0])
    processed = db.execute("SELECT count(*) FROM channel_log WHERE topic='in' AND \"offset\" <= ?",
                           (offset,)).fetchone()[0]
    assert stored == processed == 8
