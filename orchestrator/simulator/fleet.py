"""A generated fleet behind one head-end: substations → feeders → transformers → meters, with
thermostats, load-control switches, water heaters, EV chargers and PV/battery inverters at some
premises, and a load model whose demand answers to load control.

Everything is drawn from one seeded ``random.Random``, so a seed gives the same fleet, the same
import file and the same readings. ``write_import_file`` writes the rows
``orchestrator import topology`` reads (``store.topology.IMPORT_COLUMNS``).
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

# EndDeviceType (first part of a 4-part code) per device kind, IEC 61968-9 Annex E.
DEVICE_TYPE = {"meter": 3, "thermostat": 19, "load_control_switch": 16, "water_heater": 16, "ev_charger": 58,
               "der": 2}
# Share of premises with each controllable device, its rated kW and the program it is enrolled in.
EXTRAS = (
    ("thermostat", "TSTAT", 0.35, 3.5, "ac-cycling"),
    ("load_control_switch", "LCS", 0.08, 4.0, "ac-cycling"),
    ("water_heater", "WH", 0.10, 4.5, "water-heater-shed"),
    ("ev_charger", "EV", 0.08, 7.2, "ev-managed-charging"),
    ("der", "DER", 0.12, 5.0, "der-export-limit"),
)
IMPORT_COLUMNS = ("substation", "feeder", "transformer", "usage_point", "device", "kind", "headend", "vendor",
                  "customer", "agreement", "supplier", "programs", "groups", "rated_kw")


@dataclass
class Device:
    mrid: str
    kind: str
    premise: int  # index of the meter (premise) it sits at
    rated_kw: float | None = None
    programs: tuple[str, ...] = ()

    @property
    def device_type(self) -> int:
        return DEVICE_TYPE[self.kind]


@dataclass
class Premise:
    """One usage point: its meter, what sits behind it, and where it hangs in the network."""

    index: int
    meter: str
    usage_point: str
    customer: str
    agreement: str
    transformer: str
    feeder: str
    substation: str
    base_kw: float
    devices: list[str] = field(default_factory=list)  # controllable devices behind the meter


@dataclass
class Fleet:
    headend: str
    vendor: str
    seed: int
    premises: list[Premise]
    devices: dict[str, Device]
    transformers: dict[str, list[int]]  # transformer -> premise indexes
    feeders: dict[str, list[str]]  # feeder -> transformers
    substations: dict[str, list[str]]  # substation -> feeders

    @property
    def meters(self) -> list[str]:
        return [p.meter for p in self.premises]

    def premise_of(self, mrid: str) -> Premise:
        return self.premises[self.devices[mrid].premise]

    @property
    def der_groups(self) -> dict[str, list[str]]:
        """DER group (one per feeder, as the import file enrols them) -> its DER devices."""
        groups: dict[str, list[str]] = {}
        for d in self.devices.values():
            if d.kind == "der":
                groups.setdefault(der_group(self.premises[d.premise].feeder), []).append(d.mrid)
        return groups

    def meters_under(self, target: str) -> list[str]:
        """Meters below a meter, transformer, feeder or substation id (ValueError if unknown)."""
        if target in self.devices:
            return [self.premise_of(target).meter]
        if target in self.transformers:
            return [self.premises[i].meter for i in self.transformers[target]]
        if target in self.feeders:
            return [m for t in self.feeders[target] for m in self.meters_under(t)]
        if target in self.substations:
            return [m for f in self.substations[target] for m in self.meters_under(f)]
        raise ValueError(f"no device, transformer, feeder or substation {target!r} in the simulated fleet")

    def import_rows(self) -> list[dict]:
        rows = []
        for p in self.premises:
            common = {"substation": p.substation, "feeder": p.feeder, "transformer": p.transformer,
                      "usage_point": p.usage_point, "headend": self.headend, "vendor": self.vendor,
                      "customer": p.customer, "agreement": p.agreement, "supplier": "", "groups": ""}
            for mrid in (p.meter, *p.devices):
                d = self.devices[mrid]
                rows.append({**common, "device": mrid, "kind": d.kind, "programs": ";".join(d.programs),
                             "groups": der_group(p.feeder) if d.kind == "der" else "",
                             "rated_kw": "" if d.rated_kw is None else d.rated_kw})
        return rows

    def write_import_file(self, path: Path) -> Path:
        """The fleet as an ``orchestrator import topology`` file (.csv, or .json / .jsonl)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = self.import_rows()
        if path.suffix.lower() == ".csv":
            with path.open("w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=IMPORT_COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
        elif path.suffix.lower() == ".jsonl":
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        elif path.suffix.lower() == ".json":
            path.write_text(json.dumps(rows))
        else:
            raise ValueError(f"{path}: topology files are .csv, .json or .jsonl")
        return path


def der_group(feeder: str) -> str:
    """The DER group (IEC 61968-5 EndDeviceGroup) of the inverters on a feeder."""
    return f"DERG-{feeder}"


def generate_fleet(meters: int, *, seed: int = 1, headend: str = "hes-sim", vendor: str = "standard",
                   meters_per_transformer: tuple[int, int] = (4, 12), transformers_per_feeder: int = 40,
                   feeders_per_substation: int = 6) -> Fleet:
    """A fleet of ``meters`` premises; the same arguments always give the same fleet."""
    if meters < 1:
        raise ValueError("a fleet needs at least one meter")
    rng = random.Random(seed)
    premises: list[Premise] = []
    devices: dict[str, Device] = {}
    transformers: dict[str, list[int]] = {}
    feeders: dict[str, list[str]] = {}
    substations: dict[str, list[str]] = {}
    extra_counts = {prefix: 0 for _, prefix, *_ in EXTRAS}
    n_xfmr = 0
    while len(premises) < meters:
        if not substations or len(substations[_last(substations)]) >= feeders_per_substation:
            substations[f"SUB-{len(substations) + 1:03d}"] = []
        substation = _last(substations)
        feeder = f"FDR-{substation[4:]}-{len(substations[substation]) + 1:02d}"
        substations[substation].append(feeder)
        feeders[feeder] = []
        for _ in range(transformers_per_feeder):
            if len(premises) >= meters:
                break
            n_xfmr += 1
            xfmr = f"XFMR-{n_xfmr:06d}"
            feeders[feeder].append(xfmr)
            transformers[xfmr] = []
            for _ in range(rng.randint(*meters_per_transformer)):
                if len(premises) >= meters:
                    break
                i = len(premises)
                n = i + 1
                p = Premise(index=i, meter=f"M-{n:06d}", usage_point=f"UP-{n:06d}", customer=f"C-{n:06d}",
                            agreement=f"AG-{n:06d}", transformer=xfmr, feeder=feeder, substation=substation,
                            base_kw=round(rng.uniform(0.4, 1.4), 3))
                meter_programs = ("critical-peak-pricing",) if rng.random() < 0.5 else ()
                devices[p.meter] = Device(p.meter, "meter", i, None, meter_programs + ("remote-disconnect",))
                for kind, prefix, share, rated, program in EXTRAS:
                    if rng.random() < share:
                        extra_counts[prefix] += 1
                        mrid = f"{prefix}-{extra_counts[prefix]:06d}"
                        devices[mrid] = Device(mrid, kind, i, rated, (program,))
                        p.devices.append(mrid)
                premises.append(p)
                transformers[xfmr].append(i)
    return Fleet(headend=headend, vendor=vendor, seed=seed, premises=premises, devices=devices,
                 transformers=transformers, feeders=feeders, substations=substations)


def _last(d: dict) -> str:
    return next(reversed(d))


# ------------------------------------------------------------------------------------ load model

def _noise(seed: int, key: str, slot: int) -> float:
    """A reproducible number in [0, 1) for (device, time slot)."""
    h = hashlib.blake2b(f"{seed}|{key}|{slot}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2 ** 64


def _hour(t: float) -> float:
    return (t % 86400) / 3600.0


def household_shape(t: float) -> float:
    """Relative household demand over a day (UTC used as local time): morning and evening peaks."""
    h = _hour(t)
    return 0.6 + 0.35 * math.exp(-((h - 7.5) ** 2) / 3) + 0.7 * math.exp(-((h - 19) ** 2) / 5)


def heat(t: float) -> float:
    """Cooling need over a day, 0..1, highest mid-afternoon."""
    return max(0.0, math.sin(math.pi * (_hour(t) - 9) / 14)) if 9 <= _hour(t) <= 23 else 0.0


def solar(t: float) -> float:
    h = _hour(t)
    return max(0.0, math.sin(math.pi * (h - 6) / 13)) if 6 <= h <= 19 else 0.0


@dataclass
class Control:
    """A control in force on a device: what it does to the device's demand and until when (sim time)."""

    meaning: str  # CanonicalEvent value
    start: float
    end: float
    factor: float = 1.0  # share of normal demand left (0 = fully shed), or export cap share for DER
    control_mrid: str = ""
    issuer_tracking_id: str | None = None


def device_kw(device: Device, t: float, seed: int, control: Control | None) -> float:
    """Demand of one controllable device at sim time ``t`` (kW; negative = generation)."""
    slot = int(t // 900)
    n = _noise(seed, device.mrid, slot)
    rated = device.rated_kw or 0.0
    if device.kind in ("thermostat", "load_control_switch"):
        kw = rated * min(1.0, 0.15 + 0.85 * heat(t)) * (0.85 + 0.3 * n)
    elif device.kind == "water_heater":
        kw = rated * (0.15 + 0.5 * math.exp(-((_hour(t) - 7) ** 2) / 2) + 0.4 * math.exp(-((_hour(t) - 20) ** 2) / 3)) \
            * (0.7 + 0.6 * n)
    elif device.kind == "ev_charger":
        h = _hour(t)
        kw = rated * (0.9 if (h >= 18 or h < 1) and n < 0.6 else 0.0)
    elif device.kind == "der":
        kw = -rated * solar(t) * (0.6 + 0.4 * n)
    else:
        kw = 0.0
    if control is not None and control.start <= t < control.end:
        if device.kind == "der":
            kw = max(kw, -rated * control.factor)  # export limited to a share of the rating
        elif control.meaning in ("load_control_start", "der_setpoint"):
            kw *= control.factor
    return kw


def premise_kw(fleet: Fleet, premise: Premise, t: float, controls: dict[str, Control],
               powered: bool = True, connected: bool = True) -> float:
    """Net demand at the meter (household base + devices − generation), 0 while off or disconnected."""
    if not powered or not connected:
        return 0.0
    slot = int(t // 900)
    kw = premise.base_kw * household_shape(t) * (0.85 + 0.3 * _noise(fleet.seed, premise.meter, slot))
    for mrid in premise.devices:
        kw += device_kw(fleet.devices[mrid], t, fleet.seed, controls.get(mrid))
    return kw
