"""The built-in schemas say what the docs say: every field, type, enum, required flag,
nullability and description, checked against Voucherify's published spec when it is beside us."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from inspector.engine.models.holder_assignment import EVENT_MODELS
from inspector.engine.registry import builtin_registry
from inspector.engine.schema import Schema, from_model
from tests.engine.conftest import SHARED_OPENAPI

EVENTS = sorted(EVENT_MODELS)


def _fields(schema: Schema, ptr: str = "", seen: set[int] | None = None) -> Iterator[tuple[str, Schema]]:
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return
    seen.add(id(schema))
    for variant in schema.variants:
        yield from _fields(variant, f"{ptr}<{variant.label}>", seen)
    for key, child in schema.properties.items():
        yield f"{ptr}/{key}", child
        yield from _fields(child, f"{ptr}/{key}", seen)
    if schema.items is not None:
        yield from _fields(schema.items, f"{ptr}/*", seen)


@pytest.mark.parametrize("event_type", EVENTS)
def test_every_field_has_a_description(event_type: str) -> None:
    schema = builtin_registry().get(event_type).schema  # type: ignore[union-attr]
    fields = list(_fields(schema))
    assert len(fields) > 120
    missing = [ptr for ptr, node in fields if not (node.description or "").strip()]
    assert missing == []


def test_both_events_share_the_structure_but_not_the_title() -> None:
    created = from_model(EVENT_MODELS["customer.holder.assignment.created"])
    deleted = from_model(EVENT_MODELS["customer.holder.assignment.deleted"])
    assert [p for p, _ in _fields(created)] == [p for p, _ in _fields(deleted)]
    assert created.description != deleted.description
    assert "deleted" in (deleted.description or "")


# -- fidelity against Voucherify's published spec -------------------------------------------------

needs_spec = pytest.mark.skipif(not (SHARED_OPENAPI / "events-customer.json").exists(), reason="../shared/voucherify-openapi is absent")


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text or "")).strip()


class _Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """A schema with its $ref and allOf folded in (own keywords win)."""
        out: dict[str, Any] = {}
        if "$ref" in node:
            target = self.doc
            for tok in node["$ref"][2:].split("/"):
                target = target[tok]
            out.update(self.resolve(target))
        for sub in node.get("allOf", ()):
            sub = self.resolve(sub)
            props = {**out.get("properties", {}), **sub.get("properties", {})}
            req = list(out.get("required", [])) + list(sub.get("required", []))
            out.update(sub)
            out["properties"], out["required"] = props, req
        for k, v in node.items():
            if k in ("$ref", "allOf"):
                continue
            if k == "required":
                out["required"] = list(out.get("required", [])) + list(v)
            elif k == "properties":
                out["properties"] = {**out.get("properties", {}), **v}
            else:
                out[k] = v
        return out


def _compare(spec: _Spec, raw: dict[str, Any], ours: Schema, where: str, problems: list[str]) -> None:
    node = spec.resolve(raw)
    if "oneOf" in node:
        by_title = {v.label: v for v in ours.variants}
        for branch in node["oneOf"]:
            b = spec.resolve(branch)
            if b.get("title") not in by_title:
                problems.append(f"{where}: no variant {b.get('title')}")
                continue
            _compare(spec, b, by_title[b["title"]], f"{where}<{b['title']}>", problems)
        return
    t = node.get("type")
    if t and ours.types is not None and t not in ours.types:
        problems.append(f"{where}: type {t} vs {sorted(ours.types)}")
    if node.get("nullable") is True and not ours.nullable:
        problems.append(f"{where}: nullable in the docs")
    if "enum" in node and set(node["enum"]) != set(ours.enum or ()):
        problems.append(f"{where}: enum {node['enum']} vs {ours.enum}")
    if node.get("format") != ours.format and node.get("format"):
        problems.append(f"{where}: format {node.get('format')} vs {ours.format}")
    if node.get("minimum") is not None and node.get("minimum") != ours.minimum:
        problems.append(f"{where}: minimum")
    props = node.get("properties", {})
    if set(props) != set(ours.properties):
        problems.append(f"{where}: fields {sorted(set(props) ^ set(ours.properties))} differ")
    if set(node.get("required", [])) != set(ours.required):
        problems.append(f"{where}: required {sorted(node.get('required', []))} vs {sorted(ours.required)}")
    if node.get("additionalProperties") is False and ours.additional is not False:
        problems.append(f"{where}: closed in the docs")
    for key, child_raw in props.items():
        if key not in ours.properties:
            continue
        child = ours.properties[key]
        described = spec.resolve(child_raw).get("description")
        if described and _norm(described) != _norm(child.description):
            problems.append(f"{where}/{key}: description differs: {_norm(described)!r} vs {_norm(child.description)!r}")
        if not described and not child.description:
            problems.append(f"{where}/{key}: no description at all")
        _compare(spec, child_raw, child, f"{where}/{key}", problems)
    if "items" in node and ours.items is not None:
        _compare(spec, node["items"], ours.items, f"{where}/*", problems)


@needs_spec
@pytest.mark.parametrize(
    ("event_type", "component"),
    [
        ("customer.holder.assignment.created", "EventCustomerHolderAssignmentCreatedData"),
        ("customer.holder.assignment.deleted", "EventCustomerHolderAssignmentDeletedData"),
    ],
)
def test_models_match_the_published_spec(event_type: str, component: str) -> None:
    doc = json.loads((SHARED_OPENAPI / "events-customer.json").read_text())
    spec = _Spec(doc)
    ours = builtin_registry().get(event_type).schema  # type: ignore[union-attr]
    problems: list[str] = []
    _compare(spec, doc["components"]["schemas"][component], ours, "", problems)
    assert problems == []
    assert _norm(doc["components"]["schemas"][component]["description"]) == _norm(ours.description)


@needs_spec
def test_docs_examples_are_carried() -> None:
    ours = builtin_registry().get("customer.holder.assignment.created").schema  # type: ignore[union-attr]
    holder = ours.properties["holder"]
    assert holder.properties["id"].example == "rh_0e7b8db4700106a852"
    assert holder.properties["holder_role"].example == "REFERRER"
    assert ours.properties["voucher"].properties["created_at"].example == "2021-12-22T10:13:06.487Z"


def test_the_shipped_schemas_are_what_the_models_generate() -> None:
    """validate reads schemas.json instead of importing pydantic: it must say what the models say
    (after changing a model: python -m inspector.engine.models.schemas)."""
    from inspector.engine.models.schemas import SCHEMA_FILE, generate, render

    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(generate())
