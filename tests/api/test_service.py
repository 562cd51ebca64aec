"""The embedded service through its real HTTP server: health, metrics, problems, dead letters."""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.processors.base import Record
from orchestrator.service import start
from orchestrator.settings import Settings


@pytest.fixture
async def running(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0)
    async with AsyncExitStack() as stack:
        yield await start(settings, stack)


async def test_healthz_and_metrics(running):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{running.url}/healthz") as r:
            assert r.status == 200
            assert (await r.json())["status"] == "ok"
        async with http.get(f"{running.url}/metrics") as r:
            text = await r.text()
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain")
            assert "orchestrator_build_info{" in text


async def test_a_malformed_message_ends_in_the_dead_letter_store(running):
    await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-x", b"<Oops"))
    await running.runtime.drain()
    async with aiohttp.ClientSession() as http:
        for _ in range(50):
            async with http.get(f"{running.url}/api/v1/deadletters") as r:
                body = await r.json()
            if body:
                break
            await asyncio.sleep(0.1)
        assert body[0]["source_topic"] == topics.IEC_INBOUND
        assert body[0]["code"] == "1.1" and body[0]["key"] == "hes-x"
        async with http.get(f"{running.url}/metrics") as r:
            assert 'orchestrator_dead_letters_total{reason="iec_1.1",source_topic="iec.inbound"}' in await r.text()


async def test_rest_errors_are_json_problems(running):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{running.url}/api/v1/deadletters?limit=abc") as r:
            assert r.status == 400
            assert r.content_type == "application/problem+json"
            problem = await r.json()
            assert problem["status"] == 400 and "limit" in problem["detail"] and problem["instance"]
        async with http.get(f"{running.url}/no/such/path") as r:
            assert r.status == 404 and (await r.json())["title"] == "Not Found"
