"""XML <-> ``Message``: SOAP unwrapping, both envelope namespaces, lossless payloads.

Reading maps the envelope elements of Message.xsd onto the typed model and
keeps the rest as XML (payload documents, ``xs:any`` extensions), so writing
the model back gives a message semantically equal to the input. Writing uses
the standard namespaces: the profile wrapper namespace for the message
element when the message came in (or is built) as a profile wrapper, the
envelope namespace for the generic ``RequestMessage``/``ResponseMessage``/...
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import Enum

from lxml import etree
from pydantic import ValidationError

from orchestrator.iec import errors
from orchestrator.iec.envelope import (
    Error,
    ErrorLocation,
    Header,
    Identifier,
    Message,
    MessageKind,
    MessageProperty,
    Operation,
    OperationSet,
    Option,
    Payload,
    PayloadElement,
    ReplayDetection,
    Reply,
    Request,
    SoapVersion,
    User,
)
from orchestrator.iec.errors import IecError
from orchestrator.iec.namespaces import (
    ENVELOPE_PROFILES,
    SOAP11,
    SOAP12,
    split_qname,
    wrapper_noun,
)

_SOAP = {SOAP11: SoapVersion.SOAP11, SOAP12: SoapVersion.SOAP12}
_SOAP_NS = {v: k for k, v in _SOAP.items()}
_PRESENT = ("Create", "Change", "Cancel", "Close", "Delete", "Execute", "Get")
_PAST = ("Created", "Changed", "Canceled", "Closed", "Deleted", "Executed")


# --------------------------------------------------------------------------- reading


def unwrap_soap(root: etree._Element) -> tuple[etree._Element, SoapVersion | None, list[str]]:
    """The IEC message element inside a SOAP 1.1/1.2 envelope (or ``root`` itself)."""
    ns, local = split_qname(root.tag)
    if ns not in _SOAP:
        return root, None, []
    if local != "Envelope":
        raise IecError(errors.ENVELOPE_INVALID, f"SOAP element {local} is not an Envelope", line=root.sourceline)
    header = root.find(f"{{{ns}}}Header")
    body = root.find(f"{{{ns}}}Body")
    if body is None:
        raise IecError(errors.ENVELOPE_INVALID, "SOAP Envelope has no Body", line=root.sourceline)
    children = [c for c in body if isinstance(c.tag, str)]
    if not children:
        raise IecError(errors.PAYLOAD_MISSING, "SOAP Body is empty", line=body.sourceline)
    if split_qname(children[0].tag) == (ns, "Fault"):
        raise IecError(errors.ENVELOPE_INVALID, "SOAP Fault, not an IEC 61968-100 message", line=children[0].sourceline)
    soap_header = [] if header is None else [_xml(c) for c in header if isinstance(c.tag, str)]
    return children[0], _SOAP[ns], soap_header


def envelope_namespace(msg: etree._Element) -> str | None:
    """The Message.xsd namespace a message uses, read from Header/Verb or Reply/Result."""
    ns, _ = split_qname(msg.tag)
    if ns in ENVELOPE_PROFILES:
        return ns
    for child in msg:
        if not isinstance(child.tag, str):
            continue
        _, local = split_qname(child.tag)
        if local in ("Header", "Reply"):
            for grandchild in child:
                if isinstance(grandchild.tag, str):
                    return split_qname(grandchild.tag)[0]
    return None


def message_kind(msg: etree._Element) -> MessageKind:
    _, local = split_qname(msg.tag)
    for kind in MessageKind:
        if local.endswith(kind.value):
            return kind
    if local.startswith(_PAST):
        return MessageKind.EVENT
    if local.startswith(_PRESENT):
        return MessageKind.REQUEST
    names = {split_qname(c.tag)[1] for c in msg if isinstance(c.tag, str)}
    if "Reply" in names:
        return MessageKind.RESPONSE if "Header" in names else MessageKind.FAULT
    if "Request" in names:
        return MessageKind.REQUEST
    return MessageKind.EVENT


def _xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=False)


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def _identifier(el: etree._Element) -> Identifier:
    return Identifier(value=_text(el), **{k: v for k, v in el.attrib.items() if k in ("idType", "idAuthority", "kind", "objectType")})


def _children(el: etree._Element):
    for child in el:
        if isinstance(child.tag, str):
            ns, local = split_qname(child.tag)
            yield child, ns, local


class _Reader:
    """Reads one message element; ``envelope_ns``/``wrapper_ns`` decide what is envelope."""

    def __init__(self, envelope_ns: str, wrapper_ns: str | None) -> None:
        self.own = {envelope_ns, wrapper_ns} - {None}

    def fields(self, el: etree._Element, simple: tuple[str, ...], lists: dict, singles: dict):
        data: dict = {}
        extensions: list[etree._Element] = []
        for child, ns, local in _children(el):
            if ns not in self.own:
                extensions.append(child)
            elif local in simple:
                data[local] = _text(child)
            elif local in lists:
                data.setdefault(local, []).append(lists[local](child))
            elif local in singles:
                data[local] = singles[local](child)
            else:
                raise IecError(errors.ENVELOPE_INVALID, f"unexpected element {local}", line=child.sourceline, element=split_qname(el.tag)[1])
        return data, extensions

    def header(self, el) -> Header:
        data, ext = self.fields(
            el,
            ("Verb", "Noun", "Revision", "Context", "Timestamp", "Source", "AsyncReplyFlag", "ReplyAddress",
             "AckRequired", "MessageID", "CorrelationID", "Comment"),
            {"Property": lambda c: _build(MessageProperty, self.fields(c, ("Name", "Value"), {}, {})[0], c)},
            {
                "User": lambda c: _build(User, self.fields(c, ("UserID", "Organization"), {}, {})[0], c),
                "ReplayDetection": lambda c: _build(ReplayDetection, self.fields(c, ("Nonce", "Created"), {}, {})[0], c),
            },
        )
        return _build(Header, data, el, extensions=[_xml(e) for e in ext])

    def request(self, el) -> Request:
        data, ext = self.fields(
            el, ("StartTime", "EndTime"),
            {"Option": lambda c: _build(Option, self.fields(c, ("name", "value"), {}, {})[0], c), "ID": _identifier}, {},
        )
        return _build(Request, data, el, extensions=[PayloadElement.from_element(e) for e in ext])

    def error(self, el) -> Error:
        data, ext = self.fields(
            el, ("code", "level", "reason", "details", "xpath", "stackTrace", "operationId"), {},
            {
                "Location": lambda c: _build(ErrorLocation, self.fields(c, ("node", "pipeline", "stage"), {}, {})[0], c),
                "ID": _identifier, "relatedID": _identifier, "object": _xml,
            },
        )
        if ext:
            raise IecError(errors.ENVELOPE_INVALID, "unexpected element in Error", line=ext[0].sourceline)
        return _build(Error, data, el)

    def reply(self, el) -> Reply:
        data, ext = self.fields(el, ("Result", "operationId"), {"Error": self.error, "ID": _identifier}, {})
        return _build(Reply, data, el, extensions=[_xml(e) for e in ext])

    def operation(self, el) -> Operation:
        data, ext = self.fields(el, ("operationId", "noun", "verb", "elementOperation"), {}, {})
        if len(ext) > 1:
            raise IecError(errors.ENVELOPE_INVALID, "an Operation carries one payload document", line=ext[1].sourceline)
        return _build(Operation, data, el, payload=PayloadElement.from_element(ext[0]) if ext else None)

    def payload(self, el) -> Payload:
        data, ext = self.fields(
            el, ("Compressed", "Format"), {"ID": _identifier},
            {"OperationSet": lambda c: _build(OperationSet, *self._opset(c), c)},
        )
        return _build(Payload, data, el, documents=[PayloadElement.from_element(e) for e in ext])

    def _opset(self, el):
        data, ext = self.fields(el, ("enforceMsgSequence", "enforceTransactionalIntegrity"), {"Operation": self.operation}, {})
        if ext:
            raise IecError(errors.ENVELOPE_INVALID, "unexpected element in OperationSet", line=ext[0].sourceline)
        return (data,)


def _build(model, data: dict, el: etree._Element, **extra):
    try:
        return model(**data, **extra)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        line = el.sourceline
        for child in el:
            if isinstance(child.tag, str) and split_qname(child.tag)[1] == str(first["loc"][0]):
                line = child.sourceline
                break
        code = errors.BAD_VERB if field == "Verb" else errors.BAD_NOUN if field == "Noun" else errors.ENVELOPE_INVALID
        value = first.get("input")
        raise IecError(code, f"{first['msg']} (value {value!r})" if isinstance(value, str) else first["msg"],
                       line=line, element=f"{split_qname(el.tag)[1]}/{field}") from None


def element_to_message(
    msg: etree._Element, *, soap: SoapVersion | None = None, soap_header: list[str] | None = None
) -> Message:
    """Build the model from an (already safely parsed, unwrapped) message element."""
    env_ns = envelope_namespace(msg)
    if env_ns not in ENVELOPE_PROFILES:
        from orchestrator.iec.validation import _unsupported_envelope

        raise _unsupported_envelope(msg, env_ns)
    root_ns, _ = split_qname(msg.tag)
    reader = _Reader(env_ns, root_ns if root_ns != env_ns else None)
    parts: dict = {}
    for child, ns, local in _children(msg):
        if ns not in reader.own or local not in ("Header", "Request", "Reply", "Payload") or local in parts:
            raise IecError(errors.ENVELOPE_INVALID, f"unexpected element {local}", line=child.sourceline,
                           element=split_qname(msg.tag)[1])
        parts[local] = getattr(reader, local.lower())(child)
    return Message(
        kind=message_kind(msg),
        namespace_profile=ENVELOPE_PROFILES[env_ns],
        root=msg.tag,
        root_attributes={k: v for k, v in msg.attrib.items()},
        soap=soap,
        soap_header=soap_header or [],
        **parts,
    )


# --------------------------------------------------------------------------- writing


def format_datetime(value: datetime) -> str:
    """xs:dateTime text: no trailing zero microseconds, ``Z`` for UTC."""
    text = value.isoformat()
    if value.microsecond:
        head, _, rest = text.partition(".")
        frac = rest[:6].rstrip("0")
        text = f"{head}.{frac}{rest[6:]}"
    if value.tzinfo is not None and value.utcoffset() == timezone.utc.utcoffset(None):
        text = text[:-6] + "Z"
    return text


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _fragment(xml: str) -> etree._Element:
    from orchestrator.iec.safe_xml import parse_xml

    return parse_xml(xml.encode("utf-8"), max_bytes=1 << 31, max_depth=256)


class _Writer:
    def __init__(self, message: Message) -> None:
        self.m = message
        self.msg_ns = message.namespace_profile.message_namespace
        root_ns, _ = split_qname(message.root) if message.root else (None, None)
        self.wrapper_ns = root_ns if root_ns and root_ns != self.msg_ns else None
        self.part_ns = self.wrapper_ns or self.msg_ns
        noun = wrapper_noun(self.wrapper_ns) or ""
        self.request_ns = self.part_ns if noun.endswith("Queries") else self.msg_ns

    def sub(self, parent, local: str, value=None, ns: str | None = None):
        el = etree.SubElement(parent, f"{{{ns or self.msg_ns}}}{local}")
        if value is not None:
            el.text = _fmt(value)
        return el

    def simple(self, parent, model, names, ns=None):
        for name in names:
            value = getattr(model, name)
            if value is not None:
                self.sub(parent, name, value, ns)

    def identifier(self, parent, local, ident: Identifier, ns=None):
        el = self.sub(parent, local, ident.value, ns)
        for att in ("idType", "idAuthority", "kind", "objectType"):
            v = getattr(ident, att)
            if v is not None:
                el.set(att, v)

    def header(self, parent, h: Header):
        el = self.sub(parent, "Header", ns=self.part_ns)
        self.simple(el, h, ("Verb", "Noun", "Revision"))
        if h.ReplayDetection:
            rd = self.sub(el, "ReplayDetection")
            self.simple(rd, h.ReplayDetection, ("Nonce", "Created"))
        self.simple(el, h, ("Context", "Timestamp", "Source", "AsyncReplyFlag", "ReplyAddress", "AckRequired"))
        if h.User:
            self.simple(self.sub(el, "User"), h.User, ("UserID", "Organization"))
        self.simple(el, h, ("MessageID", "CorrelationID", "Comment"))
        for p in h.Property:
            self.simple(self.sub(el, "Property"), p, ("Name", "Value"))
        for x in h.extensions:
            el.append(_fragment(x))

    def request(self, parent, r: Request):
        ns = self.request_ns
        el = self.sub(parent, "Request", ns=self.part_ns)
        self.simple(el, r, ("StartTime", "EndTime"), ns)
        for o in r.Option:
            self.simple(self.sub(el, "Option", ns=ns), o, ("name", "value"), self.msg_ns)
        for i in r.ID:
            self.identifier(el, "ID", i, ns)
        for x in r.extensions:
            el.append(_fragment(x.xml))

    def reply(self, parent, r: Reply):
        el = self.sub(parent, "Reply", ns=self.part_ns)
        self.sub(el, "Result", r.Result)
        for e in r.Error:
            err = self.sub(el, "Error")
            self.simple(err, e, ("code", "level", "reason", "details", "xpath", "stackTrace"))
            if e.Location:
                self.simple(self.sub(err, "Location"), e.Location, ("node", "pipeline", "stage"))
            if e.ID:
                self.identifier(err, "ID", e.ID)
            if e.relatedID:
                self.identifier(err, "relatedID", e.relatedID)
            if e.object:
                err.append(_fragment(e.object))
            self.simple(err, e, ("operationId",))
        for i in r.ID:
            self.identifier(el, "ID", i)
        for x in r.extensions:
            el.append(_fragment(x))
        self.simple(el, r, ("operationId",))

    def payload(self, parent, p: Payload):
        el = self.sub(parent, "Payload", ns=self.part_ns)
        for doc in p.documents:
            el.append(_fragment(doc.xml))
        if p.OperationSet:
            ops = self.sub(el, "OperationSet", ns=self.part_ns)
            self.simple(ops, p.OperationSet, ("enforceMsgSequence", "enforceTransactionalIntegrity"))
            for op in p.OperationSet.Operation:
                o = self.sub(ops, "Operation")
                self.simple(o, op, ("operationId", "noun", "verb", "elementOperation"))
                if op.payload:
                    o.append(_fragment(op.payload.xml))
        if p.Compressed is not None:
            self.sub(el, "Compressed", p.Compressed, ns=self.part_ns)
        for i in p.ID:
            self.identifier(el, "ID", i)
        if p.Format is not None:
            self.sub(el, "Format", p.Format, ns=self.part_ns)

    def message(self) -> etree._Element:
        m = self.m
        tag = m.root or f"{{{self.msg_ns}}}{m.kind.value}"
        nsmap = {"msg": self.msg_ns}
        if self.wrapper_ns:
            nsmap["tns"] = self.wrapper_ns
        root = etree.Element(tag, nsmap=nsmap)
        for k, v in m.root_attributes.items():
            root.set(k, v)
        if m.Header:
            self.header(root, m.Header)
        if m.Request:
            self.request(root, m.Request)
        if m.Reply:
            self.reply(root, m.Reply)
        if m.Payload:
            self.payload(root, m.Payload)
        return root


def message_to_element(message: Message, *, soap: bool | None = None) -> etree._Element:
    """The message element (inside a SOAP envelope when the message came in one, or ``soap=True``)."""
    root = _Writer(message).message()
    version = message.soap if soap is None else (message.soap or SoapVersion.SOAP11) if soap else None
    if version is None:
        return root
    ns = _SOAP_NS[version]
    env = etree.Element(f"{{{ns}}}Envelope", nsmap={"soapenv": ns})
    header = etree.SubElement(env, f"{{{ns}}}Header")
    for x in message.soap_header:
        header.append(_fragment(x))
    etree.SubElement(env, f"{{{ns}}}Body").append(root)
    return env


def to_xml(message: Message, *, soap: bool | None = None, pretty: bool = False) -> bytes:
    """Serialise a message to UTF-8 XML bytes with an XML declaration."""
    el = message_to_element(message, soap=soap)
    if pretty:
        etree.indent(el, space="  ")
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8")


# --------------------------------------------------------------------------- comparing

_DT = re.compile(r"^-?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_BOOL = {"true": "true", "1": "true", "false": "false", "0": "false"}


def _norm_text(text: str | None) -> str:
    t = " ".join((text or "").split())
    if _DT.match(t):
        try:
            dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
            return dt.isoformat() if dt.tzinfo is None else dt.astimezone(timezone.utc).isoformat()
        except ValueError:
            return t
    return _BOOL.get(t, t)


def semantic_diff(a: etree._Element, b: etree._Element, path: str = "") -> str | None:
    """First difference between two trees, ignoring prefixes, whitespace and value spelling
    (``1``/``true``, ``Z``/``+00:00``, trailing zero fractions); None if equal."""
    here = f"{path}/{split_qname(a.tag)[1] if isinstance(a.tag, str) else '?'}"
    if a.tag != b.tag:
        return f"{here}: element {a.tag} != {b.tag}"
    if dict(a.attrib) != dict(b.attrib):
        return f"{here}: attributes {dict(a.attrib)} != {dict(b.attrib)}"
    if _norm_text(a.text) != _norm_text(b.text):
        return f"{here}: text {a.text!r} != {b.text!r}"
    ca = [c for c in a if isinstance(c.tag, str)]
    cb = [c for c in b if isinstance(c.tag, str)]
    if len(ca) != len(cb):
        return f"{here}: {len(ca)} child elements != {len(cb)}"
    for x, y in zip(ca, cb):
        d = semantic_diff(x, y, here)
        if d:
            return d
        if _norm_text(x.tail) != _norm_text(y.tail):
            return f"{here}: text after {x.tag} differs"
    return None
