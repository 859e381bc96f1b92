"""The engine's verdict on one payload: ``Analysis``, and the payload forms it can name.

Every consumer (``validate``, the listener, the TUI) shows an ``Analysis``; nothing else carries
the form, event type and issues of a payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Optional, Sequence

from inspector.engine.issues import Issue
from inspector.engine.schema import Schema

Form = Literal["data", "envelope", "distribution", "activity", "legacy", "unknown"]

FORMS: Final[tuple[Form, ...]] = ("data", "envelope", "distribution", "activity", "legacy", "unknown")

FORM_LABELS: Final[dict[Form, str]] = {
    "data": "bare event data",
    "envelope": "webhook envelope v2024-01-01",
    "distribution": "distribution webhook envelope",
    "activity": "customer activity",
    "legacy": "legacy (pre-2024) webhook envelope",
    "unknown": "not a payload",
}

_ENVELOPE_FORMS: Final = frozenset({"envelope", "distribution", "legacy"})


@dataclass(kw_only=True)
class Analysis:
    """Everything the engine knows about one payload; the TUI, the listener and ``validate``
    all show this."""

    source: str
    line: Optional[int] = None
    form: Form = "unknown"
    event_type: Optional[str] = None
    payload: Any = None
    schema: Optional[Schema] = None
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True
    validated: bool = False
    """True when the event data was checked against an event schema. False for unreadable input,
    legacy envelopes, event types no schema covers and bare data whose type could not be told:
    such a payload is never shown or reported as clean, whatever its counts."""
    event_origin: Optional[str] = None

    @classmethod
    def unreadable(cls, source: str, issues: Sequence[Issue], *, line: Optional[int] = None) -> Analysis:
        """A payload that could not be read at all (I/O, encoding, JSON syntax, a rejected
        request): no form, no type, only the issues that say why."""
        return cls(source=source, line=line, issues=list(issues), readable=False)

    @property
    def errors(self) -> int:
        return self.counts()[0]

    @property
    def warnings(self) -> int:
        return self.counts()[1]

    def counts(self) -> tuple[int, int]:
        """Errors and warnings, counted in one pass."""
        errors = warnings = 0
        for issue in self.issues:
            severity = issue.severity
            if severity == "error":
                errors += 1
            elif severity == "warning":
                warnings += 1
        return errors, warnings

    @property
    def clean(self) -> bool:
        """Validated, with neither errors nor warnings: the only state shown as a pass."""
        return self.validated and self.readable and not any(i.severity != "info" for i in self.issues)

    @property
    def delivery_id(self) -> Optional[str]:
        """The envelope ``id``: retries of one delivery share it."""
        return delivery_id(self.form, self.payload)

    def json_text(self) -> str:
        """``json.dumps(self.to_json())``, put together from each issue's remembered text: the
        JSON report of a long NDJSON stream costs little more than writing it."""
        errors, warnings = self.counts()
        parts = [issue.json_text() for issue in self.issues]
        return (
            f'{{"source": {_json_str(self.source)}, "line": {"null" if self.line is None else int(self.line)}, '
            f'"form": {_json_str(self.form)}, "event_type": {_json_str(self.event_type)}, '
            f'"validated": {"true" if self.validated else "false"}, "errors": {errors}, "warnings": {warnings}, '
            f'"issues": [{", ".join(parts)}]}}'
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "form": self.form,
            "event_type": self.event_type,
            "validated": self.validated,
            "errors": self.errors,
            "warnings": self.warnings,
            "issues": [i.to_json() for i in self.issues],
        }


_STRINGS: dict[Optional[str], str] = {None: "null"}


def _json_str(text: Optional[str]) -> str:
    """A JSON string literal; sources and event types repeat on every line, so they are kept."""
    out = _STRINGS.get(text)
    if out is None:
        out = json.dumps(text)
        if len(_STRINGS) < 4096 and (text is None or len(text) < 1024):
            _STRINGS[text] = out
    return out


def delivery_id(form: Form, payload: Any) -> Optional[str]:
    """The id that retries of one delivery share (the envelope ``id``), or None for forms that
    have none. The one definition of "same delivery": the listener, the store and the file
    loader all mark retries by it."""
    if form in _ENVELOPE_FORMS and isinstance(payload, dict):
        v = payload.get("id")
        return v if isinstance(v, str) else None
    return None
