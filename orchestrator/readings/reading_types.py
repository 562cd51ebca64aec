"""IEC 61968-9 ReadingType codes (the 18-field ``macroPeriod.aggregate.measuringPeriod.accumulation.
flowDirection.commodity.measurementKind.interharmonic(2).argument(2).TOU.CPP.consumptionTier.phases.
multiplier.unit.currency`` string) the orchestrator reads and what they mean to it.

Baselines use 15-minute interval energy (kWh delivered); power at an instant (kW) is kept as it
arrives; the bulk register (kWh delivered) serves switching reads. Other codes are stored too,
under their own code, but nothing computes with them.
"""
from __future__ import annotations

from dataclasses import dataclass

#: 15-minute interval, delta data, forward (delivered) energy, kWh: the interval data of baselines.
KWH_15MIN_DELIVERED = "0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0"
#: Bulk quantity (register), forward energy, kWh: the meter's index, read at a switch.
KWH_REGISTER_DELIVERED = "0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0"
#: Instantaneous demand (power), forward, kW.
KW_INSTANTANEOUS = "0.0.0.12.1.1.37.0.0.0.0.0.0.0.0.3.38.0"
#: Hourly (60-minute) interval, delta data, forward energy, kWh.
KWH_60MIN_DELIVERED = "0.0.7.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0"

#: ReadingQualityType the orchestrator writes on values it estimated (system 3 "other", category 8
#: "estimated", IEC 61968-9 Annex D).
QUALITY_ESTIMATED = "3.8.0"


@dataclass(frozen=True)
class ReadingTypeInfo:
    code: str
    description: str
    unit: str
    interval_s: int | None  # interval length for delta interval data, None for registers and instants


KNOWN: dict[str, ReadingTypeInfo] = {r.code: r for r in (
    ReadingTypeInfo(KWH_15MIN_DELIVERED, "15-minute energy delivered", "kWh", 900),
    ReadingTypeInfo(KWH_60MIN_DELIVERED, "60-minute energy delivered", "kWh", 3600),
    ReadingTypeInfo(KWH_REGISTER_DELIVERED, "energy delivered register", "kWh", None),
    ReadingTypeInfo(KW_INSTANTANEOUS, "instantaneous power delivered", "kW", None),
)}


def valid_code(code: str) -> bool:
    """An 18-field dotted ReadingType code of integers (the MultiSpeak-style names are not codes)."""
    parts = code.split(".")
    return len(parts) == 18 and all(p.lstrip("-").isdigit() for p in parts)


def interval_seconds(code: str) -> int | None:
    info = KNOWN.get(code)
    return info.interval_s if info else None
