"""``parse_message``: untrusted bytes to a validated ``Message``, or one ``IecError``."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from orchestrator.iec.codec import element_to_message, unwrap_soap
from orchestrator.iec.envelope import Message
from orchestrator.iec.safe_xml import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_xml
from orchestrator.iec.validation import validate_element


def parse_message(
    data: bytes,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    schema_dirs: Iterable[Path | str] = (),
) -> Message:
    """Parse (safely), unwrap SOAP, validate (envelope then payloads) and build the model."""
    root = parse_xml(data, max_bytes=max_bytes, max_depth=max_depth)
    msg, soap, soap_header = unwrap_soap(root)
    if validate:
        validate_element(msg, schema_dirs=schema_dirs)
    return element_to_message(msg, soap=soap, soap_header=soap_header)
