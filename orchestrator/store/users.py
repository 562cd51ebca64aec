"""Operator identities: users with passwords and API tokens, each with a role; plus audit queries.

Passwords are kept as salted scrypt hashes (``store.headends.hash_password``). An API token is
``orc_`` + 32 random bytes (URL-safe base64) and is shown once when created; only its SHA-256
is stored, which is enough for a secret of that entropy and lets a request be checked with one
indexed lookup. Tokens may expire and are revoked by name (the row stays, with ``revoked_at``).

The audit log is the ``audit_log`` table of the campaign store (``store.campaigns.AuditRow``):
one append-only table for every operator action, whichever module records it (the database
refuses UPDATE and DELETE on it: migration 0011).
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from sqlalchemy import String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator.store.campaigns import AuditRow
from orchestrator.store.headends import hash_password, verify_password
from orchestrator.store.models import Base, UtcDateTime, utcnow

TOKEN_PREFIX = "orc_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
MIN_PASSWORD = 10


class Role(IntEnum):
    """Ordered: a higher role may do everything a lower one may."""

    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str) -> "Role":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise UserError(f"role {text!r} must be one of viewer, operator, admin") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class UserError(ValueError):
    """A user or token operation that cannot be done; the message says why in one line."""


class UserRow(Base):
    __tablename__ = "app_user"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class TokenRow(Base):
    __tablename__ = "api_token"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a user (console session) or a token (API), with the role it carries."""

    name: str
    role: Role
    via: str  # "token", "session" or "open" (auth_required = false)

    def may(self, needed: Role) -> bool:
        return self.role >= needed


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: Role
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def to_json(self, now: datetime) -> dict:
        return {"name": self.name, "role": self.role.label, "created_by": self.created_by,
                "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None, "status": self.status(now)}


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    created_at: datetime
    disabled: bool


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_info(r: TokenRow) -> TokenInfo:
    return TokenInfo(r.name, Role.parse(r.role), r.created_by, r.created_at, r.expires_at, r.revoked_at)


def _check_name(name: str, what: str) -> str:
    if not NAME.match(name or ""):
        raise UserError(f"{what} name {name!r} must be 1-100 letters, digits, '.', '_', '@' or '-'")
    return name


class UserStore:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    @property
    def sessions(self) -> async_sessionmaker:
        """The catalogue's session factory (the console's read-only queries share it)."""
        return self._sessions

    # ------------------------------------------------------------------ users
    async def add_user(self, name: str, role: Role, password: str) -> UserInfo:
        _check_name(name, "user")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"password must have at least {MIN_PASSWORD} characters")
        now = utcnow()
        try:
            async with self._sessions() as s, s.begin():
                await s.execute(insert(UserRow).values(name=name, role=role.label, password_hash=hash_password(password),
                                                       created_at=now, disabled_at=None))
        except IntegrityError:
            raise UserError(f"user {name!r} exists") from None
        return UserInfo(name, role, now, False)

    async def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise UserError(f"password must have at least {MIN_PASSWORD} characters")
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(UserRow).where(UserRow.name == name)
                                     .values(password_hash=hash_password(password)))
            if result.rowcount != 1:
                raise UserError(f"unknown user {name!r}")

    async def disable_user(self, name: str) -> None:
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(UserRow).where(UserRow.name == name, UserRow.disabled_at.is_(None))
                                     .values(disabled_at=utcnow()))
            if result.rowcount != 1:
                raise UserError(f"unknown or already disabled user {name!r}")

    async def users(self) -> list[UserInfo]:
        async with self._sessions() as s:
            rows = (await s.execute(select(UserRow).order_by(UserRow.name))).scalars()
            return [UserInfo(r.name, Role.parse(r.role), r.created_at, r.disabled_at is not None) for r in rows]

    async def user(self, name: str) -> UserInfo | None:
        async with self._sessions() as s:
            r = await s.get(UserRow, name)
            return UserInfo(r.name, Role.parse(r.role), r.created_at, r.disabled_at is not None) if r else None

    async def check_password(self, name: str, password: str) -> Principal | None:
        """The user's principal if ``password`` is right and the user is enabled; else None.

        An unknown user costs the same scrypt work as a known one, so timing does not tell them apart.
        """
        async with self._sessions() as s:
            r = await s.get(UserRow, name)
        stored = r.password_hash if r is not None else _dummy_hash()
        ok = verify_password(password, stored)
        if r is None or not ok or r.disabled_at is not None:
            return None
        return Principal(r.name, Role.parse(r.role), "session")

    # ------------------------------------------------------------------ tokens
    async def create_token(self, name: str, role: Role, *, created_by: str,
                           expires_at: datetime | None = None) -> str:
        """Store a new token and return its secret (the only time it is available)."""
        _check_name(name, "token")
        if expires_at is not None and expires_at <= utcnow():
            raise UserError("expiry must be in the future")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            async with self._sessions() as s, s.begin():
                await s.execute(insert(TokenRow).values(name=name, token_hash=token_digest(secret), role=role.label,
                                                        created_by=created_by[:100], created_at=utcnow(),
                                                        expires_at=expires_at, revoked_at=None))
        except IntegrityError:
            raise UserError(f"a token named {name!r} exists (names are never reused); choose another name") from None
        return secret

    async def revoke_token(self, name: str) -> None:
        async with self._sessions() as s, s.begin():
            result = await s.execute(update(TokenRow).where(TokenRow.name == name, TokenRow.revoked_at.is_(None))
                                     .values(revoked_at=utcnow()))
            if result.rowcount != 1:
                exists = await s.get(TokenRow, name)
                raise UserError(f"token {name!r} is already revoked" if exists else f"unknown token {name!r}")

    async def tokens(self) -> list[TokenInfo]:
        async with self._sessions() as s:
            rows = (await s.execute(select(TokenRow).order_by(TokenRow.created_at, TokenRow.name))).scalars()
            return [_token_info(r) for r in rows]

    async def token(self, name: str) -> TokenInfo | None:
        async with self._sessions() as s:
            r = await s.get(TokenRow, name)
            return _token_info(r) if r else None

    async def authenticate_token(self, secret: str, now: datetime | None = None) -> Principal | None:
        """The token's principal if it is known, not revoked and not expired; else None."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        async with self._sessions() as s:
            r = (await s.execute(select(TokenRow).where(TokenRow.token_hash == token_digest(secret)))).scalar_one_or_none()
        if r is None or _token_info(r).status(now or utcnow()) != "active":
            return None
        return Principal(r.name, Role.parse(r.role), "token")

    # ------------------------------------------------------------------ audit
    async def audit(self, actor: str, entity: str, entity_id: str, action: str, detail: dict) -> None:
        async with self._sessions() as s, s.begin():
            s.add(AuditRow(at=utcnow(), actor=actor[:100], entity=entity[:40], entity_id=entity_id[:100],
                           action=action[:40], detail=json.dumps(detail, default=str)))

    async def audit_entries(self, *, actor: str | None = None, entity: str | None = None,
                            since: datetime | None = None, until: datetime | None = None,
                            before_id: int | None = None, limit: int = 100) -> list[dict]:
        """Audit entries newest first; ``before_id`` pages back from the last id seen."""
        cond = []
        if actor:
            cond.append(AuditRow.actor == actor)
        if entity:
            cond.append(AuditRow.entity == entity)
        if since:
            cond.append(AuditRow.at >= since)
        if until:
            cond.append(AuditRow.at < until)
        if before_id:
            cond.append(AuditRow.id < before_id)
        async with self._sessions() as s:
            rows = (await s.execute(select(AuditRow).where(*cond).order_by(AuditRow.id.desc()).limit(limit))).scalars()
            return [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "entity": r.entity,
                     "entity_id": r.entity_id, "action": r.action, "detail": json.loads(r.detail or "{}")}
                    for r in rows]


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))
