"""The dispatcher on a real SQLite catalogue and the real embedded runtime: XSD-valid controls for
every program kind, skips with reasons, ramps, re-sending after a crash, end and cancel."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from orchestrator import topics
from orchestrator.core.campaigns import Campaign, CampaignState, device_offsets
from orchestrator.core.dispatch import DispatchEventKind, DispatchState
from orchestrator.core.programs import Ramp, load_programs
from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView
from orchestrator.dispatcher import Dispatcher
from orchestrator.iec import parse_message, validate_message
from orchestrator.runtime.embedded import EmbeddedRuntime
from orchestrator.store.campaigns import CampaignStore
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async

PROGRAMS = load_programs([Path(__file__).resolve().parents[2] / "programs"])
EDC = "{http://iec.ch/TC57/2011/EndDeviceControls#}"
T0 = datetime(2026, 7, 15, 20, 0, tzinfo=timezone.utc)
KINDS = {"ac-cycling": DeviceKind.THERMOSTAT, "critical-peak-pricing": DeviceKind.METER,
         "der-export-limit": DeviceKind.DER, "ev-managed-charging": DeviceKind.EV_CHARGER,
         "water-heater-shed": DeviceKind.WATER_HEATER, "remote-disconnect": DeviceKind.METER}


def view_for(program: str, n: int = 7, headends: int = 2) -> TopologyView:
    view = TopologyView(transformer_feeder={"T1": "F1"}, feeder_substation={"F1": "S1"})
    for i in range(n):
        view.add(DevicePlacement(device=f"D{i}", kind=KINDS[program], headend=f"hes-{i % headends}", vendor="standard",
                                 usage_point=f"UP{i}", transformer="T1", feeder="F1", substation="S1",
                                 programs=frozenset({program}), rated_kw=5.0))
    return view


class Harness:
    def __init__(self, store: CampaignStore, runtime: EmbeddedRuntime):
        self.store, self.runtime = store, runtime

    def dispatcher(self, programs=PROGRAMS, view: TopologyView | None = None, publisher=None, **kw) -> Dispatcher:
        async def topology():
            return view

        return Dispatcher(self.store, programs, topology, publisher or self.runtime, message_size=3,
                          reply_address="http://orchestrator/iec/v1/messages", clock=lambda: T0, **kw)

    async def campaign(self, program: str, **kw) -> Campaign:
        c = Campaign(id=kw.pop("id", f"ev-{program}"), program=program, targets=("feeder:F1",), start=T0,
                     end=T0 + timedelta(hours=1), state=CampaignState.SCHEDULED, created_at=T0, updated_at=T0, **kw)
        await self.store.create(c, "test")
        return c

    def outbound(self):
        return self.runtime.read_topic(topics.EDC_OUTBOUND)


@pytest.fixture
async def harness(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    runtime = EmbeddedRuntime(tmp_path / "runtime.db")
    runtime.open()
    yield Harness(CampaignStore(sessionmaker(engine)), runtime)
    await runtime.stop()
    await engine.dispose()


def controls(xml: bytes) -> list[etree._Element]:
    return list(etree.fromstring(xml).iter(f"{EDC}EndDeviceControl"))


def text(el, path: str) -> str | None:
    found = el.find("/".join(f"{EDC}{p}" for p in path.split("/")))
    return found.text if found is not None else None


@pytest.mark.parametrize("program", sorted(KINDS))
async def test_every_program_kind_dispatches_xsd_valid_controls(harness, program):
    kw = {"level": 3} if program == "critical-peak-pricing" else {}
    c = await harness.campaign(program, **kw)
    plan = await harness.dispatcher(view=view_for(program)).start(c.id)
    assert (plan.eligible, plan.steps) == (7, 1)
    out = harness.outbound()
    assert sorted(r.key for r in out) == ["hes-0", "hes-0", "hes-1"]  # 4 + 3 devices, 3 per message
    seen = []
    for r in out:
        validate_message(r.value)
        m = parse_message(r.value)
        assert (m.Header.Verb, m.Header.Noun, m.Header.AsyncReplyFlag) == ("create", "EndDeviceControls", True)
        assert m.Header.ReplyAddress == "http://orchestrator/iec/v1/messages"
        assert m.Header.CorrelationID == m.Header.MessageID == r.header("message_id")
        for el in controls(r.value):
            device = text(el, "EndDevices/mRID")
            seen.append(device)
            assert el.find(f"{EDC}EndDeviceControlType").get("ref") == PROGRAMS[program].controls.start
            assert text(el, "issuerTrackingID") == c.id and text(el, "mRID") == f"{c.id}:{device}"
            s_off, e_off = device_offsets(c.id, device, PROGRAMS[program].randomisation)
            assert datetime.fromisoformat(text(el, "primaryDeviceTiming/interval/start")) == T0 + timedelta(seconds=s_off)
            assert datetime.fromisoformat(text(el, "primaryDeviceTiming/interval/end")) == (
                T0 + timedelta(hours=1, seconds=e_off))
            if program == "critical-peak-pricing":
                assert (text(el, "priceSignal"), text(el, "drProgramLevel")) == ("0.95", "3")
            if program == "ac-cycling":
                assert text(el, "PanDemandResponse/dutyCycle") == "50.0"
            if program == "der-export-limit":
                assert text(el, "PanDemandResponse/avgLoadAdjustment") == "-50.0"
                assert text(el, "drProgramMandatory") == "true"
    assert sorted(seen) == [f"D{i}" for i in range(7)]
    assert (await harness.store.rollup(c.id))["SENT"] == 7
    assert (await harness.store.get(c.id)).state is CampaignState.ACTIVE


async def test_setpoint_overrides_the_program_default(harness):
    c = await harness.campaign("ev-managed-charging", setpoint_percent=20)
    await harness.dispatcher(view=view_for("ev-managed-charging", n=1)).start(c.id)
    el = controls(harness.outbound()[0].value)[0]
    assert text(el, "PanDemandResponse/avgLoadAdjustment") == "-80.0"


async def test_ineligible_outage_and_headless_devices_are_skipped_with_a_reason(harness):
    view = view_for("water-heater-shed", n=4)
    view.add(DevicePlacement(device="X-not-enrolled", kind=DeviceKind.WATER_HEATER, headend="hes-0", vendor=None,
                             usage_point=None, transformer="T1", feeder="F1", substation="S1"))
    view.add(DevicePlacement(device="X-no-headend", kind=DeviceKind.WATER_HEATER, headend=None, vendor=None,
                             usage_point=None, transformer="T1", feeder="F1", substation="S1",
                             programs=frozenset({"water-heater-shed"})))

    async def in_outage():
        return {"D2"}

    c = await harness.campaign("water-heater-shed")
    plan = await harness.dispatcher(view=view, in_outage=in_outage).start(c.id)
    assert (plan.eligible, plan.skipped_ineligible, plan.skipped_outage) == (3, 2, 1)
    rows = {r["device"]: r for r in await harness.store.records(c.id)}
    assert (rows["X-not-enrolled"]["state"], rows["X-not-enrolled"]["detail"]) == (
        "SKIPPED_INELIGIBLE", "not enrolled in water-heater-shed")
    assert rows["X-no-headend"]["detail"] == "no head-end serves it"
    assert (rows["D2"]["state"], rows["D2"]["cause"]) == ("SKIPPED_OUTAGE", "skip_outage")
    sent = [text(el, "EndDevices/mRID") for r in harness.outbound() for el in controls(r.value)]
    assert sorted(sent) == ["D0", "D1", "D3"]


async def test_ramp_steps_are_sent_one_at_a_time(harness):
    ramped = {**PROGRAMS, "water-heater-shed": PROGRAMS["water-heater-shed"].model_copy(
        update={"ramp": Ramp(step_devices=4, step_interval_s=60)})}
    c = await harness.campaign("water-heater-shed")
    d = harness.dispatcher(programs=ramped, view=view_for("water-heater-shed", n=10))
    plan = await d.start(c.id)
    assert plan.steps == 3
    assert (await harness.store.rollup(c.id))["SENT"] == 4
    assert (await harness.store.get(c.id)).state is CampaignState.DISPATCHING
    assert await d.send_step(c.id, 1) == 2  # 2 head-ends x 2 devices
    assert await d.send_step(c.id, 1) == 0  # a repeated job sends nothing
    await d.send_step(c.id, 2)
    assert (await harness.store.rollup(c.id))["SENT"] == 10
    assert (await harness.store.get(c.id)).state is CampaignState.ACTIVE


async def test_a_crash_after_publishing_resends_the_same_messages(harness):
    class CrashAfterFirstBatch:
        calls = 0

        async def publish(self, records):
            await harness.runtime.publish(records)
            self.calls += 1
            raise RuntimeError("process died before marking SENT")

    c = await harness.campaign("water-heater-shed")
    view = view_for("water-heater-shed", n=7)
    with pytest.raises(RuntimeError):
        await harness.dispatcher(view=view, publisher=CrashAfterFirstBatch()).start(c.id)
    first = [r.header("message_id") for r in harness.outbound()]
    assert (await harness.store.rollup(c.id))["PENDING"] == 7
    await harness.dispatcher(view=view).send_step(c.id, 0)  # the ramp/resume path after restart
    again = [r.header("message_id") for r in harness.outbound()][len(first):]
    assert sorted(again) == sorted(first)  # same MessageIDs: the head-end can dedupe
    assert (await harness.store.rollup(c.id))["SENT"] == 7


async def test_end_moves_taking_part_devices_to_ended(harness):
    c = await harness.campaign("water-heater-shed")
    d = harness.dispatcher(view=view_for("water-heater-shed", n=6))
    await d.start(c.id)
    await harness.store.transition_all(c.id, [DispatchState.SENT], DispatchState.ACCEPTED, DispatchEventKind.REPLY_OK,
                                       T0, devices=["D0", "D1"], message_id="reply-1")
    assert await d.end(c.id)
    roll = await harness.store.rollup(c.id)
    assert (roll["ENDED"], roll["SENT"]) == (2, 4)
    assert (await harness.store.get(c.id)).state is CampaignState.COMPLETED
    assert not await d.end(c.id)  # the end job again: nothing to do


async def test_cancel_during_the_event_restores_only_devices_that_may_have_acted(harness):
    c = await harness.campaign("remote-disconnect")
    d = harness.dispatcher(view=view_for("remote-disconnect", n=5))
    await d.start(c.id)
    await harness.store.transition_all(c.id, [DispatchState.SENT], DispatchState.REJECTED,
                                       DispatchEventKind.REPLY_FAILED, T0, devices=["D4"], detail="2.4 no such meter")
    cancelled = await d.cancel(c.id, "op", "storm")
    assert cancelled.state is CampaignState.CANCELLED
    cancels = [r for r in harness.outbound() if r.header("kind") == "cancel"]
    restored = []
    for r in cancels:
        validate_message(r.value)
        for el in controls(r.value):
            assert el.find(f"{EDC}EndDeviceControlType").get("ref") == "3.31.0.18"  # reconnect
            restored.append(text(el, "EndDevices/mRID"))
    assert sorted(restored) == ["D0", "D1", "D2", "D3"]
    rows = {r["device"]: r for r in await harness.store.records(c.id)}
    assert rows["D4"]["state"] == "REJECTED"
    assert {rows[f"D{i}"]["state"] for i in range(4)} == {"CANCELLED"}
    assert rows["D0"]["cause_message_id"] == cancels[0].header("message_id") and rows["D0"]["detail"] == "storm"


async def test_der_group_program_sends_one_der_group_dispatch_per_head_end_and_group(harness):
    program = "der-group-export-limit"
    view = TopologyView(transformer_feeder={"T1": "F1"}, feeder_substation={"F1": "S1"})
    for i in range(6):
        view.add(DevicePlacement(device=f"PV{i}", kind=DeviceKind.DER, headend=f"hes-{i % 2}", vendor="standard",
                                 usage_point=f"UP{i}", transformer="T1", feeder="F1", substation="S1",
                                 programs=frozenset({program}), rated_kw=5.0 + i,
                                 groups=frozenset({"north-pv"} if i < 4 else {"south-pv"})))
    c = Campaign(id="ev-der", program=program, targets=("group:north-pv", "group:south-pv"), start=T0,
                 end=T0 + timedelta(hours=2), state=CampaignState.SCHEDULED, created_at=T0, updated_at=T0)
    await harness.store.create(c, "test")
    plan = await harness.dispatcher(view=view).start(c.id)
    assert plan.eligible == 6
    ns = "{http://iec.ch/TC57/2017/DERGroupDispatches#}"
    got = {}
    for r in harness.outbound():
        validate_message(r.value)
        assert r.header("noun") == "DERGroupDispatches"
        root = etree.fromstring(r.value)
        group = root.find(f".//{ns}EndDeviceGroup/{ns}mRID").text
        got[(r.key, group)] = float(root.find(f".//{ns}nominalYValue").text)
        assert root.find(f".//{ns}flowDirection").text == "reverse"
        assert root.find(f".//{ns}timeIntervalDuration").text == "120"
    # 40 % of the summed ratings: hes-0 north PV0+PV2 = 5+7, hes-1 north PV1+PV3 = 6+8, south PV4 / PV5
    assert got == {("hes-0", "north-pv"): 4.8, ("hes-1", "north-pv"): 5.6, ("hes-0", "south-pv"): 3.6,
                   ("hes-1", "south-pv"): 4.0}
    assert (await harness.store.rollup(c.id))["SENT"] == 6


def test_der_group_program_needs_group_targets():
    from orchestrator.core.campaigns import check_constraints

    c = Campaign(id="ev", program="der-group-export-limit", targets=("feeder:F1", "group:g"), start=T0,
                 end=T0 + timedelta(hours=1))
    assert [v.text for v in check_constraints(PROGRAMS["der-group-export-limit"], c, now=T0 - timedelta(hours=1))] == [
        "program der-group-export-limit dispatches per DER group; targets must be group:NAME, not feeder:F1"]
