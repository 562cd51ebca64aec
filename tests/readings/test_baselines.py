"""Baselines against hand-computed values on a small fixed data set, one test per method.

Data (kWh per 15-minute interval, UTC): every historical day draws m = 1.0 kWh in each interval
outside the event hour and e(day) inside 16:00–17:00. The event is Wednesday 2026-07-15
16:00–17:00 (4 intervals); 2026-07-13 was an earlier event day (excluded); weekends draw 2.0 in
the event hour and must never be used. On the event day the load is p before the event and
0.5 kWh (2.0 kW) during it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from orchestrator.core.baselines import (
    BaselineError,
    BaselineMethod,
    campaign_reduction,
    compute_baseline,
    eligible_days,
    measured_reduction,
)

UTC = timezone.utc
START = datetime(2026, 7, 15, 16, tzinfo=UTC)
END = datetime(2026, 7, 15, 17, tzinfo=UTC)
EVENT_HOUR = {  # e(day), kWh per interval during 16:00-17:00
    date(2026, 6, 29): 0.5, date(2026, 6, 30): 0.6, date(2026, 7, 1): 0.7, date(2026, 7, 2): 0.8,
    date(2026, 7, 3): 0.9, date(2026, 7, 6): 1.0, date(2026, 7, 7): 1.6, date(2026, 7, 8): 1.2,
    date(2026, 7, 9): 1.3, date(2026, 7, 10): 1.4, date(2026, 7, 13): 3.0, date(2026, 7, 14): 1.5,
}
EXCLUDED = {date(2026, 7, 13)}


def _series(pre_event_kwh: float) -> dict[int, float]:
    out: dict[int, float] = {}
    day = date(2026, 6, 20)
    while day <= date(2026, 7, 15):
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for i in range(1, 97):
            end = midnight + timedelta(minutes=15 * i)
            in_event = timedelta(hours=16) < end - midnight <= timedelta(hours=17)
            if day == START.date():
                if end > END:
                    break
                out[int(end.timestamp())] = 0.5 if in_event else pre_event_kwh
            elif day.weekday() >= 5:
                out[int(end.timestamp())] = 2.0 if in_event else 1.0
            else:
                out[int(end.timestamp())] = EVENT_HOUR.get(day, 0.4) if in_event else 1.0
        day += timedelta(days=1)
    return out


def test_eligible_days_skip_weekends_and_event_days():
    days = eligible_days(_series(1.1), START, END, excluded=EXCLUDED, wanted=10)
    assert days == [date(2026, 7, 14), date(2026, 7, 10), date(2026, 7, 9), date(2026, 7, 8), date(2026, 7, 7),
                    date(2026, 7, 6), date(2026, 7, 3), date(2026, 7, 2), date(2026, 7, 1), date(2026, 6, 30)]


def test_caiso_10_in_10_with_same_day_adjustment():
    # 10 days: 1.5+1.4+1.3+1.2+1.6+1.0+0.9+0.8+0.7+0.6 = 11.0 -> 1.1 kWh -> 4.4 kW unadjusted.
    # Adjustment window 12:00-15:00: metered 1.1 kWh / baseline 1.0 kWh = 1.1 -> 4.4 * 1.1 = 4.84 kW.
    # Delivered = 4.84 - 0.5 * 4 = 2.84 kW in each interval.
    r = measured_reduction(_series(1.1), START, END, BaselineMethod.CAISO_10_IN_10, excluded=EXCLUDED)
    assert len(r.days_used) == 10 and r.adjustment == pytest.approx(1.1)
    assert r.baseline_kw == pytest.approx([4.84] * 4)
    assert r.metered_kw == pytest.approx([2.0] * 4)
    assert r.delivered_kw == pytest.approx([2.84] * 4) and r.average_kw == pytest.approx(2.84)


def test_caiso_adjustment_is_capped_at_20_percent():
    # Metered 1.5 / baseline 1.0 = 1.5, capped to 1.2: 4.4 * 1.2 = 5.28 kW.
    b = compute_baseline(_series(1.5), START, END, "caiso-10-in-10", excluded=EXCLUDED)
    assert b.adjustment == pytest.approx(1.2)
    assert b.unadjusted_kw == pytest.approx([4.4] * 4) and b.kw == pytest.approx([5.28] * 4)
    # And downwards: 0.5 / 1.0 = 0.5, capped to 0.8: 4.4 * 0.8 = 3.52 kW.
    low = compute_baseline(_series(0.5), START, END, "caiso-10-in-10", excluded=EXCLUDED)
    assert low.kw == pytest.approx([3.52] * 4)


def test_high_5_of_10_nyiso_style():
    # Same 10 days; highest 5 event-hour averages: 1.6, 1.5, 1.4, 1.3, 1.2 -> 7.0 / 5 = 1.4 kWh -> 5.6 kW.
    # Adjustment window 12:00-14:00: 1.1 / 1.0 = 1.1 -> 6.16 kW; delivered 6.16 - 2.0 = 4.16 kW.
    r = measured_reduction(_series(1.1), START, END, BaselineMethod.HIGH_5_OF_10, excluded=EXCLUDED)
    assert sorted(r.days_used) == [date(2026, 7, 7), date(2026, 7, 8), date(2026, 7, 9), date(2026, 7, 10),
                                   date(2026, 7, 14)]
    assert r.baseline_kw == pytest.approx([6.16] * 4) and r.delivered_kw == pytest.approx([4.16] * 4)


def test_high_3_of_5_pjm_style():
    # 5 most recent: 07-14 1.5, 07-10 1.4, 07-09 1.3, 07-08 1.2, 07-07 1.6; highest 3: 1.6, 1.5, 1.4
    # -> 4.5 / 3 = 1.5 kWh -> 6.0 kW, no adjustment; delivered 6.0 - 2.0 = 4.0 kW.
    r = measured_reduction(_series(1.1), START, END, BaselineMethod.HIGH_3_OF_5, excluded=EXCLUDED)
    assert sorted(r.days_used) == [date(2026, 7, 7), date(2026, 7, 10), date(2026, 7, 14)]
    assert r.adjustment == 1.0 and r.delivered_kw == pytest.approx([4.0] * 4)


def test_campaign_sum_and_missing_intervals():
    a = measured_reduction(_series(1.1), START, END, "high-3-of-5", excluded=EXCLUDED)  # 4.0 kW each
    series = _series(1.1)
    del series[int(END.timestamp())]  # last event interval not read
    b = measured_reduction(series, START, END, "high-3-of-5", excluded=EXCLUDED)
    total = campaign_reduction([a, b])
    assert total.baseline_kw == pytest.approx([12.0] * 4)
    assert total.delivered_kw[:3] == pytest.approx([8.0] * 3) and total.delivered_kw[3] is None


def test_no_eligible_day_and_bad_window():
    with pytest.raises(BaselineError, match="no eligible day"):
        compute_baseline({}, START, END, "caiso-10-in-10")
    with pytest.raises(BaselineError, match="whole 900-s intervals"):
        compute_baseline(_series(1.0), START + timedelta(minutes=7), END, "caiso-10-in-10")
    with pytest.raises(ValueError):
        compute_baseline(_series(1.0), START, END, "average-of-everything")
