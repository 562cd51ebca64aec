"""Metrics of the head-end integration paths: the IEC endpoint (in) and the head-end client (out).

Labels are bounded: routes, IEC result codes, head-end names (a utility has a handful).
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

IEC_ENDPOINT_REQUESTS = Counter(
    "orchestrator_iec_endpoint_requests_total", "IEC endpoint requests by route, result and IEC error code",
    ["route", "result", "code"])
IEC_ENDPOINT_SECONDS = Histogram(
    "orchestrator_iec_endpoint_request_seconds", "IEC endpoint time from request to reply (durable publish included)",
    ["route"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
HEADEND_REQUESTS = Counter(
    "orchestrator_headend_requests_total", "Requests sent to head-ends by outcome (ok, partial, failed, "
    "transport_error, circuit_open, no_headend)", ["headend", "outcome"])
HEADEND_RETRIES = Counter("orchestrator_headend_retries_total", "Transport retries towards a head-end", ["headend"])
HEADEND_SECONDS = Histogram(
    "orchestrator_headend_request_seconds", "Time for a head-end to answer a request synchronously", ["headend"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
HEADEND_CIRCUIT = Gauge(
    "orchestrator_headend_circuit_state", "Circuit breaker towards a head-end: 0 closed, 1 half-open, 2 open",
    ["headend"], multiprocess_mode="max")
HEADEND_IN_FLIGHT = Gauge("orchestrator_headend_in_flight_requests", "Requests in flight to a head-end", ["headend"],
                          multiprocess_mode="sum")
