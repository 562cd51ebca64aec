"""``orchestrator headend add|list|remove`` as a user runs them, against a real catalogue."""
from __future__ import annotations

import asyncio
import json

from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.store.db import make_engine, sessionmaker
from orchestrator.store.headends import HeadendStore, verify_password

runner = CliRunner()


def run(tmp_path, *args):
    env = {"ORCHESTRATOR_DATA_DIR": str(tmp_path), "ORCHESTRATOR_LOG_LEVEL": "warning"}
    return runner.invoke(app, ["headend", *args], env=env)


def authenticate(tmp_path, user, password):
    async def go():
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}")
        try:
            return await HeadendStore(sessionmaker(engine)).authenticate(user, password)
        finally:
            await engine.dispose()
    return asyncio.run(go())


def test_add_prints_credentials_that_authenticate_and_list_remove(tmp_path):
    out = run(tmp_path, "add", "hes-north", "--url", "http://10.0.0.5:8443/iec", "--vendor", "mesh-ami",
              "--transport", "soap12", "--json")
    assert out.exit_code == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["username"] == "hes-north" and len(info["password"]) >= 24
    assert info["endpoint"].endswith("/iec/v1/messages")
    assert authenticate(tmp_path, "hes-north", info["password"]) == "hes-north"
    assert authenticate(tmp_path, "hes-north", info["password"] + "x") is None

    text = run(tmp_path, "add", "hes-south", "--vendor", "connexo")
    assert text.exit_code == 0 and "username: hes-south" in text.stdout and "password: " in text.stdout

    again = run(tmp_path, "add", "hes-north", "--vendor", "mesh-ami")
    assert again.exit_code == 2 and "already has credentials" in again.stderr and "Traceback" not in again.stderr
    rotated = json.loads(run(tmp_path, "add", "hes-north", "--vendor", "mesh-ami", "--rotate", "--json").stdout)
    assert rotated["password"] != info["password"]
    assert authenticate(tmp_path, "hes-north", info["password"]) is None
    assert authenticate(tmp_path, "hes-north", rotated["password"]) == "hes-north"

    listed = json.loads(run(tmp_path, "list", "--json").stdout)
    assert [(h["name"], h["vendor"], h["transport"]) for h in listed] == [
        ("hes-north", "mesh-ami", "soap12"), ("hes-south", "connexo", "bare")]
    assert "password" not in run(tmp_path, "list").stdout

    assert run(tmp_path, "remove", "hes-south").exit_code == 0
    gone = run(tmp_path, "remove", "hes-south")
    assert gone.exit_code == 2 and gone.stderr.strip().endswith("no head-end named hes-south")
    assert [h["name"] for h in json.loads(run(tmp_path, "list", "--json").stdout)] == ["hes-north"]


def test_bad_input_gets_one_line(tmp_path):
    for args, text in ((("add", "x", "--vendor", "nope"), "unknown vendor profile"),
                       (("add", "x", "--url", "ftp://h"), "must start with http"),
                       (("add", "x", "--transport", "smtp"), "transport 'smtp'"),
                       (("add", "a b"), "without ':'")):
        out = run(tmp_path, *args)
        assert out.exit_code == 2 and text in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_password_hash_is_salted_scrypt():
    from orchestrator.store.headends import hash_password

    a, b = hash_password("secret"), hash_password("secret")
    assert a != b and a.startswith("scrypt$") and "secret" not in a
    assert verify_password("secret", a) and not verify_password("Secret", a) and not verify_password("x", "garbage")


async def test_concurrent_checks_of_the_same_credentials_cost_one_scrypt(tmp_path, monkeypatch):
    from orchestrator.store import headends as module
    from orchestrator.store.db import upgrade_async

    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        store = HeadendStore(sessionmaker(engine))
        _, password = await store.add("hes-a", url=None, vendor="standard")
        calls = []
        real = module.verify_password
        monkeypatch.setattr(module, "verify_password", lambda p, h: calls.append(p) or real(p, h))
        results = await asyncio.gather(*(store.authenticate("hes-a", password) for _ in range(10)),
                                       *(store.authenticate("hes-a", "wrong") for _ in range(3)))
        assert results == ["hes-a"] * 10 + [None] * 3
        assert calls.count(password) == 1 and calls.count("wrong") == 1
        assert await store.authenticate("hes-a", password) == "hes-a" and calls.count(password) == 1  # cached
        await store.add("hes-a", url=None, rotate=True)  # a new password forgets what was verified
        assert await store.authenticate("hes-a", password) is None
    finally:
        await engine.dispose()
