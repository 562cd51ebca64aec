"""Customer switching: move-in, move-out and supplier change end or transfer enrolments at the
effective date, future-dated switches are applied when due, and every switch takes its read."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlalchemy import select

from orchestrator import topics
from orchestrator.iec import ReplyResult
from orchestrator.readings import reading_types as rt
from orchestrator.readings.ingest import ReadingsIngest
from orchestrator.readings.messages import MeterReadingData, build_meter_readings, parse_get_meter_readings
from orchestrator.store.masterdata import PendingChangeRow, SwitchingReadRow
from orchestrator.store.topology import AgreementRow, EnrolmentRow
from tests.masterdata.helpers import agreement, load_catalogue, message

UTC = timezone.utc


@pytest.fixture
async def cat(tmp_path):
    return await load_catalogue(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path)


async def _reads(cat) -> list[SwitchingReadRow]:
    async with cat.sessions() as s:
        return list((await s.scalars(select(SwitchingReadRow).order_by(SwitchingReadRow.id))).all())


async def test_move_in_ends_enrolments_and_requests_the_switching_read(cat):
    before = datetime.now(UTC)
    reply = await cat.masterdata.apply(message("create", "CustomerConfig", "<Customer><mRID>C9</mRID></Customer>"))
    assert reply.Reply.Result is ReplyResult.OK
    reply = await cat.masterdata.apply(message("create", "CustomerAgreementConfig",
                                               agreement("A9", "C9", "UP1", supplier="retail-z")))
    assert reply.Reply.Result is ReplyResult.OK
    view = await cat.topology.load_view()
    # The new occupant is not enrolled: TH1 and M1 are no longer dispatched for ac-cycling/cpp.
    assert (view.devices["TH1"].customer, view.devices["TH1"].agreement) == ("C9", "A9")
    assert not view.eligible("TH1", "ac-cycling") and not view.eligible("M1", "ac-cycling")
    # History: a moment before the switch the old customer and enrolment are still there.
    past = await cat.topology.load_view(at=before)
    assert past.devices["TH1"].agreement == "A1" and past.eligible("TH1", "cpp")
    async with cat.sessions() as s:
        old = await s.get(AgreementRow, "A1")
        ended = (await s.scalars(select(EnrolmentRow).where(EnrolmentRow.device == "TH1"))).all()
    assert old.valid_to is not None
    assert {(e.program, e.end_reason) for e in ended} == {
        ("ac-cycling", "move-out: agreement A1 ended"), ("cpp", "move-out: agreement A1 ended")}
    # Each ended enrolment is announced, so the dispatcher ends an active control with the reason.
    notices = [json.loads(r.value) for r in cat.published.on(topics.ENROLMENT_CHANGES)]
    assert sorted((n["device"], n["program"]) for n in notices) == [("M1", "ac-cycling"), ("TH1", "ac-cycling"),
                                                                   ("TH1", "cpp")]
    assert all(n["reason"] == "move-out: agreement A1 ended" for n in notices)
    # One switching read of the meter (not the thermostat), sent to its head-end.
    [request] = cat.published.on(topics.EDC_OUTBOUND)
    assert request.key == "hes-a"
    message_id, devices, types = parse_get_meter_readings(request.value)
    assert (devices, types) == (["M1"], [rt.KWH_REGISTER_DELIVERED])
    [read] = await _reads(cat)
    assert (read.request_id, read.device, read.old_agreement, read.new_agreement, read.reason, read.status) == (
        message_id, "M1", "A1", "A9", "move-in", "requested")
    # A re-delivered create changes nothing and asks for no second read.
    await cat.masterdata.apply(message("create", "CustomerAgreementConfig",
                                       agreement("A9", "C9", "UP1", supplier="retail-z")))
    assert len(cat.published.on(topics.EDC_OUTBOUND)) == 1


async def test_supplier_change_transfers_the_enrolment(cat):
    reply = await cat.masterdata.apply(message("create", "CustomerAgreementConfig",
                                               agreement("A1-Z", "C1", "UP1", supplier="retail-z")))
    assert reply.Reply.Result is ReplyResult.OK
    view = await cat.topology.load_view()
    assert view.devices["TH1"].agreement == "A1-Z"
    assert view.eligible("TH1", "ac-cycling") and view.eligible("TH1", "cpp")  # transferred, not ended
    assert cat.published.on(topics.ENROLMENT_CHANGES) == []
    async with cat.sessions() as s:
        rows = (await s.scalars(select(EnrolmentRow).where(EnrolmentRow.device == "TH1")
                                .order_by(EnrolmentRow.id))).all()
    assert [(r.agreement, r.valid_to is None, r.end_reason) for r in rows] == [
        ("A1", False, "supplier change: transferred to agreement A1-Z"),
        ("A1", False, "supplier change: transferred to agreement A1-Z"),
        ("A1-Z", True, None), ("A1-Z", True, None)]
    [read] = await _reads(cat)
    assert (read.old_agreement, read.new_agreement, read.reason) == ("A1", "A1-Z", "supplier-change")


async def test_supplier_change_ends_the_enrolment_when_programs_do_not_follow(tmp_path):
    cat = await load_catalogue(f"sqlite+aiosqlite:///{tmp_path / 'e.db'}", tmp_path, transfer=False)
    await cat.masterdata.apply(message("create", "CustomerAgreementConfig",
                                       agreement("A1-Z", "C1", "UP1", supplier="retail-z", programs=("cpp",))))
    view = await cat.topology.load_view()
    assert not view.eligible("TH1", "ac-cycling") and view.eligible("TH1", "cpp")
    reasons = {json.loads(r.value)["reason"] for r in cat.published.on(topics.ENROLMENT_CHANGES)}
    assert reasons == {"supplier-change: agreement A1 ended"}


async def test_future_dated_move_out_is_applied_when_due(cat):
    now = datetime.now(UTC).replace(microsecond=0)
    due = now + timedelta(days=2)
    body = f"<CustomerAgreement><mRID>A2</mRID><validityInterval><start>{due.isoformat()}</start>" \
           f"</validityInterval></CustomerAgreement>"
    reply = await cat.masterdata.apply(message("close", "CustomerAgreementConfig", body))
    assert reply.Reply.Result is ReplyResult.OK
    assert (await cat.topology.load_view()).eligible("M2", "cpp")  # not yet
    assert await cat.masterdata.apply_due(now + timedelta(days=1)) == 0
    assert (await cat.topology.load_view()).eligible("M2", "cpp")
    assert cat.published.records == []
    assert await cat.masterdata.apply_due(due + timedelta(seconds=30)) == 1
    assert await cat.masterdata.apply_due(due + timedelta(seconds=60)) == 0  # applied once
    # Ended at the effective date, not at the time apply_due ran.
    async with cat.sessions() as s:
        assert (await s.get(AgreementRow, "A2")).valid_to == due
        [pending] = (await s.scalars(select(PendingChangeRow))).all()
    assert (pending.outcome, pending.applied_at) == ("applied", due + timedelta(seconds=30))
    assert not (await cat.topology.load_view(at=due)).eligible("M2", "cpp")
    assert (await cat.topology.load_view(at=due - timedelta(seconds=1))).eligible("M2", "cpp")
    [read] = await _reads(cat)
    assert (read.effective_at, read.reason, read.old_agreement, read.new_agreement) == (due, "move-out", "A2", None)
    # A future-dated item naming an unknown reference is refused at once, not when due.
    body = agreement("A7", "C-NOPE", "UP3", start=due)
    reply = await cat.masterdata.apply(message("create", "CustomerAgreementConfig", body))
    assert reply.Reply.Result is ReplyResult.FAILED and reply.Reply.Error[1].ID.value == "C-NOPE"


async def test_switching_read_round_trip_through_the_simulator(tmp_path):
    generate_fleet = pytest.importorskip("orchestrator.simulator.fleet").generate_fleet
    HeadEndSimulator = pytest.importorskip("orchestrator.simulator.headend").HeadEndSimulator

    fleet = generate_fleet(3, seed=7)
    path = fleet.write_import_file(tmp_path / "fleet.csv")
    cat = await load_catalogue(f"sqlite+aiosqlite:///{tmp_path / 'f.db'}", tmp_path)
    from orchestrator.store.topology import read_rows

    await cat.topology.import_rows(read_rows(path))
    premise = fleet.premises[0]
    await cat.masterdata.apply(message("create", "CustomerConfig", "<Customer><mRID>NEW</mRID></Customer>"))
    reply = await cat.masterdata.apply(message("create", "CustomerAgreementConfig",
                                               agreement("NEW-1", "NEW", premise.usage_point)))
    assert reply.Reply.Result is ReplyResult.OK
    [request] = cat.published.on(topics.EDC_OUTBOUND)
    assert request.key == fleet.headend
    ingest = ReadingsIngest(cat.readings, complete_read=cat.masterdata.complete_read)
    async with HeadEndSimulator(fleet) as sim, aiohttp.ClientSession() as http:
        async with http.post(f"{sim.url}/iec", data=request.value,
                             headers={"Content-Type": "application/xml"}) as r:
            assert r.status == 200
            answer = await r.read()
    parsed = await ingest.ingest(answer)
    register = [v for d, t, _ts, v, _q in parsed.readings if t == rt.KWH_REGISTER_DELIVERED]
    [read] = await _reads(cat)
    assert (read.status, read.estimated, read.device) == ("read", False, premise.meter)
    assert read.value == register[0] and read.old_agreement == premise.agreement and read.new_agreement == "NEW-1"
    # The interval and instantaneous readings of the answer are stored too.
    stored = await cat.readings.readings(premise.meter, start=datetime(2000, 1, 1, tzinfo=UTC),
                                         end=datetime(2100, 1, 1, tzinfo=UTC))
    assert {s.reading_type for s in stored} == {rt.KWH_15MIN_DELIVERED, rt.KW_INSTANTANEOUS,
                                                rt.KWH_REGISTER_DELIVERED}


async def test_switching_read_is_estimated_when_the_meter_does_not_answer(cat):
    at = datetime.now(UTC).replace(second=0, microsecond=0)
    base = int(at.timestamp()) // 900 * 900 - 3600  # a register read an hour before, then intervals
    await cat.readings.insert_many([("M2", rt.KWH_REGISTER_DELIVERED, base, 1000.0, None)] +
                                   [("M2", rt.KWH_15MIN_DELIVERED, base + 900 * k, 0.25 * k, None)
                                    for k in (1, 2, 3, 4)])
    body = f"<CustomerAgreement><mRID>A2</mRID><validityInterval><start>{at.isoformat()}</start>" \
           f"</validityInterval></CustomerAgreement>"
    assert (await cat.masterdata.apply(message("close", "CustomerAgreementConfig", body), now=at)
            ).Reply.Result is ReplyResult.OK
    # The meter stays silent; a FAILED answer does not close the read either.
    [read] = await _reads(cat)
    failed = build_meter_readings([], correlation_id=read.request_id, reply=True)
    assert await cat.masterdata.complete_read(read.request_id, [], failed=True)
    assert await cat.masterdata.apply_due(at + timedelta(minutes=14)) == 0
    assert (await _reads(cat))[0].status == "requested"
    await cat.masterdata.apply_due(at + timedelta(minutes=15))
    [read] = await _reads(cat)
    # 1000 kWh + 0.25 + 0.5 + 0.75 + 1.0 kWh of interval energy since the register read = 1002.5 kWh.
    assert (read.status, read.estimated, read.value) == ("estimated", True, 1002.5)
    assert "estimated" in read.detail
    # A late answer no longer changes the estimate.
    late = build_meter_readings([MeterReadingData("M2", readings=[(rt.KWH_REGISTER_DELIVERED, base + 3600, 1003.0)])],
                                correlation_id=read.request_id, reply=True)
    assert failed and not await cat.masterdata.complete_read(read.request_id, [("M2", rt.KWH_REGISTER_DELIVERED,
                                                                                 base + 3600, 1003.0, None)])
    await ReadingsIngest(cat.readings, complete_read=cat.masterdata.complete_read).ingest(late)
    assert (await _reads(cat))[0].value == 1002.5


async def test_move_in_and_out_by_master_data_linkage(cat):
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    linkage = (f"<ConfigurationEvent><effectiveDateTime>{at.isoformat()}</effectiveDateTime></ConfigurationEvent>"
               "<Customer><mRID>C2</mRID></Customer><CustomerAgreement><mRID>A2-UP3</mRID></CustomerAgreement>"
               "<ServiceSupplier><mRID>retail-q</mRID></ServiceSupplier><UsagePoint><mRID>UP3</mRID></UsagePoint>")
    reply = await cat.masterdata.apply(message("create", "MasterDataLinkageConfig", linkage))
    assert reply.Reply.Result is ReplyResult.OK
    view = await cat.topology.load_view()
    assert (view.devices["M3"].customer, view.devices["M3"].agreement) == ("C2", "A2-UP3")
    assert not view.eligible("M3", "cpp")  # C3 moved out; C2 brought no programs here
    async with cat.sessions() as s:
        assert (await s.get(AgreementRow, "A3")).valid_to == at
        assert (await s.get(AgreementRow, "A2-UP3")).supplier == "retail-q"
    later = at + timedelta(minutes=1)
    close = (f"<ConfigurationEvent><effectiveDateTime>{later.isoformat()}</effectiveDateTime></ConfigurationEvent>"
             "<CustomerAgreement><mRID>A2-UP3</mRID></CustomerAgreement><UsagePoint><mRID>UP3</mRID></UsagePoint>")
    assert (await cat.masterdata.apply(message("close", "MasterDataLinkageConfig", close))
            ).Reply.Result is ReplyResult.OK
    assert (await cat.topology.load_view()).devices["M3"].agreement is None
    reads = await _reads(cat)
    assert [(r.reason, r.old_agreement, r.new_agreement) for r in reads] == [
        ("move-in", "A3", "A2-UP3"), ("move-out", "A2-UP3", None)]


async def test_customer_meter_data_set_moves_a_new_customer_in(cat):
    body = ("<Customer><mRID>C-NEW</mRID><Names><name>New Occupant</name></Names></Customer>"
            "<CustomerAgreement><mRID>A-NEW</mRID></CustomerAgreement>"
            "<Meter><mRID>M2</mRID></Meter><UsagePoint><mRID>UP2</mRID></UsagePoint>")
    reply = await cat.masterdata.apply(message("create", "CustomerMeterDataSet", body))
    assert reply.Reply.Result is ReplyResult.OK
    view = await cat.topology.load_view()
    assert (view.devices["M2"].customer, view.devices["M2"].agreement) == ("C-NEW", "A-NEW")
    assert not view.eligible("M2", "cpp")
    # The same data set naming a usage point that does not exist: the customer is kept, the links fail.
    reply = await cat.masterdata.apply(message("create", "CustomerMeterDataSet", body.replace("UP2", "UP-404")))
    assert reply.Reply.Result is ReplyResult.PARTIAL
    assert [(e.code, e.ID.value) for e in reply.Reply.Error[1:]] == [("6.2", "UP-404")]
