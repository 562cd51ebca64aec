"""One device's progress in an event, read across the two tables that record it.

The dispatcher writes ``dispatch_record`` in bulk (PENDING, SENT, skips, cancels, ends); the
correlation engine writes ``dispatch_progress`` (replies, confirmations, opt-outs, timeouts, with
latencies). Per device, the row that changed last wins (on a tie the correlation row, which
knows more), except that a dispatcher send never hides the correlation row of the same attempt. Every read of "where is this device now" — the event API, the console, the demo —
goes through these expressions, so they all tell the same story.
"""
from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from orchestrator.core.dispatch import DispatchState
from orchestrator.correlation.store import DispatchProgressRow
from orchestrator.store.campaigns import RECORD_COLUMNS, DispatchRecordRow

R = DispatchRecordRow
P = DispatchProgressRow
# A send recorded by the dispatcher (PENDING/SENT) tells nothing the correlation row of the same
# attempt does not know already: after a restart the dispatcher re-sends messages whose SENT mark
# was lost, stamped with the time of the resend, while the head-end's confirmations of the first
# send carry earlier event times; by time alone those devices read SENT again.
_SEND_KNOWN = and_(R.state.in_((DispatchState.PENDING.value, DispatchState.SENT.value)), P.attempt >= R.attempt)
_NEWER = or_(R.updated_at.is_(None), P.updated_at >= R.updated_at, _SEND_KNOWN)
_USE_P = and_(P.updated_at.is_not(None), _NEWER)


def pick(p_col, r_col):
    return case((_USE_P, p_col), else_=r_col)


STATE = pick(P.state, R.state)
CAUSE = pick(P.cause, R.cause)
DETAIL = pick(P.detail, R.detail)
UPDATED = pick(P.updated_at, R.updated_at)
HEADEND = func.coalesce(P.headend, R.headend)
JOIN = (P, and_(P.campaign == R.campaign, P.device == R.device))


async def rollup(sessions: async_sessionmaker, campaign: str) -> dict[str, int]:
    """Devices per dispatch state (every state, zeros included), latest row per device."""
    out = {s.value: 0 for s in DispatchState}
    async with sessions() as s:
        rows = await s.execute(select(STATE, func.count()).select_from(R).outerjoin(*JOIN)
                               .where(R.campaign == campaign).group_by(STATE))
        for state, n in rows:
            out[state] = n
    return out


# States in which a device took part in the event: it shed (or was shedding) load.
TOOK_PART = (DispatchState.ACCEPTED.value, DispatchState.CONFIRMED.value, DispatchState.ENDED.value)


async def estimated_kw(sessions: async_sessionmaker, campaign: str) -> float:
    """The program's per-device estimate summed over the devices that took part (kW)."""
    async with sessions() as s:
        kw = (await s.execute(select(func.coalesce(func.sum(P.est_kw), 0.0))
                              .where(P.campaign == campaign, P.state.in_(TOOK_PART)))).scalar_one()
    return round(float(kw), 3)


# The event's per-device listing (REST and console CSV): the dispatcher's columns, with what the
# correlation engine knows where its row wins (state, attempt, message, deadline, cause, detail).
_PICKED = {"state": STATE, "attempt": pick(P.attempt, R.attempt), "headend": HEADEND,
           "message_id": pick(func.coalesce(P.message_id, R.message_id), R.message_id),
           "deadline": pick(P.deadline, R.deadline), "updated_at": UPDATED, "cause": CAUSE,
           "cause_message_id": pick(P.cause_message_id, R.cause_message_id), "detail": DETAIL}
RECORD = {name: _PICKED.get(name, getattr(R, name)) for name in RECORD_COLUMNS}  # the columns the CSV heads


async def records(sessions: async_sessionmaker, campaign: str, *, state: str | None = None, after: str | None = None,
                  limit: int = 100) -> list[dict]:
    """Each device's current record in ``campaign``, ordered by device, keyset-paginated with
    ``after`` (the last device seen); ``state`` filters on the current state."""
    cond = [R.campaign == campaign]
    if state:
        cond.append(STATE == state)
    if after:
        cond.append(R.device > after)
    async with sessions() as s:
        rows = await s.execute(select(*RECORD.values()).select_from(R).outerjoin(*JOIN).where(*cond)
                               .order_by(R.device).limit(limit))
        return [dict(zip(RECORD, r)) for r in rows]
