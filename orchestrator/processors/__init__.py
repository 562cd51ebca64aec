"""Stream processors, each written once and run by both runtimes (see ``base``)."""
from __future__ import annotations

from orchestrator.processors.base import DeadLetter, Processor, Record, State


def registry() -> dict[str, Processor]:
    """Every processor by name; the runtimes and ``orchestrator worker`` pick from it."""
    from orchestrator.processors import inbound_router
    from orchestrator.processors import outage  # its topology is bound at start (outage.bind_topology)
    from orchestrator.processors import control_index, correlator, reply_splitter  # correlator: bound at start

    return {p.name: p for p in (inbound_router.PROCESSOR, outage.PROCESSOR, control_index.PROCESSOR,
                                reply_splitter.PROCESSOR, correlator.PROCESSOR)}


__all__ = ["DeadLetter", "Processor", "Record", "State", "registry"]
