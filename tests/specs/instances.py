"""Payloads built from a compiled ``Schema``: a minimal valid instance (required fields only) and
a full one (every declared field), used to exercise spec events without copying Voucherify's
examples into the repo."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

from inspector.engine.schema import Schema

_STRINGS = {"date-time": "2024-01-01T11:11:11.111Z", "date": "2024-01-01", "time": "11:11:11"}
MAX_DEPTH = 12


def instance(schema: Schema, *, full: bool = False, depth: int = 0) -> Any:
    """A value the schema accepts without errors. ``full`` fills optional fields too (to a depth
    limit, since schemas may be recursive); ``variants`` pick the first branch."""
    s = schema.variants[0] if schema.variants else schema
    if s.variants:
        return instance(s, full=full, depth=depth)
    if s.enum:
        return s.enum[0]
    types = s.types
    if types is None:
        return {} if s.properties or s.additional is not None else "any"
    if not types:
        return None
    if "object" in types:
        out: dict[str, Any] = {}
        for name, child in s.properties.items():
            if name in s.required or (full and depth < MAX_DEPTH and len(out) < (s.max_properties or len(s.properties))):
                out[name] = instance(child, full=full, depth=depth + 1)
        return out
    if "array" in types:
        count = max(s.min_items or 0, 1 if full and depth < MAX_DEPTH else 0)
        if s.items is None or not count:
            return []
        return [instance(s.items, full=full, depth=depth + 1) for _ in range(count)]
    if "string" in types:
        return _STRINGS.get(s.format or "", "text")
    if "integer" in types or "number" in types:
        low = s.minimum if s.minimum is not None else 1
        if s.maximum is not None:
            low = min(low, s.maximum)
        return int(low) if "integer" in types else float(low)
    if "boolean" in types:
        return True
    return None


_SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FORMS = ("data", "envelope", "distribution", "activity")


def wrap(form: str, data: Any, event_type: str) -> dict[str, Any]:
    """``data`` in one payload form, using the repo's holder-assignment samples as the wrapper."""
    if form == "data":
        return copy.deepcopy(data)
    outer = json.loads((_SAMPLES / f"holder-assignment-created.{form}.json").read_text())
    if form == "activity":
        outer["type"] = event_type
        outer["data"]["data"] = copy.deepcopy(data)
    else:
        outer["data"] = copy.deepcopy(data)
        outer["event"]["type"] = event_type
        if form == "envelope":
            outer["type"] = event_type
    return outer


def prefix(form: str) -> str:
    """The JSON Pointer of the event data inside a payload of ``form``."""
    return {"data": "", "envelope": "/data", "distribution": "/data", "activity": "/data/data"}[form]


def pointers(value: Any, at: str = "") -> Iterator[str]:
    """Every JSON Pointer of a parsed value, the root first."""
    yield at
    if isinstance(value, dict):
        for k, v in value.items():
            yield from pointers(v, f"{at}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from pointers(v, f"{at}/{i}")


DISCRIMINATING_KEYS = frozenset({"type", "object", "calculation_type", "event"})


def nulled(value: Any) -> Any:
    """``value`` with every scalar leaf replaced by null (Voucherify's examples are full of them),
    except the keys that pick a union's branch: a null there matches no branch, which the engine
    reports as an error by design."""
    if isinstance(value, dict):
        return {k: v if k in DISCRIMINATING_KEYS and not isinstance(v, (dict, list)) else nulled(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nulled(v) for v in value]
    return None
