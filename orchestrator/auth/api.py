"""REST for access control: the audit log (viewer) and API tokens (admin), under /api/v1."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from orchestrator.api.openapi import Param, spec
from orchestrator.api.params import json_model as _json
from orchestrator.api.params import query_datetime as _time
from orchestrator.api.params import query_int as _int
from orchestrator.api.problems import problem
from orchestrator.auth.middleware import AUTH, PRINCIPAL
from orchestrator.store.models import utcnow
from orchestrator.store.users import Principal, Role, UserError, UserStore

API = "/api/v1"


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    detail: dict


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next: int | None = Field(None, description="pass as before_id for the next (older) page")


class Token(BaseModel):
    name: str
    role: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    status: str


class TokenList(BaseModel):
    items: list[Token]


class CreateToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: str = Field(pattern="^(viewer|operator|admin)$")
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class CreatedToken(Token):
    token: str = Field(description="the secret; shown once, store it now")


def _users(request: web.Request) -> UserStore:
    users = request.app[AUTH].users
    if users is None:
        raise web.HTTPServiceUnavailable(text="access control is not configured in this process")
    return users


def _actor(request: web.Request) -> Principal:
    return request.get(PRINCIPAL) or Principal("anonymous", Role.ADMIN, "open")


async def list_audit(request: web.Request) -> web.Response:
    limit = _int(request, "limit", 100, 1, 1000)
    rows = await _users(request).audit_entries(
        actor=request.query.get("actor"), entity=request.query.get("entity"), since=_time(request, "since"),
        until=_time(request, "until"), before_id=_int(request, "before_id", None, 1, 2**62), limit=limit)
    return _json(AuditPage(items=[AuditEntry.model_validate(r) for r in rows],
                           next=rows[-1]["id"] if len(rows) == limit else None))


async def list_tokens(request: web.Request) -> web.Response:
    now = utcnow()
    return _json(TokenList(items=[Token.model_validate(t.to_json(now)) for t in await _users(request).tokens()]))


async def create_token(request: web.Request) -> web.Response:
    try:
        cmd = CreateToken.model_validate_json(await request.text())
    except ValueError as exc:
        errors = getattr(exc, "errors", lambda: [{"loc": (), "msg": str(exc)}])()
        first = errors[0]
        return problem(422, "Invalid request body", f"{'.'.join(map(str, first['loc']))}: {first['msg']}".lstrip(": "))
    users, actor = _users(request), _actor(request)
    expires = utcnow() + timedelta(days=cmd.expires_in_days) if cmd.expires_in_days else None
    try:
        secret = await users.create_token(cmd.name, Role.parse(cmd.role), created_by=actor.name, expires_at=expires)
    except UserError as exc:
        return problem(409 if "exists" in str(exc) else 422, "Token not created", str(exc))
    await users.audit(actor.name, "token", cmd.name, "create", {"role": cmd.role, "expires_at": expires})
    info = await users.token(cmd.name)
    assert info is not None
    return _json(CreatedToken(**info.to_json(utcnow()), token=secret), 201)


async def revoke_token(request: web.Request) -> web.Response:
    users, actor, name = _users(request), _actor(request), request.match_info["name"]
    try:
        await users.revoke_token(name)
    except UserError as exc:
        return problem(404 if "unknown" in str(exc) else 409, "Token not revoked", str(exc))
    await users.audit(actor.name, "token", name, "revoke", {})
    info = await users.token(name)
    assert info is not None
    return _json(Token.model_validate(info.to_json(utcnow())))


async def _document_access_errors(app: web.Application) -> None:
    """Every operator API operation may answer 401 (no or bad credentials) and 403 (role too low)
    when access control is on, and 429 when the rate limit is: say so in the OpenAPI document,
    whichever module added the operation."""
    auth = app[AUTH]
    extra = ({401, 403} if auth.required else set()) | ({429} if auth.limiter is not None else set())
    doc = spec(app)
    doc.operations[:] = [replace(op, errors=tuple(sorted(set(op.errors) | extra))) for op in doc.operations]


def register(app: web.Application) -> None:
    app.on_startup.append(_document_access_errors)
    doc = spec(app)
    routes = [
        ("GET", "/audit", list_audit, "Audit log, newest first (who, when, what, from where)", None, AuditPage, 200,
         (Param("actor"), Param("entity"), Param("since", description="inclusive, with a UTC offset", format="date-time"),
          Param("until", description="exclusive, with a UTC offset", format="date-time"),
          Param("before_id", type="integer", minimum=1, maximum=2**62),
          Param("limit", type="integer", minimum=1, maximum=1000)), (400, 401, 403)),
        ("GET", "/tokens", list_tokens, "API tokens (admin); secrets are never shown again", None, TokenList, 200,
         (), (401, 403)),
        ("POST", "/tokens", create_token, "Create an API token (admin); the secret is in this answer only",
         CreateToken, CreatedToken, 201, (), (401, 403, 409)),
        ("DELETE", "/tokens/{name}", revoke_token, "Revoke an API token (admin)", None, Token, 200, (),
         (401, 403, 404, 409)),
    ]
    for method, path, handler, summary, req, resp, status, params, errors in routes:
        app.router.add_route(method, API + path, handler)
        doc.add(API + path, method, summary=summary, tag="access", request=req, response=resp, status=status,
                params=params, errors=errors)
