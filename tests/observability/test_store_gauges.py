"""Catalogue gauges: campaigns by state, active outages by level, the OMS outbox backlog — sampled
from the real catalogue on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client import REGISTRY

from orchestrator.correlation.store import DispatchProgressRow
from orchestrator.store.campaigns import CampaignRow
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.gauges import StoreGauges
from orchestrator.store.outages import OmsDeliveryRow, OutageRow

NOW = datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc)


def value(name: str, **labels) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def campaign(cid: str, program: str, state: str) -> CampaignRow:
    return CampaignRow(id=cid, program=program, state=state, targets=json.dumps(["feeder:F1"]), start_at=NOW,
                       end_at=NOW + timedelta(hours=1), priority=5, reason="", created_by="test", created_at=NOW,
                       updated_at=NOW)


def progress(cid: str, device: str, state: str, kw: float | None) -> DispatchProgressRow:
    return DispatchProgressRow(campaign=cid, device=device, program="gauge-program", state=state, est_kw=kw, seq=1)


def outage(oid: str, level: str, status: str) -> OutageRow:
    return OutageRow(id=oid, level=level, asset=oid, status=status, record="{}", updated_at=NOW)


def delivery(target: str, status: str, age_s: float, outage_id: str = "o1") -> OmsDeliveryRow:
    return OmsDeliveryRow(idempotency_key=f"{outage_id}:{target}:{age_s}", target=target, outage_id=outage_id,
                          event="outage.created", content_type="application/json", payload="{}", status=status,
                          created_at=NOW - timedelta(seconds=age_s), next_attempt_at=NOW)


@pytest.fixture(params=["sqlite", "postgres"])
def catalogue_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def sessions(catalogue_url):
    await upgrade_async(catalogue_url)
    engine = make_engine(catalogue_url)
    yield sessionmaker(engine)
    await engine.dispose()


async def test_gauges_follow_the_catalogue(sessions):
    async with sessions() as s, s.begin():
        s.add_all([campaign("ev-gauge-1", "gauge-program", "ACTIVE"), campaign("ev-gauge-2", "gauge-program", "ACTIVE"),
                   campaign("ev-gauge-3", "gauge-program", "SCHEDULED"),
                   outage("xf-1", "transformer", "SUSTAINED"), outage("m-1", "meter", "SUSPECTED"),
                   outage("m-2", "meter", "RESTORED"),
                   delivery("gauge-oms", "pending", 600), delivery("gauge-oms", "pending", 30),
                   delivery("gauge-oms", "delivered", 900, "o0"), delivery("gauge-oms", "dead", 1200, "o9"),
                   progress("ev-gauge-1", "WH1", "CONFIRMED", 4.5), progress("ev-gauge-1", "WH2", "ACCEPTED", 4.0),
                   progress("ev-gauge-1", "WH3", "OPTED_OUT", 4.5), progress("ev-gauge-1", "WH4", "CONFIRMED", None),
                   progress("ev-gauge-3", "WH5", "PENDING", 4.5)])
    gauges = StoreGauges(sessions, clock=lambda: NOW)
    await gauges.sample()
    assert value("orchestrator_campaigns", program="gauge-program", state="ACTIVE") == 2
    assert value("orchestrator_campaigns", program="gauge-program", state="SCHEDULED") == 1
    assert value("orchestrator_outages_active", level="transformer", status="SUSTAINED") == 1
    assert value("orchestrator_outages_active", level="meter", status="SUSPECTED") == 1
    assert value("orchestrator_outages_active", level="feeder", status="SUSTAINED") == 0  # always present
    assert value("orchestrator_oms_outbox_deliveries", target="gauge-oms", status="pending") == 2
    assert value("orchestrator_oms_outbox_deliveries", target="gauge-oms", status="dead") == 1
    assert value("orchestrator_oms_outbox_oldest_pending_seconds", target="gauge-oms") == 600
    # shed: accepted and confirmed devices of running campaigns (opted out and pending do not shed)
    assert value("orchestrator_campaign_estimated_shed_kw", campaign="ev-gauge-1", program="gauge-program") == 8.5
    assert value("orchestrator_campaign_estimated_shed_kw", campaign="ev-gauge-2", program="gauge-program") == 0
    assert value("orchestrator_campaign_estimated_shed_kw", campaign="ev-gauge-3", program="gauge-program") is None

    # the event completes, the transformer is restored, the OMS catches up
    async with sessions() as s, s.begin():
        (await s.get(CampaignRow, "ev-gauge-1")).state = "COMPLETED"
        (await s.get(OutageRow, "xf-1")).status = "RESTORED"
        await s.execute(OmsDeliveryRow.__table__.update().where(OmsDeliveryRow.status == "pending")
                        .values(status="delivered"))
    await gauges.sample()
    assert value("orchestrator_campaigns", program="gauge-program", state="ACTIVE") == 1
    assert value("orchestrator_campaigns", program="gauge-program", state="COMPLETED") == 1
    assert value("orchestrator_outages_active", level="transformer", status="SUSTAINED") == 0
    assert value("orchestrator_oms_outbox_deliveries", target="gauge-oms", status="pending") == 0
    assert value("orchestrator_oms_outbox_oldest_pending_seconds", target="gauge-oms") == 0
    # a finished campaign's shed series ends with it
    assert value("orchestrator_campaign_estimated_shed_kw", campaign="ev-gauge-1", program="gauge-program") is None


async def test_sampling_survives_an_unavailable_catalogue(tmp_path):
    import asyncio

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    gauges = StoreGauges(sessionmaker(engine))
    gauges.start(0.05)
    await asyncio.sleep(0.3)
    assert gauges._task is not None and not gauges._task.done()  # still sampling, not crashed
    await gauges.stop()
    await engine.dispose()
    assert (value("orchestrator_store_gauges_last_error_timestamp_seconds") or 0) > 0
