"""REST: the dead-letter store, newest first (messages no processor could handle, and why)."""
from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field, RootModel

from orchestrator.api.openapi import Param, spec
from orchestrator.api.params import query_int

PATH = "/api/v1/deadletters"


class DeadLetter(BaseModel):
    id: int
    source_topic: str
    code: str = Field(description="the IEC 61968-100 error code, or the processor's")
    reason: str
    key: str | None
    message_id: str | None
    processor: str | None
    recorded_at: datetime


class DeadLetterList(RootModel[list[DeadLetter]]):
    pass


async def list_dead_letters(request: web.Request) -> web.Response:
    from orchestrator.api.app import CONTEXT

    ctx = request.app[CONTEXT]
    limit = query_int(request, "limit", 100, 1, 1000)
    letters = await ctx.dead_letters.list(source_topic=request.query.get("source_topic"), limit=limit)
    return web.json_response([{
        "id": d.id, "source_topic": d.source_topic, "code": d.code, "reason": d.reason, "key": d.key,
        "message_id": d.message_id, "processor": d.processor, "recorded_at": d.recorded_at.isoformat(),
    } for d in letters])


def register(app: web.Application) -> None:
    app.router.add_get(PATH, list_dead_letters)
    spec(app).add(PATH, "GET", summary="Dead letters, newest first", tag="operations", response=DeadLetterList,
                  params=(Param("source_topic"), Param("limit", type="integer", minimum=1, maximum=1000)),
                  errors=(400,))
