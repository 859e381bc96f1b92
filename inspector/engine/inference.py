"""Which event a bare data object is, when nothing in it says so: inferred from its top-level keys.

The payload a user most needs checked is a broken one, so the rule must survive missing and
extra keys. Each group of event types sharing a schema shape (``Registry.shapes``) is a candidate,
scored by the payload's top-level keys (README, "How bare data is typed"):

- each payload key the candidate declares: +2 when required there, +1 when optional, and +2 more
  when no other candidate declares it (a distinctive key);
- each payload key it does not declare: -1; each of its required keys the payload lacks: -2.

The shortlist is every candidate within ``MARGIN`` of the best score, plus every candidate that
lacks none of its required keys and declares every key some candidate knows (a complete fit,
whatever its score), closest fits first, at most ``SHORTLIST``. One candidate: it is the type. More:
each validates the payload, and the one with strictly fewest errors in the values, then fewest
undeclared fields in them (top-level keys missing or undeclared are in the score already), then
the best score, then the fewest declared keys the payload lacks, is the type. A tie on all of
these cannot be broken: the payload is reported ambiguous and not validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from inspector.engine import issues as codes
from inspector.engine.issues import Issue
from inspector.engine.registry import EventSchema, Registry
from inspector.engine.schema import Schema
from inspector.engine.validation import validate

REQUIRED_WEIGHT = 2
OPTIONAL_WEIGHT = 1
DISTINCTIVE_BONUS = 2
UNDECLARED_PENALTY = 1
MISSING_PENALTY = 3
MARGIN = 4
SHORTLIST = 6

Status = Literal["inferred", "ambiguous", "unknown"]


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """One group of event types (one schema shape) and how the payload's keys fit it."""

    entries: tuple[EventSchema, ...]
    label: str
    score: int
    matched: tuple[str, ...]
    """The payload's keys this candidate declares, in payload order."""
    missing: int
    """Declared keys the payload lacks (required or not): fewer is a closer fit."""
    lacking: int
    """Required keys the payload lacks."""

    @property
    def schema(self) -> Schema:
        return self.entries[0].schema

    @property
    def entry(self) -> EventSchema:
        return self.entries[0]


@dataclass(kw_only=True)
class Inference:
    """The outcome for one payload, and ``note``, the issue that says it. ``issues`` holds the
    chosen candidate's validation issues when candidates had to be tried (the payload need not
    be validated again)."""

    status: Status
    note: Issue
    chosen: Optional[Candidate] = None
    tied: tuple[Candidate, ...] = ()
    tried: int = 0
    issues: Optional[list[Issue]] = field(default=None, repr=False)


def _inferred(chosen: Candidate, tried: int, *, known_only: str, issues: Optional[list[Issue]] = None) -> Inference:
    keys = _key_list(chosen.matched)
    how = f" (it fits best of {tried} candidates)" if tried > 1 else ""
    # A payload that lacks required keys may be another event: say what is known.
    hint = known_only if chosen.lacking else ""
    note = Issue("", "info", codes.INFERRED, f"inferred {chosen.label} from keys {keys}{how}{hint}; pass --type to pin it")
    return Inference(status="inferred", note=note, chosen=chosen, tried=tried, issues=issues)


def _ambiguous(tied: tuple[Candidate, ...], tried: int) -> Inference:
    names = ", ".join(c.label for c in tied)
    note = Issue(
        "",
        "warning",
        codes.AMBIGUOUS,
        f"bare event data that fits {len(tied)} event types equally ({names}): not validated; pass --type to choose one",
    )
    return Inference(status="ambiguous", note=note, tied=tied, tried=tried)


_UNKNOWN = Inference(
    status="unknown",
    note=Issue(
        "", "info", codes.UNKNOWN_TYPE, "bare event data: its fields match no known event schema, so it is not validated; pass --type to choose one"
    ),
)


def _key_list(keys: tuple[str, ...], limit: int = 6) -> str:
    from inspector.engine.textsafe import visible

    shown = ", ".join(visible(k) if len(k) <= 40 else visible(k[:39]) + "…" for k in keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


class _Stats:
    """What the key scores need from a registry, computed once per set of entries, with the
    shortlists already asked for (a stream of one event type asks the same question)."""

    def __init__(self, registry: Registry) -> None:
        self.shapes = registry.shapes()
        self.labels = [registry.family_label(g) for g in self.shapes]
        self.declared_by: dict[str, int] = {}
        for group in self.shapes:
            for k in group[0].schema.properties:
                self.declared_by[k] = self.declared_by.get(k, 0) + 1
        self.shortlists: dict[tuple[str, ...], list[Candidate]] = {}
        self.by_keys: dict[tuple[str, ...], Inference] = {}
        """Inferences that keys alone settle (one candidate, or none), by key tuple."""
        self.known_only = "" if registry.has_specs else f"; only the built-in event types are known ({registry.no_schema_hint})"


_KEY_CODES = frozenset({codes.REQUIRED, codes.UNKNOWN_FIELD})

_CACHED_KEYS = 64
"""Payloads with more top-level keys than this (or very long ones) are scored afresh, not cached."""


def _stats(registry: Registry) -> _Stats:
    stats = registry.derived.get("inference")
    if not isinstance(stats, _Stats):
        stats = registry.derived["inference"] = _Stats(registry)
    return stats


def shortlist(registry: Registry, keys: tuple[str, ...]) -> list[Candidate]:
    """The candidates worth trying for a payload with these top-level keys, best first."""
    stats = _stats(registry)
    cacheable = len(keys) <= _CACHED_KEYS and sum(map(len, keys)) <= 4096
    if cacheable:
        hit = stats.shortlists.get(keys)
        if hit is not None:
            return hit
    present = frozenset(keys)
    known = frozenset(k for k in keys if k in stats.declared_by)
    scored: list[tuple[Candidate, bool]] = []
    for group, label in zip(stats.shapes, stats.labels):
        s = group[0].schema
        declared = s.properties
        matched = tuple(k for k in keys if k in declared)
        if not matched:
            continue
        score = 0
        for k in matched:
            score += REQUIRED_WEIGHT if k in s.required else OPTIONAL_WEIGHT
            if stats.declared_by[k] == 1:
                score += DISTINCTIVE_BONUS
        score -= UNDECLARED_PENALTY * (len(keys) - len(matched))
        lacking = s.required - present
        score -= MISSING_PENALTY * len(lacking)
        complete = not lacking and known <= declared.keys()
        missing = sum(1 for k in declared if k not in present)
        candidate = Candidate(entries=group, label=label, score=score, matched=matched, missing=missing, lacking=len(lacking))
        scored.append((candidate, complete))
    out: list[Candidate] = []
    if scored:
        best = max(c.score for c, _ in scored)
        kept = [c for c, complete in scored if complete or c.score >= best - MARGIN]
        kept.sort(key=lambda c: (-c.score, c.missing, c.label))
        out = kept[:SHORTLIST]
    if cacheable:
        if len(stats.shortlists) > 512:
            stats.shortlists.clear()
        stats.shortlists[keys] = out
    return out


def infer(registry: Registry, data: dict[str, Any]) -> Inference:
    """The event type of bare event data (see the module docstring for the rule)."""
    keys = tuple(data)
    stats = _stats(registry)
    settled = stats.by_keys.get(keys)
    if settled is not None:
        return settled
    candidates = shortlist(registry, keys)
    if len(candidates) <= 1:
        settled = _inferred(candidates[0], 1, known_only=stats.known_only) if candidates else _UNKNOWN
        if len(keys) <= _CACHED_KEYS and sum(map(len, keys)) <= 4096:
            if len(stats.by_keys) > 512:
                stats.by_keys.clear()
            stats.by_keys[keys] = settled
        return settled
    ranked: list[tuple[tuple[int, int, int, int], Candidate, list[Issue]]] = []
    for c in candidates:
        found = validate(c.schema, data)
        errors = unknown = 0
        for i in found:
            # Top-level keys missing or undeclared are what the score counts already; the trial
            # weighs what the values themselves say.
            if i.code in _KEY_CODES and i.pointer.count("/") == 1:
                continue
            errors += i.severity == "error"
            unknown += i.code == codes.UNKNOWN_FIELD
        ranked.append(((errors, unknown, -c.score, c.missing), c, found))
    ranked.sort(key=lambda r: r[0])
    best_rank = ranked[0][0]
    tied = tuple(c for rank, c, _ in ranked if rank == best_rank)
    if len(tied) > 1:
        return _ambiguous(tied, len(candidates))
    return _inferred(ranked[0][1], len(candidates), known_only=stats.known_only, issues=ranked[0][2])
