"""Every REST route under /api/v1 is in the OpenAPI document, and the document names no route
that does not exist: what schemathesis checks is then the whole API."""
from __future__ import annotations

from aiohttp import web

from orchestrator.api.app import AppContext, create_app
from orchestrator.api.openapi import OPENAPI
from orchestrator.settings import Settings

API = "/api/v1/"
# Routes under /api/v1 deliberately not in the document, with the reason.
LEFT_OUT = {
    ("GET", "/api/v1/openapi.json"): "the document itself",
}


class _Publisher:
    async def publish(self, records) -> None:  # routes are only listed here, never called
        raise AssertionError("not called")


def _app(tmp_path) -> web.Application:
    return create_app(AppContext(settings=Settings(data_dir=tmp_path, http_port=0), publisher=_Publisher(),
                                 dead_letters=None))


def _routes(app: web.Application) -> set[tuple[str, str]]:
    """(method, path template) of every route under /api/v1; HEAD is aiohttp's automatic twin of GET."""
    out = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix") or ""
        if path.startswith(API) and route.method != "HEAD":
            out.add((route.method, path))
    return out


def _documented(app: web.Application) -> set[tuple[str, str]]:
    paths = app[OPENAPI].document()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


def test_every_api_route_is_documented(tmp_path):
    app = _app(tmp_path)
    missing = _routes(app) - _documented(app) - set(LEFT_OUT)
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"


def test_the_document_names_only_real_routes(tmp_path):
    app = _app(tmp_path)
    assert not _documented(app) - _routes(app)
    assert not set(LEFT_OUT) & _documented(app)  # a route left out on purpose is not half-documented
    assert set(LEFT_OUT) <= _routes(app)  # and still exists (else the entry is stale)


def test_every_operation_documents_the_statuses_any_request_may_get(tmp_path):
    app = _app(tmp_path)
    for path, item in app[OPENAPI].document()["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert "503" in codes, (method, path)  # the catalogue database may be down
            if "requestBody" in op:
                assert "413" in codes, (method, path)  # over max_body_bytes
            names = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names == {part[1:-1] for part in path.split("/") if part.startswith("{")}, (method, path)
