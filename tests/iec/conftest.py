"""IEC test fixtures: the shared reference data and the per-sample expectations of SOURCES.md.

The expectations are read from the "Sample -> XSD validation" table of
../shared/iec/SOURCES.md, so the tests follow the reference data rather than a
list kept here. Files of the tests-only list are read from ../shared/iec and
never copied.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_IEC = Path(os.environ.get("ORCHESTRATOR_SHARED_DIR", REPO_ROOT.parent / "shared")) / "iec"


@dataclass(frozen=True)
class SampleExpectation:
    name: str  # path relative to samples/
    full: str
    envelope: str
    payload: str

    @property
    def valid(self) -> bool:
        return self.full.startswith("yes")

    @property
    def envelope_valid(self) -> bool:
        return self.envelope.startswith("yes")

    @property
    def failing_element(self) -> str | None:
        """Local name of the element the reference validator blamed, when the table gives it whole."""
        for column in (self.envelope, self.payload, self.full):
            m = re.search(r"\(at (/[^)]*)\)", column)
            if m:
                last = m.group(1).rstrip("/").split("/")[-1]
                return re.sub(r"\[\d+\]$", "", last.split(":")[-1])
        return None

    @property
    def schema_dirs(self) -> tuple[Path, ...]:
        """Vendor schema folders the reference validation used (tests-only files, read in place)."""
        dirs = {m for m in re.findall(r"connexo/([a-z]+)/xsd/", self.full + " " + self.payload)}
        return tuple(SHARED_IEC / "xsd" / "connexo" / d / "xsd" for d in sorted(dirs))


def load_expectations(shared: Path = SHARED_IEC) -> list[SampleExpectation]:
    text = (shared / "SOURCES.md").read_text(encoding="utf-8")
    section = text.split("## Sample → XSD validation", 1)[1]
    rows = []
    for line in section.splitlines():
        m = re.match(r"^\| `([^`]+)` \| ([^|]*) \| (.*) \| (.*) \| (.*) \|\s*$", line)
        if m:
            rows.append(SampleExpectation(m.group(1), m.group(3).strip(), m.group(4).strip(), m.group(5).strip()))
    return rows


EXPECTATIONS = [e for e in load_expectations() if (SHARED_IEC / "samples" / e.name).is_file()] if SHARED_IEC.is_dir() else []


@pytest.fixture(scope="session")
def iec_dir() -> Path:
    if not SHARED_IEC.is_dir():
        pytest.fail(f"IEC reference data not found at {SHARED_IEC} (set ORCHESTRATOR_SHARED_DIR)")
    return SHARED_IEC


def sample_bytes(name: str) -> bytes:
    return (SHARED_IEC / "samples" / name).read_bytes()
