"""The envelope checked in place gives the verdict the re-rooted copy gives, on every sample and on
envelopes broken in the ways a sender gets them wrong."""
from __future__ import annotations

import copy

import pytest
from lxml import etree

from orchestrator.iec import IecError, validation
from orchestrator.iec.codec import unwrap_soap
from orchestrator.iec.namespaces import split_qname
from orchestrator.iec.safe_xml import parse_xml
from tests.iec.conftest import EXPECTATIONS, sample_bytes


def _verdict(el: etree._Element, schema_dirs, monkeypatch, in_place: bool) -> str:
    with monkeypatch.context() as m:
        if not in_place:
            m.setattr(validation, "_in_place_schema", lambda *a: None)
        try:
            validation.validate_element(el, schema_dirs=schema_dirs)
        except IecError as exc:
            return exc.code
        return "ok"


def _broken(el: etree._Element) -> list[etree._Element]:
    """Copies of ``el`` with one envelope element dropped, given an attribute, a text tail or an
    extra child: every element of the Header, Request and Reply, and the Payload itself."""
    out = []
    parts = [c for c in el if isinstance(c.tag, str)]
    for i, part in enumerate(parts):
        nodes = [part] if split_qname(part.tag)[1] == "Payload" else [part, *part.iterdescendants()]
        for j in range(len(nodes)):
            for change in ("drop", "attribute", "tail", "child"):
                m = copy.deepcopy(el)
                mpart = [c for c in m if isinstance(c.tag, str)][i]
                node = ([mpart] if split_qname(mpart.tag)[1] == "Payload" else [mpart, *mpart.iterdescendants()])[j]
                if not isinstance(node.tag, str):
                    continue
                if change == "drop":
                    node.getparent().remove(node)
                elif change == "attribute":
                    node.set("junk", "1")
                elif change == "tail":
                    node.tail = "junk"
                else:
                    ns = node.tag.rsplit("}", 1)[0] + "}" if node.tag.startswith("{") else ""
                    etree.SubElement(node, f"{ns}Extra")
                out.append(m)
    return out


SAMPLES = [e for e in EXPECTATIONS if e.name.endswith(".xml")][::3]  # a third of them: seconds, not minutes


@pytest.mark.parametrize("exp", SAMPLES, ids=[e.name for e in SAMPLES])
def test_in_place_and_copy_agree(exp, monkeypatch):
    try:
        el = unwrap_soap(parse_xml(sample_bytes(exp.name)))[0]
    except IecError:
        pytest.skip("not well-formed: never reaches the envelope check")
    for case in [el, *_broken(el)]:
        assert _verdict(case, exp.schema_dirs, monkeypatch, True) == _verdict(case, exp.schema_dirs, monkeypatch, False)


def test_our_own_messages_take_the_in_place_path():
    from datetime import datetime, timezone

    from orchestrator.iec import EndDeviceEvent, build_end_device_events
    from orchestrator.iec.codec import envelope_namespace, message_kind
    from orchestrator.iec.namespaces import ENVELOPE_PROFILES

    event = EndDeviceEvent(datetime(2026, 7, 1, tzinfo=timezone.utc), "3.26.0.85", endDeviceMRID="m-1")
    data = build_end_device_events([event], message_id="m", source="hes")
    el = parse_xml(data)
    env_ns = envelope_namespace(el)
    assert validation._in_place_schema(el, env_ns, ENVELOPE_PROFILES[env_ns], message_kind(el)) is not None
