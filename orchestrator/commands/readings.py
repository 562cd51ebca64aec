"""``orchestrator readings``: ingest MeterReadings files, show a device's readings, measure reduction;
``orchestrator masterdata``: apply a master-data message from a file, apply due future-dated changes."""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Meter readings and measured load reduction.", no_args_is_help=True)
masterdata_app = typer.Typer(help="Customer data sync and switching (IEC master data).", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"orchestrator: {message}", err=True)
    raise typer.Exit(code)


def _settings(database_url: Optional[str]):
    from orchestrator.cli import settings

    return settings(database_url=database_url)


def _time(value: str, name: str) -> datetime:
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"{name} {value!r} is not an ISO 8601 date-time")
    if at.tzinfo is None:
        _fail(f"{name} {value!r} has no UTC offset (e.g. 2026-07-15T16:00:00Z)")
    return at


async def _with_engine(url: str, work):
    from orchestrator.store.db import make_engine, upgrade_async

    await upgrade_async(url)
    engine = make_engine(url)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


@app.command("ingest")
def ingest(files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                              help="IEC MeterReadings messages (XML, bare or SOAP)."),
           database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Store the readings of MeterReadings files (bulk); an unreadable file is reported and skipped."""
    from orchestrator.iec import IecError
    from orchestrator.readings.ingest import ReadingsIngest
    from orchestrator.store.readings import ReadingStore

    s = _settings(database_url)

    async def work(engine):
        ingest = ReadingsIngest(ReadingStore(engine))
        stored = bad = 0
        for path in files:
            try:
                stored += len((await ingest.ingest(path.read_bytes())).readings)
            except IecError as exc:
                bad += 1
                typer.echo(f"rejected {path}: [{exc.code}] {exc.text}", err=True)
        return stored, bad

    stored, bad = asyncio.run(_with_engine(s.catalogue_url, work))
    typer.echo(f"stored {stored} readings from {len(files) - bad} files; {bad} rejected", err=True)
    if bad:
        raise typer.Exit(1)


@app.command("show")
def show(device: str = typer.Argument(..., help="End device mRID."),
         start: str = typer.Option(..., help="From (exclusive), ISO 8601 with offset."),
         end: str = typer.Option(..., help="To (inclusive), ISO 8601 with offset."),
         reading_type: Optional[str] = typer.Option(None, help="IEC ReadingType code; default all."),
         database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """A device's readings, one per line: time, reading type, value, quality."""
    from orchestrator.store.readings import ReadingStore

    s = _settings(database_url)
    a, b = _time(start, "--start"), _time(end, "--end")

    async def work(engine):
        return await ReadingStore(engine).readings(device, start=a, end=b, reading_type=reading_type)

    for r in asyncio.run(_with_engine(s.catalogue_url, work)):
        typer.echo(f"{r.at.isoformat()} {r.reading_type} {r.value} {r.quality or ''}".rstrip())


@app.command("reduction")
def reduction(devices: list[str] = typer.Argument(..., help="End device mRIDs."),
              start: str = typer.Option(..., help="Event start, ISO 8601 with offset."),
              end: str = typer.Option(..., help="Event end, ISO 8601 with offset."),
              method: str = typer.Option("caiso-10-in-10", help="caiso-10-in-10, high-5-of-10 or high-3-of-5."),
              tz: str = typer.Option("UTC", help="Time zone of the program's days."),
              exclude: list[str] = typer.Option([], help="Days not to use as baseline days (YYYY-MM-DD)."),
              as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
              database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Measured reduction: baseline − metered kW per device and in total over the event window."""
    from orchestrator.core.baselines import BaselineError, BaselineMethod
    from orchestrator.readings.reduction import measure
    from orchestrator.store.readings import ReadingStore

    s = _settings(database_url)
    a, b = _time(start, "--start"), _time(end, "--end")
    try:
        m = BaselineMethod(method)
        excluded = [date.fromisoformat(d) for d in exclude]
    except ValueError as exc:
        _fail(str(exc))

    async def work(engine):
        return await measure(ReadingStore(engine), devices, a, b, m, tz=tz, excluded=excluded)

    try:
        report = asyncio.run(_with_engine(s.catalogue_url, work))
    except (BaselineError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    for device, r in report.devices.items():
        typer.echo(f"{device}: {_kw(r.average_kw)} delivered (baseline days {len(r.days_used)}, "
                   f"adjustment {r.adjustment:.3f})")
    for device, why in report.unmeasured.items():
        typer.echo(f"{device}: not measured: {why}", err=True)
    if report.total is not None:
        typer.echo(f"total: {_kw(report.total.average_kw)} delivered by {len(report.devices)} devices ({m.value})")


@app.command("event-reduction")
def event_reduction(event: str = typer.Argument(..., help="Event (campaign) id."),
                    method: Optional[str] = typer.Option(None, help="Baseline method; default: the program's, "
                                                                    "else caiso-10-in-10."),
                    tz: Optional[str] = typer.Option(None, help="Time zone of the baseline days; default: "
                                                                "the program's."),
                    exclude: list[str] = typer.Option([], help="Days not to use as baseline days (YYYY-MM-DD)."),
                    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Measured reduction of an event at its meters, beside the engineering estimate (JSON)."""
    from orchestrator.core.baselines import BaselineError
    from orchestrator.core.programs import load_programs
    from orchestrator.readings.reduction import UnknownEvent, measure_event
    from orchestrator.store.campaigns import CampaignStore
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.readings import ReadingStore
    from orchestrator.store.topology import TopologyStore

    s = _settings(database_url)
    try:
        excluded = [date.fromisoformat(d) for d in exclude]
    except ValueError as exc:
        _fail(str(exc))
    programs = load_programs([s.programs_dir]) if s.programs_dir.is_dir() else {}

    async def work(engine):
        sessions = sessionmaker(engine)
        return await measure_event(ReadingStore(engine), CampaignStore(sessions), programs,
                                   TopologyStore(sessions).load_view, event, method=method, tz=tz,
                                   excluded=excluded, default_kw=s.correlation_default_device_kw)

    try:
        body = asyncio.run(_with_engine(s.catalogue_url, work))
    except UnknownEvent as exc:
        _fail(str(exc), 1)
    except (BaselineError, ValueError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    typer.echo(json.dumps(body, indent=2))


def _kw(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} kW"


@masterdata_app.command("apply")
def apply(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                      help="An IEC master-data message (MeterConfig, UsagePointConfig, ...)."),
          database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Apply one master-data message and print the IEC reply; exit 1 unless the reply is OK.

    For an offline load: switching reads are recorded but not sent and ended enrolments are not
    announced (the running service does both for messages it receives)."""
    from orchestrator.iec import to_xml
    from orchestrator.masterdata import MasterData
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.readings import ReadingStore

    s = _settings(database_url)

    async def work(engine):
        # No publisher here: switching reads are recorded (and estimated when overdue) but not sent,
        # and ended enrolments are not announced; send through the service for a live switch.
        md = MasterData(sessionmaker(engine), readings=ReadingStore(engine))
        return await md.apply(file.read_bytes())

    reply = asyncio.run(_with_engine(s.catalogue_url, work))
    sys.stdout.write(to_xml(reply, pretty=True).decode())
    if reply.Reply.Result.value != "OK":
        raise typer.Exit(1)


@masterdata_app.command("apply-due")
def apply_due(database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Apply future-dated master-data changes whose effective date has come."""
    from orchestrator.masterdata import MasterData
    from orchestrator.store.db import sessionmaker
    from orchestrator.store.readings import ReadingStore

    s = _settings(database_url)

    async def work(engine):
        return await MasterData(sessionmaker(engine), readings=ReadingStore(engine)).apply_due()

    typer.echo(f"applied {asyncio.run(_with_engine(s.catalogue_url, work))} due changes", err=True)
