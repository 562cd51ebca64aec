"""JSON on the hot paths (dispatch updates, processor state, record headers): orjson.

For the plain values kept there (str, numbers, bools, None, lists, dicts) it reads and writes the
same JSON as the standard library, about ten times faster; non-string keys become strings as
``json.dumps`` makes them.
"""
from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS

loads = orjson.loads


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=_OPTIONS)


def dumps_str(obj: Any) -> str:
    return orjson.dumps(obj, option=_OPTIONS).decode()
