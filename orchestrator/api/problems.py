"""RFC 9457 (formerly 7807) problem details for every REST error, with an id to find the log line."""
from __future__ import annotations

import json
import uuid

from aiohttp import web

from orchestrator.logs import get_logger
from orchestrator.store.unavailable import RETRY_AFTER_S, database_unavailable

log = get_logger(__name__)
PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str = "", *, headers: dict[str, str] | None = None,
            **extra) -> web.Response:
    instance = f"urn:uuid:{uuid.uuid4()}"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance, **extra}
    log.info("problem response", status=status, title=title, detail=detail, instance=instance)
    return web.Response(status=status, text=json.dumps(body), content_type=PROBLEM_TYPE, headers=headers)


def database_unavailable_problem() -> web.Response:
    """503: the catalogue database is down or restarting; the client should retry, nothing is lost."""
    return problem(503, "Service Unavailable", "the catalogue database is not reachable; retry later",
                   headers={"Retry-After": str(RETRY_AFTER_S)})


@web.middleware
async def problem_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == PROBLEM_TYPE or request.path.startswith("/iec/"):
            raise
        return problem(exc.status, exc.reason, exc.text if exc.text and exc.text != f"{exc.status}: {exc.reason}"
                       else "")
    except Exception as exc:  # never leak a traceback to a client; log it with the problem id
        if database_unavailable(exc):  # an outage, not a bug: no traceback, the client retries
            log.warning("database unavailable", path=request.path, error=repr(exc))
            return database_unavailable_problem()
        log.exception("unhandled error", path=request.path)
        return problem(500, "Internal Server Error", type(exc).__name__)
