"""Every reference sample: valid ones validate and round-trip; invalid ones fail precisely."""
from __future__ import annotations

import pytest
from lxml import etree

from orchestrator.iec import IecError, Message, parse_message, semantic_diff, to_xml, validate_message
from orchestrator.iec.codec import unwrap_soap
from orchestrator.iec.safe_xml import parse_xml
from tests.iec.conftest import EXPECTATIONS, sample_bytes

VALID = [e for e in EXPECTATIONS if e.valid]
INVALID = [e for e in EXPECTATIONS if not e.valid]


def _ids(rows):
    return [r.name for r in rows]


def test_expectation_table_covers_every_sample(iec_dir):
    files = {str(p.relative_to(iec_dir / "samples")) for p in (iec_dir / "samples").rglob("*.xml")}
    assert files == {e.name for e in EXPECTATIONS}
    assert len(VALID) >= 90 and len(INVALID) >= 30


def _root(data: bytes) -> etree._Element:
    return unwrap_soap(parse_xml(data))[0]


@pytest.mark.parametrize("exp", VALID, ids=_ids(VALID))
def test_valid_sample_validates_and_round_trips(exp):
    data = sample_bytes(exp.name)
    validate_message(data, schema_dirs=exp.schema_dirs)
    message = parse_message(data, schema_dirs=exp.schema_dirs)
    out = to_xml(message)
    validate_message(out, schema_dirs=exp.schema_dirs)
    assert semantic_diff(_root(data), _root(out)) is None
    # the JSON form carries the same message
    again = Message.model_validate_json(message.model_dump_json())
    assert again == message
    assert semantic_diff(_root(to_xml(again)), _root(data)) is None


@pytest.mark.parametrize("exp", INVALID, ids=_ids(INVALID))
def test_invalid_sample_gets_precise_error(exp):
    data = sample_bytes(exp.name)
    with pytest.raises(IecError) as info:
        validate_message(data, schema_dirs=exp.schema_dirs)
    err = info.value
    assert err.text and "\n" not in err.text
    if not exp.envelope_valid:
        assert err.code.startswith("1."), err
    else:
        assert err.code.startswith("3."), err
    if err.code == "1.2":  # no supported envelope: the reference could not locate an element either
        assert "namespace" in err.text or "Header" in err.text
    elif exp.failing_element:
        assert exp.failing_element in err.text, (exp.failing_element, err.text)
    if err.code in ("1.3", "3.1"):
        assert err.line, err
    with pytest.raises(IecError) as again:
        parse_message(data, schema_dirs=exp.schema_dirs)
    assert again.value.code == err.code


def test_sample_namespace_profiles_are_recorded():
    epri = parse_message(sample_bytes("MeterConnect_MDMS-4__Request_1.xml"))
    assert epri.namespace_profile.value == "epri-draft"
    iec = parse_message(sample_bytes("dergcd-1a.xml"))
    assert iec.namespace_profile.value == "iec-2011"
    assert iec.soap is not None and iec.noun == "EndDeviceControls" and iec.verb == "create"


def test_package_schemas_alone_cover_every_non_vendor_valid_sample():
    for exp in VALID:
        if not exp.schema_dirs:
            validate_message(sample_bytes(exp.name))


def test_vendor_nouns_without_shipped_schema_are_accepted_by_name():
    result = validate_message(sample_bytes("ChangeMeterConfigRequestSync.xml"))
    assert result.documents == [("MeterConfig", "no schema")]
