"""The only Kafka broker stops in the middle of a campaign and comes back on the same port with its
data a few seconds later. The API process, the worker and the head-end simulator keep running:
every device's record still reaches its end state, and no device is sent a second control under
another MessageID (a redelivered message keeps its MessageID; the head-end dedupes on it)."""
from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

from tests.faults.campaign import KafkaCampaign, plan

DOWN_S = 8.0  # seconds between the broker gone and its start again (start-up comes on top)


async def run(private_kafka, postgres_url, tmp_path, meters: int) -> dict:
    expected = plan(meters)
    async with AsyncExitStack() as stack:
        system = await KafkaCampaign(private_kafka.env["KAFKA_BOOTSTRAP"], postgres_url, tmp_path,
                                     expected).start(stack)
        system.start_worker()
        await system.until_group(["worker-0"])  # consuming: the outage hits a running worker
        await system.create_event()
        at_stop = await system.wait_for(lambda r: system.answered(r) >= 0.3 * expected.dispatched, 90,
                                        "30% of the devices answered")
        private_kafka.stop()
        stopped_at = time.monotonic()
        await asyncio.sleep(DOWN_S)
        private_kafka.start()
        back_at = time.monotonic()
        final = await system.wait_for(lambda r: r == expected.expected, 120, "every device in its end state")
        settled_s = time.monotonic() - back_at
        assert await system.dead_letters() == []
        assert system.simulator.devices_with_several_ids() == {}
        assert set(system.simulator.control_ids) == expected.dispatched_devices
        assert all(p.poll() is None for p in system.workers), system.worker_logs()
        return {"at_stop": dict(at_stop), "down_s": round(back_at - stopped_at, 1), "settled_s": round(settled_s, 1), "final": dict(final),
                "messages": len(system.simulator.control_messages),
                "redelivered": sum(n - 1 for n in system.simulator.control_messages.values())}


async def test_broker_restart_mid_campaign(private_kafka, postgres_url, tmp_path, long_run):
    # about 500 devices; --long: about 5,000
    print(await run(private_kafka, postgres_url, tmp_path, meters=11_600 if long_run else 1200))
