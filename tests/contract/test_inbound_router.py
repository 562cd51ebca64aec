"""Contract: the inbound router gives the same outputs and state on both runtimes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator import topics
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.processors.inbound_router import PROCESSOR
from tests.contract.harness import run_embedded, run_kafka

# (record key = the sending system, sample file) — a realistic mix from several systems.
SAMPLES = [
    ("hes-a", "ReceiveEndDeviceEvents-sui__CreatedEndDeviceEvents.xml"),  # EndDeviceEvents
    ("hes-a", "dergcd-1a3.xml"),  # EndDeviceEvents
    ("hes-b", "CreatedEndDeviceEventsRequest.xml"),  # EndDeviceEvents without MessageID
    ("hes-a", "executeEndDeviceControls__reply_DERGCD-1A.xml"),  # reply to controls
    ("hes-b", "createExecuteDERGroupDispatches__reply_DERGD-1A.xml"),  # reply to a DER group dispatch
    ("mdm", "MeterOnDemand-AMI-3__mock_GetMeterReadings.xml"),  # MeterReadings
    ("cis", "ChangeUsagePointConfigRequest.xml"),  # master data
    ("cis", "MeterConnect_MDMS-2__Fail.xml"),  # schema-invalid: dead letter
    ("hes-b", "derg-1a.xml"),  # a request the orchestrator does not serve: dead letter
    ("hes-a", "ReceiveEndDeviceEvents-sui__CreatedEndDeviceEvents.xml"),  # resent: duplicate
    ("hes-a", "executeEndDeviceControls__reply_DERGCD-1A.xml"),  # resent: duplicate
]


def inputs(shared_iec: Path) -> list[Record]:
    records = [Record(topics.IEC_INBOUND, key, (shared_iec / "samples" / name).read_bytes())
               for key, name in SAMPLES]
    records.append(Record(topics.IEC_INBOUND, "hes-b", b"<RequestMessage><Header>truncated"))
    return records


async def test_embedded_routes_by_noun_dedupes_and_dead_letters(shared_iec, tmp_path):
    result = await run_embedded(PROCESSOR, inputs(shared_iec), tmp_path)
    by_topic: dict[str, list[Record]] = {}
    for r in result.outputs:
        by_topic.setdefault(r.topic, []).append(r)
    assert len(by_topic[topics.EDE_INBOUND]) == 3
    assert len(by_topic[topics.EDC_REPLIES]) == 2
    assert len(by_topic[topics.READINGS_INBOUND]) == 1
    assert len(by_topic[topics.MASTERDATA_INBOUND]) == 1
    letters = [DeadLetter.from_record(r) for r in by_topic[topics.DEADLETTER]]
    assert sorted(d.code for d in letters) == ["1.1", "1.3", "3.3"]
    assert all(d.reason and d.source_topic == topics.IEC_INBOUND for d in letters)
    # Replies are keyed by correlation id so a control's replies stay in order on one partition.
    reply = next(r for r in by_topic[topics.EDC_REPLIES] if r.header("iec.noun") == "EndDeviceControls")
    assert reply.key == "3a913c02-bc54-4a63-b82a-b255ffa0b7da"  # its Header/CorrelationID
    assert result.state["hes-a|count|duplicate"] == 2
    assert result.state["hes-a|count|accepted"] == 3
    assert result.state["cis|count|rejected"] == 1


async def test_embedded_state_survives_restart(shared_iec, tmp_path):
    records = inputs(shared_iec)
    first = await run_embedded(PROCESSOR, records[:3], tmp_path)
    # Same file, new runtime: the MessageIDs seen before the restart are still duplicates.
    second = await run_embedded(PROCESSOR, records[:3], tmp_path)
    assert second.state["hes-a|count|duplicate"] == 2
    assert len([r for r in second.outputs if r.topic == topics.EDE_INBOUND]) == \
        len([r for r in first.outputs if r.topic == topics.EDE_INBOUND]) + 1  # only the one without MessageID


@pytest.mark.kafka
async def test_same_outputs_and_state_on_kafka(shared_iec, tmp_path, kafka_bootstrap):
    records = inputs(shared_iec)
    embedded = await run_embedded(PROCESSOR, records, tmp_path / "embedded")
    (tmp_path / "kafka").mkdir()
    kafka = await run_kafka(PROCESSOR, records, kafka_bootstrap, tmp_path / "kafka",
                            expected_outputs=len(embedded.outputs), expected_state=embedded.state)
    assert kafka.output_multiset() == embedded.output_multiset()
    assert kafka.state == embedded.state
    assert json.dumps(kafka.state, sort_keys=True) == json.dumps(embedded.state, sort_keys=True)
