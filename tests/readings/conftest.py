"""Shares the master-data helpers' engine clean-up."""
from tests.masterdata.conftest import _dispose_engines  # noqa: F401
