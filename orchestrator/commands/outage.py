"""``orchestrator outage list|show`` and ``orchestrator oms deliveries|replay``: outages the detector
inferred, and what became of their OMS notifications (delivered, pending, dead-lettered)."""
from __future__ import annotations

import json
from typing import Optional

import typer

app = typer.Typer(help="Outages inferred from meter events.", no_args_is_help=True)
oms_app = typer.Typer(help="OMS notification deliveries: inspect and replay.", no_args_is_help=True)

LEVELS = ("meter", "transformer", "feeder")
DELIVERY_STATUSES = ("pending", "delivered", "dead")


def _run(database_url: Optional[str], work):
    from orchestrator import cli
    from orchestrator.store.outages import OutageStore

    return cli.with_catalogue(cli.settings(database_url=database_url), lambda sessions: work(OutageStore(sessions)))


def _when(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else "-"


@app.command("list")
def outage_list(
    all_: bool = typer.Option(False, "--all", help="Every outage, not only the active ones."),
    level: Optional[str] = typer.Option(None, "--level", help="meter, transformer or feeder."),
    feeder: Optional[str] = typer.Option(None, "--feeder", help="Only this feeder's outages (active only)."),
    limit: int = typer.Option(100, "--limit", min=1, max=10000),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """Active outages (SUSPECTED/SUSTAINED), oldest first; --all for every status, newest first."""
    from orchestrator import cli

    if level is not None and level not in LEVELS:
        cli.fail(f"--level must be one of {', '.join(LEVELS)}")

    async def work(store):
        if all_:
            return [o for o in await store.list(limit=limit) if level is None or o.level == level]
        return await store.active(level=level, feeder=feeder, limit=limit)

    found = _run(database_url, work)
    if as_json:
        for o in found:
            typer.echo(json.dumps(o.to_json(), sort_keys=True))
        return
    if not found:
        typer.echo("no outages")
        return
    typer.echo(f"{'ID':<44} {'LEVEL':<11} {'STATUS':<10} {'FIRST':<20} {'RESTORED':<20} {'METERS':>6} {'CONF':>5} PARENT")
    for o in found:
        typer.echo(f"{o.id:<44} {o.level:<11} {o.status:<10} {_when(o.first_event):<20} {_when(o.restored_at):<20} "
                   f"{o.affected_count:>6} {o.confidence:>5.2f} {o.parent or '-'}")


@app.command("show")
def outage_show(outage_id: str = typer.Argument(..., help="Outage id, e.g. transformer:T1:1767225600000."),
                database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """One outage as JSON (affected meters, first/last event, confidence, parent)."""
    from orchestrator import cli

    found = _run(database_url, lambda store: store.get(outage_id))
    if found is None:
        cli.fail(f"no outage {outage_id!r}", code=1)
    typer.echo(json.dumps(found.to_json(), indent=2, sort_keys=True))


@oms_app.command("deliveries")
def oms_deliveries(
    status: Optional[str] = typer.Option(None, "--status", help="pending, delivered or dead."),
    outage_id: Optional[str] = typer.Option(None, "--outage", help="Only this outage's deliveries."),
    limit: int = typer.Option(100, "--limit", min=1, max=10000),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """OMS deliveries with their attempts and last error; dead ones are the dead-letter store."""
    from orchestrator import cli

    if status is not None and status not in DELIVERY_STATUSES:
        cli.fail(f"--status must be one of {', '.join(DELIVERY_STATUSES)}")

    async def work(store):
        return await store.delivery_counts(), await store.deliveries(status=status, outage_id=outage_id, limit=limit)

    counts, found = _run(database_url, work)
    if as_json:
        for d in found:
            typer.echo(json.dumps(d.to_json(), sort_keys=True))
        return
    typer.echo("  ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no deliveries")
    for d in found:
        typer.echo(f"{d.id:>6} {d.status:<9} {d.attempts:>2} {d.target:<12} {d.event:<17} {d.idempotency_key}"
                   f"{'  ' + d.last_error if d.last_error else ''}")


@oms_app.command("replay")
def oms_replay(
    ids: Optional[list[int]] = typer.Argument(None, help="Delivery ids; none = every dead delivery."),
    outage_id: Optional[str] = typer.Option(None, "--outage", help="Only this outage's deliveries."),
    include_delivered: bool = typer.Option(False, "--include-delivered", help="Also send delivered ones again."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """Put dead-lettered deliveries back in the queue (the running service sends them)."""
    n = _run(database_url, lambda store: store.replay(ids=ids or None, outage_id=outage_id,
                                                      include_delivered=include_delivered))
    typer.echo(f"replayed {n} deliveries")
