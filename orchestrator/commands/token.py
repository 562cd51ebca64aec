"""``orchestrator token|user|audit``: API tokens, console users and the audit log, on the catalogue.

``token create`` prints the secret once (only its SHA-256 is stored); ``user add`` reads the
password from a prompt (twice) or from stdin with ``--password-stdin``. Every change is written
to the audit log with the local OS user as the actor and ``cli`` as where it came from.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

import typer

app = typer.Typer(help="API tokens (roles viewer, operator, admin): create, list, revoke.", no_args_is_help=True)
user_app = typer.Typer(help="Console users (roles viewer, operator, admin).", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only audit log of operator actions.", no_args_is_help=True)
EXPIRY = re.compile(r"^(\d+)([dhm])$")
DB = typer.Option(None, "--database-url", help="Catalogue SQLAlchemy URL.")


def parse_expiry(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m``."""
    m = EXPIRY.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"expiry {text!r} must look like 30d, 12h or 90m")
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(days=n) if unit == "d" else timedelta(hours=n) if unit == "h" else timedelta(minutes=n)


def _local_actor() -> str:
    return f"cli:{os.environ.get('USER') or getpass.getuser() or 'unknown'}"[:100]


def _run(database_url: Optional[str], work):
    from orchestrator import cli
    from orchestrator.store.users import UserError, UserStore

    s = cli.settings(database_url=database_url)
    try:
        return cli.with_catalogue(s, lambda sessions: work(UserStore(sessions)))
    except UserError as exc:
        cli.fail(str(exc))


def _role(text: str):
    from orchestrator import cli
    from orchestrator.store.users import Role, UserError

    try:
        return Role.parse(text)
    except UserError as exc:
        cli.fail(str(exc))


@app.command("create")
def token_create(
    name: str = typer.Option(..., "--name", help="Unique name of the token (who or what uses it)."),
    role: str = typer.Option(..., "--role", help="viewer, operator or admin."),
    expires: Optional[str] = typer.Option(None, "--expires", help="Lifetime, e.g. 30d, 12h, 90m (default: none)."),
    database_url: Optional[str] = DB,
) -> None:
    """Create a token and print it once; store it now, it cannot be shown again."""
    from orchestrator import cli

    r = _role(role)
    try:
        expires_at = datetime.now(timezone.utc) + parse_expiry(expires) if expires else None
    except ValueError as exc:
        cli.fail(str(exc))

    async def work(users):
        secret = await users.create_token(name, r, created_by=_local_actor(), expires_at=expires_at)
        await users.audit(_local_actor(), "token", name, "create",
                          {"role": r.label, "expires_at": expires_at, "from": "cli"})
        return secret

    secret = _run(database_url, work)
    typer.echo(secret)
    until = f", expires {expires_at:%Y-%m-%dT%H:%M:%SZ}" if expires_at else ", no expiry"
    typer.echo(f"token {name!r} ({r.label}{until}); send it as 'Authorization: Bearer <token>'", err=True)


@app.command("list")
def token_list(
    as_json: bool = typer.Option(False, "--json", help="One JSON array instead of text."),
    database_url: Optional[str] = DB,
) -> None:
    """List tokens (never their secrets) with role, expiry and status."""
    from orchestrator.store.models import utcnow

    tokens = _run(database_url, lambda users: users.tokens())
    now = utcnow()
    if as_json:
        typer.echo(json.dumps([t.to_json(now) for t in tokens], indent=2))
        return
    if not tokens:
        typer.echo("no tokens", err=True)
    for t in tokens:
        expiry = f"{t.expires_at:%Y-%m-%dT%H:%M:%SZ}" if t.expires_at else "never"
        typer.echo(f"{t.name}\t{t.role.label}\t{t.status(now)}\texpires {expiry}\tcreated by {t.created_by}")


@app.command("revoke")
def token_revoke(name: str = typer.Argument(..., help="Name of the token."), database_url: Optional[str] = DB) -> None:
    """Revoke a token at once; requests with it get 401 from now on."""
    async def work(users):
        await users.revoke_token(name)
        await users.audit(_local_actor(), "token", name, "revoke", {"from": "cli"})

    _run(database_url, work)
    typer.echo(f"token {name!r} revoked", err=True)


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="User name (console login)."),
    role: str = typer.Option(..., "--role", help="viewer, operator or admin."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin (one line)."),
    database_url: Optional[str] = DB,
) -> None:
    """Add a console user; the password is prompted for (twice) unless given on stdin."""
    from orchestrator import cli

    r = _role(role)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        cli.fail("empty password")

    async def work(users):
        await users.add_user(name, r, password)
        await users.audit(_local_actor(), "user", name, "create", {"role": r.label, "from": "cli"})

    _run(database_url, work)
    typer.echo(f"user {name!r} ({r.label}) added", err=True)


@user_app.command("list")
def user_list(database_url: Optional[str] = DB) -> None:
    """List users with their role."""
    for u in _run(database_url, lambda users: users.users()):
        typer.echo(f"{u.name}\t{u.role.label}\t{'disabled' if u.disabled else 'enabled'}")


@user_app.command("disable")
def user_disable(name: str = typer.Argument(...), database_url: Optional[str] = DB) -> None:
    """Disable a user; their console session stops working on the next request."""
    async def work(users):
        await users.disable_user(name)
        await users.audit(_local_actor(), "user", name, "disable", {"from": "cli"})

    _run(database_url, work)
    typer.echo(f"user {name!r} disabled", err=True)


@audit_app.command("list")
def audit_list(
    actor: Optional[str] = typer.Option(None, help="Only this actor."),
    entity: Optional[str] = typer.Option(None, help="Only this entity kind (campaign, token, user, http, ...)."),
    limit: int = typer.Option(50, min=1, max=10000, help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of text."),
    database_url: Optional[str] = DB,
) -> None:
    """Print audit entries newest first: when, who, what, on which entity, from where."""
    rows = _run(database_url, lambda users: users.audit_entries(actor=actor, entity=entity, limit=limit))
    for r in rows:
        if as_json:
            typer.echo(json.dumps(r))
            continue
        where = r["detail"].get("from", "-") if isinstance(r["detail"], dict) else "-"
        typer.echo(f"{r['at']}\t{r['actor']}\t{r['action']}\t{r['entity']}:{r['entity_id']}\tfrom {where}\t"
                   f"{json.dumps(r['detail'], default=str)}")
