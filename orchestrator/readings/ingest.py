"""MeterReadings ingestion: from ``readings.inbound`` (a Sink) and directly (IEC endpoint, bench).

A message is parsed on the fast path (``messages.parse_meter_readings``) and its readings are
written in one bulk statement; a batch of records becomes one statement too. An answer to an
on-request read (``CorrelationID`` = the GetMeterReadings MessageID) also completes the switching
read waiting for it. A message that cannot be read is not retried forever: it is reported (IEC
error code and text) to the dead-letter store, so nothing is lost and the batch goes on.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from prometheus_client import Counter

from orchestrator import topics
from orchestrator.iec import IecError
from orchestrator.logs import get_logger
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.readings.messages import MeterReadingsMessage, parse_meter_readings
from orchestrator.store.readings import ReadingStore

log = get_logger(__name__)

READINGS_STORED = Counter("orchestrator_readings_stored_total", "Meter readings written to the store")
READINGS_MESSAGES = Counter("orchestrator_readings_messages_total", "MeterReadings messages by outcome",
                            ["outcome"])

CompleteRead = Callable[..., Awaitable[bool]]
ReportBad = Callable[[list[DeadLetter]], Awaitable[None]]


@dataclass
class IngestResult:
    messages: int = 0
    readings: int = 0
    rejected: int = 0


class ReadingsIngest:
    def __init__(self, store: ReadingStore, *, complete_read: CompleteRead | None = None,
                 report_bad: ReportBad | None = None):
        self._store = store
        self._complete_read = complete_read
        self._report_bad = report_bad

    async def ingest(self, data: bytes) -> MeterReadingsMessage:
        """One message, directly (raises ``IecError`` for a message that cannot be read)."""
        parsed = parse_meter_readings(data)
        await self._store.insert_many(parsed.readings)
        READINGS_STORED.inc(len(parsed.readings))
        READINGS_MESSAGES.labels(outcome="stored").inc()
        await self._correlate(parsed)
        return parsed

    async def sink(self, records: list[Record]) -> None:
        """Consumer of ``readings.inbound``: a batch of records, one bulk insert."""
        await self.ingest_many([r.value for r in records], keys=[r.key for r in records])

    async def ingest_many(self, bodies: list[bytes], keys: list[str | None] | None = None) -> IngestResult:
        result = IngestResult()
        readings: list = []
        parsed_ok: list[MeterReadingsMessage] = []
        bad: list[DeadLetter] = []
        for n, body in enumerate(bodies):
            try:
                parsed = parse_meter_readings(body)
            except IecError as exc:
                result.rejected += 1
                READINGS_MESSAGES.labels(outcome="rejected").inc()
                bad.append(DeadLetter(source_topic=topics.READINGS_INBOUND, reason=exc.text, code=exc.code,
                                      key=keys[n] if keys else None, processor="readings-store",
                                      payload=body.decode("utf-8", "replace")[:65536]))
                continue
            readings += parsed.readings
            parsed_ok.append(parsed)
        await self._store.insert_many(readings)
        READINGS_STORED.inc(len(readings))
        READINGS_MESSAGES.labels(outcome="stored").inc(len(parsed_ok))
        result.messages, result.readings = len(parsed_ok), len(readings)
        for parsed in parsed_ok:
            await self._correlate(parsed)
        if bad:
            log.warning("unreadable MeterReadings", count=len(bad), first=bad[0].reason)
            if self._report_bad is not None:
                await self._report_bad(bad)
        return result

    async def ingest_stream(self, bodies: Iterable[bytes], *, batch_readings: int = 20000) -> IngestResult:
        """Bulk load: parse the next batch while the store writes the previous one.

        aiosqlite and asyncpg do their I/O off the event loop, so on two cores parsing and
        inserting overlap. Unreadable messages are reported like ``ingest_many`` does.
        """
        result = IngestResult()
        batch: list = []
        writing: asyncio.Task | None = None
        bad: list[DeadLetter] = []
        for body in bodies:
            try:
                parsed = parse_meter_readings(body)
            except IecError as exc:
                result.rejected += 1
                bad.append(DeadLetter(source_topic=topics.READINGS_INBOUND, reason=exc.text, code=exc.code,
                                      processor="readings-store", payload=body.decode("utf-8", "replace")[:65536]))
                continue
            result.messages += 1
            batch += parsed.readings
            if parsed.correlation_id:
                await self._correlate(parsed)
            if len(batch) >= batch_readings:
                if writing is not None:
                    await writing
                writing = asyncio.ensure_future(self._store.insert_many(batch))
                result.readings += len(batch)
                batch = []
        if writing is not None:
            await writing
        if batch:
            await self._store.insert_many(batch)
            result.readings += len(batch)
        READINGS_STORED.inc(result.readings)
        READINGS_MESSAGES.labels(outcome="stored").inc(result.messages)
        READINGS_MESSAGES.labels(outcome="rejected").inc(result.rejected)
        if bad and self._report_bad is not None:
            await self._report_bad(bad)
        return result

    async def _correlate(self, parsed: MeterReadingsMessage) -> None:
        if parsed.correlation_id and self._complete_read is not None:
            await self._complete_read(parsed.correlation_id, parsed.readings,
                                      failed=parsed.result == "FAILED")
