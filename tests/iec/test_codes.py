"""Code registry and per-vendor code maps."""
from __future__ import annotations

import pytest

from orchestrator.iec import CanonicalEvent, CodeMap, available_code_maps, default_registry
from orchestrator.iec.codes import split_code


def test_lists_are_loaded_and_lookup_resolves_device_type_wildcard():
    reg = default_registry()
    row = reg.lookup("3.26.0.85")
    assert row is not None and row.code == "*.26.0.85" and row.name == "Power/NA/Failed"
    assert reg.lookup("2.31.0.18", kind="control").name == "RCDSwitch/NA/Connect"
    assert reg.lookup("9.99.99.999") is None
    assert reg.lookup("1a7") is None


def test_lookup_by_name_and_alias():
    reg = default_registry()
    assert [r.code for r in reg.by_name("PowerFail")] == ["*.26.0.85"]
    assert {r.code for r in reg.by_name("RCDSwitch/NA/Connect", kind="control")} == {"*.31.0.18"}
    assert reg.by_name("no such thing") == []


def test_describe_uses_component_lists_for_unlisted_combinations():
    assert default_registry().describe("3.26.0.85") == "ElectricMeter/Power/NA/Failed"
    assert default_registry().describe("*.15.0.54").startswith("any/LoadControl/")
    with pytest.raises(ValueError):
        split_code("1.2")


def test_shipped_maps():
    assert {"standard", "connexo", "mesh-ami"} <= set(available_code_maps())


@pytest.mark.parametrize(
    "vendor,code,meaning",
    [
        ("standard", "3.26.0.85", CanonicalEvent.POWER_OFF),
        ("standard", "3.26.0.216", CanonicalEvent.POWER_RESTORED),
        ("standard", "16.15.43.81", CanonicalEvent.DR_OPT_OUT),
        ("standard", "2.31.0.42", CanonicalEvent.CONNECTED),
        ("connexo", "10.26.80.59", CanonicalEvent.LAST_GASP),
        ("mesh-ami", "8.26.0.85", CanonicalEvent.LAST_GASP),
        ("mesh-ami", "8.26.38.85", CanonicalEvent.POWER_OFF),
        ("mesh-ami", "3.26.0.85", CanonicalEvent.POWER_OFF),
    ],
)
def test_vendor_codes_map_to_canonical_meanings(vendor, code, meaning):
    assert CodeMap.load(vendor).meaning(code) is meaning


def test_two_vendors_report_last_gasp_with_different_codes():
    connexo, mesh = CodeMap.load("connexo"), CodeMap.load("mesh-ami")
    assert connexo.meaning("10.26.80.59") is mesh.meaning("8.26.0.85") is CanonicalEvent.LAST_GASP
    assert mesh.meaning("10.26.80.59") is CanonicalEvent.UNKNOWN


def test_names_are_mapped_when_no_code_matches():
    assert CodeMap.load("connexo").meaning(None, name="PowerManagementLastGasp") is CanonicalEvent.LAST_GASP
    assert CodeMap.load("mesh-ami").meaning("?", name="lastgasp") is CanonicalEvent.LAST_GASP


def test_unknown_codes_are_kept_and_counted():
    m = CodeMap.load("standard")
    assert m.meaning("1a7") is CanonicalEvent.UNKNOWN
    assert m.meaning("1a7") is CanonicalEvent.UNKNOWN
    assert m.meaning("3.99.0.1") is CanonicalEvent.UNKNOWN
    assert m.unknown["event:1a7:"] == 2 and sum(m.unknown.values()) == 3


def test_code_for_fills_in_device_type():
    m = CodeMap.load("standard")
    assert m.code_for(CanonicalEvent.LOAD_CONTROL_START, 16) == "16.15.0.54"
    assert m.code_for(CanonicalEvent.DISCONNECT, 3) == "3.31.0.23"
    with pytest.raises(KeyError):
        m.code_for(CanonicalEvent.POWER_OFF, 3)


def test_every_standard_code_is_in_the_lists():
    reg = default_registry()
    m = CodeMap.load("standard")
    for kind, patterns in m._patterns.items():
        for pattern, _ in patterns:
            code = ".".join("3" if p == "*" else p for p in pattern)
            if kind == "control" and pattern[0] == "2":
                continue  # DER setpoint convention, see standard.yaml
            assert reg.lookup(code, kind=kind) is not None, (kind, code)


def test_custom_map_file(tmp_path):
    (tmp_path / "standard.yaml").write_text((CodeMap.load.__globals__["VENDORS"] / "standard.yaml").read_text())
    (tmp_path / "acme.yaml").write_text("name: acme\nextends: standard\nevents:\n  POWER_OFF: ['7.1.2.3']\n")
    m = CodeMap.load(tmp_path / "acme.yaml")
    assert m.meaning("7.1.2.3") is CanonicalEvent.POWER_OFF and m.meaning("3.26.0.216") is CanonicalEvent.POWER_RESTORED
    (tmp_path / "bad.yaml").write_text("events:\n  NOT_A_MEANING: ['1.2.3.4']\n")
    with pytest.raises(KeyError):
        CodeMap.load(tmp_path / "bad.yaml")
