"""Where a device is now, read across the dispatcher's and the correlation engine's rows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from orchestrator.correlation.store import DispatchProgressRow
from orchestrator.store import dispatch_view
from orchestrator.store.campaigns import DispatchRecordRow
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async

T = datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T + timedelta(seconds=seconds)


# device: (dispatcher row (state, attempt, updated), correlation row (state, attempt, updated) or None, expected)
CASES = {
    # re-sent after a restart (SENT mark lost): the confirmation of the first send is older than the resend
    "resent-confirmed": (("SENT", 1, at(10)), ("CONFIRMED", 1, at(9)), "CONFIRMED"),
    "resent-accepted": (("SENT", 1, at(10)), ("ACCEPTED", 1, at(8)), "ACCEPTED"),
    "sent-only": (("SENT", 1, at(5)), None, "SENT"),
    "pending-only": (("PENDING", 0, at(5)), None, "PENDING"),
    "timed-out-later": (("SENT", 1, at(5)), ("TIMED_OUT", 1, at(70)), "TIMED_OUT"),
    # what the dispatcher decided later still wins by time: a cancel, an end
    "cancelled-after-accept": (("CANCELLED", 1, at(30)), ("ACCEPTED", 1, at(9)), "CANCELLED"),
    "confirmed-after-cancel": (("CANCELLED", 1, at(30)), ("CONFIRMED", 1, at(31)), "CONFIRMED"),
    # a correlation row still at an earlier attempt does not hide a newer send
    "newer-send": (("SENT", 2, at(40)), ("TIMED_OUT", 1, at(39)), "SENT"),
}


@pytest.fixture
async def sessions(tmp_path):
    """A catalogue holding both tables' rows of CASES, in campaign c1."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    sessions = sessionmaker(engine)
    async with sessions() as s, s.begin():
        for device, (r, p, _) in CASES.items():
            s.add(DispatchRecordRow(campaign="c1", device=device, state=r[0], attempt=r[1], updated_at=r[2],
                                    headend="hes-a", message_id="m-dispatcher", detail="from the dispatcher"))
            if p is not None:
                s.add(DispatchProgressRow(campaign="c1", device=device, state=p[0], attempt=p[1], updated_at=p[2],
                                          headend="hes-a", message_id="m-correlator",
                                          detail=f"{p[0].lower()} by the correlator"))
    yield sessions
    await engine.dispose()


async def test_a_resend_does_not_hide_what_the_correlation_engine_knows(sessions):
    rollup = await dispatch_view.rollup(sessions, "c1")
    expected: dict[str, int] = {}
    for _, _, state in CASES.values():
        expected[state] = expected.get(state, 0) + 1
    assert {k: v for k, v in rollup.items() if v} == expected


async def test_the_per_device_listing_tells_the_same_story_as_the_rollup(sessions):
    listed = await dispatch_view.records(sessions, "c1", limit=1000)
    assert {r["device"]: r["state"] for r in listed} == {d: state for d, (_, _, state) in CASES.items()}
    assert [r["device"] for r in listed] == sorted(CASES)
    by_device = {r["device"]: r for r in listed}
    confirmed = by_device["resent-confirmed"]  # the correlator's row wins whole, not only its state
    assert (confirmed["detail"], confirmed["message_id"], confirmed["updated_at"]) == (
        "confirmed by the correlator", "m-correlator", at(9))
    assert by_device["sent-only"]["detail"] == "from the dispatcher"
    # Filtering and paging go by the current state, as the rollup counts it.
    sent = await dispatch_view.records(sessions, "c1", state="SENT")
    assert sorted(r["device"] for r in sent) == ["newer-send", "sent-only"]
    first = await dispatch_view.records(sessions, "c1", limit=3)
    rest = await dispatch_view.records(sessions, "c1", after=first[-1]["device"], limit=1000)
    assert [r["device"] for r in first + rest] == sorted(CASES)
