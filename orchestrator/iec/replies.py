"""Replies the orchestrator sends: OK, PARTIAL and FAILED ResponseMessages.

A reply echoes the request's MessageID as its CorrelationID and answers in the
request's dialect (envelope namespace, profile wrapper, SOAP or not), so a
head-end that sent a ``CreatedEndDeviceEvents`` gets an
``EndDeviceEventsResponseMessage`` it can validate with its own WSDL.
"""
from __future__ import annotations

import uuid
from xml.sax.saxutils import escape
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from orchestrator.iec import errors as codes
from orchestrator.iec.codec import to_xml
from orchestrator.iec.envelope import Error, Header, Identifier, Message, MessageKind, Reply, ReplyResult
from orchestrator.iec.errors import ErrorCode, IecError
from orchestrator.iec.namespaces import NamespaceProfile, split_qname, wrapper_noun


@dataclass(frozen=True)
class ItemFailure:
    """One item of a request that could not be processed (``Reply/Error`` with ``ID``)."""

    id: str
    error: ErrorCode = codes.ITEM_FAILED
    details: str | None = None
    kind: str | None = "uuid"
    objectType: str | None = None


def _response(
    request: Message | None,
    result: ReplyResult,
    errs: list[Error],
    *,
    noun: str | None,
    correlation_id: str | None,
    message_id: str | None,
    source: str | None,
    timestamp: datetime | None,
    profile: NamespaceProfile | None,
    soap: bool | None,
) -> Message:
    req_header = request.Header if request else None
    noun = noun or (req_header.Noun if req_header else None) or (request.noun if request else None) or "Message"
    profile = profile or (request.namespace_profile if request else NamespaceProfile.IEC_2011)
    root = None
    if request is not None and request.root:
        ns, _ = split_qname(request.root)
        wnoun = wrapper_noun(ns)
        if wnoun and request.namespace_profile == profile:
            root = f"{{{ns}}}{wnoun}ResponseMessage"
    header = Header(
        Verb="reply",
        Noun=noun,
        Timestamp=timestamp or datetime.now(timezone.utc),
        Source=source,
        MessageID=message_id or str(uuid.uuid4()),
        CorrelationID=correlation_id or (req_header.MessageID if req_header else None),
    )
    return Message(
        kind=MessageKind.RESPONSE,
        namespace_profile=profile,
        root=root,
        soap=(request.soap if request else None) if soap is None else (None if not soap else "1.1"),
        Header=header,
        Reply=Reply(Result=result, Error=errs),
    )


def ok_reply(request: Message | None = None, **kw) -> Message:
    """Reply OK with error code 0.0."""
    return _response(request, ReplyResult.OK, [Error(code=codes.OK.code, level="INFORM")], **_defaults(kw))


def partial_reply(request: Message | None, failures: Iterable[ItemFailure], **kw) -> Message:
    """Reply PARTIAL: 0.1 plus one Error per failed item naming it by ``ID``."""
    errs = [Error(code=codes.PARTIAL_RESULT.code, level="WARNING", reason=codes.PARTIAL_RESULT.reason)]
    kw = _defaults(kw)
    errs += [_item_error(f, _profile(request, kw)) for f in failures]
    return _response(request, ReplyResult.PARTIAL, errs, **kw)


def failed_reply(
    request: Message | None,
    error: IecError | ErrorCode,
    details: str | None = None,
    *,
    failures: Iterable[ItemFailure] = (),
    **kw,
) -> Message:
    """Reply FAILED with the error's IEC code, level and one-line text (+ per-item errors)."""
    if isinstance(error, IecError):
        first = Error(code=error.code, level=error.level.value, reason=error.reason, details=details or error.text)
    else:
        first = Error(code=error.code, level=error.level.value, reason=error.reason, details=details)
    kw = _defaults(kw)
    items = [_item_error(f, _profile(request, kw)) for f in failures]
    return _response(request, ReplyResult.FAILED, [first, *items], **kw)


def _profile(request: Message | None, kw: dict) -> NamespaceProfile:
    return kw.get("profile") or (request.namespace_profile if request else NamespaceProfile.IEC_2011)


def _item_error(f: ItemFailure, profile: NamespaceProfile) -> Error:
    """Per-item error: ``Error/ID`` in the 2011 envelope; the EPRI draft has no ``Error/ID``
    and names the item in the (later deprecated) ``Error/object``."""
    common = dict(code=f.error.code, level=f.error.level.value, reason=f.error.reason, details=f.details)
    if profile is NamespaceProfile.EPRI_DRAFT:
        ns = profile.message_namespace
        obj = f'<m:object xmlns:m="{ns}"><m:mRID>{escape(f.id)}</m:mRID>'
        if f.objectType:
            obj += f"<m:objectType>{escape(f.objectType)}</m:objectType>"
        return Error(**common, object=obj + "</m:object>")
    return Error(**common, ID=Identifier(value=f.id, kind=f.kind, objectType=f.objectType))


def _defaults(kw: dict) -> dict:
    allowed = {"noun", "correlation_id", "message_id", "source", "timestamp", "profile", "soap"}
    unknown = set(kw) - allowed
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    return {k: kw.get(k) for k in allowed}


def reply_bytes(reply: Message) -> bytes:
    return to_xml(reply)
