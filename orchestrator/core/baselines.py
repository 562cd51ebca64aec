"""Customer baselines and measured load reduction: what a device would have drawn without the event.

Pure functions over interval energy (``{interval-end epoch seconds: kWh}``, 15-minute intervals by
default); no store, no clock. Delivered kW for an interval = baseline kW − metered kW, where
kW = kWh × 3600 / interval length. The method is a program setting (``BaselineMethod``).

Methods, as implemented here
----------------------------

Common rules. *Eligible days* are the days before the event day (calendar days in the program's
time zone) of the same day type (weekday for a weekday event, Saturday/Sunday for a weekend
event), that are not in ``excluded`` (earlier event days, holidays, outage days) and that have a
reading for every interval of the event window, looking back at most ``lookback_days`` (45)
days. Fewer eligible days than the method needs: the baseline uses those found and says so
(``Baseline.days_used``); none: ``BaselineError``.

``CAISO_10_IN_10`` — CAISO's "10-in-10 with same-day adjustment" for Proxy Demand Resources:
    the baseline of each interval is the average of that interval over the 10 most recent
    eligible days. Same-day (load point) adjustment: factor = average metered load over the
    first three of the four hours before the event start (``[start − 4 h, start − 1 h)``, i.e.
    hours −4, −3, −2) ÷ the unadjusted baseline's average over the same hours, limited to
    [0.8, 1.2] (±20 %), multiplying every event interval.

``HIGH_5_OF_10`` — NYISO-style "average day" CBL: of the 10 most recent eligible days, the 5 with
    the highest average load over the event window; the baseline interval is their average. In-day
    adjustment (multiplicative): factor = metered ÷ baseline average over the two hours starting four
    hours before the event (``[start − 4 h, start − 2 h)``), limited to [0.8, 1.2].

``HIGH_3_OF_5`` — PJM-style high 3-of-5: of the 5 most recent eligible days, the 3 with the highest
    average load over the event window; the baseline interval is their average; no same-day
    adjustment (the "symmetric additive adjustment" of PJM's economic CBL is not applied).

Delivered reduction is reported per interval and per device, and summed per campaign interval.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from zoneinfo import ZoneInfo

Series = Mapping[int, float]  # interval-end epoch seconds -> kWh in the interval


class BaselineMethod(str, Enum):
    CAISO_10_IN_10 = "caiso-10-in-10"
    HIGH_5_OF_10 = "high-5-of-10"
    HIGH_3_OF_5 = "high-3-of-5"


@dataclass(frozen=True)
class MethodRule:
    pool: int  # most recent eligible days considered
    keep: int  # highest-load days kept of the pool
    adjust_from_h: float | None  # same-day adjustment window start, hours before the event
    adjust_to_h: float | None  # window end, hours before the event
    cap: float = 0.2  # adjustment factor limited to [1 - cap, 1 + cap]


RULES: dict[BaselineMethod, MethodRule] = {
    BaselineMethod.CAISO_10_IN_10: MethodRule(pool=10, keep=10, adjust_from_h=4, adjust_to_h=1),
    BaselineMethod.HIGH_5_OF_10: MethodRule(pool=10, keep=5, adjust_from_h=4, adjust_to_h=2),
    BaselineMethod.HIGH_3_OF_5: MethodRule(pool=5, keep=3, adjust_from_h=None, adjust_to_h=None),
}


class BaselineError(ValueError):
    """No baseline can be computed (no eligible day, a window not on interval boundaries)."""


@dataclass
class Baseline:
    method: BaselineMethod
    interval_s: int
    intervals: list[int]  # interval-end epoch seconds of the event window
    kw: list[float]  # adjusted baseline kW per interval
    unadjusted_kw: list[float]
    days_used: list[date]
    adjustment: float = 1.0  # the multiplicative same-day factor applied (1.0: none)


@dataclass
class Reduction:
    """Measured reduction of one device (or a campaign sum) over the event window."""

    intervals: list[int]
    baseline_kw: list[float]
    metered_kw: list[float | None]  # None: no reading for the interval
    delivered_kw: list[float | None]
    days_used: list[date] = field(default_factory=list)
    adjustment: float = 1.0

    @property
    def average_kw(self) -> float | None:
        values = [v for v in self.delivered_kw if v is not None]
        return sum(values) / len(values) if values else None


def _interval_ends(start: datetime, end: datetime, interval_s: int) -> list[int]:
    s, e = int(start.timestamp()), int(end.timestamp())
    if s % interval_s or e % interval_s or e <= s:
        raise BaselineError(f"event window {start.isoformat()}–{end.isoformat()} is not whole {interval_s}-s intervals")
    return list(range(s + interval_s, e + 1, interval_s))


def _same_type(day: date, event_day: date) -> bool:
    return (day.weekday() >= 5) == (event_day.weekday() >= 5)


def eligible_days(series: Series, start: datetime, end: datetime, *, tz: str = "UTC", interval_s: int = 900,
                  excluded: Iterable[date] = (), lookback_days: int = 45, wanted: int = 10) -> list[date]:
    """The most recent eligible days before the event day, newest first (at most ``wanted``)."""
    zone = ZoneInfo(tz)
    local_start = start.astimezone(zone)
    event_day = local_start.date()
    excluded = set(excluded)
    window = _interval_ends(start, end, interval_s)
    out: list[date] = []
    for back in range(1, lookback_days + 1):
        day = event_day - timedelta(days=back)
        if day in excluded or not _same_type(day, event_day):
            continue
        shift = _day_shift(day, event_day, local_start, zone)
        if all((ts - shift) in series for ts in window):
            out.append(day)
            if len(out) == wanted:
                break
    return out


def _day_shift(day: date, event_day: date, local_start: datetime, zone: ZoneInfo) -> int:
    """Seconds between the event start and the same local clock time on ``day`` (DST-safe)."""
    same_time = datetime.combine(day, local_start.timetz().replace(tzinfo=None), tzinfo=zone)
    return int(local_start.timestamp() - same_time.timestamp())


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def compute_baseline(series: Series, start: datetime, end: datetime, method: BaselineMethod | str, *,
                     tz: str = "UTC", interval_s: int = 900, excluded: Iterable[date] = (),
                     lookback_days: int = 45) -> Baseline:
    """The baseline kW of every interval of the event window ``(start, end]`` for one device."""
    method = BaselineMethod(method)
    rule = RULES[method]
    zone = ZoneInfo(tz)
    local_start = start.astimezone(zone)
    window = _interval_ends(start, end, interval_s)
    days = eligible_days(series, start, end, tz=tz, interval_s=interval_s, excluded=excluded,
                         lookback_days=lookback_days, wanted=rule.pool)
    if not days:
        raise BaselineError(f"no eligible day with complete data in the {lookback_days} days before the event")
    to_kw = 3600.0 / interval_s
    shifts = {d: _day_shift(d, local_start.date(), local_start, zone) for d in days}
    if rule.keep < len(days):
        # Highest average load over the event window; ties go to the more recent day.
        ranked = sorted(days, key=lambda d: (-_mean([series[ts - shifts[d]] for ts in window]), -d.toordinal()))
        days = sorted(ranked[:rule.keep], reverse=True)
    unadjusted = [_mean([series[ts - shifts[d]] for d in days]) * to_kw for ts in window]
    factor = 1.0
    if rule.adjust_from_h is not None:
        adj_window = _interval_ends(start - timedelta(hours=rule.adjust_from_h),
                                    start - timedelta(hours=rule.adjust_to_h), interval_s)
        metered = [series.get(ts) for ts in adj_window]
        base = [[series.get(ts - shifts[d]) for d in days] for ts in adj_window]
        if all(v is not None for v in metered) and all(all(v is not None for v in b) for b in base):
            base_mean = _mean([_mean(b) for b in base])
            if base_mean > 0:
                factor = min(1 + rule.cap, max(1 - rule.cap, _mean(metered) / base_mean))
    return Baseline(method, interval_s, window, [v * factor for v in unadjusted], unadjusted, days, factor)


def measured_reduction(series: Series, start: datetime, end: datetime, method: BaselineMethod | str,
                       **kw) -> Reduction:
    """Baseline − metered for each interval of the event window of one device."""
    baseline = compute_baseline(series, start, end, method, **kw)
    to_kw = 3600.0 / baseline.interval_s
    metered = [series[ts] * to_kw if ts in series else None for ts in baseline.intervals]
    delivered = [None if m is None else b - m for b, m in zip(baseline.kw, metered)]
    return Reduction(baseline.intervals, baseline.kw, metered, delivered, baseline.days_used, baseline.adjustment)


def campaign_reduction(reductions: Iterable[Reduction]) -> Reduction:
    """The sum over devices, interval by interval (an interval with a missing reading counts as
    missing for the campaign: ``None``, so a gap never looks like a reduction)."""
    reductions = list(reductions)
    if not reductions:
        return Reduction([], [], [], [])
    intervals = reductions[0].intervals
    if any(r.intervals != intervals for r in reductions):
        raise BaselineError("device reductions cover different intervals")
    n = len(intervals)
    baseline = [sum(r.baseline_kw[i] for r in reductions) for i in range(n)]
    metered: list[float | None] = []
    delivered: list[float | None] = []
    for i in range(n):
        values = [r.metered_kw[i] for r in reductions]
        total = None if any(v is None for v in values) else sum(values)
        metered.append(total)
        delivered.append(None if total is None else baseline[i] - total)
    return Reduction(intervals, baseline, metered, delivered)


def to_datetime(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def event_intervals(start: datetime, end: datetime, interval_s: int = 900) -> list[int]:
    """Interval-end epoch seconds of ``(start, end]``; ``BaselineError`` when not whole intervals."""
    return _interval_ends(start, end, interval_s)
