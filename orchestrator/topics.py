"""Topic names, shared by the Kafka runtime (real topics) and the embedded runtime (channels).

Keys follow DESIGN.md: a message is keyed by what must be processed in order.
"""
from __future__ import annotations

IEC_INBOUND = "iec.inbound"  # raw IEC 61968-100 messages from head-ends/CIS, keyed by source system
EDC_OUTBOUND = "edc.outbound"  # EndDeviceControls to send, keyed by head-end id
EDC_REPLIES = "edc.replies"  # head-end replies, keyed by correlation id
EDE_INBOUND = "ede.inbound"  # EndDeviceEvents, keyed by end device mRID
READINGS_INBOUND = "readings.inbound"  # MeterReadings, keyed by end device mRID
MASTERDATA_INBOUND = "masterdata.inbound"  # customer/usage point/meter changes
OUTAGE_SIGNALS = "outage.signals"  # power-off/restore facts after dedupe, keyed by transformer id
OMS_NOTIFICATIONS = "oms.notifications"  # outage create/update/restore, keyed by outage id
DEADLETTER = "deadletter"  # what could not be processed, keyed by source topic
DISPATCH_FACTS = "dispatch.facts"  # per-device sent/cancel/reply facts (JSON), keyed by end device mRID
EDC_MESSAGES = "edc.messages"  # devices of each EndDeviceControls sent (JSON), keyed by MessageID
DISPATCH_UPDATES = "dispatch.updates"  # every dispatch record transition (JSON), keyed by campaign id
CLOCK_TICKS = "clock.ticks"  # wall-clock ticks (JSON {"at": epoch s}), one per partition, sweep deadlines
ENROLMENT_CHANGES = "enrolment.changes"  # enrolments ended by a customer switch (JSON), keyed by device mRID

ALL = (IEC_INBOUND, EDC_OUTBOUND, EDC_REPLIES, EDE_INBOUND, READINGS_INBOUND, MASTERDATA_INBOUND,
       OUTAGE_SIGNALS, OMS_NOTIFICATIONS, DEADLETTER, DISPATCH_FACTS, EDC_MESSAGES, DISPATCH_UPDATES, CLOCK_TICKS, ENROLMENT_CHANGES)
