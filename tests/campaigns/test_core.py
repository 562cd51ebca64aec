"""Campaign constraints (one test per violation, checking the text), targeting, randomisation and
the dispatch state machine."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestrator.core.campaigns import (
    Campaign,
    CampaignState,
    InvalidCampaignTransition,
    Overlap,
    check_constraints,
    device_offsets,
    parse_targets,
    resolve_targets,
)
from orchestrator.core.dispatch import (
    FINAL,
    TRANSITIONS,
    DispatchEvent,
    DispatchEventKind as K,
    DispatchRecord,
    DispatchState as S,
    InvalidDispatchTransition,
    allowed_events,
    apply,
    is_stale,
)
from orchestrator.core.programs import load_programs
from orchestrator.core.topology import DeviceKind, DevicePlacement, TopologyView

PROGRAMS = load_programs([Path(__file__).resolve().parents[2] / "programs"])
AC = PROGRAMS["ac-cycling"]
CPP = PROGRAMS["critical-peak-pricing"]
# 2026-07-15 12:00 in Los Angeles (PDT, UTC-7) = 19:00 UTC; ac-cycling allows 11:00-21:00 local.
NOW = datetime(2026, 7, 15, 19, 0, tzinfo=timezone.utc)


def event(start_in_min=60, minutes=120, **kw) -> Campaign:
    start = NOW + timedelta(minutes=start_in_min)
    return Campaign(id="ev-1", program=kw.pop("program", "ac-cycling"), targets=kw.pop("targets", ("feeder:F1",)),
                    start=start, end=start + timedelta(minutes=minutes), **kw)


def texts(program, campaign, **kw) -> list[str]:
    return [v.text for v in check_constraints(program, campaign, now=NOW, **kw)]


def test_a_valid_event_has_no_violations():
    assert texts(AC, event()) == []


def test_too_long():
    assert texts(AC, event(minutes=300)) == ["event lasts 300 min; program ac-cycling allows at most 240 min"]


def test_too_short():
    assert texts(AC, event(minutes=10)) == ["event lasts 10 min; program ac-cycling needs at least 15 min"]


def test_end_before_start():
    c = event()
    assert texts(AC, Campaign(**{**c.__dict__, "end": c.start})) == [
        f"event end {c.start.isoformat()} must be after its start {c.start.isoformat()}"]


def test_not_enough_notice():
    assert texts(AC, event(start_in_min=2)) == ["event starts in 2 min; program ac-cycling needs at least 5 min notice"]
    assert texts(AC, event(start_in_min=-30)) == [
        "event started 30 min ago; program ac-cycling needs at least 5 min notice"]


def test_outside_allowed_hours():
    c = event(start_in_min=60 * 8, minutes=120)  # 20:00-22:00 local
    assert texts(AC, c) == [f"event {c.start.isoformat()} to {c.end.isoformat()} is outside program ac-cycling's "
                            f"allowed hours 11:00–21:00 America/Los_Angeles"]


def test_outside_season():
    c = Campaign(id="w", program="ac-cycling", targets=("feeder:F1",),
                 start=datetime(2026, 12, 1, 20, tzinfo=timezone.utc), end=datetime(2026, 12, 1, 21, tzinfo=timezone.utc))
    assert check_constraints(AC, c, now=datetime(2026, 11, 1, tzinfo=timezone.utc))[0].text == (
        "event on 2026-12-01 is outside program ac-cycling's season 06-01 to 09-30")


def test_too_many_this_season():
    assert texts(AC, event(), season_events=15) == [
        "program ac-cycling allows 15 events per season and 15 are already scheduled or done this season"]
    assert texts(AC, event(), season_events=14) == []


def test_overlapping_event_of_equal_or_higher_priority():
    other = Overlap(campaign="ev-0", program="water-heater-shed", priority=5, devices=3, example="TH1")
    assert texts(AC, event(priority=5), overlaps=[other]) == [
        "3 device(s), e.g. TH1, are already in overlapping event ev-0 (program water-heater-shed, priority 5, "
        "not lower than this event's 5)"]
    assert texts(AC, event(priority=6), overlaps=[other]) == []  # a higher-priority event may overlap


def test_unknown_price_level():
    c = Campaign(id="p", program=CPP.id, targets=("group:g",), start=NOW + timedelta(hours=20),
                 end=NOW + timedelta(hours=23), level=7)
    assert check_constraints(CPP, c, now=NOW)[-1].text == (
        "price level 7 is not a tier of program critical-peak-pricing (tiers: 1, 2, 3)")


def test_no_targets():
    assert texts(AC, event(targets=())) == ["an event needs at least one target"]


def test_every_violation_is_reported_at_once():
    codes = [v.code for v in check_constraints(AC, event(start_in_min=1, minutes=600), now=NOW, season_events=20)]
    assert codes == ["too_long", "not_enough_notice", "outside_allowed_hours", "too_many_this_season"]


def test_campaign_life_cycle_and_refused_transitions():
    c = event()
    for to in (CampaignState.SCHEDULED, CampaignState.DISPATCHING, CampaignState.ACTIVE, CampaignState.ENDING,
               CampaignState.COMPLETED):
        c = c.transition(to, NOW)
    with pytest.raises(InvalidCampaignTransition, match="event ev-1 is COMPLETED; it cannot become CANCELLED"):
        c.transition(CampaignState.CANCELLED, NOW)
    assert event().transition(CampaignState.CANCELLED, NOW).state is CampaignState.CANCELLED


def _view() -> TopologyView:
    view = TopologyView(transformer_feeder={"T1": "F1", "T2": "F1"}, feeder_substation={"F1": "S1"})
    for device, kind, tr, programs in (("M1", DeviceKind.METER, "T1", ()), ("TH1", DeviceKind.THERMOSTAT, "T1", ("ac-cycling",)),
                                       ("TH2", DeviceKind.THERMOSTAT, "T2", ()), ("LC1", DeviceKind.LOAD_CONTROL_SWITCH, "T2",
                                                                                  ("ac-cycling",)),
                                       ("LC2", DeviceKind.LOAD_CONTROL_SWITCH, "T2", ("ac-cycling",))):
        view.add(DevicePlacement(device=device, kind=kind, headend="hes-a", vendor="standard", usage_point=f"UP-{device}",
                                 transformer=tr, feeder="F1", substation="S1", programs=frozenset(programs)))
    return view


def test_targets_resolve_to_enrolled_devices_and_skip_the_rest_with_a_reason():
    res = resolve_targets(_view(), AC, parse_targets(["feeder:F1", "device:M1", "transformer:T2"]),
                          in_outage={"LC2"})
    assert res.eligible == ["LC1", "TH1"]
    assert res.ineligible == {"TH2": "not enrolled in ac-cycling",
                              "M1": "device kind meter is not controlled by ac-cycling"}
    assert res.in_outage == ["LC2"]
    with pytest.raises(KeyError, match="unknown feeder F9"):
        resolve_targets(_view(), AC, parse_targets(["feeder:F9"]))
    with pytest.raises(ValueError, match="unknown target kind 'street'"):
        parse_targets(["street:main"])


def test_random_offsets_are_reproducible_from_the_campaign_id_and_spread():
    offsets = [device_offsets("ev-1", f"D{i}", AC.randomisation) for i in range(2000)]
    assert offsets == [device_offsets("ev-1", f"D{i}", AC.randomisation) for i in range(2000)]
    assert offsets != [device_offsets("ev-2", f"D{i}", AC.randomisation) for i in range(2000)]
    starts = [s for s, _ in offsets]
    assert min(starts) >= 0 and max(starts) <= 600 and len(set(starts)) > 400
    assert device_offsets("ev-1", "D1", PROGRAMS["remote-disconnect"].randomisation) == (0, 0)


AT = NOW


def ev(kind, msg=None, detail=""):
    return DispatchEvent(kind, AT, msg, detail)


def test_dispatch_main_path_records_each_cause():
    r = DispatchRecord("c", "d")
    for kind, state in ((K.SENT, S.SENT), (K.REPLY_OK, S.ACCEPTED), (K.CONFIRMED, S.CONFIRMED), (K.ENDED, S.ENDED)):
        r = apply(r, ev(kind, f"m-{kind.value}"))
        assert (r.state, r.cause, r.cause_message_id) == (state, kind, f"m-{kind.value}")
    assert r.attempt == 1


def test_dispatch_retries_after_timeout_then_fails():
    r = apply(DispatchRecord("c", "d"), ev(K.SENT, "m1"))
    r = apply(r, ev(K.TIMEOUT, None, "no reply in 60 s"))
    assert (r.state, r.detail) == (S.TIMED_OUT, "no reply in 60 s")
    r = apply(r, ev(K.SENT, "m2"))
    assert (r.state, r.attempt) == (S.SENT, 2)
    r = apply(apply(r, ev(K.TIMEOUT)), ev(K.GIVE_UP, None, "2 retries"))
    assert r.state is S.FAILED


def test_dispatch_events_are_idempotent_and_late_ones_are_stale():
    sent = apply(DispatchRecord("c", "d"), ev(K.SENT, "m1"))
    assert apply(sent, ev(K.SENT, "m1")) is sent  # redelivered
    confirmed = apply(sent, ev(K.CONFIRMED, "e1"))  # the confirmation overtook the reply
    assert confirmed.state is S.CONFIRMED
    late_reply = ev(K.REPLY_OK, "r1")
    assert is_stale(confirmed, late_reply) and apply(confirmed, late_reply) is confirmed
    cancelled = apply(confirmed, ev(K.CANCEL, "x1"))
    assert apply(cancelled, ev(K.OPTED_OUT, "e2")) is cancelled  # nothing moves a final record


def test_dispatch_impossible_events_raise():
    with pytest.raises(InvalidDispatchTransition, match="device d in campaign c: ended is not possible in state PENDING"):
        apply(DispatchRecord("c", "d"), ev(K.ENDED))
    with pytest.raises(InvalidDispatchTransition):
        apply(DispatchRecord("c", "d"), ev(K.GIVE_UP))


def test_transition_table_is_consistent():
    reopenable = {S.SKIPPED_OUTAGE}  # a device restored while the event window is open may be re-sent
    assert {frm for (frm, _) in TRANSITIONS if frm in FINAL} <= reopenable
    assert all(not allowed_events(s) for s in FINAL - reopenable)
    assert allowed_events(S.PENDING) == [K.SENT, K.SKIP_OUTAGE, K.SKIP_INELIGIBLE, K.CANCEL]
