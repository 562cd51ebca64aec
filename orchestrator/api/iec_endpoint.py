"""The IEC endpoint: where head-ends, MDM and CIS post IEC 61968-100 messages.

Routes (documented for head-end vendors):

- ``POST /iec/v1/messages``: a bare IEC 61968-100 message (or one in a SOAP envelope);
- ``POST /iec/soap/<ServiceName>``: SOAP 1.1 (``text/xml``) or 1.2 (``application/soap+xml``),
  document/literal, one service per standard WSDL service name (``soap_services.SERVICES``);
- ``GET /iec/soap/<ServiceName>?wsdl``: the service's WSDL, addressed at this server, and
  ``GET /iec/soap/xsd/<folder>/<file>`` for the schemas it imports.

HTTP status: 200 with Reply OK; on the bare route a refused message gets 400 (malformed or
invalid), 422 (noun not accepted), 401 (credentials), 413 (too large), 503 (not stored: resend),
each with the Reply FAILED as body. Over SOAP, 400/422 become 200 (the FAILED ResponseMessage is the
WSDL's output, what generated clients read); 401, 404 (no such service), 413 and 503 stay.

Every POST is authenticated with the head-end's HTTP basic credentials (``orchestrator headend
add``), read with a size limit, parsed and validated (``orchestrator.iec.parse_message``) and
published unchanged to the topic of its noun (``inbound_router.route_of``), keyed as the router
keys it. Only when the publisher has returned — the record is durable — does the sender get an IEC
Reply OK. Anything else gets a Reply FAILED with the IEC error code and one line saying why, and
a dead-letter record; nothing is dropped silently and no input crashes the server.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import time
import weakref

from aiohttp import web

from orchestrator import topics
from orchestrator.api.app import CONTEXT
from orchestrator.api.soap_services import (
    SERVICES,
    SoapService,
    render_wsdl,
    schema_file,
)
from orchestrator.headend.metrics import IEC_ENDPOINT_REQUESTS, IEC_ENDPOINT_SECONDS
from orchestrator.iec import (
    IecError,
    Message,
    SoapVersion,
    failed_reply,
    ok_reply,
    parse_message,
    to_xml,
)
from orchestrator.iec import errors as iec_errors
from orchestrator.iec.errors import ErrorCode, ErrorLevel
from orchestrator.logs import get_logger
from orchestrator.metrics import DEAD_LETTERS
from orchestrator.processors.base import DeadLetter, Record
from orchestrator.processors.inbound_router import _key_for, route_of
from orchestrator.store.unavailable import RETRY_AFTER_S, database_unavailable

log = get_logger(__name__)

NAME = "iec-endpoint"
SOURCE = "orchestrator"
REALM = 'Basic realm="orchestrator IEC endpoint", charset="UTF-8"'
# Security category (4) of IEC 61968-100 error codes; the wire layer's table has no entry for it.
UNAUTHENTICATED = ErrorCode("4.1", "Authentication failed: unknown sender or wrong credentials")
NOT_STORED = ErrorCode("5.3", "Message could not be stored; send it again later", ErrorLevel.FATAL)
UNKNOWN_SERVICE = ErrorCode("3.2", "Unsupported service")
# HTTP status of a message the wire layer rejects, by IEC code (default 400: bad request).
PARSE_STATUS = {iec_errors.TOO_LARGE.code: 413, iec_errors.UNSUPPORTED_NOUN.code: 422,
                iec_errors.NOUN_MISMATCH.code: 422}
# Unauthenticated senders get less of their payload kept (the dead-letter store is no free disk).
UNTRUSTED_PAYLOAD_CHARS = 4096
TRUSTED_PAYLOAD_CHARS = 65536


class Rejected(Exception):
    """A message that is answered with Reply FAILED, an HTTP status and a dead letter."""

    def __init__(self, status: int, error: IecError, message: Message | None = None):
        super().__init__(error.text)
        self.status, self.error, self.message = status, error, message


class Coalescer:
    """Group commit: records of concurrent requests go to the publisher in one call (one SQLite
    transaction, one Kafka flush); each request still waits until its own record is durable."""

    def __init__(self, publisher):
        self.publisher = publisher
        self._pending: list[tuple[Record, asyncio.Future]] = []
        self._task: asyncio.Task | None = None

    async def publish(self, record: Record) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((record, future))
        if self._task is None:
            self._task = asyncio.create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(0)  # let the requests already in flight add theirs
                batch, self._pending = self._pending, []
                try:
                    await self.publisher.publish([r for r, _ in batch])
                except Exception as exc:  # every waiter of the batch learns it was not stored
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._task = None


_COALESCERS: "weakref.WeakKeyDictionary[object, Coalescer]" = weakref.WeakKeyDictionary()


def _coalescer(app: web.Application, publisher) -> Coalescer:
    found = _COALESCERS.get(publisher)
    if found is None:
        found = _COALESCERS[publisher] = Coalescer(publisher)
    return found


def register(app: web.Application) -> None:
    app.router.add_post("/iec/v1/messages", post_bare)
    app.router.add_get("/iec/soap/xsd/{folder}/{name}", get_schema)
    app.router.add_post("/iec/soap/{service}", post_soap)
    app.router.add_get("/iec/soap/{service}", get_wsdl)


async def post_bare(request: web.Request) -> web.StreamResponse:
    return await _handle(request, "bare", None)


async def post_soap(request: web.Request) -> web.StreamResponse:
    return await _handle(request, "soap", SERVICES.get(request.match_info["service"]))


async def get_wsdl(request: web.Request) -> web.StreamResponse:
    service = SERVICES.get(request.match_info["service"])
    if service is None:
        raise web.HTTPNotFound(text=f"no SOAP service {request.match_info['service']}; known: "
                                    f"{', '.join(sorted(SERVICES))}\n")
    if "wsdl" not in {k.lower() for k in request.query}:
        raise web.HTTPBadRequest(text=f"POST IEC 61968-100 SOAP messages here; GET {request.path}?wsdl for the WSDL\n")
    return web.Response(body=render_wsdl(service, _base_url(request)), content_type="text/xml", charset="utf-8")


async def get_schema(request: web.Request) -> web.StreamResponse:
    path = schema_file(request.match_info["folder"], request.match_info["name"])
    if path is None:
        raise web.HTTPNotFound(text="no such schema\n")
    return web.Response(body=path.read_bytes(), content_type="text/xml", charset="utf-8")


def _base_url(request: web.Request) -> str:
    return str(request.url.origin())


def _soap_hint(request: web.Request, route: str) -> SoapVersion | None:
    """The SOAP version to answer in when the request cannot be parsed (else the request's own)."""
    if request.content_type == "application/soap+xml":
        return SoapVersion.SOAP12
    if route == "soap" or request.headers.get("SOAPAction") is not None:
        return SoapVersion.SOAP11
    return None


async def _handle(request: web.Request, route: str, service: SoapService | None) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    started = time.perf_counter()
    body = b""
    headend: str | None = None
    try:
        headend = await _authenticate(request)
        body = await _read_body(request, ctx.settings.max_body_bytes)
        if route == "soap" and service is None:
            raise Rejected(404, IecError(UNKNOWN_SERVICE, f"no SOAP service {request.match_info['service']!r}; "
                                                          f"known: {', '.join(sorted(SERVICES))}"))
        try:
            message = parse_message(body, max_bytes=ctx.settings.max_body_bytes)
        except IecError as exc:
            raise Rejected(PARSE_STATUS.get(exc.code, 400), exc) from None
        record = _routed(message, body, headend, service)
        try:
            await _coalescer(request.app, ctx.publisher).publish(record)
        except Exception as exc:  # broker/disk down: the sender must resend; say so, do not answer OK
            log.error("IEC message could not be published", headend=headend, topic=record.topic, error=repr(exc))
            raise Rejected(503, IecError(NOT_STORED, f"{type(exc).__name__}: publish to {record.topic} failed"),
                           message) from None
        reply = ok_reply(message, source=SOURCE)
        IEC_ENDPOINT_REQUESTS.labels(route=route, result="OK", code="0.0").inc()
        return _reply(reply, 200)
    except Rejected as rejected:
        return await _reject(request, route, rejected, body, headend)
    except Exception as exc:  # a bug must still give the sender an answer and leave a record
        if database_unavailable(exc):  # credentials could not be checked: the sender resends later
            log.warning("IEC endpoint: database unavailable", path=request.path, error=repr(exc))
            return await _reject(request, route, Rejected(503, IecError(NOT_STORED, "the catalogue database is "
                                                                        "not reachable; resend later")),
                                 body, headend)
        log.exception("IEC endpoint error", path=request.path)
        return await _reject(request, route, Rejected(500, IecError(iec_errors.OTHER, f"internal error "
                                                                    f"({type(exc).__name__})")), body, headend)
    finally:
        IEC_ENDPOINT_SECONDS.labels(route=route).observe(time.perf_counter() - started)


async def _authenticate(request: web.Request) -> str:
    ctx = request.app[CONTEXT]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        raise Rejected(401, IecError(UNAUTHENTICATED, "HTTP basic credentials of a registered head-end required"))
    try:
        username, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Rejected(401, IecError(UNAUTHENTICATED, "Authorization header is not valid HTTP basic")) from None
    store = getattr(ctx, "headends", None)
    if not sep or store is None:
        raise Rejected(401, IecError(UNAUTHENTICATED, "HTTP basic credentials of a registered head-end required"))
    headend = await store.authenticate(username, password)
    if headend is None:
        raise Rejected(401, IecError(UNAUTHENTICATED, f"unknown head-end or wrong password for user {username!r}"))
    return headend


async def _read_body(request: web.Request, limit: int) -> bytes:
    too_large = Rejected(413, IecError(iec_errors.TOO_LARGE, f"body exceeds {limit} bytes"))
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _routed(message: Message, body: bytes, headend: str, service: SoapService | None) -> Record:
    noun = message.noun or "unknown"
    if service is not None and noun not in service.nouns:
        raise Rejected(422, IecError(iec_errors.NOUN_MISMATCH, f"{service.name} accepts "
                                     f"{', '.join(sorted(service.nouns))}, not {noun}"), message)
    topic = route_of(message)
    if topic is None:
        raise Rejected(422, IecError(iec_errors.UNSUPPORTED_NOUN, f"{message.verb} {noun} "
                                     f"({message.kind.value}) is not accepted by this endpoint"), message)
    header = message.Header
    message_id = header.MessageID if header else None
    headers = (("iec.noun", noun), ("iec.verb", message.verb or "unknown"),
               ("iec.source", (header.Source if header else None) or headend),
               ("iec.namespace", str(message.namespace_profile.value)), ("iec.headend", headend))
    if message_id:
        headers += (("iec.message_id", message_id),)
    key = _key_for(topic, message, Record(topics.IEC_INBOUND, headend, body))
    return Record(topic=topic, key=key, value=body, headers=headers)


async def _reject(request: web.Request, route: str, rejected: Rejected, body: bytes,
                  headend: str | None) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    error, message = rejected.error, rejected.message
    IEC_ENDPOINT_REQUESTS.labels(route=route, result="FAILED", code=error.code).inc()
    DEAD_LETTERS.labels(source_topic=topics.IEC_INBOUND, reason=f"iec_{error.code}").inc()
    message_id = message.Header.MessageID if message is not None and message.Header else None
    limit = TRUSTED_PAYLOAD_CHARS if headend else UNTRUSTED_PAYLOAD_CHARS
    letter = DeadLetter(source_topic=topics.IEC_INBOUND, reason=f"{error.reason}: {error.text}", code=error.code,
                        key=headend, message_id=message_id, processor=NAME,
                        payload=body[:limit].decode("utf-8", "replace"),
                        extra={"route": route, "path": request.path, "remote": request.remote or "",
                               "http_status": rejected.status})
    if rejected.status != 503:
        try:
            await ctx.publisher.publish(letter.to_record(topics.DEADLETTER))
        except Exception as exc:
            log.error("dead letter could not be published", code=error.code, error=repr(exc))
    log.info("IEC message rejected", code=error.code, reason=error.text, headend=headend, route=route,
             status=rejected.status, message_id=message_id)
    reply = failed_reply(message, error, source=SOURCE)
    if message is None:
        hint = _soap_hint(request, route)
        if hint is not None:
            reply = reply.model_copy(update={"soap": hint})
    # Over SOAP, a message the endpoint understood but refused is answered with the WSDL's own output
    # (ResponseMessage with Result FAILED) in HTTP 200, as generated clients expect; authentication,
    # size, unknown service and "not stored" keep their HTTP status.
    status = 200 if route == "soap" and rejected.status in (400, 422, 500) else rejected.status
    response = _reply(reply, status)
    if rejected.status == 401:
        response.headers["WWW-Authenticate"] = REALM
    elif rejected.status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _reply(reply: Message, status: int) -> web.Response:
    if reply.soap == SoapVersion.SOAP12:
        content_type = "application/soap+xml"
    elif reply.soap == SoapVersion.SOAP11:
        content_type = "text/xml"
    else:
        content_type = "application/xml"
    return web.Response(status=status, body=to_xml(reply), content_type=content_type, charset="utf-8")
