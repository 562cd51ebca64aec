"""How the simulated head-end and its meters misbehave: rates, latency distributions, time scale.

All durations are in simulated seconds; ``time_scale`` is real seconds per simulated second
(0.01 turns a 30 s last-gasp delay into 0.3 s), so tests run a storm or a day in seconds.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Latency:
    """A delay distribution in simulated seconds: ``fixed:V``, ``uniform:LO:HI`` or ``lognormal:MEDIAN:SIGMA``."""

    kind: str = "lognormal"
    a: float = 2.0
    b: float = 0.5

    @classmethod
    def parse(cls, text: str) -> "Latency":
        parts = text.split(":")
        try:
            if parts[0] == "fixed" and len(parts) == 2:
                return cls("fixed", float(parts[1]), 0.0)
            if parts[0] in ("uniform", "lognormal") and len(parts) == 3:
                lat = cls(parts[0], float(parts[1]), float(parts[2]))
                if lat.a < 0 or lat.b < 0 or (lat.kind == "uniform" and lat.b < lat.a):
                    raise ValueError
                return lat
        except ValueError:
            pass
        raise ValueError(f"latency {text!r}: use fixed:SECONDS, uniform:LO:HI or lognormal:MEDIAN:SIGMA")

    def draw(self, rng: random.Random) -> float:
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        return self.a * math.exp(rng.gauss(0.0, self.b))

    def __str__(self) -> str:
        return f"fixed:{self.a:g}" if self.kind == "fixed" else f"{self.kind}:{self.a:g}:{self.b:g}"


@dataclass
class Behaviour:
    """Rates are probabilities per device (failures, opt-outs) or per message (lost, late, ...)."""

    time_scale: float = 1.0
    sync_reply: bool = True  # answer controls with their result synchronously
    async_reply: bool = True  # and/or post the result later to ReplyAddress (when the request asks)
    failure_rate: float = 0.0  # a device rejects the control (per-item error in the reply)
    no_confirmation_rate: float = 0.0  # a device accepts but never confirms (the orchestrator times out)
    opt_out_rate: float = 0.0  # a customer opts out during the event
    lost_rate: float = 0.0  # an outgoing message is never delivered
    late_rate: float = 0.0  # an outgoing message is held back by ``late_latency``
    duplicate_rate: float = 0.0  # an outgoing message is delivered twice
    reorder_rate: float = 0.0  # an outgoing batch is shuffled and jittered (overtakes others)
    confirm_latency: Latency = field(default_factory=lambda: Latency("lognormal", 2.0, 0.5))
    reply_latency: Latency = field(default_factory=lambda: Latency("uniform", 0.5, 3.0))
    late_latency: Latency = field(default_factory=lambda: Latency("uniform", 60.0, 300.0))
    last_gasp_delay: tuple[float, float] = (30.0, 45.0)
    last_gasp_resends: int = 1
    reading_interval_s: float = 900.0  # 900 or 3600 simulated seconds per interval reading; 0 = none
    events_per_message: int = 200
    readings_per_message: int = 500
    seed: int = 1

    def __post_init__(self) -> None:
        if self.time_scale <= 0:
            raise ValueError("time_scale must be above 0")
        for name in ("failure_rate", "no_confirmation_rate", "opt_out_rate", "lost_rate", "late_rate",
                     "duplicate_rate", "reorder_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.reading_interval_s not in (0, 900, 3600):
            raise ValueError("reading_interval_s must be 900 (15-minute), 3600 (hourly) or 0 (no interval readings)")
        if self.last_gasp_delay[0] > self.last_gasp_delay[1] or self.last_gasp_delay[0] < 0:
            raise ValueError("last_gasp_delay must be LO:HI seconds with 0 <= LO <= HI")
