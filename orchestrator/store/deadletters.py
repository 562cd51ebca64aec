"""Dead-letter repository and the sink that fills it from the ``deadletter`` topic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.processors.base import DeadLetter, Record
from orchestrator.store.models import DeadLetterRow


@dataclass(frozen=True)
class StoredDeadLetter:
    id: int
    source_topic: str
    code: str
    reason: str
    key: str | None
    message_id: str | None
    processor: str | None
    payload: str
    recorded_at: datetime


class DeadLetterStore:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def add_many(self, letters: list[DeadLetter]) -> None:
        async with self._sessions() as session, session.begin():
            session.add_all(DeadLetterRow(source_topic=d.source_topic, code=d.code, reason=d.reason,
                                          record_key=d.key, message_id=d.message_id, processor=d.processor,
                                          payload=d.payload) for d in letters)

    async def list(self, *, source_topic: str | None = None, limit: int = 100) -> list[StoredDeadLetter]:
        query = select(DeadLetterRow).order_by(DeadLetterRow.id.desc()).limit(limit)
        if source_topic:
            query = query.where(DeadLetterRow.source_topic == source_topic)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [StoredDeadLetter(r.id, r.source_topic, r.code, r.reason, r.record_key, r.message_id, r.processor,
                                 r.payload, r.recorded_at) for r in rows]

    async def count(self) -> int:
        async with self._sessions() as session:
            return (await session.scalar(select(func.count()).select_from(DeadLetterRow))) or 0

    async def sink(self, records: list[Record]) -> None:
        """Consumer of the ``deadletter`` topic (either runtime)."""
        await self.add_many([DeadLetter.from_record(r) for r in records])
