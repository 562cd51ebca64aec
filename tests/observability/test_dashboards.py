"""Dashboards as code: the committed JSON is what build.py generates, every panel query parses on
a real Prometheus and names only metrics the orchestrator registers."""
from __future__ import annotations

import subprocess
import sys

import aiohttp

from tests.observability.promql import (
    DASHBOARDS,
    IMPORT_ERRORS,
    committed_dashboards,
    load_build,
    metric_names,
    panel_queries,
    registered_metric_names,
    variable_queries,
)

EXPECTED = {"campaign-overview.json", "campaign-detail.json", "outages.json", "integration.json"}


def test_regenerating_the_json_gives_the_committed_json():
    generated = load_build().generate()
    committed = {name: (DASHBOARDS / "json" / name).read_text() for name in committed_dashboards()}
    assert set(generated) == set(committed), "run python dashboards/build.py"
    for name, text in generated.items():
        assert committed[name] == text, f"dashboards/json/{name} is stale: run python dashboards/build.py"


def test_check_mode_fails_on_stale_json(tmp_path):
    build = load_build()
    build.OUT = tmp_path
    assert build.main([]) == 0
    assert build.main(["--check"]) == 0
    first = sorted(tmp_path.glob("*.json"))[0]
    first.write_text(first.read_text().replace('"title"', '"titel"', 1))
    assert build.main(["--check"]) == 1
    (tmp_path / "extra.json").write_text("{}")
    first.unlink()
    assert build.main(["--check"]) == 1


def test_build_script_runs_from_the_command_line():
    done = subprocess.run([sys.executable, str(DASHBOARDS / "build.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_dashboard_is_there_with_unique_uids_and_panel_ids():
    boards = committed_dashboards()
    assert EXPECTED <= set(boards)
    assert len({b["uid"] for b in boards.values()}) == len(boards)
    for name, board in boards.items():
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), name
        assert any(p.get("targets") for p in board["panels"]), f"{name} has no queries"
        for p in board["panels"]:
            for t in p.get("targets", []):
                assert t["datasource"] == {"type": "prometheus", "uid": "prometheus"}, (name, p["title"])


def test_every_metric_a_panel_names_is_registered_by_the_code():
    registered = registered_metric_names()
    named = {(board, title, m) for board, title, expr in panel_queries() for m in metric_names(expr)}
    named |= {(board, f"variable {var}", metric) for board, var, metric in variable_queries()}
    missing = sorted(f"{board} / {title}: {m}" for board, title, m in named if m not in registered)
    assert not missing, ("panels name metrics no code registers:\n" + "\n".join(missing)
                         + "\nmodules that did not import:\n" + "\n".join(IMPORT_ERRORS))


async def test_every_panel_query_parses_on_a_real_prometheus(prometheus):
    url = prometheus([])
    errors = []
    async with aiohttp.ClientSession() as http:
        for board, title, expr in panel_queries():
            async with http.post(f"{url}/api/v1/query", data={"query": expr}) as r:
                body = await r.json()
            if body["status"] != "success":
                errors.append(f"{board} / {title}: {body.get('error')}: {expr}")
    assert not errors, "\n".join(errors)
