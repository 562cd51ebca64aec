"""An admin token for ``orchestrator demo``: created once, kept (mode 0600) in the data directory."""
from __future__ import annotations

import os
import secrets

from sqlalchemy.exc import DBAPIError

from orchestrator.settings import Settings

DEMO_TOKEN_FILE = "demo-admin.token"


async def ensure_demo_admin(settings: Settings) -> str:
    """Return a working admin token: the one saved in ``data_dir`` if it still authenticates,
    else a new one (``demo-admin-<random>``), saved for the next run. Migrates the catalogue
    only if its tables are missing (a started service has done it already)."""
    from orchestrator.store.db import upgrade_async

    try:
        return await _ensure(settings)
    except DBAPIError:  # no api_token table yet: a catalogue nobody has migrated
        await upgrade_async(settings.catalogue_url)
        return await _ensure(settings)


async def _ensure(settings: Settings) -> str:
    from orchestrator.store.db import make_engine, sessionmaker
    from orchestrator.store.users import Role, UserStore

    path = settings.data_dir / DEMO_TOKEN_FILE
    engine = make_engine(settings.catalogue_url)
    try:
        users = UserStore(sessionmaker(engine))
        if path.is_file():
            saved = path.read_text().strip()
            principal = await users.authenticate_token(saved)
            if principal is not None and principal.role == Role.ADMIN:
                return saved
        name = f"demo-admin-{secrets.token_hex(4)}"
        token = await users.create_token(name, Role.ADMIN, created_by="demo")
        await users.audit("demo", "token", name, "create", {"role": "admin", "expires_at": None})
    finally:
        await engine.dispose()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.replace(tmp, path)
    return token
