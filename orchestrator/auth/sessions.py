"""The console's session cookie: ``v1.<payload>.<mac>``, payload JSON in URL-safe base64, MAC
HMAC-SHA256 over ``v1.<payload>`` with a key derived from the session secret.

The cookie holds no role: the role is read from the user's row on every request, so a disabled
user or a changed role takes effect at once. It holds the session's CSRF token, which console
forms echo back (hidden ``_csrf`` field or ``X-CSRF-Token`` header).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

COOKIE = "orc_session"
LOGIN_CSRF_COOKIE = "orc_login_csrf"


@dataclass(frozen=True)
class Session:
    user: str
    expires: int
    csrf: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    def __init__(self, secret: bytes, max_age_s: int):
        if len(secret) < 16:
            raise ValueError("session secret must have at least 16 bytes")
        self._key = hashlib.sha256(b"orchestrator-console-session\0" + secret).digest()
        self.max_age_s = max_age_s

    def issue(self, user: str, now: float | None = None) -> tuple[str, Session]:
        session = Session(user=user, expires=int((now or time.time()) + self.max_age_s), csrf=secrets.token_urlsafe(24))
        payload = _b64(json.dumps({"u": session.user, "exp": session.expires, "csrf": session.csrf},
                                  separators=(",", ":")).encode())
        body = f"v1.{payload}"
        return f"{body}.{self._mac(body)}", session

    def read(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session in a cookie if its MAC is right and it has not expired; else None."""
        if not cookie or len(cookie) > 4096:
            return None
        parts = cookie.split(".")
        if len(parts) != 3 or parts[0] != "v1":
            return None
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._mac(body), parts[2]):
            return None
        try:
            data = json.loads(_unb64(parts[1]))
            session = Session(user=str(data["u"]), expires=int(data["exp"]), csrf=str(data["csrf"]))
        except (ValueError, KeyError, TypeError):
            return None
        if session.expires <= (now or time.time()):
            return None
        return session

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else one generated once into ``data_dir/session.key`` (mode 0600).

    Several API processes behind one address need the same ``session_secret`` setting.
    """
    if configured:
        return configured.encode()
    path = data_dir / "session.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process got there first
        return bytes.fromhex(path.read_text().strip())
    try:
        os.write(fd, secret.hex().encode())
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return secret
