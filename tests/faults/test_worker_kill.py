"""Two faust workers share the campaign's partitions; the one holding the head-end's partition of
``edc.outbound`` (every control message passes through it) is killed with SIGKILL in the middle of
the campaign. The consumer group drops it after its session timeout, the other worker takes over
its partitions and rebuilds their state from the changelogs, and every device's record still
reaches its end state. Redelivered controls keep their MessageID."""
from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer

from orchestrator import topics
from tests.faults.campaign import KafkaCampaign, assignments, plan

# faust reads its own settings from these variables: the broker drops a silent member after 6 s
# (its smallest allowed session, group.min.session.timeout.ms) instead of faust's 60 s default.
FAST_TAKEOVER = {"BROKER_SESSION_TIMEOUT": "6", "BROKER_HEARTBEAT_INTERVAL": "1"}


async def partition_of_controls(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        return (await consumer.getone()).partition
    finally:
        await consumer.stop()


async def run(bootstrap: str, postgres_url: str, tmp_path, meters: int) -> dict:
    expected = plan(meters)
    async with AsyncExitStack() as stack:
        system = KafkaCampaign(bootstrap, postgres_url, tmp_path, expected, worker_env=FAST_TAKEOVER)
        await system.start(stack)
        for _ in range(2):
            system.start_worker()
        await system.until_group(["worker-0", "worker-1"])
        await system.create_event()
        at_kill = await system.wait_for(lambda r: system.answered(r) >= 0.4 * expected.dispatched, 90,
                                        "40% of the devices answered")
        outbound = (system.prefix + topics.EDC_OUTBOUND,
                    await partition_of_controls(bootstrap, system.prefix + topics.EDC_OUTBOUND))
        held = await assignments(bootstrap, system.app_id)
        [victim] = [int(c.rsplit("-", 1)[1]) for c, tps in held.items() if outbound in tps]
        survivor = 1 - victim
        system.kill_worker(victim)
        killed_at = time.monotonic()
        # The group drops the dead member after its session timeout; the survivor then holds everything.
        # (A campaign may end before that when the victim had nothing left to do: wait for both.)
        everything = held[f"worker-{victim}"] | held[f"worker-{survivor}"]
        while (held_after := await assignments(bootstrap, system.app_id)) != {f"worker-{survivor}": everything}:
            assert time.monotonic() - killed_at < 60, f"no takeover: {held_after}\n{system.worker_logs()}"
            assert system.workers[survivor].poll() is None, system.worker_logs()
            await asyncio.sleep(0.5)
        taken_over_s = time.monotonic() - killed_at

        def survivor_alive() -> bool:
            return system.workers[survivor].poll() is None
        final = await system.wait_for(lambda r: r == expected.expected, 120, "every device in its end state",
                                      alive=survivor_alive)
        settled_s = time.monotonic() - killed_at
        assert await system.dead_letters() == []
        assert system.simulator.devices_with_several_ids() == {}
        assert set(system.simulator.control_ids) == expected.dispatched_devices
        return {"at_kill": dict(at_kill), "victim_held": len(held[f"worker-{victim}"]),
                "taken_over_s": round(taken_over_s, 1), "settled_s": round(settled_s, 1), "final": dict(final),
                "messages": len(system.simulator.control_messages),
                "redelivered": sum(n - 1 for n in system.simulator.control_messages.values())}


async def test_worker_killed_mid_campaign(kafka_bootstrap, postgres_url, tmp_path, long_run):
    # about 500 devices; --long: about 5,000
    print(await run(kafka_bootstrap, postgres_url, tmp_path, meters=11_600 if long_run else 1200))
