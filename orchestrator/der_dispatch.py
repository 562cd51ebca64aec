"""IEC 61968-5 ``CreateDERGroupDispatches`` for DER programs dispatched per DER group.

One DERGroupDispatch per (head-end, group): the EndDeviceGroup's mRID is the group name (the
head-end / DERMS knows the group from ``CreateDERGroups``), the monitorable parameter is active
power in kW, and the schedule is one constant value for the event window.

Interpretation: the target value is the program's limit (% of rated power) applied to the
summed rated power of the group's devices behind that head-end; ``flowDirection`` is
``reverse`` (export) for an export limit and ``net`` for an active-power setpoint. Element order
follows ``derms2-61968-5/create/DERGroupDispatches.xsd``.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from lxml import etree

from orchestrator.iec.codec import format_datetime

MESSAGE_NS = "http://iec.ch/TC57/2011/schema/message"
WRAPPER_NS = "http://iec.ch/TC57/2017/DERGroupDispatchesMessage"
DERGD_NS = "http://iec.ch/TC57/2017/DERGroupDispatches#"


def _sub(parent, ns: str, name: str, text: str | None = None):
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        el.text = text
    return el


def build_der_group_dispatches(*, dispatch_mrid: str, group: str, kw: float, start: datetime, minutes: int,
                               mode: str, message_id: str, source: str, reply_address: str | None,
                               async_reply: bool, timestamp: datetime | None = None) -> bytes:
    """A complete CreateDERGroupDispatches request (Header + Payload) as UTF-8 XML."""
    root = etree.Element(f"{{{WRAPPER_NS}}}CreateDERGroupDispatches",
                         nsmap={"tns": WRAPPER_NS, "msg": MESSAGE_NS, None: DERGD_NS})
    header = _sub(root, WRAPPER_NS, "Header")
    _sub(header, MESSAGE_NS, "Verb", "create")
    _sub(header, MESSAGE_NS, "Noun", "DERGroupDispatches")
    _sub(header, MESSAGE_NS, "Timestamp", format_datetime(timestamp or datetime.now(timezone.utc)))
    _sub(header, MESSAGE_NS, "Source", source)
    _sub(header, MESSAGE_NS, "AsyncReplyFlag", "true" if async_reply else "false")
    if reply_address:
        _sub(header, MESSAGE_NS, "ReplyAddress", reply_address)
    _sub(header, MESSAGE_NS, "AckRequired", "true")
    _sub(header, MESSAGE_NS, "MessageID", message_id)
    _sub(header, MESSAGE_NS, "CorrelationID", message_id)
    dispatches = _sub(_sub(root, WRAPPER_NS, "Payload"), DERGD_NS, "DERGroupDispatches")
    dispatch = _sub(dispatches, DERGD_NS, "DERGroupDispatch")
    _sub(dispatch, DERGD_NS, "mRID", dispatch_mrid)
    group_el = _sub(dispatch, DERGD_NS, "EndDeviceGroup")
    _sub(group_el, DERGD_NS, "mRID", group)
    param = _sub(group_el, DERGD_NS, "DERMonitorableParameter")
    _sub(param, DERGD_NS, "DERParameter", "activePower")
    _sub(param, DERGD_NS, "flowDirection", "reverse" if mode == "export_limit" else "net")
    _sub(param, DERGD_NS, "yMultiplier", "k")
    _sub(param, DERGD_NS, "yUnit", "W")
    schedule = _sub(param, DERGD_NS, "DispatchSchedule")
    _sub(schedule, DERGD_NS, "curveStyleKind", "constantYValue")
    _sub(schedule, DERGD_NS, "startTime", format_datetime(start))
    _sub(schedule, DERGD_NS, "timeIntervalDuration", str(minutes))
    _sub(schedule, DERGD_NS, "timeIntervalUnit", "m")
    point = _sub(schedule, DERGD_NS, "DERCurveData")
    _sub(point, DERGD_NS, "intervalNumber", "1")
    _sub(point, DERGD_NS, "nominalYValue", repr(round(float(kw), 3)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def dispatch_mrid(campaign: str, headend: str, group: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"orchestrator:dergroupdispatch:{campaign}/{headend}/{group}"))
