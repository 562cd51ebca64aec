"""``orchestrator bench``: run the benchmarks in ``bench/`` and print one comparable table.

Each benchmark module exposes ``run(quick: bool) -> list[dict]``; every row has at least
``name``, ``items``, ``items_per_s``, ``ceiling_items_per_s`` (the raw baseline measured in the
same run) and ``ratio``. Each module runs in its own process so its peak RSS is its own. With ``--profile DIR``
the orchestrator's side of each run (what the module wraps in ``orchestrator.profiling.section``,
never its ceiling) is profiled into ``DIR/NAME.txt``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import typer

# Benchmark name -> module file in bench/ (a module may report several benchmarks).
BENCHMARKS = {
    "iec_codec": "iec_codec.py",
    "dispatch": "dispatch.py",
    "correlate_embedded": "correlate.py",
    "correlate_kafka": "correlate.py",
    "outage_storm": "outage_storm.py",
    "readings": "readings.py",
    "iec_endpoint": "iec_endpoint.py",  # HTTP endpoint with the whole embedded service running
    "iec_load": "iec_load.py",  # fixed-rate EndDeviceEvents on the endpoint while a campaign dispatches
}
REQUIRED_KEYS = ("name", "items", "items_per_s", "ceiling_items_per_s", "ratio")

app = typer.Typer(help="Benchmarks against their raw ceilings.")

_CHILD = """
import json, resource, runpy, sys
from orchestrator import profiling
module = runpy.run_path(sys.argv[1], run_name="bench_module")
kwargs = json.loads(sys.argv[3])
rows = module["run"](sys.argv[2] == "quick", **kwargs)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
profiling.write(sys.argv[4])
print(json.dumps({"rows": rows, "peak_rss_mb": peak_mb}))
"""
# A reported ratio may be rounded; it must still be its own rates' quotient.
RATIO_TOLERANCE = 1e-3


def default_bench_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "bench"


def run_module(path: Path, quick: bool, kwargs: dict | None = None, profile: Path | None = None,
               header: str = "") -> tuple[list[dict], float]:
    env = dict(os.environ)
    env.pop("ORCHESTRATOR_BENCH_PROFILE", None)
    if profile is not None:
        env["ORCHESTRATOR_BENCH_PROFILE"] = str(profile)
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), "quick" if quick else "full",
                           json.dumps(kwargs or {}), header], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{path.name} failed: {last}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["rows"], result["peak_rss_mb"]


def headline(name: str, rows: list[dict], peak_rss_mb: float) -> dict:
    """The benchmark's own row if it names one, else its first row; the others go under 'cases'."""
    mine = [r for r in rows if r.get("name") == name]
    row = dict(mine[0] if mine else rows[0])
    missing = [k for k in REQUIRED_KEYS if k not in row]
    if missing:
        raise RuntimeError(f"benchmark {name} did not report {', '.join(missing)}")
    ratio = row["items_per_s"] / row["ceiling_items_per_s"]
    if abs(row["ratio"] - ratio) > RATIO_TOLERANCE * max(1.0, ratio):
        raise RuntimeError(f"benchmark {name} reported ratio {row['ratio']} for {row['items_per_s']}/s "
                           f"against a ceiling of {row['ceiling_items_per_s']}/s")
    out = {"name": name, "items": row["items"], "items_per_s": row["items_per_s"],
           "ceiling_items_per_s": row["ceiling_items_per_s"], "ratio": ratio,
           "peak_rss_mb": round(row.get("peak_rss_mb", peak_rss_mb), 1)}
    for key in ("p50_ms", "p99_ms"):
        if key in row:
            out[key] = row[key]
    if len(rows) > 1:
        out["cases"] = rows
    return out


def format_table(results: list[dict]) -> str:
    lines = [f"{'benchmark':22} {'items':>10} {'items/s':>12} {'ceiling/s':>12} {'ratio':>6} {'peak RSS MB':>11}"
             f" {'p50 ms':>8} {'p99 ms':>8}"]
    for r in results:
        p50 = f"{r['p50_ms']:.1f}" if "p50_ms" in r else "-"
        p99 = f"{r['p99_ms']:.1f}" if "p99_ms" in r else "-"
        lines.append(f"{r['name']:22} {r['items']:>10} {r['items_per_s']:>12.1f} {r['ceiling_items_per_s']:>12.1f}"
                     f" {r['ratio']:>6.2f} {r['peak_rss_mb']:>11.1f} {p50:>8} {p99:>8}")
        for case in r.get("cases", ()):
            lines.append(f"  - {case['name']:38} items={case['items']} {case['items_per_s']:.1f}/s "
                         f"ratio {case['ratio']:.2f}")
    return "\n".join(lines)


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


@app.command()
def bench(
    names: Optional[list[str]] = typer.Argument(None, help=f"Benchmarks to run (default: all available): "
                                                           f"{', '.join(BENCHMARKS)}."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes: seconds, for the test suite."),
    json_file: Optional[Path] = typer.Option(None, "--json", help="Also write the results as JSON here."),
    bench_dir: Path = typer.Option(default_bench_dir(), help="Directory holding the benchmark modules."),
    kafka_bootstrap: Optional[str] = typer.Option(None, help="Kafka for correlate_kafka (default: start one)."),
    profile: Optional[Path] = typer.Option(None, "--profile", metavar="DIR",
                                           help="Write a profile of each benchmark's orchestrator side to DIR/NAME.txt "
                                                "(pyinstrument if installed, else cProfile)."),
) -> None:
    """Run benchmarks; print items/s beside the raw ceiling, the ratio and peak RSS."""
    chosen = names or [n for n, f in BENCHMARKS.items() if (bench_dir / f).exists()]
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        typer.echo(f"orchestrator: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}",
                   err=True)
        raise typer.Exit(2)
    if profile:
        try:
            profile.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # e.g. a file of that name
            typer.echo(f"orchestrator: cannot write profiles to {profile}: {exc.strerror}", err=True)
            raise typer.Exit(2)
    results = []
    for i, name in enumerate(chosen, 1):
        path = bench_dir / BENCHMARKS[name]
        if not path.exists():
            typer.echo(f"orchestrator: benchmark {name} not found at {path}", err=True)
            raise typer.Exit(2)
        typer.echo(f"[{i}/{len(chosen)}] {name}{' (quick)' if quick else ''} ...", err=True)
        kwargs = {"which": name.removeprefix("correlate_")} if name.startswith("correlate_") else {}
        if name == "correlate_kafka" and kafka_bootstrap:
            kwargs["kafka_bootstrap"] = kafka_bootstrap
        target = profile / f"{name}.txt" if profile else None
        header = (f"benchmark: {name}{' (quick)' if quick else ''}\ncommand: orchestrator bench {name}"
                  f"{' --quick' if quick else ''} --profile {profile}\nstarted: "
                  f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average {_loadavg()}\n") if profile else ""
        try:
            rows, peak = run_module(path, quick, kwargs, target, header)
        except RuntimeError as exc:
            typer.echo(f"orchestrator: {exc}", err=True)
            raise typer.Exit(1)
        try:
            results.append(headline(name, rows, peak))
        except RuntimeError as exc:
            typer.echo(f"orchestrator: {exc}", err=True)
            raise typer.Exit(1)
        if target is not None:
            typer.echo(f"  profile: {target}", err=True)
    typer.echo(format_table(results))
    if json_file:
        json_file.write_text(json.dumps(results, indent=2))
