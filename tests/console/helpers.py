"""A running orchestrator with access control on, a small topology and relaxed programs, for the
auth and console tests."""
from __future__ import annotations

import re
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
import yaml

from orchestrator.service import Running, start
from orchestrator.settings import Settings
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.topology import TopologyStore
from orchestrator.store.users import Role

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
PASSWORD = "correct horse battery"


def relaxed_programs(directory: Path) -> Path:
    """The shipped AC-cycling and water-heater programs without season, hours, notice and
    randomisation limits, so an event can start now on any date; minimum duration 1 minute."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("ac-cycling", "water-heater-shed"):
        doc = yaml.safe_load((PROGRAMS / f"{name}.yaml").read_text())
        limits = doc["limits"]
        for key in ("season", "allowed_hours", "max_events_per_season"):
            limits.pop(key, None)
        limits.update(min_notice_minutes=0, min_duration_minutes=1)
        doc["randomisation"] = {"start_minutes": 0, "end_minutes": 0}
        doc.pop("ramp", None)
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(doc))
    return directory


def topology_rows(feeders: tuple[str, ...] = ("F1", "F2"), per_feeder: int = 12) -> list[dict]:
    """Thermostats (AC cycling), water heaters and meters on each feeder, two per transformer."""
    rows = []
    for f in feeders:
        for i in range(per_feeder):
            kind, program = [("thermostat", "ac-cycling"), ("water_heater", "water-heater-shed"),
                             ("meter", "")][i % 3]
            rows.append({"substation": "S1", "feeder": f, "transformer": f"{f}-T{i // 6}", "usage_point": f"UP-{f}-{i:03d}",
                         "device": f"{f}-{kind[:2].upper()}{i:03d}", "kind": kind, "headend": "hes-1",
                         "vendor": "standard", "customer": f"C-{f}-{i:03d}", "agreement": f"A-{f}-{i:03d}",
                         "supplier": "retail-x", "programs": program, "groups": "north" if f == "F1" else "south",
                         "rated_kw": 2.5})
    return rows


@asynccontextmanager
async def orchestrator(tmp_path: Path, rows: list[dict] | None = None, **overrides):
    settings = Settings(**{"data_dir": tmp_path / "orchestrator", "http_port": 0, "auth_required": True,
                           "api_rate_per_s": Settings.model_fields["api_rate_per_s"].default,  # as deployed
                           "programs_dir": relaxed_programs(tmp_path / "programs"), **overrides})
    if rows is None:
        rows = topology_rows()
    if rows:  # before start: the outage detector loads its topology when the service starts
        await upgrade_async(settings.catalogue_url)
        engine = make_engine(settings.catalogue_url)
        try:
            report = await TopologyStore(sessionmaker(engine)).import_rows(rows)
        finally:
            await engine.dispose()
        assert report.rejected in ([], None), report.rejected
    async with AsyncExitStack() as stack:
        yield await start(settings, stack)


async def token(running: Running, role: Role, name: str | None = None, **kw) -> str:
    return await running.context.users.create_token(name or f"t-{role.label}", role, created_by="test", **kw)


async def user(running: Running, name: str, role: Role) -> None:
    await running.context.users.add_user(name, role, PASSWORD)


def cookie_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies from 127.0.0.1


async def login(http: aiohttp.ClientSession, url: str, name: str, password: str = PASSWORD) -> aiohttp.ClientResponse:
    async with http.get(f"{url}/console/login") as r:
        csrf = re.search(r'name="_csrf" value="([^"]+)"', await r.text()).group(1)
    async with http.post(f"{url}/console/login", data={"name": name, "password": password, "_csrf": csrf,
                                                       "next": "/console/events"}, allow_redirects=False) as r:
        await r.read()
        return r


async def csrf_of(http: aiohttp.ClientSession, url: str, page: str = "/console/events/new") -> str:
    async with http.get(url + page) as r:
        assert r.status == 200, await r.text()
        return re.search(r'name="_csrf" value="([^"]+)"', await r.text()).group(1)
