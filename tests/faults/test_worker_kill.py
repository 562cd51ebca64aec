"""Two faust workers share the campaign's partitions; the one holding the head-end's partition of
``edc.outbound`` (every control message passes through it) is killed with SIGKILL in the middle of
the campaign. The consumer group drops it after its session timeout, the other worker takes over
its partitions and rebuilds their state from the changelogs, and every device's record still
reaches its end state. Redelivered controls keep their MessageID."""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import GroupCoordinatorNotAvailableError

from orchestrator import topics
from tests.faults.campaign import KafkaCampaign, plan

# faust reads its own settings from these variables: the broker drops a silent member after 6 s
# (its smallest allowed session, group.min.session.timeout.ms) instead of faust's 60 s default.
FAST_TAKEOVER = {"BROKER_SESSION_TIMEOUT": "6", "BROKER_HEARTBEAT_INTERVAL": "1"}


async def assignments(bootstrap: str, group: str) -> dict[str, set[tuple[str, int]]]:
    """Client id -> (topic, partition) it holds, from the group coordinator."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    held: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for described in response.groups:
        for member in described[5]:
            client_id, raw = member[1], member[-1]
            if not raw:
                continue
            for topic, partitions in ConsumerProtocolMemberAssignment.decode(raw).assignment:
                held[client_id].update((topic, p) for p in partitions)
    return dict(held)


async def until_both_hold_partitions(bootstrap: str, system: KafkaCampaign, timeout: float = 90) -> None:
    """The campaign starts once the group has settled with both workers in it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sorted(await assignments(bootstrap, system.app_id)) == ["worker-0", "worker-1"]:
                return
        except GroupCoordinatorNotAvailableError:  # no member has joined yet
            pass
        assert all(p.poll() is None for p in system.workers), system.worker_logs()
        await asyncio.sleep(0.5)
    raise AssertionError(f"the two workers did not both join the group\n{system.worker_logs()}")


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
        for n in range(2):
            system.worker_env["BROKER_CLIENT_ID"] = f"worker-{n}"  # names the member in the group
            system.start_worker()
        await until_both_hold_partitions(bootstrap, system)
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

        def taken_over() -> bool:
            return system.workers[survivor].poll() is None
        final = await system.wait_for(lambda r: r == expected.expected, 120, "every device in its end state",
                                      alive=taken_over)
        settled_s = time.monotonic() - killed_at
        held_after = await assignments(bootstrap, system.app_id)
        assert list(held_after) == [f"worker-{survivor}"]
        assert held_after[f"worker-{survivor}"] >= held[f"worker-{victim}"]
        assert await system.dead_letters() == []
        assert system.simulator.devices_with_several_ids() == {}
        assert set(system.simulator.control_ids) == expected.dispatched_devices
        return {"at_kill": dict(at_kill), "victim_held": len(held[f"worker-{victim}"]),
                "settled_s": round(settled_s, 1), "final": dict(final),
                "messages": len(system.simulator.control_messages),
                "redelivered": sum(n - 1 for n in system.simulator.control_messages.values())}


async def test_worker_killed_mid_campaign(kafka_bootstrap, postgres_url, tmp_path, long_run):
    # about 500 devices; --long: about 5,000
    print(await run(kafka_bootstrap, postgres_url, tmp_path, meters=11_600 if long_run else 1200))
