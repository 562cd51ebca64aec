"""The head-end simulator in-process: fleet, load model, controls, faults, outages and vendor codes."""
from __future__ import annotations

import asyncio
import csv
import random
import uuid
from collections import Counter
from contextlib import AsyncExitStack

import aiohttp
import pytest

from orchestrator.iec import (
    CanonicalEvent,
    EndDeviceControl,
    build_end_device_controls,
    code_map,
    parse_end_device_controls_reply,
    parse_end_device_events,
    validate_message,
)
from orchestrator.readings.messages import parse_meter_readings
from orchestrator.service import start
from orchestrator.settings import Settings
from orchestrator.simulator import (
    Behaviour,
    HeadEndSimulator,
    Latency,
    OrchestratorLink,
    generate_fleet,
)
from orchestrator.simulator.fleet import premise_kw
from orchestrator.store.db import make_engine, sessionmaker
from orchestrator.store.topology import TopologyStore, read_rows


def test_the_same_seed_gives_the_same_fleet_and_the_topology_imports(tmp_path):
    a, b, c = generate_fleet(300, seed=7), generate_fleet(300, seed=7), generate_fleet(300, seed=8)
    assert a.import_rows() == b.import_rows() != c.import_rows()
    kinds = Counter(d.kind for d in a.devices.values())
    assert kinds["meter"] == 300 and kinds["der"] > 0 and kinds["ev_charger"] > 0 and kinds["thermostat"] > 0
    # every meter sits under a transformer, a feeder and a substation
    assert sum(len(a.meters_under(s)) for s in a.substations) == 300
    path = a.write_import_file(tmp_path / "fleet.csv")
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(a.devices) and {r["kind"] for r in rows} == set(kinds)


async def test_generated_topology_loads_into_the_catalogue(tmp_path):
    fleet = generate_fleet(120, seed=3, headend="hes-x", vendor="connexo")
    path = fleet.write_import_file(tmp_path / "fleet.jsonl")
    settings = Settings(data_dir=tmp_path, http_port=0)
    async with AsyncExitStack() as stack:
        await start(settings, stack)
        engine = make_engine(settings.catalogue_url)
        stack.push_async_callback(engine.dispose)
        store = TopologyStore(sessionmaker(engine))
        report = await store.import_rows(read_rows(path))
        assert report.rejected == [] and report.devices == len(fleet.devices)
        view = await store.load_view()
    placement = view.devices["M-000001"]
    assert placement.headend == "hes-x" and placement.transformer == fleet.premises[0].transformer
    assert placement.feeder == fleet.premises[0].feeder and placement.substation == fleet.premises[0].substation


def test_load_control_lowers_demand_of_controlled_devices():
    from orchestrator.simulator.fleet import Control

    fleet = generate_fleet(400, seed=5)
    t = 1_750_000_000 - 1_750_000_000 % 86400 + 16 * 3600  # 16:00, AC running
    ac = [d for d, x in fleet.devices.items() if x.kind in ("thermostat", "load_control_switch")]
    premises = {fleet.premise_of(d).index: fleet.premise_of(d) for d in ac}.values()

    def total(factor: float | None) -> float:
        controls = {} if factor is None else {d: Control("load_control_start", t - 60, t + 3600, factor) for d in ac}
        return sum(premise_kw(fleet, p, t, controls) for p in premises)

    before, half, shed = total(None), total(0.5), total(0.0)
    assert before > shed > 0  # the household keeps its own demand
    assert half == pytest.approx(before - (before - shed) * 0.5, rel=1e-9)
    assert total(1.0) == pytest.approx(before)
    # outside the control's interval nothing changes
    late = {d: Control("load_control_start", t + 7200, t + 9000, 0.0) for d in ac}
    assert sum(premise_kw(fleet, p, t, late) for p in premises) == pytest.approx(before)


@pytest.fixture
async def sim():
    fleet = generate_fleet(60, seed=11, headend="hes-sim", vendor="mesh-ami")
    simulator = HeadEndSimulator(fleet, Behaviour(time_scale=0.0005, reading_interval_s=0))
    async with simulator:
        yield simulator


async def post(url: str, body: bytes) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as http, http.post(url, data=body) as r:
        return r.status, await r.read()


def control_message(devices, *, code="16.15.0.54", duration=30.0, async_reply=None, reply_address=None):
    return build_end_device_controls([EndDeviceControl(mRID=str(uuid.uuid4()), EndDeviceControlType=code,
                                                       endDevices=devices, issuerTrackingID="camp-9",
                                                       durationMinutes=duration)],
                                     message_id=str(uuid.uuid4()), async_reply=async_reply,
                                     reply_address=reply_address)


class Sink:
    """An IEC endpoint stand-in that records what the simulator posts (validated like the real one)."""

    def __init__(self):
        self.bodies: list[bytes] = []

    async def handle(self, request):
        from aiohttp import web

        from orchestrator.iec import ok_reply, parse_message, to_xml

        body = await request.read()
        message = parse_message(body)
        self.bodies.append(body)
        return web.Response(body=to_xml(ok_reply(message)), content_type="application/xml")


@pytest.fixture
async def endpoint():
    from aiohttp import web

    sink = Sink()
    app = web.Application()
    app.router.add_post("/iec/v1/messages", sink.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sink.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield sink
    await runner.cleanup()


def events_of(bodies) -> list:
    return [e for b in bodies if b"EndDeviceEvents" in b for e in parse_end_device_events(b)]


async def test_controls_are_confirmed_opted_out_and_ended_in_vendor_codes(endpoint):
    fleet = generate_fleet(80, seed=2, headend="hes-sim", vendor="mesh-ami")
    behaviour = Behaviour(time_scale=0.0005, reading_interval_s=0, opt_out_rate=0.5, seed=3)
    ac = [d for d, x in fleet.devices.items() if x.kind == "thermostat"][:12]
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url)) as sim:
        status, reply = await post(sim.url + "/iec", control_message(ac, duration=60))
        assert status == 200 and parse_end_device_controls_reply(reply).result.value == "OK"
        await sim.idle()
    events = events_of(endpoint.bodies)
    meanings = Counter(code_map("mesh-ami").meaning(e.EndDeviceEventType) for e in events)
    assert meanings[CanonicalEvent.LOAD_CONTROL_STARTED] == 12
    assert meanings[CanonicalEvent.DR_OPT_OUT] == sim.stats["opt_outs"] > 0
    assert meanings[CanonicalEvent.LOAD_CONTROL_STOPPED] == 12 - sim.stats["opt_outs"]
    assert all(e.issuerTrackingID == "camp-9" and e.endDeviceMRID in ac for e in events)
    for body in endpoint.bodies:
        validate_message(body)


async def test_failures_unknown_devices_and_async_replies(endpoint):
    fleet = generate_fleet(40, seed=2)
    behaviour = Behaviour(time_scale=0.0005, reading_interval_s=0, failure_rate=0.5, sync_reply=False, seed=5)
    ac = [d for d, x in fleet.devices.items() if x.kind == "thermostat"][:10]
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url)) as sim:
        body = control_message([*ac, "GHOST-1"], async_reply=True,
                               reply_address=endpoint.url + "/iec/v1/messages")
        status, ack = await post(sim.url + "/iec", body)
        assert status == 200 and parse_end_device_controls_reply(ack).result.value == "OK"  # acknowledgement
        await sim.idle()
    [result] = [b for b in endpoint.bodies if b"ResponseMessage" in b]
    parsed = parse_end_device_controls_reply(result)
    assert parsed.result.value == "PARTIAL" and "GHOST-1" in parsed.failed_ids
    assert {e.code for e in parsed.errors if e.id == "GHOST-1"} == {"6.2"}
    assert len(parsed.failed_ids) == sim.stats["control_items_failed"] > 1


async def test_lost_duplicate_late_messages_follow_the_rates(endpoint):
    fleet = generate_fleet(200, seed=2)
    behaviour = Behaviour(time_scale=0.0002, reading_interval_s=0, lost_rate=0.2, duplicate_rate=0.2,
                          late_rate=0.2, reorder_rate=0.2, events_per_message=1,
                          confirm_latency=Latency.parse("uniform:1:30"), seed=9)
    meters = fleet.meters[:150]
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url)) as sim:
        await post(sim.url + "/iec", control_message(meters, code="3.20.9.82"))  # price signal to meters
        await sim.idle()
    s = sim.stats
    assert s["events_sent"] == 150 and 10 < s["messages_lost"] < 60 and s["messages_duplicated"] > 5
    assert s["messages_late"] > 5 and s["messages_reordered"] > 5
    delivered = [e.mRID for e in events_of(endpoint.bodies)]
    assert len(delivered) == 150 - s["messages_lost"] + s["messages_duplicated"]
    assert len(set(delivered)) == 150 - s["messages_lost"]


@pytest.mark.parametrize("vendor, off_code, gasp_code", [("mesh-ami", "8.26.38.85", "8.26.0.85"),
                                                         ("connexo", "3.26.0.85", "10.26.80.59")])
async def test_outage_scenarios_emit_the_vendor_codes(endpoint, vendor, off_code, gasp_code):
    fleet = generate_fleet(300, seed=4, vendor=vendor)
    behaviour = Behaviour(time_scale=0.0005, reading_interval_s=0, seed=1, last_gasp_resends=1)
    xfmr = next(iter(fleet.transformers))
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url)) as sim:
        plan = sim.outage("transformer", xfmr, duration_s=120)
        gasp = sim.outage("last-gasp", list(fleet.transformers)[1], duration_s=120)
        await asyncio.sleep(0.02)
        assert sim.snapshot()["meters_off"] == len(plan["meters"]) + len(gasp["meters"])
        await sim.idle()
        assert sim.snapshot()["meters_off"] == 0
    events = events_of(endpoint.bodies)
    by_meter = {}
    for e in events:
        by_meter.setdefault(e.endDeviceMRID, []).append(e)
    for meter in plan["meters"]:
        assert sorted(e.EndDeviceEventType for e in by_meter[meter]) == sorted([off_code, code_map(vendor).code_for(
            CanonicalEvent.POWER_RESTORED, 3, kind="event")])
    for meter in gasp["meters"]:
        gasps = [e for e in by_meter[meter] if e.EndDeviceEventType == gasp_code]
        assert len(gasps) == 2 and gasps[0].mRID == gasps[1].mRID  # resent once, same event


async def test_storm_momentary_and_nested_plans():
    fleet = generate_fleet(2000, seed=6)
    async with HeadEndSimulator(fleet, Behaviour(time_scale=0.0001, reading_interval_s=0)) as sim:
        storm = sim.outage("storm", count=4, duration_s=600)
        assert len(storm["steps"]) == 4
        momentary = sim.outage("momentary", count=3)
        assert [s["on_s"] - s["off_s"] for s in momentary["steps"]] == pytest.approx([6, 6, 6], abs=4.1)
        feeder = next(iter(fleet.feeders))
        nested = sim.outage("nested", feeder, duration_s=100)
        assert [s["on_s"] for s in nested["steps"]] == [100, 200, 300]
        assert nested["steps"][0]["meters"] > nested["steps"][1]["meters"] > nested["steps"][2]["meters"] == 1
        with pytest.raises(ValueError, match="unknown outage scenario"):
            sim.outage("meteor")
        with pytest.raises(ValueError, match="no device, transformer"):
            sim.outage("transformer", "XFMR-NOPE")


async def test_interval_readings_and_on_request_reads(endpoint):
    fleet = generate_fleet(30, seed=2)
    behaviour = Behaviour(time_scale=0.0002, reading_interval_s=900, seed=2)
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url)) as sim:
        for _ in range(100):
            if sim.stats["readings_sent"] >= 60:
                break
            await asyncio.sleep(0.05)
        from orchestrator.readings.messages import build_get_meter_readings

        status, body = await post(sim.url + "/iec", build_get_meter_readings(["M-000003", "NOPE"], message_id="r-1")
                                  .replace(b"<msg:AsyncReplyFlag>true</msg:AsyncReplyFlag>", b""))
    readings = [parse_meter_readings(b) for b in endpoint.bodies if b"MeterReadings" in b]
    assert sum(len(r.devices) for r in readings) >= 60
    values = [v for r in readings for (_, _, _, v, _) in r.readings]
    assert all(0 <= v < 10 for v in values) and len(set(values)) > 10  # kWh per 15 min, plausible and varied
    answer = parse_meter_readings(body)
    assert status == 200 and answer.correlation_id == "r-1" and answer.devices == ["M-000003"]
    assert answer.result == "PARTIAL"


def test_latency_parsing():
    assert Latency.parse("fixed:3").draw(random.Random(1)) == 3
    assert 1 <= Latency.parse("uniform:1:2").draw(random.Random(1)) <= 2
    for bad in ("gauss:1", "uniform:2:1", "fixed", "lognormal:-1:1"):
        with pytest.raises(ValueError, match="latency"):
            Latency.parse(bad)
    with pytest.raises(ValueError, match="lost_rate"):
        Behaviour(lost_rate=2)


async def test_interval_readings_show_the_reduction_of_a_load_control_event():
    from datetime import datetime, timezone

    fleet = generate_fleet(300, seed=12)
    afternoon = datetime(2026, 7, 15, 15, 0, tzinfo=timezone.utc)  # AC running
    behaviour = Behaviour(time_scale=0.0001, reading_interval_s=0, seed=12)
    ac = [d for d, x in fleet.devices.items() if x.kind in ("thermostat", "load_control_switch")]
    meters = sorted({fleet.premise_of(d).meter for d in ac})
    async with HeadEndSimulator(fleet, behaviour, start_time=afternoon) as sim:
        end = (sim.sim_now() // 900 + 3) * 900  # an interval that starts after the control

        def kwh() -> dict[str, float]:
            return {m.device: m.intervals[0][1] for m in sim.interval_readings(end) if m.device in meters}

        baseline = kwh()
        await post(sim.url + "/iec", control_message(ac, code="16.15.0.54", duration=120))  # 50 % cycling
        controlled = kwh()
        await post(sim.url + "/iec", control_message(ac, code="16.15.43.8"))  # cancel: back to normal
        restored = kwh()
    reduction = sum(baseline.values()) - sum(controlled.values())
    assert reduction > 0.1 * sum(baseline.values())  # AC is a large share of afternoon demand
    assert all(controlled[m] < baseline[m] for m in meters)
    assert restored == baseline
    untouched = [m for m in fleet.meters if m not in meters][:20]
    assert all(sim.interval_readings(end)[fleet.meters.index(m)].intervals[0][1] >= 0 for m in untouched)


async def test_der_group_dispatch_limits_every_inverter_of_the_group(endpoint):
    from datetime import datetime, timezone

    from orchestrator.der_dispatch import build_der_group_dispatches

    fleet = generate_fleet(400, seed=8, vendor="mesh-ami")
    group, members = next(iter(fleet.der_groups.items()))
    rated = sum(fleet.devices[d].rated_kw for d in members)
    rows = {r["device"]: r for r in fleet.import_rows()}
    assert all(rows[d]["groups"] == group for d in members)
    noon = datetime(2026, 7, 15, 12, 0, tzinfo=timezone.utc)
    behaviour = Behaviour(time_scale=0.0002, reading_interval_s=0, seed=8)
    async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(endpoint.url), start_time=noon) as sim:
        body = build_der_group_dispatches(dispatch_mrid="dgd-1", group=group, kw=rated * 0.25, start=noon,
                                          minutes=30, mode="export_limit", message_id="dgd-msg", source="orch",
                                          reply_address=None, async_reply=False)
        status, reply = await post(sim.url + "/iec", body)
        assert status == 200 and parse_end_device_controls_reply(reply).result.value == "OK"
        assert {sim.controls[d].factor for d in members} == {0.25}
        from orchestrator.simulator.fleet import device_kw

        t = sim.sim_now()
        limited = {d: device_kw(fleet.devices[d], t, fleet.seed, sim.controls[d]) for d in members}
        free = {d: device_kw(fleet.devices[d], t, fleet.seed, None) for d in members}
        status, unknown = await post(sim.url + "/iec", body.replace(group.encode(), b"DERG-NOPE"))
        assert parse_end_device_controls_reply(unknown).failed_ids == {"DERG-NOPE"}
        await sim.idle()
    executed = [e for e in events_of(endpoint.bodies)
                if code_map("mesh-ami").meaning(e.EndDeviceEventType) == CanonicalEvent.CONTROL_EXECUTED]
    assert sorted(e.endDeviceMRID for e in executed) == sorted(members)
    assert all(dict(e.details)["EndDeviceControl"] == "dgd-1" for e in executed)
    assert all(limited[d] >= -0.25 * fleet.devices[d].rated_kw - 1e-9 for d in members)  # export capped at 25 %
    assert sum(limited.values()) > sum(free.values())  # at noon the cap bites: less export than unlimited
