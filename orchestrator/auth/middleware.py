"""Authentication, authorisation, CSRF, secure headers and the HTTP audit trail.

Rules, in order, for a request to ``path``:

1. /iec/ (own per-head-end basic auth), /healthz, /readyz, /metrics, /api/v1/openapi.json, the login
   page and /console/static/ are open.
2. With ``auth_required = false`` everyone is an admin named by ``X-Operator`` (tests, a lab).
3. /console (and /) authenticate by the signed session cookie; a GET without one is redirected
   to the login page, anything else gets 401. Everything else (the REST API) authenticates by
   ``Authorization: Bearer <token>``; none or a wrong, expired or revoked token is 401.
4. The route needs a role: token and user management admin; GET/HEAD/OPTIONS viewer; every
   other method operator. Too low a role is 403.
5. A state-changing console request must echo the session's CSRF token (form field ``_csrf`` or
   header ``X-CSRF-Token``), else 403.
6. Every state-changing request that reached rule 4 is written to the audit log with the
   caller, method and path, outcome (status) and remote address, refused ones included.

Errors are RFC 9457 problem JSON. Secrets (tokens, passwords, cookies) are never logged.
"""
from __future__ import annotations

import hmac
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass, field

from aiohttp import web
from multidict import CIMultiDict

from orchestrator.api.problems import problem
from orchestrator.auth.sessions import COOKIE, Session, SessionSigner
from orchestrator.logs import get_logger
from orchestrator.store.models import utcnow
from orchestrator.store.users import Principal, Role, UserStore

log = get_logger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_EXACT = frozenset({"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/console/login", "/favicon.ico"})
OPEN_PREFIXES = ("/iec/", "/console/static/")
ADMIN_PREFIXES = ("/api/v1/tokens", "/api/v1/users")
VIEWER_ACTIONS = frozenset({"/console/logout"})  # state-changing only for the caller's own session
CONSOLE_PREFIX = "/console"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
}
TOKEN_SESSION = "token:"  # a session opened with an API token names it so: "token:<name>"
PRINCIPAL = web.RequestKey("principal", Principal)
SESSION = web.RequestKey("session", Session)


@dataclass
class LoginThrottle:
    """At most ``limit`` failed logins per client address per ``window_s``; more answer 429."""

    limit: int = 5
    window_s: float = 300.0
    _failures: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def blocked(self, client: str, now: float | None = None) -> bool:
        now = now or time.monotonic()
        q = self._failures.get(client)
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return bool(q) and len(q) >= self.limit

    def failed(self, client: str, now: float | None = None) -> None:
        self._failures[client].append(now or time.monotonic())
        if len(self._failures) > 10000:  # bounded memory under a spray of addresses
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)


class RateLimiter:
    """A token bucket per client address: ``rate`` requests per second, bursts up to ``burst``.

    Keeps at most ``max_clients`` buckets (the least recently seen go first), so a spray of
    addresses cannot grow memory without bound.
    """

    def __init__(self, rate: float, burst: int, max_clients: int = 10000):
        self.rate, self.burst, self.max_clients = rate, float(burst), max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


@dataclass
class Auth:
    users: UserStore | None
    signer: SessionSigner
    required: bool = True
    cookie_secure: bool = False
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    limiter: RateLimiter | None = None


AUTH = web.AppKey("auth", Auth)


def is_open(path: str) -> bool:
    return path in OPEN_EXACT or path.startswith(OPEN_PREFIXES)


def is_console(path: str) -> bool:
    return path == "/" or path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")


def required_role(method: str, path: str) -> Role:
    if path.startswith(ADMIN_PREFIXES):
        return Role.ADMIN
    if path in VIEWER_ACTIONS:
        return Role.VIEWER
    return Role.VIEWER if method in SAFE_METHODS else Role.OPERATOR


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"


def unauthorized(detail: str) -> web.Response:
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="orchestrator"'
    return response


async def principal_of(request: web.Request, auth: Auth) -> Principal | None:
    """Who the request comes from, by session cookie (console) or bearer token (API)."""
    if auth.users is None:
        return None
    if is_console(request.path):
        session = auth.signer.read(request.cookies.get(COOKIE))
        if session is None:
            return None
        if session.user.startswith(TOKEN_SESSION):  # signed in with an API token: it must still be valid
            info = await auth.users.token(session.user[len(TOKEN_SESSION):])
            if info is None or info.status(utcnow()) != "active":
                return None
            request[SESSION] = session
            return Principal(info.name, info.role, "session")
        user = await auth.users.user(session.user)
        if user is None or user.disabled:
            return None
        request[SESSION] = session
        return Principal(user.name, user.role, "session")
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return await auth.users.authenticate_token(credentials.strip())


async def audit(request: web.Request, principal: Principal, outcome: str, status: int) -> None:
    auth = request.app[AUTH]
    if auth.users is None:
        return
    try:
        await auth.users.audit(principal.name, "http", request.path, request.method,
                               {"status": status, "outcome": outcome, "from": client_address(request),
                                "via": principal.via, "role": principal.role.label})
    except Exception:  # the action itself stands; the failure is logged for the operator
        log.exception("audit write failed", path=request.path, actor=principal.name)


async def _csrf_ok(request: web.Request) -> bool:
    session = request.get(SESSION)
    if session is None:
        return False
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = (await request.post()).get("_csrf")
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), session.csrf.encode())


@web.middleware
async def auth_middleware(request: web.Request, handler):
    path = request.path
    if is_open(path) and path != "/console/login":
        return await handler(request)
    auth = request.app[AUTH]
    if auth.limiter is not None:
        wait = auth.limiter.allow(client_address(request))
        if wait > 0:
            response = problem(429, "Too Many Requests", "slow down: too many requests from this address")
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return response
    if is_open(path):
        return await handler(request)
    unsafe = request.method not in SAFE_METHODS
    if not auth.required:
        name = (request.headers.get("X-Operator") or "anonymous")[:100]
        principal = Principal(name, Role.ADMIN, "open")
        request[PRINCIPAL] = principal
        if is_console(path):
            session = auth.signer.read(request.cookies.get(COOKIE))
            if session is not None:
                request[SESSION] = session
        return await _run(request, handler, principal, audited=unsafe)
    if auth.users is None:
        return problem(503, "Service Unavailable", "access control is not configured in this process")
    principal = await principal_of(request, auth)
    if principal is None:
        if is_console(path) and not unsafe and not request.headers.get("HX-Request"):
            raise web.HTTPSeeOther(location=f"/console/login?next={request.rel_url.path_qs}"
                                   if path not in ("/", CONSOLE_PREFIX) else "/console/login")
        return unauthorized("sign in at /console/login" if is_console(path)
                            else "send Authorization: Bearer <token> (orchestrator token create)")
    request[PRINCIPAL] = principal
    needed = required_role(request.method, path)
    if not principal.may(needed):
        if unsafe:
            await audit(request, principal, "forbidden", 403)
        return problem(403, "Forbidden", f"{principal.name} is {principal.role.label}; this needs {needed.label}")
    if unsafe and is_console(path) and not await _csrf_ok(request):
        await audit(request, principal, "csrf-rejected", 403)
        return problem(403, "Forbidden", "CSRF token missing or wrong; reload the page and try again")
    if not is_console(path):  # the API's actor is the authenticated caller, never a claimed header
        headers = CIMultiDict(request.headers)
        headers["X-Operator"] = principal.name
        request = request.clone(headers=headers)
        request[PRINCIPAL] = principal
    return await _run(request, handler, principal, audited=unsafe)


async def _run(request: web.Request, handler, principal: Principal, *, audited: bool):
    if not audited:
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        await audit(request, principal, "done" if exc.status < 400 else "error", exc.status)
        raise
    except Exception:
        await audit(request, principal, "error", 500)
        raise
    await audit(request, principal, "done" if response.status < 400 else "error", response.status)
    return response


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURE_HEADERS.items():
        response.headers.setdefault(name, value)
    if is_console(request.path) and not request.path.startswith("/console/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def register(app: web.Application, auth: Auth) -> None:
    """Install the middleware right after the problem middleware, and the secure headers."""
    app[AUTH] = auth
    app.middlewares.insert(1 if app.middlewares else 0, auth_middleware)
    app.on_response_prepare.append(_secure_headers)
