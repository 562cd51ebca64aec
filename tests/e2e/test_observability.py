"""A real Prometheus scrapes the orchestrator's /metrics; a real Chromium reads its pages."""
from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.processors.base import Record
from orchestrator.service import start
from orchestrator.settings import Settings


async def test_prometheus_scrapes_orchestrator_metrics(tmp_path, prometheus):
    async with AsyncExitStack() as stack:
        running = await start(Settings(data_dir=tmp_path, http_port=0), stack)
        await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-p", b"not xml"))
        await running.runtime.drain()
        target = running.url.removeprefix("http://")
        prom = prometheus([target])
        query = f'{prom}/api/v1/query?query=orchestrator_dead_letters_total{{source_topic="{topics.IEC_INBOUND}"}}'
        result = []
        async with aiohttp.ClientSession() as http:
            for _ in range(60):
                async with http.get(query) as r:
                    result = (await r.json())["data"]["result"]
                if result:
                    break
                await asyncio.sleep(0.5)
            async with http.get(f"{prom}/api/v1/targets") as r:
                [active] = (await r.json())["data"]["activeTargets"]
        assert active["health"] == "up", active
        assert result and result[0]["metric"]["source_topic"] == topics.IEC_INBOUND
        assert float(result[0]["value"][1]) >= 1


@pytest.mark.browser
async def test_chromium_reads_the_health_page(tmp_path, browser):
    async with AsyncExitStack() as stack:
        running = await start(Settings(data_dir=tmp_path, http_port=0), stack)
        page = await browser.new_page()
        await page.goto(f"{running.url}/healthz")
        assert json.loads(await page.inner_text("body"))["status"] == "ok"
        await page.close()
