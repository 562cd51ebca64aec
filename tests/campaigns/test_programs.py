"""Program definitions: the shipped files load, and a wrong file is refused with file, field and reason."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.core.programs import ProgramFileError, ProgramKind, load_program, load_programs

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


def test_every_shipped_program_loads_and_covers_the_required_kinds():
    programs = load_programs([PROGRAMS])
    assert {"ac-cycling", "critical-peak-pricing", "der-export-limit", "ev-managed-charging", "water-heater-shed",
            "remote-disconnect"} <= set(programs)
    assert {p.kind for p in programs.values()} == set(ProgramKind)
    ac = programs["ac-cycling"]
    assert ac.load_control.cycling_percent == 50 and ac.opt_out_allowed and ac.randomisation.start_minutes == 10
    assert [t.price for t in programs["critical-peak-pricing"].price.tiers] == [0.28, 0.55, 0.95]


def test_retry_delay_backs_off_and_stops_at_the_limit():
    ack = load_programs([PROGRAMS])["ac-cycling"].acknowledgement
    assert [ack.retry_delay(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(seconds=60), None]


def _write(tmp_path: Path, name: str, **changes) -> Path:
    data = yaml.safe_load((PROGRAMS / "ac-cycling.yaml").read_text())
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for p in parents:
            node = node[p]
        if value is None:
            node.pop(leaf)
        else:
            node[leaf] = value
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("changes,expected", [
    ({"controls__start": "16.15.0"}, "controls.start: '16.15.0' is not a 4-part EndDeviceControlType code"),
    ({"controls__start": "16.15.0.9999"}, "controls.start: '16.15.0.9999' is not an EndDeviceControlType in the"),
    ({"limits__max_duration_minutes": 0}, "limits.max_duration_minutes: Input should be greater than 0"),
    ({"limits__allowed_hours": {"start": "20:00", "end": "11:00"}}, "allowed hours end 11:00 must be after start 20:00"),
    ({"limits__allowed_hours": {"start": "11:00", "end": "20:00", "timezone": "Mars/Olympus"}},
     "unknown time zone 'Mars/Olympus'"),
    ({"limits__season": None}, "limits: max_events_per_season needs a season"),
    ({"kind": "price"}, "a price program needs a 'price' section"),
    ({"mandatory": True}, "a mandatory program cannot allow opt-out"),
    ({"device_kinds": ["toaster"]}, "device_kinds.0: Input should be 'meter'"),
    ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
    ({"id": "other"}, "id: 'other' does not match the file name 'ac-cycling'"),
])
def test_invalid_program_files_are_refused_with_the_field_and_reason(tmp_path, changes, expected):
    path = _write(tmp_path, "ac-cycling", **changes)
    with pytest.raises(ProgramFileError) as exc:
        load_program(path)
    assert expected in str(exc.value)
    assert str(exc.value).startswith(str(path))


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nname: [unclosed\n")
    with pytest.raises(ProgramFileError, match=r"bad.yaml: line 3: not valid YAML"):
        load_program(path)


def test_validate_command_accepts_the_shipped_programs():
    result = CliRunner().invoke(app, ["program", "validate", *map(str, sorted(PROGRAMS.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert "ok ac-cycling: load_control, start 16.15.0.54" in result.output


def test_validate_command_reports_every_bad_file_and_fails(tmp_path):
    a = _write(tmp_path, "ac-cycling", limits__min_notice_minutes=-5)
    b = tmp_path / "empty.yaml"
    b.write_text("")
    result = CliRunner().invoke(app, ["program", "validate", str(a), str(b)])
    assert result.exit_code == 1
    assert f"orchestrator: {a}: limits.min_notice_minutes: Input should be greater than or equal to 0" in result.output
    assert f"orchestrator: {b}: expected a mapping of program fields" in result.output
