"""Measured load reduction of devices over an event window, from stored interval readings.

Reads each device's 15-minute kWh delivered from the store (the event window plus the look-back
the baseline needs) and applies ``core.baselines``. A device without enough history is reported
with its reason instead of failing the whole set.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from prometheus_client import Counter, Gauge

from orchestrator.core.baselines import (
    BaselineError,
    BaselineMethod,
    Reduction,
    campaign_reduction,
    event_intervals,
    measured_reduction,
)
from orchestrator.readings import reading_types
from orchestrator.store.readings import ReadingStore

MEASURED_REDUCTION_KW = Gauge("orchestrator_measured_reduction_kw",
                              "Average delivered kW (baseline minus metered) of the last measured set, by method",
                              ["method"])
REDUCTION_DEVICES = Counter("orchestrator_reduction_devices_total",
                            "Devices measured for load reduction, by outcome (measured, no_baseline)", ["outcome"])


@dataclass
class ReductionReport:
    method: BaselineMethod
    start: datetime
    end: datetime
    devices: dict[str, Reduction] = field(default_factory=dict)
    unmeasured: dict[str, str] = field(default_factory=dict)  # device -> why no baseline
    total: Reduction | None = None

    def to_json(self) -> dict:
        def one(r: Reduction) -> dict:
            return {"average_kw": _round(r.average_kw), "days_used": [d.isoformat() for d in r.days_used],
                    "adjustment": round(r.adjustment, 6),
                    "intervals": [{"end": datetime.fromtimestamp(ts, tz=self.start.tzinfo).isoformat(),
                                   "baseline_kw": _round(b), "metered_kw": _round(m), "delivered_kw": _round(d)}
                                  for ts, b, m, d in zip(r.intervals, r.baseline_kw, r.metered_kw, r.delivered_kw)]}

        return {"method": self.method.value, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "total": one(self.total) if self.total and self.total.intervals else None,
                "devices": {d: one(r) for d, r in self.devices.items()}, "unmeasured": self.unmeasured}


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


async def measure(store: ReadingStore, devices: Iterable[str], start: datetime, end: datetime,
                  method: BaselineMethod | str, *, tz: str = "UTC", excluded: Iterable[date] = (),
                  lookback_days: int = 45, reading_type: str = reading_types.KWH_15MIN_DELIVERED) -> ReductionReport:
    method = BaselineMethod(method)
    interval_s = reading_types.interval_seconds(reading_type) or 900
    event_intervals(start, end, interval_s)  # a bad window fails the request, not each device
    devices = list(dict.fromkeys(devices))
    series = await store.series(devices, reading_type, start=start - timedelta(days=lookback_days + 1), end=end)
    report = ReductionReport(method, start, end)
    excluded = list(excluded)
    for device in devices:
        try:
            report.devices[device] = measured_reduction(series[device], start, end, method, tz=tz,
                                                        interval_s=interval_s, excluded=excluded,
                                                        lookback_days=lookback_days)
            REDUCTION_DEVICES.labels(outcome="measured").inc()
        except BaselineError as exc:
            report.unmeasured[device] = str(exc)
            REDUCTION_DEVICES.labels(outcome="no_baseline").inc()
    if report.devices:
        report.total = campaign_reduction(report.devices.values())
        if report.total.average_kw is not None:
            MEASURED_REDUCTION_KW.labels(method=method.value).set(report.total.average_kw)
    return report


TAKING_PART = ("SENT", "ACCEPTED", "CONFIRMED", "ENDED", "TIMED_OUT")


def premise_meters(view, devices: Iterable[str]) -> dict[str, list[str]]:
    """``{meter: [controlled devices behind it]}``: load reduction is metered at the premise's meter
    (the usage point's meter), whatever device was controlled behind it."""
    out: dict[str, list[str]] = {}
    for device in devices:
        placement = view.devices.get(device)
        if placement is None:
            continue
        if placement.kind.value == "meter":
            meter = device
        else:
            meters = [d for d in view.devices_at_usage_point(placement.usage_point)
                      if view.devices[d].kind.value == "meter"] if placement.usage_point else []
            if not meters:
                continue
            meter = meters[0]
        out.setdefault(meter, []).append(device)
    return out


def interval_window(start: datetime, end: datetime, interval_s: int = 900) -> tuple[datetime, datetime]:
    """The whole intervals covering ``[start, end]`` (an event need not start on a boundary)."""
    s = int(start.timestamp()) // interval_s * interval_s
    e = -(-int(end.timestamp()) // interval_s) * interval_s
    return (datetime.fromtimestamp(s, tz=start.tzinfo), datetime.fromtimestamp(e, tz=start.tzinfo))


class UnknownEvent(LookupError):
    """No event (campaign) with that id."""


async def measure_event(store: ReadingStore, campaigns, programs: dict, load_view, event_id: str, *,
                        method: BaselineMethod | str | None = None, tz: str | None = None,
                        excluded: Iterable[date] = (), default_kw: float = 1.0) -> dict:
    """Measured reduction of an event at the meters of its devices that took part, with the
    engineering estimate (``core.correlation.estimated_kw`` per device) beside it.

    ``campaigns`` is the campaign store, ``load_view(at)`` the catalogue's topology at a time. The
    method defaults to the program's ``baseline_method`` when it has one, else CAISO 10-in-10; the
    baseline days are the program's local days (its allowed-hours time zone) unless ``tz`` is given.
    """
    from orchestrator.core.correlation import estimated_kw
    from orchestrator.core.dispatch import DispatchState

    campaign = await campaigns.get(event_id)
    if campaign is None:
        raise UnknownEvent(f"unknown event {event_id}")
    program = programs.get(campaign.program)
    method = BaselineMethod(method or getattr(program, "baseline_method", None) or BaselineMethod.CAISO_10_IN_10)
    hours = getattr(getattr(program, "limits", None), "allowed_hours", None)
    tz = tz or (hours.timezone if hours is not None else "UTC")
    taking_part = [d for d, _h in await campaigns.devices_in_states(campaign.id,
                                                                    [DispatchState(s) for s in TAKING_PART])]
    view = await load_view(campaign.start)  # who was where when the event ran
    meters = premise_meters(view, taking_part)
    start, end = interval_window(campaign.start, campaign.end)
    report = await measure(store, list(meters), start, end, method, tz=tz, excluded=excluded)
    body = report.to_json()
    body.update(event=campaign.id, program=campaign.program, devices_taking_part=len(taking_part),
                meters=len(meters), tz=tz, estimated_kw=round(sum(
                    estimated_kw(program, view.devices.get(d), default_kw) for d in taking_part), 3))
    return body
