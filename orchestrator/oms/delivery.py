"""Sending the OMS outbox: one POST per delivery row, retried with exponential backoff.

Retries are data (the row's ``attempts`` and ``next_attempt_at``), so they survive a restart.
2xx ends a delivery; 408, 425, 429, 5xx and connection errors are retried after
``retry_delay(attempt)``; other 4xx answers are final. After ``max_attempts`` the row becomes
``dead`` — the dead-letter store — with its content kept, until replayed (REST or CLI).
Every request carries ``Idempotency-Key`` (outage id and version), so an OMS that saw a
request whose answer was lost can drop the repeat. Different outages are sent in parallel (up
to ``concurrency`` requests); an outage's own notifications go out in order: a row waits while
an older row of the same outage and target is still pending. A sender leases the rows it
claims for ``lease_s`` (``oms_lease_s``): rows a crashed sender had claimed go out again once
their lease has run out.
"""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import aiohttp
from prometheus_client import Counter, Histogram

from orchestrator.logs import get_logger
from orchestrator.store.models import utcnow
from orchestrator.store.outages import Delivery, OutageStore

log = get_logger(__name__)

OMS_ATTEMPTS = Counter("orchestrator_oms_delivery_attempts_total", "OMS delivery attempts by target and outcome",
                       ["target", "outcome"])
OMS_SECONDS = Histogram("orchestrator_oms_delivery_seconds", "Duration of one OMS delivery attempt", ["target"])

RETRYABLE_STATUS = frozenset({408, 425, 429})


class OmsDeliverer:
    """Delivers pending outbox rows to one webhook URL."""

    def __init__(self, store: OutageStore, url: str, *, max_attempts: int = 8, backoff_base_s: float = 1.0,
                 backoff_max_s: float = 300.0, timeout_s: float = 10.0, poll_s: float = 0.2, batch: int = 200,
                 concurrency: int = 8, lease_s: float = 60.0):
        self.store = store
        self.url = url
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.poll_s = poll_s
        self.batch = batch
        self.concurrency = concurrency
        self.lease_s = lease_s  # a row claimed by a sender that died is sent again after this
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task | None = None

    def retry_delay(self, attempt: int) -> timedelta | None:
        """Delay after failed attempt number ``attempt`` (1-based); None once the limit is reached."""
        if attempt >= self.max_attempts:
            return None
        return timedelta(seconds=min(self.backoff_base_s * 2 ** (attempt - 1), self.backoff_max_s))

    @staticmethod
    def retryable(status: int | None) -> bool:
        return status is None or status >= 500 or status in RETRYABLE_STATUS

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self.timeout)
        self._task = asyncio.create_task(self._loop(), name="oms-deliverer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _loop(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the store may be briefly unavailable: keep going
                log.error("oms delivery loop failed", error=repr(exc))
                sent = 0
            if not sent:
                await asyncio.sleep(self.poll_s)

    async def run_once(self) -> int:
        """Attempt every due delivery once; the number attempted."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        due = await self.store.claim_due(limit=self.batch, lease_s=self.lease_s)
        # Outages in parallel (up to ``concurrency`` requests), each outage's notifications in order.
        groups: dict[tuple[str, str], list[Delivery]] = {}
        for delivery in due:
            groups.setdefault((delivery.outage_id, delivery.target), []).append(delivery)
        gate = asyncio.Semaphore(self.concurrency)

        async def send(group: list[Delivery]) -> None:
            async with gate:
                for i, delivery in enumerate(group):
                    if await self.store.earlier_undelivered(delivery):
                        for later in group[i:]:  # wait for the older one, keep the order
                            await self.store.postpone(later.id, utcnow() + timedelta(seconds=self.poll_s))
                        return
                    await self._attempt(delivery)

        await asyncio.gather(*(send(g) for g in groups.values()))
        return len(due)

    async def _attempt(self, d: Delivery) -> None:
        assert self._session is not None
        headers = {"Content-Type": d.content_type, "Idempotency-Key": d.idempotency_key, "X-OMS-Event": d.event,
                   "X-OMS-Outage": d.outage_id, "X-OMS-Attempt": str(d.attempts + 1)}
        started = time.perf_counter()
        status: int | None = None
        try:
            async with self._session.post(self.url, data=d.payload.encode("utf-8"), headers=headers) as response:
                status = response.status
                text = (await response.text())[:500]
            error = None if 200 <= status < 300 else f"HTTP {status}: {text}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        OMS_SECONDS.labels(target=d.target).observe(time.perf_counter() - started)
        if error is None:
            await self.store.mark_delivered(d.id, status or 200)
            OMS_ATTEMPTS.labels(target=d.target, outcome="delivered").inc()
            return
        attempt = d.attempts + 1
        delay = self.retry_delay(attempt) if self.retryable(status) else None
        await self.store.mark_failed(d.id, error=error, status_code=status,
                                     retry_at=utcnow() + delay if delay is not None else None)
        OMS_ATTEMPTS.labels(target=d.target, outcome="retry" if delay is not None else "dead").inc()
        log.warning("oms delivery failed", delivery=d.id, outage=d.outage_id, attempt=attempt, error=error,
                    retry_in_s=delay.total_seconds() if delay is not None else None)
