#!/usr/bin/env python3
"""Install, start and stop the real services the tests and the scale-out runtime need.

Apache Kafka (KRaft, broker+controller in one JVM) from Maven Central jars, PostgreSQL and
Prometheus from Debian packages. Each runs on 127.0.0.1 on a free port, in a directory of its
own, and is stopped by pid. Standard library only, so it runs before any virtualenv exists.

    python3 scripts/services/services.py install [kafka postgres prometheus chromium]
    python3 scripts/services/services.py start kafka --dir /tmp/k    # prints KEY=VALUE lines
    python3 scripts/services/services.py stop kafka --dir /tmp/k
    python3 scripts/services/services.py start kafka --dir /tmp/k    # again: same port, same data
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("ORCHESTRATOR_CACHE", Path.home() / ".cache" / "orchestrator"))
KAFKA_POM = HERE / "kafka-pom.xml"
KAFKA_HEAP = os.environ.get("ORCHESTRATOR_KAFKA_HEAP", "-Xmx512m")
APT_PACKAGES = {"postgres": ["postgresql"], "prometheus": ["prometheus"], "chromium": ["chromium"]}


class ServiceError(RuntimeError):
    """A service could not be installed or started; the message says why in one line."""


def log(msg: str) -> None:
    print(f"[services] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServiceError(f"{what} exited with code {proc.returncode} before accepting connections")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise ServiceError(f"{what} did not accept connections on 127.0.0.1:{port} within {timeout:.0f}s")


def write_env(directory: Path, values: dict[str, str]) -> None:
    (directory / "service.json").write_text(json.dumps(values))
    for k, v in values.items():
        print(f"{k}={v}")


def read_env(directory: Path) -> dict[str, str]:
    path = directory / "service.json"
    return json.loads(path.read_text()) if path.exists() else {}


def stop_pid(pid: int, timeout: float = 20.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # Reap our own child if we started it in this process.
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------- install

def apt_install(packages: list[str]) -> None:
    if os.geteuid() != 0:
        raise ServiceError(f"need root to apt-get install {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"apt-get install {' '.join(packages)}")
    stamp = Path("/var/lib/apt/periodic/update-success-stamp")
    lists = list(Path("/var/lib/apt/lists").glob("*Packages*"))
    if not lists or (stamp.exists() and time.time() - stamp.stat().st_mtime > 86400):
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def postgres_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]))
    return Path(candidates[-1]).parent if candidates else None


def installed(name: str) -> bool:
    if name == "postgres":
        return postgres_bindir() is not None
    if name == "prometheus":
        return shutil.which("prometheus") is not None
    if name == "chromium":
        return Path("/usr/bin/chromium").exists()
    if name == "kafka":
        return kafka_jars_dir().is_dir() and any(kafka_jars_dir().glob("kafka_2.13-*.jar"))
    raise ServiceError(f"unknown service {name!r}")


def kafka_version() -> str:
    text = KAFKA_POM.read_text()
    return text.split("<kafka.version>")[1].split("</kafka.version>")[0]


def kafka_jars_dir() -> Path:
    return CACHE / f"kafka-{kafka_version()}" / "libs"


def install_kafka() -> None:
    target = kafka_jars_dir()
    if shutil.which("mvn") is None:
        raise ServiceError("mvn (Apache Maven) is not on PATH: cannot fetch the Kafka jars")
    if shutil.which("java") is None:
        raise ServiceError("java is not on PATH: Kafka needs Java 17+")
    log(f"fetching Apache Kafka {kafka_version()} jars from Maven Central into {target}")
    tmp = target.with_name("libs.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["mvn", "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
                    f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"], check=True)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def install(names: list[str]) -> None:
    apt: list[str] = []
    for name in names:
        if installed(name):
            continue
        if name == "kafka":
            install_kafka()
        else:
            apt += APT_PACKAGES[name]
    if apt:
        apt_install(apt)
    for name in names:
        if not installed(name):
            raise ServiceError(f"{name} is still missing after install")


# --------------------------------------------------------------------------- kafka

KAFKA_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {dir}/kafka.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
"""


@dataclass
class Started:
    pid: int
    env: dict[str, str]


def start_kafka(directory: Path, partitions: int = 4) -> Started:
    """Start a broker in ``directory``; started there before, it comes back on the same ports with
    the same data (a restart: clients reconnect to the address they know)."""
    if not installed("kafka"):
        raise ServiceError("Kafka jars are not in the cache: run `services.py install kafka` first")
    directory.mkdir(parents=True, exist_ok=True)
    before = read_env(directory)
    if before.get("KAFKA_PORT") and before.get("KAFKA_CONTROLLER_PORT"):
        port, controller_port = int(before["KAFKA_PORT"]), int(before["KAFKA_CONTROLLER_PORT"])
    else:
        port, controller_port = free_port(), free_port()
    classpath = f"{kafka_jars_dir()}/*"
    props = directory / "server.properties"
    props.write_text("\n".join([
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{controller_port}",
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        f"log.dirs={directory / 'data'}",
        f"num.partitions={partitions}",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "log.flush.interval.messages=10000",
        "num.network.threads=2",
        "num.io.threads=2",
        "background.threads=2",
        "",
    ]))
    (directory / "log4j2.properties").write_text(KAFKA_LOG4J2.format(dir=directory))
    java = ["java", KAFKA_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={directory / 'log4j2.properties'}", "-cp", classpath]
    if not (directory / "data" / "meta.properties").exists():  # a restart keeps its cluster id
        subprocess.run([*java, "kafka.tools.StorageTool", "format", "-t", base64_uuid(), "-c", str(props),
                        "--ignore-formatted"], check=True, stdout=subprocess.DEVNULL)
    out = open(directory / "kafka.out", "ab")
    proc = subprocess.Popen([*java, "kafka.Kafka", str(props)], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_for_port(port, 90, proc, "kafka")
    except ServiceError:
        stop_pid(proc.pid)
        raise ServiceError(f"kafka did not start; see {directory / 'kafka.out'} and kafka.log")
    env = {"KAFKA_BOOTSTRAP": f"127.0.0.1:{port}", "KAFKA_PID": str(proc.pid), "KAFKA_PORT": str(port),
           "KAFKA_CONTROLLER_PORT": str(controller_port)}
    write_env(directory, env)
    return Started(proc.pid, env)


def base64_uuid() -> str:
    """A cluster id as Kafka makes them. Like Kafka's Uuid.randomUuid, never one starting with "-":
    StorageTool would read it as an option and refuse to format (1 start in 64 failed)."""
    import base64
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


# --------------------------------------------------------------------------- postgres

def _as_postgres_user() -> list[str]:
    # initdb refuses to run as root; CI runs as root, so hand the cluster to the postgres user.
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ServiceError("running as root but there is no 'postgres' user to own the cluster")
    return ["runuser", "-u", "postgres", "--"]


def start_postgres(directory: Path) -> Started:
    """Start a cluster in ``directory``; started there before, it comes back on the same port with
    the same databases (a restart)."""
    bindir = postgres_bindir()
    if bindir is None:
        raise ServiceError("PostgreSQL server binaries not found: run `services.py install postgres`")
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    wrap = _as_postgres_user()
    if wrap:
        shutil.chown(directory, "postgres", "postgres")
        directory.chmod(0o755)
        for parent in directory.parents:  # the postgres user must be able to reach the directory
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    before = read_env(directory)
    port = int(before["POSTGRES_PORT"]) if before.get("POSTGRES_PORT") else free_port()
    if not (data / "PG_VERSION").exists():
        subprocess.run([*wrap, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    opts = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c shared_buffers=64MB -c max_connections=50")
    subprocess.run([*wrap, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "postgres.log"),
                    "-o", opts, "-w", "-t", "60", "start"], check=True, stdout=subprocess.DEVNULL)
    pid = int((data / "postmaster.pid").read_text().split()[0])
    if not before:
        subprocess.run([str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q",
                        "-c", "CREATE DATABASE orchestrator"], check=True)
    env = {"POSTGRES_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/orchestrator",
           "POSTGRES_PORT": str(port), "POSTGRES_PID": str(pid), "POSTGRES_DATA": str(data)}
    write_env(directory, env)
    return Started(pid, env)


def stop_postgres(directory: Path) -> None:
    env = read_env(directory)
    bindir = postgres_bindir()
    if env.get("POSTGRES_DATA") and bindir:
        subprocess.run([*_as_postgres_user(), str(bindir / "pg_ctl"), "-D", env["POSTGRES_DATA"],
                        "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elif env.get("POSTGRES_PID"):
        stop_pid(int(env["POSTGRES_PID"]))


# --------------------------------------------------------------------------- prometheus

def start_prometheus(directory: Path, scrape_targets: list[str]) -> Started:
    binary = shutil.which("prometheus")
    if binary is None:
        raise ServiceError("prometheus not found: run `services.py install prometheus`")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = directory / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: orchestrator\n    static_configs:\n"
        f"      - targets: {json.dumps(scrape_targets)}\n")
    out = open(directory / "prometheus.out", "ab")
    proc = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={directory / 'data'}",
                             f"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle"],
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise ServiceError(f"prometheus exited with {proc.returncode}; see {directory / 'prometheus.out'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_pid(proc.pid)
            raise ServiceError("prometheus not ready within 60s")
        time.sleep(0.3)
    env = {"PROMETHEUS_URL": f"http://127.0.0.1:{port}", "PROMETHEUS_PID": str(proc.pid)}
    write_env(directory, env)
    return Started(proc.pid, env)


# --------------------------------------------------------------------------- CLI

def start(name: str, directory: Path, **kw) -> Started:
    if name == "kafka":
        return start_kafka(directory)
    if name == "postgres":
        return start_postgres(directory)
    if name == "prometheus":
        return start_prometheus(directory, kw.get("targets") or [])
    raise ServiceError(f"unknown service {name!r}")


def stop(name: str, directory: Path) -> None:
    if name == "postgres":
        stop_postgres(directory)
        return
    env = read_env(directory)
    pid = env.get(f"{name.upper()}_PID")
    if pid:
        stop_pid(int(pid))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="install services (apt-get / mvn) unless present")
    p_install.add_argument("names", nargs="*", default=["kafka", "postgres", "prometheus", "chromium"])
    for cmd in ("start", "stop"):
        p = sub.add_parser(cmd, help=f"{cmd} one service")
        p.add_argument("name", choices=["kafka", "postgres", "prometheus"])
        p.add_argument("--dir", required=True, type=Path, help="the service's own working directory")
        if cmd == "start":
            p.add_argument("--target", action="append", default=[], help="prometheus scrape target host:port")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            install(args.names)
        elif args.command == "start":
            start(args.name, args.dir.resolve(), targets=args.target)
        else:
            stop(args.name, args.dir.resolve())
    except (ServiceError, subprocess.CalledProcessError) as exc:
        print(f"services: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
