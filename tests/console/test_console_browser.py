"""The console in Debian's Chromium (Playwright) against a running orchestrator with access control
on, a simulated head-end fleet (``orchestrator.simulator``, in process, answering controls with
replies and confirmations over the IEC endpoint) and power events for an outage.

Each step asserts what the page shows; a screenshot of every page goes to the test's tmp dir.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from orchestrator import topics
from orchestrator.core.dispatch import DispatchState
from orchestrator.processors.base import Record
from orchestrator.settings import Settings
from orchestrator.simulator import Behaviour, HeadEndSimulator, OrchestratorLink, generate_fleet
from orchestrator.store.users import Role
from tests.console.helpers import PASSWORD, orchestrator, token, user
from tests.outages.builders import event as power_event
from tests.outages.builders import message as events_message
from tests.polling import until

STATES = [s.value for s in DispatchState]
ZONE = "America/Chicago"  # the operator's zone, not the server's (UTC)
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
async def system(tmp_path):
    fleet = generate_fleet(40, seed=7, headend="hes-sim", transformers_per_feeder=3)
    fast_outages = {"outage_momentary_window_s": 1, "outage_verify_grace_s": 0, "outage_verify_timeout_s": 2,
                    "outage_tick_interval_s": 0.2, "outage_tick_lateness_s": 0}
    fast_outages = {k: v for k, v in fast_outages.items() if k in Settings.model_fields}  # outage clock settings vary
    async with orchestrator(tmp_path, rows=fleet.import_rows(), **fast_outages) as running:
        headends = running.context.headends
        _, password = await headends.add("hes-sim", url=None, vendor="standard", transport="bare")
        behaviour = Behaviour(time_scale=0.002, reading_interval_s=0, failure_rate=0.15, opt_out_rate=0.2, seed=3)
        async with HeadEndSimulator(fleet, behaviour, link=OrchestratorLink(running.url, "hes-sim", password)) as sim:
            await headends.add("hes-sim", url=sim.url + "/iec", rotate=True, password=password)
            await user(running, "olga", Role.OPERATOR)
            await user(running, "vic", Role.VIEWER)
            yield running, fleet, sim


async def _page(browser):
    context = await browser.new_context(viewport=VIEWPORT, timezone_id=ZONE)
    return context, await context.new_page()


async def _login(page, url: str, name: str) -> None:
    await page.goto(f"{url}/console/events")
    assert page.url.startswith(f"{url}/console/login")  # not signed in: the login page
    await page.get_by_label("User name", exact=True).fill(name)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{url}/console/events")
    assert await page.locator("#who").inner_text() == f"{name} {'operator' if name == 'olga' else 'viewer'}"


async def _shot(page, tmp_path, name: str) -> None:
    # caret="initial": hiding the caret would inject a <style>, which the page's CSP (rightly) blocks
    await page.screenshot(path=str(tmp_path / "screenshots" / f"{name}.png"), full_page=True, caret="initial")


async def test_operator_runs_events_watches_outages_and_finds_a_meter(system, browser, tmp_path):
    running, fleet, sim = system
    url = running.url
    (tmp_path / "screenshots").mkdir()
    feeder = next(iter(fleet.feeders))
    thermostats = [d for d, x in fleet.devices.items() if x.kind in ("thermostat", "load_control_switch") and
                   "ac-cycling" in x.programs and fleet.premise_of(d).feeder == feeder]
    assert thermostats, "the seeded fleet has AC-cycling thermostats on the first feeder"
    context, page = await _page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 422" not in m.text
            else None)  # 422 is the answer to the invalid form, on purpose

    await page.goto(f"{url}/console/login")
    await _shot(page, tmp_path, "login")
    await _login(page, url, "olga")
    assert await page.locator("#no-events").is_visible()  # the empty state
    await _shot(page, tmp_path, "events-empty")

    # programs, read-only
    await page.get_by_role("link", name="Programs").click()
    ac = page.locator("#program-ac-cycling")
    assert "50 % off" in await ac.inner_text() and "1–240 min" in await ac.inner_text()
    await _shot(page, tmp_path, "programs")

    # create: inline validation first, then a preview with the targeted count, then confirm
    await page.goto(f"{url}/console/events/new")
    assert await page.locator("input[name=tz]").input_value() == ZONE
    await page.get_by_label("Program", exact=True).select_option("ac-cycling")
    await page.get_by_label("Target id", exact=True).fill("NO-SUCH-FEEDER")
    await page.get_by_label("Duration (minutes)", exact=True).fill("0")
    await page.get_by_role("button", name="Preview").click()
    await page.locator("#err-duration_minutes").wait_for()
    assert "more than 0" in await page.locator("#err-duration_minutes").inner_text()
    assert await page.get_by_label("Duration (minutes)", exact=True).get_attribute("aria-invalid") == "true"
    await _shot(page, tmp_path, "event-form-errors")
    await page.get_by_label("Duration (minutes)", exact=True).fill("30")
    await page.get_by_role("button", name="Preview").click()
    await page.locator("#violations").wait_for()
    assert "NO-SUCH-FEEDER" in await page.locator("#violations").inner_text()
    assert await page.locator("#confirm-create").count() == 0  # nothing to confirm while a rule is broken

    start_local = await page.evaluate("""() => { const d = new Date(Date.now() + 6000); const p = n => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth()+1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }""")
    await page.get_by_label("Target id", exact=True).fill(feeder)
    await page.locator("#start").fill(start_local)
    await page.get_by_label("Reason", exact=True).fill("browser test peak")
    await page.get_by_role("button", name="Preview").click()
    await page.locator("#constraints-ok").wait_for()
    assert await page.locator("#preview-devices").inner_text() == str(len(thermostats))
    assert await page.locator("#preview-in-outage").inner_text() == "0"
    await _shot(page, tmp_path, "event-preview")
    await page.locator("#confirm-create").click()
    await page.wait_for_url(re.compile(r".*/console/events/ev-[0-9a-f]+\?done=created"))
    event_id = page.url.rsplit("/", 1)[1].split("?")[0]
    assert "Event created" in await page.locator("main").inner_text()
    stored = await running.context.events.get(event_id)
    assert stored.created_by == "olga" and stored.targets == (f"feeder:{feeder}",)
    # the page's time is the operator's zone, UTC in the title
    start_time = page.locator("dl.facts time").first
    assert (await start_time.get_attribute("title")).endswith("UTC")
    assert re.search(r"C[SD]T", await start_time.inner_text())

    # live progress over server-sent events: no reload, the counts move until every device settled
    await page.locator("#count-PENDING").wait_for()
    await until(lambda: page.locator("#settled").inner_text(), what="progress")
    await until(lambda: _settled(page, len(thermostats)), timeout=60, what="every device settled")
    final = ("ENDED", "REJECTED", "FAILED", "OPTED_OUT", "SKIPPED_OUTAGE", "SKIPPED_INELIGIBLE", "CANCELLED")
    await until(lambda: _count(page, final, len(thermostats)), timeout=60,
                 what="every device's control completed (the simulated control ends)")
    await _shot(page, tmp_path, "event-progress-live")
    await page.reload()
    rollup = {s: int(await page.locator(f"#count-{s}").inner_text()) for s in STATES}
    assert sum(rollup.values()) == len(thermostats)
    assert rollup["ENDED"] > 0  # the simulator confirmed the controls and ended them
    assert await page.locator("#event-state").get_attribute("data-state") == "ACTIVE"
    if rollup["REJECTED"]:
        assert await page.locator("#failures tbody tr").count() == rollup["REJECTED"] + rollup["FAILED"] + \
            rollup["TIMED_OUT"]
    if rollup["OPTED_OUT"]:
        assert await page.locator("#opt-outs li").count() == rollup["OPTED_OUT"]
    assert "median" in await page.locator("#ack").inner_text()
    assert "kW" in await page.locator("#estimated-kw").inner_text()
    await _shot(page, tmp_path, "event-detail")
    async with page.expect_download() as download:
        await page.locator("#csv-link").click()
    csv_text = (await (await download.value).path()).read_text()
    assert csv_text.splitlines()[0].startswith("campaign,device,state")
    assert len(csv_text.splitlines()) == 1 + len(thermostats)

    # cancel another event, with confirmation
    api_token = await token(running, Role.OPERATOR, "setup")
    later = datetime.now(timezone.utc) + timedelta(hours=4)
    other_feeder = list(fleet.feeders)[1]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/api/v1/events", headers={"Authorization": f"Bearer {api_token}"},
                             json={"program": "water-heater-shed", "targets": [f"feeder:{other_feeder}"],
                                   "start": later.isoformat(), "duration_minutes": 60}) as r:
            assert r.status == 201, await r.text()
            other = (await r.json())["id"]
    await page.goto(f"{url}/console/events?state=SCHEDULED")
    row = page.locator(f"tr[data-event='{other}']")
    assert "SCHEDULED" in await row.inner_text()
    await _shot(page, tmp_path, "events-list")
    await row.get_by_role("link", name=other).click()
    await page.locator("#cancel-link").click()
    await page.locator("#reason").fill("forecast changed")
    await _shot(page, tmp_path, "event-cancel-confirm")
    await page.get_by_role("button", name="Yes, cancel this event").click()
    await page.wait_for_url(f"{url}/console/events/{other}?done=cancelled")
    assert await page.locator("#event-state").get_attribute("data-state") == "CANCELLED"
    assert await page.locator("#cancel-link").count() == 0
    assert "forecast changed" in await page.locator(".history").inner_text()

    # an outage appears, then clears
    await page.goto(f"{url}/console/outages")
    assert await page.locator("#no-outages").is_visible()
    transformer = next(t for t, premises in fleet.transformers.items() if len(premises) >= 4)
    meters = fleet.meters_under(transformer)
    now = datetime.now(timezone.utc)
    off = events_message([power_event(m, "off", 0, start=now) for m in meters], "off-1", source="hes-sim")
    await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-sim", off))

    async def shown_out():
        await page.reload()
        row = page.locator(f"table[data-level='transformer'] tr:has-text('{transformer}')")
        return await row.count() and row
    row = await until(shown_out, what="transformer outage on the page")
    assert str(len(meters)) in await row.inner_text() and "SUSTAINED" in await row.inner_text()
    assert f"affecting {len(meters)} meter" in await page.locator("#outage-summary").inner_text()
    await _shot(page, tmp_path, "outages-active")
    on = events_message([power_event(m, "on", 30, start=now) for m in meters], "on-1", source="hes-sim")
    await running.runtime.publish(Record(topics.IEC_INBOUND, "hes-sim", on))

    async def cleared():
        await page.reload()
        return await page.locator("#no-outages").count() and await page.locator(
            f"#restored tr:has-text('{transformer}')").count()
    await until(cleared, what="outage cleared")
    await _shot(page, tmp_path, "outages-cleared")

    # search a meter
    meter = meters[0]
    premise = fleet.premise_of(meter)
    await page.get_by_role("link", name="Devices").click()
    await page.get_by_label("Device, usage point or customer", exact=True).fill(meter)
    await page.get_by_label("Device, usage point or customer", exact=True).press("Enter")
    await page.locator("#device").wait_for()
    assert await page.locator("#d-usage-point").inner_text() == premise.usage_point
    assert await page.locator("#d-transformer").inner_text() == transformer
    assert await page.locator("#d-feeder").inner_text() == premise.feeder
    assert await page.locator("#d-outage").inner_text() == "no active outage"
    outage_row = page.locator("#d-outages tbody tr").first
    assert transformer in await outage_row.inner_text() and "RESTORED" in await outage_row.inner_text()
    await _shot(page, tmp_path, "device")
    await page.get_by_label("Device, usage point or customer", exact=True).fill(thermostats[0])
    await page.get_by_label("Device, usage point or customer", exact=True).press("Enter")
    await page.locator("#d-dispatches").wait_for()
    assert event_id in await page.locator("#d-dispatches").inner_text()
    assert "ac-cycling" in await page.locator("#d-programs").inner_text()

    # the audit page shows what olga did
    await page.get_by_role("link", name="Audit").click()
    audit = await page.locator("#audit").inner_text()
    assert "olga" in audit and "login" in audit and event_id in audit
    await _shot(page, tmp_path, "audit")

    # keyboard: the skip link is the first stop and moves focus to the content
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert errors == [], "\n".join(errors)
    await context.close()


async def _count(page, states, total: int) -> bool:
    return sum([int(await page.locator(f"#count-{s}").inner_text()) for s in states]) >= total


async def _settled(page, total: int) -> bool:
    return int(await page.locator("#settled").inner_text() or 0) >= total


async def test_viewer_sees_no_create_or_cancel_and_the_server_refuses(system, browser, tmp_path):
    running, fleet, _ = system
    url = running.url
    (tmp_path / "screenshots").mkdir()
    api_token = await token(running, Role.OPERATOR, "setup")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/api/v1/events", headers={"Authorization": f"Bearer {api_token}"},
                             json={"program": "water-heater-shed", "targets": [f"feeder:{next(iter(fleet.feeders))}"],
                                   "start": (datetime.now(timezone.utc) + timedelta(hours=4)).isoformat(),
                                   "duration_minutes": 60}) as r:
            event_id = (await r.json())["id"]
    context, page = await _page(browser)
    await _login(page, url, "vic")
    assert await page.locator(f"tr[data-event='{event_id}']").count() == 1
    assert await page.locator("#new-event").count() == 0
    await _shot(page, tmp_path, "viewer-events")
    await page.goto(f"{url}/console/events/{event_id}")
    assert await page.locator("#cancel-link").count() == 0
    await page.goto(f"{url}/console/events/{event_id}/cancel")
    assert await page.get_by_role("button", name="Yes, cancel this event").count() == 0
    await _shot(page, tmp_path, "viewer-cancel")
    # the server refuses even a well-formed request with the session's CSRF token
    csrf = await page.evaluate("document.querySelector('input[name=_csrf]').value")
    status = await page.evaluate("""async ([id, csrf]) => (await fetch(`/console/events/${id}/cancel`,
        {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
         body: new URLSearchParams({_csrf: csrf})})).status""", [event_id, csrf])
    assert status == 403
    start = (datetime.now(timezone.utc) + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    status = await page.evaluate("""async ([csrf, start]) => (await fetch('/console/events/new',
        {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
         body: new URLSearchParams({_csrf: csrf, program: 'ac-cycling', target_kind: 'feeder',
                                    target_id: 'x', start, tz: 'UTC', duration_minutes: '30', action: 'create'})})).status""",
                                 [csrf, start])
    assert status == 403
    assert (await running.context.events.get(event_id)).state.value == "SCHEDULED"
    assert (await running.context.events.store.list())[1] == 1
    await context.close()
