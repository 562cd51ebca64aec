"""Typed IEC 61968-100 envelope: Header, Request, Reply, Payload, and the Message around them.

Field names are the XML element names of Message.xsd, so the JSON form reads
like the standard. Payload documents are carried as ``PayloadElement``: the
exact XML of the noun document (nothing is dropped) plus, on demand, the typed
model generated from its XSD (``PayloadElement.to_object``). Elements the
envelope schema admits through ``xs:any`` are kept in ``extensions`` as XML.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from orchestrator.iec.namespaces import NamespaceProfile, split_qname

Verb = Literal[
    "cancel", "canceled", "change", "changed", "create", "created", "close", "closed",
    "delete", "deleted", "get", "reply", "execute", "executed",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MessageKind(str, Enum):
    """Message.xsd message types; decides which of Request/Reply/Payload may appear."""

    REQUEST = "RequestMessage"
    RESPONSE = "ResponseMessage"
    EVENT = "EventMessage"
    FAULT = "FaultMessage"


class ReplyResult(str, Enum):
    OK = "OK"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


class SoapVersion(str, Enum):
    SOAP11 = "1.1"
    SOAP12 = "1.2"


class Identifier(_Model):
    """An ``ID`` element (Request/ID, Reply/ID, Payload/ID, Error/ID, Error/relatedID)."""

    value: str
    idType: str | None = None
    idAuthority: str | None = None
    kind: Literal["name", "uuid", "transaction", "other"] | None = None
    objectType: str | None = None
_Identifier = Identifier


class User(_Model):
    UserID: str
    Organization: str | None = None
_User = User


class ReplayDetection(_Model):
    Nonce: str
    Created: datetime
_ReplayDetection = ReplayDetection


class MessageProperty(_Model):
    Name: str
    Value: str | None = None
_MessageProperty = MessageProperty


class Header(_Model):
    Verb: str
    Noun: str
    Revision: str | None = None
    ReplayDetection: _ReplayDetection | None = None
    Context: str | None = None
    Timestamp: datetime | None = None
    Source: str | None = None
    AsyncReplyFlag: bool | None = None
    ReplyAddress: str | None = None
    AckRequired: bool | None = None
    User: _User | None = None
    MessageID: str | None = None
    CorrelationID: str | None = None
    Comment: str | None = None
    Property: list[_MessageProperty] = Field(default_factory=list)
    extensions: list[str] = Field(default_factory=list, description="xs:any elements, as XML")
_Header = Header


class Option(_Model):
    name: str
    value: str | None = None
_Option = Option


class PayloadElement(_Model):
    """One noun document (``EndDeviceControls``, ``DERGroups``, ``GetMeterReadings``, ...).

    ``xml`` is the element exactly as received (or as built); it is what gets
    serialised, so unknown elements and attributes survive a round trip.
    """

    noun: str
    namespace: str | None
    xml: str

    @property
    def qname(self) -> str:
        return f"{{{self.namespace}}}{self.noun}" if self.namespace else self.noun

    def element(self):
        """The payload as a (safely re-parsed) lxml element."""
        from orchestrator.iec.safe_xml import parse_xml

        return parse_xml(self.xml.encode("utf-8"), max_bytes=1 << 31, max_depth=256)

    def to_object(self) -> Any:
        """The typed (generated) pydantic model of this payload."""
        from orchestrator.iec.payloads import payload_to_object

        return payload_to_object(self)

    @classmethod
    def from_element(cls, element) -> "PayloadElement":
        from lxml import etree

        ns, local = split_qname(element.tag)
        return cls(noun=local, namespace=ns, xml=etree.tostring(element, encoding="unicode", with_tail=False))

    @classmethod
    def from_object(cls, obj: Any) -> "PayloadElement":
        """Wrap a generated payload model (e.g. ``generated.end_device_controls.EndDeviceControls``)."""
        from orchestrator.iec.payloads import object_to_payload

        return object_to_payload(obj)


class Request(_Model):
    StartTime: datetime | None = None
    EndTime: datetime | None = None
    Option: list[_Option] = Field(default_factory=list)
    ID: list[_Identifier] = Field(default_factory=list)
    extensions: list[PayloadElement] = Field(default_factory=list, description="query documents, e.g. GetMeterReadings")
_Request = Request


class ErrorLocation(_Model):
    node: str | None = None
    pipeline: str | None = None
    stage: str | None = None
_ErrorLocation = ErrorLocation


class Error(_Model):
    code: str
    level: Literal["INFORM", "WARNING", "FATAL", "CATASTROPHIC"] | None = None
    reason: str | None = None
    details: str | None = None
    xpath: str | None = None
    stackTrace: str | None = None
    Location: _ErrorLocation | None = None
    ID: _Identifier | None = None
    relatedID: _Identifier | None = None
    object: str | None = Field(default=None, description="deprecated Error/object, as XML")
    operationId: int | None = None
_Error = Error


class Reply(_Model):
    Result: ReplyResult
    Error: list[_Error] = Field(default_factory=list)
    ID: list[_Identifier] = Field(default_factory=list)
    extensions: list[str] = Field(default_factory=list)
    operationId: int | None = None
_Reply = Reply


class Operation(_Model):
    operationId: int
    noun: str | None = None
    verb: str | None = None
    elementOperation: bool | None = None
    payload: PayloadElement | None = None
_Operation = Operation


class OperationSet(_Model):
    enforceMsgSequence: bool | None = None
    enforceTransactionalIntegrity: bool | None = None
    Operation: list[_Operation] = Field(default_factory=list)
_OperationSet = OperationSet


class Payload(_Model):
    documents: list[PayloadElement] = Field(default_factory=list)
    OperationSet: _OperationSet | None = None
    Compressed: str | None = None
    ID: list[_Identifier] = Field(default_factory=list)
    Format: str | None = None
_Payload = Payload


class Message(_Model):
    """A whole IEC 61968-100 message as received or to be sent.

    ``root`` is the qualified name of the message element (a profile wrapper
    such as ``{http://iec.ch/TC57/2017/EndDeviceControlsMessage}CreateEndDeviceControls``
    or a generic ``{...schema/message}RequestMessage``); ``soap`` says whether
    it travelled in a SOAP body.
    """

    kind: MessageKind
    namespace_profile: NamespaceProfile = NamespaceProfile.IEC_2011
    root: str | None = None
    root_attributes: dict[str, str] = Field(default_factory=dict)
    soap: SoapVersion | None = None
    soap_header: list[str] = Field(default_factory=list)
    Header: _Header | None = None
    Request: _Request | None = None
    Reply: _Reply | None = None
    Payload: _Payload | None = None

    @property
    def verb(self) -> str | None:
        return self.Header.Verb if self.Header else None

    @property
    def noun(self) -> str | None:
        """The noun of the payload document if there is one, else Header/Noun."""
        docs = self.payload_documents()
        if docs:
            return docs[0].noun
        return self.Header.Noun if self.Header else None

    def payload_documents(self) -> list[PayloadElement]:
        """Every noun document: Payload children, OperationSet operations and Request queries."""
        out: list[PayloadElement] = []
        if self.Payload:
            out.extend(self.Payload.documents)
            if self.Payload.OperationSet:
                out.extend(op.payload for op in self.Payload.OperationSet.Operation if op.payload)
        if self.Request:
            out.extend(self.Request.extensions)
        return out
