"""Dispatch progress store and rollups (SQLite and PostgreSQL), and the REST and CLI views of them."""
from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
from collections import Counter
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.correlation.store import DispatchProgressStore
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from tests.correlation.scenario import ROOT, Pipeline
from tests.correlation.test_contract import FINAL, phases


async def _pipeline() -> Pipeline:
    p = Pipeline()
    for phase in phases():
        await p.feed(*phase)
    return p


def _expected(p: Pipeline, **where) -> dict:
    recs = [r for r in p.records().values() if all(r.get(k) == v for k, v in where.items())]
    lat = sorted(round(min(t for t in (r["replied_at"], r["confirmed_at"]) if t is not None) - r["sent_at"], 3)
                 for r in recs if r["replied_at"] is not None or r["confirmed_at"] is not None)

    def pct(q):
        return lat[max(math.ceil(q * len(lat)) - 1, 0)] if lat else None
    counts = Counter(r["state"] for r in recs)
    asked = len(recs) - counts["CANCELLED"] - counts["SKIPPED_INELIGIBLE"]
    return {"states": counts, "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99),
            "success_rate": round((counts["ACCEPTED"] + counts["CONFIRMED"] + counts["ENDED"]) / asked, 4),
            "kw": round(sum(r["est_kw"] for r in recs if r["state"] in ("ACCEPTED", "CONFIRMED")), 3),
            "devices": len(recs)}


async def _check_store(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        store = DispatchProgressStore(sessionmaker(engine))
        p = await _pipeline()
        updates = p.topic(topics.DISPATCH_UPDATES)
        half = len(updates) // 2
        await store.write(updates[:half])
        await store.write(updates[half:])
        await store.write(updates[:half])  # redelivered old batch: no record moves back
        rollup = await store.rollup(campaign="c1")
        exp = _expected(p)
        assert Counter({k: v for k, v in rollup["states"].items() if v}) == FINAL == exp["states"]
        assert rollup["devices"] == 17
        assert rollup["ack_latency_s"] == {"p50": exp["p50"], "p95": exp["p95"], "p99": exp["p99"]}
        assert rollup["success_rate"] == exp["success_rate"] == round(7 / 17, 4)
        assert rollup["estimated_kw_shed"] == exp["kw"] == 3.5  # 7 confirmed × 0.5 kW (50 % cycling of 1 kW)
        for headend in ("hes-a", "hes-b"):
            by_headend = await store.rollup(headend=headend)
            exp_h = _expected(p, headend=headend)
            assert Counter({k: v for k, v in by_headend["states"].items() if v}) == exp_h["states"]
            assert by_headend["ack_latency_s"]["p95"] == exp_h["p95"]
        rec = await store.record("c1", "d13")
        assert rec["state"] == "FAILED" and rec["attempt"] == 3 and "retry limit" in rec["detail"]
        with pytest.raises(ValueError):
            await store.rollup()
    finally:
        await engine.dispose()


async def test_rollups_on_sqlite(tmp_path):
    await _check_store(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")


async def test_rollups_on_postgresql(postgres_url):
    await _check_store(postgres_url)


async def test_rest_cli_and_metrics_through_the_embedded_service(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, correlation_tick_s=0, programs_dir=ROOT / "programs")
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        for phase in phases():
            await running.runtime.publish(phase)
            await running.runtime.drain(timeout=60)
        headers = {}
        if getattr(running.context, "users", None) is not None:  # access control on /api/: a viewer token
            from orchestrator.store.users import Role
            secret = await running.context.users.create_token("correlation-test", Role.VIEWER, created_by="test")
            headers = {"Authorization": f"Bearer {secret}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            # The real head-end client answers for hes-a/hes-b (not registered here: Reply FAILED), so
            # the exact mix is the contract tests' business; here the views must equal the store's rollup.
            for _ in range(50):  # the head-end client answers asynchronously: wait for a quiet store
                await running.runtime.drain(timeout=60)
                direct = await running.context.dispatch_progress.rollup(campaign="c1")
                async with http.get(f"{running.url}/api/v1/events/c1/rollup") as r:
                    assert r.status == 200
                    body = await r.json()
                if body == json.loads(json.dumps(direct)):
                    break
                await asyncio.sleep(0.2)
            assert body == json.loads(json.dumps(direct))
            assert body["devices"] == 17 == sum(body["states"].values())
            async with http.get(f"{running.url}/api/v1/headends/hes-a/rollup?event=c1") as r:
                assert r.status == 200 and (await r.json())["devices"] == 9  # d01-d06, d13-d15
            async with http.get(f"{running.url}/api/v1/events/nope/rollup") as r:
                assert r.status == 404 and r.content_type == "application/problem+json"
            async with http.get(f"{running.url}/api/v1/headends/bad%20name/rollup") as r:
                assert r.status == 400 and "identifier" in (await r.json())["detail"]
            async with http.get(f"{running.url}/metrics") as r:
                text = await r.text()
            rejected = body["states"]["REJECTED"]
            assert f'orchestrator_dispatch_devices{{campaign="c1",program="ac-cycling",state="REJECTED"}} {rejected}.0' in text
            assert "orchestrator_dispatch_transitions_total" in text
    url = settings.catalogue_url

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "orchestrator.cli", "rollup", *args, "--database-url", url],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
    out = await asyncio.to_thread(cli, "event", "c1", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == body
    out = await asyncio.to_thread(cli, "event", "c1")
    assert out.returncode == 0 and "17 devices" in out.stdout and "REJECTED" in out.stdout
    out = await asyncio.to_thread(cli, "headend", "nope")
    assert out.returncode == 1 and out.stderr.strip().splitlines()[-1] == "orchestrator: no dispatch records for head-end nope"
