"""Composition for access control and the console: ``attach`` (service.start) gives the context
its user store and creates the built-in admin from ``admin_password``; ``register`` (create_app)
installs the middleware, the access-control REST routes and the console."""
from __future__ import annotations

from aiohttp import web

from orchestrator.auth.middleware import Auth, RateLimiter
from orchestrator.auth.middleware import register as register_middleware
from orchestrator.auth.sessions import SessionSigner, load_secret
from orchestrator.logs import get_logger
from orchestrator.store.users import Role, UserError, UserStore

log = get_logger(__name__)
BUILTIN_ADMIN = "admin"


async def attach(context, engine) -> UserStore:
    """Give ``context`` its user store; with ``admin_password`` set, make sure user ``admin`` exists."""
    from orchestrator.store.db import sessionmaker

    users = UserStore(sessionmaker(engine))
    context.users = users
    password = context.settings.admin_password
    if password is not None and password.get_secret_value() and await users.user(BUILTIN_ADMIN) is None:
        try:
            await users.add_user(BUILTIN_ADMIN, Role.ADMIN, password.get_secret_value())
            await users.audit("system", "user", BUILTIN_ADMIN, "create", {"role": "admin", "from": "admin_password"})
        except UserError as exc:
            log.warning("built-in admin not created", reason=str(exc))
    return users


class _LateUsers:
    """The context's user store, looked up per call (``attach`` may run after ``create_app``)."""

    def __init__(self, context):
        self._context = context

    def __getattr__(self, name):
        users = self._context.users
        if users is None:
            raise web.HTTPServiceUnavailable(text="access control is not configured in this process")
        return getattr(users, name)


def register(app: web.Application, context) -> None:
    settings = context.settings
    signer = SessionSigner(load_secret(settings.session_secret.get_secret_value() if settings.session_secret else None,
                                       settings.data_dir), settings.session_max_age_s)
    users = _LateUsers(context) if getattr(context, "users", None) is None else context.users
    limiter = RateLimiter(settings.api_rate_per_s, settings.api_rate_burst) if settings.api_rate_per_s > 0 else None
    register_middleware(app, Auth(users=users, signer=signer, required=settings.auth_required,
                                  cookie_secure=settings.cookie_secure, limiter=limiter))
    from orchestrator.auth import api

    api.register(app)
    from orchestrator import console

    console.register(app)
