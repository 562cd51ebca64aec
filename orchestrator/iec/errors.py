"""IEC 61968-100 reply error codes and the one exception the wire layer raises.

IEC 61968-100 reports problems in ``Reply/Error`` with a ``code`` of the form
``<category>.<detail>`` and a ``level``. The categories follow the standard's
grouping (0 success, 1 header, 2 request, 3 payload, 4 security, 5 service,
6 application/business rule, 99 other); the codes seen from real head-ends are
``0.0`` (OK), ``6.1`` (request cancelled per business rule) and ``99.1``.
The detail numbers below are the ones this orchestrator emits, kept in one
table so a head-end integrator can be given a stable list.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorLevel(str, Enum):
    """``Reply/Error/level`` enumeration of Message.xsd."""

    INFORM = "INFORM"
    WARNING = "WARNING"
    FATAL = "FATAL"
    CATASTROPHIC = "CATASTROPHIC"


@dataclass(frozen=True)
class ErrorCode:
    code: str
    reason: str
    level: ErrorLevel = ErrorLevel.FATAL


OK = ErrorCode("0.0", "OK", ErrorLevel.INFORM)
PARTIAL_RESULT = ErrorCode("0.1", "Partial result", ErrorLevel.WARNING)
ACKNOWLEDGED = ErrorCode("0.3", "Simple acknowledgement", ErrorLevel.INFORM)

MALFORMED_XML = ErrorCode("1.1", "Message is not well-formed XML")
UNSUPPORTED_NAMESPACE = ErrorCode("1.2", "Unsupported or missing message envelope namespace")
ENVELOPE_INVALID = ErrorCode("1.3", "Message envelope does not conform to Message.xsd")
BAD_VERB = ErrorCode("1.4", "Bad or missing Header/Verb")
BAD_NOUN = ErrorCode("1.5", "Bad or missing Header/Noun")
FORBIDDEN_CONSTRUCT = ErrorCode("1.6", "Forbidden XML construct (DTD, entity or processing hazard)")

REQUEST_INVALID = ErrorCode("2.1", "Bad request parameters")

PAYLOAD_INVALID = ErrorCode("3.1", "Payload does not conform to its profile")
UNSUPPORTED_NOUN = ErrorCode("3.2", "Unsupported payload noun")
NOUN_MISMATCH = ErrorCode("3.3", "Payload noun not allowed for this message")
PAYLOAD_MISSING = ErrorCode("3.4", "Payload required but missing")
COMPRESSED_PAYLOAD = ErrorCode("3.5", "Compressed payload could not be decoded")

TOO_LARGE = ErrorCode("5.1", "Message exceeds the size limit")
TOO_DEEP = ErrorCode("5.2", "Message exceeds the nesting depth limit")

BUSINESS_RULE = ErrorCode("6.1", "Request cancelled per business rule")
OBJECT_NOT_FOUND = ErrorCode("6.2", "Referenced object does not exist")
ITEM_FAILED = ErrorCode("6.3", "Item could not be processed")

OTHER = ErrorCode("99.1", "Other error")

#: Every code this package emits, by code string.
ERROR_CODES: dict[str, ErrorCode] = {
    c.code: c
    for c in (
        OK, PARTIAL_RESULT, ACKNOWLEDGED, MALFORMED_XML, UNSUPPORTED_NAMESPACE, ENVELOPE_INVALID,
        BAD_VERB, BAD_NOUN, FORBIDDEN_CONSTRUCT, REQUEST_INVALID, PAYLOAD_INVALID, UNSUPPORTED_NOUN,
        NOUN_MISMATCH, PAYLOAD_MISSING, COMPRESSED_PAYLOAD, TOO_LARGE, TOO_DEEP, BUSINESS_RULE,
        OBJECT_NOT_FOUND, ITEM_FAILED, OTHER,
    )
}


class IecError(Exception):
    """A message that cannot be accepted, with what a Reply FAILED needs to say why.

    ``code``/``level`` go into ``Reply/Error``; ``text`` is one line naming the
    line number and element where known; ``line`` and ``element`` are kept apart
    for callers that build dead-letter records.
    """

    def __init__(
        self,
        error: ErrorCode,
        text: str,
        *,
        line: int | None = None,
        element: str | None = None,
        level: ErrorLevel | None = None,
    ) -> None:
        self.error = error
        self.code = error.code
        self.level = level or error.level
        self.line = line
        self.element = element
        where = []
        if line:
            where.append(f"line {line}")
        if element:
            where.append(element)
        prefix = f"{', '.join(where)}: " if where else ""
        self.text = " ".join(f"{prefix}{text}".split())
        super().__init__(f"[{self.code}] {self.text}")

    @property
    def reason(self) -> str:
        return self.error.reason
