"""Which schema an event type has: the built-in events, plus any loaded from OpenAPI specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from inspector.engine.schema import Schema, from_model


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
        self._groups: Optional[list[list[EventSchema]]] = None
        self._guesses: dict[tuple[str, ...], tuple[Optional[str], Optional[EventSchema]]] = {}

    def add(self, entry: EventSchema, *, replace: bool = False) -> bool:
        if entry.event_type in self._events and not replace:
            return False
        self._events[entry.event_type] = entry
        self._groups = None
        self._guesses.clear()
        return True

    def _signature_groups(self) -> list[list[EventSchema]]:
        # Schemas with the same top-level fields cannot be told apart from the data alone.
        if self._groups is None:
            groups: dict[tuple[frozenset[str], frozenset[str]], list[EventSchema]] = {}
            for entry in self._events.values():
                s = entry.schema
                groups.setdefault((frozenset(s.properties), s.required), []).append(entry)
            self._groups = list(groups.values())
        return self._groups

    def get(self, event_type: Optional[str]) -> Optional[EventSchema]:
        if not event_type:
            return None
        return self._events.get(event_type) or self._events.get(normalize_event_type(event_type))

    def __contains__(self, event_type: str) -> bool:
        return self.get(event_type) is not None

    def __iter__(self):  # type: ignore[no-untyped-def]
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

    def guess(self, data: dict[str, Any]) -> tuple[Optional[str], Optional[EventSchema]]:
        """The event type of bare event data, by which schema's top-level fields it has.

        Returns (label, entry): one event type, or ``prefix.*`` when several types share the
        winning schema (the two holder-assignment events do), or (None, None) when no schema's
        required fields are all present.
        """
        shape = tuple(data)
        cached = self._guesses.get(shape)
        if cached is not None:
            return cached
        found = self._guess(data)
        if len(self._guesses) > 512:
            self._guesses.clear()
        self._guesses[shape] = found
        return found

    def _guess(self, data: dict[str, Any]) -> tuple[Optional[str], Optional[EventSchema]]:
        keys = data.keys()
        best: list[list[EventSchema]] = []
        best_score = (0, 0)
        for group in self._signature_groups():
            s = group[0].schema
            if not s.required or not s.required <= keys:
                continue
            score = (len(s.required), sum(1 for k in keys if k in s.properties))
            if score > best_score:
                best, best_score = [group], score
            elif score == best_score:
                best.append(group)
        if len(best) != 1:
            return None, None
        group = sorted(best[0], key=lambda e: e.event_type)
        if len(group) == 1:
            return group[0].event_type, group[0]
        names = [e.event_type for e in group]
        prefix = names[0]
        for n in names[1:]:
            while not n.startswith(prefix):
                prefix = prefix[:-1]
        label = prefix.rstrip(".") + ".*" if prefix else " | ".join(names)
        return label, group[0]


def _holder_schema(event_type: str) -> Callable[[], Schema]:
    def build() -> Schema:
        from inspector.engine.models.holder_assignment import EVENT_MODELS

        return from_model(EVENT_MODELS[event_type])

    return build


BUILTIN_EVENT_TYPES = ("customer.holder.assignment.created", "customer.holder.assignment.deleted")


def builtin_registry() -> Registry:
    """A registry with the built-in events (schemas compiled on first use)."""
    reg = Registry()
    for event_type in BUILTIN_EVENT_TYPES:
        reg.add(EventSchema(event_type, "built-in", _build=_holder_schema(event_type)))
    return reg
