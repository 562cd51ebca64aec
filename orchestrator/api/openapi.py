"""The OpenAPI 3.1 document at ``/api/v1/openapi.json``, generated from the pydantic models.

Any route module adds its operations with ``spec(app).add(...)`` in its ``register(app)``; the
document is assembled on request from what was added, with every model's JSON Schema (pydantic
emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is) under ``components.schemas``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from orchestrator import __version__

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object", "description": "RFC 9457 problem details",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "instance": {"type": "string"},
                   "violations": {"type": "array", "items": {"type": "object", "properties": {
                       "code": {"type": "string"}, "text": {"type": "string"}}}},
                   "errors": {"type": "array", "items": {"type": "object"}}},
    "required": ["title", "status"],
}


@dataclass(frozen=True)
class Param:
    """A query or path parameter, with the constraints its handler enforces (a 400 otherwise)."""

    name: str
    where: str = "query"  # query | path
    type: str = "string"
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    format: str | None = None  # date-time, date
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    repeated: bool = False  # ?device=a&device=b: an array of values

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type}
        for key, value in (("enum", list(self.enum)), ("format", self.format), ("minimum", self.minimum),
                           ("maximum", self.maximum), ("pattern", self.pattern)):
            if value is not None and value != []:
                schema[key] = value
        return {"type": "array", "items": schema, "minItems": 1} if self.repeated else schema


@dataclass
class _Operation:
    path: str
    method: str
    summary: str
    tag: str
    request: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    params: tuple[Param, ...]
    errors: tuple[int, ...]
    request_required: bool = True
    invalid_body: int = 422


@dataclass
class OpenApi:
    title: str = "orchestrator operator API"
    version: str = __version__
    operations: list[_Operation] = field(default_factory=list)

    def add(self, path: str, method: str, *, summary: str, tag: str, request: type[BaseModel] | None = None,
            response: type[BaseModel] | None = None, status: int = 200, params: tuple[Param, ...] = (),
            errors: tuple[int, ...] = (), request_required: bool = True, invalid_body: int = 422) -> None:
        """``errors``: the problem statuses the handler answers besides those every operation may
        (503) and those of a request body (``invalid_body``, 413 when over ``max_body_bytes``)."""
        self.operations.append(_Operation(path, method.lower(), summary, tag, request, response, status,
                                          tuple(params), tuple(errors), request_required, invalid_body))

    def document(self) -> dict[str, Any]:
        models = {m for op in self.operations for m in (op.request, op.response) if m is not None}
        keyed = [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)]
        refs, schema = models_json_schema(keyed, ref_template=REF) if keyed else ({}, {})
        schemas = dict(schema.get("$defs", {}))
        schemas["Problem"] = PROBLEM_SCHEMA
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            item: dict[str, Any] = {"summary": op.summary, "tags": [op.tag],
                                    "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_')}"
                                    .replace("{", "").replace("}", "")}
            params = [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                       "description": p.description, "schema": p.schema()} for p in op.params]
            params += [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                       for name in _path_names(op.path) if name not in {p.name for p in op.params}]
            if params:
                item["parameters"] = params
            if op.request is not None:
                item["requestBody"] = {"required": op.request_required, "content": {"application/json": {
                    "schema": refs[(op.request, "validation")]}}}
            ok: dict[str, Any] = {"description": _SUCCESS[op.status]}
            if op.response is not None:
                ok["content"] = {"application/json": {"schema": refs[(op.response, "validation")]}}
            responses: dict[str, Any] = {str(op.status): ok}
            for code in sorted(set(op.errors) | ({op.invalid_body, 413} if op.request else set()) | {503}):
                responses[str(code)] = {"description": _ERRORS.get(code, "error"), "content": {
                    "application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}}
                if code in (429, 503):
                    responses[str(code)]["headers"] = {"Retry-After": {
                        "description": "seconds to wait before retrying", "schema": {"type": "integer"}}}
            item["responses"] = responses
            paths.setdefault(op.path, {})[op.method] = item
        return {"openapi": "3.1.0", "info": {"title": self.title, "version": self.version},
                "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
                "paths": paths, "components": {"schemas": schemas}}


_SUCCESS = {200: "OK", 201: "Created", 202: "Accepted"}
_ERRORS = {400: "bad request", 401: "no or bad credentials", 403: "the caller's role is too low",
           404: "not found", 409: "conflict with the resource's state", 413: "request body too large",
           422: "invalid input or a broken program constraint", 429: "rate limit reached",
           503: "the catalogue database is not reachable; retry after the Retry-After header's seconds"}


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


OPENAPI = web.AppKey("openapi", OpenApi)


async def _serve(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI].document())


def spec(app: web.Application) -> OpenApi:
    """The app's document, created (with its route) on first use."""
    if OPENAPI not in app:
        app[OPENAPI] = OpenApi()
        app.router.add_get("/api/v1/openapi.json", _serve)
    return app[OPENAPI]
