"""``orchestrator headend add|list|remove``: register the head-ends that may talk to the IEC endpoint.

``add`` prints the HTTP basic credentials the head-end must use (the password is shown once and
stored only as a scrypt hash) and the endpoint addresses to configure on the head-end side.
"""
from __future__ import annotations

import json
from typing import Optional

import typer

app = typer.Typer(help="Head-ends: registration, credentials, transport.", no_args_is_help=True)


def _run(database_url: Optional[str], work):
    from orchestrator import cli
    from orchestrator.store.headends import HeadendError, HeadendStore

    s = cli.settings(database_url=database_url)
    try:
        return s, cli.with_catalogue(s, lambda sessions: work(HeadendStore(sessions)))
    except HeadendError as exc:
        cli.fail(str(exc))


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Head-end name; also the HTTP basic user name it authenticates with."),
    url: Optional[str] = typer.Option(None, "--url", help="Where requests are sent: the head-end's http(s) endpoint, or kafka:TOPIC."),
    vendor: Optional[str] = typer.Option(None, "--vendor",
                                         help="Code-map profile (orchestrator/iec/vendors/*.yaml); default standard."),
    transport: Optional[str] = typer.Option(None, "--transport",
                                            help="bare (IEC 61968-100 XML, default), soap11, soap12, or kafka (--url kafka:TOPIC)."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1,
                                              help="Requests in flight to this head-end at most (default 4)."),
    rate: Optional[float] = typer.Option(None, "--rate", help="Requests per second to this head-end (default 20)."),
    rotate: bool = typer.Option(False, "--rotate", help="Issue a new password for an existing head-end."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """Register a head-end (or update it with --rotate) and print the credentials it must use."""
    from orchestrator import cli
    from orchestrator.iec import available_code_maps

    if vendor is not None and vendor not in available_code_maps():
        cli.fail(f"unknown vendor profile {vendor!r}; known: {', '.join(available_code_maps())}")
    s, (headend, password) = _run(database_url, lambda store: store.add(
        name, url=url, vendor=vendor, transport=transport, max_concurrency=concurrency, rate_per_s=rate,
        rotate=rotate))
    base = f"http://{s.http_host}:{s.http_port}"
    info = {"name": headend.name, "vendor": headend.vendor, "url": headend.url, "transport": headend.transport,
            "username": headend.username, "password": password, "endpoint": f"{base}/iec/v1/messages",
            "soap": f"{base}/iec/soap/<ServiceName>"}
    if as_json:
        typer.echo(json.dumps(info))
        return
    typer.echo(f"head-end {headend.name} registered (vendor {headend.vendor}, transport {headend.transport})")
    typer.echo(f"username: {headend.username}")
    typer.echo(f"password: {password}")
    typer.echo(f"IEC endpoint: {info['endpoint']}")
    typer.echo(f"SOAP endpoints: {info['soap']} (WSDL: ?wsdl)")
    typer.echo("the password is shown only now; store it in the head-end's configuration", err=True)


@app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """List registered head-ends, one line each (no secrets)."""
    _, headends = _run(database_url, lambda store: store.list())
    if as_json:
        typer.echo(json.dumps([{"name": h.name, "vendor": h.vendor, "url": h.url, "transport": h.transport,
                                "username": h.username, "concurrency": h.max_concurrency, "rate": h.rate_per_s}
                               for h in headends]))
        return
    for h in headends:
        creds = f"user {h.username}" if h.username else "no credentials"
        typer.echo(f"{h.name}\t{h.vendor}\t{h.transport}\t{h.url or '-'}\t{creds}")


@app.command("remove")
def remove(
    name: str = typer.Argument(..., help="Head-end name."),
    database_url: Optional[str] = typer.Option(None, help="Catalogue SQLAlchemy URL."),
) -> None:
    """Forget a head-end and revoke its credentials."""
    from orchestrator import cli

    _, removed = _run(database_url, lambda store: store.remove(name))
    if not removed:
        cli.fail(f"no head-end named {name}")
    typer.echo(f"head-end {name} removed", err=True)
