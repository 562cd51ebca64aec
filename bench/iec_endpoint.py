"""IEC endpoint throughput: EndDeviceEvents posted over HTTP (basic auth, validation, durable publish to
the embedded runtime, Reply OK) against the raw ceiling of the same work without HTTP (parse +
validate + publish in a loop). Reports messages/s, p50/p99 reply latency and the ratio.

    python bench/iec_endpoint.py [--quick]
"""
from __future__ import annotations

import asyncio
import base64
import json
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timezone
from pathlib import Path


def _messages(n: int, events_per_message: int) -> list[bytes]:
    from orchestrator.iec import EndDeviceEvent, build_end_device_events

    now = datetime.now(timezone.utc)
    return [build_end_device_events(
        [EndDeviceEvent(createdDateTime=now, EndDeviceEventType="3.26.0.85", endDeviceMRID=f"M-{i:06d}-{k}",
                        mRID=str(uuid.uuid4())) for k in range(events_per_message)],
        message_id=str(uuid.uuid4()), source="hes-bench") for i in range(n)]


async def ceiling_seconds(bodies: list[bytes], path: Path) -> float:
    """The raw ceiling: the same parse, validation and durable publish, no HTTP, no auth."""
    from orchestrator import topics
    from orchestrator.iec import parse_message
    from orchestrator.processors.base import Record
    from orchestrator.runtime.embedded import EmbeddedRuntime

    runtime = EmbeddedRuntime(path)
    runtime.open()
    t0 = time.perf_counter()
    for body in bodies:
        message = parse_message(body)
        await runtime.publish(Record(topics.EDE_INBOUND, message.Header.MessageID, body))
    elapsed = time.perf_counter() - t0
    await runtime.stop()
    return elapsed


async def _run(n: int, concurrency: int, events_per_message: int) -> list[dict]:
    import aiohttp

    from orchestrator import profiling, topics
    from orchestrator.service import start
    from orchestrator.settings import Settings

    bodies = _messages(n, events_per_message)
    with tempfile.TemporaryDirectory() as tmp:
        ceiling_s = await ceiling_seconds(bodies, Path(tmp) / "ceiling.db")

        latencies: list[float] = []
        async with AsyncExitStack() as stack:
            # the whole embedded service: its processors consume what the endpoint stores meanwhile
            settings = Settings(data_dir=Path(tmp) / "endpoint", http_port=0, log_level="warning")
            running = await start(settings, stack)
            _, password = await running.context.headends.add("hes-bench", url=None, vendor="standard")
            token = base64.b64encode(f"hes-bench:{password}".encode()).decode()
            headers = {"Authorization": f"Basic {token}", "Content-Type": "application/xml"}
            queue: asyncio.Queue[bytes] = asyncio.Queue()
            for body in bodies:
                queue.put_nowait(body)
            failures = 0

            async def worker(http: aiohttp.ClientSession) -> None:
                nonlocal failures
                while not queue.empty():
                    body = queue.get_nowait()
                    started = time.perf_counter()
                    async with http.post(f"{running.url}/iec/v1/messages", data=body, headers=headers) as r:
                        await r.read()
                        failures += r.status != 200
                    latencies.append(time.perf_counter() - started)

            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as http:
                t0 = time.perf_counter()
                with profiling.section():  # client and server share the loop: both are sampled
                    await asyncio.gather(*(worker(http) for _ in range(concurrency)))
                elapsed = time.perf_counter() - t0
            published = len([r for r in running.runtime.read_topic(topics.EDE_INBOUND)
                             if r.header("iec.headend") == "hes-bench"])
    latencies.sort()
    rate, ceiling = n / elapsed, n / ceiling_s
    return [{"name": "iec_endpoint", "items": n, "items_per_s": round(rate, 1),
             "ceiling_items_per_s": round(ceiling, 1), "ratio": round(rate / ceiling, 3),
             "events_per_message": events_per_message, "concurrency": concurrency,
             "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
             "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
             "failed": failures, "published": published}]


def run(quick: bool = False, **_: object) -> list[dict]:
    return asyncio.run(_run(300 if quick else 5000, 16, 1))


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
