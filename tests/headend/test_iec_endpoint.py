"""The IEC endpoint through the real HTTP server: credentials, routing, durable OK, FAILED + dead letters."""
from __future__ import annotations

import asyncio
import base64
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timezone

import aiohttp
import pytest
from lxml import etree

from orchestrator import topics
from orchestrator.api.app import AppContext, create_app
from orchestrator.api.soap_services import SERVICES
from orchestrator.iec import EndDeviceEvent, build_end_device_events, parse_message
from orchestrator.iec.namespaces import SOAP12
from orchestrator.processors.base import DeadLetter
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.store.headends import HeadendStore

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"


@pytest.fixture
async def running(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0, max_body_bytes=64 * 1024)
    async with AsyncExitStack() as stack:
        running = await start(settings, stack)
        _, password = await running.context.headends.add("hes-a", url="http://127.0.0.1:9/hes", vendor="standard")
        running.auth = basic("hes-a", password)
        yield running


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def events(device: str = "M-1", code: str = "3.26.0.85", soap: bool = False) -> tuple[str, bytes]:
    message_id = str(uuid.uuid4())
    return message_id, build_end_device_events(
        [EndDeviceEvent(createdDateTime=datetime.now(timezone.utc), EndDeviceEventType=code, endDeviceMRID=device,
                        mRID=str(uuid.uuid4()))], message_id=message_id, source="hes-a", soap=soap)


def soap12(body: bytes) -> bytes:
    inner = etree.fromstring(body)
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"env": SOAP12})
    etree.SubElement(env, f"{{{SOAP12}}}Body").append(inner)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


async def post(running, path: str, body: bytes, *, auth=True, content_type="application/xml"):
    async with aiohttp.ClientSession() as http:
        headers = {"Content-Type": content_type}
        if auth:
            headers["Authorization"] = running.auth if auth is True else auth
        async with http.post(f"{running.url}{path}", data=body, headers=headers) as r:
            return r.status, r.headers, await r.read()


def dead_letters(running) -> list[DeadLetter]:
    return [DeadLetter.from_record(r) for r in running.runtime.read_topic(topics.DEADLETTER)]


async def test_bare_end_device_events_are_published_keyed_by_device_then_answered_ok(running):
    message_id, body = events("M-17")
    status, headers, reply = await post(running, "/iec/v1/messages", body)
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    answer = parse_message(reply)
    assert answer.Reply.Result.value == "OK" and answer.Header.CorrelationID == message_id
    [record] = running.runtime.read_topic(topics.EDE_INBOUND)
    assert record.key == "M-17" and record.value == body
    assert record.header("iec.headend") == "hes-a" and record.header("iec.message_id") == message_id


async def test_soap_11_and_12_on_receive_end_device_events(running):
    _, body11 = events("M-1", soap=True)
    status, headers, reply = await post(running, "/iec/soap/ReceiveEndDeviceEvents", body11, content_type="text/xml")
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    assert parse_message(reply).soap.value == "1.1"
    _, bare = events("M-2")
    status, headers, reply = await post(running, "/iec/soap/ReceiveEndDeviceEvents", soap12(bare),
                                        content_type="application/soap+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/soap+xml")
    answer = parse_message(reply)
    assert answer.soap.value == "1.2" and answer.Reply.Result.value == "OK"
    assert [r.key for r in running.runtime.read_topic(topics.EDE_INBOUND)] == ["M-1", "M-2"]


@pytest.mark.parametrize("service, sample, topic, key", [
    ("ReplyEndDeviceControls", "MeterConnect-AMI-1__mock_CreatedEndDeviceControls.xml", topics.EDC_REPLIES, None),
    ("ReceiveMeterReadings", "MeterConnect_MDMS-5__Request_1.xml", topics.READINGS_INBOUND, None),
    ("ReplyMeterReadings", "MeterOnDemand-MDMS-1__mock_GetMeterReadings.xml", topics.READINGS_INBOUND, None),
    ("ExecuteMasterDataLinkageConfig", "CloseMasterDataLinkageConfigRequest.xml", topics.MASTERDATA_INBOUND, None),
    ("ExecuteUsagePointConfig", "ChangeUsagePointConfigRequest.xml", topics.MASTERDATA_INBOUND, None),
    ("ExecuteMeterConfig", "CreateMeterConfigRequestSync.xml", topics.MASTERDATA_INBOUND, None),
])
async def test_each_soap_service_routes_its_noun(running, shared_iec, service, sample, topic, key):
    body = (shared_iec / "samples" / sample).read_bytes()
    request = parse_message(body)
    status, _, reply = await post(running, f"/iec/soap/{service}", body, content_type="text/xml")
    answer = parse_message(reply)
    assert status == 200, answer.Reply.Error
    assert answer.Reply.Result.value == "OK"
    [record] = running.runtime.read_topic(topic)
    assert record.value == body
    if topic == topics.EDC_REPLIES:
        assert record.key == (request.Header.CorrelationID or request.Header.MessageID)


async def test_wsdl_of_every_service_points_back_at_this_server_and_its_schemas_resolve(running):
    async with aiohttp.ClientSession() as http:
        for name in SERVICES:
            async with http.get(f"{running.url}/iec/soap/{name}?wsdl") as r:
                assert r.status == 200, name
                root = etree.fromstring(await r.read())
            assert root.tag == f"{{{WSDL}}}definitions"
            assert [s.get("name") for s in root.iter(f"{{{WSDL}}}service")] == [name]
            addresses = [a.get("location") for a in root.iter() if isinstance(a.tag, str) and a.tag.endswith("}address")]
            assert addresses and set(addresses) == {f"{running.url}/iec/soap/{name}"}
            for imp in root.iter(f"{{{XS}}}import", f"{{{XS}}}include"):
                async with http.get(imp.get("schemaLocation")) as r:
                    assert r.status == 200, imp.get("schemaLocation")
                    schema = etree.fromstring(await r.read())
                    assert schema.tag == f"{{{XS}}}schema"
        async with http.get(f"{running.url}/iec/soap/NoSuchService?wsdl") as r:
            assert r.status == 404
        async with http.get(f"{running.url}/iec/soap/xsd/epri-wsdl-v1/..%2F..%2Fsecret.xsd") as r:
            assert r.status == 404


async def test_generated_wsdl_schema_accepts_the_messages_it_describes(running, shared_iec):
    """The WSDL written for services without a public one compiles, with Message.xsd, as a schema."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{running.url}/iec/soap/ExecuteUsagePointConfig?wsdl") as r:
            root = etree.fromstring(await r.read())
        types_schema = next(root.iter(f"{{{XS}}}schema"))
        imp = types_schema.find(f"{{{XS}}}import")
        async with http.get(imp.get("schemaLocation")) as r:
            message_xsd = await r.read()
    directory = shared_iec.parent  # unused; schemas are compiled from memory below
    del directory
    resolver_docs = {imp.get("schemaLocation"): message_xsd}

    class Resolver(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_string(resolver_docs[url], context) if url in resolver_docs else None

    parser = etree.XMLParser()
    parser.resolvers.add(Resolver())
    schema = etree.XMLSchema(etree.fromstring(etree.tostring(types_schema), parser))
    sample = etree.fromstring((shared_iec / "samples" / "ChangeUsagePointConfigRequest.xml").read_bytes())
    body = next(el for el in sample.iter() if isinstance(el.tag, str) and el.tag.endswith("}Body"))
    wrapper = next(iter(body))
    assert schema.validate(wrapper), schema.error_log.last_error


@pytest.mark.parametrize("case, code, status", [
    ("malformed", "1.1", 400),
    ("no credentials", "4.1", 401),
    ("wrong password", "4.1", 401),
    ("oversized", "5.1", 413),
    ("unknown noun", "3.2", 422),
    ("noun on the wrong service", "3.3", 200),  # SOAP: the FAILED ResponseMessage is the WSDL's output
    ("unknown service", "3.2", 404),
    ("invalid payload", "3.1", 400),
    ("malformed SOAP", "1.1", 200),
])
async def test_bad_messages_get_failed_with_the_code_and_a_dead_letter(running, case, code, status):
    path, auth, content_type = "/iec/v1/messages", True, "application/xml"
    _, good = events()
    body = good
    if case == "malformed":
        body = b"<CreatedEndDeviceEvents><Header>"
    elif case == "no credentials":
        auth = False
    elif case == "wrong password":
        auth = basic("hes-a", "not-the-password")
    elif case == "oversized":
        body = good.replace(b"</EndDeviceEvents>", b"<!--" + b"x" * 70_000 + b"--></EndDeviceEvents>")
    elif case == "unknown noun":
        body = good.replace(b"EndDeviceEvents", b"WeatherForecasts")
    elif case == "noun on the wrong service":
        path, content_type = "/iec/soap/ReceiveMeterReadings", "text/xml"
        _, body = events(soap=True)
    elif case == "unknown service":
        path, content_type = "/iec/soap/ReceiveWeather", "text/xml"
    elif case == "malformed SOAP":
        path, content_type, body = "/iec/soap/ReceiveEndDeviceEvents", "application/soap+xml", b"<Envelope"
    elif case == "invalid payload":
        body = good.replace(b'ref="3.26.0.85"', b'ref="3.26.0.85" bogus="1"').replace(
            b"<EndDeviceEventType", b"<Unexpected/><EndDeviceEventType")
    status_got, headers, reply = await post(running, path, body, auth=auth, content_type=content_type)
    answer = parse_message(reply)
    assert (status_got, answer.Reply.Result.value, answer.Reply.Error[0].code) == (status, "FAILED", code), \
        answer.Reply.Error[0].details
    assert answer.Reply.Error[0].details
    if code == "4.1":
        assert headers["WWW-Authenticate"].startswith("Basic")
    if path.startswith("/iec/soap/"):
        assert answer.soap is not None
    [letter] = dead_letters(running)
    assert letter.code == code and letter.source_topic == topics.IEC_INBOUND and letter.processor == "iec-endpoint"
    assert letter.key == (None if code == "4.1" else "hes-a")
    assert running.runtime.read_topic(topics.EDE_INBOUND) == []
    # the server is still up and still accepts good messages
    status_ok, _, _ = await post(running, "/iec/v1/messages", events()[1])
    assert status_ok == 200
    await running.runtime.drain()
    for _ in range(50):
        if await running.context.dead_letters.count():
            break
        await asyncio.sleep(0.05)
    assert (await running.context.dead_letters.list())[0].code == code


async def test_removed_head_end_is_refused(running):
    await running.context.headends.remove("hes-a")
    status, _, reply = await post(running, "/iec/v1/messages", events()[1])
    assert status == 401 and parse_message(reply).Reply.Error[0].code == "4.1"


class BrokenPublisher:
    def __init__(self):
        self.calls = 0

    async def publish(self, records):
        self.calls += 1
        raise OSError("disk full")


async def test_no_ok_unless_the_message_is_durable(tmp_path):
    from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
    from orchestrator.store.deadletters import DeadLetterStore

    settings = Settings(data_dir=tmp_path, http_port=0)
    await upgrade_async(settings.catalogue_url)
    engine = make_engine(settings.catalogue_url)
    try:
        headends = HeadendStore(sessionmaker(engine))
        _, password = await headends.add("hes-b", url=None, vendor="standard")
        publisher = BrokenPublisher()
        ctx = AppContext(settings=settings, publisher=publisher, dead_letters=DeadLetterStore(sessionmaker(engine)),
                         headends=headends)
        runner = aiohttp.web.AppRunner(create_app(ctx))
        await runner.setup()
        site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            async with aiohttp.ClientSession() as http:
                async with http.post(f"{url}/iec/v1/messages", data=events()[1],
                                     headers={"Authorization": basic("hes-b", password)}) as r:
                    status, reply = r.status, parse_message(await r.read())
        finally:
            await runner.cleanup()
        assert status == 503 and reply.Reply.Result.value == "FAILED" and reply.Reply.Error[0].code == "5.3"
        assert publisher.calls == 1
    finally:
        await engine.dispose()


async def test_concurrent_messages_are_all_stored_before_each_ok(running):
    bodies = [events(f"M-{n}")[1] for n in range(40)]
    results = await asyncio.gather(*(post(running, "/iec/v1/messages", b) for b in bodies))
    assert [status for status, _, _ in results] == [200] * 40
    stored = running.runtime.read_topic(topics.EDE_INBOUND)
    assert sorted(r.value for r in stored) == sorted(bodies)
    for _, _, reply in results:  # each OK names its own message
        assert parse_message(reply).Header.CorrelationID in {parse_message(b).Header.MessageID for b in bodies}
