"""The docs' example of an event type, and the webhook body that carries it.

``trigger`` sends it and ``docs`` shows it. Where the example comes from, best first:

- the spec's request-body example (``EventSchema.examples``; the first one the engine finds no
  error in, else the first);
- the built-in sample of the two holder-assignment events (package data beside their models:
  ``samples/`` is not installed);
- one synthesised from the schema: every documented field gets its ``example``, its ``default``,
  its first ``enum`` value, or a value of its ``format`` and type.

``wrap`` puts the data in the v2024-01-01 envelope (or its distribution variant) with fresh ids and
``created_at`` now, so two triggers are two deliveries. Plain data in, plain data out: no I/O
beyond reading the package's own example file.
"""

from __future__ import annotations

import copy
import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Literal, Optional, Sequence

from inspector.engine.pointer import parse_pointer, resolve, set_value
from inspector.engine.registry import EventSchema, normalize_event_type
from inspector.engine.schema import MISSING, Schema
from inspector.engine.validation import validate

ExampleOrigin = Literal["spec", "built-in", "synthesised"]

ORIGIN_LABELS: Final[dict[ExampleOrigin, str]] = {
    "spec": "the spec's example",
    "built-in": "the docs' example (built in)",
    "synthesised": "synthesised from the schema",
}

WrapForm = Literal["envelope", "distribution", "data"]
WRAP_FORMS: Final[tuple[WrapForm, ...]] = ("envelope", "distribution", "data")

# The first segment of every event type Voucherify publishes (its spec files are split the same
# way). A type under one of them that no schema covers is one of Voucherify's whose spec is not
# loaded, rather than a typo of ours.
VOUCHERIFY_FAMILIES: Final = frozenset(
    {
        "business_validation_rule",
        "campaign",
        "customer",
        "manual_distribution_schedule",
        "publication",
        "redemption",
        "voucher",
    }
)

# Stand-ins for what identifies the sender: stable across deliveries (they name a configuration,
# not a delivery) and plainly not a real project's.
PROJECT_ID: Final = "proj_voucherify_inspect"
WEBHOOK_ID: Final = "wh_voucherify_inspect"
DISTRIBUTION_ID: Final = "distr_voucherify_inspect"
DISTRIBUTION_NAME: Final = "voucherify-inspect trigger"
EVENT_SOURCE: Final[dict[str, Any]] = {
    "channel": "API",
    "api_key": {"name": "voucherify-inspect", "app_id": "voucherify-inspect"},
}

# The envelope fields that make one delivery distinct from another; ``restamp`` renews them.
STAMPED: Final[tuple[str, ...]] = ("/id", "/created_at", "/event/id", "/event/created_at", "/event/group_id")

_MAX_DEPTH = 24
_BUILTIN_FILE = "holder_assignment.examples.json"


@dataclass(frozen=True, kw_only=True)
class Example:
    """An event type's example data (bare, as on the docs page) and where it came from."""

    event_type: str
    data: Any
    origin: ExampleOrigin

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS[self.origin]


def is_voucherify_type(event_type: str) -> bool:
    """Whether ``event_type`` is named like one of Voucherify's events (its family is one of theirs)."""
    return normalize_event_type(event_type).split(".", 1)[0] in VOUCHERIFY_FAMILIES


@lru_cache(maxsize=1)
def _builtin_examples() -> dict[str, Any]:
    text = resources.files("inspector.engine.models").joinpath(_BUILTIN_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def builtin_example(event_type: str) -> Optional[Any]:
    """The docs' example data of a built-in event (a fresh copy), or None."""
    found = _builtin_examples().get(event_type)
    return copy.deepcopy(found) if found is not None else None


def example_of(entry: EventSchema) -> Example:
    """The docs' example of ``entry``'s event data (a fresh copy the caller may change)."""
    if entry.examples:
        chosen = next((e for e in entry.examples if not _errors(entry.schema, e)), entry.examples[0])
        return Example(event_type=entry.event_type, data=copy.deepcopy(chosen), origin="spec")
    if entry.origin == "built-in":
        data = builtin_example(entry.event_type)
        if data is not None:
            return Example(event_type=entry.event_type, data=data, origin="built-in")
    return Example(event_type=entry.event_type, data=synthesise(entry.schema), origin="synthesised")


def _errors(schema: Schema, value: Any) -> bool:
    return any(i.severity == "error" for i in validate(schema, value))


def _findings(schema: Schema, value: Any) -> bool:
    return any(i.severity != "info" for i in validate(schema, value))


# -- synthesis ---------------------------------------------------------------------------------------

_FORMAT_VALUES: Final[dict[str, str]] = {
    "date-time": "2024-01-01T12:00:00.000Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "email": "jane.doe@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
}

_TYPE_ORDER: Final = ("object", "array", "string", "integer", "number", "boolean")


def synthesise(schema: Schema, *, every_field: bool = True) -> Any:
    """A value that ``schema`` admits, built from what the docs say about each field.

    ``every_field``: every documented property (the default: a test payload should exercise the
    fields a handler may read), else the required ones only. Recursive schemas are cut where they
    recur: an optional field is left out, a required one gets the smallest value of its type.
    """
    return _Synthesiser(every_field).value(schema, "", ())


class _Synthesiser:
    def __init__(self, every_field: bool) -> None:
        self.every_field = every_field

    def value(self, s: Schema, key: str, active: tuple[int, ...]) -> Any:
        for candidate in (s.example, s.default):
            # Only a value the engine finds nothing to say about: pydantic's optional fields have
            # a ``None`` default that is no docs value, and a spec's example may not fit its field.
            if candidate is not MISSING and not _findings(s, candidate):
                return copy.deepcopy(candidate)
        if s.enum:
            return copy.deepcopy(s.enum[0])
        if id(s) in active or len(active) >= _MAX_DEPTH:
            return self.smallest(s)
        inner = (*active, id(s))
        if s.variants:
            return self.value(s.variants[0], key, inner)
        if s.types is None:
            if not s.properties:
                return None  # any JSON value: null is one, and nothing says which other
            kind: Optional[str] = "object"
        else:
            kind = next((t for t in _TYPE_ORDER if t in s.types), None)
            if kind is None:
                return None  # null only (or a schema nothing satisfies)
        if kind == "object":
            out: dict[str, Any] = {}
            for name, child in s.properties.items():
                if name not in s.required and not self.every_field:
                    continue
                if name not in s.required and (id(child) in inner or len(inner) >= _MAX_DEPTH):
                    continue
                out[name] = self.value(child, name, inner)
            return out
        if kind == "array":
            if s.items is None or id(s.items) in inner:
                return []
            return [self.value(s.items, key, inner)]
        if kind == "string":
            if s.format and s.format in _FORMAT_VALUES:
                return _FORMAT_VALUES[s.format]
            return f"example_{key}" if key else "example"
        if kind in ("integer", "number"):
            return _number(s, integer=kind == "integer")
        return True

    def smallest(self, s: Schema) -> Any:
        """Where a recursive schema recurs: null if allowed, else an empty value of its type."""
        if s.nullable or (s.types is not None and "null" in s.types):
            return None
        types = s.types or frozenset({"object"})
        if "object" in types:
            return {}
        if "array" in types:
            return []
        if "string" in types:
            return ""
        if "integer" in types or "number" in types:
            return _number(s, integer="integer" in types)
        return False


def _number(s: Schema, *, integer: bool) -> float | int:
    value: float = 1
    if s.minimum is not None and value < s.minimum:
        value = s.minimum
    if s.maximum is not None and value > s.maximum:
        value = s.maximum
    if integer:
        whole = math.ceil(value)
        return whole if s.maximum is None or whole <= s.maximum else math.floor(value)
    return value


# -- the webhook body ------------------------------------------------------------------------------


def new_id(prefix: str) -> str:
    """A fresh id in Voucherify's shape: a prefix and 18 hex digits (``whs_0e16e42bc6e0c65b57``)."""
    return prefix + secrets.token_hex(9)


def event_id_prefix(event_type: str) -> str:
    # Customer events carry ``evcus_`` ids in Voucherify's examples; other families are not shown
    # there, so they get the generic ``ev_``.
    return "evcus_" if normalize_event_type(event_type).startswith("customer.") else "ev_"


def timestamp(now: Optional[datetime] = None) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, as Voucherify writes ``created_at``."""
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _entity_id(event_type: str, data: Any) -> Optional[str]:
    # The resource an event is about is named by its family: customer.* -> data.customer.id.
    family = normalize_event_type(event_type).split(".", 1)[0]
    if isinstance(data, dict) and isinstance(data.get(family), dict):
        found = data[family].get("id")
        return found if isinstance(found, str) else None
    return None


def wrap(
    data: Any,
    event_type: str,
    form: WrapForm,
    *,
    now: Optional[datetime] = None,
    target_url: Optional[str] = None,
) -> Any:
    """The body Voucherify would post for ``data``: the v2024-01-01 envelope, its distribution
    variant, or the data itself. Fresh ``whs_``/``ev`` ids and ``created_at`` now; ``target_url``
    (where it is sent) goes into ``source.target_url``."""
    if form == "data":
        return data
    at = timestamp(now)
    distribution = form == "distribution"
    source: dict[str, Any] = {
        "id": DISTRIBUTION_ID if distribution else WEBHOOK_ID,
        "object": "distribution" if distribution else "webhook",
    }
    if target_url:
        source["target_url"] = target_url
    event: dict[str, Any] = {"id": new_id(event_id_prefix(event_type)), "type": event_type, "created_at": at}
    entity = _entity_id(event_type, data)
    if entity is not None:
        event["entity_id"] = entity
    event["group_id"] = new_id("v-")
    event["event_source"] = copy.deepcopy(EVENT_SOURCE)
    return {
        "id": new_id("whs_"),
        "project_id": PROJECT_ID,
        "created_at": at,
        "type": DISTRIBUTION_NAME if distribution else event_type,
        "data": data,
        "source": source,
        "event": event,
    }


def stamps_of(payload: Any) -> dict[str, Any]:
    """The per-delivery values of a wrapped payload (ids, times), by pointer: ``restamp`` renews
    the ones still holding these values."""
    out: dict[str, Any] = {}
    for pointer in STAMPED:
        try:
            out[pointer] = resolve(payload, pointer)
        except KeyError:
            continue
    return out


def restamp(payload: Any, stamps: dict[str, Any], *, now: Optional[datetime] = None) -> Any:
    """A copy of ``payload`` as the next delivery: every id and time ``wrap`` generated (``stamps``)
    that is still in place gets a fresh value; a value the user set or edited is kept."""
    out = copy.deepcopy(payload)
    at = timestamp(now)
    event_type = resolve_str(out, "/event/type") or resolve_str(out, "/type") or ""
    fresh = {
        "/id": lambda: new_id("whs_"),
        "/created_at": lambda: at,
        "/event/id": lambda: new_id(event_id_prefix(event_type)),
        "/event/created_at": lambda: at,
        "/event/group_id": lambda: new_id("v-"),
    }
    for pointer, old in stamps.items():
        try:
            current = resolve(out, pointer)
        except KeyError:
            continue
        if current == old and pointer in fresh:
            out = set_value(out, pointer, fresh[pointer]())
    return out


def resolve_str(doc: Any, pointer: str) -> Optional[str]:
    try:
        found = resolve(doc, pointer)
    except KeyError:
        return None
    return found if isinstance(found, str) else None


# -- overrides (``--set POINTER=JSON``) -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Override:
    """One ``POINTER=JSON`` setting."""

    pointer: str
    value: Any


def parse_override(text: str) -> Override:
    """``/data/holder/holder_role="REFEREE"`` -> Override. The value is JSON; text that is not JSON
    is taken as a string (``REFEREE``), unless it starts like JSON (``{``, ``[``, ``"``) and
    is broken: that is a typo, not a string. ValueError with the reason."""
    pointer, sep, raw = text.partition("=")
    if not sep:
        raise ValueError(f"{text!r}: expected POINTER=VALUE, e.g. /data/holder/holder_role=REFEREE")
    parse_pointer(pointer)  # raises ValueError for a pointer without the leading '/'
    try:
        value = json.loads(raw)
    except ValueError as exc:
        if raw.lstrip()[:1] in ("{", "[", '"'):
            raise ValueError(f"{pointer}: the value is not valid JSON ({exc})") from None
        value = raw
    return Override(pointer=pointer, value=value)


def apply_overrides(payload: Any, overrides: Sequence[Override]) -> Any:
    """``payload`` with each override set in turn (in place); ValueError naming the pointer."""
    for o in overrides:
        payload = set_value(payload, o.pointer, copy.deepcopy(o.value))
    return payload
