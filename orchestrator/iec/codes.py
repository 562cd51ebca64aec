"""EndDeviceEventType / EndDeviceControlType codes and what they mean to the orchestrator.

IEC 61968-9 names an event or control with a four-part code
``type.domain.subdomain.eventOrAction`` (``3.26.0.85`` = electric meter, power,
n/a, failed). ``CodeRegistry`` holds the code lists (Annex E enumerations and
the known combinations, see codelists/); ``CodeMap`` turns a head-end's codes
into a ``CanonicalEvent``. Head-ends differ, so the mapping is data: one YAML
per vendor under vendors/, each extending ``standard.yaml``. A code no map
knows is kept as ``CanonicalEvent.UNKNOWN`` and counted, never dropped.
"""
from __future__ import annotations

import csv
import threading
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

CODELISTS = Path(__file__).parent / "codelists"
VENDORS = Path(__file__).parent / "vendors"


class CanonicalEvent(str, Enum):
    """Meanings the rest of the system acts on, whatever code a head-end used."""

    LOAD_CONTROL_START = "load_control_start"
    LOAD_CONTROL_STOP = "load_control_stop"
    LOAD_CONTROL_SCHEDULE = "load_control_schedule"
    LOAD_CONTROL_CANCEL = "load_control_cancel"
    LOAD_CONTROL_STARTED = "load_control_started"
    LOAD_CONTROL_STOPPED = "load_control_stopped"
    LOAD_CONTROL_CANCELLED = "load_control_cancelled"
    DR_OPT_IN = "dr_opt_in"
    DR_OPT_OUT = "dr_opt_out"
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    CONNECT_FAILED = "connect_failed"
    DISCONNECT_FAILED = "disconnect_failed"
    PRICE_SIGNAL = "price_signal"
    PRICE_SIGNAL_APPLIED = "price_signal_applied"
    PRICE_SIGNAL_FAILED = "price_signal_failed"
    DER_SETPOINT = "der_setpoint"
    POWER_OFF = "power_off"
    LAST_GASP = "last_gasp"
    POWER_RESTORED = "power_restored"
    CONTROL_EXECUTED = "control_executed"
    CONTROL_FAILED = "control_failed"
    TAMPER = "tamper"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EndDeviceCode:
    """One row of the code lists. ``code`` may start with ``*`` (any device type)."""

    code: str
    kind: str  # "event" or "control"
    device_type: str
    domain: int
    subdomain: int
    event_or_action: int
    name: str  # Domain/Subdomain/EventOrAction
    description: str
    aliases: tuple[str, ...] = ()


def split_code(code: str) -> tuple[str, str, str, str]:
    """The four parts of a code; ``ValueError`` if it is not four dot-separated parts."""
    parts = code.strip().split(".")
    if len(parts) != 4 or not all(p == "*" or p.isdigit() for p in parts):
        raise ValueError(f"not a four-part EndDevice code: {code!r}")
    return parts[0], parts[1], parts[2], parts[3]


def _matches(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    return all(p == "*" or p == v for p, v in zip(pattern, parts))


class CodeRegistry:
    """The code lists: lookup by code (device type wildcard resolved) and by name."""

    def __init__(self, directory: Path = CODELISTS) -> None:
        self.components: dict[str, dict[int, str]] = {}
        for part, fname in (("type", "end_device_types.csv"), ("domain", "end_device_domains.csv"),
                            ("subdomain", "end_device_subdomains.csv"), ("event", "end_device_events_or_actions.csv")):
            table: dict[int, str] = {}
            with open(directory / fname, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    table.setdefault(int(row["code"]), row["name"])
            self.components[part] = table
        self.rows: dict[str, EndDeviceCode] = {}
        self._names: dict[str, list[EndDeviceCode]] = {}
        for kind, fname in (("event", "end_device_event_types.csv"), ("control", "end_device_control_types.csv")):
            with open(directory / fname, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    name = f"{row['domain_name']}/{row['subdomain_name']}/{row['event_or_action_name']}"
                    aliases = tuple(a for a in (row.get("connexo_names") or "").split(";") if a)
                    entry = EndDeviceCode(
                        code=row["code"], kind=kind, device_type=row["device_type"], domain=int(row["domain"]),
                        subdomain=int(row["subdomain"]), event_or_action=int(row["event_or_action"]),
                        name=name, description=row["description"], aliases=aliases,
                    )
                    self.rows.setdefault(f"{kind}:{entry.code}", entry)
                    for key in (name, *aliases):
                        self._names.setdefault(key.lower(), []).append(entry)

    def lookup(self, code: str, kind: str = "event") -> EndDeviceCode | None:
        """The listed row for a code, trying the exact device type then ``*``."""
        try:
            t, d, s, e = split_code(code)
        except ValueError:
            return None
        return self.rows.get(f"{kind}:{t}.{d}.{s}.{e}") or self.rows.get(f"{kind}:*.{d}.{s}.{e}")

    def by_name(self, name: str, kind: str | None = None) -> list[EndDeviceCode]:
        """Rows whose ``Domain/Subdomain/EventOrAction`` or known alias (e.g. ``PowerFail``) is ``name``."""
        found = self._names.get(name.strip().lower(), [])
        return [r for r in found if kind is None or r.kind == kind]

    def describe(self, code: str) -> str:
        """Readable name from the component lists, even for combinations not listed."""
        t, d, s, e = split_code(code)
        def comp(part: str, v: str) -> str:
            return "any" if v == "*" else self.components[part].get(int(v), f"?{v}")
        return f"{comp('type', t)}/{comp('domain', d)}/{comp('subdomain', s)}/{comp('event', e)}"


@lru_cache(maxsize=1)
def default_registry() -> CodeRegistry:
    return CodeRegistry()


class CodeMap:
    """A head-end's codes (and names) to canonical meanings, loaded from vendors/<name>.yaml.

    YAML layout::

        name: connexo
        extends: standard          # optional; entries here win over the parent's
        events:   {POWER_OFF: ["*.26.0.85", ...], ...}
        controls: {LOAD_CONTROL_START: ["*.15.0.54"], ...}
        names:    {PowerManagementLastGasp: LAST_GASP}   # for head-ends that send names
    """

    def __init__(self, name: str, events: dict, controls: dict, names: dict[str, CanonicalEvent]) -> None:
        self.name = name
        self._patterns = {
            "event": [(split_code(c), m) for c, m in events.items()],
            "control": [(split_code(c), m) for c, m in controls.items()],
        }
        self._exact = {k: {".".join(p): m for p, m in v if "*" not in p} for k, v in self._patterns.items()}
        self._names = {k.lower(): v for k, v in names.items()}
        self._forward: dict[tuple[str, CanonicalEvent], str] = {}
        for kind, pats in self._patterns.items():
            for p, m in pats:
                self._forward.setdefault((kind, m), ".".join(p))
        self.unknown: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, name_or_path: str | Path = "standard") -> "CodeMap":
        path = Path(name_or_path)
        if not path.suffix:
            path = VENDORS / f"{name_or_path}.yaml"
        events, controls, names = _load_yaml(path)
        return cls(path.stem, events, controls, names)

    def meaning(self, code: str | None = None, *, name: str | None = None, kind: str = "event") -> CanonicalEvent:
        """Canonical meaning of a code (or, failing that, a name); UNKNOWN is counted."""
        if code:
            found = self._exact[kind].get(code.strip())
            if found is None:
                try:
                    parts = split_code(code)
                except ValueError:
                    parts = None
                if parts:
                    for pattern, m in self._patterns[kind]:
                        if _matches(pattern, parts):
                            found = m
                            break
            if found is not None:
                return found
        if name and name.strip().lower() in self._names:
            return self._names[name.strip().lower()]
        with self._lock:
            self.unknown[f"{kind}:{code or ''}:{name or ''}"] += 1
        return CanonicalEvent.UNKNOWN

    def code_for(self, meaning: CanonicalEvent, device_type: int, kind: str = "control") -> str:
        """The code to send for a meaning to a device type (``*`` filled in)."""
        pattern = self._forward.get((kind, meaning))
        if pattern is None:
            raise KeyError(f"{self.name} has no {kind} code for {meaning.value}")
        t, d, s, e = pattern.split(".")
        return f"{device_type if t == '*' else t}.{d}.{s}.{e}"


def _load_yaml(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, dict, dict]:
    if path in seen:
        raise ValueError(f"code map {path} extends itself")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    events: dict = {}
    controls: dict = {}
    names: dict = {}
    if data.get("extends"):
        events, controls, names = _load_yaml(path.parent / f"{data['extends']}.yaml", seen + (path,))
    # Later (child) entries are placed first so they win over the parent's patterns.
    def merge(parent: dict, section: dict | None) -> dict:
        child: dict = {}
        for meaning, codes in (section or {}).items():
            for c in codes:
                split_code(str(c))
                child[str(c)] = CanonicalEvent[meaning]
        child.update({k: v for k, v in parent.items() if k not in child})
        return child
    events = merge(events, data.get("events"))
    controls = merge(controls, data.get("controls"))
    names = {**names, **{k: CanonicalEvent[v] for k, v in (data.get("names") or {}).items()}}
    return events, controls, names


@lru_cache(maxsize=None)
def code_map(name: str = "standard") -> CodeMap:
    """Shared, cached map per vendor profile name (its ``unknown`` counter is process-wide)."""
    return CodeMap.load(name)


def available_code_maps() -> list[str]:
    return sorted(p.stem for p in VENDORS.glob("*.yaml"))
