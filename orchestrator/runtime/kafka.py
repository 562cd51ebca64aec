"""Kafka runtime: a faust-streaming app whose agents and tables call the same processors.

Each processor becomes one agent over its input topics and one changelog-backed table holding
its state (the mapping the processor sees). Workers scale by partition; state follows the
partitions of the records that wrote it, so keys must be chosen so that related records share
a partition (see the keys in ``orchestrator.topics``). Delivery is at-least-once: processors
dedupe by message id.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

import faust

from orchestrator import topics
from orchestrator.logs import get_logger
from orchestrator.logs import bound_contextvars
from orchestrator.metrics import DEAD_LETTERS, MESSAGES_CONSUMED, MESSAGES_PRODUCED
from orchestrator.runtime.observability import ConsumerLag, count_iec_messages, record_log_fields
from orchestrator.processors.base import DeadLetter, Processor, Record, Sink
from orchestrator.settings import Settings

log = get_logger(__name__)


class TableState(MutableMapping[str, Any]):
    """The processor's state port over a faust table (whose writes go to its changelog)."""

    def __init__(self, table: faust.Table):
        self._table = table

    def __getitem__(self, key: str) -> Any:
        if key not in self._table:  # a faust table with a default would create the key on read
            raise KeyError(key)
        return self._table[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._table[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self._table:
            raise KeyError(key)
        del self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._table.keys()))

    def __len__(self) -> int:
        return len(self._table)


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
        broker_commit_every=100,
        broker_commit_interval=1.0,
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


def _observe_lag(app: faust.App, lag: ConsumerLag, consumer: str, message) -> None:
    try:
        highwater = app.consumer.highwater(message.tp)
    except Exception:  # no fetch for that partition yet: nothing to report
        return
    lag.observe(consumer, message.tp, message.offset, highwater)


class TopicNames:
    """Maps the processors' topic names to the cluster's (with the deployment's prefix) and back."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix

    def real(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def logical(self, name: str) -> str:
        return name[len(self.prefix):] if self.prefix and name.startswith(self.prefix) else name


def _add_sink(app: faust.App, sink: Sink, names: TopicNames, batch: int = 200, within_s: float = 0.5, *,
              lag: ConsumerLag | None = None) -> None:
    source = app.topic(*(names.real(t) for t in sink.inputs), key_serializer="raw", value_serializer="raw",
                       partitions=app.conf.topic_partitions)

    async def agent(stream):
        async for events in stream.take_events(batch, within=within_s):
            records = [Record(topic=names.logical(e.message.topic), key=e.key.decode() if isinstance(e.key, bytes) else e.key,
                              value=e.value) for e in events]
            for r in records:
                MESSAGES_CONSUMED.labels(topic=r.topic, consumer=sink.name, runtime="kafka").inc()
            if lag is not None and events:
                _observe_lag(app, lag, sink.name, events[-1].message)
            # Offsets are committed after the agent returns from the batch, so a failing write is
            # retried by redelivery rather than skipped.
            with bound_contextvars(consumer=sink.name, batch_size=len(records)):
                await sink.write(records)

    app.agent(source, name=sink.name)(agent)


def _add_agent(app: faust.App, processor: Processor, out_topic, names: TopicNames,
               lag: ConsumerLag | None = None) -> None:
    # Keys and values are JSON in the changelog (faust's default for tables).
    table = app.Table(state_table_name(processor), partitions=app.conf.topic_partitions)
    state = TableState(table)
    source = app.topic(*(names.real(t) for t in processor.inputs), key_serializer="raw", value_serializer="raw",
                       partitions=app.conf.topic_partitions)

    async def agent(stream):
        async for event in stream.events():
            message = event.message
            key = event.key.decode() if isinstance(event.key, bytes) else event.key
            headers = tuple((k, v.decode() if isinstance(v, bytes) else v) for k, v in (message.headers or []))
            record = Record(topic=names.logical(message.topic), key=key, value=event.value, headers=headers,
                            partition=message.partition)
            MESSAGES_CONSUMED.labels(topic=record.topic, consumer=processor.name, runtime="kafka").inc()
            if lag is not None:
                _observe_lag(app, lag, processor.name, message)
            try:
                with bound_contextvars(**record_log_fields(record, processor.name)):
                    outputs = await processor.process(record, state)
            except Exception as exc:  # one bad record must not stop the partition: dead-letter it
                log.warning("processor failed on a record", processor=processor.name, topic=record.topic,
                            key=record.key, error=repr(exc))
                DEAD_LETTERS.labels(source_topic=record.topic, reason="processor_error").inc()
                outputs = [DeadLetter(source_topic=record.topic, reason=f"{type(exc).__name__}: {exc}",
                                      key=record.key, processor=processor.name,
                                      payload=record.value.decode("utf-8", "replace")[:65536])
                           .to_record(topics.DEADLETTER)]
            for out in outputs:
                await out_topic(out.topic).send(
                    key=out.key.encode() if out.key is not None else None, value=out.value,
                    headers=[(k, v.encode()) for k, v in out.headers] or None)
                MESSAGES_PRODUCED.labels(topic=out.topic, runtime="kafka").inc()
            count_iec_messages(outputs)

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
