"""Bare event data is typed from its top-level keys even when it is broken, and what cannot be
typed is reported as not validated, never as clean."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.inference import infer
from inspector.engine.registry import EventSchema, Registry
from inspector.engine.report import Tally, text_block
from inspector.engine.schema import from_json_schema
from tests.engine.conftest import SAMPLES, codes_at

HOLDER_SAMPLES = ("holder-assignment-created.data.json", "holder-assignment-deleted.data.json")
TOP_LEVEL = ("holder", "voucher", "campaign", "customer")


def _registry(**schemas: dict[str, Any]) -> Registry:
    registry = Registry()
    for name, schema in schemas.items():
        registry.add(EventSchema(name.replace("_", "."), "test", _schema=from_json_schema(schema)))
    return registry


@pytest.mark.parametrize("sample", HOLDER_SAMPLES)
@pytest.mark.parametrize("dropped", TOP_LEVEL)
def test_partial_built_in_data_is_typed_and_gets_the_required_error(engine: Engine, sample: str, dropped: str) -> None:
    data = json.loads((SAMPLES / sample).read_text())
    del data[dropped]
    result = engine.analyze(data)
    assert (result.event_type, result.validated) == ("customer.holder.assignment.*", True)
    assert ("error", "required", f"/{dropped}") in codes_at(result)
    [note] = [i for i in result.issues if i.code == "schema.inferred"]
    kept = ", ".join(k for k in data)
    assert note.severity == "info" and f"from keys {kept}" in note.message and "--type" in note.message


def test_complete_data_is_typed_and_says_from_which_keys(engine: Engine, docs_created: dict[str, Any]) -> None:
    result = engine.analyze(docs_created)
    assert (result.event_type, result.validated, result.errors) == ("customer.holder.assignment.*", True, 0)
    [note] = [i for i in result.issues if i.code == "schema.inferred"]
    assert note.message == "inferred customer.holder.assignment.* from keys holder, voucher, campaign, customer; pass --type to pin it"


@pytest.mark.parametrize(
    "raw",
    [b'{"holder": {"id": 1e400}}', b'{"holder": {"id": "a", "id": "b"}}', b'{"holder": {"id": "x"}, "extra": 1}'],
)
def test_a_lone_broken_holder_is_checked(engine: Engine, raw: bytes) -> None:
    [result] = engine.analyze_bytes(raw)
    assert result.validated and result.event_type == "customer.holder.assignment.*"
    assert ("error", "required", "/voucher") in codes_at(result)
    assert result.errors >= 4


def test_fifty_megabytes_of_holder_is_checked(engine: Engine) -> None:
    raw = b'{"holder": {"id": "' + b"x" * (50 * 1024 * 1024) + b'"}}'
    [result] = engine.analyze_bytes(raw)
    assert result.validated and ("error", "required", "/holder/created_at") in codes_at(result)


def test_data_that_fits_nothing_is_not_validated(engine: Engine) -> None:
    for payload in ({"foo": 1}, {}):
        result = engine.analyze(payload)
        assert (result.event_type, result.validated, result.clean) == (None, False, False)
        assert ("info", "schema.unknown-event", "") in codes_at(result)


def test_without_specs_a_partial_payload_says_what_is_known(engine: Engine) -> None:
    [note] = [i for i in engine.analyze({"voucher": {}}).issues if i.code == "schema.inferred"]
    assert "only the built-in event types are known (" in note.message


AMBIGUOUS = {
    "a_created": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {}}},
    "b_created": {"type": "object", "properties": {"x": {"type": "integer"}, "z": {}}},
}


def test_a_tie_is_a_warning_listing_the_candidates_and_is_not_validated() -> None:
    engine = Engine(_registry(**AMBIGUOUS))
    result = engine.analyze({"x": 1})
    assert (result.event_type, result.validated, result.clean) == (None, False, False)
    [warning] = [i for i in result.issues if i.code == "schema.ambiguous"]
    assert warning.severity == "warning"
    assert "a.created, b.created" in warning.message and "not validated" in warning.message
    assert "not validated" in text_block(result)
    assert result.to_json()["validated"] is False


def test_a_tie_on_keys_is_broken_by_what_the_values_say() -> None:
    engine = Engine(_registry(**AMBIGUOUS))
    result = engine.analyze({"x": "not a number"})
    assert result.event_type is None  # both fail alike: still a tie
    shapes = _registry(
        a_created={"type": "object", "properties": {"v": {"type": "object", "properties": {"n": {"type": "integer"}}}}},
        b_created={"type": "object", "properties": {"v": {"type": "object", "properties": {"s": {"type": "string"}}}}},
    )
    result = Engine(shapes).analyze({"v": {"s": "text"}})
    assert (result.event_type, result.validated) == ("b.created", True)
    assert "fits best of 2 candidates" in [i for i in result.issues if i.code == "schema.inferred"][0].message


def test_distinctive_keys_decide() -> None:
    registry = _registry(
        voucher_created={"type": "object", "properties": {"customer": {}, "voucher": {}}},
        segment_entered={"type": "object", "properties": {"customer": {}, "segment": {}}},
    )
    assert infer(registry, {"customer": {}, "segment": {}}).chosen.label == "segment.entered"  # type: ignore[union-attr]
    assert infer(registry, {"voucher": {}}).chosen.label == "voucher.created"  # type: ignore[union-attr]
    assert infer(registry, {"customer": {}}).status == "ambiguous"


def test_required_keys_weigh_more_than_optional_ones() -> None:
    registry = _registry(
        tier_joined={"type": "object", "required": ["customer", "tier"], "properties": {"customer": {}, "tier": {}}},
        customer_updated={"type": "object", "properties": {"customer": {}, "tier": {}, "other": {}}},
    )
    result = Engine(registry).analyze({"customer": {}, "tier": {}})
    assert result.event_type == "tier.joined"


def test_a_complete_fit_beats_a_bigger_schema_that_lacks_required_keys() -> None:
    registry = _registry(
        gift_added={"type": "object", "properties": {"a": {}, "b": {}, "c": {}}},
        points_pending={"type": "object", "required": ["a", "b", "c", "d", "e"], "properties": {k: {} for k in "abcde"}},
    )
    assert Engine(registry).analyze({"a": 1, "b": 1, "c": 1}).event_type == "gift.added"


def test_types_sharing_one_schema_shape_are_one_family() -> None:
    schema = {"type": "object", "required": ["thing"], "properties": {"thing": {"type": "string"}}}
    registry = _registry(thing_created=schema, thing_deleted=copy.deepcopy(schema), other_created={"type": "object", "properties": {"x": {}}})
    result = Engine(registry).analyze({"thing": "t"})
    assert (result.event_type, result.validated, result.errors) == ("thing.*", True, 0)
    registry.add(EventSchema("thing.updated", "test", _schema=from_json_schema({"type": "object", "properties": {"thing": {"type": "integer"}}})))
    # thing.updated differs: the values tell, and "thing.*" would now name it too
    assert Engine(registry).analyze({"thing": "t"}).event_type == "thing.created | thing.deleted"
    assert Engine(registry).analyze({"thing": 1}).event_type == "thing.updated"


def test_type_pins_what_inference_would_guess(engine: Engine) -> None:
    result = engine.analyze({"voucher": {}}, event_type="customer.holder.assignment.created")
    assert result.event_type == "customer.holder.assignment.created" and result.validated
    assert not [i for i in result.issues if i.code.startswith("schema.")]


def test_forms_that_are_not_validated(engine: Engine, docs_created: dict[str, Any]) -> None:
    legacy = json.loads((SAMPLES / "legacy-envelope.json").read_text())
    envelope = json.loads((SAMPLES / "holder-assignment-created.envelope.json").read_text())
    unknown_type = copy.deepcopy(envelope)
    unknown_type["type"] = unknown_type["event"]["type"] = "voucher.published"
    for payload in (legacy, unknown_type):
        result = engine.analyze(payload)
        assert (result.validated, result.clean) == (False, False)
    assert engine.analyze(envelope).validated
    [unreadable] = engine.analyze_bytes(b"{")
    assert not unreadable.validated


def test_tally_counts_payloads_not_validated_and_strict_fails_them(engine: Engine, docs_created: dict[str, Any]) -> None:
    tally = Tally()
    tally.add(engine.analyze({"foo": 1}))
    assert tally.summary() == "1 payload: 0 errors, 0 warnings, 1 not validated"
    assert (tally.status(strict=False), tally.status(strict=True)) == (0, 1)
    clean = Tally()
    clean.add(engine.analyze(docs_created, event_type="customer.holder.assignment.created"))
    assert (clean.status(strict=False), clean.status(strict=True)) == (0, 1)  # its 12 warnings
