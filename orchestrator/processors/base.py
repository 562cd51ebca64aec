"""The processor contract: written once, fed by either runtime.

A processor is ``async def process(record, state) -> list[Record]``. It must be idempotent
(delivery is at-least-once on Kafka) and keep everything it remembers in ``state``, a
mutable mapping of str -> JSON-compatible values. The embedded runtime backs the mapping
with SQLite, the Kafka runtime with a changelog-backed faust table; the processor cannot tell.
"""
from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

State = MutableMapping[str, Any]


@dataclass(frozen=True)
class Record:
    """One message on a topic: the same shape on an asyncio channel and on a Kafka topic."""

    topic: str
    key: str | None
    value: bytes
    headers: tuple[tuple[str, str], ...] = ()
    # The partition it was read from (Kafka; always 0 on the embedded runtime). Processors that keep
    # per-partition state (a deadline index swept by ``clock.ticks``) key it by this.
    partition: int = 0

    def header(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.headers:
            if k == name:
                return v
        return default


ProcessFn = Callable[[Record, State], Awaitable[list[Record]]]


@dataclass(frozen=True)
class Processor:
    """A named processor, the topics it consumes and the topics it may produce to."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    process: ProcessFn
    description: str = ""


@dataclass
class DeadLetter:
    """Why a record could not be processed; travels as JSON on the ``deadletter`` topic."""

    source_topic: str
    reason: str
    code: str = "99.1"
    key: str | None = None
    message_id: str | None = None
    processor: str | None = None
    payload: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_record(self, topic: str) -> Record:
        return Record(topic=topic, key=self.source_topic, value=json.dumps(self.__dict__).encode())

    @classmethod
    def from_record(cls, record: Record) -> "DeadLetter":
        return cls(**json.loads(record.value))


SinkFn = Callable[[list[Record]], Awaitable[None]]


@dataclass(frozen=True)
class Sink:
    """An adapter at the end of a topic (store, OMS, head-end client): side effects, no outputs.

    It receives batches and must be idempotent; a batch that raises is retried, never skipped.
    """

    name: str
    inputs: tuple[str, ...]
    write: SinkFn
