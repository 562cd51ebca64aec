"""Campaign jobs in APScheduler 3 with a persistent job store on the catalogue database.

APScheduler owns the coarse jobs only — a campaign's start (dispatch), each ramp step and its
end — never one job per device (DESIGN.md: deadlines live in an indexed column and are swept).
Jobs are stored in the ``scheduler_job`` table through APScheduler's SQLAlchemyJobStore, which
is synchronous, so the store uses the synchronous twin of the catalogue URL (psycopg for
PostgreSQL; on SQLite a sibling file, see ``job_store_url``). A job is a reference to ``run_job`` plus (campaign id, action,
step): nothing unpicklable, so jobs survive a restart and run late rather than never
(``misfire_grace_time=None``, coalesced).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from orchestrator.core.campaigns import Campaign, CampaignState
from orchestrator.core.programs import Program
from orchestrator.dispatcher import Dispatcher
from orchestrator.logs import get_logger

log = get_logger(__name__)
JOB_TABLE = "scheduler_job"
RECOVER_JOB = "campaigns:recover"
_ACTIVE: dict[str, "CampaignScheduler"] = {}


def sync_url(async_url: str) -> str:
    """The synchronous SQLAlchemy URL of the same database (APScheduler 3's job store is sync)."""
    scheme, sep, rest = async_url.partition("://")
    driverless = scheme.split("+", 1)[0]
    if driverless == "postgresql":
        return f"postgresql+psycopg{sep}{rest}"
    if driverless == "sqlite":
        return f"sqlite{sep}{rest}"
    return f"{driverless}{sep}{rest}"


def job_store_url(catalogue_url: str) -> str:
    """Where the jobs live: the catalogue itself on PostgreSQL (row locks), a sibling file on SQLite.

    SQLite locks the whole database for a write. APScheduler's synchronous job store writes from
    the event loop's thread, so on the catalogue file it would wait for a write transaction of the
    async engine that cannot finish while the loop waits: a deadlock until the busy timeout. A
    sibling file (``catalogue-scheduler.db``) keeps jobs just as durable without sharing the lock.
    """
    url = sync_url(catalogue_url)
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = url[len("sqlite:///"):]
        stem, dot, ext = path.rpartition(".")
        return f"sqlite:///{stem}-scheduler.{ext}" if dot else f"sqlite:///{path}-scheduler"
    return url


async def run_job(scheduler: str, campaign_id: str, action: str, step: int = 0) -> None:
    """Entry point of every stored job (a module-level function, so the job store can reference it)."""
    owner = _ACTIVE.get(scheduler)
    if owner is None:
        log.error("campaign job fired without a running scheduler", scheduler=scheduler, campaign=campaign_id)
        return
    await owner.run(campaign_id, action, step)


def _differs(job_time: datetime | None, wanted: datetime) -> bool:
    """A job missing or more than a second off (the job store keeps float timestamps)."""
    return job_time is None or abs((job_time - wanted).total_seconds()) > 1


class CampaignScheduler:
    def __init__(self, dispatcher: Dispatcher, database_url: str, *, name: str = "default",
                 dispatch_lead_s: int = 0, recover_interval_s: int = 30):
        self.recover_interval_s = recover_interval_s
        self.dispatcher = dispatcher
        self.name = name
        self.dispatch_lead = timedelta(seconds=dispatch_lead_s)
        self._url = job_store_url(database_url)
        self._scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        # pre-ping: after a database restart the pooled connections are dead; replace them, do not fail a job
        store = SQLAlchemyJobStore(url=self._url, tablename=JOB_TABLE, engine_options={"pool_pre_ping": True})
        self._scheduler = AsyncIOScheduler(jobstores={"default": store}, timezone=timezone.utc,
                                           job_defaults={"coalesce": True, "misfire_grace_time": None,
                                                         "max_instances": 1})
        _ACTIVE[self.name] = self
        self._scheduler.start()
        # Events created by processes without a scheduler (several API processes, one catalogue)
        # get their jobs here; also a safety net for anything else recover() repairs.
        self._scheduler.add_job("orchestrator.scheduler:run_job", "interval", seconds=self.recover_interval_s,
                                id=RECOVER_JOB, args=[self.name, "", "recover", 0], replace_existing=True,
                                name="recover campaign jobs")
        log.info("campaign scheduler started", jobs=len(self._scheduler.get_jobs()))

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        if _ACTIVE.get(self.name) is self:
            del _ACTIVE[self.name]

    def _add(self, job_id: str, at: datetime, campaign_id: str, action: str, step: int = 0) -> None:
        assert self._scheduler is not None, "scheduler not started"
        self._scheduler.add_job("orchestrator.scheduler:run_job", "date", run_date=at, id=job_id,
                                args=[self.name, campaign_id, action, step], replace_existing=True,
                                name=f"{action} {campaign_id}" + (f" step {step}" if action == "ramp" else ""))

    def dispatch_time(self, c: Campaign) -> datetime:
        return c.start - self.dispatch_lead

    @staticmethod
    def end_time(c: Campaign, program: Program) -> datetime:
        return c.end + timedelta(minutes=program.randomisation.end_minutes)

    def schedule(self, c: Campaign, program: Program) -> None:
        """(Re)place the start and end jobs of a campaign."""
        self._add(f"{c.id}:start", self.dispatch_time(c), c.id, "start")
        self._add(f"{c.id}:end", self.end_time(c, program), c.id, "end")

    def unschedule(self, campaign_id: str) -> None:
        assert self._scheduler is not None
        for job in self._scheduler.get_jobs():
            if job.id.split(":", 1)[0] == campaign_id:
                try:
                    job.remove()
                except JobLookupError:
                    pass

    def jobs(self, campaign_id: str | None = None) -> list[tuple[str, datetime]]:
        assert self._scheduler is not None
        return [(j.id, j.next_run_time) for j in self._scheduler.get_jobs() if j.id != RECOVER_JOB
                and (campaign_id is None or j.id.split(":", 1)[0] == campaign_id)]

    async def recover(self) -> list[str]:
        """After a start: put back what a crash may have lost, returning the campaigns touched.

        A date job leaves the job store when it fires, so a process that died while running it
        lost it: a SCHEDULED campaign without jobs gets them again (a start already due runs at
        once); a DISPATCHING campaign re-sends its PENDING steps that have no ramp job waiting (same
        MessageIDs); a campaign under way without an end job gets it back.
        """
        touched: list[str] = []
        store, programs = self.dispatcher.store, self.dispatcher.programs
        for c in await store.in_states([CampaignState.SCHEDULED, CampaignState.DISPATCHING, CampaignState.ACTIVE]):
            program = programs.get(c.program)
            if program is None:
                log.error("campaign of an unknown program left as it is", campaign=c.id, program=c.program)
                continue
            when = {job_id.split(":", 1)[1]: at for job_id, at in self.jobs(c.id)}
            jobs = set(when)
            if c.state is CampaignState.SCHEDULED and (_differs(when.get("start"), self.dispatch_time(c))
                                                       or _differs(when.get("end"), self.end_time(c, program))):
                self.schedule(c, program)  # missing, or the event was modified by another process
                touched.append(c.id)
                continue
            if "end" not in jobs:
                self._add(f"{c.id}:end", self.end_time(c, program), c.id, "end")
                touched.append(c.id)
            if c.state is CampaignState.DISPATCHING:
                waiting = {int(j.rsplit(":", 1)[1]) for j in jobs if j.startswith("ramp:")}
                for step in await store.steps(c.id):
                    if step not in waiting:
                        await self.dispatcher.send_step(c.id, step)
                touched.append(c.id)
        return sorted(set(touched))

    async def run(self, campaign_id: str, action: str, step: int = 0) -> None:
        try:
            if action == "start":
                c = await self.dispatcher.store.get(campaign_id)
                if c is not None and c.state is CampaignState.SCHEDULED and \
                        self.dispatch_time(c) > datetime.now(timezone.utc) + timedelta(seconds=1):
                    self.schedule(c, self.dispatcher.programs[c.program])  # moved later by another process
                    return
                plan = await self.dispatcher.start(campaign_id)
                if plan is not None and plan.steps > 1:
                    c = await self.dispatcher.store.get(campaign_id)
                    program = self.dispatcher.programs[c.program]
                    assert program.ramp is not None
                    base = max(self.dispatch_time(c), datetime.now(timezone.utc))
                    for k in range(1, plan.steps):
                        self._add(f"{campaign_id}:ramp:{k}", base + timedelta(seconds=k * program.ramp.step_interval_s),
                                  campaign_id, "ramp", k)
            elif action == "ramp":
                await self.dispatcher.send_step(campaign_id, step)
            elif action == "end":
                await self.dispatcher.end(campaign_id)
            elif action == "recover":
                await self.recover()
            else:
                log.error("unknown campaign job action", action=action, campaign=campaign_id)
        except Exception:
            log.exception("campaign job failed", campaign=campaign_id, action=action, step=step)
            raise
