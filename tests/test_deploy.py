"""No Docker engine here: check the Dockerfile and compose file statically against the repo."""
from __future__ import annotations

import shlex
from pathlib import Path

import typer.main
import yaml

from orchestrator.cli import app

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def cli_paths() -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()

    def walk(cmd, path):
        out.add(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return out


def assert_real_command(argv: list[str]) -> None:
    words = [w for w in argv if not w.startswith("-")]
    paths = cli_paths()
    # The longest prefix of the words that is a command must be a leaf or take arguments.
    assert (words[0],) in paths, f"{argv}: {words[0]!r} is not an orchestrator subcommand"
    if len(words) > 1 and (words[0], words[1]) in paths:
        return
    leaf = typer.main.get_command(app).commands[words[0]]
    assert not hasattr(leaf, "commands"), f"{argv}: {words[0]} needs a subcommand"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in lines]


def test_dockerfile_is_multi_stage_non_root_with_healthcheck_and_real_entrypoint():
    ins = dockerfile_instructions()
    assert sum(1 for k, _ in ins if k == "FROM") >= 2
    for kind, arg in ins:
        if kind == "COPY" and "--from=" not in arg:
            *sources, _dest = shlex.split(arg)
            for src in sources:
                assert (ROOT / src).exists(), f"COPY source {src} missing"
    users = [arg for kind, arg in ins if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    health = next(arg for kind, arg in ins if kind == "HEALTHCHECK")
    assert "/healthz" in health
    import json
    entry = json.loads(next(arg for kind, arg in ins if kind == "ENTRYPOINT"))
    cmd = json.loads(next(arg for kind, arg in ins if kind == "CMD"))
    assert entry == ["orchestrator"] and cmd == ["serve"]
    assert_real_command(cmd)


def test_compose_mounts_exist_and_commands_are_real_subcommands():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"kafka", "postgres", "prometheus", "grafana", "api", "worker"} <= set(services)
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (DEPLOY / source).resolve().exists(), f"{name}: mount source {source} missing"
        if "build" in svc:
            context = svc["build"] if isinstance(svc["build"], str) else svc["build"]["context"]
            assert (DEPLOY / context / "Dockerfile").exists()
            assert_real_command(svc["command"])
            env = svc["environment"]
            assert all(k.startswith("ORCHESTRATOR_") for k in env)


def test_compose_environment_names_real_settings():
    from orchestrator.settings import Settings

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env = compose["services"]["api"]["environment"]
    fields = {f"ORCHESTRATOR_{n.upper()}" for n in Settings.model_fields}
    assert set(env) <= fields


def test_prometheus_config_scrapes_the_api():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = [t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]]
    assert "api:8080" in targets
