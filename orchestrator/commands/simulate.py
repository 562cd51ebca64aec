"""``orchestrator simulate headend|topology``: a simulated head-end with a generated fleet, as a process.

``simulate headend`` prints one JSON line on stdout once it listens (``{"url", "devices", "meters",
"topology"}``), logs to stderr, and runs until SIGINT/SIGTERM. Its control API (``GET /sim/stats``,
``POST /sim/outage``, ``GET /sim/devices/<mRID>``) lets a demo or a test play outage scenarios.
"""
from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Simulators: a head-end with a generated fleet of meters.", no_args_is_help=True)

PASSWORD_ENV = "ORCHESTRATOR_HEADEND_PASSWORD"


def _fail(message: str) -> None:
    from orchestrator import cli

    cli.fail(message)


@app.command("topology")
def topology(
    out: Path = typer.Option(..., "--out", help="Import file to write (.csv, .json or .jsonl)."),
    devices: int = typer.Option(1000, "--devices", min=1, help="Number of meters (premises)."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same fleet."),
    headend: str = typer.Option("hes-sim", "--headend", help="Head-end name the devices are behind."),
    vendor: str = typer.Option("standard", "--vendor", help="Vendor profile (event codes)."),
) -> None:
    """Write a generated fleet as an ``orchestrator import topology`` file."""
    from orchestrator.simulator import generate_fleet

    try:
        fleet = generate_fleet(devices, seed=seed, headend=headend, vendor=vendor)
        fleet.write_import_file(out)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(json.dumps({"topology": str(out), "devices": len(fleet.devices), "meters": len(fleet.premises),
                           "transformers": len(fleet.transformers), "feeders": len(fleet.feeders),
                           "substations": len(fleet.substations)}))


@app.command("headend")
def headend(
    devices: int = typer.Option(1000, "--devices", min=1, help="Number of meters (premises) in the fleet."),
    seed: int = typer.Option(1, "--seed", help="Seed of the fleet and of every random choice."),
    name: str = typer.Option("hes-sim", "--name", help="Head-end name (its HTTP basic user name too)."),
    vendor: str = typer.Option("standard", "--vendor", help="Vendor profile choosing event codes."),
    host: str = typer.Option("127.0.0.1", "--host", help="Bind address."),
    port: int = typer.Option(0, "--port", help="Port (0 picks a free one; see the ready line)."),
    orchestrator_url: Optional[str] = typer.Option(None, "--orchestrator",
                                                   help="Orchestrator base URL, e.g. http://127.0.0.1:8080."),
    username: Optional[str] = typer.Option(None, "--username", help="HTTP basic user (default: --name)."),
    password: Optional[str] = typer.Option(None, "--password", envvar=PASSWORD_ENV,
                                           help=f"HTTP basic password (or {PASSWORD_ENV})."),
    transport: str = typer.Option("bare", "--transport", help="bare, soap11 or soap12 towards the orchestrator."),
    time_scale: float = typer.Option(1.0, "--time-scale", help="Real seconds per simulated second."),
    topology_out: Optional[Path] = typer.Option(None, "--topology-out", help="Also write the import file here."),
    reading_interval: float = typer.Option(900.0, "--reading-interval",
                                           help="Interval readings every 900 or 3600 simulated seconds (0: none)."),
    failure_rate: float = typer.Option(0.0, "--failure-rate", help="Share of devices rejecting a control."),
    no_confirmation_rate: float = typer.Option(0.0, "--no-confirmation-rate",
                                               help="Share of accepted controls never confirmed."),
    opt_out_rate: float = typer.Option(0.0, "--opt-out-rate", help="Share of customers opting out."),
    lost_rate: float = typer.Option(0.0, "--lost-rate", help="Share of outgoing messages lost."),
    late_rate: float = typer.Option(0.0, "--late-rate", help="Share of outgoing messages delivered late."),
    duplicate_rate: float = typer.Option(0.0, "--duplicate-rate", help="Share of outgoing messages sent twice."),
    reorder_rate: float = typer.Option(0.0, "--reorder-rate", help="Share of outgoing messages reordered."),
    confirm_latency: str = typer.Option("lognormal:2:0.5", "--confirm-latency",
                                        help="fixed:S, uniform:LO:HI or lognormal:MEDIAN:SIGMA (simulated s)."),
    reply_latency: str = typer.Option("uniform:0.5:3", "--reply-latency", help="Delay of asynchronous replies."),
    late_latency: str = typer.Option("uniform:60:300", "--late-latency", help="Extra delay of late messages."),
    sync_reply: bool = typer.Option(True, "--sync-reply/--no-sync-reply", help="Result in the synchronous reply."),
    async_reply: bool = typer.Option(True, "--async-reply/--no-async-reply",
                                     help="Post the result to ReplyAddress when the request asks."),
) -> None:
    """Run a simulated head-end until Ctrl-C; prints one JSON line with its URL when ready."""
    from orchestrator import cli
    from orchestrator.iec import available_code_maps
    from orchestrator.simulator import (
        Behaviour,
        HeadEndSimulator,
        Latency,
        OrchestratorLink,
        generate_fleet,
    )

    cli.settings()  # logging as configured (stderr)
    if vendor not in available_code_maps():
        _fail(f"unknown vendor profile {vendor!r}; known: {', '.join(available_code_maps())}")
    if transport not in ("bare", "soap11", "soap12"):
        _fail(f"transport {transport!r} is not one of bare, soap11, soap12")
    try:
        behaviour = Behaviour(
            time_scale=time_scale, sync_reply=sync_reply, async_reply=async_reply, failure_rate=failure_rate,
            no_confirmation_rate=no_confirmation_rate, opt_out_rate=opt_out_rate, lost_rate=lost_rate,
            late_rate=late_rate, duplicate_rate=duplicate_rate, reorder_rate=reorder_rate,
            confirm_latency=Latency.parse(confirm_latency), reply_latency=Latency.parse(reply_latency),
            late_latency=Latency.parse(late_latency), reading_interval_s=reading_interval, seed=seed)
        fleet = generate_fleet(devices, seed=seed, headend=name, vendor=vendor)
        if topology_out is not None:
            fleet.write_import_file(topology_out)
    except ValueError as exc:
        _fail(str(exc))
    link = OrchestratorLink(orchestrator_url, username or name, password or "", transport)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with HeadEndSimulator(fleet, behaviour, link=link, host=host, port=port) as sim:
            sys.stdout.write(json.dumps({"url": sim.url, "devices": len(fleet.devices), "meters": len(fleet.premises),
                                         "headend": name, "vendor": vendor,
                                         "topology": str(topology_out) if topology_out else None}) + "\n")
            sys.stdout.flush()
            await stop.wait()

    try:
        asyncio.run(run())
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
