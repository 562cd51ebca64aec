"""Prometheus metrics of the correlation engine (labels bounded: state, program, campaign, rule, kind).

Campaigns are few and live for hours, so a campaign label is bounded; devices never are labels.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

TRANSITIONS = Counter("orchestrator_dispatch_transitions_total", "Dispatch record transitions by target state",
                      ["state", "program", "rule"])
STALE = Counter("orchestrator_dispatch_stale_events_total",
                "Duplicate or late events that left a dispatch record as it was", ["kind"])
TIMEOUTS = Counter("orchestrator_dispatch_timeouts_total", "Reply and confirmation deadlines that passed",
                   ["kind", "program"])
RETRIES = Counter("orchestrator_dispatch_retries_total", "Devices whose control was re-sent", ["program", "reason"])
OPT_OUTS = Counter("orchestrator_dispatch_opt_outs_total", "Customers who opted out of an event", ["program"])
CORRELATION_DEAD_LETTERS = Counter("orchestrator_correlation_dead_letters_total",
                                   "Replies and events the correlation engine could not match", ["reason"])
EVENTS = Counter("orchestrator_correlation_events_total", "EndDeviceEvents seen by the correlator by outcome",
                 ["outcome"])
REPLY_LATENCY = Histogram("orchestrator_dispatch_reply_latency_seconds", "Sent to head-end reply OK",
                          ["program"], buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
CONFIRMATION_LATENCY = Histogram("orchestrator_dispatch_confirmation_latency_seconds",
                                 "Sent to device confirmation", ["program"],
                                 buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1200, 3600))
DEVICES = Gauge("orchestrator_dispatch_devices", "Devices per dispatch state, from the dispatch records",
                ["campaign", "program", "state"], multiprocess_mode="max")
