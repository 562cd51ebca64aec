"""The head-end client: the sink at the end of ``edc.outbound`` that sends each request to its head-end.

Records on ``edc.outbound`` are keyed by head-end name and carry one complete IEC 61968-100
request (EndDeviceControls, GetMeterReadings, ...) as built by the dispatcher. For each one the
client looks up the head-end (``store.headends``: URL, bare or SOAP, concurrency, rate), fills in
AsyncReplyFlag/ReplyAddress when the request has none and a reply address is configured, and
POSTs it, within the head-end's concurrency and rate limits (or, for a head-end with transport
``kafka``, publishes it to the head-end's own topic, whose answers come back through the IEC
endpoint or ``iec.inbound``). Transport errors (refused, timeout,
HTTP 5xx) are retried with exponential backoff and jitter; a head-end that keeps failing opens its
circuit breaker, so requests fail fast until a trial request succeeds again.

What the head-end answers synchronously is published to ``edc.replies`` keyed by CorrelationID
(a reply that carries readings goes where ``inbound_router.route_of`` sends it). When a request
cannot be delivered — unknown head-end, retries exhausted, circuit open, garbage answer — the
client publishes a Reply FAILED in the head-end's place (header ``iec.synthetic``) plus a dead
letter, so the dispatch shows the truth and nothing is lost silently.

Every control (EndDeviceControls, DERGroupDispatches) is written to the audit log just before it
leaves (``headend.audit``); one whose row cannot be written is not sent but answered FAILED in the
head-end's place, with a dead letter to replay it from.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
from lxml import etree

from orchestrator import topics
from orchestrator.headend.audit import (
    ACTOR_BY_KIND,
    CONTROL_NOUNS,
    ControlAudit,
    ControlSent,
)
from orchestrator.headend.metrics import (
    HEADEND_CIRCUIT,
    HEADEND_IN_FLIGHT,
    HEADEND_REQUESTS,
    HEADEND_RETRIES,
    HEADEND_SECONDS,
)
from orchestrator.iec import (
    IecError,
    Message,
    SoapVersion,
    failed_reply,
    parse_message,
    to_xml,
)
from orchestrator.iec.errors import ErrorCode
from orchestrator.iec.namespaces import SOAP11, SOAP12
from orchestrator.logs import get_logger
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Record, Sink
from orchestrator.processors.inbound_router import _key_for, route_of
from orchestrator.store.headends import HeadEnd

log = get_logger(__name__)

NAME = "headend-client"
NO_HEADEND = ErrorCode("6.2", "Head-end not registered or without an endpoint URL")
UNREACHABLE = ErrorCode("5.4", "Head-end not reachable; request not delivered")
CIRCUIT_OPEN = ErrorCode("5.5", "Head-end circuit open; request not sent")
BAD_ANSWER = ErrorCode("5.6", "Head-end answer is not an IEC 61968-100 reply")
BAD_REQUEST = ErrorCode("1.1", "Outbound record is not an IEC 61968-100 message")
NOT_AUDITED = ErrorCode("5.7", "Control not sent: its audit row could not be written")


def soap_wrap(body: bytes, version: SoapVersion | None) -> bytes:
    """A bare IEC message (built by this process, trusted) inside a SOAP 1.1 or 1.2 envelope."""
    if version is None:
        return body
    ns = SOAP12 if version == SoapVersion.SOAP12 else SOAP11
    inner = etree.fromstring(body)
    env = etree.Element(f"{{{ns}}}Envelope", nsmap={"soapenv": ns})
    etree.SubElement(env, f"{{{ns}}}Header")
    etree.SubElement(env, f"{{{ns}}}Body").append(inner)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


class CircuitBreaker:
    """closed → (``threshold`` failures in a row) → open → (``wait_s``) → half-open → one trial.

    ``wait_s`` starts at ``reset_s`` and doubles with each failed trial up to ``max_reset_s``: a trial
    to a head-end that stays silent costs the batch it rides in a timeout, so a long outage is
    probed less and less often; a success brings the wait back to ``reset_s``.
    """

    CLOSED, HALF_OPEN, OPEN = 0, 1, 2

    def __init__(self, name: str, threshold: int = 5, reset_s: float = 30.0, max_reset_s: float | None = None):
        self.name, self.threshold, self.reset_s = name, threshold, reset_s
        self.max_reset_s = max(reset_s, max_reset_s if max_reset_s is not None else reset_s)
        self.wait_s = reset_s
        self.failures = 0
        self.opened_at = 0.0
        self.state = self.CLOSED
        self._trial = False
        HEADEND_CIRCUIT.labels(headend=name).set(self.CLOSED)

    def _set(self, state: int) -> None:
        if state != self.state:
            log.warning("head-end circuit", headend=self.name, state=("closed", "half-open", "open")[state],
                        **({"next_trial_in_s": self.wait_s} if state == self.OPEN else {}))
        self.state = state
        HEADEND_CIRCUIT.labels(headend=self.name).set(state)

    def allow(self) -> bool:
        if self.state == self.OPEN and time.monotonic() - self.opened_at >= self.wait_s:
            self._set(self.HALF_OPEN)
            self._trial = False
        if self.state == self.CLOSED:
            return True
        if self.state == self.HALF_OPEN and not self._trial:
            self._trial = True
            return True
        return False

    def holds(self, trial: bool) -> bool:
        """Whether a request let through earlier may still be sent (again): not once the circuit has
        opened meanwhile, and while it is half-open only the trial."""
        return self.state == self.CLOSED or (trial and self.state == self.HALF_OPEN)

    def abandon_trial(self) -> None:
        """The trial was not sent after all (its audit row could not be written): the next request
        may be the trial instead, else the circuit would stay half-open with nobody asking."""
        self._trial = False

    def success(self) -> None:
        self.failures = 0
        self._trial = False
        self.wait_s = self.reset_s
        self._set(self.CLOSED)

    def failure(self) -> None:
        self.failures += 1
        self._trial = False
        if self.state == self.HALF_OPEN:  # the trial failed: wait longer before the next one
            self.wait_s = min(self.max_reset_s, self.wait_s * 2)
        if self.state == self.HALF_OPEN or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
            self._set(self.OPEN)


class TokenBucket:
    """At most ``rate`` requests per second, bursts up to ``max(1, rate)``."""

    def __init__(self, rate: float):
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1.0:
                    self.tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self.tokens) / self.rate)


@dataclass
class _Link:
    config: HeadEnd
    slots: asyncio.Semaphore
    bucket: TokenBucket
    breaker: CircuitBreaker
    loaded_at: float = field(default_factory=time.monotonic)


class TransportError(Exception):
    pass


class CircuitOpened(Exception):
    """The circuit opened while the request waited for a slot or for its next attempt."""


class NotAudited(Exception):
    """The control's audit row could not be written: it is not sent."""


class HeadEndClient:
    """Sends ``edc.outbound`` requests to head-ends; ``sink()`` gives the runtime's Sink."""

    def __init__(self, headends, publisher, *, reply_address: str | None = None, timeout_s: float = 30.0,
                 attempts: int = 4, backoff_s: float = 0.5, max_backoff_s: float = 10.0,
                 breaker_threshold: int = 5, breaker_reset_s: float = 30.0, breaker_reset_max_s: float = 600.0,
                 refresh_s: float = 30.0,
                 audit: ControlAudit | None = None):
        self.headends = headends  # store.headends.HeadendStore (or anything with ``async get(name)``)
        self.publisher = publisher
        self.audit = audit
        self.reply_address = reply_address
        self.timeout_s, self.attempts = timeout_s, attempts
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.breaker_threshold, self.breaker_reset_s = breaker_threshold, breaker_reset_s
        self.breaker_reset_max_s = breaker_reset_max_s
        self.refresh_s = refresh_s
        self._links: dict[str, _Link] = {}
        self._loading = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self._rng = random.Random()

    def sink(self) -> Sink:
        return Sink(NAME, (topics.EDC_OUTBOUND,), self.write)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def breaker(self, headend: str) -> CircuitBreaker | None:
        link = self._links.get(headend)
        return link.breaker if link else None

    async def write(self, records: list[Record]) -> None:
        """Send a batch; publish what came back (or what went wrong) before returning."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(
                total=self.timeout_s, sock_connect=min(5.0, self.timeout_s)))
        by_headend: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            by_headend[r.key or ""].append(r)
        results = await asyncio.gather(*(self._send(name, r) for name, rs in by_headend.items() for r in rs))
        out = [rec for recs in results for rec in recs]
        if out:
            await self.publisher.publish(out)

    async def _link(self, name: str) -> _Link | None:
        link = self._links.get(name)
        if link is not None and time.monotonic() - link.loaded_at < self.refresh_s:
            return link
        async with self._loading:  # one lookup at a time, so a head-end gets one breaker
            return await self._load(name)

    async def _load(self, name: str) -> _Link | None:
        link = self._links.get(name)
        if link is not None and time.monotonic() - link.loaded_at < self.refresh_s:
            return link
        config = await self.headends.get(name) if name else None
        if config is None or not config.url:
            return None
        if link is None:
            link = _Link(config, asyncio.Semaphore(config.max_concurrency), TokenBucket(config.rate_per_s),
                         CircuitBreaker(name, self.breaker_threshold, self.breaker_reset_s,
                                        self.breaker_reset_max_s))
            self._links[name] = link
        else:  # settings may have changed; the breaker's memory stays
            if config.max_concurrency != link.config.max_concurrency:
                link.slots = asyncio.Semaphore(config.max_concurrency)
            if config.rate_per_s != link.config.rate_per_s:
                link.bucket = TokenBucket(config.rate_per_s)
            link.config, link.loaded_at = config, time.monotonic()
        return link

    async def _send(self, name: str, record: Record) -> list[Record]:
        try:
            request = parse_message(record.value, validate=False)
        except IecError as exc:
            HEADEND_REQUESTS.labels(headend=name or "-", outcome="bad_request").inc()
            return [self._dead_letter(record, name, BAD_REQUEST.code, exc.text, None)]
        link = await self._link(name)
        if link is None:
            HEADEND_REQUESTS.labels(headend=name or "-", outcome="no_headend").inc()
            return self._undelivered(record, name, request, NO_HEADEND, f"no head-end {name!r} with an endpoint URL")
        if link.config.transport == "kafka":  # the head-end reads its requests from a topic of its own
            if not await self._audited(record, name, request, link):
                return self._undelivered(record, name, request, NOT_AUDITED, "audit log not writable")
            HEADEND_REQUESTS.labels(headend=name, outcome="published").inc()
            body, _ = self._body(request, record.value, link.config)
            return [Record(topic=link.config.url[len("kafka:"):], key=name, value=body,
                           headers=tuple(h for h in record.headers if h[0] != "iec.headend") + (("iec.headend", name),))]
        if not link.breaker.allow():
            HEADEND_REQUESTS.labels(headend=name, outcome="circuit_open").inc()
            return self._undelivered(record, name, request, CIRCUIT_OPEN,
                                     f"circuit to {name} open after {link.breaker.failures} failures")
        trial = link.breaker.state == CircuitBreaker.HALF_OPEN
        body, soap_action = self._body(request, record.value, link.config)

        async def audited() -> bool:  # just before the first POST: a request cut short is never audited as sent
            return await self._audited(record, name, request, link)

        try:
            status, answer = await self._post(link, body, soap_action, trial, audited)
        except NotAudited:
            if trial:
                link.breaker.abandon_trial()
            return self._undelivered(record, name, request, NOT_AUDITED, "audit log not writable")
        except CircuitOpened:  # other requests failed meanwhile: this one is not sent (again)
            HEADEND_REQUESTS.labels(headend=name, outcome="circuit_open").inc()
            return self._undelivered(record, name, request, CIRCUIT_OPEN,
                                     f"circuit to {name} opened after {link.breaker.failures} failures "
                                     f"while the request waited to be sent")
        except TransportError as exc:
            link.breaker.failure()
            HEADEND_REQUESTS.labels(headend=name, outcome="transport_error").inc()
            return self._undelivered(record, name, request, UNREACHABLE, str(exc))
        invalid = None
        try:
            reply = parse_message(answer)
        except IecError as exc:
            # A well-formed reply that misses its schema (common in the field) still says what the
            # head-end did with the request: pass it on, marked, rather than claim it was lost.
            reply = _lenient(answer)
            if reply is None:
                link.breaker.failure()
                HEADEND_REQUESTS.labels(headend=name, outcome="bad_answer").inc()
                return self._undelivered(record, name, request, BAD_ANSWER, f"HTTP {status}: {exc.text}", answer)
            invalid = f"[{exc.code}] {exc.text}"
        link.breaker.success()
        result = reply.Reply.Result.value.lower() if reply.Reply else "ok"
        HEADEND_REQUESTS.labels(headend=name, outcome=result).inc()
        out = self._reply_record(reply, answer, name, request)
        if invalid:
            out = Record(out.topic, out.key, out.value, out.headers + (("iec.invalid", invalid[:500]),))
        return [out]

    async def _audited(self, record: Record, name: str, request: Message, link: _Link) -> bool:
        """Write the audit row of a control about to leave; False if it could not be written."""
        if self.audit is None or request.noun not in CONTROL_NOUNS:
            return True
        header = request.Header
        devices = record.header("devices")
        kind = record.header("kind")
        sent = ControlSent(
            actor=record.header("actor") or ACTOR_BY_KIND.get(kind or "", "orchestrator"),
            message_id=(header.MessageID if header else None) or record.header("message_id") or "-",
            verb=request.verb or "-", noun=request.noun, headend=name,
            devices=int(devices) if devices and devices.isdigit() else None, campaign=record.header("campaign"),
            kind=kind, program=record.header("orchestrator.program"), requested_by=record.header("requested_by"),
            to=link.config.url or "-")
        try:
            await self.audit.record([sent])
        except Exception as exc:  # noqa: BLE001 - any store error: never send unaudited
            log.error("control audit row not written; control not sent", headend=name,
                      message_id=sent.message_id, error=repr(exc))
            return False
        return True

    def _body(self, request: Message, raw: bytes, config: HeadEnd) -> tuple[bytes, str]:
        header = request.Header
        if self.reply_address and header is not None and not header.ReplyAddress:
            request = request.model_copy(update={"Header": header.model_copy(
                update={"ReplyAddress": self.reply_address, "AsyncReplyFlag": True})})
            raw = to_xml(request.model_copy(update={"soap": None}))
        elif request.soap is not None:
            raw = to_xml(request.model_copy(update={"soap": None}))
        version = {"soap11": SoapVersion.SOAP11, "soap12": SoapVersion.SOAP12}.get(config.transport)
        root = (request.root or "").rpartition("}")[2] or f"{(request.verb or '').capitalize()}{request.noun}"
        return soap_wrap(raw, version), f"http://iec.ch/TC57/2011/{request.noun}/{root}"

    async def _post(self, link: _Link, body: bytes, soap_action: str, trial: bool = False,
                    audited: Callable[[], Awaitable[bool]] | None = None) -> tuple[int, bytes]:
        """POST with retries; stops with CircuitOpened as soon as the head-end's circuit opens.
        ``audited`` runs once, right before the first POST; False stops the request (NotAudited)."""
        config = link.config
        headers = {"Content-Type": "application/xml"}
        if config.transport == "soap11":
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{soap_action}"'}
        elif config.transport == "soap12":
            headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{soap_action}"'}
        delay = self.backoff_s
        last = ""
        assert self._session is not None and config.url
        # A half-open trial asks once whether the head-end is back: retrying it would hold the batch
        # (and every other head-end's requests in it) for the whole retry schedule each reset period.
        attempts = 1 if trial else self.attempts
        for attempt in range(attempts):
            if attempt:
                HEADEND_RETRIES.labels(headend=config.name).inc()
                await asyncio.sleep(min(self.max_backoff_s, delay) * self._rng.uniform(0.5, 1.5))
                delay *= 2
            await link.bucket.acquire()
            async with link.slots:
                if not link.breaker.holds(trial):
                    raise CircuitOpened(config.name)
                if audited is not None:
                    if not await audited():
                        raise NotAudited(config.name)
                    audited = None
                HEADEND_IN_FLIGHT.labels(headend=config.name).inc()
                started = time.perf_counter()
                try:
                    async with self._session.post(config.url, data=body, headers=headers) as r:
                        answer = await r.read()
                        status = r.status
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                    last = f"{type(exc).__name__}: {exc}".strip()
                    continue
                finally:
                    HEADEND_IN_FLIGHT.labels(headend=config.name).dec()
                HEADEND_SECONDS.labels(headend=config.name).observe(time.perf_counter() - started)
            if status >= 500 and not _looks_like_iec(answer):
                last = f"HTTP {status}"
                continue
            return status, answer
        raise TransportError(f"{config.url}: {last} after {attempts} attempt{'s' if attempts > 1 else ''}"
                             f"{' (trial of a half-open circuit)' if trial else ''}")

    def _reply_record(self, reply: Message, answer: bytes, name: str, request: Message) -> Record:
        header = reply.Header
        correlation = (header.CorrelationID if header else None) or (request.Header.MessageID if request.Header
                                                                        else None)
        topic = route_of(reply) if reply.payload_documents() else None
        if topic is None:
            topic, key = topics.EDC_REPLIES, correlation
        else:
            key = _key_for(topic, reply, Record(topics.EDC_OUTBOUND, name, answer))
        headers = (("iec.noun", reply.noun or "unknown"), ("iec.verb", reply.verb or "unknown"),
                   ("iec.source", (header.Source if header else None) or name), ("iec.headend", name),
                   ("iec.namespace", str(reply.namespace_profile.value)))
        if header and header.MessageID:
            headers += (("iec.message_id", header.MessageID),)
        if correlation:
            headers += (("iec.correlation_id", correlation),)
        return Record(topic=topic, key=key, value=answer, headers=headers)

    def _undelivered(self, record: Record, name: str, request: Message, error: ErrorCode, text: str,
                     answer: bytes | None = None) -> list[Record]:
        """A Reply FAILED in the head-end's place, and a dead letter to replay the request from."""
        log.warning("request not delivered to head-end", headend=name, code=error.code, reason=text,
                    message_id=request.Header.MessageID if request.Header else None)
        reply = failed_reply(request, IecError(error, text), source="orchestrator", soap=False)
        correlation = request.Header.MessageID if request.Header else None
        synthetic = Record(topic=topics.EDC_REPLIES, key=correlation, value=to_xml(reply), headers=(
            ("iec.noun", reply.noun or "unknown"), ("iec.verb", "reply"), ("iec.source", "orchestrator"),
            ("iec.headend", name), ("iec.synthetic", NAME), ("iec.correlation_id", correlation or "")))
        return [synthetic, self._dead_letter(record, name, error.code, text, correlation, answer)]

    def _dead_letter(self, record: Record, name: str, code: str, text: str, message_id: str | None,
                     answer: bytes | None = None) -> Record:
        DEAD_LETTERS.labels(source_topic=topics.EDC_OUTBOUND, reason=f"headend_{code}").inc()
        extra = {"headend": name}
        if answer is not None:
            extra["answer"] = answer[:4096].decode("utf-8", "replace")
        return DeadLetter(source_topic=topics.EDC_OUTBOUND, reason=text, code=code, key=name, message_id=message_id,
                          processor=NAME, payload=record.value.decode("utf-8", "replace")[:65536],
                          extra=extra).to_record(topics.DEADLETTER)


def _lenient(answer: bytes) -> Message | None:
    """The reply without schema validation, if it is a well-formed IEC message with a Reply."""
    try:
        reply = parse_message(answer, validate=False)
    except (IecError, ValueError):
        return None
    return reply if reply.Reply is not None else None


def _looks_like_iec(answer: bytes) -> bool:
    head = answer[:2048]
    return b"Reply" in head or b"ResponseMessage" in head or b"FaultMessage" in head
