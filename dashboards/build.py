"""Grafana dashboards as code (grafanalib), generated into ``dashboards/json/``.

    python dashboards/build.py            # write dashboards/json/*.json
    python dashboards/build.py --check    # exit 1 if the committed JSON differs from the code

Every panel queries the provisioned Prometheus datasource (uid ``prometheus``). Panel queries
only name metrics registered by the orchestrator's code; ``tests/observability`` checks that, runs
every query against a real Prometheus, and fails when the JSON here is stale.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grafanalib._gen import DashboardEncoder
from grafanalib.core import Dashboard as GDashboard
from grafanalib.core import (
    GridPos,
    RowPanel,
    Stat,
    StatValueMappingItem,
    StatValueMappings,
    Target,
    Template,
    Templating,
    Time,
    TimeSeries,
)

HERE = Path(__file__).resolve().parent
OUT = HERE / "json"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
RATE = "$__rate_interval"
GRID_WIDTH = 24


@dataclass(frozen=True)
class Q:
    """One PromQL query of a panel, with its legend."""

    expr: str
    legend: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    description: str
    queries: tuple[Q, ...]
    kind: str = "timeseries"  # timeseries | stat
    unit: str = "short"
    w: int = 12
    h: int = 8
    stack: bool = False
    mappings: tuple[tuple[str, str, str], ...] = ()  # (value, text, color) for state gauges
    thresholds: tuple[tuple[float | None, str], ...] = ((None, "green"),)


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    query: str  # label_values(metric, label)


@dataclass(frozen=True)
class Board:
    uid: str
    title: str
    description: str
    rows: tuple[Row, ...]
    variables: tuple[Variable, ...] = ()
    tags: tuple[str, ...] = ("orchestrator",)


def ts(title: str, description: str, *queries: Q, **kw) -> Panel:
    return Panel(title, description, queries, **kw)


def stat(title: str, description: str, *queries: Q, **kw) -> Panel:
    kw.setdefault("w", 6)
    kw.setdefault("h", 4)
    return Panel(title, description, queries, kind="stat", **kw)


# --------------------------------------------------------------------------- dashboards

CIRCUIT_STATES = (("0", "closed", "green"), ("1", "half-open", "orange"), ("2", "open", "red"))


def integration_health() -> Board:
    he = 'headend=~"$headend"'
    return Board(
        uid="orchestrator-integration",
        title="Orchestrator / Integration health",
        description="Are the head-ends, the IEC endpoint and the processing pipeline healthy?",
        variables=(Variable("headend", "Head-end", "label_values(orchestrator_headend_requests_total, headend)"),),
        rows=(
            Row("Head-ends (outbound IEC requests)", (
                ts("Requests per head-end and outcome",
                   "Requests sent to each head-end per second, by outcome (ok, partial, failed, transport_error, "
                   "circuit_open, no_headend).",
                   Q(f'sum by (headend, outcome) (rate(orchestrator_headend_requests_total{{{he}}}[{RATE}]))',
                     "{{headend}} {{outcome}}"), unit="reqps", stack=True),
                ts("Error ratio per head-end",
                   "Share of requests to each head-end that did not end in an OK reply.",
                   Q(f'1 - (sum by (headend) (rate(orchestrator_headend_requests_total{{{he},outcome="ok"}}[{RATE}]))'
                     f' or sum by (headend) (rate(orchestrator_headend_requests_total{{{he}}}[{RATE}])) * 0)'
                     f' / sum by (headend) (rate(orchestrator_headend_requests_total{{{he}}}[{RATE}]))',
                     "{{headend}}"), unit="percentunit"),
                ts("Head-end latency (p50, p95)",
                   "Time for a head-end to answer a request synchronously.",
                   Q(f'histogram_quantile(0.95, sum by (headend, le) '
                     f'(rate(orchestrator_headend_request_seconds_bucket{{{he}}}[{RATE}])))', "p95 {{headend}}"),
                   Q(f'histogram_quantile(0.5, sum by (headend, le) '
                     f'(rate(orchestrator_headend_request_seconds_bucket{{{he}}}[{RATE}])))', "p50 {{headend}}"),
                   unit="s"),
                ts("Transport retries and requests in flight",
                   "Retries of failed transports per second, and requests waiting for a head-end's answer.",
                   Q(f'sum by (headend) (rate(orchestrator_headend_retries_total{{{he}}}[{RATE}]))',
                     "retries/s {{headend}}"),
                   Q(f'sum by (headend) (orchestrator_headend_in_flight_requests{{{he}}})', "in flight {{headend}}")),
                stat("Circuit breaker", "Circuit breaker towards each head-end: closed, half-open or open.",
                     Q(f'max by (headend) (orchestrator_headend_circuit_state{{{he}}})', "{{headend}}"),
                     w=24, mappings=CIRCUIT_STATES),
            )),
            Row("IEC endpoint and inbound routing", (
                ts("IEC endpoint requests by route and result",
                   "Messages received from head-ends, MDM and CIS per second, by route and reply result.",
                   Q(f'sum by (route, result) (rate(orchestrator_iec_endpoint_requests_total[{RATE}]))',
                     "{{route}} {{result}}"), unit="reqps"),
                ts("IEC endpoint latency (p95)", "Time from request to reply, durable publish included.",
                   Q(f'histogram_quantile(0.95, sum by (route, le) '
                     f'(rate(orchestrator_iec_endpoint_request_seconds_bucket[{RATE}])))', "{{route}}"), unit="s"),
                ts("Rejected IEC messages by error code",
                   "Parse and validation failures: IEC replies FAILED by IEC error code.",
                   Q(f'sum by (code) (rate(orchestrator_iec_endpoint_requests_total{{result="FAILED"}}[{RATE}]))',
                     "{{code}}"), unit="reqps"),
                ts("IEC messages in and out by noun and verb",
                   "Messages from head-ends, MDM and CIS (in) and to head-ends (out) per second.",
                   Q(f'sum by (direction, noun, verb) (rate(orchestrator_iec_messages_total[{RATE}]))',
                     "{{direction}} {{verb}} {{noun}}"), unit="ops"),
                ts("Inbound messages by noun, verb and outcome",
                   "What the inbound router did with each IEC message: routed, duplicate or rejected.",
                   Q(f'sum by (noun, verb, outcome) (rate(orchestrator_inbound_messages_total[{RATE}]))',
                     "{{verb}} {{noun}} {{outcome}}"), unit="ops"),
            )),
            Row("Pipeline", (
                ts("Messages produced per topic", "Records appended to each topic per second.",
                   Q(f'sum by (topic) (rate(orchestrator_messages_produced_total[{RATE}]))', "{{topic}}"),
                   unit="ops"),
                ts("Messages consumed per consumer", "Records read by each processor or sink per second.",
                   Q(f'sum by (consumer) (rate(orchestrator_messages_consumed_total[{RATE}]))', "{{consumer}}"),
                   unit="ops"),
                ts("Dead letters by source topic and reason",
                   "Records that could not be processed, per second (see `orchestrator deadletter list`).",
                   Q(f'sum by (source_topic, reason) (rate(orchestrator_dead_letters_total[{RATE}]))',
                     "{{source_topic}} {{reason}}"), unit="ops"),
                ts("Processor lag", "Records not yet processed per consumer (Kafka: consumer lag).",
                   Q('sum by (consumer) (orchestrator_processor_lag_records)', "{{consumer}}")),
                ts("Scheduler job runs by kind and outcome", "Campaign start, ramp and end jobs run per second: "
                   "ok, error (raised) or missed (misfired).",
                   Q(f'sum by (kind, outcome) (rate(orchestrator_scheduler_jobs_total[{RATE}]))',
                     "{{kind}} {{outcome}}"), unit="ops"),
                ts("Scheduler job lateness (p95)", "From a job's scheduled run time to the end of its run.",
                   Q(f'histogram_quantile(0.95, sum by (kind, le) '
                     f'(rate(orchestrator_scheduler_job_delay_seconds_bucket[{RATE}])))', "{{kind}}"), unit="s"),
                stat("Dead letters (last hour)", "Records dead-lettered in the last hour.",
                     Q('sum(increase(orchestrator_dead_letters_total[1h]))'),
                     thresholds=((None, "green"), (1, "orange"), (100, "red"))),
                stat("Scheduler jobs failed or missed (last hour)", "Scheduler job runs that raised or misfired.",
                     Q('sum(increase(orchestrator_scheduler_jobs_total{outcome!="ok"}[1h])) or vector(0)'),
                     thresholds=((None, "green"), (1, "red"))),
                stat("Scrape targets up", "Orchestrator processes Prometheus can scrape.",
                     Q('sum(up)'), thresholds=((None, "red"), (1, "green"))),
                stat("Versions running", "Processes per orchestrator version.",
                     Q('count by (version) (orchestrator_build_info)', "{{version}}")),
            )),
        ),
    )

STARTED_STATES = "PENDING|SENT|ACCEPTED|CONFIRMED"  # a device still taking part in its event
FAILED_STATES = "REJECTED|TIMED_OUT|FAILED"
RUNNING_CAMPAIGN = "DISPATCHING|ACTIVE|ENDING"


def _ratio(part: str, whole: str, by: str) -> str:
    """part/whole per ``by`` that is 0, not absent, where ``part`` has no series yet."""
    return f"(sum by ({by}) ({part}) or sum by ({by}) ({whole}) * 0) / sum by ({by}) ({whole})"


def campaign_overview() -> Board:
    devices = "orchestrator_dispatch_devices"
    campaigns = "orchestrator_campaigns"
    shed = "orchestrator_campaign_estimated_shed_kw"
    transitions = f"rate(orchestrator_dispatch_transitions_total[{RATE}])"
    return Board(
        uid="orchestrator-campaign-overview",
        title="Orchestrator / Campaign overview",
        description="Which demand-response events are running, how far has each got, and are devices acknowledging?",
        rows=(
            Row("Now", (
                stat("Active campaigns", "Events dispatching, active or ending (from the catalogue).",
                     Q(f'sum(max by (program, state) ({campaigns}{{state=~"{RUNNING_CAMPAIGN}"}})) or vector(0)')),
                stat("Scheduled campaigns", "Events waiting for their start.",
                     Q(f'sum(max by (program, state) ({campaigns}{{state="SCHEDULED"}})) or vector(0)')),
                stat("Devices taking part", "Devices whose control is pending, sent, accepted or confirmed.",
                     Q(f'sum({devices}{{state=~"{STARTED_STATES}"}}) or vector(0)')),
                stat("Devices confirmed", "Devices whose own event confirmed the control.",
                     Q(f'sum({devices}{{state="CONFIRMED"}}) or vector(0)')),
                stat("Devices failed, rejected or timed out", "Devices the event could not reach.",
                     Q(f'sum({devices}{{state=~"{FAILED_STATES}"}}) or vector(0)'),
                     thresholds=((None, "green"), (1, "orange"))),
            )),
            Row("Progress", (
                ts("Campaigns by program and state", "Events per program in each state (catalogue).",
                   Q(f'max by (program, state) ({campaigns}{{state!~"COMPLETED|CANCELLED"}}) > 0',
                     "{{program}} {{state}}"), stack=True),
                ts("Devices by dispatch state", "Devices of all campaigns in each dispatch state.",
                   Q(f'sum by (state) ({devices})', "{{state}}"), stack=True),
                ts("Confirmed share per campaign", "Share of each campaign's devices that confirmed the control.",
                   Q(_ratio(f'{devices}{{state="CONFIRMED"}}', devices, "campaign, program"),
                     "{{campaign}} ({{program}})"), unit="percentunit"),
                ts("Dispatch transitions per state", "Dispatch records entering each state per second.",
                   Q(f'sum by (state) ({transitions})', "{{state}}"), unit="ops"),
                ts("Failure ratio per program",
                   "Devices failing, rejected or timing out per device sent, per program.",
                   Q(_ratio(f'rate(orchestrator_dispatch_transitions_total{{state=~"{FAILED_STATES}"}}[{RATE}])',
                            f'rate(orchestrator_dispatch_transitions_total{{state="SENT"}}[{RATE}])', "program"),
                     "{{program}}"), unit="percentunit"),
            )),
            Row("Load shed", (
                stat("Estimated shed now", "Sum of the per-device estimates of the devices that accepted or "
                     "confirmed, over running campaigns.",
                     Q(f'sum(max by (campaign, program) ({shed})) or vector(0)'), unit="kwatt"),
                ts("Shed kW: estimated vs measured", "The engineering estimate of running campaigns beside the "
                   "last measured reduction (baseline minus metered at the premises' meters), by baseline method.",
                   Q(f'sum(max by (campaign, program) ({shed}))', "estimated"),
                   Q('max by (method) (orchestrator_measured_reduction_kw)', "measured ({{method}})"),
                   unit="kwatt", w=18),
                ts("Estimated shed per campaign", "Per running campaign.",
                   Q(f'max by (campaign, program) ({shed})', "{{campaign}} ({{program}})"), unit="kwatt", w=24),
            )),
            Row("Acknowledgements", (
                ts("Head-end acknowledgement latency (p50, p95)", "Control sent to head-end reply OK, per program.",
                   Q(f'histogram_quantile(0.95, sum by (program, le) '
                     f'(rate(orchestrator_dispatch_reply_latency_seconds_bucket[{RATE}])))', "p95 {{program}}"),
                   Q(f'histogram_quantile(0.5, sum by (program, le) '
                     f'(rate(orchestrator_dispatch_reply_latency_seconds_bucket[{RATE}])))', "p50 {{program}}"),
                   unit="s"),
                ts("Device confirmation latency (p50, p95)", "Control sent to the device's confirming event.",
                   Q(f'histogram_quantile(0.95, sum by (program, le) '
                     f'(rate(orchestrator_dispatch_confirmation_latency_seconds_bucket[{RATE}])))', "p95 {{program}}"),
                   Q(f'histogram_quantile(0.5, sum by (program, le) '
                     f'(rate(orchestrator_dispatch_confirmation_latency_seconds_bucket[{RATE}])))', "p50 {{program}}"),
                   unit="s"),
                ts("Timeouts, retries and opt-outs", "Deadlines passed, controls re-sent and customer overrides "
                   "per second.",
                   Q(f'sum by (kind) (rate(orchestrator_dispatch_timeouts_total[{RATE}]))', "timeout {{kind}}"),
                   Q(f'sum by (reason) (rate(orchestrator_dispatch_retries_total[{RATE}]))', "retry {{reason}}"),
                   Q(f'sum(rate(orchestrator_dispatch_opt_outs_total[{RATE}]))', "opt-outs"),
                   unit="ops", w=24),
            )),
        ),
    )


def campaign_detail() -> Board:
    sel = 'campaign=~"$campaign", program=~"$program"'
    prog = 'program=~"$program"'
    devices = f"orchestrator_dispatch_devices{{{sel}}}"
    return Board(
        uid="orchestrator-campaign-detail",
        title="Orchestrator / Campaign detail",
        description="For one program or campaign: where is every device, how fast do they answer, who opted out?",
        variables=(
            Variable("program", "Program", "label_values(orchestrator_dispatch_devices, program)"),
            Variable("campaign", "Campaign", 'label_values(orchestrator_dispatch_devices{program=~"$program"}, '
                                             'campaign)'),
        ),
        rows=(
            Row("Devices", (
                stat("Devices", "Devices targeted by the selected campaigns.", Q(f"sum({devices}) or vector(0)")),
                stat("Awaiting acknowledgement", "Controls sent, no head-end reply yet.",
                     Q(f'sum(orchestrator_dispatch_devices{{{sel}, state=~"PENDING|SENT"}}) or vector(0)')),
                stat("Confirmed", "Devices that confirmed the control.",
                     Q(f'sum(orchestrator_dispatch_devices{{{sel}, state="CONFIRMED"}}) or vector(0)')),
                stat("Opted out", "Customers who overrode the event.",
                     Q(f'sum(orchestrator_dispatch_devices{{{sel}, state="OPTED_OUT"}}) or vector(0)')),
                ts("Devices by state", "The selected campaigns' devices in each dispatch state.",
                   Q(f"sum by (campaign, state) ({devices})", "{{campaign}} {{state}}"), stack=True),
                ts("Estimated shed", "Per-device estimates of the devices that accepted or confirmed.",
                   Q(f'max by (campaign) (orchestrator_campaign_estimated_shed_kw{{{sel}}})', "{{campaign}}"),
                   unit="kwatt"),
            )),
            Row("Program answers", (
                ts("Acknowledgement latency (p50, p95)", "Control sent to head-end reply OK in the program.",
                   Q(f'histogram_quantile(0.95, sum by (le) '
                     f'(rate(orchestrator_dispatch_reply_latency_seconds_bucket{{{prog}}}[{RATE}])))', "p95"),
                   Q(f'histogram_quantile(0.5, sum by (le) '
                     f'(rate(orchestrator_dispatch_reply_latency_seconds_bucket{{{prog}}}[{RATE}])))', "p50"),
                   unit="s"),
                ts("Confirmation latency (p50, p95)", "Control sent to the device's confirming event.",
                   Q(f'histogram_quantile(0.95, sum by (le) '
                     f'(rate(orchestrator_dispatch_confirmation_latency_seconds_bucket{{{prog}}}[{RATE}])))', "p95"),
                   Q(f'histogram_quantile(0.5, sum by (le) '
                     f'(rate(orchestrator_dispatch_confirmation_latency_seconds_bucket{{{prog}}}[{RATE}])))', "p50"),
                   unit="s"),
                ts("Transitions by state and rule", "Dispatch records entering each state, and the rule that moved "
                   "them, per second.",
                   Q(f'sum by (state, rule) (rate(orchestrator_dispatch_transitions_total{{{prog}}}[{RATE}]))',
                     "{{state}} ({{rule}})"), unit="ops"),
                ts("Timeouts, retries and opt-outs", "Per second, in the program.",
                   Q(f'sum by (kind) (rate(orchestrator_dispatch_timeouts_total{{{prog}}}[{RATE}]))',
                     "timeout {{kind}}"),
                   Q(f'sum by (reason) (rate(orchestrator_dispatch_retries_total{{{prog}}}[{RATE}]))',
                     "retry {{reason}}"),
                   Q(f'sum(rate(orchestrator_dispatch_opt_outs_total{{{prog}}}[{RATE}]))', "opt-outs"), unit="ops"),
            )),
        ),
    )


def outages() -> Board:
    notes = "orchestrator_outage_notifications_total"
    oms = "orchestrator_oms_delivery_attempts_total"
    return Board(
        uid="orchestrator-outages",
        title="Orchestrator / Outages",
        description="Where is the power off, how many blinks, and is the OMS being told?",
        rows=(
            Row("Now", (
                stat("Active outages by level", "Outages suspected or sustained and not restored, per level "
                     "(meter, transformer, feeder).",
                     Q('sum by (level) (max by (level, status) (orchestrator_outages_active))', "{{level}}"),
                     w=12, thresholds=((None, "green"), (1, "red"))),
                stat("OMS backlog", "Notifications waiting in the outbox for the OMS, and the oldest one's age.",
                     Q('sum(max by (target) (orchestrator_oms_outbox_deliveries{status="pending"})) or vector(0)',
                       "pending"),
                     thresholds=((None, "green"), (1, "orange"), (100, "red"))),
                stat("Oldest pending OMS notification", "Age of the oldest notification the OMS has not accepted.",
                     Q('max(orchestrator_oms_outbox_oldest_pending_seconds) or vector(0)'), unit="s",
                     thresholds=((None, "green"), (60, "orange"), (600, "red"))),
                stat("Momentary interruptions (last hour)", "Power-off/restore pairs inside the momentary window.",
                     Q(f'sum(increase({notes}{{event="outage.momentary"}}[1h])) or vector(0)')),
                stat("Outages reported to the OMS (last hour)", "Outage-created notifications.",
                     Q(f'sum(increase({notes}{{event="outage.created"}}[1h])) or vector(0)')),
                stat("Restorations reported (last hour)", "Outage-restored notifications.",
                     Q(f'sum(increase({notes}{{event="outage.restored"}}[1h])) or vector(0)')),
                stat("Storm mode entered (last hour)", "Times the detector switched to storm summaries.",
                     Q('sum(increase(orchestrator_outage_decisions_total{decision="storm_started"}[1h])) '
                       'or vector(0)'), thresholds=((None, "green"), (1, "red"))),
            )),
            Row("Detection", (
                ts("Active outages by level and status", "Suspected and sustained outages over time.",
                   Q('max by (level, status) (orchestrator_outages_active)', "{{level}} {{status}}"), stack=True,
                   w=24),
                ts("OMS notifications by event", "Outage created, updated, restored, momentary and storm summaries "
                   "per second.", Q(f'sum by (event) (rate({notes}[{RATE}]))', "{{event}}"), unit="ops"),
                ts("Detector decisions", "Momentary, nested, duplicate, storm and other decisions per second.",
                   Q(f'sum by (decision) (rate(orchestrator_outage_decisions_total[{RATE}]))', "{{decision}}"),
                   unit="ops"),
                ts("Meter power facts", "Power-off and restore facts from meter events, forwarded or duplicate.",
                   Q(f'sum by (meaning, outcome) (rate(orchestrator_outage_facts_total[{RATE}]))',
                     "{{meaning}} {{outcome}}"), unit="ops", w=24),
            )),
            Row("OMS delivery", (
                ts("OMS delivery attempts by outcome", "Webhook deliveries per second: delivered, retry (will be "
                   "retried with backoff) or dead (gave up; replay from the dead-letter store).",
                   Q(f'sum by (target, outcome) (rate({oms}[{RATE}]))', "{{target}} {{outcome}}"), unit="ops"),
                ts("OMS delivery latency (p50, p95)", "Duration of one delivery attempt to the OMS.",
                   Q(f'histogram_quantile(0.95, sum by (target, le) '
                     f'(rate(orchestrator_oms_delivery_seconds_bucket[{RATE}])))', "p95 {{target}}"),
                   Q(f'histogram_quantile(0.5, sum by (target, le) '
                     f'(rate(orchestrator_oms_delivery_seconds_bucket[{RATE}])))', "p50 {{target}}"), unit="s"),
                ts("OMS outbox by status", "Notifications pending (backlog), delivered and dead (given up), per "
                   "OMS target.",
                   Q('max by (target, status) (orchestrator_oms_outbox_deliveries)', "{{target}} {{status}}"),
                   w=24),
                stat("OMS retries (last hour)", "Delivery attempts that failed and were rescheduled.",
                     Q(f'sum(increase({oms}{{outcome="retry"}}[1h])) or vector(0)'),
                     thresholds=((None, "green"), (1, "orange"))),
                stat("OMS deliveries given up (last hour)", "Notifications moved to the dead-letter store.",
                     Q(f'sum(increase({oms}{{outcome="dead"}}[1h])) or vector(0)'),
                     thresholds=((None, "green"), (1, "red"))),
                stat("OMS delivery success ratio (last hour)", "Attempts delivered per attempt made.",
                     Q(f'sum(increase({oms}{{outcome="delivered"}}[1h])) / sum(increase({oms}[1h]))'),
                     unit="percentunit", w=12, thresholds=((None, "red"), (0.9, "orange"), (0.99, "green"))),
            )),
        ),
    )


def board_list() -> list[Board]:
    return [campaign_overview(), campaign_detail(), outages(), integration_health()]


# --------------------------------------------------------------------------- rendering

def _panel(p: Panel, pid: int, pos: GridPos) -> object:
    targets = [Target(expr=q.expr, legendFormat=q.legend, refId=chr(ord("A") + i), datasource=DATASOURCE)
               for i, q in enumerate(p.queries)]
    steps = [{"color": color, "value": value} for value, color in p.thresholds]
    common = dict(title=p.title, description=p.description, dataSource=DATASOURCE, targets=targets, id=pid,
                  gridPos=pos)
    if p.kind == "stat":
        mappings = [StatValueMappings(*(StatValueMappingItem(text, value, color)
                                        for value, text, color in p.mappings))] if p.mappings else []
        return Stat(**common, format=p.unit, reduceCalc="lastNotNull", mappings=mappings, thresholds=steps,
                    graphMode="none" if p.mappings else "area", textMode="value_and_name")
    return TimeSeries(**common, unit=p.unit, thresholds=steps, legendDisplayMode="table", legendPlacement="bottom",
                      legendCalcs=["lastNotNull", "max"], tooltipMode="multi",
                      stacking={"mode": "normal", "group": "A"} if p.stack else {},
                      fillOpacity=30 if p.stack else 10)


def _layout(board: Board) -> list[object]:
    panels: list[object] = []
    pid, y = 1, 0
    for row in board.rows:
        panels.append(RowPanel(title=row.title, id=pid, gridPos=GridPos(h=1, w=GRID_WIDTH, x=0, y=y)))
        pid, y = pid + 1, y + 1
        x, line_h = 0, 0
        for p in row.panels:
            if x + p.w > GRID_WIDTH:
                x, y, line_h = 0, y + line_h, 0
            panels.append(_panel(p, pid, GridPos(h=p.h, w=p.w, x=x, y=y)))
            pid, x, line_h = pid + 1, x + p.w, max(line_h, p.h)
        y += line_h
    return panels


def build(board: Board) -> GDashboard:
    variables = [Template(name=v.name, label=v.label, query=v.query, dataSource=DATASOURCE, includeAll=True,
                          multi=True, allValue=".*", default="$__all", refresh=2) for v in board.variables]
    return GDashboard(title=board.title, uid=board.uid, description=board.description, tags=list(board.tags),
                      panels=_layout(board), templating=Templating(list=variables), time=Time("now-6h", "now"),
                      refresh="30s", timezone="utc", schemaVersion=39, graphTooltip=1, editable=False)


def render(board: Board) -> str:
    return json.dumps(build(board).to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True) + "\n"


def generate() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {f"{b.uid.removeprefix('orchestrator-')}.json": render(b) for b in board_list()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if dashboards/json differs from the code")
    args = parser.parse_args(argv)
    wanted = generate()
    present = {p.name for p in OUT.glob("*.json")} if OUT.is_dir() else set()
    if args.check:
        stale = sorted(n for n, text in wanted.items() if not (OUT / n).is_file() or (OUT / n).read_text() != text)
        extra = sorted(present - set(wanted))
        for name in stale:
            print(f"dashboards/json/{name} is out of date: run python dashboards/build.py", file=sys.stderr)
        for name in extra:
            print(f"dashboards/json/{name} is not generated by dashboards/build.py", file=sys.stderr)
        return 1 if stale or extra else 0
    OUT.mkdir(exist_ok=True)
    for name, text in wanted.items():
        (OUT / name).write_text(text)
    for name in present - set(wanted):
        (OUT / name).unlink()
    print(f"wrote {len(wanted)} dashboards to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
