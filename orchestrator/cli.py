"""The ``orchestrator`` command line: one entry point, a subcommand per job."""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer

from orchestrator import __version__
from orchestrator.logs import configure_logging
from orchestrator.settings import Settings, load_settings

app = typer.Typer(help="Demand-response and DER control orchestrator (IEC 61968-9 / 61968-100).",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
config_app = typer.Typer(help="Inspect the effective configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Catalogue database (SQLite or PostgreSQL) schema.", no_args_is_help=True)
deadletter_app = typer.Typer(help="Messages that could not be processed.", no_args_is_help=True)
import_app = typer.Typer(help="Bulk loads into the catalogue.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
app.add_typer(deadletter_app, name="deadletter")
from orchestrator.commands.headend import app as headend_app  # noqa: E402
app.add_typer(headend_app, name="headend")
from orchestrator.commands.simulate import app as simulate_app  # noqa: E402
app.add_typer(simulate_app, name="simulate")
from orchestrator.commands.program import app as program_app  # noqa: E402
app.add_typer(program_app, name="program")
from orchestrator.commands.event import app as event_app  # noqa: E402
app.add_typer(event_app, name="event")
from orchestrator.commands.readings import app as readings_app, masterdata_app  # noqa: E402
app.add_typer(readings_app, name="readings")
app.add_typer(masterdata_app, name="masterdata")
from orchestrator.commands.outage import app as outage_app, oms_app  # noqa: E402
app.add_typer(outage_app, name="outage")
from orchestrator.commands.rollup import app as rollup_app  # noqa: E402
app.add_typer(rollup_app, name="rollup")
app.add_typer(oms_app, name="oms")
from orchestrator.commands.token import app as token_app, audit_app, user_app  # noqa: E402
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")

try:  # the IEC wire layer has its own commands (validate, roundtrip, convert)
    from orchestrator.iec.cli import app as iec_app

    app.add_typer(iec_app, name="iec", help="Validate, round-trip and convert IEC 61968-100 messages.")
except ImportError:  # pragma: no cover - the package is always shipped with its iec layer
    pass


from orchestrator.commands.bench import bench as _bench  # noqa: E402  (top-level command)

app.command("bench")(_bench)


class _Options:
    config: Optional[Path] = None
    overrides: dict = {}


def fail(message: str, code: int = 2) -> None:
    """One clear line on stderr, no traceback."""
    typer.echo(f"orchestrator: {message}", err=True)
    raise typer.Exit(code)


def settings(**overrides) -> Settings:
    try:
        s = load_settings(_Options.config, **{**_Options.overrides, **overrides})
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc).splitlines()[0] if not hasattr(exc, "errors") else _pydantic_line(exc))
    configure_logging(s.log_level, s.log_format)
    return s


def with_catalogue(s: Settings, work):
    """``await work(sessions)`` against the migrated catalogue of ``s``; the engine is closed after."""
    from orchestrator.store.db import make_engine, sessionmaker, upgrade

    try:
        upgrade(s.catalogue_url)
    except Exception as exc:  # an unreachable or unreadable catalogue: one line, no traceback
        fail(f"catalogue {s.masked()['catalogue_url']}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")

    async def go():
        engine = make_engine(s.catalogue_url)
        try:
            return await work(sessionmaker(engine))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _pydantic_line(exc) -> str:
    err = exc.errors()[0]
    return f"invalid setting {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    config: Optional[Path] = typer.Option(None, "--config", "-c", envvar="ORCHESTRATOR_CONFIG",
                                          help="TOML settings file (flags and ORCHESTRATOR_* env override it)."),
    log_level: Optional[str] = typer.Option(None, "--log-level", help="debug, info, warning or error."),
    log_format: Optional[str] = typer.Option(None, "--log-format", help="json (default) or console."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    _Options.config = config
    _Options.overrides = {"log_level": log_level, "log_format": log_format}


@app.command()
def serve(
    runtime: Optional[str] = typer.Option(None, help="embedded (default) or kafka."),
    host: Optional[str] = typer.Option(None, help="HTTP bind address."),
    port: Optional[int] = typer.Option(None, help="HTTP port (0 picks a free one)."),
    data_dir: Optional[Path] = typer.Option(None, help="Directory for the embedded runtime's SQLite files."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
    kafka_bootstrap: Optional[str] = typer.Option(None, help="Kafka bootstrap servers (kafka runtime)."),
) -> None:
    """Run the API (and, on the embedded runtime, every processor) until Ctrl-C."""
    from orchestrator.service import serve_forever

    s = settings(runtime=runtime, http_host=host, http_port=port, data_dir=data_dir, database_url=database_url,
                 kafka_bootstrap=kafka_bootstrap)

    async def ready(running) -> None:
        typer.echo(f"orchestrator {__version__} ({s.runtime} runtime) listening on {running.url}", err=True)

    asyncio.run(serve_forever(s, on_ready=ready))


@app.command()
def demo(
    port: int = typer.Option(8080, help="HTTP port (0 picks a free one)."),
    data_dir: Optional[Path] = typer.Option(None, help="Keep the demo's state here (default: a temp dir)."),
    scenario: str = typer.Option("none", help="none (just run), or peak-day (a scripted, compressed peak day)."),
    headless: bool = typer.Option(False, "--headless", help="Run the scenario to its end, print a JSON summary "
                                                            "on stdout and exit (logs go to stderr)."),
    devices: int = typer.Option(10000, min=10, max=1_000_000, help="Meters in the simulated fleet."),
    seed: int = typer.Option(1, help="Seed of the fleet and the simulator: the same seed, the same run."),
) -> None:
    """Run the whole job on the embedded runtime with a simulated head-end and OMS; Ctrl-C stops it."""
    from orchestrator.demo import SCENARIOS, run_demo

    if scenario not in SCENARIOS:
        fail(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    if headless and scenario == "none":
        fail("--headless needs a scenario to run, e.g. --scenario peak-day")
    directory = data_dir or Path(tempfile.mkdtemp(prefix="orchestrator-demo-"))
    s = settings(runtime="embedded", http_port=port, data_dir=directory, database_url=None)
    summary = asyncio.run(run_demo(s, devices=devices, seed=seed, scenario=scenario, headless=headless))
    if headless and summary is None:  # interrupted before the scenario finished
        raise typer.Exit(130)


@app.command()
def worker(
    processor: Optional[list[str]] = typer.Option(None, "--processor", "-p",
                                                  help="Processor to run (repeat); default: all."),
    kafka_bootstrap: Optional[str] = typer.Option(None, help="Kafka bootstrap servers."),
    app_id: Optional[str] = typer.Option(None, help="Kafka consumer group / faust app id."),
    partitions: Optional[int] = typer.Option(None, help="Partitions of the topics it creates."),
    data_dir: Optional[Path] = typer.Option(None, help="Working directory for faust."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL (for the sinks)."),
    no_sinks: bool = typer.Option(False, "--no-sinks", help="Run processors only, no store sinks."),
) -> None:
    """Run processors as a faust-streaming worker on the Kafka runtime (scale by partitions)."""
    from orchestrator.runtime.worker import run_worker

    s = settings(runtime="kafka", kafka_bootstrap=kafka_bootstrap, kafka_app_id=app_id,
                 kafka_partitions=partitions, data_dir=data_dir, database_url=database_url)
    try:
        run_worker(s, processor, with_sinks=not no_sinks)
    except ValueError as exc:
        fail(str(exc))


@config_app.command("show")
def config_show() -> None:
    """Print the effective settings as JSON, secrets masked."""
    typer.echo(json.dumps(settings().masked(), indent=2))


@db_app.command("upgrade")
def db_upgrade(
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
    revision: str = typer.Option("heads", help="Target alembic revision (default: every branch's latest)."),
) -> None:
    """Migrate the catalogue schema (alembic) to the latest revision."""
    from orchestrator.store.db import upgrade

    s = settings(database_url=database_url)
    upgrade(s.catalogue_url, revision)
    typer.echo(f"catalogue at revision {revision}", err=True)


@deadletter_app.command("list")
def deadletter_list(
    source_topic: Optional[str] = typer.Option(None, help="Only records from this topic."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many, newest first."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """List dead letters, newest first, one line each."""
    from orchestrator.store.deadletters import DeadLetterStore

    letters = with_catalogue(settings(database_url=database_url),
                             lambda sessions: DeadLetterStore(sessions).list(source_topic=source_topic, limit=limit))
    for d in letters:
        typer.echo(f"{d.recorded_at:%Y-%m-%dT%H:%M:%S} {d.source_topic} [{d.code}] {d.message_id or '-'} {d.reason}")


@import_app.command("topology")
def import_topology(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV (header: substation,feeder,transformer,usage_point,device,kind,headend,"
                                     "vendor,customer,agreement,supplier,programs,groups,rated_kw) or JSON/JSONL."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
    chunk: int = typer.Option(5000, min=1, help="Rows per transaction."),
) -> None:
    """First load of topology, devices, customers, agreements, enrolment and groups, with progress."""
    from orchestrator.store.db import make_engine, sessionmaker, upgrade
    from orchestrator.store.topology import ImportError_, TopologyStore, read_rows

    s = settings(database_url=database_url)
    upgrade(s.catalogue_url)

    async def run():
        engine = make_engine(s.catalogue_url)
        try:
            with typer.progressbar(length=0, label=f"importing {file.name}", file=sys.stderr) as bar:
                def progress(n: int) -> None:
                    bar.label = f"importing {file.name}: {n} rows"
                    bar.update(0)
                    bar.render_progress()

                return await TopologyStore(sessionmaker(engine)).import_rows(read_rows(file), chunk=chunk,
                                                                             progress=progress)
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(run())
    except (ImportError_, ValueError) as exc:
        fail(str(exc).splitlines()[0])
    for reason in report.rejected or ():
        typer.echo(f"rejected: {reason}", err=True)
    typer.echo(f"imported {report.devices} devices from {report.rows} rows; {len(report.rejected or ())} rejected",
               err=True)
    if report.rejected:
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
