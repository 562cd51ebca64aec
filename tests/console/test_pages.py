"""Console pages over HTTP without a browser: the event form's validation, the live progress
stream (server-sent events), the CSV, error and empty states, and what a page leaves out."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

from orchestrator.console.pages import EventForm, _csv_cell, _interval_floor
from orchestrator.store.users import Role
from tests.console.helpers import cookie_session, csrf_of, login, orchestrator, user

PROGRAMS = {"ac-cycling": object()}


def _form(**kw) -> EventForm:
    base = {"program": "ac-cycling", "target_kind": "feeder", "target_id": "F1", "start": "2026-07-15T14:00",
            "tz": "America/Los_Angeles", "duration_minutes": "60"}
    return EventForm(**{**base, **kw})


def test_event_form_builds_the_command_in_the_operators_zone():
    cmd = _form().command(PROGRAMS)
    assert cmd is not None and cmd.targets == ["feeder:F1"]
    assert cmd.start == datetime(2026, 7, 15, 21, 0, tzinfo=timezone.utc)  # 14:00 PDT
    assert cmd.end_at - cmd.start == timedelta(hours=1)


def test_event_form_reports_every_bad_field():
    form = _form(program="nope", target_id="", start="15/07/2026", duration_minutes="soon", level="high",
                 setpoint_percent="lots")
    assert form.command(PROGRAMS) is None
    assert set(form.errors) == {"program", "target_id", "start", "duration_minutes", "level", "setpoint_percent"}
    form = _form(tz="Mars/Olympus")
    assert form.command(PROGRAMS) is None and "time zone" in form.errors["start"]
    form = _form(level="99")  # in range for int(), out of range for the command model
    assert form.command(PROGRAMS) is None and "level" in form.errors
    form = _form(duration_minutes="-5")
    assert form.command(PROGRAMS) is None and "more than 0" in form.errors["duration_minutes"]


def test_csv_cells_never_start_a_formula():
    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _csv_cell("-1") == "'-1" and _csv_cell(None) == ""
    assert _csv_cell(datetime(2026, 1, 1, tzinfo=timezone.utc)) == "2026-01-01T00:00:00+00:00"


def test_interval_grid():
    t = datetime(2026, 1, 1, 10, 7, 30, tzinfo=timezone.utc)
    assert _interval_floor(t) == datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc)
    assert _interval_floor(t, ceil=True) == datetime(2026, 1, 1, 10, 15, tzinfo=timezone.utc)


async def test_stream_csv_cancel_and_error_states(tmp_path):
    async with orchestrator(tmp_path) as running, cookie_session() as http:
        url = running.url
        await user(running, "olga", Role.OPERATOR)
        assert (await login(http, url, "olga")).status == 303

        async with http.get(url + "/console/events/ev-unknown") as r:  # an HTML error page, not a traceback
            assert r.status == 404 and "There is no event ev-unknown" in await r.text()
        async with http.get(url + "/console/events?state=BOGUS&from=yesterday") as r:
            page = await r.text()
            assert r.status == 200 and "Unknown state" in page and "must be a date" in page
        async with http.get(url + "/console/devices?q=nothing-like-this") as r:
            assert "No device, usage point or customer matches" in await r.text()
        async with http.get(url + "/console/devices?q=F1-") as r:  # a prefix: a list of matches
            page = await r.text()
            assert re.search(r"12 matches", page) and "F1-TH000" in page

        csrf = await csrf_of(http, url)
        start = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        form = {"_csrf": csrf, "program": "water-heater-shed", "target_kind": "group", "target_id": "north",
                "start": start, "tz": "UTC", "duration_minutes": "45"}
        async with http.post(url + "/console/events/new", data={**form, "action": "preview"}) as r:
            page = await r.text()
            assert r.status == 200 and 'id="preview-devices">4<' in page and "All program constraints pass" in page
        async with http.post(url + "/console/events/new", data={**form, "duration_minutes": "600",
                                                                "action": "create"}) as r:
            page = await r.text()  # breaks the program's longest duration: shown, nothing stored
            assert r.status == 422 and 'id="violations"' in page
        assert (await running.context.events.store.list())[1] == 0
        async with http.post(url + "/console/events/new", data={**form, "action": "create"},
                             allow_redirects=False) as r:
            assert r.status == 303
            event_id = r.headers["Location"].split("/")[-1].split("?")[0]

        async with http.get(url + f"/console/events/{event_id}/dispatches.csv") as r:
            assert r.headers["Content-Disposition"] == f'attachment; filename="{event_id}-dispatches.csv"'
            rows = list(csv.DictReader(io.StringIO(await r.text())))
        assert rows == []  # records appear when the scheduler dispatches; the header is there

        async with http.get(url + f"/console/events/{event_id}/stream") as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await _sse(stream)
            assert first[0] == "progress" and json.loads(first[1])["state"] == "SCHEDULED"
            async with cookie_session() as other:
                assert (await login(other, url, "olga")).status == 303
                token = await csrf_of(other, url, f"/console/events/{event_id}/cancel")
                async with other.post(url + f"/console/events/{event_id}/cancel",
                                      data={"_csrf": token, "reason": "no longer needed"}) as r:
                    assert r.status == 200 and "Event cancelled" in await r.text()
            changed = await _sse(stream)
            assert changed[0] == "progress" and json.loads(changed[1])["state"] == "CANCELLED"
            assert json.loads(changed[1])["final"] is True
            assert (await _sse(stream))[0] == "end"

        token = await csrf_of(http, url, f"/console/events/{event_id}")
        async with http.post(url + f"/console/events/{event_id}/cancel", data={"_csrf": token}) as r:
            assert r.status == 409 and "can no longer be cancelled" in await r.text()


async def _sse(response) -> tuple[str, str]:
    """The next (event, data) from a text/event-stream response, skipping comments."""
    name, data = "message", ""
    while True:
        line = (await response.content.readline()).decode().rstrip("\n")
        if line == "" and data:
            return name, data
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]


def test_line_chart_is_inline_svg_with_a_text_alternative():
    from orchestrator.console.charts import line_chart

    svg = str(line_chart([(1_700_000_000, 10.0), (1_700_000_900, 12.5), (1_700_001_800, 11.0)], 12.0))
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<polyline") == 1 and 'class="estimate"' in svg and "3 intervals" in svg
    assert "style=" not in svg and "<script" not in svg  # nothing the page's CSP would block
    assert str(line_chart([], 1.0)) == ""


async def test_event_page_shows_measured_reduction_against_the_baseline(tmp_path):
    """A completed event over two water heaters: 1 kWh per 15 min (4 kW) every day for three weeks,
    half of that in the event window; the page shows about 2 kW delivered per device and a chart."""
    from orchestrator.core.campaigns import Campaign, CampaignState
    from orchestrator.readings.reading_types import KWH_15MIN_DELIVERED

    async with orchestrator(tmp_path) as running, cookie_session() as http:
        url, svc = running.url, running.context.events
        devices = ["F1-WA001", "F1-WA004"]
        now = datetime.now(timezone.utc)
        end = _interval_floor(now) - timedelta(minutes=30)
        start = end - timedelta(hours=1)
        c = Campaign(id="ev-measured", program="water-heater-shed", targets=("group:north",), start=start, end=end,
                     state=CampaignState.COMPLETED, priority=5, level=None, setpoint_percent=None, reason="",
                     created_by="test", created_at=start - timedelta(hours=1), updated_at=end)
        await svc.store.create(c, "test")
        await svc.store.insert_records({"campaign": c.id, "device": d, "state": "ENDED", "attempt": 1,
                                        "headend": "hes-1", "step": 0, "message_id": "m1", "start_at": start,
                                        "end_at": end, "deadline": None, "updated_at": end, "cause": "ended",
                                        "cause_message_id": None, "detail": ""} for d in devices)
        readings = []
        first = int(_interval_floor(now - timedelta(days=21)).timestamp())
        for ts in range(first, int(_interval_floor(now).timestamp()) + 1, 900):
            in_event = start.timestamp() < ts <= end.timestamp()
            readings += [(d, KWH_15MIN_DELIVERED, ts, 0.5 if in_event else 1.0, None) for d in devices]
        await running.context.readings.insert_many(readings)

        await user(running, "vic", Role.VIEWER)
        assert (await login(http, url, "vic")).status == 303
        async with http.get(url + f"/console/events/{c.id}") as r:
            page = await r.text()
        assert r.status == 200, page
        measured = re.search(r'id="measured-kw">([0-9.,]+) kW', page)
        assert measured and float(measured.group(1)) == 4.0, page[page.find("Load reduction"):][:800]
        assert '<svg class="chart"' in page and 'class="measured"' in page


async def test_console_on_postgresql(tmp_path, postgres_url):
    """The pages' queries (both dispatch tables, outage history, audit) on PostgreSQL."""
    async with orchestrator(tmp_path, database_url=postgres_url) as running, cookie_session() as http:
        url = running.url
        await user(running, "olga", Role.OPERATOR)
        assert (await login(http, url, "olga")).status == 303
        csrf = await csrf_of(http, url)
        start = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        async with http.post(url + "/console/events/new", allow_redirects=False, data={
                "_csrf": csrf, "program": "ac-cycling", "target_kind": "feeder", "target_id": "F2", "start": start,
                "tz": "UTC", "duration_minutes": "30", "action": "create"}) as r:
            assert r.status == 303, await r.text()
            event_id = r.headers["Location"].split("/")[-1].split("?")[0]
        for page in (f"/console/events/{event_id}", "/console/events", "/console/devices?q=F2-TH000",
                     "/console/outages", "/console/audit", "/console/programs"):
            async with http.get(url + page) as r:
                assert r.status == 200, (page, await r.text())
        async with http.get(url + "/console/audit") as r:
            assert event_id in await r.text()


def test_progress_refresh_slows_down_for_very_large_events():
    from orchestrator.console.pages import _refresh_s

    assert _refresh_s(None) == 1.0 and _refresh_s({"devices": 5000}) == 1.0
    assert _refresh_s({"devices": 500_000}) == 5.0 and _refresh_s({"devices": 5_000_000}) == 10.0
