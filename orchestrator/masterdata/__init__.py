"""Customer data sync and customer switching from the CIS / MDM (IEC 61968-9 master data).

Public API:

- ``MasterData(sessions, publish=..., readings=..., policy=SwitchingPolicy(...))``: ``apply(bytes) -> Message``
  (the IEC reply), ``sink`` (for ``masterdata.inbound``), ``apply_due(now)``, ``complete_read(...)``.
- ``apply_masterdata(message_bytes) -> Message`` and ``apply_due(now)`` on the service the composition
  root configured (``configure``), for the IEC endpoint and the scheduler.
"""
from orchestrator.masterdata.service import MasterData, SwitchingPolicy, apply_due, apply_masterdata, configure

__all__ = ["MasterData", "SwitchingPolicy", "apply_due", "apply_masterdata", "configure"]
