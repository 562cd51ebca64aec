"""Demand-response and DER control orchestrator on IEC 61968-9."""
__version__ = "0.1.0"
