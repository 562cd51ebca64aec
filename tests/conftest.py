"""Shared fixtures: where the IEC reference data lives, and the real services the tests use.

Kafka, PostgreSQL and Prometheus are started once per session by ``scripts/services/services.py``
on free loopback ports and stopped at the end. With CI=true a missing service fails the run;
elsewhere the tests that need it are skipped with a one-line reason.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# The read-only reference data (XSDs, code lists, samples) sits beside the clone as ../shared.
SHARED_DIR = Path(os.environ.get("ORCHESTRATOR_SHARED_DIR", REPO_ROOT.parent / "shared"))
SHARED_IEC = SHARED_DIR / "iec"

sys.path.insert(0, str(REPO_ROOT / "scripts" / "services"))
import services as svc  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def shared_iec() -> Path:
    if not SHARED_IEC.is_dir():
        pytest.fail(f"IEC reference data not found at {SHARED_IEC} (set ORCHESTRATOR_SHARED_DIR)")
    return SHARED_IEC


def _require(name: str) -> None:
    if svc.installed(name):
        return
    reason = f"{name} is not installed here (scripts/test installs it)"
    if IN_CI:
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def _start(name: str, directory: Path, **kw) -> svc.Started:
    _require(name)
    try:
        return svc.start(name, directory, **kw)
    except (svc.ServiceError, OSError) as exc:
        pytest.fail(f"{name} could not be started: {exc}")


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory) -> str:
    """A real Apache Kafka 4.x broker (KRaft) for the session: its bootstrap address."""
    directory = tmp_path_factory.mktemp("kafka")
    started = _start("kafka", directory)
    yield started.env["KAFKA_BOOTSTRAP"]
    svc.stop("kafka", directory)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory) -> str:
    """A private PostgreSQL cluster for the session: the SQLAlchemy URL of an empty database."""
    directory = tmp_path_factory.mktemp("postgres")
    started = _start("postgres", directory)
    yield started.env["POSTGRES_URL"]
    svc.stop("postgres", directory)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database per test on the session's cluster."""
    import asyncio
    import uuid

    import asyncpg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_server.replace("postgresql+asyncpg://", "postgresql://")

    async def create() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(autouse=True)
def _open_operator_api(monkeypatch):
    """The operator API and console require a token or login by default (``auth_required``).
    Tests that are not about access control run with it off, as before it existed; tests/auth and
    tests/console pass ``auth_required=True`` explicitly."""
    monkeypatch.setenv("ORCHESTRATOR_AUTH_REQUIRED", "false")
    monkeypatch.setenv("ORCHESTRATOR_API_RATE_PER_S", "0")  # nor a per-client rate limit


def pytest_collection_modifyitems(config, items):
    # Tests that need a service carry its marker, so `-m "not kafka"` works as expected.
    for item in items:
        for fixture, marker in (("kafka_bootstrap", "kafka"), ("postgres_server", "postgres"),
                                ("postgres_url", "postgres"), ("prometheus", "prometheus"),
                                ("browser", "browser")):
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, marker))
        # A long variant runs many times the bounded cases: the default 300 s per test is too short.
        if config.getoption("--long") and "long_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(3600))


@pytest.fixture
def prometheus(tmp_path_factory):
    """Factory: start a real Prometheus scraping the given host:port targets every second."""
    started: list[Path] = []

    def launch(targets: list[str]) -> str:
        directory = tmp_path_factory.mktemp("prometheus")
        env = _start("prometheus", directory, targets=targets).env
        started.append(directory)
        return env["PROMETHEUS_URL"]

    yield launch
    for directory in started:
        svc.stop("prometheus", directory)


@pytest.fixture
async def browser():
    """Debian's Chromium driven by Playwright's async API (its own browser download is not used).

    Async and per test: the sync API would leave an event loop running in the main thread and
    break every asyncio test after it.
    """
    _require("chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        await b.close()


def pytest_addoption(parser):
    # Fault, fuzz, schema and load tests run a bounded size; --long runs the larger variants.
    parser.addoption("--long", action="store_true", default=False,
                     help="run the long variants of the fault, fuzz, schema and load tests")


@pytest.fixture(scope="session")
def long_run(request) -> bool:
    """True with ``--long``: the fuzz, schema and load tests run their long variants."""
    return bool(request.config.getoption("--long"))
