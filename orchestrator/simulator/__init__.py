"""A head-end simulator: a seeded fleet of meters and premise devices behind one head-end, that
takes EndDeviceControls and on-request reads over IEC 61968-100 (bare or SOAP) and sends replies,
EndDeviceEvents and MeterReadings to the orchestrator's IEC endpoint, misbehaving as configured.

- ``fleet``: the generated topology (``generate_fleet``), its import file and the load model;
- ``behaviour``: rates, latency distributions and the time scale;
- ``headend``: ``HeadEndSimulator`` (in-process) and ``OrchestratorLink``;
- ``orchestrator simulate headend`` (``orchestrator/commands/simulate.py``) runs it as a process.
"""
from orchestrator.simulator.behaviour import Behaviour, Latency
from orchestrator.simulator.fleet import Fleet, generate_fleet
from orchestrator.simulator.headend import SCENARIOS, HeadEndSimulator, OrchestratorLink

__all__ = ["Behaviour", "Fleet", "HeadEndSimulator", "Latency", "OrchestratorLink", "SCENARIOS", "generate_fleet"]
