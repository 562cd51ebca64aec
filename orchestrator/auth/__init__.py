"""Access control for the operator API and console.

- ``store.users``: users (scrypt passwords) and API tokens (SHA-256 of a 256-bit secret) with
  roles viewer < operator < admin; expiry and revocation; audit queries.
- ``auth.sessions``: the console's session cookie, signed with HMAC-SHA256 under a secret from
  settings (``session_secret``) or generated once into ``data_dir/session.key``; it carries the
  user name, expiry and the session's CSRF token.
- ``auth.middleware``: who is calling (``Authorization: Bearer`` on /api/, the session cookie on
  /console/), what the route needs (GET viewer, state-changing operator, token and user
  management admin), CSRF on console forms, secure headers on every response, and an audit row
  for every state-changing call (who, when, what, from where, outcome). /healthz, /metrics, the
  OpenAPI document, the login page and static files are open; /iec/ keeps its own per-head-end
  HTTP basic auth.
- ``auth.api``: GET /api/v1/audit, /api/v1/tokens (admin).
- ``ensure_demo_admin(settings)``: an admin token for ``orchestrator demo``.
"""
from __future__ import annotations

from orchestrator.auth.demo import ensure_demo_admin
from orchestrator.store.users import Principal, Role, UserError, UserStore

__all__ = ["Principal", "Role", "UserError", "UserStore", "ensure_demo_admin"]
