"""The simulated head-end: an aiohttp server that takes EndDeviceControls and GetMeterReadings like
a metering head-end does, and a link that posts replies, EndDeviceEvents and MeterReadings to the
orchestrator's IEC endpoint with the head-end's credentials.

What it does, in simulated time (``Behaviour.time_scale`` real seconds per simulated second):

- controls: per-item validation (unknown device 6.2, rejected 6.3), a synchronous Reply
  (OK / PARTIAL / FAILED) and, when the request asks (AsyncReplyFlag + ReplyAddress), the same
  result posted later; confirmation events after ``confirm_latency``, opt-outs during the event,
  stop events at its end, and the demand of every controlled device follows the control;
- outages: single meter, transformer, feeder, storm, momentaries, nested, last gasp (30–45 s late
  and resent), each with power-off and restore events in the vendor profile's codes;
- readings: interval energy of every meter each ``reading_interval_s``, and on-request reads;
- faults on every outgoing message: lost, late, duplicated, reordered, at configured rates.

``HeadEndSimulator`` runs in-process (tests) or under ``orchestrator simulate headend``.
"""
from __future__ import annotations

import asyncio
import base64
import heapq
import itertools
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import aiohttp
from aiohttp import web

from orchestrator.headend.client import soap_wrap
from orchestrator.iec import (
    CanonicalEvent,
    EndDeviceEvent,
    IecError,
    ItemFailure,
    Message,
    SoapVersion,
    build_end_device_events,
    code_map,
    failed_reply,
    ok_reply,
    parse_message,
    partial_reply,
    to_xml,
)
from orchestrator.iec import errors as iec_errors
from orchestrator.logs import get_logger
from orchestrator.readings.messages import (
    MeterReadingData,
    build_meter_readings,
    parse_get_meter_readings,
)
from orchestrator.readings.reading_types import (
    KW_INSTANTANEOUS,
    KWH_15MIN_DELIVERED,
    KWH_60MIN_DELIVERED,
    KWH_REGISTER_DELIVERED,
)
from orchestrator.simulator.behaviour import Behaviour
from orchestrator.simulator.fleet import Control, Fleet, premise_kw

log = get_logger(__name__)

EDC_NS = "http://iec.ch/TC57/2011/EndDeviceControls#"
DERGD_NS = "http://iec.ch/TC57/2017/DERGroupDispatches#"
SOAP_SERVICES = {"events": "ReceiveEndDeviceEvents", "reply": "ReplyEndDeviceControls",
                 "readings": "ReceiveMeterReadings", "readings_reply": "ReplyMeterReadings"}
# What a device reports once a control of this meaning has been carried out.
CONFIRMATION = {
    CanonicalEvent.LOAD_CONTROL_START: CanonicalEvent.LOAD_CONTROL_STARTED,
    CanonicalEvent.LOAD_CONTROL_SCHEDULE: CanonicalEvent.LOAD_CONTROL_STARTED,
    CanonicalEvent.DER_SETPOINT: CanonicalEvent.CONTROL_EXECUTED,
    CanonicalEvent.PRICE_SIGNAL: CanonicalEvent.PRICE_SIGNAL_APPLIED,
    CanonicalEvent.LOAD_CONTROL_CANCEL: CanonicalEvent.LOAD_CONTROL_CANCELLED,
    CanonicalEvent.LOAD_CONTROL_STOP: CanonicalEvent.LOAD_CONTROL_STOPPED,
    CanonicalEvent.CONNECT: CanonicalEvent.CONNECTED,
    CanonicalEvent.DISCONNECT: CanonicalEvent.DISCONNECTED,
}
# Share of normal demand left under a control when the request names no duty cycle.
DEFAULT_FACTOR = {"thermostat": 0.5, "load_control_switch": 0.5, "water_heater": 0.0, "ev_charger": 0.5,
                  "der": 0.5, "meter": 0.9}
def _headend_services() -> dict:
    from orchestrator.api.soap_services import SoapService

    return {s.name: s for s in (
        SoapService("ExecuteEndDeviceControls", frozenset({"EndDeviceControls"}), "EndDeviceControls",
                    shipped=("derms2-61968-9", "ExecuteEndDeviceControls.wsdl")),
        SoapService("GetMeterReadings", frozenset({"GetMeterReadings"}), "MeterReadings",
                    verbs=("Get",), message_type="RequestMessage"),
    )}


HEADEND_SERVICES = _headend_services()
SCENARIOS = ("meter", "transformer", "feeder", "storm", "momentary", "nested", "last-gasp")


@dataclass
class OrchestratorLink:
    """Posts to the orchestrator's IEC endpoint as the head-end (HTTP basic), resending on failure."""

    url: str | None
    username: str = ""
    password: str = ""
    transport: str = "bare"  # bare, soap11, soap12
    attempts: int = 5
    concurrency: int = 8
    stats: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(self.concurrency)

    @property
    def soap(self) -> SoapVersion | None:
        return {"soap11": SoapVersion.SOAP11, "soap12": SoapVersion.SOAP12}.get(self.transport)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def address(self, kind: str) -> str | None:
        if not self.url:
            return None
        base = self.url.rstrip("/")
        return f"{base}/iec/soap/{SOAP_SERVICES[kind]}" if self.soap else f"{base}/iec/v1/messages"

    async def send(self, kind: str, body: bytes, address: str | None = None) -> bool:
        """Deliver one message; True when the orchestrator answered OK."""
        target = address or self.address(kind)
        if target is None or self._session is None:
            self.stats["undeliverable"] += 1
            return False
        soap = self.soap
        data = soap_wrap(body, soap)
        headers = {"Content-Type": "application/soap+xml; charset=utf-8" if soap == SoapVersion.SOAP12
                   else "text/xml; charset=utf-8" if soap else "application/xml"}
        if soap == SoapVersion.SOAP11:
            headers["SOAPAction"] = '""'
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        delay = 0.2
        async with self._slots:
            for attempt in range(self.attempts):
                try:
                    async with self._session.post(target, data=data, headers=headers) as r:
                        reply = await r.read()
                    if r.status == 200:
                        self.stats[f"delivered_{kind}"] += 1
                        return True
                    if r.status < 500:  # the orchestrator refused it: resending the same bytes will not help
                        self.stats[f"rejected_{kind}"] += 1
                        log.warning("orchestrator rejected a message", kind=kind, status=r.status,
                                    reply=reply[:500].decode("utf-8", "replace"))
                        return False
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                    log.info("orchestrator not reachable", target=target, attempt=attempt + 1, error=repr(exc))
                self.stats["resent"] += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.stats[f"undelivered_{kind}"] += 1
        return False


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    kind: str = field(compare=False)  # events | message | call
    events: list[EndDeviceEvent] = field(default_factory=list, compare=False)
    body: bytes = field(default=b"", compare=False)
    message_kind: str = field(default="", compare=False)
    address: str | None = field(default=None, compare=False)
    call: Callable[[], None] | None = field(default=None, compare=False)
    late: bool = field(default=False, compare=False)


class HeadEndSimulator:
    """A head-end with a fleet of meters. ``await start()`` returns its URL; ``await stop()``."""

    def __init__(self, fleet: Fleet, behaviour: Behaviour | None = None, *, link: OrchestratorLink | None = None,
                 host: str = "127.0.0.1", port: int = 0, start_time: datetime | None = None):
        self.fleet = fleet
        self.behaviour = behaviour or Behaviour()
        self.link = link or OrchestratorLink(None)
        self.host, self.port = host, port
        self.codes = code_map(fleet.vendor)
        self.rng = random.Random(self.behaviour.seed)
        self.stats: Counter = Counter()
        self.controls: dict[str, Control] = {}
        self.powered_off: Counter = Counter()  # meter -> number of outages it is in (nested outages)
        self.disconnected: set[str] = set()
        self.url = ""
        self._start_time = start_time
        self._queue: list[_Due] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()
        self._tasks: list[asyncio.Task] = []
        self._runner: web.AppRunner | None = None
        self._t0_real = 0.0
        self._t0_sim = 0.0

    # ------------------------------------------------------------------ lifecycle and clock
    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        self._t0_real = loop.time()
        self._t0_sim = (self._start_time or datetime.now(timezone.utc)).timestamp()
        await self.link.start()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/iec", self._handle_iec)
        app.router.add_post("/soap/{service}", self._handle_iec)
        app.router.add_post("/iec/soap/{service}", self._handle_iec)
        app.router.add_get("/iec/soap/xsd/{folder}/{name}", self._handle_schema)
        app.router.add_get("/iec/soap/{service}", self._handle_wsdl)
        app.router.add_get("/sim/stats", self._handle_stats)
        app.router.add_post("/sim/outage", self._handle_outage)
        app.router.add_get("/sim/devices/{mrid}", self._handle_device)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = f"http://{self.host}:{self.port}"
        self._tasks.append(asyncio.create_task(self._flusher(), name="sim-flusher"))
        if self.behaviour.reading_interval_s > 0:
            self._tasks.append(asyncio.create_task(self._interval_readings(), name="sim-readings"))
        log.info("head-end simulator listening", url=self.url, devices=len(self.fleet.devices),
                 headend=self.fleet.headend, vendor=self.fleet.vendor)
        return self.url

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in list(self._inflight):
            task.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
        await self.link.stop()

    async def __aenter__(self) -> "HeadEndSimulator":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def sim_now(self) -> float:
        return self._t0_sim + (asyncio.get_running_loop().time() - self._t0_real) / self.behaviour.time_scale

    def _sim_dt(self, t: float) -> datetime:
        return datetime.fromtimestamp(t, tz=timezone.utc)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until nothing is scheduled or being sent (tests)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._queue or self._inflight:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"simulator still busy: {len(self._queue)} scheduled, {len(self._inflight)} sending")
            await asyncio.sleep(0.02)

    def snapshot(self) -> dict[str, Any]:
        return {"headend": self.fleet.headend, "vendor": self.fleet.vendor, "devices": len(self.fleet.devices),
                "meters": len(self.fleet.premises), "sim_time": self._sim_dt(self.sim_now()).isoformat(),
                "scheduled": len(self._queue), "sending": len(self._inflight),
                "controls_active": sum(1 for c in self.controls.values() if c.end > self.sim_now()),
                "meters_off": sum(1 for v in self.powered_off.values() if v > 0),
                "stats": dict(self.stats), "link": dict(self.link.stats)}

    # ------------------------------------------------------------------ scheduling outgoing messages
    def _at(self, sim_delay: float) -> float:
        return asyncio.get_running_loop().time() + max(0.0, sim_delay) * self.behaviour.time_scale

    def _schedule(self, due: _Due) -> None:
        heapq.heappush(self._queue, due)
        self._wake.set()

    def schedule_event(self, sim_delay: float, event: EndDeviceEvent) -> None:
        self._schedule(_Due(self._at(sim_delay), next(self._seq), "events", events=[event]))

    def schedule_message(self, sim_delay: float, kind: str, body: bytes, address: str | None = None) -> None:
        self._schedule(_Due(self._at(sim_delay), next(self._seq), "message", body=body, message_kind=kind,
                            address=address))

    def schedule_call(self, sim_delay: float, call: Callable[[], None]) -> None:
        self._schedule(_Due(self._at(sim_delay), next(self._seq), "call", call=call))

    async def _flusher(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            wait = self._queue[0].at - loop.time()
            if wait > 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)
                except asyncio.TimeoutError:
                    pass
                continue
            now = loop.time()
            due: list[_Due] = []
            while self._queue and self._queue[0].at <= now:
                due.append(heapq.heappop(self._queue))
            events: list[EndDeviceEvent] = []
            for item in due:
                if item.kind == "call" and item.call is not None:
                    try:
                        item.call()
                    except Exception:  # a scenario step must not stop the head-end
                        log.exception("simulator step failed")
                elif item.kind == "events":
                    events.extend(item.events)
                else:
                    self._deliver(item)
            size = self.behaviour.events_per_message
            for i in range(0, len(events), size):
                chunk = events[i:i + size]
                body = build_end_device_events(chunk, message_id=self._uuid(), source=self.fleet.headend,
                                               timestamp=self._sim_dt(self.sim_now()))
                self.stats["events_sent"] += len(chunk)
                self._deliver(_Due(now, next(self._seq), "message", body=body, message_kind="events"))

    def _deliver(self, item: _Due) -> None:
        """Send one message now, unless the network loses, delays, duplicates or reorders it."""
        b = self.behaviour
        if self.rng.random() < b.lost_rate:
            self.stats["messages_lost"] += 1
            return
        if not item.late and self.rng.random() < b.late_rate:
            self.stats["messages_late"] += 1
            item.late = True
            item.at = self._at(b.late_latency.draw(self.rng))
            item.seq = next(self._seq)
            self._schedule(item)
            return
        copies = 2 if self.rng.random() < b.duplicate_rate else 1
        if copies == 2:
            self.stats["messages_duplicated"] += 1
        jitter = 0.0
        if self.rng.random() < b.reorder_rate:
            self.stats["messages_reordered"] += 1
            jitter = self.rng.uniform(0.0, 5.0) * b.time_scale
        for _ in range(copies):
            task = asyncio.create_task(self._send(item.message_kind, item.body, item.address, jitter))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _send(self, kind: str, body: bytes, address: str | None, jitter: float) -> None:
        if jitter:
            await asyncio.sleep(jitter)
        self.stats["messages_sent"] += 1
        await self.link.send(kind, body, address)

    # ------------------------------------------------------------------ codes
    def event_code(self, meaning: CanonicalEvent, device_type: int) -> str:
        try:
            return self.codes.code_for(meaning, device_type, kind="event")
        except KeyError:
            if meaning == CanonicalEvent.LAST_GASP:
                return self.codes.code_for(CanonicalEvent.POWER_OFF, device_type, kind="event")
            raise

    def event(self, device: str, meaning: CanonicalEvent, *, at: float | None = None, reason: str | None = None,
              control: Control | None = None, mrid: str | None = None) -> EndDeviceEvent:
        d = self.fleet.devices[device]
        details: tuple[tuple[str, str | None], ...] = ()
        if control is not None and control.control_mrid:
            details = (("EndDeviceControl", control.control_mrid),)
        return EndDeviceEvent(
            createdDateTime=self._sim_dt(at if at is not None else self.sim_now()),
            EndDeviceEventType=self.event_code(meaning, d.device_type), mRID=mrid or self._uuid(),
            endDeviceMRID=device, reason=reason, issuerID=self.fleet.headend,
            issuerTrackingID=control.issuer_tracking_id if control else None, details=details,
            usagePointMRID=self.fleet.premise_of(device).usage_point)

    # ------------------------------------------------------------------ HTTP: controls and reads
    async def _handle_iec(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            message = parse_message(body)
        except IecError as exc:
            self.stats["requests_rejected"] += 1
            reply = failed_reply(None, exc, source=self.fleet.headend)
            return self._reply(reply, 400)
        noun = message.noun
        self.stats[f"requests_{noun}"] += 1
        if noun == "EndDeviceControls" and (message.verb or "").lower() in ("create", "change", "execute"):
            return self._reply(self._controls(message), 200)
        if noun == "DERGroupDispatches" and (message.verb or "").lower() in ("create", "change", "execute"):
            return self._reply(self._group_dispatches(message), 200)
        if noun == "GetMeterReadings" or (noun == "MeterReadings" and (message.verb or "").lower() == "get"):
            return self._reply(self._read(message, body), 200)
        self.stats["requests_rejected"] += 1
        return self._reply(failed_reply(message, IecError(iec_errors.UNSUPPORTED_NOUN,
                                                          f"{message.verb} {noun} is not served by this head-end"),
                                        source=self.fleet.headend), 422)

    def _reply(self, reply: Message, status: int) -> web.Response:
        content_type = ("application/soap+xml" if reply.soap == SoapVersion.SOAP12
                        else "text/xml" if reply.soap else "application/xml")
        return web.Response(status=status, body=to_xml(reply), content_type=content_type, charset="utf-8")

    def _controls(self, message: Message) -> Message:
        header = message.Header
        failures: list[ItemFailure] = []
        items = 0
        now = self.sim_now()
        for doc in message.payload_documents():
            for el in doc.element().iter(f"{{{EDC_NS}}}EndDeviceControl"):
                spec = _control_spec(el)
                meaning = self.codes.meaning(spec["type"], kind="control")
                for group in spec["groups"]:
                    items += 1
                    failures.append(ItemFailure(group, iec_errors.OBJECT_NOT_FOUND, f"no EndDeviceGroup {group}"))
                for device in spec["devices"]:
                    items += 1
                    failure = self._apply_control(device, meaning, spec, now)
                    if failure is not None:
                        failures.append(failure)
        self.stats["controls_received"] += 1
        self.stats["control_items"] += items
        self.stats["control_items_failed"] += len(failures)
        result = self._result(message, failures, items, "no item could be processed")
        if self._reply_later(header, result) and not self.behaviour.sync_reply:
            return ok_reply(message, source=self.fleet.headend)  # acknowledgement; the result follows
        return result

    def _group_dispatches(self, message: Message) -> Message:
        """IEC 61968-5 DER group dispatch: an active-power limit for every inverter of the group."""
        groups = self.fleet.der_groups
        failures: list[ItemFailure] = []
        items = 0
        now = self.sim_now()
        for doc in message.payload_documents():
            for el in doc.element().iter(f"{{{DERGD_NS}}}DERGroupDispatch"):
                items += 1
                spec = _dispatch_spec(el)
                members = groups.get(spec["group"], [])
                if not members:
                    failures.append(ItemFailure(spec["group"], iec_errors.OBJECT_NOT_FOUND,
                                                f"no DER group {spec['group']} behind {self.fleet.headend}"))
                    continue
                rated = sum(self.fleet.devices[d].rated_kw or 0.0 for d in members)
                factor = max(0.0, min(1.0, spec["kw"] / rated)) if rated else 0.0
                start = spec["start"] if spec["start"] is not None else now
                end = start + spec["minutes"] * 60.0
                group_spec = {"type": "", "start": start, "end": end, "duration_min": spec["minutes"],
                              "factor": factor, "mrid": spec["mrid"], "tracking": None}
                for device in members:
                    failure = self._apply_control(device, CanonicalEvent.DER_SETPOINT, group_spec, now)
                    if failure is not None:  # the group is dispatched; a silent inverter only fails to confirm
                        self.stats["group_members_failed"] += 1
                self.stats["group_dispatches"] += 1
        header = message.Header
        result = self._result(message, failures, items, "no DER group could be dispatched")
        self._reply_later(header, result)
        return result

    def _result(self, message: Message, failures: list, items: int, none_text: str) -> Message:
        """Reply FAILED when no item went through, PARTIAL naming the failed ones, else OK."""
        if failures and len(failures) >= items:
            return failed_reply(message, iec_errors.ITEM_FAILED, none_text, failures=failures,
                                source=self.fleet.headend)
        if failures:
            return partial_reply(message, failures, source=self.fleet.headend)
        return ok_reply(message, source=self.fleet.headend)

    def _reply_later(self, header, result: Message) -> bool:
        """Post a copy of ``result`` to the ReplyAddress later when the request asked for an async reply."""
        if header is None or not header.AsyncReplyFlag or not self.behaviour.async_reply:
            return False
        async_result = result.model_copy(update={"soap": None, "Header": result.Header.model_copy(
            update={"MessageID": self._uuid()})})
        self.schedule_message(self.behaviour.reply_latency.draw(self.rng), "reply", to_xml(async_result),
                              header.ReplyAddress if _is_http(header.ReplyAddress) else None)
        return True

    def _apply_control(self, device: str, meaning: CanonicalEvent, spec: dict, now: float) -> ItemFailure | None:
        b = self.behaviour
        d = self.fleet.devices.get(device)
        if d is None:
            return ItemFailure(device, iec_errors.OBJECT_NOT_FOUND, f"no device {device} behind {self.fleet.headend}")
        if meaning not in CONFIRMATION:
            return ItemFailure(device, iec_errors.REQUEST_INVALID,
                               f"control type {spec['type']} is not supported by {d.kind}")
        premise = self.fleet.premise_of(device)
        if self.powered_off[premise.meter] > 0:
            return ItemFailure(device, iec_errors.ITEM_FAILED, f"{device} is not reachable (no power)")
        if self.rng.random() < b.failure_rate:
            return ItemFailure(device, iec_errors.ITEM_FAILED,
                               self.rng.choice(("device busy", "communication failure", "command timeout")))
        start = spec["start"] if spec["start"] is not None else now
        end = spec["end"] if spec["end"] is not None else start + (spec["duration_min"] or 60.0) * 60.0
        control = Control(meaning=meaning.value, start=start, end=end, factor=spec["factor"] if spec["factor"]
                          is not None else DEFAULT_FACTOR.get(d.kind, 0.5), control_mrid=spec["mrid"],
                          issuer_tracking_id=spec["tracking"])
        self.stats["devices_controlled"] += 1
        if meaning in (CanonicalEvent.LOAD_CONTROL_CANCEL, CanonicalEvent.LOAD_CONTROL_STOP):
            self.controls.pop(device, None)
        elif meaning == CanonicalEvent.DISCONNECT:
            self.disconnected.add(premise.meter)
        elif meaning == CanonicalEvent.CONNECT:
            self.disconnected.discard(premise.meter)
        else:
            self.controls[device] = control
        if self.rng.random() < b.no_confirmation_rate:
            self.stats["confirmations_withheld"] += 1
            return None
        confirm_after = max(0.0, start - now) + b.confirm_latency.draw(self.rng)
        self.schedule_event(confirm_after, self.event(device, CONFIRMATION[meaning], at=now + confirm_after,
                                                      control=control))
        self.stats["confirmations"] += 1
        if meaning in (CanonicalEvent.LOAD_CONTROL_START, CanonicalEvent.LOAD_CONTROL_SCHEDULE,
                       CanonicalEvent.DER_SETPOINT, CanonicalEvent.PRICE_SIGNAL):
            if self.rng.random() < b.opt_out_rate:
                opt_at = self.rng.uniform(start, end)
                self.stats["opt_outs"] += 1
                self.schedule_call(opt_at - now, lambda dev=device, c=control, t=opt_at: self._opt_out(dev, c, t))
            elif meaning != CanonicalEvent.PRICE_SIGNAL:
                self.schedule_call(end - now, lambda dev=device, c=control: self._control_ended(dev, c))
        return None

    def _opt_out(self, device: str, control: Control, at: float) -> None:
        if self.controls.get(device) is control:
            control.end = at
            self.schedule_event(0.0, self.event(device, CanonicalEvent.DR_OPT_OUT, at=at, reason="customer override",
                                                control=control))

    def _control_ended(self, device: str, control: Control) -> None:
        if self.controls.get(device) is control:
            self.schedule_event(0.0, self.event(device, CanonicalEvent.LOAD_CONTROL_STOPPED, control=control))

    def _read(self, message: Message, body: bytes) -> Message | web.Response:
        message_id, devices, _types = parse_get_meter_readings(body)
        header = message.Header
        now = self.sim_now()
        interval = 900.0
        data, failures = [], []
        for device in devices:
            if device not in self.fleet.devices:
                failures.append(ItemFailure(device, iec_errors.OBJECT_NOT_FOUND, f"no meter {device}"))
                continue
            premise = self.fleet.premise_of(device)
            if self.powered_off[premise.meter] > 0:
                failures.append(ItemFailure(device, iec_errors.ITEM_FAILED, f"{device} is not reachable (no power)"))
                continue
            end = (now // interval) * interval
            intervals = [(int(end - k * interval), round(self._interval_kwh(premise, end - (k + 1) * interval,
                                                                            interval), 4)) for k in range(3, -1, -1)]
            kw = premise_kw(self.fleet, premise, now, self.controls, connected=premise.meter not in self.disconnected)
            register = round(premise.base_kw * (now / 3600.0) % 1_000_000, 3)
            data.append(MeterReadingData(device=premise.meter, interval_type=KWH_15MIN_DELIVERED, intervals=intervals,
                                         readings=[(KW_INSTANTANEOUS, int(now), round(kw, 3)),
                                                   (KWH_REGISTER_DELIVERED, int(now), register)]))
        self.stats["reads_answered"] += 1
        readings = build_meter_readings(data, message_id=self._uuid(), correlation_id=message_id, reply=True,
                                        source=self.fleet.headend) if data else None
        if header is not None and header.AsyncReplyFlag and readings is not None:
            self.schedule_message(self.behaviour.reply_latency.draw(self.rng), "readings_reply", readings,
                                  header.ReplyAddress if _is_http(header.ReplyAddress) else None)
            return ok_reply(message, source=self.fleet.headend) if not failures else \
                partial_reply(message, failures, source=self.fleet.headend)
        if readings is not None:
            reply = parse_message(readings)
            if failures:
                reply = reply.model_copy(update={"Reply": partial_reply(message, failures).Reply})
            return reply.model_copy(update={"soap": message.soap})
        return failed_reply(message, iec_errors.ITEM_FAILED, "no meter could be read", failures=failures,
                            source=self.fleet.headend)

    # ------------------------------------------------------------------ readings
    def _interval_kwh(self, premise, start: float, length: float) -> float:
        if self.powered_off[premise.meter] > 0:
            return 0.0
        connected = premise.meter not in self.disconnected
        samples = [premise_kw(self.fleet, premise, start + length * f, self.controls, connected=connected)
                   for f in (0.1, 0.5, 0.9)]
        return max(0.0, sum(samples) / len(samples)) * length / 3600.0

    def interval_readings(self, end: float, length: float | None = None) -> list[MeterReadingData]:
        """Every powered meter's energy over the interval ending at ``end`` (sim time; 15 min by default)."""
        length = length or self.behaviour.reading_interval_s or 900.0
        if length not in (900, 3600):
            raise ValueError("interval readings are 15-minute (900 s) or hourly (3600 s)")
        interval_type = KWH_60MIN_DELIVERED if length == 3600 else KWH_15MIN_DELIVERED
        out = []
        for premise in self.fleet.premises:
            if self.powered_off[premise.meter] > 0:
                continue
            out.append(MeterReadingData(device=premise.meter, interval_type=interval_type,
                                        intervals=[(int(end), round(self._interval_kwh(premise, end - length, length),
                                                                    4))]))
        return out

    async def _interval_readings(self) -> None:
        length = self.behaviour.reading_interval_s
        while True:
            now = self.sim_now()
            next_end = (now // length + 1) * length
            await asyncio.sleep((next_end - now) * self.behaviour.time_scale)
            data = self.interval_readings(next_end)
            size = self.behaviour.readings_per_message
            for i in range(0, len(data), size):
                body = build_meter_readings(data[i:i + size], message_id=self._uuid(), source=self.fleet.headend)
                self.stats["readings_sent"] += len(data[i:i + size])
                self.schedule_message(0.0, "readings", body)

    # ------------------------------------------------------------------ outages
    def outage(self, scenario: str, target: str | None = None, duration_s: float = 600.0, count: int = 3,
               start_in_s: float = 0.0) -> dict[str, Any]:
        """Play an outage scenario; returns what was scheduled (meters, transformers, timings)."""
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown outage scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
        if duration_s <= 0 or count < 1:
            raise ValueError("duration_s must be above 0 and count at least 1")
        f, rng = self.fleet, self.rng
        plan: list[tuple[float, float, list[str], bool]] = []  # (off at, on at, meters, last gasp)
        if scenario in ("meter", "transformer", "feeder", "last-gasp"):
            pool = {"meter": f.meters, "transformer": list(f.transformers), "feeder": list(f.feeders),
                    "last-gasp": list(f.transformers)}[scenario]
            chosen = target or rng.choice(pool)
            plan.append((0.0, duration_s, f.meters_under(chosen), scenario == "last-gasp"))
        elif scenario == "storm":
            scope = f.meters_under(target) if target else None
            xfmrs = [t for t in f.transformers if scope is None or f.premises[f.transformers[t][0]].meter in scope]
            for xfmr in rng.sample(xfmrs, min(count, len(xfmrs))):
                off = rng.uniform(0.0, 300.0)
                plan.append((off, off + duration_s * rng.uniform(0.5, 1.5), f.meters_under(xfmr), False))
        elif scenario == "momentary":
            chosen = target or rng.choice(list(f.transformers))
            meters = f.meters_under(chosen)
            for k in range(count):
                off = k * 30.0
                plan.append((off, off + rng.uniform(2.0, 10.0), meters, False))
        elif scenario == "nested":
            feeder = target or rng.choice(list(f.feeders))
            if feeder not in f.feeders:
                raise ValueError(f"nested outages start from a feeder; {feeder!r} is not one")
            xfmr = rng.choice(f.feeders[feeder])
            inner = f.meters_under(xfmr)
            plan.append((0.0, duration_s, f.meters_under(feeder), False))
            plan.append((0.0, 2 * duration_s, inner, False))
            plan.append((0.0, 3 * duration_s, inner[:1], False))
        now = self.sim_now()
        for off, on, meters, last_gasp in plan:
            self._plan_outage(now + start_in_s + off, now + start_in_s + on, meters, last_gasp)
        self.stats[f"outages_{scenario}"] += 1
        return {"scenario": scenario, "target": target, "meters": sorted({m for _, _, ms, _ in plan for m in ms}),
                "steps": [{"off_s": start_in_s + off, "on_s": start_in_s + on, "meters": len(ms)}
                          for off, on, ms, _ in plan]}

    def _plan_outage(self, off_at: float, on_at: float, meters: list[str], last_gasp: bool) -> None:
        now = self.sim_now()
        b = self.behaviour
        self.schedule_call(off_at - now, lambda: self._power(meters, off=True))
        self.schedule_call(on_at - now, lambda: self._power(meters, off=False))
        for meter in meters:
            if last_gasp:
                event = self.event(meter, CanonicalEvent.LAST_GASP, at=off_at, reason="last gasp")
                delay = self.rng.uniform(*b.last_gasp_delay)
                self.schedule_event(off_at - now + delay, event)
                for k in range(b.last_gasp_resends):  # the mesh resends what it could not get acknowledged
                    self.schedule_event(off_at - now + delay + (k + 1) * self.rng.uniform(5.0, 15.0), event)
                self.stats["last_gasps"] += 1
            else:
                self.schedule_event(off_at - now + b.reply_latency.draw(self.rng),
                                    self.event(meter, CanonicalEvent.POWER_OFF, at=off_at))
            self.schedule_event(on_at - now + b.reply_latency.draw(self.rng),
                                self.event(meter, CanonicalEvent.POWER_RESTORED, at=on_at))
            self.stats["power_off_events"] += 1
            self.stats["restore_events"] += 1

    def _power(self, meters: list[str], off: bool) -> None:
        for meter in meters:
            self.powered_off[meter] += 1 if off else -1
            if self.powered_off[meter] <= 0:
                del self.powered_off[meter]

    # ------------------------------------------------------------------ WSDL of the head-end's services
    async def _handle_wsdl(self, request: web.Request) -> web.Response:
        from orchestrator.api.soap_services import render_wsdl

        service = HEADEND_SERVICES.get(request.match_info["service"])
        if service is None or "wsdl" not in {k.lower() for k in request.query}:
            raise web.HTTPNotFound(text=f"GET /iec/soap/<{'|'.join(HEADEND_SERVICES)}>?wsdl\n")
        return web.Response(body=render_wsdl(service, str(request.url.origin())), content_type="text/xml",
                            charset="utf-8")

    async def _handle_schema(self, request: web.Request) -> web.Response:
        from orchestrator.api.soap_services import schema_file

        path = schema_file(request.match_info["folder"], request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound(text="no such schema\n")
        return web.Response(body=path.read_bytes(), content_type="text/xml", charset="utf-8")

    # ------------------------------------------------------------------ control API (tests, demo)
    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.snapshot())

    async def _handle_outage(self, request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            result = self.outage(str(spec["scenario"]), spec.get("target"), float(spec.get("duration_s", 600.0)),
                                 int(spec.get("count", 3)), float(spec.get("start_in_s", 0.0)))
        except (ValueError, KeyError, TypeError) as exc:
            return web.json_response({"error": str(exc) or type(exc).__name__}, status=400)
        return web.json_response(result)

    async def _handle_device(self, request: web.Request) -> web.Response:
        mrid = request.match_info["mrid"]
        if mrid not in self.fleet.devices:
            return web.json_response({"error": f"no device {mrid}"}, status=404)
        d = self.fleet.devices[mrid]
        premise = self.fleet.premise_of(mrid)
        control = self.controls.get(mrid)
        now = self.sim_now()
        return web.json_response({
            "mrid": mrid, "kind": d.kind, "meter": premise.meter, "transformer": premise.transformer,
            "feeder": premise.feeder, "powered": self.powered_off[premise.meter] == 0,
            "connected": premise.meter not in self.disconnected,
            "control": None if control is None or control.end <= now else {
                "meaning": control.meaning, "factor": control.factor, "control": control.control_mrid},
            "premise_kw": round(premise_kw(self.fleet, premise, now, self.controls,
                                           powered=self.powered_off[premise.meter] == 0,
                                           connected=premise.meter not in self.disconnected), 3)})


def _is_http(address: str | None) -> bool:
    return bool(address) and address.startswith(("http://", "https://"))


def _text(el, name: str) -> str | None:
    found = el.find(f"{{{EDC_NS}}}{name}")
    return found.text.strip() if found is not None and found.text else None


def _time(text: str | None) -> float | None:
    if not text:
        return None
    from orchestrator.iec.end_device_events import parse_datetime

    dt = parse_datetime(text)
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()


def _dispatch_spec(el) -> dict:
    """What the simulator needs from one ``DERGroupDispatch`` element (61968-5)."""
    q = f"{{{DERGD_NS}}}"

    def text(node, path: str) -> str | None:
        found = node.find("/".join(q + part for part in path.split("/")))
        return found.text.strip() if found is not None and found.text else None

    kw = float(text(el, "EndDeviceGroup/DERMonitorableParameter/DispatchSchedule/DERCurveData/nominalYValue") or 0)
    multiplier = text(el, "EndDeviceGroup/DERMonitorableParameter/yMultiplier") or "k"
    kw *= {"k": 1.0, "M": 1000.0, "none": 0.001, "": 0.001}.get(multiplier, 1.0)
    unit = text(el, "EndDeviceGroup/DERMonitorableParameter/DispatchSchedule/timeIntervalUnit") or "m"
    duration = float(text(el, "EndDeviceGroup/DERMonitorableParameter/DispatchSchedule/timeIntervalDuration") or 60)
    minutes = duration * {"s": 1 / 60, "m": 1.0, "h": 60.0}.get(unit, 1.0)
    return {"mrid": text(el, "mRID") or "", "group": text(el, "EndDeviceGroup/mRID") or "", "kw": kw,
            "minutes": minutes,
            "start": _time(text(el, "EndDeviceGroup/DERMonitorableParameter/DispatchSchedule/startTime"))}


def _control_spec(el) -> dict:
    """What the simulator needs from one ``EndDeviceControl`` element."""
    q = f"{{{EDC_NS}}}"
    ctype = el.find(f"{q}EndDeviceControlType")
    timing = el.find(f"{q}primaryDeviceTiming")
    interval = timing.find(f"{q}interval") if timing is not None else None
    dr = el.find(f"{q}PanDemandResponse")
    factor = None
    if dr is not None:
        duty = _text(dr, "dutyCycle")
        adjustment = _text(dr, "avgLoadAdjustment")
        if duty is not None:
            factor = max(0.0, min(1.0, float(duty) / 100.0))
        elif adjustment is not None:
            factor = max(0.0, min(1.0, 1.0 - abs(float(adjustment)) / 100.0))
    duration = _text(timing, "duration") if timing is not None else None
    return {
        "mrid": _text(el, "mRID") or "",
        "type": ctype.get("ref", "") if ctype is not None else "",
        "tracking": _text(el, "issuerTrackingID"),
        "devices": [m.text.strip() for m in el.iterfind(f"{q}EndDevices/{q}mRID") if m.text],
        "groups": [m.text.strip() for m in el.iterfind(f"{q}EndDeviceGroups/{q}mRID") if m.text],
        "start": _time(_text(interval, "start")) if interval is not None else None,
        "end": _time(_text(interval, "end")) if interval is not None else None,
        "duration_min": float(duration) if duration else None,
        "factor": factor,
    }
