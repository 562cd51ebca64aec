"""``orchestrator rollup``: dispatch rollups of an event or a head-end, from the catalogue."""
from __future__ import annotations

import json
from typing import Optional

import typer

app = typer.Typer(help="Dispatch rollups: devices per state, acknowledgement latency, success, kW shed.",
                  no_args_is_help=True)


def _run(database_url: Optional[str], as_json: bool, **kw) -> None:
    from orchestrator.cli import fail, settings, with_catalogue
    from orchestrator.correlation.store import DispatchProgressStore

    try:
        rollup = with_catalogue(settings(database_url=database_url),
                                lambda sessions: DispatchProgressStore(sessions).rollup(**kw))
    except Exception as exc:  # one line, no traceback (e.g. database unreachable)
        fail(f"cannot read dispatch records: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    what = f"event {kw['campaign']}" if kw.get("headend") is None else f"head-end {kw['headend']}"
    if rollup["devices"] == 0:
        fail(f"no dispatch records for {what}", 1)
    if as_json:
        typer.echo(json.dumps(rollup, indent=2))
        return
    lat = rollup["ack_latency_s"]
    rate = rollup["success_rate"]
    typer.echo(f"{what}: {rollup['devices']} devices, success "
               f"{'-' if rate is None else f'{rate:.1%}'}, estimated shed {rollup['estimated_kw_shed']:g} kW")
    typer.echo("ack latency s: " + ", ".join(f"{k} {'-' if v is None else f'{v:g}'}" for k, v in lat.items()))
    for state, n in rollup["states"].items():
        if n:
            typer.echo(f"  {state:<18} {n}")


@app.command("event")
def event(event_id: str = typer.Argument(..., help="Event (campaign) id."),
          as_json: bool = typer.Option(False, "--json", help="Print the rollup as JSON."),
          database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Rollup of one event: devices per dispatch state, latency percentiles, success rate, kW shed."""
    _run(database_url, as_json, campaign=event_id)


@app.command("headend")
def headend(name: str = typer.Argument(..., help="Head-end name."),
            event_id: Optional[str] = typer.Option(None, "--event", help="Only this event."),
            as_json: bool = typer.Option(False, "--json", help="Print the rollup as JSON."),
            database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL.")) -> None:
    """Rollup of one head-end's devices (all events, or one with --event)."""
    _run(database_url, as_json, headend=name, campaign=event_id)
