"""The audit trail of controls: one ``audit_log`` row for every control message sent to a head-end.

Written by the head-end client just before a batch leaves (``entity`` ``control``, ``entity_id``
the MessageID, ``action`` the IEC verb), in one transaction per batch; if the row cannot be written
the batch is not sent and the runtime retries it, so no control reaches a head-end unaudited. Who
caused it comes from the record's ``actor`` header (the scheduler for an event's start, the operator
for a cancel, ...); rows are only ever inserted.
"""
from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.store.campaigns import AuditRow
from orchestrator.store.models import utcnow

ENTITY = "control"
CONTROL_NOUNS = frozenset({"EndDeviceControls", "DERGroupDispatches"})
# Who sent a control whose producer named no actor, by the record's ``kind`` header.
ACTOR_BY_KIND = {"start": "scheduler", "retry": "correlator", "cancel": "orchestrator"}


def origin() -> str:
    """Where controls leave from: this host and process."""
    return f"{socket.gethostname()}/pid {os.getpid()}"


@dataclass(frozen=True)
class ControlSent:
    actor: str
    message_id: str
    verb: str
    noun: str
    headend: str
    devices: int | None
    campaign: str | None
    kind: str | None
    program: str | None
    requested_by: str | None
    to: str


class ControlAudit:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions
        self._from = origin()

    async def record(self, sent: list[ControlSent]) -> None:
        if not sent:
            return
        now = utcnow()
        async with self._sessions() as s, s.begin():
            s.add_all(AuditRow(at=now, actor=c.actor[:100], entity=ENTITY, entity_id=c.message_id[:100],
                               action=c.verb[:40], detail=json.dumps({
                                   "message_id": c.message_id, "campaign": c.campaign, "headend": c.headend,
                                   "devices": c.devices, "verb": c.verb, "noun": c.noun, "kind": c.kind,
                                   "program": c.program, "requested_by": c.requested_by, "to": c.to,
                                   "from": self._from}))
                      for c in sent)
