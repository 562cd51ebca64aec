"""Typed payload documents: the xsdata-pydantic models generated from the packaged XSDs.

``PayloadElement`` keeps the XML; this module turns it into the generated
model (and back) for code that wants attribute access to a whole document.
Where two public profiles share a namespace (derms2 and EPRI EndDeviceControls),
the derms2 model is tried first and the EPRI one second.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from xsdata.exceptions import ParserError
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata_pydantic.bindings import XmlParser, XmlSerializer

from orchestrator.iec import errors
from orchestrator.iec.envelope import PayloadElement
from orchestrator.iec.errors import IecError

_GENERATED = "orchestrator.iec.generated"

#: payload namespace -> generated modules, best first
PAYLOAD_MODULES: dict[str, tuple[str, ...]] = {
    "http://iec.ch/TC57/2011/EndDeviceControls#": ("end_device_controls", "epri_end_device_controls"),
    "http://iec.ch/TC57/2011/EndDeviceEvents#": ("end_device_events", "epri_end_device_events"),
    "http://iec.ch/TC57/2011/MeterReadings#": ("meter_readings",),
    "http://iec.ch/TC57/2011/MeterReadSchedule#": ("meter_read_schedule",),
    "http://iec.ch/TC57/2011/MeterServiceRequests#": ("meter_service_requests",),
    "http://iec.ch/TC57/2017/DERGroups#": ("der_groups",),
    "http://iec.ch/TC57/2017/DERGroupDispatches#": ("der_group_dispatches",),
    "http://iec.ch/TC57/2017/DERGroupForecasts#": ("der_group_forecasts",),
    "http://iec.ch/TC57/2017/DERGroupStatuses#": ("der_group_statuses",),
    "http://iec.ch/TC57/2017/DERGroupQueries#": ("der_group_queries",),
    "http://iec.ch/TC57/2017/DERGroupForecastQueries#": ("der_group_forecast_queries",),
    "http://iec.ch/TC57/2017/DERGroupStatusQueries#": ("der_group_status_queries",),
}

_PARSER = XmlParser(config=ParserConfig(fail_on_unknown_properties=True, fail_on_unknown_attributes=False))
_SERIALIZER = XmlSerializer(config=SerializerConfig(xml_declaration=False))


def _xml_name(cls: type) -> str:
    meta = getattr(cls, "Meta", None)
    return getattr(meta, "name", None) or cls.__name__


@lru_cache(maxsize=None)
def payload_class(namespace: str, noun: str) -> tuple[type, ...]:
    """Generated root classes for a noun document, best first (empty if none is generated)."""
    found = []
    for mod_name in PAYLOAD_MODULES.get(namespace, ()):
        mod = importlib.import_module(f"{_GENERATED}.{mod_name}")
        for obj in vars(mod).values():
            if isinstance(obj, type) and obj.__module__ == mod.__name__ and _xml_name(obj) == noun:
                found.append(obj)
    return tuple(found)


def payload_to_object(payload: PayloadElement) -> Any:
    classes = payload_class(payload.namespace or "", payload.noun)
    if not classes:
        raise IecError(errors.UNSUPPORTED_NOUN, f"no typed model for {payload.noun} ({payload.namespace})")
    element = payload.element()
    last: Exception | None = None
    for cls in classes:
        try:
            return _PARSER.parse(element, cls)
        except (ParserError, ValueError) as exc:  # pydantic ValidationError is a ValueError
            last = exc
    raise IecError(errors.PAYLOAD_INVALID, f"{payload.noun} does not fit its model: {last}")


def object_to_payload(obj: Any) -> PayloadElement:
    mod = importlib.import_module(type(obj).__module__)
    namespace = getattr(mod, "__NAMESPACE__", None)
    xml = _SERIALIZER.render(obj, ns_map={None: namespace} if namespace else None)
    return PayloadElement(noun=_xml_name(type(obj)), namespace=namespace, xml=xml)
