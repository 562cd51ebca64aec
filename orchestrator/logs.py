"""Structured logs (structlog): JSON lines by default, with correlation ids bound per message."""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, clear_contextvars

__all__ = ["configure_logging", "get_logger", "bind_contextvars", "bound_contextvars", "clear_contextvars",
           "set_fields", "reset_fields"]

# The fields of the record being processed, computed only when something is logged: binding them
# eagerly (a context variable per field, per record) cost more than correlating the record itself.
_LAZY_FIELDS: ContextVar[Callable[[], dict[str, Any]] | None] = ContextVar("orchestrator_log_fields", default=None)


# Set and reset around each record by the runtimes, directly rather than in a context manager: this
# runs once per record.
set_fields = _LAZY_FIELDS.set
reset_fields = _LAZY_FIELDS.reset


def _merge_lazy_fields(logger, method: str, event: dict) -> dict:
    fields = _LAZY_FIELDS.get()
    if fields is not None:
        for k, v in fields().items():
            event.setdefault(k, v)
    return event


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now: test runners and daemons swap it after start."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    renderer = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,  # correlation_id, message_id, campaign ...
            _merge_lazy_fields,  # the same, of the record being processed
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=False,
    )
    # Libraries (aiohttp, faust, aiokafka, alembic) log through stdlib logging: same stream, same level.
    logging.basicConfig(stream=_CurrentStderr(), level=max(logging.getLevelName(level.upper()), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
