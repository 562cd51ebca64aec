"""Generated topology rows for campaign tests and the dispatch benchmark."""
from __future__ import annotations

from collections.abc import Iterator


def fleet_rows(devices: int, *, kind: str = "water_heater", program: str = "water-heater-shed", feeder: str = "F12",
               headends: int = 4, per_transformer: int = 10, not_enrolled_every: int = 0) -> Iterator[dict]:
    """``devices`` devices of ``kind`` on ``feeder``, spread over head-ends; every
    ``not_enrolled_every``-th device (if set) is not enrolled in ``program``."""
    for i in range(devices):
        enrolled = not (not_enrolled_every and i % not_enrolled_every == 0)
        yield {"substation": "S1", "feeder": feeder, "transformer": f"{feeder}-T{i // per_transformer:05d}",
               "usage_point": f"UP{i:07d}", "device": f"{kind[:2].upper()}{i:07d}", "kind": kind,
               "headend": f"hes-{i % headends}", "vendor": "standard", "customer": f"C{i:07d}",
               "agreement": f"A{i:07d}", "supplier": "retail-x", "programs": program if enrolled else "",
               "groups": "fleet"}
