"""Imports every table module so ``Base.metadata`` knows the whole catalogue (alembic, tests)."""
from orchestrator.store import models, topology  # noqa: F401
from orchestrator.store import headends  # noqa: F401,E402
from orchestrator.store import masterdata, readings  # noqa: F401,E402
from orchestrator.store import campaigns  # noqa: F401,E402
from orchestrator.store import users  # noqa: F401,E402
from orchestrator.correlation import store as _correlation_store  # noqa: F401,E402
