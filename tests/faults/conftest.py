"""Private services for fault injection: these tests stop and start them, so they never share the
session's broker or cluster with other tests."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import _start, svc


@dataclass
class Restartable:
    """A service in its own directory that a test may stop and start again (same port, same data)."""

    name: str
    directory: Path
    env: dict[str, str]

    def stop(self) -> None:
        svc.stop(self.name, self.directory)

    def start(self) -> None:
        self.env = svc.start(self.name, self.directory).env


@pytest.fixture
def private_kafka(tmp_path_factory):
    directory = tmp_path_factory.mktemp("private-kafka")
    service = Restartable("kafka", directory, _start("kafka", directory).env)
    yield service
    service.stop()


@pytest.fixture
def private_postgres(tmp_path_factory):
    directory = tmp_path_factory.mktemp("private-postgres")
    service = Restartable("postgres", directory, _start("postgres", directory).env)
    yield service
    service.stop()


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in (("private_kafka", "kafka"), ("private_postgres", "postgres")):
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, marker))
