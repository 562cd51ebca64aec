"""Customer data sync: a full topology load, then changes by IEC messages (the shared samples and
customer nouns), item by item with OK / PARTIAL / FAILED replies and the history of every link."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from orchestrator.core.topology import Target
from orchestrator.iec import ReplyResult, parse_message, to_xml
from orchestrator.store.masterdata import MasterDataLogRow
from orchestrator.store.topology import DeviceLinkRow, EndDeviceRow
from tests.masterdata.helpers import errors_of, load_catalogue, message

UP_FF = "00000000-0000-0000-0000-0000000000ff"
METER_0F = "00000000-0000-0000-0000-00000000000f"
SLAVE_1F = "00000000-0000-0000-0000-00000000001f"


@pytest.fixture
async def cat(tmp_path):
    return await load_catalogue(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path)


def sample(shared_iec, name: str) -> bytes:
    return (shared_iec / "samples" / name).read_bytes()


async def test_unknown_references_are_rejected_naming_them(cat, shared_iec):
    reply = await cat.masterdata.apply(sample(shared_iec, "ChangeMeterConfigRequestSync.xml"))
    assert reply.Reply.Result is ReplyResult.FAILED
    assert errors_of(reply)[0][0] == "6.2" and ("6.2", "DEVICE-005", "Meter") in errors_of(reply)
    assert "unknown Meter DEVICE-005" in reply.Reply.Error[0].details

    reply = await cat.masterdata.apply(sample(shared_iec, "ChangeUsagePointConfigRequest.xml"))
    assert reply.Reply.Result is ReplyResult.FAILED and ("6.2", UP_FF, "UsagePoint") in errors_of(reply)

    reply = await cat.masterdata.apply(sample(shared_iec, "CloseMasterDataLinkageConfigRequest.xml"))
    assert reply.Reply.Result is ReplyResult.FAILED and ("6.2", METER_0F, "Meter") in errors_of(reply)

    body = "<CustomerAgreement><mRID>A9</mRID><Customer><mRID>C-NOPE</mRID></Customer>" \
           "<UsagePoints><mRID>UP1</mRID></UsagePoints></CustomerAgreement>"
    reply = await cat.masterdata.apply(message("create", "CustomerAgreementConfig", body))
    assert errors_of(reply)[1:] == [("6.2", "C-NOPE", "Customer")]
    # The reply answers in the request's dialect and validates as a message.
    wire = to_xml(reply)
    assert parse_message(wire).Reply.Result is ReplyResult.FAILED
    # Nothing is lost: every message is logged with its result, and the failed ones kept in full.
    async with cat.sessions() as s:
        logs = (await s.scalars(select(MasterDataLogRow).order_by(MasterDataLogRow.id))).all()
    assert [(r.noun, r.result) for r in logs] == [("MeterConfig", "FAILED"), ("UsagePointConfig", "FAILED"),
                                                 ("MasterDataLinkageConfig", "FAILED"),
                                                 ("CustomerAgreementConfig", "FAILED")]
    assert all(r.request for r in logs)


async def test_batch_is_applied_item_by_item_with_partial_reply(cat, shared_iec):
    # The sample creates meter "qq" and has a second, empty <Meter/>: that item alone fails.
    reply = await cat.masterdata.apply(sample(shared_iec, "CreateMeterConfigRequestSync.xml"))
    assert reply.Reply.Result is ReplyResult.PARTIAL
    assert errors_of(reply) == [("0.1", None, None), ("3.1", "Meter[2]", "Meter")]
    async with cat.sessions() as s:
        qq = await s.get(EndDeviceRow, "qq")
    assert (qq.serial_number, qq.vendor, qq.name, qq.kind) == ("000001", "manufacturer", "ABB", "meter")

    body = "".join(f"<UsagePoint><mRID>{up}</mRID><Names><name>renamed {up}</name></Names></UsagePoint>"
                   for up in ("UP1", "UP-X", "UP2", "UP-Y"))
    reply = await cat.masterdata.apply(message("change", "UsagePointConfig", body))
    assert reply.Reply.Result is ReplyResult.PARTIAL
    assert errors_of(reply)[1:] == [("6.2", "UP-X", "UsagePoint"), ("6.2", "UP-Y", "UsagePoint")]
    reply = await cat.masterdata.apply(message("change", "UsagePointConfig", body.replace("UP1", "UP-Z")
                                               .replace("UP2", "UP-W")))
    assert reply.Reply.Result is ReplyResult.FAILED and len(reply.Reply.Error) == 5


async def test_full_load_then_changes_by_iec_messages(cat, shared_iec):
    view = await cat.topology.load_view()
    assert set(view.devices) == {"M1", "TH1", "M2", "M3"}
    # A usage point, a meter and a gateway slave device arrive from the CIS/MDM ...
    reply = await cat.masterdata.apply(message("create", "UsagePointConfig",
                                               f"<UsagePoint><mRID>{UP_FF}</mRID><Equipments><mRID>T2</mRID>"
                                               f"</Equipments></UsagePoint>"))
    assert reply.Reply.Result is ReplyResult.OK
    devices = (f"<Meter><mRID>{METER_0F}</mRID><serialNumber>S-0F</serialNumber>"
               f"<Names><name>DNB-BA-000</name></Names><Names><name>hes-b</name><NameType><name>HeadEnd</name>"
               f"</NameType></Names></Meter>"
               f"<Meter><mRID>dev5</mRID><Names><name>DEVICE-005</name></Names><Names><name>north</name>"
               f"<NameType><name>EndDeviceGroup</name></NameType></Names></Meter>")
    assert (await cat.masterdata.apply(message("create", "MeterConfig", devices))).Reply.Result is ReplyResult.OK
    assert (await cat.masterdata.apply(message("create", "EndDeviceConfig",
                                               f"<EndDevice><mRID>{SLAVE_1F}</mRID><type>water_heater</type>"
                                               f"</EndDevice>"))).Reply.Result is ReplyResult.OK
    # ... are linked on 2017-07-01 ...
    linkage = (f"<ConfigurationEvent><effectiveDateTime>2017-07-01T00:00:00+03:00</effectiveDateTime>"
               f"</ConfigurationEvent><EndDevice><mRID>{SLAVE_1F}</mRID></EndDevice>"
               f"<Meter><mRID>{METER_0F}</mRID></Meter><UsagePoint><mRID>{UP_FF}</mRID></UsagePoint>")
    reply = await cat.masterdata.apply(message("create", "MasterDataLinkageConfig", linkage))
    assert reply.Reply.Result is ReplyResult.OK
    # ... then the shared samples change them: UP renamed, DEVICE-005 re-serialled, linkage closed 07-13.
    assert (await cat.masterdata.apply(sample(shared_iec, "ChangeUsagePointConfigRequest.xml"))
            ).Reply.Result is ReplyResult.OK
    assert (await cat.masterdata.apply(sample(shared_iec, "ChangeMeterConfigRequestSync.xml"))
            ).Reply.Result is ReplyResult.OK
    assert (await cat.masterdata.apply(sample(shared_iec, "CloseMasterDataLinkageConfigRequest.xml"))
            ).Reply.Result is ReplyResult.OK
    async with cat.sessions() as s:
        dev5 = await s.get(EndDeviceRow, "dev5")
        links = (await s.scalars(select(DeviceLinkRow).where(DeviceLinkRow.usage_point == UP_FF)
                                 .order_by(DeviceLinkRow.device))).all()
    assert (dev5.serial_number, dev5.name) == ("100500", "DEVICE-005")  # identified by name, not renamed
    # History kept: valid 2017-07-01 (+03:00) to 2017-07-13 (+03:00).
    utc = timezone.utc
    assert [(link.device, link.valid_from, link.valid_to) for link in links] == [
        (METER_0F, datetime(2017, 6, 30, 21, tzinfo=utc), datetime(2017, 7, 12, 21, tzinfo=utc)),
        (SLAVE_1F, datetime(2017, 6, 30, 21, tzinfo=utc), datetime(2017, 7, 12, 21, tzinfo=utc))]
    during = await cat.topology.load_view(at=datetime(2017, 7, 5, tzinfo=utc))
    assert during.devices[METER_0F].usage_point == UP_FF and during.devices[METER_0F].transformer == "T2"
    assert during.devices[METER_0F].headend == "hes-b"
    assert during.devices[SLAVE_1F].kind.value == "water_heater"
    assert "dev5" in (await cat.topology.load_view()).resolve(Target.parse("group:north"))
    after = await cat.topology.load_view(at=datetime(2017, 7, 14, tzinfo=utc))
    assert after.devices[METER_0F].usage_point is None
    # Re-delivery of the create is idempotent; a cancel of a device with history is refused.
    reply = await cat.masterdata.apply(message("cancel", "MeterConfig", f"<Meter><mRID>{METER_0F}</mRID></Meter>"))
    assert reply.Reply.Result is ReplyResult.FAILED and errors_of(reply)[0][0] == "6.1"
    reply = await cat.masterdata.apply(message("cancel", "MeterConfig", "<Meter><mRID>qq-none</mRID></Meter>"))
    assert errors_of(reply)[1:] == [("6.2", "qq-none", "Meter")]


async def test_bad_messages_get_failed_replies(cat):
    reply = await cat.masterdata.apply(b"<not-xml")
    assert reply.Reply.Result is ReplyResult.FAILED and reply.Reply.Error[0].code == "1.1"
    reply = await cat.masterdata.apply(message("get", "UsagePointConfig", "<UsagePoint><mRID>UP1</mRID></UsagePoint>"))
    assert reply.Reply.Error[0].code == "1.4"
    reply = await cat.masterdata.apply(message("create", "MasterDataLinkageConfig",
                                               "<Meter><mRID>M1</mRID></Meter>"))
    assert reply.Reply.Result is ReplyResult.FAILED and reply.Reply.Error[1].code == "3.1"
    reply = await cat.masterdata.apply(message("create", "UsagePointConfig",
                                               "<UsagePoint><mRID>UPZ</mRID><ConfigurationEvents><effectiveDateTime>"
                                               "yesterday</effectiveDateTime></ConfigurationEvents></UsagePoint>"))
    assert reply.Reply.Result is ReplyResult.FAILED and "not an ISO 8601" in reply.Reply.Error[0].details


@pytest.mark.postgres
async def test_postgres_load_and_changes(postgres_url, tmp_path, shared_iec):
    cat = await load_catalogue(postgres_url, tmp_path)
    reply = await cat.masterdata.apply(sample(shared_iec, "CreateMeterConfigRequestSync.xml"))
    assert reply.Reply.Result is ReplyResult.PARTIAL
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    reply = await cat.masterdata.apply(message("close", "CustomerAgreementConfig",
                                               f"<CustomerAgreement><mRID>A2</mRID><validityInterval><start>"
                                               f"{at.isoformat()}</start></validityInterval></CustomerAgreement>"))
    assert reply.Reply.Result is ReplyResult.OK
    assert not (await cat.topology.load_view()).eligible("M2", "cpp")


async def test_redelivered_message_is_not_applied_twice(cat):
    linkage = ("<ConfigurationEvent><effectiveDateTime>2026-01-01T00:00:00Z</effectiveDateTime></ConfigurationEvent>"
               "<Meter><mRID>M2</mRID></Meter><UsagePoint><mRID>UP2</mRID></UsagePoint>")
    close = message("close", "MasterDataLinkageConfig", linkage, message_id="close-1")
    assert (await cat.masterdata.apply(close)).Reply.Result is ReplyResult.OK
    # The same message again (a resend): answered OK, nothing re-applied.
    assert (await cat.masterdata.apply(close)).Reply.Result is ReplyResult.OK
    # A new message closing the same (already closed) link fails: there is no current link.
    again = message("close", "MasterDataLinkageConfig", linkage, message_id="close-2")
    reply = await cat.masterdata.apply(again)
    assert reply.Reply.Result is ReplyResult.FAILED and "no current link of M2" in reply.Reply.Error[0].details
    # A FAILED message may be resent after the CIS fixed the reference.
    body = "<Meter><mRID>M9</mRID></Meter><UsagePoint><mRID>UP2</mRID></UsagePoint>"
    link = message("create", "MasterDataLinkageConfig", body, message_id="link-1")
    assert (await cat.masterdata.apply(link)).Reply.Result is ReplyResult.FAILED
    await cat.masterdata.apply(message("create", "MeterConfig", "<Meter><mRID>M9</mRID></Meter>"))
    assert (await cat.masterdata.apply(link)).Reply.Result is ReplyResult.OK
    assert (await cat.topology.load_view()).devices["M9"].usage_point == "UP2"
