"""Which schema an event type has: the built-in events, plus any loaded from OpenAPI specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from inspector.engine.schema import Schema, same_shape


def normalize_event_type(name: str) -> str:
    """``EVENTS.BUS_VAL_RULE.ASSIGNMENT.CREATED`` -> ``business_validation_rule.assignment.created``;
    payload-style names pass through lower-cased."""
    text = name.strip()
    if text.upper().startswith("EVENTS."):
        text = text[len("EVENTS.") :]
    text = text.lower()
    if text.startswith("bus_val_rule"):
        text = "business_validation_rule" + text[len("bus_val_rule") :]
    if text.startswith("distribution.manual_distribution_schedule"):
        text = "manual_distribution_schedule"
    return text


@dataclass
class EventSchema:
    """The schema of one event type and where it came from (``origin``: "built-in", the path of a
    ``--spec`` file, or "fetched DATE" for the spec ``spec fetch`` cached). ``examples`` are the
    docs' example payloads of the event (a spec's request-body or response ``examples``)."""

    event_type: str
    origin: str
    _schema: Optional[Schema] = None
    _build: Optional[Callable[[], Schema]] = None
    examples: tuple[Any, ...] = ()
    """The docs' example payloads of this event's data (a spec's request-body examples), if any."""

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            assert self._build is not None
            self._schema = self._build()
        return self._schema


NO_SCHEMA_HINT = "run `voucherify-inspect spec fetch` to get every event type Voucherify publishes"


class Registry:
    """Event types known to this run. Built-in models win over a spec covering the same type:
    they are the reviewed reading of the docs (see README, "Specs").

    ``no_schema_hint`` is what the "no schema" issue tells the user to do; whoever loads the specs
    sets it to fit what was loaded."""

    def __init__(self) -> None:
        self._events: dict[str, EventSchema] = {}
        self.no_schema_hint = NO_SCHEMA_HINT
        self._shapes: Optional[list[tuple[EventSchema, ...]]] = None
        self.derived: dict[str, Any] = {}
        """What other modules compute from the entries (the inference's key statistics), kept
        here so that it lives and dies with them; emptied whenever an entry is added."""

    def add(self, entry: EventSchema, *, replace: bool = False) -> bool:
        if entry.event_type in self._events and not replace:
            return False
        self._events[entry.event_type] = entry
        self._shapes = None
        self.derived.clear()
        return True

    def shapes(self) -> list[tuple[EventSchema, ...]]:
        """The event types grouped by schema shape (``same_shape``): types in one group cannot be
        told apart by their data and validate alike (the two holder-assignment events). Each
        group is sorted by event type; built once per registry."""
        if self._shapes is None:
            by_keys: dict[tuple[frozenset[str], frozenset[str]], list[list[EventSchema]]] = {}
            for entry in sorted(self._events.values(), key=lambda e: e.event_type):
                s = entry.schema
                groups = by_keys.setdefault((frozenset(s.properties), s.required), [])
                for group in groups:
                    if same_shape(group[0].schema, s):
                        group.append(entry)
                        break
                else:
                    groups.append([entry])
            self._shapes = [tuple(g) for groups in by_keys.values() for g in groups]
        return self._shapes

    def get(self, event_type: Optional[str]) -> Optional[EventSchema]:
        if not event_type:
            return None
        return self._events.get(event_type) or self._events.get(normalize_event_type(event_type))

    def __contains__(self, event_type: str) -> bool:
        return self.get(event_type) is not None

    def __iter__(self) -> Iterator[EventSchema]:
        return iter(sorted(self._events.values(), key=lambda e: e.event_type))

    def __len__(self) -> int:
        return len(self._events)

    def closest(self, event_type: str, n: int = 3) -> list[str]:
        """The known types nearest to a name no schema covers (a typo's likely meaning)."""
        import difflib

        return difflib.get_close_matches(normalize_event_type(event_type), list(self._events), n=n, cutoff=0.6)

    @property
    def has_specs(self) -> bool:
        """Whether any type comes from a spec (else only the built-in events are known)."""
        return any(e.origin != "built-in" for e in self._events.values())

    def family_label(self, entries: tuple[EventSchema, ...]) -> str:
        """One name for event types that share a schema shape: ``prefix.*`` when they are all the
        registry's types under that prefix (``customer.holder.assignment.*``), else the names."""
        names = [e.event_type for e in entries]
        if len(names) == 1:
            return names[0]
        prefix = names[0]
        for n in names[1:]:
            while not n.startswith(prefix):
                prefix = prefix[:-1]
        prefix = prefix[: prefix.rfind(".") + 1]
        if prefix and {t for t in self._events if t.startswith(prefix)} == set(names):
            return prefix + "*"
        return " | ".join(names)


def _holder_schema(event_type: str) -> Callable[[], Schema]:
    def build() -> Schema:
        from inspector.engine.models.schemas import event_schema

        return event_schema(event_type)

    return build


BUILTIN_EVENT_TYPES = ("customer.holder.assignment.created", "customer.holder.assignment.deleted")


def builtin_registry() -> Registry:
    """A registry with the built-in events (schemas compiled on first use)."""
    reg = Registry()
    for event_type in BUILTIN_EVENT_TYPES:
        reg.add(EventSchema(event_type, "built-in", _build=_holder_schema(event_type)))
    return reg
