"""The payload engine: which form a payload has, which event it carries, and what is wrong with it.

Forms:
- ``data``: the bare event data object, as on the docs pages;
- ``envelope``: the v2024-01-01 webhook body (``id, project_id, created_at, type, data, source, event``);
- ``distribution``: the same envelope sent by a distribution (``source.object == "distribution"``;
  ``type`` is the user's name for the webhook, the event type is ``event.type``);
- ``activity``: a customer activity (``id, type, data{data, event_source}, created_at, group_id``);
- ``legacy``: the pre-2024 envelope (``object: "event"``, ``webhook_id``, ``metadata``), recognised
  and labelled only;
- ``unknown``: not a JSON object.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from inspector.engine import issues as codes
from inspector.engine.analysis import FORM_LABELS, Analysis, Form
from inspector.engine.inference import infer
from inspector.engine.issues import Issue
from inspector.engine.jsonparse import Document, iter_documents
from inspector.engine.registry import EventSchema, Registry, builtin_registry, normalize_event_type
from inspector.engine.schema import Schema
from inspector.engine.textsafe import visible
from inspector.engine.validation import validate

_UNTYPED = Schema()
_FORM_NOTES = {form: Issue("", "info", codes.FORM, f"form: {label}") for form, label in FORM_LABELS.items()}
"""One note per form, shared by every analysis (issues are never changed once made)."""


def detect_form(payload: Any) -> Form:
    if not isinstance(payload, dict):
        return "unknown"
    if payload.get("object") == "event" and ("webhook_id" in payload or "metadata" in payload):
        return "legacy"
    data = payload.get("data")
    if "type" in payload and isinstance(data, dict):
        if "project_id" in payload or "source" in payload or "event" in payload:
            source = payload.get("source")
            if isinstance(source, dict) and source.get("object") == "distribution":
                return "distribution"
            return "envelope"
        if "data" in data and ("event_source" in data or "group_id" in payload or "created_at" in payload):
            return "activity"
    return "data"


def _str_at(obj: Any, *keys: str) -> Optional[str]:
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj if isinstance(obj, str) else None


class Engine:
    """Analyses payloads against a registry of event schemas. Wrapper schemas (envelope,
    activity) are compiled once per event schema and reused."""

    def __init__(self, registry: Optional[Registry] = None) -> None:
        self.registry = registry if registry is not None else builtin_registry()
        self._forms: dict[str, Schema] = {}
        self._wrapped: dict[tuple[str, int], Schema] = {}

    def _form_schema(self, form: str) -> Schema:
        if form not in self._forms:
            from inspector.engine.models.schemas import form_schema

            self._forms[form] = form_schema(form)
        return self._forms[form]

    def root_schema(self, form: Form, event: Optional[Schema]) -> Optional[Schema]:
        """The schema of the whole payload: the form's wrapper with the event schema inside."""
        if form == "data":
            return event
        if form not in ("envelope", "distribution", "activity"):
            return None
        base = self._form_schema(form)
        if event is None:
            return base
        key = (form, id(event))
        if key not in self._wrapped:
            if form == "activity":
                root = base.with_property("data", base.properties["data"].with_property("data", event))
            else:
                root = base.with_property("data", event)
            self._wrapped[key] = root
        return self._wrapped[key]

    def event_type_of(self, form: Form, payload: Any) -> Optional[str]:
        if form in ("envelope", "activity", "legacy"):
            return _str_at(payload, "type")
        if form == "distribution":
            return _str_at(payload, "event", "type") or None
        return None

    def analyze(
        self,
        payload: Any,
        *,
        event_type: Optional[str] = None,
        source: str = "<payload>",
        line: Optional[int] = None,
        pre_issues: Iterable[Issue] = (),
    ) -> Analysis:
        """Analyse a parsed payload. ``event_type`` pins the event type (``--type``)."""
        issues = list(pre_issues)
        form = detect_form(payload)
        result = Analysis(source=source, line=line, form=form, payload=payload, issues=issues)
        if form == "unknown":
            kind = "array" if isinstance(payload, list) else "scalar value"
            issues.append(
                Issue("", "error", codes.NOT_OBJECT, f"expected a JSON object (a webhook payload), found a top-level {kind}")
            )
            return result
        issues.append(_FORM_NOTES[form])
        found_type = self.event_type_of(form, payload)
        entry: Optional[EventSchema] = None
        if event_type:
            result.event_type = normalize_event_type(event_type) if event_type.upper().startswith("EVENTS.") else event_type
            entry = self.registry.get(event_type)
        elif form == "data":
            inference = infer(self.registry, payload)
            issues.append(inference.note)
            if inference.chosen is None:
                # Not validated against an event schema; still scanned for numbers parsers
                # mangle and runaway depth.
                validate(_UNTYPED, payload, out=issues)
                return result
            chosen = inference.chosen
            result.event_type = chosen.label
            result.event_origin = chosen.entry.origin
            result.schema = chosen.schema
            result.validated = True
            if inference.issues is not None:
                issues.extend(inference.issues)
            else:
                validate(chosen.schema, payload, out=issues)
            return result
        else:
            result.event_type = found_type
            entry = self.registry.get(found_type)
        if form == "legacy":
            issues.append(
                Issue("", "info", codes.LEGACY, "legacy (pre-2024) webhook envelope: recognised, not validated; switch the webhook to version 2024-01-01 for typed payloads")
            )
            return result
        if form == "envelope":
            inner = _str_at(payload, "event", "type")
            if inner and found_type and inner != found_type:
                issues.append(
                    Issue("/event/type", "warning", codes.TYPE_MISMATCH, f"event.type {visible(inner)!r} differs from the envelope type {visible(found_type)!r}")
                )
        if entry is None and (event_type or (form != "data" and result.event_type)):
            issues.append(
                Issue("", "info", codes.NO_SCHEMA, f"no schema for event type {visible(result.event_type or '')!r}: the event data is not validated, the envelope is still checked ({self.registry.no_schema_hint})")
            )
        if entry is not None:
            result.event_origin = entry.origin
            result.validated = True
        event_schema = entry.schema if entry is not None else None
        root = self.root_schema(form, event_schema)
        result.schema = root
        # Without a schema the payload is still scanned for numbers parsers mangle and runaway depth.
        validate(root if root is not None else _UNTYPED, payload, out=issues)
        return result

    def analyze_document(self, doc: Document, *, source: str, event_type: Optional[str] = None) -> Analysis:
        if not doc.ok:
            return Analysis.unreadable(source, doc.issues, line=doc.line)
        return self.analyze(doc.value, event_type=event_type, source=source, line=doc.line, pre_issues=doc.issues)

    def analyze_bytes(
        self, data: bytes, *, source: str = "<payload>", event_type: Optional[str] = None, ndjson: Optional[bool] = None
    ) -> list[Analysis]:
        """Every payload in ``data`` (one JSON document, or NDJSON)."""
        return [self.analyze_document(d, source=source, event_type=event_type) for d in iter_documents(data, ndjson=ndjson)]
