"""The service scripts' own helpers (the services themselves are exercised by every Kafka,
PostgreSQL, Prometheus and browser test)."""
from __future__ import annotations

import base64

import services as svc  # on sys.path through tests/conftest.py


def test_kafka_cluster_ids_never_look_like_an_option():
    ids = [svc.base64_uuid() for _ in range(3000)]  # about 47 would start with "-" by chance
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(base64.urlsafe_b64decode(i + "==")) == 16 for i in ids)
