"""The correlation engine's adapters: the store sink for ``dispatch.updates``, rollups and metrics.

The stream processors live in ``orchestrator.processors`` (control_index, reply_splitter,
correlator) and the rules in ``orchestrator.core.correlation``; this package holds what touches
SQL and Prometheus. Importing it does not import SQLAlchemy (``store`` does).
"""
