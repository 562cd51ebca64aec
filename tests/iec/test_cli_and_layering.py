"""The ``orchestrator iec`` commands, and the rule that the wire layer stands alone."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from lxml import etree
from typer.testing import CliRunner

from orchestrator.iec import semantic_diff
from orchestrator.iec.cli import app
from orchestrator.iec.codec import unwrap_soap
from tests.iec.conftest import SHARED_IEC

runner = CliRunner()
SAMPLES = SHARED_IEC / "samples"


def test_validate_one_line_per_file_and_exit_code():
    ok = [str(SAMPLES / "dergcd-1a.xml"), str(SAMPLES / "MeterConnect_MDMS-4__Request_1.xml")]
    res = runner.invoke(app, ["validate", *ok])
    assert res.exit_code == 0, res.output
    assert len(res.output.strip().splitlines()) == 2 and all(": OK" in line for line in res.output.splitlines())
    res = runner.invoke(app, ["validate", ok[0], str(SAMPLES / "MeterConnect_MDMS-5__Fail.xml")])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 1 and len(lines) == 2
    assert "[1.3]" in lines[1] and "line 8" in lines[1] and "Context" in lines[1]


def test_validate_with_vendor_schemas():
    f = str(SAMPLES / "GetUsagePointReadingsResponse.xml")
    res = runner.invoke(app, ["validate", f, "--schemas", str(SHARED_IEC / "xsd/connexo/meterreadings/xsd")])
    assert res.exit_code == 1 and "ReadingQualityType" in res.output


def test_validate_missing_file():
    res = runner.invoke(app, ["validate", "/no/such/file.xml"])
    assert res.exit_code == 1 and "cannot read" in res.output


def test_roundtrip_writes_equal_xml():
    f = SAMPLES / "derg-3.xml"
    res = runner.invoke(app, ["roundtrip", str(f)])
    assert res.exit_code == 0, res.output
    out = etree.fromstring(res.stdout_bytes.strip())
    assert semantic_diff(unwrap_soap(etree.parse(str(f)).getroot())[0], unwrap_soap(out)[0]) is None


def test_roundtrip_of_invalid_message_fails():
    res = runner.invoke(app, ["roundtrip", str(SAMPLES / "MeterConnect_MDMS-3__Fail.xml")])
    assert res.exit_code == 1 and "Timestamp" in res.output


def test_convert_xml_json_xml(tmp_path: Path):
    f = SAMPLES / "ExecuteDERGroupDispatches-sui__DERGD-1B.xml"
    res = runner.invoke(app, ["convert", str(f), "--to", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["Header"]["Verb"] == "create" and doc["Payload"]["documents"][0]["noun"] == "DERGroupDispatches"
    j = tmp_path / "m.json"
    j.write_text(res.stdout)
    back = runner.invoke(app, ["convert", str(j), "--to", "xml"])
    assert back.exit_code == 0, back.output
    out = etree.fromstring(back.stdout_bytes)
    assert semantic_diff(unwrap_soap(etree.parse(str(f)).getroot())[0], unwrap_soap(out)[0]) is None


def test_convert_rejects_bad_target_and_bad_json(tmp_path: Path):
    assert runner.invoke(app, ["convert", str(SAMPLES / "derg-3.xml"), "--to", "yaml"]).exit_code == 2
    j = tmp_path / "bad.json"
    j.write_text('{"kind": "nonsense"}')
    res = runner.invoke(app, ["convert", str(j), "--to", "xml"])
    assert res.exit_code == 1 and "not a valid message JSON" in res.output


def test_wire_layer_imports_nothing_else_from_the_orchestrator():
    pkg = Path(__file__).resolve().parents[2] / "orchestrator" / "iec"
    offenders = []
    for path in pkg.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [(path.name, n) for n in names
                          if n.startswith("orchestrator") and not n.startswith("orchestrator.iec")]
    assert offenders == []


def test_no_tests_only_file_is_shipped():
    readme = (SHARED_IEC / "README.md").read_text(encoding="utf-8")
    tests_only = [line.strip()[3:-1] for line in readme.split("## Files for tests only", 1)[1].splitlines()
                  if line.strip().startswith("- `")]
    assert tests_only
    pkg = Path(__file__).resolve().parents[2] / "orchestrator" / "iec"
    shipped = {p.read_bytes() for p in pkg.rglob("*") if p.is_file() and p.suffix in (".xsd", ".wsdl", ".xml")}
    for rel in tests_only:
        assert (SHARED_IEC / rel).read_bytes() not in shipped, rel
    assert not any("honeywell" in p.read_text(errors="ignore").lower() for p in pkg.rglob("*.xsd"))
