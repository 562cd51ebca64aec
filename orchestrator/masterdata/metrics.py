"""Master-data and switching metrics (bounded labels: nouns, verbs, outcomes; never ids)."""
from __future__ import annotations

from prometheus_client import Counter

MASTERDATA_ITEMS = Counter("orchestrator_masterdata_items_total", "Master-data items by noun, verb and outcome",
                           ["noun", "verb", "outcome"])
SWITCHES = Counter("orchestrator_customer_switches_total", "Customer switches applied, by kind",
                   ["kind"])
SWITCHING_READS = Counter("orchestrator_switching_reads_total",
                          "Switching reads by outcome (requested, read, estimated, unavailable)", ["outcome"])
