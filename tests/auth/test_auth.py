"""Access control: sessions, tokens and roles in the store, then the rules over real HTTP against
a running orchestrator with ``auth_required`` on (401, 403, expiry, revocation, CSRF, secure
headers, audit rows), and the token/user/audit commands."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from typer.testing import CliRunner

from orchestrator.auth import ensure_demo_admin
from orchestrator.auth.middleware import LoginThrottle, RateLimiter, required_role
from orchestrator.auth.sessions import COOKIE, SessionSigner, load_secret
from orchestrator.cli import app as cli
from orchestrator.commands.token import parse_expiry
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.models import utcnow
from orchestrator.store.users import Role, UserError, UserStore
from tests.console.helpers import PASSWORD, cookie_session, csrf_of, login, orchestrator, token, user


# ------------------------------------------------------------------ units
def test_roles_are_ordered_and_parsed():
    assert Role.VIEWER < Role.OPERATOR < Role.ADMIN
    assert Role.parse(" Operator ") is Role.OPERATOR
    with pytest.raises(UserError, match="viewer, operator, admin"):
        Role.parse("root")


def test_route_roles():
    assert required_role("GET", "/api/v1/events") is Role.VIEWER
    assert required_role("POST", "/api/v1/events") is Role.OPERATOR
    assert required_role("POST", "/console/events/new") is Role.OPERATOR
    assert required_role("GET", "/api/v1/tokens") is Role.ADMIN
    assert required_role("DELETE", "/api/v1/tokens/x") is Role.ADMIN
    assert required_role("POST", "/console/logout") is Role.VIEWER


def test_session_cookie_signed_expiring_and_tamper_evident():
    signer = SessionSigner(b"k" * 32, max_age_s=60)
    value, session = signer.issue("alice", now=1000.0)
    assert signer.read(value, now=1001.0) == session
    assert signer.read(value, now=1061.0) is None  # expired
    head, payload, mac = value.split(".")
    assert signer.read(f"{head}.{payload}.{mac[:-2]}AA", now=1001.0) is None
    forged = SessionSigner(b"x" * 32, max_age_s=60).issue("alice", now=1000.0)[0]
    assert signer.read(forged, now=1001.0) is None  # other secret
    assert signer.read("garbage", now=1001.0) is None and signer.read(None) is None


def test_session_secret_generated_once(tmp_path):
    first = load_secret(None, tmp_path)
    assert load_secret(None, tmp_path) == first and len(first) == 32
    assert (tmp_path / "session.key").stat().st_mode & 0o777 == 0o600
    assert load_secret("configured-secret-value", tmp_path) == b"configured-secret-value"


def test_expiry_parsing():
    assert parse_expiry("30d") == timedelta(days=30)
    assert parse_expiry("12h") == timedelta(hours=12)
    for bad in ("", "0d", "30", "1w", "-1d"):
        with pytest.raises(ValueError):
            parse_expiry(bad)


def test_login_throttle():
    t = LoginThrottle(limit=3, window_s=10)
    for i in range(3):
        assert not t.blocked("a", now=100.0 + i)
        t.failed("a", now=100.0 + i)
    assert t.blocked("a", now=103.0) and not t.blocked("b", now=103.0)
    assert not t.blocked("a", now=111.0)  # the window moved on


async def _store(tmp_path, url: str | None = None) -> tuple[UserStore, object]:
    url = url or f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    return UserStore(sessionmaker(engine)), engine


async def test_tokens_hashed_expiring_revocable(tmp_path):
    await _tokens_hashed_expiring_revocable(*await _store(tmp_path))


async def test_tokens_users_and_audit_on_postgresql(tmp_path, postgres_url):
    users, engine = await _store(tmp_path, postgres_url)
    await _tokens_hashed_expiring_revocable(users, engine)
    users, engine = await _store(tmp_path, postgres_url)
    try:
        await users.add_user("alice", Role.OPERATOR, PASSWORD)
        assert (await users.check_password("alice", PASSWORD)).role is Role.OPERATOR
        await users.audit("alice", "http", "/api/v1/events", "POST", {"from": "10.0.0.1"})
        [entry] = await users.audit_entries(actor="alice")
        assert entry["detail"] == {"from": "10.0.0.1"} and entry["entity_id"] == "/api/v1/events"
    finally:
        await engine.dispose()


async def _tokens_hashed_expiring_revocable(users: UserStore, engine) -> None:
    try:
        secret = await users.create_token("ci", Role.OPERATOR, created_by="test")
        assert secret.startswith("orc_") and len(secret) > 40
        p = await users.authenticate_token(secret)
        assert (p.name, p.role, p.via) == ("ci", Role.OPERATOR, "token")
        assert await users.authenticate_token(secret + "x") is None
        assert await users.authenticate_token("Bearer nonsense") is None
        async with users.sessions() as s:  # only the SHA-256 is stored
            stored = (await s.execute(__import__("sqlalchemy").text("select token_hash from api_token"))).scalar_one()
        assert secret not in stored and len(stored) == 64
        with pytest.raises(UserError, match="exists"):
            await users.create_token("ci", Role.VIEWER, created_by="test")

        short = await users.create_token("short", Role.VIEWER, created_by="test",
                                         expires_at=utcnow() + timedelta(minutes=5))
        assert await users.authenticate_token(short) is not None
        assert await users.authenticate_token(short, now=utcnow() + timedelta(minutes=6)) is None
        with pytest.raises(UserError, match="future"):
            await users.create_token("past", Role.VIEWER, created_by="test", expires_at=utcnow() - timedelta(1))

        await users.revoke_token("ci")
        assert await users.authenticate_token(secret) is None
        with pytest.raises(UserError, match="already revoked"):
            await users.revoke_token("ci")
        with pytest.raises(UserError, match="unknown"):
            await users.revoke_token("nope")
        status = {t.name: t.status(utcnow()) for t in await users.tokens()}
        assert status == {"ci": "revoked", "short": "active"}
    finally:
        await engine.dispose()


async def test_users_passwords(tmp_path):
    users, engine = await _store(tmp_path)
    try:
        await users.add_user("alice", Role.VIEWER, PASSWORD)
        assert (await users.check_password("alice", PASSWORD)).role is Role.VIEWER
        assert await users.check_password("alice", PASSWORD + "!") is None
        assert await users.check_password("bob", PASSWORD) is None
        with pytest.raises(UserError, match="at least"):
            await users.add_user("bob", Role.VIEWER, "short")
        with pytest.raises(UserError, match="exists"):
            await users.add_user("alice", Role.ADMIN, PASSWORD)
        with pytest.raises(UserError, match="name"):
            await users.add_user("a b", Role.ADMIN, PASSWORD)
        await users.disable_user("alice")
        assert await users.check_password("alice", PASSWORD) is None
    finally:
        await engine.dispose()


# ------------------------------------------------------------------ over HTTP
def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _event_body(**kw) -> dict:
    start = datetime.now(timezone.utc) + timedelta(hours=2)
    return {"program": "ac-cycling", "targets": ["feeder:F1"], "start": start.isoformat(), "duration_minutes": 30,
            **kw}


async def _problem(r: aiohttp.ClientResponse, status: int) -> dict:
    assert r.status == status, await r.text()
    assert r.content_type == "application/problem+json"
    body = await r.json()
    assert body["status"] == status and body["title"]
    return body


async def test_api_needs_a_valid_token_and_the_right_role(tmp_path):
    async with orchestrator(tmp_path) as running, aiohttp.ClientSession() as http:
        url = running.url
        viewer, operator = await token(running, Role.VIEWER), await token(running, Role.OPERATOR)
        admin = await token(running, Role.ADMIN)

        for path in ("/healthz", "/metrics", "/api/v1/openapi.json"):  # open
            async with http.get(url + path) as r:
                assert r.status == 200, path
        async with http.get(url + "/api/v1/events") as r:
            body = await _problem(r, 401)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
            assert "token" in body["detail"]
        for header in ({"Authorization": "Bearer orc_wrong"}, {"Authorization": "Basic YTpi"},
                       {"Authorization": "Bearer"}):
            async with http.get(url + "/api/v1/events", headers=header) as r:
                await _problem(r, 401)

        async with http.get(url + "/api/v1/events", headers=_bearer(viewer)) as r:
            assert r.status == 200
        async with http.post(url + "/api/v1/events", json=_event_body(), headers=_bearer(viewer)) as r:
            body = await _problem(r, 403)
            assert "viewer" in body["detail"] and "operator" in body["detail"]
        async with http.post(url + "/api/v1/events", json=_event_body(), headers={**_bearer(operator),
                                                                                  "X-Operator": "mallory"}) as r:
            assert r.status == 201, await r.text()
            event = await r.json()
        assert event["created_by"] == "t-operator"  # the token's name, not the claimed header
        async with http.post(url + f"/api/v1/events/{event['id']}/cancel", json={}, headers=_bearer(viewer)) as r:
            await _problem(r, 403)
        async with http.get(url + f"/api/v1/events/{event['id']}", headers=_bearer(viewer)) as r:
            assert (await r.json())["state"] == "SCHEDULED"  # the refused cancel changed nothing

        async with http.get(url + "/api/v1/tokens", headers=_bearer(operator)) as r:
            await _problem(r, 403)
        async with http.post(url + "/api/v1/tokens", json={"name": "robot", "role": "viewer", "expires_in_days": 1},
                             headers=_bearer(admin)) as r:
            assert r.status == 201, await r.text()
            created = await r.json()
        assert created["token"].startswith("orc_") and created["status"] == "active"
        async with http.get(url + "/api/v1/events", headers=_bearer(created["token"])) as r:
            assert r.status == 200
        async with http.post(url + "/api/v1/tokens", json={"name": "robot", "role": "viewer"},
                             headers=_bearer(admin)) as r:
            await _problem(r, 409)
        async with http.post(url + "/api/v1/tokens", json={"name": "x", "role": "root"}, headers=_bearer(admin)) as r:
            await _problem(r, 422)
        async with http.get(url + "/api/v1/tokens", headers=_bearer(admin)) as r:
            listed = await r.json()
        assert all("token" not in item for item in listed["items"])  # secrets never listed
        async with http.delete(url + "/api/v1/tokens/robot", headers=_bearer(admin)) as r:
            assert r.status == 200 and (await r.json())["status"] == "revoked"
        async with http.get(url + "/api/v1/events", headers=_bearer(created["token"])) as r:
            await _problem(r, 401)  # revoked: refused at once
        async with http.delete(url + "/api/v1/tokens/robot", headers=_bearer(admin)) as r:
            await _problem(r, 409)

        expired = await token(running, Role.ADMIN, "brief", expires_at=utcnow() + timedelta(seconds=1))
        async with http.get(url + "/api/v1/events", headers=_bearer(expired)) as r:
            assert r.status == 200
        await running.context.users.revoke_token("t-viewer")
        async with http.get(url + "/api/v1/events", headers=_bearer(viewer)) as r:
            await _problem(r, 401)

        # every state-changing call is in the audit log: who, what, outcome, from where
        async with http.get(url + "/api/v1/audit?limit=100", headers=_bearer(operator)) as r:
            assert r.status == 200
            entries = (await r.json())["items"]
        http_rows = [(e["actor"], e["action"], e["entity_id"], e["detail"]["outcome"], e["detail"]["from"])
                     for e in entries if e["entity"] == "http"]
        assert ("t-viewer", "POST", "/api/v1/events", "forbidden", "127.0.0.1") in http_rows
        assert ("t-operator", "POST", "/api/v1/events", "done", "127.0.0.1") in http_rows
        assert ("t-admin", "DELETE", "/api/v1/tokens/robot", "done", "127.0.0.1") in http_rows
        domain = {(e["actor"], e["entity"], e["action"]) for e in entries if e["entity"] != "http"}
        assert {("t-operator", "campaign", "create"), ("t-admin", "token", "create"),
                ("t-admin", "token", "revoke")} <= domain
        async with http.get(url + "/api/v1/audit?actor=t-admin&entity=token", headers=_bearer(operator)) as r:
            assert {e["action"] for e in (await r.json())["items"]} == {"create", "revoke"}
        async with http.get(url + "/api/v1/audit?since=yesterday", headers=_bearer(operator)) as r:
            await _problem(r, 400)


async def test_secure_headers_everywhere(tmp_path):
    async with orchestrator(tmp_path, rows=[]) as running, aiohttp.ClientSession() as http:
        for path in ("/healthz", "/api/v1/events", "/console/login", "/console/static/console.js"):
            async with http.get(running.url + path, allow_redirects=False) as r:
                assert r.headers["X-Content-Type-Options"] == "nosniff", path
                assert r.headers["X-Frame-Options"] == "DENY"
                assert r.headers["Referrer-Policy"] == "same-origin"
                csp = r.headers["Content-Security-Policy"]
                assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp


async def test_console_login_session_csrf_and_roles(tmp_path):
    async with orchestrator(tmp_path) as running:
        url = running.url
        await user(running, "olga", Role.OPERATOR)
        await user(running, "vic", Role.VIEWER)
        async with cookie_session() as anon:
            async with anon.get(url + "/console/events", allow_redirects=False) as r:
                assert r.status == 303 and r.headers["Location"] == "/console/login?next=/console/events"
            async with anon.post(url + "/console/events/new", data={"program": "ac-cycling"}) as r:
                await _problem(r, 401)
            r = await login(anon, url, "olga", "wrong password!")
            assert r.status == 401
            async with anon.post(url + "/console/login", data={"name": "olga", "password": PASSWORD,
                                                               "_csrf": "forged"}) as r:
                assert r.status == 403  # the login form's own CSRF token is missing
                assert "expired" in await r.text()

        async with cookie_session() as olga:
            r = await login(olga, url, "olga")
            assert r.status == 303 and r.headers["Location"] == "/console/events"
            cookie = r.cookies[COOKIE]
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
            csrf = await csrf_of(olga, url)
            start = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
            form = {"program": "ac-cycling", "target_kind": "feeder", "target_id": "F1", "start": start, "tz": "UTC",
                    "duration_minutes": "30", "action": "create"}
            async with olga.post(url + "/console/events/new", data=form, allow_redirects=False) as r:
                body = await _problem(r, 403)  # no CSRF token
                assert "CSRF" in body["detail"]
            async with olga.post(url + "/console/events/new", data={**form, "_csrf": "x" + csrf},
                                 allow_redirects=False) as r:
                await _problem(r, 403)
            async with olga.post(url + "/console/events/new", data={**form, "_csrf": csrf},
                                 allow_redirects=False) as r:
                assert r.status == 303, await r.text()
                assert r.headers["Location"].startswith("/console/events/ev-")
            events, total = await running.context.events.store.list()
            assert total == 1 and events[0].created_by == "olga"

        async with cookie_session() as vic:
            assert (await login(vic, url, "vic")).status == 303
            async with vic.get(url + "/console/events") as r:
                page = await r.text()
            assert r.status == 200 and "New event" not in page
            async with vic.get(url + f"/console/events/{events[0].id}") as r:
                page = await r.text()
            assert "Cancel event" not in page and events[0].id in page
            csrf = await csrf_of(vic, url, "/console/events")
            async with vic.post(url + f"/console/events/{events[0].id}/cancel", data={"_csrf": csrf}) as r:
                body = await _problem(r, 403)
                assert "viewer" in body["detail"]
            assert (await running.context.events.get(events[0].id)).state.value == "SCHEDULED"
            async with vic.post(url + "/console/logout", data={"_csrf": csrf}, allow_redirects=False) as r:
                assert r.status == 303
            async with vic.get(url + "/console/events", allow_redirects=False) as r:
                assert r.status == 303  # signed out

        await running.context.users.disable_user("olga")
        async with cookie_session() as olga2:
            olga2.cookie_jar.update_cookies({COOKIE: cookie.value})
            async with olga2.get(url + "/console/events", allow_redirects=False) as r:
                assert r.status == 303  # a disabled user's session stops working

        rows = await running.context.users.audit_entries(limit=100)
        seen = {(e["actor"], e["entity"], e["action"], e["detail"].get("outcome")) for e in rows}
        assert ("olga", "session", "login", None) in seen
        assert ("olga", "session", "login-failed", None) in seen
        assert ("olga", "http", "POST", "csrf-rejected") in seen
        assert ("vic", "http", "POST", "forbidden") in seen
        assert ("olga", "campaign", "create", None) in seen


async def test_login_is_throttled_per_client(tmp_path):
    async with orchestrator(tmp_path, rows=[]) as running, cookie_session() as http:
        await user(running, "olga", Role.OPERATOR)
        for _ in range(5):
            assert (await login(http, running.url, "olga", "not the password")).status == 401
        assert (await login(http, running.url, "olga")).status == 429  # even the right password, for a while


async def test_auth_can_be_turned_off_for_a_lab(tmp_path):
    async with orchestrator(tmp_path, rows=[], auth_required=False) as running, aiohttp.ClientSession() as http:
        async with http.get(running.url + "/api/v1/events") as r:
            assert r.status == 200


# ------------------------------------------------------------------ commands
@pytest.fixture
def cli_logging():
    """The CLI configures logging onto CliRunner's captured stderr; put back the logging set-up
    that was there before, so later tests neither log into a closed stream nor see a change."""
    import logging

    import structlog

    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


def test_token_user_and_audit_commands(tmp_path, cli_logging):
    runner = CliRunner()
    db = ["--database-url", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"]
    r = runner.invoke(cli, ["token", "create", "--role", "operator", "--name", "ci", "--expires", "30d", *db])
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip().splitlines()[0]
    assert secret.startswith("orc_")
    r = runner.invoke(cli, ["token", "create", "--role", "operator", "--name", "ci", *db])
    assert r.exit_code == 2 and "exists" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["token", "create", "--role", "root", "--name", "x", *db])
    assert r.exit_code == 2 and "viewer, operator, admin" in r.stderr
    r = runner.invoke(cli, ["token", "create", "--role", "viewer", "--name", "x", "--expires", "soon", *db])
    assert r.exit_code == 2 and "30d" in r.stderr
    r = runner.invoke(cli, ["token", "list", "--json", *db])
    [listed] = json.loads(r.stdout)
    assert listed["name"] == "ci" and listed["role"] == "operator" and listed["status"] == "active"
    assert secret not in r.output
    assert runner.invoke(cli, ["token", "revoke", "ci", *db]).exit_code == 0
    r = runner.invoke(cli, ["token", "list", *db])
    assert "revoked" in r.stdout
    r = runner.invoke(cli, ["token", "revoke", "ci", *db])
    assert r.exit_code == 2 and "already revoked" in r.stderr

    r = runner.invoke(cli, ["user", "add", "olga", "--role", "operator", "--password-stdin", *db],
                      input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["user", "add", "pat", "--role", "viewer", "--password-stdin", *db], input="short\n")
    assert r.exit_code == 2 and "at least" in r.stderr
    r = runner.invoke(cli, ["user", "add", "pat", "--role", "viewer", *db], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    assert "olga\toperator\tenabled" in runner.invoke(cli, ["user", "list", *db]).stdout

    r = runner.invoke(cli, ["audit", "list", "--json", *db])
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["entity"], x["entity_id"], x["action"]) for x in rows] == [
        ("user", "pat", "create"), ("user", "olga", "create"), ("token", "ci", "revoke"), ("token", "ci", "create")]
    assert all(x["actor"].startswith("cli:") and x["detail"]["from"] == "cli" for x in rows)
    r = runner.invoke(cli, ["audit", "list", "--entity", "token", *db])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 2


async def test_demo_admin_token_is_created_once_and_reused(tmp_path):
    settings = Settings(data_dir=tmp_path, http_port=0)
    first = await ensure_demo_admin(settings)
    assert await ensure_demo_admin(settings) == first
    assert (tmp_path / "demo-admin.token").stat().st_mode & 0o777 == 0o600
    engine = make_engine(settings.catalogue_url)
    try:
        users = UserStore(sessionmaker(engine))
        principal = await users.authenticate_token(first)
        assert principal.role is Role.ADMIN
        await users.revoke_token(principal.name)
    finally:
        await engine.dispose()
    second = await ensure_demo_admin(settings)  # the saved one no longer works: a new one
    assert second != first


async def test_console_sign_in_with_an_api_token_ends_with_the_token(tmp_path):
    async with orchestrator(tmp_path, rows=[]) as running, cookie_session() as http:
        url = running.url
        secret = await token(running, Role.ADMIN, "demo-admin")
        async with http.get(url + "/console/login") as r:
            csrf = re.search(r'name="_csrf" value="([^"]+)"', await r.text()).group(1)
        async with http.post(url + "/console/login", data={"token": "orc_not-it", "_csrf": csrf}) as r:
            assert r.status == 401 and "not valid" in await r.text()
            csrf = re.search(r'name="_csrf" value="([^"]+)"', await r.text()).group(1)
        async with http.post(url + "/console/login", data={"token": secret, "_csrf": csrf},
                             allow_redirects=False) as r:
            assert r.status == 303
        async with http.get(url + "/console/audit") as r:
            page = await r.text()
            assert r.status == 200 and 'id="who">demo-admin <span class="role role-admin">' in page
        await running.context.users.revoke_token("demo-admin")
        async with http.get(url + "/console/audit", allow_redirects=False) as r:
            assert r.status == 303  # the session ended with its token


def test_rate_limiter_token_bucket():
    limiter = RateLimiter(rate=2.0, burst=3, max_clients=2)
    assert [limiter.allow("a", now=10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.allow("a", now=10.0) == pytest.approx(0.5)  # empty: one token every 0.5 s
    assert limiter.allow("a", now=10.5) == 0.0
    assert limiter.allow("b", now=10.5) == 0.0  # per client
    limiter.allow("c", now=10.5)  # a third client evicts the least recently seen
    assert limiter.allow("a", now=10.5) == 0.0  # "a" starts again with a full bucket


async def test_api_answers_429_with_retry_after_past_the_rate(tmp_path):
    async with orchestrator(tmp_path, rows=[], api_rate_per_s=1, api_rate_burst=3) as running, \
            aiohttp.ClientSession() as http:
        statuses = []
        for _ in range(5):
            async with http.get(running.url + "/api/v1/events") as r:
                statuses.append(r.status)
                if r.status == 429:
                    assert int(r.headers["Retry-After"]) >= 1
                    assert (await r.json())["title"] == "Too Many Requests"
        assert statuses[:3] == [401, 401, 401] and 429 in statuses[3:]
        async with http.get(running.url + "/healthz") as r:
            assert r.status == 200  # health and metrics are never limited


async def test_openapi_documents_access_errors(tmp_path):
    async with orchestrator(tmp_path, rows=[], api_rate_per_s=50) as running, aiohttp.ClientSession() as http:
        async with http.get(running.url + "/api/v1/openapi.json") as r:
            doc = await r.json()
        operations = [op for item in doc["paths"].values() for op in item.values()]
        assert len(operations) > 10
        assert all({"401", "403", "429"} <= set(op["responses"]) for op in operations)
        assert "/api/v1/audit" in doc["paths"] and "post" in doc["paths"]["/api/v1/tokens"]
