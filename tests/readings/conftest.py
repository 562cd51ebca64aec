"""Shares the master-data helpers' engine clean-up; points logging back at stderr after CLI runs."""
import pytest

from tests.masterdata.conftest import _dispose_engines  # noqa: F401


@pytest.fixture(autouse=True)
def _logging_back_to_stderr():
    """The CLI points logging at the runner's stream, closed afterwards: point it back."""
    yield
    import logging
    import sys

    import structlog

    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.__stderr__))
    logging.basicConfig(stream=sys.__stderr__, force=True)
