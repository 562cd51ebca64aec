"""Profiles of a benchmark's measured section: ``orchestrator bench --profile DIR``.

A benchmark wraps the orchestrator's side of its run (never its ceiling) in ``section()``; it
costs nothing unless ``ORCHESTRATOR_BENCH_PROFILE`` names the file to write. pyinstrument (a
sampling profiler, the dev extra) is used when installed, else cProfile. Sampling sees only
the thread that runs the section: time the event loop spends waiting for a worker thread
(aiosqlite) shows up as ``select``. A sampling profiler restarted for every short section (a
record of a stream) would miss most of them, so such a benchmark profiles one long section and
names the function whose samples count (``section(only="_process")``).
"""
from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "ORCHESTRATOR_BENCH_PROFILE"
TOP = 25


class _Profile:
    def __init__(self) -> None:
        try:
            import pyinstrument
        except ImportError:
            import cProfile

            self.tool = "cProfile"
            self._cprofile = cProfile.Profile()
        else:
            self.tool = f"pyinstrument {pyinstrument.__version__}"
            self._cprofile = None
            self._first = None  # the first section's session: the metadata of the joined one
            self._records: list = []
            self._duration = self._cpu_time = 0.0
            self._running = None
        self.depth = 0
        self.only: str | None = None
        self.sections = 0
        self.seconds = 0.0
        self._started = 0.0

    def start(self) -> None:
        self.sections += 1
        self._started = time.perf_counter()
        if self._cprofile is not None:
            self._cprofile.enable()
            return
        from pyinstrument import Profiler

        # One profiler per section, its samples kept: pyinstrument's own restart joins the
        # sessions every time, which is quadratic over a million sections.
        self._running = Profiler(interval=0.001, async_mode="disabled")
        self._running.start()

    def stop(self) -> None:
        if self._cprofile is not None:
            self._cprofile.disable()
        else:
            session = self._running.stop()
            self._running = None
            self._first = self._first or session
            self._records.extend(session.frame_records)
            self._duration += session.duration
            self._cpu_time += session.cpu_time
        self.seconds += time.perf_counter() - self._started

    def report(self) -> str:
        head = (f"tool: {self.tool}\nsections: {self.sections}\nprofiled wall time: {self.seconds:.3f} s\n")
        if self.only:
            head += (f"counted: samples in {self.only}() only\n" if self._cprofile is None else
                     f"counted: everything in the section (cProfile cannot keep {self.only}() alone)\n")
        if self._cprofile is not None:
            import pstats

            out = io.StringIO()
            stats = pstats.Stats(self._cprofile, stream=out)
            out.write(f"\n== top {TOP} by own time ==\n")
            stats.sort_stats("tottime").print_stats(TOP)
            out.write(f"\n== top {TOP} by cumulative time ==\n")
            stats.sort_stats("cumulative").print_stats(TOP)
            return head + out.getvalue()
        records = self._records
        if self.only:
            mark = f"{self.only}\x00"
            records = [r for r in records if any(f.startswith(mark) for f in r[0])]
        if not records:
            return head + "no samples\n"
        from pyinstrument.renderers import ConsoleRenderer
        from pyinstrument.session import Session

        first = self._first
        session = Session(
            frame_records=records, start_time=first.start_time, min_interval=first.min_interval,
            max_interval=first.max_interval, duration=sum(t for _, t in records), sample_count=len(records),
            start_call_stack=first.start_call_stack, target_description=first.target_description,
            cpu_time=self._cpu_time, sys_path=first.sys_path, sys_prefixes=first.sys_prefixes)
        own, total = _shares(session.frame_records)
        tree = ConsoleRenderer(time="percent_of_total").render(session)
        return (head + f"samples: {session.sample_count}\n\n"
                + f"== top {TOP} by own time (share of profiled time) ==\n{own}\n\n"
                + f"== top {TOP} by time including callees ==\n{total}\n\n"
                + "== call tree (pyinstrument) ==\n" + tree)


def _frame(identifier: str) -> str:
    """'Class.function  path:line' from a pyinstrument frame identifier (lxml's compiled calls count
    as their Python caller's own time; builtins appear as ``<built-in>``)."""
    name, path, line, *attrs = identifier.replace("\x01", "\x00").split("\x00")
    cls = next((a[1:] for a in attrs if a.startswith("c")), "")
    for prefix in ("site-packages/", f"{os.getcwd()}/"):
        path = path.split(prefix, 1)[-1]
    return f"{cls + '.' if cls else ''}{name}  {path}:{line}"


def _shares(records) -> tuple[str, str]:
    """Own and inclusive time per function over every sample, as tables of the top ``TOP``."""
    own: dict[str, float] = {}
    total: dict[str, float] = {}
    whole = sum(t for _, t in records) or 1.0
    for stack, t in records:
        frames = [_frame(f) for f in stack]  # a function's samples at any of its lines, together
        own[frames[-1]] = own.get(frames[-1], 0.0) + t
        for f in set(frames):
            total[f] = total.get(f, 0.0) + t

    def table(times: dict[str, float]) -> str:
        top = sorted(times.items(), key=lambda kv: -kv[1])[:TOP]
        return "\n".join(f"{100 * t / whole:6.1f}%  {t:8.3f} s  {f}" for f, t in top)

    return table(own), table({f: t for f, t in total.items() if "<thread>:" not in f})


_profile: _Profile | None = None


@contextmanager
def section(only: str | None = None) -> Iterator[None]:
    """Profile what runs inside, when profiling is on; sections may nest and repeat. ``only``: count
    just the samples taken inside the function of that name (a sampling profiler's filter)."""
    global _profile
    if not os.environ.get(ENV):
        yield
        return
    if _profile is None:
        _profile = _Profile()
    p = _profile
    p.only = only or p.only
    p.depth += 1
    if p.depth == 1:
        p.start()
    try:
        yield
    finally:
        p.depth -= 1
        if p.depth == 0:
            p.stop()


def write(header: str = "") -> Path | None:
    """Write the accumulated profile to the file named by the environment, if any."""
    target = os.environ.get(ENV)
    if not target:
        return None
    body = _profile.report() if _profile is not None else "no section was profiled\n"
    path = Path(target)
    path.write_text(header + body)
    return path
