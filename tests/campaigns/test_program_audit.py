"""Program changes in the audit log: loading the programs directory writes one audit row per program
created, modified or removed since the last load, in the transaction of the catalogue upsert, and
nothing for an unchanged program. The rows are read back through ``orchestrator audit list`` (a
subprocess on the same catalogue) and ``GET /api/v1/audit`` of a started orchestrator."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml
from sqlalchemy import select

from orchestrator.core.programs import load_programs
from orchestrator.store.campaigns import PROGRAMS_ACTOR, CampaignStore, ProgramRow
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.users import Role
from tests.console.helpers import orchestrator, token

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "programs"


def audit_cli(url: str) -> list[dict]:
    """Program rows of the audit log, newest first, as ``orchestrator audit list`` prints them."""
    r = subprocess.run([sys.executable, "-m", "orchestrator.cli", "audit", "list", "--entity", "program", "--json",
                        "--limit", "1000", "--database-url", url], check=False, cwd=ROOT, capture_output=True,
                       text=True, timeout=60, env={**os.environ, "ORCHESTRATOR_LOG_LEVEL": "warning"})
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


async def sync(store: CampaignStore, directory: Path) -> list[dict]:
    return await store.sync_programs(load_programs([directory]).values(), source=str(directory))


async def program_changes_are_audited_once_each(url: str, tmp_path: Path) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        store = CampaignStore(sessionmaker(engine))
        directory = tmp_path / "programs"
        shutil.copytree(SHIPPED, directory)
        shipped = sorted(load_programs([SHIPPED]))
        assert len(shipped) >= 5

        # first load of an empty catalogue: one create per program
        await sync(store, directory)
        rows = audit_cli(url)
        assert sorted((r["entity_id"], r["action"]) for r in rows) == [(p, "create") for p in shipped]
        assert all(r["actor"] == PROGRAMS_ACTOR and r["detail"]["from"] == str(directory) for r in rows)

        # the same directory again: nothing new
        assert await sync(store, directory) == []
        assert len(audit_cli(url)) == len(shipped)

        # one field of one program changed: one modify naming it, with the old and new value
        path = directory / "ac-cycling.yaml"
        doc = yaml.safe_load(path.read_text())
        old_priority = doc["priority"]
        doc["priority"] = old_priority + 1
        path.write_text(yaml.safe_dump(doc))
        await sync(store, directory)
        rows = audit_cli(url)
        assert len(rows) == len(shipped) + 1
        newest = rows[0]
        assert (newest["entity_id"], newest["action"], newest["actor"]) == ("ac-cycling", "modify", PROGRAMS_ACTOR)
        assert newest["detail"] == {"from": str(directory), "fields": ["priority"],
                                    "old": {"priority": old_priority}, "new": {"priority": old_priority + 1}}
        async with store.sessions() as s:
            stored = (await s.execute(select(ProgramRow.definition).where(ProgramRow.id == "ac-cycling"))).scalar_one()
        assert json.loads(stored)["priority"] == old_priority + 1  # the upsert and its audit row went together

        # one program removed: one remove row, its catalogue row kept (campaigns name it by id)
        (directory / "water-heater-shed.yaml").unlink()
        await sync(store, directory)
        rows = audit_cli(url)
        assert len(rows) == len(shipped) + 2
        assert (rows[0]["entity_id"], rows[0]["action"]) == ("water-heater-shed", "remove")
        assert rows[0]["detail"]["from"] == str(directory)
        async with store.sessions() as s:
            kept = (await s.execute(select(ProgramRow.id))).scalars().all()
        assert "water-heater-shed" in kept

        # still removed on the next load: not reported twice
        assert await sync(store, directory) == []
        assert len(audit_cli(url)) == len(shipped) + 2

        # back again: a create, once
        shutil.copy(SHIPPED / "water-heater-shed.yaml", directory)
        [back] = await sync(store, directory)
        assert (back["entity_id"], back["action"], back["detail"]["again"]) == ("water-heater-shed", "create", True)
        assert await sync(store, directory) == []
        assert len(audit_cli(url)) == len(shipped) + 3
    finally:
        await engine.dispose()


async def test_program_changes_are_audited_once_each_on_sqlite(tmp_path):
    await program_changes_are_audited_once_each(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path)


async def test_program_changes_are_audited_once_each_on_postgresql(tmp_path, postgres_url):
    await program_changes_are_audited_once_each(postgres_url, tmp_path)


async def test_a_started_orchestrator_audits_its_programs_directory(tmp_path):
    """``serve`` syncs the programs directory at start; the rows are in ``GET /api/v1/audit``."""
    async with orchestrator(tmp_path, rows=[]) as running, aiohttp.ClientSession() as http:
        viewer = await token(running, Role.VIEWER)
        async with http.get(running.url + "/api/v1/audit", params={"entity": "program"},
                            headers={"Authorization": f"Bearer {viewer}"}) as r:
            assert r.status == 200, await r.text()
            items = (await r.json())["items"]
        directory = str(running.settings.programs_dir.resolve())
        assert sorted((e["entity_id"], e["action"], e["actor"], e["detail"]["from"]) for e in items) == [
            (p, "create", PROGRAMS_ACTOR, directory) for p in sorted(load_programs([running.settings.programs_dir]))]


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch):
    """The CLI subprocess reads ORCHESTRATOR_* settings: none from the caller's shell."""
    for name in list(os.environ):
        if name.startswith("ORCHESTRATOR_"):
            monkeypatch.delenv(name)
