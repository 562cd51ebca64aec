"""A correlation process for the kill -9 test: the embedded runtime with the three processors on
a given SQLite file, until killed. ``--clock`` also ticks ``clock.ticks`` with wall time, as
``orchestrator serve`` does (without it the clock stands still while the test sets things up)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from orchestrator.correlation.wiring import tick_forever
from orchestrator.runtime.embedded import EmbeddedRuntime
from tests.correlation.scenario import processors


async def main(db: Path, clock: bool) -> None:
    runtime = EmbeddedRuntime(db, batch_size=200)
    for p in processors():
        runtime.add_processor(p)
    await runtime.start()
    if clock:
        asyncio.create_task(tick_forever(runtime, 0.2))
    print("started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), "--clock" in sys.argv[2:]))
