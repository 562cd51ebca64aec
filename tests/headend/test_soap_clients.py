"""SOAP clients generated (zeep) from the standard WSDLs in ../shared/iec/xsd work unchanged against the
IEC endpoint's SOAP routes; only the address differs. Also from the WSDLs the endpoint serves itself,
and against the simulator's own ExecuteEndDeviceControls service."""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from contextlib import AsyncExitStack
from datetime import datetime, timezone

import pytest
import zeep
from requests import Session
from zeep.transports import Transport

from orchestrator import topics
from orchestrator.api.soap_services import SERVICES
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.simulator import Behaviour, HeadEndSimulator, generate_fleet

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
EVENTS = {"EndDeviceEvents": {"EndDeviceEvent": [{"mRID": "ev-1", "createdDateTime": NOW, "Assets": {"mRID": "M-7"},
                                                  "EndDeviceEventType": {"ref": "3.26.0.85"}}]}}
CONTROLS = {"EndDeviceControls": {"EndDeviceControl": [{"mRID": "ctl-1", "EndDeviceControlType": {"ref": "3.15.0.54"},
                                                        "EndDevices": [{"mRID": "M-7"}]}]}}
READINGS = {"MeterReadings": {"MeterReading": [{"Meter": {"mRID": "M-7"}, "Readings": [
    {"timeStamp": NOW, "value": 1.5, "ReadingType": {"ref": "0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0"}}]}]}}

# (WSDL under ../shared/iec/xsd, route, operation, verb, noun, payload, topic)
CASES = [
    ("derms2/61968-9/create/ReceiveEndDeviceEvents.wsdl", "ReceiveEndDeviceEvents", "CreatedEndDeviceEvents",
     "created", "EndDeviceEvents", EVENTS, topics.EDE_INBOUND),
    ("connexo/enddeviceevents/ReceiveEndDeviceEvents.wsdl", "ReceiveEndDeviceEvents", "CreatedEndDeviceEvents",
     "created", "EndDeviceEvents", EVENTS, topics.EDE_INBOUND),
    ("connexo/enddevicecontrols/ReplyEndDeviceControls.wsdl", "ReplyEndDeviceControls", "CreatedEndDeviceControls",
     "created", "EndDeviceControls", CONTROLS, topics.EDC_REPLIES),
    ("openwms-epri-wsdl_v1/ReplyEndDeviceControls.wsdl", "ReplyEndDeviceControls", "CreatedEndDeviceControls",
     "created", "EndDeviceControls", CONTROLS, topics.EDC_REPLIES),
    ("connexo/meterreadings/SendMeterReadings.wsdl", "ReceiveMeterReadings", "CreatedMeterReadings",
     "created", "MeterReadings", READINGS, topics.READINGS_INBOUND),
    ("openwms-epri-wsdl_v1/ReplyMeterReadings.wsdl", "ReplyMeterReadings", "CreatedMeterReadings",
     "created", "MeterReadings", READINGS, topics.READINGS_INBOUND),
    ("connexo/masterdatalinkageconfig/ExecuteMasterDataLinkageConfig.wsdl", "ExecuteMasterDataLinkageConfig",
     "CreateMasterDataLinkageConfig", "create", "MasterDataLinkageConfig",
     {"MasterDataLinkageConfig": {"ConfigurationEvent": {"createdDateTime": NOW, "effectiveDateTime": NOW},
                                  "Meter": [{"mRID": "M-7"}], "UsagePoint": [{"mRID": "UP-7"}]}},
     topics.MASTERDATA_INBOUND),
    ("connexo/usagepointconfig/ExecuteUsagePointConfig.wsdl", "ExecuteUsagePointConfig", "CreateUsagePointConfig",
     "create", "UsagePointConfig", {"UsagePointConfig": {"UsagePoint": [{"mRID": "UP-7"}]}},
     topics.MASTERDATA_INBOUND),
    ("connexo/meterconfig/ExecuteMeterConfig.wsdl", "ExecuteMeterConfig", "CreateMeterConfig", "create",
     "MeterConfig", {"MeterConfig": {"Meter": [{"mRID": "M-7"}]}}, topics.MASTERDATA_INBOUND),
]


@pytest.fixture
async def running(tmp_path):
    async with AsyncExitStack() as stack:
        running = await start(Settings(data_dir=tmp_path, http_port=0), stack)
        _, password = await running.context.headends.add("hes-z", url=None, vendor="standard")
        session = Session()
        session.auth = ("hes-z", password)
        running.transport = Transport(session=session)
        yield running


def header(verb: str, noun: str) -> dict:
    return {"Verb": verb, "Noun": noun, "Timestamp": NOW, "Source": "hes-z", "MessageID": str(uuid.uuid4()),
            "CorrelationID": "req-1"}


def call(client: zeep.Client, address: str, operation: str, verb: str, noun: str, payload: dict):
    [service] = client.wsdl.services.values()
    port = next(iter(service.ports.values()))
    proxy = client.create_service(port.binding.name, address)
    return getattr(proxy, operation)(Header=header(verb, noun), Payload=payload)


async def test_clients_from_the_standard_wsdls_work_unchanged(running, shared_iec):
    def run_all():
        answers = []
        for wsdl, route, operation, verb, noun, payload, _ in CASES:
            client = zeep.Client(str(shared_iec / "xsd" / wsdl), transport=running.transport)
            answers.append(call(client, f"{running.url}/iec/soap/{route}", operation, verb, noun, payload))
        return answers

    answers = await asyncio.to_thread(run_all)
    for case, answer in zip(CASES, answers):
        assert (answer["Reply"]["Result"], answer["Reply"]["Error"][0]["code"]) == ("OK", "0.0"), case[0]
    await running.runtime.drain()
    published = Counter(r.topic for t in {c[6] for c in CASES} for r in running.runtime.read_topic(t)
                        if r.header("iec.headend") == "hes-z")
    assert published == Counter(c[6] for c in CASES)


async def test_clients_from_the_served_wsdls_work(running):
    def run_all():
        out = {}
        for name, service in SERVICES.items():
            client = zeep.Client(f"{running.url}/iec/soap/{name}?wsdl", transport=running.transport)
            out[name] = sorted(client.service._operations)
        events = zeep.Client(f"{running.url}/iec/soap/ReceiveEndDeviceEvents?wsdl", transport=running.transport)
        out["answer"] = events.service.CreatedEndDeviceEvents(Header=header("created", "EndDeviceEvents"),
                                                              Payload=EVENTS)
        return out

    out = await asyncio.to_thread(run_all)
    assert "CreateUsagePointConfig" in out["ExecuteUsagePointConfig"]
    assert "CreatedMeterReadings" in out["ReceiveMeterReadings"]
    assert out["answer"]["Reply"]["Result"] == "OK"


async def test_a_wrong_password_is_a_failed_reply_not_a_crash(running, shared_iec):
    def run():
        session = Session()
        session.auth = ("hes-z", "wrong")
        client = zeep.Client(str(shared_iec / "xsd" / CASES[0][0]), transport=Transport(session=session))
        with pytest.raises(zeep.exceptions.Error) as info:  # HTTP 401 with the Reply FAILED as body
            call(client, f"{running.url}/iec/soap/ReceiveEndDeviceEvents", *CASES[0][2:6])
        return info.value

    error = await asyncio.to_thread(run)
    body = getattr(error, "detail", None) or getattr(error, "content", b"")
    assert "<msg:code>4.1</msg:code>" in (body.decode() if isinstance(body, bytes) else str(body))
    await running.runtime.drain()
    assert [r.key for r in running.runtime.read_topic(topics.DEADLETTER)] == [topics.IEC_INBOUND]


async def test_a_refused_message_is_the_wsdl_output_with_result_failed(running, shared_iec):
    def run():  # EndDeviceEvents posted to the meter readings service: understood, refused
        client = zeep.Client(str(shared_iec / "xsd" / CASES[0][0]), transport=running.transport)
        return call(client, f"{running.url}/iec/soap/ReceiveMeterReadings", *CASES[0][2:6])

    answer = await asyncio.to_thread(run)
    assert answer["Reply"]["Result"] == "FAILED" and answer["Reply"]["Error"][0]["code"] == "3.3"
    assert "ReceiveMeterReadings accepts MeterReadings" in answer["Reply"]["Error"][0]["details"]


async def test_the_simulator_serves_execute_end_device_controls_to_generated_clients():
    fleet = generate_fleet(5, seed=1)
    async with HeadEndSimulator(fleet, Behaviour(time_scale=0.001, reading_interval_s=0)) as sim:
        def run():
            client = zeep.Client(f"{sim.url}/iec/soap/ExecuteEndDeviceControls?wsdl")
            return client.service.CreateEndDeviceControls(
                Header=header("create", "EndDeviceControls"),
                Payload={"EndDeviceControls": {"EndDeviceControl": [
                    {"mRID": "c1", "EndDeviceControlType": {"ref": "3.15.0.54"},
                     "EndDevices": [{"mRID": "M-000001"}, {"mRID": "M-404"}]}]}})

        answer = await asyncio.to_thread(run)
    assert answer["Reply"]["Result"] == "PARTIAL"
    assert [e["ID"]["_value_1"] for e in answer["Reply"]["Error"] if e["ID"]] == ["M-404"]
