"""Master-data payloads read into items, by XML local names.

The vendor nouns (MasterDataLinkageConfig, UsagePointConfig, MeterConfig, EndDeviceConfig) have
no schema we may ship and the customer nouns (CustomerConfig, CustomerAgreementConfig) none at
all, so their documents are read by local name, namespace-agnostic, the way the samples in
``shared/iec/samples`` are shaped. Each object in a document becomes one ``Item``: the unit that
succeeds or fails on its own in an OK / PARTIAL / FAILED reply.

Shapes read (CIM names; ``?`` optional, ``*`` repeated):

- ``MeterConfig/Meter*``, ``EndDeviceConfig/EndDevice*``: ``mRID?``, ``Names/name?`` (a ``Names`` whose
  ``NameType/name`` is ``HeadEnd`` names the head-end), ``serialNumber?``, ``type?`` (a device kind
  such as ``thermostat``; anything else means a meter), ``EndDeviceInfo/AssetModel/Manufacturer/Names/name?``
  (vendor), ``EndDeviceInfo/ratedPower?`` (kW), ``UsagePoint/mRID?`` (installed at), ``Names`` whose
  ``NameType/name`` is ``EndDeviceGroup`` (group memberships, added),
  ``ConfigurationEvents/effectiveDateTime?``.
- ``UsagePointConfig/UsagePoint*``: ``mRID?``, ``Names/name?``, ``Equipments/mRID?`` (its service
  transformer), ``ConfigurationEvents/effectiveDateTime?``.
- ``CustomerConfig/Customer*``: ``mRID``, ``Names/name?``.
- ``CustomerAgreementConfig/CustomerAgreement*``: ``mRID``, ``Customer/mRID``, ``UsagePoints/mRID``
  (or ``UsagePoint/mRID``), ``ServiceSupplier/mRID|Names/name?``, ``DemandResponsePrograms/mRID*``
  (enrolment of every device at the usage point), ``validityInterval/start?`` (effective date).
- ``MasterDataLinkageConfig``: ``ConfigurationEvent/effectiveDateTime``, ``Meter*``, ``EndDevice*``,
  ``UsagePoint*``, ``Customer?``, ``CustomerAgreement?``, ``ServiceSupplier?``, ``TransformerTank?``:
  one linkage item per document.
- ``CustomerMeterDataSet``: ``Customer*`` (created or updated on create/change) and the links of a
  ``MasterDataLinkageConfig`` (``Meter*``, ``UsagePoint*``, ``CustomerAgreement?``, ...).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from lxml import etree

from orchestrator.core.topology import DeviceKind

DEVICE_NOUNS = {"MeterConfig": "Meter", "EndDeviceConfig": "EndDevice"}
SUPPORTED_NOUNS = frozenset({"MeterConfig", "EndDeviceConfig", "UsagePointConfig", "CustomerConfig",
                             "CustomerAgreementConfig", "MasterDataLinkageConfig", "CustomerMeterDataSet"})
SUPPORTED_VERBS = frozenset({"create", "change", "cancel", "close", "delete"})


class ItemError(ValueError):
    """An item that cannot be read (missing identification, bad date); names the item."""


@dataclass
class Ref:
    """A reference to a catalogue object: by mRID, else by name (``Names/name``)."""

    mrid: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return self.mrid or self.name or "?"

    @property
    def given(self) -> bool:
        return bool(self.mrid or self.name)


@dataclass
class Item:
    """One object of a master-data message; ``kind`` says which store operation applies it."""

    kind: str  # device / usage_point / customer / agreement / linkage
    object_type: str  # the CIM class named in replies: Meter, EndDevice, UsagePoint, ...
    ref: Ref
    effective_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # set when the item could not be read; it then fails alone
    verb: str | None = None  # overrides the message's verb for this item

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["effective_at"] = self.effective_at.isoformat() if self.effective_at else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Item":
        data = dict(data)
        data["ref"] = Ref(**data["ref"])
        if data.get("effective_at"):
            data["effective_at"] = datetime.fromisoformat(data["effective_at"])
        fields = data.get("fields") or {}
        for key in ("meters", "end_devices", "usage_points"):
            if key in fields:
                fields[key] = [Ref(**r) for r in fields[key]]
        for key in ("customer", "agreement", "transformer"):
            if isinstance(fields.get(key), dict):
                fields[key] = Ref(**fields[key])
        return cls(**data)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child(el, *path: str):
    for name in path:
        if el is None:
            return None
        found = _children(el, name)
        el = found[0] if found else None
    return el


def _text(el, *path: str) -> str | None:
    node = _child(el, *path)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _names(el) -> list[tuple[str, str | None]]:
    """``(name, NameType/name)`` pairs of an object's ``Names``."""
    out = []
    for names in _children(el, "Names"):
        name = _text(names, "name")
        if name:
            out.append((name, _text(names, "NameType", "name")))
    return out


def _plain_name(el) -> str | None:
    for name, name_type in _names(el):
        if name_type in (None, "", "UsagePointName", "DeviceName", "CustomerName"):
            return name
    return None


def _ref(el) -> Ref:
    if el is None:
        return Ref()
    return Ref(mrid=_text(el, "mRID") or (el.get("ref") or "").strip() or None, name=_plain_name(el))


def _when(text: str | None, what: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ItemError(f"{what} {text!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise ItemError(f"{what} {text!r} has no UTC offset")
    return value.astimezone(timezone.utc)


def _item(kind: str, object_type: str, ref: Ref, read) -> Item:
    """Build an item, or one marked with its problem so it fails alone in the reply."""
    try:
        effective, fields = read()
        if not ref.given and kind != "linkage":
            raise ItemError(f"{object_type} has neither mRID nor name")
        return Item(kind, object_type, ref, effective, fields)
    except ItemError as exc:
        return Item(kind, object_type, ref, None, {}, problem=str(exc))


def _device(el, object_type: str) -> Item:
    def read():
        headend = next((n for n, t in _names(el) if (t or "").lower() in ("headend", "head-end")), None)
        kind_text = (_text(el, "type") or "").strip().lower()
        kind = kind_text if kind_text in {k.value for k in DeviceKind} else (
            DeviceKind.METER.value if object_type == "Meter" else DeviceKind.LOAD_CONTROL_SWITCH.value)
        rated = _text(el, "EndDeviceInfo", "ratedPower")
        try:
            rated_kw = float(rated) if rated else None
        except ValueError:
            raise ItemError(f"ratedPower {rated!r} is not a number") from None
        up = _child(el, "UsagePoint")
        groups = [n for n, t in _names(el) if (t or "").lower() in ("group", "enddevicegroup")]
        fields = {"serial_number": _text(el, "serialNumber"), "kind": kind, "headend": headend,
                  "vendor": _plain_name(_child(el, "EndDeviceInfo", "AssetModel", "Manufacturer"))
                  if _child(el, "EndDeviceInfo", "AssetModel", "Manufacturer") is not None else None,
                  "rated_kw": rated_kw, "name": _plain_name(el),
                  "usage_point": _ref(up) if up is not None else None, "groups": groups}
        return _when(_text(el, "ConfigurationEvents", "effectiveDateTime"), "effectiveDateTime"), fields

    ref = _ref(el)
    if not ref.given and _text(el, "serialNumber"):
        ref = Ref(name=_text(el, "serialNumber"))
    return _item("device", object_type, ref, read)


def _usage_point(el) -> Item:
    def read():
        transformer = _child(el, "Equipments")
        return (_when(_text(el, "ConfigurationEvents", "effectiveDateTime"), "effectiveDateTime"),
                {"name": _plain_name(el), "transformer": _ref(transformer) if transformer is not None else None})

    return _item("usage_point", "UsagePoint", _ref(el), read)


def _customer(el) -> Item:
    return _item("customer", "Customer", _ref(el), lambda: (None, {"name": _plain_name(el)}))


def _agreement(el) -> Item:
    def read():
        ups = [_ref(u) for u in _children(el, "UsagePoints") + _children(el, "UsagePoint")]
        if len(ups) > 1:
            raise ItemError(f"CustomerAgreement {_ref(el)} names {len(ups)} UsagePoints; an agreement has one here")
        supplier = _child(el, "ServiceSupplier")
        programs = [str(_ref(p)) for p in _children(el, "DemandResponsePrograms") if _ref(p).given]
        return (_when(_text(el, "validityInterval", "start"), "validityInterval/start"),
                {"customer": _ref(_child(el, "Customer")), "usage_points": ups,
                 "supplier": str(_ref(supplier)) if supplier is not None and _ref(supplier).given else None,
                 "programs": programs})

    return _item("agreement", "CustomerAgreement", _ref(el), read)


def _linkage(el) -> Item:
    def read():
        effective = _when(_text(el, "ConfigurationEvent", "effectiveDateTime"), "effectiveDateTime")
        supplier = _child(el, "ServiceSupplier")
        agreement, customer, tank = (_child(el, "CustomerAgreement"), _child(el, "Customer"),
                                     _child(el, "TransformerTank"))
        fields = {
            "meters": [_ref(m) for m in _children(el, "Meter")],
            "end_devices": [_ref(d) for d in _children(el, "EndDevice")],
            "usage_points": [_ref(u) for u in _children(el, "UsagePoint")],
            "customer": _ref(customer) if customer is not None else None,
            "agreement": _ref(agreement) if agreement is not None else None,
            "supplier": str(_ref(supplier)) if supplier is not None and _ref(supplier).given else None,
            "transformer": _ref(tank) if tank is not None else None,
        }
        for key in ("meters", "end_devices", "usage_points"):
            for r in fields[key]:
                if not r.given:
                    raise ItemError(f"a {key[:-1].replace('_', ' ')} of the linkage has neither mRID nor name")
        linked = sum(bool(fields[k]) for k in ("meters", "end_devices", "usage_points", "agreement", "transformer"))
        if linked < 2:
            raise ItemError("a MasterDataLinkageConfig must name at least two objects to link")
        return effective, fields

    item = _item("linkage", "MasterDataLinkageConfig", Ref(), read)
    parts = [str(r) for k in ("meters", "end_devices", "usage_points") for r in item.fields.get(k, [])]
    if item.fields.get("agreement"):
        parts.append(str(item.fields["agreement"]))
    item.ref = Ref(name="+".join(parts) or "linkage")
    return item


def read_items(noun: str, document, verb: str | None = None) -> list[Item]:
    """The items of one payload document (an lxml element whose local name is ``noun``)."""
    if noun in DEVICE_NOUNS:
        return [_device(e, DEVICE_NOUNS[noun]) for e in _children(document, DEVICE_NOUNS[noun])]
    if noun == "UsagePointConfig":
        return [_usage_point(e) for e in _children(document, "UsagePoint")]
    if noun == "CustomerConfig":
        return [_customer(e) for e in _children(document, "Customer")]
    if noun == "CustomerAgreementConfig":
        return [_agreement(e) for e in _children(document, "CustomerAgreement")]
    if noun == "MasterDataLinkageConfig":
        return [_linkage(document)]
    if noun == "CustomerMeterDataSet":
        # The customer's data and its links in one document: customers are kept up to date (create
        # or update) whatever the verb, the links follow the verb like a MasterDataLinkageConfig.
        customers = [_customer(e) for e in _children(document, "Customer")] if verb in ("create", "change") else []
        for c in customers:
            c.verb = "create"
        linkage = _linkage(document)
        linkage.object_type = "CustomerMeterDataSet"
        return customers + [linkage]
    raise ItemError(f"unsupported master-data noun {noun}")
