"""OMS adapters: outage notifications to an OMS webhook (JSON and/or IEC EndDeviceEvents XML).

``formats`` renders a notification for a target; ``delivery.OmsDeliverer`` sends the outbox rows
that ``store.outages.OutageStore.sink`` writes, with exponential backoff, idempotency keys and a
dead-letter status after the retry limit; ``wiring`` composes them for the service and worker.
The ``oms.notifications`` topic itself is the other OMS-facing output.
"""
