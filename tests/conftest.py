"""Shared fixtures: where the IEC reference data lives, and the real services (see tests/services.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# The read-only reference data (XSDs, code lists, samples) sits beside the clone as ../shared.
SHARED_DIR = Path(os.environ.get("ORCHESTRATOR_SHARED_DIR", REPO_ROOT.parent / "shared"))
SHARED_IEC = SHARED_DIR / "iec"


@pytest.fixture(scope="session")
def shared_iec() -> Path:
    if not SHARED_IEC.is_dir():
        pytest.fail(f"IEC reference data not found at {SHARED_IEC} (set ORCHESTRATOR_SHARED_DIR)")
    return SHARED_IEC
