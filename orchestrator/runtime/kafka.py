"""Kafka runtime: a faust-streaming app whose agents and tables call the same processors.

Each processor becomes one agent over its input topics and one changelog-backed table holding
its state (the mapping the processor sees). Workers scale by partition; state follows the
partitions of the records that wrote it, so keys must be chosen so that related records share
a partition (see the keys in ``orchestrator.topics``). Delivery is at-least-once: processors
dedupe by message id.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator, MutableMapping
from typing import Any

import faust

from orchestrator import fastjson, topics
from orchestrator.logs import bound_contextvars, get_logger, reset_fields, set_fields
from orchestrator.metrics import MESSAGES_CONSUMED, MESSAGES_PRODUCED
from orchestrator.runtime.faust_recovery import SafeTableManager
from orchestrator.runtime.observability import ConsumerLag, count_iec_messages, processor_failure, record_log_fields
from orchestrator.processors.base import Processor, Record, Sink
from orchestrator.settings import Settings

log = get_logger(__name__)


_DELETED = object()


class BatchState(MutableMapping[str, Any]):
    """The processor's state port over a faust table's store, for one batch of records.

    Reads see the batch's own writes. Writes are kept until ``flush``, which sends each changed key
    once to the table's changelog, in the partition of the record that wrote it, and applies it to
    the store. (Assigning through faust's Table sends one changelog record per assignment, through a
    one-message-at-a-time buffer, before the batch's outputs: see ``flush`` in ``_add_agent``.)
    """

    def __init__(self, store: Any):
        self._store = store
        self._data: dict[str, Any] = store.data
        self._written: dict[str, tuple[int, Any]] = {}
        self.partition = 0  # the partition of the record being processed

    def __getitem__(self, key: str) -> Any:
        written = self._written.get(key)
        if written is None:
            return self._data[key]
        if written[1] is _DELETED:
            raise KeyError(key)
        return written[1]

    def get(self, key: str, default: Any = None) -> Any:
        written = self._written.get(key)
        if written is None:
            return self._data.get(key, default)
        return default if written[1] is _DELETED else written[1]

    def __contains__(self, key: object) -> bool:
        written = self._written.get(key)  # type: ignore[arg-type]
        return key in self._data if written is None else written[1] is not _DELETED

    def __setitem__(self, key: str, value: Any) -> None:
        self._written[key] = (self.partition, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._written[key] = (self.partition, _DELETED)

    def __iter__(self) -> Iterator[str]:
        keys = set(self._data) | set(self._written)
        return iter([k for k in keys if k in self])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    async def flush(self, send, changelog: str) -> list:
        """Apply the batch's writes to the store and send them to ``changelog``; returns the
        producer's futures (the writes are durable when they are done)."""
        key_partition = getattr(self._store, "_key_partition", None)  # which keys a revoke drops
        pending = []
        for key, (partition, value) in self._written.items():
            if value is _DELETED:
                self._data.pop(key, None)
                raw = None
            else:
                self._data[key] = value
                raw = fastjson.dumps(value)
            if key_partition is not None:
                key_partition[key] = partition
            pending.append(await send(changelog, fastjson.dumps(key), raw, partition))
        self._written.clear()
        return pending


def state_table_name(processor: Processor) -> str:
    return f"{processor.name}-state"


def changelog_topic(app_id: str, processor: Processor) -> str:
    """The topic where faust keeps a processor's state; readable by any Kafka client."""
    return f"{app_id}-{state_table_name(processor)}-changelog"


def build_app(settings: Settings, processors: list[Processor], sinks: list[Sink] = (), *,
              web_port: int | None = None) -> faust.App:
    app = faust.App(
        settings.kafka_app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        store="memory://",  # tables are rebuilt from their changelog topics on start
        topic_partitions=settings.kafka_partitions,
        topic_replication_factor=1,
        value_serializer="raw",
        key_serializer="raw",
        datadir=str(settings.data_dir / "faust"),
        web_enabled=web_port is not None,
        web_port=web_port or 6066,
        web_bind="127.0.0.1",
        producer_acks=-1,
        # A batch of records sends thousands of outputs and state changes at once: let the producer pack
        # them into a few large requests instead of many 16 kB ones.
        producer_linger=0.005,
        producer_max_batch_size=512 * 1024,
        broker_commit_every=10_000,  # and at least every broker_commit_interval
        broker_commit_interval=1.0,
        TableManager=SafeTableManager,  # see orchestrator/runtime/faust_recovery.py
        # No standby replicas: with them, the first fetch of each stream partition of a worker was
        # dropped and then committed past (tests/contract/test_backlog_at_start.py, two workers). A
        # worker taking over a partition rebuilds its state from the changelog instead.
        table_standby_replicas=0,
    )
    names = TopicNames(settings.kafka_topic_prefix)
    out_topics: dict[str, faust.TopicT] = {}

    def out_topic(name: str) -> faust.TopicT:
        if name not in out_topics:
            out_topics[name] = app.topic(names.real(name), key_serializer="raw", value_serializer="raw",
                                         partitions=settings.kafka_partitions)
        return out_topics[name]

    lag = ConsumerLag()
    app.orchestrator_consumer_lag = lag  # read by tests

    async def forget_revoked(sender, revoked, **kwargs) -> None:
        lag.revoke(revoked)

    app.on_partitions_revoked.connect(forget_revoked)
    for processor in processors:
        _add_agent(app, processor, out_topic, names, lag)
    for sink in sinks:
        _add_sink(app, sink, names, lag=lag)
    if settings.correlation_tick_s > 0 and any(topics.CLOCK_TICKS in p.inputs for p in processors):
        _add_clock(app, out_topic(topics.CLOCK_TICKS), settings)
    return app


def _add_clock(app: faust.App, ticks: faust.TopicT, settings: Settings) -> None:
    """One wall-clock tick per partition of ``clock.ticks`` (explicit partition) every interval, from
    the leader worker: each partition's processors sweep their own deadline index with it."""

    async def clock() -> None:
        at = json.dumps({"at": round(time.time(), 3)}).encode()
        for partition in range(settings.kafka_partitions):
            await ticks.send(key=f"p{partition}".encode(), value=at, partition=partition)
            MESSAGES_PRODUCED.labels(topic=topics.CLOCK_TICKS, runtime="kafka").inc()

    app.timer(interval=settings.correlation_tick_s, on_leader=True, name="clock-ticks")(clock)


def _observe_lag(app: faust.App, lag: ConsumerLag | None, consumer: str, events: list) -> None:
    """The lag of every partition in a batch, at its last record."""
    if lag is None:
        return
    for message in {e.message.tp: e.message for e in events}.values():
        try:
            highwater = app.consumer.highwater(message.tp)
        except Exception:  # no fetch for that partition yet: nothing to report
            continue
        lag.observe(consumer, message.tp, message.offset, highwater)


def _count_consumed(consumer: str, topic_names: list[str]) -> None:
    for topic, n in Counter(topic_names).items():
        MESSAGES_CONSUMED.labels(topic=topic, consumer=consumer, runtime="kafka").inc(n)


class TopicNames:
    """Maps the processors' topic names to the cluster's (with the deployment's prefix) and back."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix

    def real(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def logical(self, name: str) -> str:
        return name[len(self.prefix):] if self.prefix and name.startswith(self.prefix) else name


def _add_sink(app: faust.App, sink: Sink, names: TopicNames, batch: int = 200, *,
              lag: ConsumerLag | None = None, retry_s: float = 1.0, retry_max_s: float = 30.0) -> None:
    source = app.topic(*(names.real(t) for t in sink.inputs), key_serializer="raw", value_serializer="raw",
                       partitions=app.conf.topic_partitions)

    async def write(events: list) -> None:
        """Write one batch until it succeeds: a failing batch is retried, never skipped (the Sink
        contract), and its records are acked only after the write."""
        records = [Record(topic=names.logical(e.message.topic),
                          key=e.key.decode() if isinstance(e.key, bytes) else e.key, value=e.value) for e in events]
        _count_consumed(sink.name, [r.topic for r in records])
        _observe_lag(app, lag, sink.name, events)
        delay = retry_s
        with bound_contextvars(consumer=sink.name, batch_size=len(records)):
            while True:
                try:
                    await sink.write(records)
                    return
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.error("sink failed; batch will be retried", error=str(exc), retry_in_s=delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, retry_max_s)

    async def agent(stream):
        # Batches as faust hands records over: written once full or when nothing else is waiting.
        # (Stream.take_events can hold the last records of a burst back: see _add_agent.)
        stream = stream.noack()
        events: list = []
        async for event in stream.events():
            events.append(event)
            if len(events) >= batch or stream.channel.empty():
                await write(events)
                for done in events:
                    await stream.ack(done)
                events = []

    app.agent(source, name=sink.name)(agent)


def _add_agent(app: faust.App, processor: Processor, out_topic, names: TopicNames,
               lag: ConsumerLag | None = None, batch: int = 1000) -> None:
    # Keys and values are JSON in the changelog (faust's default for tables).
    table = app.Table(state_table_name(processor), partitions=app.conf.topic_partitions)
    source = app.topic(*(names.real(t) for t in processor.inputs), key_serializer="raw", value_serializer="raw",
                       partitions=app.conf.topic_partitions)
    changelog = changelog_topic(app.conf.id, processor)

    async def send(topic: str, key: bytes | None, value: bytes | None, partition: int | None = None,
                   headers=None):
        return await app.producer.send(topic, key, value, partition=partition, timestamp=None, headers=headers)

    @app.task
    async def declare_outputs() -> None:
        # Sends go straight to the producer, which creates no topic: the outputs are declared at start.
        for name in processor.outputs:
            await out_topic(name).maybe_declare()

    async def flush(state: BatchState, outputs: list[Record]) -> None:
        """Send the batch's outputs, then its state changes, and wait until the broker has them.

        Outputs first: a worker killed in between leaves the state as it was, so the records are
        processed again and their outputs sent again (consumers dedupe). The other way round, the
        new state would make the records stale on reprocessing and their outputs would be lost."""
        pending = []
        for out in outputs:
            pending.append(await send(names.real(out.topic), out.key.encode() if out.key is not None else None,
                                      out.value, headers=[(k, v.encode()) for k, v in out.headers] or None))
        await asyncio.gather(*pending)
        await asyncio.gather(*await state.flush(send, changelog))
        for topic, n in Counter(out.topic for out in outputs).items():
            MESSAGES_PRODUCED.labels(topic=topic, runtime="kafka").inc(n)
        count_iec_messages(outputs)

    async def agent(stream):
        # Records are processed one by one as faust hands them over, and collected into a batch that is
        # flushed (state changes and outputs sent and acknowledged by the broker) once it is full or
        # nothing else is waiting; only then are its records acked, so faust commits no offset whose
        # effects could still be lost. (Stream.take_events was not used: it can hold the last records
        # of a burst back indefinitely.)
        stream = stream.noack()
        state, outputs, events = None, [], []
        async for event in stream.events():
            if state is None:
                state = BatchState(table.data)
            message = event.message
            key = event.key.decode() if isinstance(event.key, bytes) else event.key
            headers = tuple((k, v.decode() if isinstance(v, bytes) else v) for k, v in (message.headers or ()))
            record = Record(topic=names.logical(message.topic), key=key, value=event.value, headers=headers,
                            partition=message.partition)
            state.partition = message.partition
            token = set_fields(lambda: record_log_fields(record, processor.name))
            try:
                outputs.extend(await processor.process(record, state))
            except Exception as exc:  # one bad record must not stop the partition: dead-letter it
                outputs.append(processor_failure(processor.name, record, exc))
            finally:
                reset_fields(token)
            events.append(event)
            if len(events) >= batch or stream.channel.empty():
                _count_consumed(processor.name, [names.logical(e.message.topic) for e in events])
                _observe_lag(app, lag, processor.name, events)
                await flush(state, outputs)
                for done in events:
                    await stream.ack(done)
                state, outputs, events = None, [], []

    app.agent(source, name=processor.name)(agent)


def fold_changelog(values: list[tuple[bytes | None, bytes | None]]) -> dict[str, Any]:
    """Latest value per key from a faust table changelog (JSON keys and values; None value = deleted)."""
    state: dict[str, Any] = {}
    for raw_key, raw_value in values:
        if raw_key is None:
            continue
        key = json.loads(raw_key)
        if raw_value is None:
            state.pop(key, None)
        else:
            state[key] = json.loads(raw_value)
    return state
