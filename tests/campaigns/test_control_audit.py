"""Every control sent to a head-end has its audit row: who caused it, when, what, from where.

An operator creates an event over REST (with a token, access control on); the scheduler starts it
and the head-end client sends its EndDeviceControls to stub head-ends; the operator then cancels
it and the cancel controls go out. ``GET /api/v1/audit?entity=control`` must then list exactly one
row per message the head-ends received, naming the scheduler (start) or the operator (cancel).
"""
from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from orchestrator import topics
from orchestrator.auth import Role
from orchestrator.headend.audit import ControlAudit
from orchestrator.headend.client import NOT_AUDITED, HeadEndClient
from orchestrator.iec import ok_reply, parse_message, to_xml
from orchestrator.processors.base import Record
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.headends import HeadendStore
from orchestrator.store.topology import TopologyStore
from orchestrator.store.users import UserStore
from tests.campaigns.fleet import fleet_rows
from tests.headend.test_client import controls, letters, serve
from tests.polling import until

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
DEVICES, HEADENDS, MESSAGE_SIZE = 120, 3, 25  # 40 devices per head-end: 2 messages each per send


async def _stub_headends(stack: AsyncExitStack) -> tuple[str, list[tuple[str, str, str, int]]]:
    """One HTTP server standing in for every head-end: answers Reply OK, remembers
    (head-end, MessageID, verb, devices) of every request."""
    received: list[tuple[str, str, str, int]] = []

    async def handle(request: web.Request) -> web.Response:
        message = parse_message(await request.read())
        devices = len(message.payload_documents()[0].element().xpath("./*[local-name()='EndDeviceControl']"))
        received.append((request.match_info["name"], message.Header.MessageID, message.verb, devices))
        return web.Response(body=to_xml(ok_reply(message, source=request.match_info["name"])),
                            content_type="application/xml")

    app = web.Application()
    app.router.add_post("/{name}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}", received


async def test_one_audit_row_per_control_message_sent(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, programs_dir=PROGRAMS, auth_required=True,
                        dispatch_message_size=MESSAGE_SIZE, log_level="warning")
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    await TopologyStore(sessionmaker(engine)).import_rows(fleet_rows(DEVICES, headends=HEADENDS))
    await engine.dispose()
    async with AsyncExitStack() as stack:
        stub, received = await _stub_headends(stack)
        running = await start(settings, stack)
        ctx = running.context
        for i in range(HEADENDS):
            await ctx.headends.add(f"hes-{i}", url=f"{stub}/hes-{i}", vendor="standard")
        operator = await ctx.users.create_token("ops-alice", Role.OPERATOR, created_by="test")
        admin = await ctx.users.create_token("auditor", Role.ADMIN, created_by="test")
        async with aiohttp.ClientSession(base_url=running.url) as http:
            as_operator = {"Authorization": f"Bearer {operator}"}
            start_at = datetime.now(UTC) + timedelta(seconds=1)
            async with http.post("/api/v1/events", headers=as_operator, json={
                    "program": "water-heater-shed", "targets": ["feeder:F12"], "start": start_at.isoformat(),
                    "duration_minutes": 60, "reason": "audit test"}) as r:
                assert r.status == 201, await r.text()
                event = (await r.json())["id"]

            async def all_started() -> bool:
                return sum(n for _, _, verb, n in received) == DEVICES

            await until(all_started, 60, "the start controls at the head-ends")
            starts = len(received)
            async with http.post(f"/api/v1/events/{event}/cancel", headers=as_operator,
                                 json={"reason": "audit test over"}) as r:
                assert r.status == 200, await r.text()

            async def all_cancelled() -> bool:
                return sum(n for _, _, _, n in received[starts:]) == DEVICES

            await until(all_cancelled, 60, "the cancel controls at the head-ends")
            async with http.get("/api/v1/audit", params={"entity": "control", "limit": "1000"},
                                headers={"Authorization": f"Bearer {admin}"}) as r:
                assert r.status == 200, await r.text()
                rows = (await r.json())["items"]

    assert starts == HEADENDS * (DEVICES // HEADENDS // MESSAGE_SIZE + 1)  # 40 per head-end: 25 + 15
    sent = Counter(mid for _, mid, _, _ in received)
    assert max(sent.values()) == 1  # the stub saw each message once ...
    assert Counter(r["entity_id"] for r in rows) == sent  # ... and the audit log has one row per message
    by_id = {r["entity_id"]: r for r in rows}
    for n, (headend, mid, verb, devices) in enumerate(received):
        row = by_id[mid]
        detail = row["detail"]
        assert (detail["headend"], detail["devices"], detail["campaign"], detail["noun"]) == (
            headend, devices, event, "EndDeviceControls")
        assert row["action"] == detail["verb"] == verb and detail["message_id"] == mid
        assert detail["to"] == f"{stub}/{headend}" and detail["from"]  # where it went, where it left from
        assert datetime.fromisoformat(row["at"]) >= start_at - timedelta(seconds=5)
        if n < starts:  # the scheduler sent the start of the operator's event ...
            assert (row["actor"], detail["kind"], detail["requested_by"]) == ("scheduler", "start", "ops-alice")
        else:  # ... and the operator's cancel sent the cancels
            assert (row["actor"], detail["kind"]) == ("ops-alice", "cancel")


async def test_a_control_whose_audit_row_cannot_be_written_is_not_sent(tmp_path):
    class BrokenAudit(ControlAudit):
        async def record(self, sent):
            raise OSError("disk full")

    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(tmp_path / "runtime.db")
    runtime.open()
    posted = []

    async def headend(request: web.Request) -> web.Response:
        posted.append(await request.read())
        return web.Response(status=500)

    runner, hes_url = await serve(headend)
    client = HeadEndClient(HeadendStore(sessionmaker(engine)), runtime, audit=BrokenAudit(sessionmaker(engine)))
    try:
        await client.headends.add("hes-a", url=hes_url, vendor="standard")
        message_id, body = controls(("M-1", "M-2"))
        await client.write([Record(topics.EDC_OUTBOUND, "hes-a", body, (("devices", "2"), ("kind", "start")))])
    finally:
        await client.close()
        await runner.cleanup()
    assert posted == []  # nothing left unaudited ...
    [reply] = runtime.read_topic(topics.EDC_REPLIES)  # ... the dispatch learns it failed ...
    answer = parse_message(reply.value)
    assert answer.Reply.Result.value == "FAILED" and answer.Reply.Error[0].code == NOT_AUDITED.code
    assert answer.Header.CorrelationID == message_id
    [letter] = letters(runtime)  # ... and it can be replayed from the dead letter
    assert letter.code == NOT_AUDITED.code and letter.payload == body.decode()
    await runtime.stop()
    await engine.dispose()


async def test_a_control_cut_short_before_its_first_post_has_no_audit_row(tmp_path):
    """One slot towards a head-end that never answers in time: the first control takes the slot
    and times out, which opens the circuit; the two waiting behind it are failed 5.5 without ever
    being posted, and only the posted one has an audit row."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(tmp_path / "runtime.db")
    runtime.open()
    posted: list[str] = []

    async def silent(request: web.Request) -> web.Response:
        posted.append(parse_message(await request.read()).Header.MessageID)
        await asyncio.sleep(2)
        return web.Response(status=503)

    runner, hes_url = await serve(silent)
    client = HeadEndClient(HeadendStore(sessionmaker(engine)), runtime, audit=ControlAudit(sessionmaker(engine)),
                           timeout_s=0.3, attempts=1, breaker_threshold=1, breaker_reset_s=3600)
    try:
        await client.headends.add("hes-a", url=hes_url, vendor="standard", max_concurrency=1)
        batch = [controls((f"M-{n}",)) for n in range(3)]
        await client.write([Record(topics.EDC_OUTBOUND, "hes-a", body, (("devices", "1"), ("kind", "start")))
                            for _, body in batch])
        audited = [e["entity_id"] for e in await UserStore(sessionmaker(engine)).audit_entries(entity="control")]
    finally:
        await client.close()
        await runner.cleanup()
        await runtime.stop()
        await engine.dispose()
    codes = {r.key: parse_message(r.value).Reply.Error[0].code for r in runtime.read_topic(topics.EDC_REPLIES)}
    assert len(posted) == 1 and codes[posted[0]] == "5.4"
    assert sorted(c for k, c in codes.items() if k != posted[0]) == ["5.5", "5.5"]
    assert audited == posted  # the two never posted were never audited as sent
