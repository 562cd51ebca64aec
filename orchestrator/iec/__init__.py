"""IEC 61968-100 / 61968-9 / 61968-5 wire layer: typed messages, safe XML codec, validation, codes.

Imports nothing else from ``orchestrator``; everything the orchestrator sends or
receives passes through here.

Public API
----------
Messages (``envelope``, ``parsing``, ``codec``, ``validation``):

- ``parse_message(data, *, validate=True, max_bytes=16 MiB, max_depth=64, schema_dirs=()) -> Message``
  safe lxml parse (no DTD, no entities, no network, size/depth limits), SOAP 1.1/1.2
  unwrapping, both envelope namespaces (``Message.namespace_profile``), envelope then
  payload validation, typed Header/Request/Reply/Payload. Payload documents keep their XML
  (``PayloadElement.xml``); ``PayloadElement.to_object()`` gives the generated model.
- ``validate_message(data | element | Message, *, schema_dirs=()) -> ValidationResult``
- ``to_xml(message, *, soap=None, pretty=False) -> bytes``; JSON is pydantic's
  (``message.model_dump_json()`` / ``Message.model_validate_json(...)``).
- ``semantic_diff(a, b) -> str | None`` compares two trees ignoring prefixes/whitespace.

Hot paths:

- ``parse_end_device_events(data) -> list[EndDeviceEvent]`` (``parse_end_device_event_fields``: the same
  as dicts of the fields each event sets, for hot paths)
- ``build_end_device_events(events, *, message_id, verb="created", ...) -> bytes`` (head-end side, simulator)
- ``build_end_device_controls(controls: Iterable[EndDeviceControl], *, message_id, ...) -> bytes``
- ``parse_end_device_controls_reply(data) -> ControlReply`` (result, correlationID, per-item errors)

Replies: ``ok_reply(request)``, ``partial_reply(request, [ItemFailure])``,
``failed_reply(request, IecError | ErrorCode)`` -> ``Message`` (ResponseMessage,
CorrelationID = request MessageID); ``to_xml`` them.

Errors: every failure is an ``IecError`` with ``code`` (IEC 61968-100 style, table in
``errors``), ``level`` and a one-line ``text`` naming line/element where known.

Codes: ``default_registry()`` (``CodeRegistry.lookup(code)``, ``.by_name(name)``),
``code_map(vendor)`` -> ``CodeMap.meaning(code, name=...) -> CanonicalEvent`` with an
``unknown`` counter; vendor maps are YAML in ``vendors/``.
"""
from orchestrator.iec.codec import semantic_diff, to_xml
from orchestrator.iec.codes import (
    CanonicalEvent,
    CodeMap,
    CodeRegistry,
    EndDeviceCode,
    available_code_maps,
    code_map,
    default_registry,
)
from orchestrator.iec.end_device_controls import (
    ControlReply,
    DemandResponseSettings,
    EndDeviceControl,
    ItemError,
    build_end_device_controls,
    parse_end_device_controls_reply,
)
from orchestrator.iec.end_device_events import (
    EndDeviceEvent,
    build_end_device_events,
    parse_end_device_event_fields,
    parse_end_device_events,
)
from orchestrator.iec.envelope import (
    Header,
    Message,
    MessageKind,
    Payload,
    PayloadElement,
    Reply,
    ReplyResult,
    Request,
    SoapVersion,
)
from orchestrator.iec.errors import ErrorCode, ErrorLevel, IecError
from orchestrator.iec.namespaces import NamespaceProfile
from orchestrator.iec.parsing import parse_message
from orchestrator.iec.replies import ItemFailure, failed_reply, ok_reply, partial_reply
from orchestrator.iec.validation import ValidationResult, validate_message

__all__ = [
    "CanonicalEvent", "CodeMap", "CodeRegistry", "ControlReply", "DemandResponseSettings", "EndDeviceCode",
    "EndDeviceControl", "EndDeviceEvent", "ErrorCode", "ErrorLevel", "Header", "IecError", "ItemError",
    "ItemFailure", "Message", "MessageKind", "NamespaceProfile", "Payload", "PayloadElement", "Reply",
    "ReplyResult", "Request", "SoapVersion", "ValidationResult", "available_code_maps",
    "build_end_device_controls", "build_end_device_events", "code_map", "default_registry", "failed_reply", "ok_reply",
    "parse_end_device_controls_reply", "parse_end_device_event_fields", "parse_end_device_events", "parse_message",
    "partial_reply",
    "semantic_diff", "to_xml", "validate_message",
]
