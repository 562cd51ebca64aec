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
    name: str
    where: str = "query"  # query | path
    type: str = "string"
    description: str = ""
    required: bool = False


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


@dataclass
class OpenApi:
    title: str = "orchestrator operator API"
    version: str = __version__
    operations: list[_Operation] = field(default_factory=list)

    def add(self, path: str, method: str, *, summary: str, tag: str, request: type[BaseModel] | None = None,
            response: type[BaseModel] | None = None, status: int = 200, params: tuple[Param, ...] = (),
            errors: tuple[int, ...] = ()) -> None:
        self.operations.append(_Operation(path, method.lower(), summary, tag, request, response, status,
                                          tuple(params), tuple(errors)))

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
                       "description": p.description, "schema": {"type": p.type}} for p in op.params]
            params += [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                       for name in _path_names(op.path) if name not in {p.name for p in op.params}]
            if params:
                item["parameters"] = params
            if op.request is not None:
                item["requestBody"] = {"required": True, "content": {"application/json": {
                    "schema": refs[(op.request, "validation")]}}}
            ok: dict[str, Any] = {"description": "OK" if op.status == 200 else "Created"}
            if op.response is not None:
                ok["content"] = {"application/json": {"schema": refs[(op.response, "validation")]}}
            responses: dict[str, Any] = {str(op.status): ok}
            for code in sorted(set(op.errors) | ({422} if op.request else set())):
                responses[str(code)] = {"description": _ERRORS.get(code, "error"), "content": {
                    "application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}}
            item["responses"] = responses
            paths.setdefault(op.path, {})[op.method] = item
        return {"openapi": "3.1.0", "info": {"title": self.title, "version": self.version},
                "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
                "paths": paths, "components": {"schemas": schemas}}


_ERRORS = {400: "bad request", 404: "not found", 409: "conflict with the resource's state",
           422: "invalid input or a broken program constraint"}


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
