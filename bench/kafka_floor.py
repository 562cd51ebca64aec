"""The Kafka runtime's own floor: a processor that does nothing, over records already on a topic.

    python bench/kafka_floor.py BOOTSTRAP TOPIC N --prefix P --partitions K

Runs ``orchestrator.runtime.kafka.build_app`` in a faust worker with one processor whose
``process`` returns no output and touches no state, and prints ``RATE <records/s>`` (first record
to the N-th) once N records have been seen. What the correlator reaches on Kafka is bounded by
this: faust hands records to an agent one at a time (tasks and a wait per record in its consumer),
whatever the agent does with them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    import faust

    from orchestrator.processors.base import Processor
    from orchestrator.runtime.kafka import build_app
    from orchestrator.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bootstrap")
    parser.add_argument("topic", help="the logical topic name (without the prefix)")
    parser.add_argument("n", type=int)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()
    seen = {"n": 0, "first": 0.0}

    async def nothing(record, state) -> list:
        if not seen["n"]:
            seen["first"] = time.perf_counter()
        seen["n"] += 1
        if seen["n"] >= args.n:
            print(f"RATE {args.n / (time.perf_counter() - seen['first']):.1f}", flush=True)
            os._exit(0)
        return []

    settings = Settings(kafka_bootstrap=args.bootstrap, kafka_app_id=f"kafka-floor-{uuid.uuid4().hex[:8]}",
                        kafka_topic_prefix=args.prefix, kafka_partitions=args.partitions,
                        data_dir=Path(tempfile.mkdtemp(prefix="kafka-floor-")), correlation_tick_s=0)
    app = build_app(settings, [Processor("nothing", (args.topic,), (), nothing)])
    worker = faust.Worker(app, loglevel="warn", quiet=True, redirect_stdouts=False)
    worker.spinner = None
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
