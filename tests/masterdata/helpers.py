"""A catalogue loaded with a small topology, a master-data service over it, and message builders."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from orchestrator.masterdata import MasterData, SwitchingPolicy
from orchestrator.processors.base import Record
from orchestrator.store.db import make_engine, sessionmaker, upgrade_async
from orchestrator.store.readings import ReadingStore
from orchestrator.store.topology import TopologyStore, read_rows

CSV = """substation,feeder,transformer,usage_point,device,kind,headend,vendor,customer,agreement,supplier,programs,groups,rated_kw
S1,F1,T1,UP1,M1,meter,hes-a,standard,C1,A1,retail-x,ac-cycling,north,
S1,F1,T1,UP1,TH1,thermostat,hes-a,standard,C1,A1,retail-x,ac-cycling;cpp,north,1.2
S1,F1,T2,UP2,M2,meter,hes-b,connexo,C2,A2,retail-y,cpp,,
S1,F2,T3,UP3,M3,meter,hes-b,connexo,C3,A3,retail-y,cpp,,
"""


@dataclass
class Collector:
    records: list[Record] = field(default_factory=list)

    async def publish(self, records):
        self.records.extend([records] if isinstance(records, Record) else records)

    def on(self, topic: str) -> list[Record]:
        return [r for r in self.records if r.topic == topic]


ENGINES: list = []  # disposed after each test (conftest), so no aiosqlite thread outlives its loop


@dataclass
class Catalogue:
    url: str
    topology: TopologyStore
    readings: ReadingStore
    masterdata: MasterData
    published: Collector
    sessions: object


async def load_catalogue(url: str, tmp_path: Path, *, transfer: bool = True) -> Catalogue:
    await upgrade_async(url)
    engine = make_engine(url)
    ENGINES.append(engine)
    sessions = sessionmaker(engine)
    topology = TopologyStore(sessions)
    path = tmp_path / "topology.csv"
    path.write_text(CSV)
    await topology.import_rows(read_rows(path))
    readings = ReadingStore(engine)
    published = Collector()
    md = MasterData(sessions, publish=published.publish, readings=readings,
                    policy=SwitchingPolicy(transfer_on_supplier_change=transfer))
    return Catalogue(url, topology, readings, md, published, sessions)


def message(verb: str, noun: str, body: str, *, message_id: str | None = None) -> bytes:
    """A bare IEC 61968-100 (2011) request with one ``noun`` payload document holding ``body``."""
    return (f'<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>{verb}</Verb>'
            f'<Noun>{noun}</Noun><Timestamp>2026-07-01T00:00:00Z</Timestamp>'
            f'<MessageID>{message_id or uuid.uuid4()}</MessageID></Header><Payload>'
            f'<{noun} xmlns="http://iec.ch/TC57/2011/{noun}#">{body}</{noun}></Payload></RequestMessage>').encode()


def agreement(mrid: str, customer: str, usage_point: str, *, supplier: str | None = None,
              start: datetime | None = None, programs: tuple[str, ...] = ()) -> str:
    out = f"<CustomerAgreement><mRID>{mrid}</mRID><Customer><mRID>{customer}</mRID></Customer>"
    if supplier:
        out += f"<ServiceSupplier><mRID>{supplier}</mRID></ServiceSupplier>"
    out += "".join(f"<DemandResponsePrograms><mRID>{p}</mRID></DemandResponsePrograms>" for p in programs)
    out += f"<UsagePoints><mRID>{usage_point}</mRID></UsagePoints>"
    if start:
        out += f"<validityInterval><start>{start.isoformat()}</start></validityInterval>"
    return out + "</CustomerAgreement>"


def errors_of(reply) -> list[tuple[str, str | None, str | None]]:
    """``(code, ID, objectType)`` of each Reply/Error."""
    return [(e.code, e.ID.value if e.ID else None, e.ID.objectType if e.ID else None) for e in reply.Reply.Error]
