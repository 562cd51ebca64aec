"""XSD validation: the envelope against Message.xsd, then each payload document by its noun.

Profile wrapper elements (``CreateEndDeviceControls`` ...) are checked the way
their wrapper XSD would: the Header/Request/Reply/Payload are re-rooted as the
generic Message.xsd message of the same kind, and every noun document is
validated against the payload XSD of its namespace. Schemas are compiled once
(lxml ``XMLSchema``, libxml2 speed) and cached.

The package ships only schemas without a proprietary notice. Callers with more
(tests, an operator's site profile) pass ``schema_dirs``: every payload XSD in
those folders is used for its namespace instead of the packaged ones.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable

from lxml import etree

from orchestrator.iec import errors
from orchestrator.iec.codec import envelope_namespace, message_kind, message_to_element, unwrap_soap
from orchestrator.iec.envelope import Message, MessageKind
from orchestrator.iec.errors import IecError
from orchestrator.iec.namespaces import ENVELOPE_PROFILES, MSG_2011, MSG_EPRI, NamespaceProfile, split_qname, wrapper_noun
from orchestrator.iec.safe_xml import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_xml

SCHEMA_DIR = Path(__file__).parent / "schemas"
XS = "http://www.w3.org/2001/XMLSchema"

ENVELOPE_SCHEMAS = {
    NamespaceProfile.IEC_2011: SCHEMA_DIR / "message-2011" / "Message.xsd",
    NamespaceProfile.EPRI_DRAFT: SCHEMA_DIR / "epri-wsdl-v1" / "Message.xsd",
}

# Packaged payload XSDs, best first within a profile. Where the public profiles
# differ for one namespace (DERGroups create/change), a document valid against
# either is accepted.
PAYLOAD_SCHEMAS: tuple[tuple[NamespaceProfile, str], ...] = (
    (NamespaceProfile.IEC_2011, "derms2-61968-9/EndDeviceControls.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-9/EndDeviceEvents.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/change/DERGroups.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/create/DERGroups.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/create/DERGroupDispatches.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/get/DERGroupDispatches.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/create/DERGroupForecasts.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/change/DERGroupStatuses.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/get/DERGroupQueries.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/get/DERGroupForecastQueries.xsd"),
    (NamespaceProfile.IEC_2011, "derms2-61968-5/get/DERGroupStatusQueries.xsd"),
    (NamespaceProfile.EPRI_DRAFT, "epri-wsdl-v1/EndDeviceControls.xsd"),
    (NamespaceProfile.EPRI_DRAFT, "epri-wsdl-v1/EndDeviceEvents.xsd"),
    (NamespaceProfile.EPRI_DRAFT, "epri-wsdl-v1/MeterReadings.xsd"),
    (NamespaceProfile.EPRI_DRAFT, "epri-wsdl-v1/MeterReadSchedule.xsd"),
    (NamespaceProfile.EPRI_DRAFT, "epri-wsdl-v1/MeterServiceRequests.xsd"),
)

# Nouns of IEC 61968-9 the orchestrator accepts although no schema without a
# proprietary notice is public for them; they are checked by name only unless
# the caller supplies a schema folder.
SCHEMALESS_NOUNS = frozenset({
    "MeterConfig", "GetMeterConfig", "EndDeviceConfig", "UsagePointConfig", "MasterDataLinkageConfig",
    "GetMeterReadings", "GetEndDeviceEvents", "GetUsagePointConfig", "CustomerMeterDataSet",
    # Customer data sync nouns routed to masterdata.inbound; no public XSD exists for them.
    "CustomerConfig", "CustomerAccountConfig", "CustomerAgreementConfig",
})

# What a profile wrapper's Payload may carry when it is not the wrapper noun itself.
WRAPPER_PAYLOADS: dict[str, frozenset[str]] = {
    "DERGroupQueries": frozenset({"DERGroups"}),
    "DERGroupForecastQueries": frozenset({"DERGroupForecasts"}),
    "DERGroupStatusQueries": frozenset({"DERGroupStatuses"}),
    "GetMeterReadings": frozenset({"MeterReadings"}),
    "GetEndDeviceEvents": frozenset({"EndDeviceEvents"}),
    "GetMeterConfig": frozenset({"MeterConfig"}),
}


@dataclass(frozen=True)
class PayloadSchema:
    namespace: str
    path: Path
    profile: NamespaceProfile | None  # None: supplied by the caller
    elements: frozenset[str]

    @cached_property
    def label(self) -> str:
        try:
            return str(self.path.relative_to(SCHEMA_DIR))
        except ValueError:
            return str(self.path)


@dataclass
class ValidationResult:
    """What was checked: the envelope profile and, per noun document, the schema used."""

    namespace_profile: NamespaceProfile
    kind: MessageKind
    documents: list[tuple[str, str]] = field(default_factory=list)  # (noun, schema label or "no schema")


def _schema_info(path: Path) -> tuple[str, frozenset[str]]:
    root = etree.parse(str(path)).getroot()
    names = frozenset(e.get("name") for e in root.iterchildren(f"{{{XS}}}element") if e.get("name"))
    return root.get("targetNamespace") or "", names


@lru_cache(maxsize=None)
def compiled_schema(path: str) -> etree.XMLSchema:
    """Compile an XSD once per process (imports resolve from its folder, never the network)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(path, parser))


class SchemaRegistry:
    """Payload schemas by namespace: the packaged ones plus any caller-supplied folders."""

    def __init__(self, schema_dirs: Iterable[Path] = ()) -> None:
        self.by_namespace: dict[str, list[PayloadSchema]] = {}
        supplied: dict[str, list[PayloadSchema]] = {}
        for d in schema_dirs:
            for path in sorted(Path(d).rglob("*.xsd")):
                ns, names = _schema_info(path)
                if not ns or ns in ENVELOPE_PROFILES or wrapper_noun(ns):
                    continue
                supplied.setdefault(ns, []).append(PayloadSchema(ns, path, None, names))
        for profile, rel in PAYLOAD_SCHEMAS:
            path = SCHEMA_DIR / rel
            ns, names = _schema_info(path)
            self.by_namespace.setdefault(ns, []).append(PayloadSchema(ns, path, profile, names))
        self.by_namespace.update(supplied)  # supplied schemas replace packaged ones for their namespace

    def candidates(self, namespace: str | None, profile: NamespaceProfile) -> list[PayloadSchema]:
        found = self.by_namespace.get(namespace or "", [])
        return sorted(found, key=lambda s: 0 if s.profile in (None, profile) else 1)


@lru_cache(maxsize=8)
def registry(schema_dirs: tuple[str, ...] = ()) -> SchemaRegistry:
    return SchemaRegistry(Path(d) for d in schema_dirs)


_NS_IN_TEXT = re.compile(r"\{(?:https?|urn):[^}]*\}")


def _schema_error(schema: etree.XMLSchema, code: errors.ErrorCode, what: str) -> IecError:
    entry = schema.error_log[0] if len(schema.error_log) else None
    if entry is None:
        return IecError(code, f"{what} is not valid")
    text = _NS_IN_TEXT.sub("", entry.message)
    path = [step.split(":")[-1].split("[")[0] for step in (entry.path or "").split("/") if step]
    element = "/".join(path[-3:]) if path else None
    return IecError(code, f"{what}: {text}", line=entry.line or None, element=element)


def _envelope_copy(msg: etree._Element, env_ns: str, kind: MessageKind) -> etree._Element:
    """``msg`` re-rooted as the generic Message.xsd message; payload documents left as stubs."""
    own = {split_qname(msg.tag)[0], env_ns}
    root = etree.Element(f"{{{env_ns}}}{kind.value}")
    if msg.sourceline:
        root.sourceline = msg.sourceline
    for child in msg:
        if not isinstance(child.tag, str):
            continue
        ns, local = split_qname(child.tag)
        if local == "Payload" and ns in own:
            new = etree.SubElement(root, f"{{{env_ns}}}Payload")
            if child.sourceline:
                new.sourceline = child.sourceline
            new.text = child.text
            # Noun documents are validated on their own against their payload XSD
            # (as the profile wrapper types them), so the envelope copy leaves them out.
            for doc in child:
                if isinstance(doc.tag, str) and split_qname(doc.tag)[0] in own:
                    new.append(_renamed(doc, own, env_ns))
        else:
            root.append(_renamed(child, own, env_ns))
    return root


def _in_place_schema(msg: etree._Element, env_ns: str, profile: NamespaceProfile,
                     kind: MessageKind) -> etree.XMLSchema | None:
    """A schema that checks the envelope of ``msg`` where it is, or None when only the re-rooted copy
    can, or when it is cheaper. Only for the IEC 2011 profile, whose Payload skips noun documents,
    and only when the copy would differ from ``msg`` in nothing but the names of the wrapper's own
    Header, Request, Reply and Payload: every other element name, attribute and text would be the same."""
    if profile is not NamespaceProfile.IEC_2011 or len(msg.attrib) or (msg.text or "").strip():
        return None
    root_ns, root_local = split_qname(msg.tag)
    renamed = root_ns != env_ns  # a wrapper: its own names become Message.xsd's in the copy
    parts, payload = [], None
    for child in msg:
        if not isinstance(child.tag, str):
            continue
        ns, local = split_qname(child.tag)
        if ns != root_ns:
            return None
        if local != "Payload":
            parts.append(child)
        elif payload is not None or not _payload_in_place(child, root_ns, env_ns, renamed):
            return None
        else:
            payload = child
    own_names = f"{{{root_ns}}}*"
    if renamed and any(next(part.iterdescendants(own_names), None) is not None for part in parts):
        return None
    if root_ns == env_ns:
        if root_local != kind.value:
            return None
        return compiled_schema(str(ENVELOPE_SCHEMAS[profile]))
    key = (root_ns, root_local, kind.value)
    if key not in _wrapper_schemas:
        if len(_wrapper_schemas) >= MAX_WRAPPER_SCHEMAS:
            return None  # names come from senders: compile a bounded number, copy beyond
        _wrapper_schemas[key] = _wrapper_schema(*key, str(ENVELOPE_SCHEMAS[profile]))
    return _wrapper_schemas[key]


def _payload_in_place(payload: etree._Element, root_ns: str, env_ns: str, renamed: bool) -> bool:
    if len(payload.attrib) or (payload.tail or "").strip():
        return False  # the copy's Payload has neither
    nouns = 0
    for doc in payload:
        if not isinstance(doc.tag, str) or split_qname(doc.tag)[0] not in (root_ns, env_ns):
            if (doc.tail or "").strip():
                return False  # left out of the copy with what it leaves out
            if isinstance(doc.tag, str):
                nouns += 1
                if nouns > 1 or not _small(doc):
                    return False
        elif renamed and next(doc.iter(f"{{{root_ns}}}*"), None) is not None:
            return False
    return True


def _small(doc: etree._Element) -> bool:
    """One noun of at most 16 fields of at most 4 each (one event, say). libxml2 walks a skipped
    document node by node: measured, past one or two events the copy is the cheaper check."""
    if len(doc) > 1:
        return False
    for noun in doc:
        if len(noun) > 16:
            return False
        for part in noun:
            if len(part) > 4:
                return False
    return True


MAX_WRAPPER_SCHEMAS = 64
_wrapper_schemas: dict[tuple[str, str, str], etree.XMLSchema | None] = {}


def _wrapper_schema(wrapper_ns: str, element: str, kind: str, envelope_xsd: str) -> etree.XMLSchema | None:
    """The profile wrapper element as its wrapper XSD types it: the parts of the Message.xsd message
    of the same kind, in the wrapper namespace, each of its Message.xsd type."""
    xsd = etree.parse(envelope_xsd, etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    env_ns = xsd.get("targetNamespace")
    parts = xsd.find(f"{{{XS}}}complexType[@name='{kind}Type']/{{{XS}}}sequence")
    if parts is None:
        return None
    schema = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS, "m": env_ns}, targetNamespace=wrapper_ns,
                           elementFormDefault="qualified")
    etree.SubElement(schema, f"{{{XS}}}import", namespace=env_ns, schemaLocation=Path(envelope_xsd).as_uri())
    root = etree.SubElement(schema, f"{{{XS}}}element", name=element)
    sequence = etree.SubElement(etree.SubElement(root, f"{{{XS}}}complexType"), f"{{{XS}}}sequence")
    for part in parts.iterchildren(f"{{{XS}}}element"):
        attrs = {k: v for k, v in part.attrib.items() if k in ("name", "minOccurs", "maxOccurs")}
        etree.SubElement(sequence, f"{{{XS}}}element", type="m:" + part.get("type").split(":")[-1], **attrs)
    return etree.XMLSchema(schema)


def _renamed(el: etree._Element, own: set, env_ns: str) -> etree._Element:
    dup = copy.deepcopy(el)
    for ns in own:
        if ns != env_ns:
            for node in dup.iter(f"{{{ns}}}*"):  # lxml picks the nodes of that namespace
                node.tag = f"{{{env_ns}}}{node.tag[len(ns) + 2:]}"
    return dup


def _documents(msg: etree._Element, own: set) -> list[tuple[str, etree._Element]]:
    """(where, element) of every noun document: Payload children, Operation payloads, Request queries."""
    docs = []
    for part in msg:
        if not isinstance(part.tag, str) or split_qname(part.tag)[0] not in own:
            continue
        local = split_qname(part.tag)[1]
        if local not in ("Payload", "Request"):
            continue
        for child in part:
            if not isinstance(child.tag, str):
                continue
            ns, clocal = split_qname(child.tag)
            if ns not in own:
                docs.append((local, child))
            elif clocal == "OperationSet":
                for op in child:
                    for doc in op if isinstance(op.tag, str) else ():
                        if isinstance(doc.tag, str) and split_qname(doc.tag)[0] not in own:
                            docs.append(("Operation", doc))
    return docs


def validate_element(
    msg: etree._Element, *, schema_dirs: Iterable[Path | str] = ()
) -> ValidationResult:
    """Validate an unwrapped message element; raise ``IecError`` on the first problem."""
    env_ns = envelope_namespace(msg)
    root_ns, root_local = split_qname(msg.tag)
    if env_ns not in ENVELOPE_PROFILES:
        raise _unsupported_envelope(msg, env_ns)
    profile = ENVELOPE_PROFILES[env_ns]
    if root_ns != env_ns and not wrapper_noun(root_ns):
        raise IecError(errors.UNSUPPORTED_NAMESPACE, f"message element namespace {root_ns!r} is not a profile namespace",
                       line=msg.sourceline, element=root_local)
    kind = message_kind(msg)
    # Checking the envelope in place spares the re-rooted copy (a sixth of a one-event parse).
    schema = _in_place_schema(msg, env_ns, profile, kind)
    if schema is not None:
        if not schema.validate(msg):
            raise _schema_error(schema, errors.ENVELOPE_INVALID, "envelope")
    else:
        schema = compiled_schema(str(ENVELOPE_SCHEMAS[profile]))
        if not schema.validate(_envelope_copy(msg, env_ns, kind)):
            raise _schema_error(schema, errors.ENVELOPE_INVALID, "envelope")
    result = ValidationResult(profile, kind)
    reg = registry(tuple(str(d) for d in schema_dirs))
    own = {root_ns, env_ns}
    wnoun = wrapper_noun(root_ns)
    for where, doc in _documents(msg, own):
        ns, noun = split_qname(doc.tag)
        if where == "Payload" and wnoun and _known_noun(wnoun, reg):
            allowed = {wnoun} | WRAPPER_PAYLOADS.get(wnoun, frozenset())
            if noun not in allowed:
                raise IecError(errors.NOUN_MISMATCH, f"{root_local} carries {noun}; its payload must be {' or '.join(sorted(allowed))}",
                               line=doc.sourceline, element=f"Payload/{noun}")
        candidates = [s for s in reg.candidates(ns, profile) if noun in s.elements]
        if not candidates:
            if where == "Request" and not _known_noun(noun, reg):
                # Request admits any foreign element with lax processing, as Message.xsd says.
                result.documents.append((noun, "not validated (lax)"))
                continue
            if noun in SCHEMALESS_NOUNS and ns == f"http://iec.ch/TC57/2011/{noun}#":
                result.documents.append((noun, "no schema"))
                continue
            raise IecError(errors.UNSUPPORTED_NOUN, f"no profile for payload {noun} in namespace {ns!r}",
                           line=doc.sourceline, element=f"{where}/{noun}")
        first_error = None
        for cand in candidates:
            s = compiled_schema(str(cand.path))
            if s.validate(doc):
                result.documents.append((noun, cand.label))
                break
            first_error = first_error or _schema_error(s, errors.PAYLOAD_INVALID, f"{noun} payload")
        else:
            raise first_error
    return result


def _unsupported_envelope(msg: etree._Element, env_ns: str | None) -> IecError:
    root_local = split_qname(msg.tag)[1]
    if env_ns is None:
        first = next((split_qname(c.tag)[1] for c in msg if isinstance(c.tag, str)), None)
        text = f"no IEC 61968-100 Header or Reply (first child: {first or 'none'})"
    else:
        text = f"envelope namespace {env_ns} is not supported (expected {MSG_2011} or {MSG_EPRI})"
    return IecError(errors.UNSUPPORTED_NAMESPACE, text, line=msg.sourceline, element=root_local)


def _known_noun(noun: str, reg: SchemaRegistry) -> bool:
    if noun in SCHEMALESS_NOUNS or noun in WRAPPER_PAYLOADS:
        return True
    return any(noun in s.elements for schemas in reg.by_namespace.values() for s in schemas)


def validate_message(
    data: bytes | etree._Element | Message,
    *,
    schema_dirs: Iterable[Path | str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ValidationResult:
    """Validate a message (bytes, parsed element, or model); raise ``IecError`` if it is not valid."""
    if isinstance(data, Message):
        el = message_to_element(data, soap=False)
    elif isinstance(data, etree._Element):
        el = unwrap_soap(data)[0]
    else:
        el = unwrap_soap(parse_xml(data, max_bytes=max_bytes, max_depth=max_depth))[0]
    return validate_element(el, schema_dirs=schema_dirs)
