"""What both runtimes add around each record: the log fields bound while it is processed, Kafka
consumer lag, and the /metrics endpoint of a worker process.

Log fields come from the record's headers (producers set ``campaign``, ``message_id``,
``devices``; the inbound router sets ``iec.message_id``), so every log line a processor writes
about a record carries the campaign id, message id, correlation id and device count.
"""
from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orchestrator import topics
from orchestrator.logs import get_logger
from orchestrator.metrics import DEAD_LETTERS, IEC_MESSAGES, PROCESSOR_LAG, render_latest
from orchestrator.processors.base import DeadLetter, Record

log = get_logger(__name__)

# header name -> log field; the first header present wins for each field
_HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("campaign", "campaign_id"), ("orchestrator.campaign", "campaign_id"),
    ("message_id", "message_id"), ("iec.message_id", "message_id"),
    ("correlation_id", "correlation_id"), ("iec.correlation_id", "correlation_id"),
    ("devices", "device_count"), ("iec.headend", "headend"),
)


def processor_failure(processor: str, record: Record, exc: Exception) -> Record:
    """The dead letter of a record its processor raised on (logged and counted): one bad record
    must not stop the records after it, on either runtime."""
    log.warning("processor failed on a record", processor=processor, topic=record.topic, key=record.key,
                error=repr(exc))
    DEAD_LETTERS.labels(source_topic=record.topic, reason="processor_error").inc()
    return DeadLetter(source_topic=record.topic, reason=f"{type(exc).__name__}: {exc}", key=record.key,
                      processor=processor, payload=record.value.decode("utf-8", "replace")[:65536]
                      ).to_record(topics.DEADLETTER)


def record_log_fields(record: Record, consumer: str) -> dict[str, Any]:
    """The structured-log fields of one record being processed by ``consumer``."""
    fields: dict[str, Any] = {"consumer": consumer, "topic": record.topic}
    if record.key is not None:
        fields["record_key"] = record.key
    headers = dict(reversed(record.headers))  # first occurrence of a header wins
    for header, field in _HEADER_FIELDS:
        if field not in fields and headers.get(header):
            value = headers[header]
            fields[field] = int(value) if field == "device_count" and value.isdigit() else value
    if "correlation_id" not in fields:
        if record.topic == topics.EDC_REPLIES and record.key:
            fields["correlation_id"] = record.key  # replies are keyed by the request they answer
        elif "message_id" in fields:
            # IEC requests are correlated by their MessageID (the reply's CorrelationID echoes it)
            fields["correlation_id"] = fields["message_id"]
    return fields


class ConsumerLag:
    """Kafka consumer lag per processor: high watermark minus the next offset to process, summed
    over the partitions this worker owns (other workers report theirs; Prometheus sums)."""

    def __init__(self) -> None:
        self._lag: dict[tuple[str, Any], int] = {}
        self._lock = threading.Lock()

    def observe(self, consumer: str, tp: Any, offset: int, highwater: int | None) -> None:
        if highwater is None or offset is None:
            return
        with self._lock:
            self._lag[(consumer, tp)] = max(int(highwater) - int(offset) - 1, 0)
            total = sum(v for (c, _), v in self._lag.items() if c == consumer)
        PROCESSOR_LAG.labels(consumer=consumer).set(total)

    def revoke(self, partitions: Iterable[Any]) -> None:
        """Forget partitions this worker no longer owns (after a rebalance)."""
        revoked = set(partitions)
        with self._lock:
            touched = {c for (c, tp) in self._lag if tp in revoked}
            self._lag = {k: v for k, v in self._lag.items() if k[1] not in revoked}
            totals = {c: sum(v for (c2, _), v in self._lag.items() if c2 == c) for c in touched}
        for consumer, total in totals.items():
            PROCESSOR_LAG.labels(consumer=consumer).set(total)

    def value(self, consumer: str) -> int:
        with self._lock:
            return sum(v for (c, _), v in self._lag.items() if c == consumer)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/metrics":
            body, content_type = render_latest()
            status = 200
        elif self.path == "/healthz":
            body, content_type, status = b'{"status": "ok"}', "application/json", 200
        else:
            body, content_type, status = b"not found\n", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # scrapes every few seconds: no access log
        pass


class MetricsServer:
    """``/metrics`` (and ``/healthz``) of a worker process, served from a daemon thread.

    With PROMETHEUS_MULTIPROC_DIR set, the workers on one host share that directory and any one
    of them serves the sum of all: a worker that finds the port taken leaves it to the one that
    has it. Without it, a taken port is logged as an error and the worker runs on unscraped (its
    processing matters more than its metrics; the scrape-down alert tells).
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start serving; False if the port could not be bound (see the class docstring)."""
        try:
            self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                log.info("metrics port taken: another worker serves this host's metrics", port=self.port)
            else:
                log.error("worker metrics not served", host=self.host, port=self.port, error=exc.strerror)
            return False
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics-server", daemon=True)
        self._thread.start()
        log.info("worker metrics serving", url=f"http://{self.host}:{self.port}/metrics")
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def mark_process_dead() -> None:
    """On exit of a worker in multi-process mode: drop its live gauges from the aggregate."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())


# ----------------------------------------------------------------------------- IEC messages by noun/verb

IEC_IN_TOPICS = (topics.EDC_REPLIES, topics.EDE_INBOUND, topics.READINGS_INBOUND, topics.MASTERDATA_INBOUND)
IEC_VERBS = frozenset({"cancel", "canceled", "change", "changed", "close", "closed", "create", "created", "delete",
                       "deleted", "execute", "executed", "get", "reply", "show", "subscribe", "unsubscribe"})
_ENVELOPE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(Verb|Noun)>\s*([A-Za-z]{1,60})\s*</")


def iec_noun_verb(record: Record) -> tuple[str, str] | None:
    """Noun and verb of an IEC message on a topic: from the headers the IEC endpoint and the
    head-end client set, else from the envelope's Header (it precedes the payload). None for a
    record that is not an IEC message from outside (e.g. a processor's re-keyed copy)."""
    noun, verb = record.header("iec.noun") or None, record.header("iec.verb") or None
    if record.topic == topics.EDC_OUTBOUND and (noun is None or verb is None):
        found = {k.decode(): v.decode() for k, v in _ENVELOPE.findall(record.value[:4096])}
        noun, verb = noun or record.header("noun") or found.get("Noun"), verb or found.get("Verb")
    if noun is None:
        return None
    verb = (verb or "unknown").lower()
    return noun[:60], verb if verb in IEC_VERBS else "other"


def count_iec_messages(records) -> None:
    """Count the IEC messages among records appended to topics (called where the runtimes and the
    Kafka publisher append, so nothing is read twice)."""
    for r in records:
        if r.topic != topics.EDC_OUTBOUND and r.topic not in IEC_IN_TOPICS:
            continue
        found = iec_noun_verb(r)
        if found is not None:
            IEC_MESSAGES.labels(direction="out" if r.topic == topics.EDC_OUTBOUND else "in",
                                noun=found[0], verb=found[1]).inc()
