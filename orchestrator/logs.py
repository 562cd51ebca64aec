"""Structured logs (structlog): JSON lines by default, with correlation ids bound per message.

Secrets are never logged: callers do not pass them, and as a second line ``_redact`` replaces the
value of any field named like a secret (``authorization``, ``cookie``, ``password``, ``token``,
``secret``, ``*_password`` ...) and the password of any ``scheme://user:password@host`` URL in a
string field by ``****``; library records (stdlib logging) get the URL rule too.
"""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Mapping
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


SENSITIVE_KEYS = frozenset({"authorization", "proxy_authorization", "cookie", "cookies", "set_cookie", "password",
                            "passwd", "secret", "token", "api_token", "credentials", "csrf", "_csrf", "x_csrf_token",
                            "session_secret", "admin_password"})
SENSITIVE_SUFFIXES = ("_password", "_secret", "_token", "_cookie")
MASK = "****"
# The password runs to the last "@" before whitespace, as a URL parser reads an unencoded one.
_URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^/\s:@]*:)\S*@", re.IGNORECASE)


def _sensitive(key: object) -> bool:
    k = str(key).lower().replace("-", "_")
    return k in SENSITIVE_KEYS or k.endswith(SENSITIVE_SUFFIXES)


def mask_url_passwords(text: str) -> str:
    """``scheme://user:password@host`` -> ``scheme://user:****@host``, anywhere in ``text`` (log
    lines, and settings shown by ``config show``)."""
    return _URL_PASSWORD.sub(rf"\1{MASK}@", text) if "://" in text and "@" in text else text


def _masked(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return mask_url_passwords(value)
    if isinstance(value, Mapping) and depth < 3:  # e.g. headers or a form passed whole
        return {k: MASK if _sensitive(k) and v not in (None, "") else _masked(v, depth + 1) for k, v in value.items()}
    return value


def _redact(logger, method: str, event: dict) -> dict:
    for key, value in event.items():
        event[key] = MASK if _sensitive(key) and value not in (None, "") else _masked(value)
    return event


class _RedactUrlPasswords(logging.Filter):
    """The URL rule for library records (aiohttp, SQLAlchemy, APScheduler log through stdlib logging)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format is the handler's to report, not the caller's crash
            return True
        masked = mask_url_passwords(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


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
            _redact,  # last before rendering: bound, lazy and exception fields included
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=False,
    )
    # Libraries (aiohttp, faust, aiokafka, alembic) log through stdlib logging: same stream, same level.
    logging.basicConfig(stream=_CurrentStderr(), level=max(logging.getLevelName(level.upper()), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RedactUrlPasswords())
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
