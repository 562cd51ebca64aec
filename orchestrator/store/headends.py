"""Head-ends the orchestrator talks to: where to send controls, how, and the credentials they use.

The ``headend`` table (name, url, vendor) belongs to the topology catalogue; this module adds one
row per head-end in ``headend_credential``: the HTTP basic user name, the password as a salted
scrypt hash (never the password itself), and how controls are sent to it (bare IEC XML or SOAP,
concurrency and rate limits). ``orchestrator headend add`` creates both and prints the password
once; the IEC endpoint authenticates against the hash.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, Integer, String, delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from orchestrator import topics
from orchestrator.store.models import Base, UtcDateTime, utcnow
from orchestrator.store.topology import HeadEndRow

# bare / soap11 / soap12: HTTP POST to the url; kafka: requests published to the topic named by a
# ``kafka:<topic>`` url (the head-end consumes it and answers on iec.inbound or the IEC endpoint).
TRANSPORTS = ("bare", "soap11", "soap12", "kafka")
# scrypt cost: ~50-100 ms per check on a small machine, so successful checks are cached briefly.
_TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
AUTH_CACHE_S = 60.0


class HeadendCredentialRow(Base):
    __tablename__ = "headend_credential"

    headend: Mapped[str] = mapped_column(String(100), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    transport: Mapped[str] = mapped_column(String(20), default="bare")
    max_concurrency: Mapped[int] = mapped_column(Integer, default=4)
    rate_per_s: Mapped[float] = mapped_column(Float, default=20.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class HeadendError(ValueError):
    """A head-end registration that cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class HeadEnd:
    name: str
    url: str | None
    vendor: str
    transport: str = "bare"
    max_concurrency: int = 4
    rate_per_s: float = 20.0
    username: str | None = None  # None: registered by a topology import, no credentials yet
    created_at: datetime | None = None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def new_password() -> str:
    return secrets.token_urlsafe(24)


class HeadendStore:
    def __init__(self, sessions: async_sessionmaker, *, cache_s: float = AUTH_CACHE_S):
        self._sessions = sessions
        self._cache_s = cache_s
        # sha256(username \0 password) -> (headend, expiry): a verified pair skips scrypt for a while.
        self._verified: dict[bytes, tuple[str, float]] = {}
        self._checking: dict[bytes, asyncio.Future] = {}

    async def add(self, name: str, *, url: str | None, vendor: str | None = None, transport: str | None = None,
                  max_concurrency: int | None = None, rate_per_s: float | None = None, rotate: bool = False,
                  password: str | None = None) -> tuple[HeadEnd, str]:
        """Register (or, with ``rotate``, update) a head-end and issue its credentials.

        Returns the clear password, the only time it is seen. Settings not given (None) keep their
        current value, or the default for a new head-end.
        """
        name = name.strip()
        current = await self.get(name)
        base = current if current is not None and current.username else HeadEnd(name=name, url=None,
                                                                                  vendor="standard")
        vendor = vendor or (current.vendor if current else base.vendor)
        transport = transport or base.transport
        max_concurrency = max_concurrency if max_concurrency is not None else base.max_concurrency
        rate_per_s = rate_per_s if rate_per_s is not None else base.rate_per_s
        if not name or len(name) > 100 or any(c in name for c in ":/ \t"):
            raise HeadendError(f"head-end name {name!r} must be 1-100 characters without ':', '/' or spaces")
        if transport not in TRANSPORTS:
            raise HeadendError(f"transport {transport!r} is not one of {', '.join(TRANSPORTS)}")
        url = url if url is not None else (current.url if current else None)
        if transport == "kafka":
            if url is None or not url.startswith("kafka:") or not _TOPIC.match(url[6:]) or url[6:] in topics.ALL:
                raise HeadendError(f"a kafka head-end needs --url kafka:<topic> (letters, digits, '.', '_', '-'; "
                                   f"not one of the orchestrator's own topics), not {url!r}")
        elif url is not None and not url.startswith(("http://", "https://")):
            raise HeadendError(f"url {url!r} must start with http:// or https://")
        if max_concurrency < 1 or rate_per_s <= 0:
            raise HeadendError("concurrency must be at least 1 and rate above 0")
        password = password or new_password()
        hashed = await asyncio.to_thread(hash_password, password)
        now = utcnow()
        async with self._sessions() as s, s.begin():
            cred = await s.get(HeadendCredentialRow, name)
            if cred is not None and not rotate:
                raise HeadendError(f"head-end {name} already has credentials (remove it first, or --rotate)")
            row = await s.get(HeadEndRow, name)
            if row is None:
                s.add(HeadEndRow(name=name, url=url, vendor=vendor, created_at=now))
            else:
                row.url, row.vendor = url if url is not None else row.url, vendor
            if cred is None:
                cred = HeadendCredentialRow(headend=name, username=name, created_at=now)
                s.add(cred)
            else:
                cred.rotated_at = now
            cred.password_hash = hashed
            cred.transport, cred.max_concurrency, cred.rate_per_s = transport, max_concurrency, rate_per_s
        self._verified.clear()
        found = await self.get(name)
        assert found is not None
        return found, password

    async def get(self, name: str) -> HeadEnd | None:
        async with self._sessions() as s:
            row = await s.get(HeadEndRow, name)
            if row is None:
                return None
            return _headend(row, await s.get(HeadendCredentialRow, name))

    async def list(self) -> list[HeadEnd]:
        async with self._sessions() as s:
            rows = (await s.scalars(select(HeadEndRow).order_by(HeadEndRow.name))).all()
            creds = {c.headend: c for c in (await s.scalars(select(HeadendCredentialRow))).all()}
        return [_headend(r, creds.get(r.name)) for r in rows]

    async def remove(self, name: str) -> bool:
        """Forget a head-end and its credentials; its devices keep their head-end name."""
        async with self._sessions() as s, s.begin():
            n = (await s.execute(delete(HeadendCredentialRow).where(HeadendCredentialRow.headend == name))).rowcount
            n += (await s.execute(delete(HeadEndRow).where(HeadEndRow.name == name))).rowcount
        self._verified.clear()
        return n > 0

    async def authenticate(self, username: str, password: str) -> str | None:
        """The head-end these credentials belong to, or None."""
        key = hashlib.sha256(f"{username}\0{password}".encode()).digest()
        hit = self._verified.get(key)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        pending = self._checking.get(key)
        if pending is not None:  # the same credentials are being checked: one scrypt for all of them
            return await asyncio.shield(pending)
        task = asyncio.ensure_future(self._check(key, username, password))
        self._checking[key] = task
        try:
            return await asyncio.shield(task)
        finally:
            self._checking.pop(key, None)

    async def _check(self, key: bytes, username: str, password: str) -> str | None:
        async with self._sessions() as s:
            cred = (await s.scalars(select(HeadendCredentialRow)
                                    .where(HeadendCredentialRow.username == username))).first()
        if cred is None or not await asyncio.to_thread(verify_password, password, cred.password_hash):
            return None
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[key] = (cred.headend, time.monotonic() + self._cache_s)
        return cred.headend


def _headend(row: HeadEndRow, cred: HeadendCredentialRow | None) -> HeadEnd:
    if cred is None:
        return HeadEnd(name=row.name, url=row.url, vendor=row.vendor, created_at=row.created_at)
    return HeadEnd(name=row.name, url=row.url, vendor=row.vendor, transport=cred.transport,
                   max_concurrency=cred.max_concurrency, rate_per_s=cred.rate_per_s, username=cred.username,
                   created_at=row.created_at)
