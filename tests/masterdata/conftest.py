"""Engines the helpers opened are disposed after each test."""
from __future__ import annotations

import pytest

from tests.masterdata.helpers import ENGINES


@pytest.fixture(autouse=True)
async def _dispose_engines():
    yield
    while ENGINES:
        await ENGINES.pop().dispose()
