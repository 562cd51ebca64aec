"""Safe lxml parsing for messages from outside: no DTD, no entities, no network, bounded.

A head-end or a hostile peer can send a billion-laughs DTD, an external entity
pointing at a local file, a 50 MB body or 10,000 nested elements. Each is
refused with an ``IecError`` before or during parsing, never expanded.
"""
from __future__ import annotations

from functools import lru_cache

from lxml import etree

from orchestrator.iec import errors
from orchestrator.iec.errors import IecError

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
)


@lru_cache(maxsize=16)
def _deeper_than(depth: int) -> etree.XPath:
    # Evaluated in libxml2: true if any element sits deeper than `depth`.
    return etree.XPath("boolean(/" + "/".join(["*"] * (depth + 1)) + ")")


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH) -> etree._Element:
    """Parse untrusted bytes into an element tree or raise ``IecError``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("parse_xml expects bytes")
    if len(data) > max_bytes:
        raise IecError(errors.TOO_LARGE, f"message is {len(data)} bytes, the limit is {max_bytes}")
    if not data.strip():
        raise IecError(errors.MALFORMED_XML, "empty message")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise IecError(errors.FORBIDDEN_CONSTRUCT, "DOCTYPE/ENTITY declarations are not accepted")
    try:
        root = etree.fromstring(bytes(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        msg = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
        if "Excessive depth" in msg:
            raise IecError(errors.TOO_DEEP, f"nesting deeper than {max_depth} elements", line=line) from None
        raise IecError(errors.MALFORMED_XML, msg, line=line) from None
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise IecError(errors.MALFORMED_XML, str(exc)) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise IecError(errors.FORBIDDEN_CONSTRUCT, "DOCTYPE declarations are not accepted")
    if _deeper_than(max_depth)(root):
        raise IecError(errors.TOO_DEEP, f"nesting deeper than {max_depth} elements")
    return root
