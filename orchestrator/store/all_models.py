"""Imports every table module so ``Base.metadata`` knows the whole catalogue (alembic, tests)."""
from orchestrator.store import models, topology  # noqa: F401
