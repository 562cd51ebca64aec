"""``orchestrator demo``: the whole job on the embedded runtime, on a fresh machine.

It generates a fleet, loads it as topology, starts the orchestrator (embedded runtime, API,
console), a head-end simulator registered with its own credentials, and a small OMS that
receives the outage notifications — every part talking to the others over real HTTP and
IEC 61968-100 messages. With ``--scenario peak-day`` it plays a compressed peak day: a
critical-peak price signal, an AC-cycling event, a DER export limit, a feeder outage during
the events and its restoration. ``--headless`` runs the scenario to its end and prints one
JSON summary on stdout.

The day is compressed into minutes, so the demo runs the shipped programs with their calendar
limits relaxed (no season, no allowed hours, no notice, one-minute minimum duration) and short
acknowledgement timeouts; everything else is the shipped definition.
"""
from __future__ import annotations

import asyncio
import json
import signal
import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from orchestrator.settings import Settings

HEADEND = "hes-sim"
SCENARIOS = ("none", "peak-day")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- programs

def shipped_programs_dir() -> Path:
    here = Path(__file__).resolve().parents[1] / "programs"
    return here if here.is_dir() else Path("programs")


def write_demo_programs(source: Path, target: Path) -> Path:
    """Copies of the shipped programs with the calendar limits a compressed day cannot keep."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yaml")):
        program = yaml.safe_load(path.read_text())
        limits = program.setdefault("limits", {})
        for key in ("allowed_hours", "season", "max_events_per_season"):
            limits.pop(key, None)
        limits.update(min_notice_minutes=0, min_duration_minutes=1)
        program["randomisation"] = {"start_minutes": 0, "end_minutes": 0}
        program.pop("ramp", None)
        program["acknowledgement"] = {"reply_timeout_s": 15, "confirmation_timeout_s": 30, "retries": 1,
                                      "backoff_s": 3, "backoff_factor": 2}
        (target / path.name).write_text(yaml.safe_dump(program, sort_keys=False))
    return target


# ----------------------------------------------------------------------------- the OMS

@dataclass
class DemoOms:
    """Stands in for the utility's OMS: an HTTP endpoint that records the notifications it gets."""

    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def start(self, stack: AsyncExitStack) -> str:
        app = web.Application()
        app.router.add_post("/oms/notifications", self._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/oms/notifications"
        return self.url

    async def _receive(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"status": "received"})


# ----------------------------------------------------------------------------- the demo

def demo_settings(base: Settings, oms_url: str) -> Settings:
    source = base.programs_dir if base.programs_dir.is_dir() else shipped_programs_dir()
    programs = write_demo_programs(source, base.data_dir / "programs")
    return base.model_copy(update={
        "programs_dir": programs,
        "oms_webhook_url": oms_url,
        "oms_backoff_base_s": 0.5,
        "outage_momentary_window_s": 10.0,
        "outage_verify_grace_s": 5.0,
        "outage_verify_timeout_s": 15.0,
        "correlation_tick_s": 1.0,
        "topology_cache_s": 1.0,
        "metrics_sample_interval_s": 2.0,
    })


@dataclass
class Demo:
    settings: Settings
    devices: int
    seed: int
    headless: bool
    oms: DemoOms = field(default_factory=DemoOms)

    async def run(self, scenario: str) -> dict[str, Any] | None:
        from orchestrator.service import start
        from orchestrator.simulator.behaviour import Behaviour
        from orchestrator.simulator.fleet import generate_fleet
        from orchestrator.simulator.headend import HeadEndSimulator, OrchestratorLink
        from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
        from orchestrator.store.topology import TopologyStore

        # Ctrl-C at any point (even while starting) stops the demo cleanly.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with AsyncExitStack() as stack:
            await self.oms.start(stack)
            settings = demo_settings(self.settings, self.oms.url)
            say(f"orchestrator demo: {self.devices} meters, seed {self.seed}, state in {settings.data_dir}")

            self.fleet = generate_fleet(self.devices, seed=self.seed, headend=HEADEND, vendor="standard")
            await upgrade_async(settings.catalogue_url)
            engine = make_engine(settings.catalogue_url)
            report = await TopologyStore(sessionmaker(engine)).import_rows(self.fleet.import_rows())
            await engine.dispose()
            say(f"  topology: {report.devices} devices on {len(self.fleet.transformers)} transformers, "
                f"{len(self.fleet.feeders)} feeders")

            running = await start(settings, stack)
            self.running = running
            link = OrchestratorLink(running.url)
            behaviour = Behaviour(seed=self.seed, opt_out_rate=0.02, failure_rate=0.01,
                                  last_gasp_delay=(1.0, 3.0), reading_interval_s=0)
            simulator = HeadEndSimulator(self.fleet, behaviour, link=link)
            sim_url = await simulator.start()
            stack.push_async_callback(simulator.stop)
            _, password = await running.context.headends.add(HEADEND, url=f"{sim_url}/iec", vendor="standard",
                                                             rotate=True)
            link.username, link.password = HEADEND, password
            self.simulator = simulator

            from orchestrator.auth import ensure_demo_admin

            token = await ensure_demo_admin(settings)
            say(f"  console: {running.url}/console/   (API token: {token})")
            say(f"  API:     {running.url}/api/v1/openapi.json   metrics: {running.url}/metrics")
            say(f"  head-end simulator: {sim_url}   OMS: {self.oms.url}")

            summary = None
            if scenario == "peak-day" and not stop.is_set():
                summary = await _until(stop, self.peak_day())
                if summary is not None and not self.headless:
                    say("peak day summary:\n" + json.dumps(summary, indent=2))
            if not self.headless and not stop.is_set():
                say("Ctrl-C to stop.")
                await stop.wait()
            say("stopping")
        return summary

    # ------------------------------------------------------------------------- scenario
    async def peak_day(self) -> dict[str, Any]:
        from orchestrator.campaign_service import CreateEvent
        from orchestrator.store.models import utcnow

        events = self.running.context.events
        fleet = self.fleet
        substation = sorted(fleet.substations)[0]
        feeders = sorted(f for f in fleet.feeders if fleet.feeders[f])
        controllable = {fleet.premises[d.premise].feeder for d in fleet.devices.values()
                        if d.kind in ("thermostat", "load_control_switch")}
        ac_feeder = next(f for f in feeders if f in controllable)
        out_feeder = next((f for f in feeders if f != ac_feeder), ac_feeder)

        say(f"peak day: feeder {out_feeder} goes out; events start once it is a sustained outage")
        self.simulator.outage("feeder", out_feeder, duration_s=75.0)
        await asyncio.sleep(self.settings_value("outage_momentary_window_s") + 8)

        start = utcnow() + timedelta(seconds=3)
        plan = [
            ("critical-peak-pricing", [f"substation:{substation}"], {"level": 2}),
            ("ac-cycling", [f"feeder:{ac_feeder}"], {}),
            ("der-export-limit", [f"substation:{substation}"], {"setpoint_percent": 50}),
        ]
        campaigns = []
        for program, targets, extra in plan:
            c = await events.create(CreateEvent(program=program, targets=targets, start=start, duration_minutes=1,
                                                reason="demo peak day", **extra), actor="demo")
            campaigns.append(c.id)
            say(f"  event {c.id}: {program} on {', '.join(targets)}")

        deadline = asyncio.get_running_loop().time() + 420
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(2)
            states = [(await events.get(cid)).state.value for cid in campaigns]
            restored = await self._all_restored()
            pending = await self._oms_pending()
            if all(s in ("COMPLETED", "CANCELLED") for s in states) and restored and pending == 0:
                break
        return await self.summary(campaigns)

    def settings_value(self, name: str) -> Any:
        return getattr(self.running.settings, name)

    async def _all_restored(self) -> bool:
        store = self.running.context.outages
        outages = await store.list(limit=10000)
        return bool(outages) and all(o.status in ("RESTORED", "MOMENTARY") for o in outages)

    async def _oms_pending(self) -> int:
        counts = await self.running.context.outages.delivery_counts()
        return sum(n for status, n in counts.items() if status not in ("delivered", "dead_lettered", "dead"))

    async def summary(self, campaigns: list[str]) -> dict[str, Any]:
        from orchestrator.store import dispatch_view

        ctx = self.running.context
        out: dict[str, Any] = {"campaigns": [], "outages": {}, "oms": {}}
        sessions = ctx.events.store.sessions
        for cid in campaigns:
            c = await ctx.events.get(cid)
            program = ctx.events.programs[c.program]
            st = await dispatch_view.rollup(sessions, cid)
            devices = sum(st.values())
            out["campaigns"].append({
                "id": cid, "program": c.program, "kind": program.kind.value, "state": c.state.value,
                "devices": devices,
                "dispatched": devices - st["PENDING"] - st["SKIPPED_OUTAGE"] - st["SKIPPED_INELIGIBLE"],
                "confirmed": st["CONFIRMED"] + st["ENDED"], "opted_out": st["OPTED_OUT"],
                "failed": st["FAILED"] + st["REJECTED"], "timed_out": st["TIMED_OUT"],
                "skipped_outage": st["SKIPPED_OUTAGE"], "skipped_ineligible": st["SKIPPED_INELIGIBLE"],
                "estimated_kw": await dispatch_view.estimated_kw(sessions, cid),
                # One-minute demo events are shorter than a 15-minute metering interval: no
                # interval can show the reduction, so none is claimed (see docs/demo.md).
                "measured_kw": None,
            })
        outages = await ctx.outages.list(limit=10000)
        levels = [o.level for o in outages]
        out["outages"] = {
            "sustained": sum(1 for o in outages if o.status in ("SUSTAINED", "RESTORED")),
            "momentary": sum(1 for o in outages if o.status == "MOMENTARY"),
            "restored": sum(1 for o in outages if o.status == "RESTORED"),
            "transformer": levels.count("transformer"), "feeder": levels.count("feeder"),
            "nested": sum(1 for o in outages if o.record.get("nested")),
        }
        counts = await ctx.outages.delivery_counts()
        out["oms"] = {"delivered": counts.get("delivered", 0),
                      "dead_lettered": counts.get("dead_lettered", counts.get("dead", 0)),
                      "received": len(self.oms.received)}
        return out


async def _until(stop: asyncio.Event, work) -> Any:
    """The result of ``work``, or None when ``stop`` is set first (the work is cancelled)."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None


async def run_demo(settings: Settings, *, devices: int = 10000, seed: int = 1, scenario: str = "none",
                   headless: bool = False) -> dict[str, Any] | None:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    summary = await Demo(settings, devices, seed, headless).run(scenario)
    if summary is not None and headless:
        print(json.dumps(summary), flush=True)
    return summary
