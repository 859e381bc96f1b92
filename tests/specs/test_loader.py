"""Loading OpenAPI event specs: key -> type mapping, folders, precedence, and clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.inputs import InputError, make_engine
from inspector.engine.registry import builtin_registry
from inspector.engine.specs import (
    SpecError,
    add_documents,
    load_spec,
    load_specs,
    load_specs_into,
)
from tests.specs.conftest import FIXTURE


def _write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _spec(schema: Any, key: str = "EVENTS.THING.DONE", **extra: Any) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": schema}}}
    return {"openapi": "3.1.0", "webhooks": {key: {"post": {"requestBody": body}}}, **extra}


def test_webhook_keys_become_payload_types() -> None:
    doc = load_spec(FIXTURE)
    assert [(e.key, e.event_type) for e in doc.events] == [
        ("EVENTS.SHOP.ORDER.CREATED", "shop.order.created"),
        ("EVENTS.SHOP.ORDER.UPDATED", "shop.order.updated"),
        ("EVENTS.BUS_VAL_RULE.CREATED", "business_validation_rule.created"),
        ("EVENTS.DISTRIBUTION.MANUAL_DISTRIBUTION_SCHEDULE", "manual_distribution_schedule"),
        ("EVENTS.CUSTOMER.HOLDER.ASSIGNMENT.CREATED", "customer.holder.assignment.created"),
    ]
    assert doc.events[0].title == "Event Shop Order"
    assert doc.events[0].origin == str(FIXTURE)


def test_events_sharing_a_component_share_one_compiled_schema() -> None:
    created, updated = load_spec(FIXTURE).events[:2]
    assert created.schema is updated.schema
    # Every use of a component is the same node, so its generated validator is built once.
    order = created.schema.properties["order"]
    assert order.properties["items"].items is not None
    assert order.description == "The order, as the docs describe it at the event."


def test_request_body_behind_a_ref_is_followed() -> None:
    rule = load_spec(FIXTURE).events[2].schema
    assert set(rule.properties) == {"id", "name"}
    assert rule.properties["name"].nullable  # OpenAPI 3.1 ``type: [string, "null"]``


def test_built_in_model_wins_and_the_spec_entry_is_reported_as_shadowed() -> None:
    registry = builtin_registry()
    added, shadowed = add_documents(registry, load_specs([str(FIXTURE)]))
    assert "customer.holder.assignment.created" not in added
    assert registry.get("customer.holder.assignment.created").origin == "built-in"  # type: ignore[union-attr]
    assert [(ev.event_type, winner) for ev, winner in shadowed] == [("customer.holder.assignment.created", "built-in")]
    assert sorted(added) == [
        "business_validation_rule.created",
        "manual_distribution_schedule",
        "shop.order.created",
        "shop.order.updated",
    ]


def test_first_spec_given_wins_over_a_later_one(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.json", _spec({"type": "object", "title": "First"}))
    second = _write(tmp_path, "b.json", _spec({"type": "object", "title": "Second"}))
    registry = builtin_registry()
    assert load_specs_into(registry, [first, second]) == ["thing.done"]
    assert registry.get("thing.done").schema.title == "First"  # type: ignore[union-attr]


def test_a_folder_loads_its_event_specs_and_skips_other_json(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "events-shop.json")
    _write(tmp_path, "package.json", {"name": "not a spec"})
    _write(tmp_path, "notes.txt", "not json at all")
    docs = load_specs([str(tmp_path)])
    assert [Path(d.path).name for d in docs] == ["events-shop.json"]


def test_make_engine_reads_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOUCHERIFY_INSPECT_SPEC", str(FIXTURE))
    engine = make_engine(None)
    assert "shop.order.created" in engine.registry
    assert engine.registry.get("shop.order.created").origin == str(FIXTURE)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.json", '{"openapi": "3.1.0",', "not valid JSON (line 1"),
        ("list.json", "[1, 2]", "not an OpenAPI document"),
        ("swagger.json", {"swagger": "2.0", "paths": {}}, "not an OpenAPI 3.x document (OpenAPI/Swagger 2.0)"),
        ("plain.json", {"openapi": "3.1.0", "paths": {}}, "defines no webhook events"),
        ("badref.json", _spec({"$ref": "#/components/schemas/Missing"}), "$ref '#/components/schemas/Missing' points at nothing (in webhook EVENTS.THING.DONE)"),
        ("deepref.json", _spec({"type": "object", "properties": {"a": {"$ref": "#/nowhere"}}}), "'#/nowhere' points at nothing"),
        ("remote.json", _spec({"$ref": "other.json#/X"}), "only local $ref are supported"),
        ("nobody.json", {"openapi": "3.1.0", "webhooks": {"EVENTS.X": {"post": {"summary": "no body"}}}}, "webhook 'EVENTS.X' has no JSON request body schema"),
        ("spec.yaml", "openapi: 3.1.0", "YAML specs are not supported"),
    ],
)
def test_unusable_spec_gives_a_clear_error(tmp_path: Path, name: str, content: Any, expected: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(SpecError) as caught:
        load_specs_into(builtin_registry(), [path])
    assert str(caught.value).startswith(path + ": ")
    assert expected in str(caught.value)
    with pytest.raises(InputError, match="^" + path):
        make_engine([path])


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such spec file or folder"):
        load_specs([str(tmp_path / "absent.json")])
    with pytest.raises(SpecError, match="holds no .json spec files"):
        load_specs([str(tmp_path)])
    _write(tmp_path, "package.json", {"name": "x"})
    with pytest.raises(SpecError, match="no OpenAPI document in this folder defines webhook events"):
        load_specs([str(tmp_path)])


def test_hostile_webhook_key_is_shown_escaped(tmp_path: Path) -> None:
    path = _write(tmp_path, "evil.json", _spec({"$ref": "#/x"}, key="EVENTS.\x1b]52;c;aGk=\x07"))
    with pytest.raises(SpecError) as caught:
        load_specs([path])
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)


def test_recursive_component_loads_and_validates(fixture_engine: Engine) -> None:
    category = fixture_engine.registry.get("shop.order.created").schema.properties["category"]  # type: ignore[union-attr]
    assert category.properties["parent"].properties["parent"].properties["name"].description == "Category name."
    data = {"order": {"id": "o", "amount": 1, "status": "PAID"}, "created_at": "2024-01-01T00:00:00Z",
            "category": {"name": "a", "parent": {"name": "b", "parent": {"name": 3, "parent": None}}}}
    result = fixture_engine.analyze(data, event_type="shop.order.created")
    assert [(i.severity, i.code, i.pointer) for i in result.issues if i.severity != "info"] == [
        ("error", "type", "/category/parent/parent/name")
    ]


def test_openapi_30_x_webhooks_and_a_path_item_behind_a_ref(tmp_path: Path) -> None:
    body = {"content": {"application/vnd.api+json": {"schema": {"type": "object", "title": "Thing Done", "required": ["id"], "properties": {"id": {"type": "string"}}}}}}
    spec = {
        "openapi": "3.0.3",
        "x-webhooks": {"EVENTS.THING.DONE": {"$ref": "#/components/pathItems/Done"}},
        "components": {"pathItems": {"Done": {"post": {"requestBody": body}}}},
    }
    path = _write(tmp_path, "old.json", spec)
    registry = builtin_registry()
    assert load_specs_into(registry, [path]) == ["thing.done"]
    result = Engine(registry).analyze({"id": 5}, event_type="thing.done")
    assert [(i.severity, i.code, i.pointer) for i in result.issues if i.severity != "info"] == [("error", "type", "/id")]
