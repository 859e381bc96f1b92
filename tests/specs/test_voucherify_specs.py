"""Voucherify's seven published event specs (``../shared/voucherify-openapi``; skipped when absent):
all 72 events load, and payloads built from their schemas validate in every form."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.describe import describe
from inspector.engine.inputs import analyze_paths, make_engine
from inspector.engine.registry import Registry, normalize_event_type
from inspector.engine.schema import Schema
from inspector.engine.specs import add_documents, load_specs
from tests.specs.instances import FORMS, instance, nulled, pointers, prefix, wrap

ROOT = Path(__file__).resolve().parents[2]
SEVERAL = (
    "customer.created",
    "voucher.created",
    "redemption.succeeded",
    "customer.rewarded.loyalty_points",
    "voucher.loyalty_card.transaction.created",
    "business_validation_rule.assignment.created",
    "manual_distribution_schedule",
    "campaign.promotion_tier.updated",
)


@pytest.fixture(scope="module")
def engine(voucherify_specs: Path) -> Engine:
    return make_engine([str(voucherify_specs)])


@pytest.fixture(scope="module")
def spec_only(voucherify_specs: Path) -> Engine:
    """Every type from the specs, including the two the built-in models cover."""
    registry = Registry()
    add_documents(registry, load_specs([str(voucherify_specs)]))
    return Engine(registry)


def _spec_types(engine: Engine) -> list[str]:
    return [e.event_type for e in engine.registry if e.origin != "built-in"]


def test_all_seven_files_define_the_72_events(voucherify_specs: Path) -> None:
    docs = load_specs([str(voucherify_specs)])
    assert len(docs) == 7
    keys = [ev.key for d in docs for ev in d.events]
    types = {ev.event_type for d in docs for ev in d.events}
    assert len(keys) == 72 and len(types) == 72
    for key in keys:
        expected = key.removeprefix("EVENTS.").lower()
        expected = expected.replace("bus_val_rule", "business_validation_rule", 1)
        if expected == "distribution.manual_distribution_schedule":
            expected = "manual_distribution_schedule"
        assert normalize_event_type(key) == expected
    assert {"business_validation_rule.assignment.created", "manual_distribution_schedule",
            "customer.reward_redemptions.created", "customer.holder.assignment.deleted"} <= types
    shared = {ev.event_type: ev.schema for d in docs for ev in d.events}
    assert shared["customer.reward_redemptions.created"] is shared["customer.reward_redemptions.pending"]


def test_engine_knows_every_event_and_built_in_models_keep_their_types(engine: Engine) -> None:
    assert len(engine.registry) == 72
    assert len(_spec_types(engine)) == 70
    assert engine.registry.get("customer.holder.assignment.created").origin == "built-in"  # type: ignore[union-attr]
    assert engine.registry.get("EVENTS.CUSTOMER.ORDER.PAID").origin.endswith("events-customer.json")  # type: ignore[union-attr]


def _cases(engine: Engine, types: Any) -> Iterator[tuple[str, Schema, str]]:
    for event_type in types:
        schema = engine.registry.get(event_type).schema  # type: ignore[union-attr]
        for form in FORMS:
            yield event_type, schema, form


def test_every_event_validates_clean_in_every_form(engine: Engine) -> None:
    problems = []
    for event_type, schema, form in _cases(engine, _spec_types(engine)):
        for full in (False, True):
            result = engine.analyze(wrap(form, instance(schema, full=full), event_type), event_type=event_type if form == "data" else None)
            assert result.event_type == event_type and result.form == form
            bad = [(i.severity, i.code, i.pointer, i.message) for i in result.issues if i.severity != "info"]
            if bad:
                problems.append((event_type, form, full, bad[:3]))
    assert problems == []


def test_nulls_everywhere_are_warnings_never_errors(engine: Engine) -> None:
    for event_type, schema, form in _cases(engine, SEVERAL):
        data = nulled(instance(schema, full=True))
        result = engine.analyze(wrap(form, data, event_type), event_type=event_type if form == "data" else None)
        assert result.errors == 0, (event_type, form, [i for i in result.issues if i.severity == "error"][:3])
        assert result.warnings > 0
        assert all(i.code == "null" for i in result.issues if i.severity == "warning")


def _required_field(schema: Schema, data: Any, at: str = "") -> tuple[str, Schema] | None:
    """The deepest required field present in ``data`` (outside unions): a deliberate break with a
    known pointer."""
    for name, value in data.items():
        child = schema.properties.get(name)
        if isinstance(value, dict) and child is not None and not child.variants and child.types == frozenset({"object"}):
            deeper = _required_field(child, value, f"{at}/{name}")
            if deeper is not None:
                return deeper
    for name in sorted(schema.required):
        if name in data and name in schema.properties:
            return f"{at}/{name}", schema.properties[name]
    return None


def _drop(payload: Any, pointer: str) -> None:
    *parents, last = pointer.strip("/").split("/")
    for token in parents:
        payload = payload[token]
    del payload[last]


def _put(payload: Any, pointer: str, value: Any) -> None:
    *parents, last = pointer.strip("/").split("/")
    for token in parents:
        payload = payload[token]
    payload[last] = value


@pytest.mark.parametrize("event_type", SEVERAL)
def test_deliberate_breaks_give_the_right_error_at_the_right_pointer(engine: Engine, event_type: str) -> None:
    schema = engine.registry.get(event_type).schema  # type: ignore[union-attr]
    data = instance(schema, full=True)
    found = _required_field(schema, data)
    assert found is not None
    pointer, child = found
    for form in FORMS:
        missing = copy.deepcopy(data)
        _drop(missing, pointer)
        result = engine.analyze(wrap(form, missing, event_type), event_type=event_type if form == "data" else None)
        assert ("error", "required", prefix(form) + pointer) in {(i.severity, i.code, i.pointer) for i in result.issues}
        ghost = describe(result.schema, result.payload, prefix(form) + pointer)
        assert ghost.listed and ghost.required
        wrong = copy.deepcopy(data)
        _put(wrong, pointer, [] if child.types != frozenset({"array"}) else "not a list")
        result = engine.analyze(wrap(form, wrong, event_type), event_type=event_type if form == "data" else None)
        assert [(i.severity, i.code) for i in result.issues if i.pointer == prefix(form) + pointer and i.severity != "info"] in (
            [("error", "type")], [("error", "discriminator")]
        )


def test_enum_and_discount_discriminator_errors(engine: Engine) -> None:
    data = instance(engine.registry.get("voucher.created").schema, full=True)  # type: ignore[union-attr]
    data["voucher"]["type"] = "PLATINUM_CARD"
    data["voucher"]["discount"] = {"type": "BOGUS"}
    for form in FORMS:
        result = engine.analyze(wrap(form, data, "voucher.created"), event_type="voucher.created" if form == "data" else None)
        at = prefix(form)
        errors = {(i.code, i.pointer) for i in result.issues if i.severity == "error"}
        assert errors == {("enum", f"{at}/voucher/type"), ("discriminator", f"{at}/voucher/discount/type")}


def test_discount_variant_is_chosen_by_type_and_described(engine: Engine) -> None:
    data = instance(engine.registry.get("voucher.created").schema, full=True)  # type: ignore[union-attr]
    data["voucher"]["discount"] = {"type": "PERCENT", "percent_off": 10}
    result = engine.analyze(wrap("envelope", data, "voucher.created"))
    assert result.errors == 0
    doc = describe(result.schema, result.payload, "/data/voucher/discount")
    assert doc.variant == "Percent" and doc.variant_how == 'type="PERCENT"'
    assert describe(result.schema, result.payload, "/data/voucher/discount/percent_off").description


def test_every_node_has_its_docs_entry(engine: Engine) -> None:
    for event_type, schema, form in _cases(engine, SEVERAL):
        data = instance(schema, full=True)
        result = engine.analyze(wrap(form, data, event_type), event_type=event_type if form == "data" else None)
        for pointer in pointers(data):
            doc = describe(result.schema, result.payload, prefix(form) + pointer)
            assert doc.listed, (event_type, form, pointer, doc.reason)


def test_spec_and_built_in_model_agree_on_the_docs_samples(engine: Engine, spec_only: Engine) -> None:
    """The reviewed built-in models and the spec read Voucherify's own examples the same way."""
    samples = sorted(str(p) for p in (ROOT / "samples").glob("holder-assignment-*.json"))
    assert samples
    for built_in, spec in zip(analyze_paths(engine, samples), analyze_paths(spec_only, samples)):
        assert built_in.event_origin == "built-in" and spec.event_origin is not None and spec.event_origin.endswith("events-customer.json")
        assert {(i.severity, i.code, i.pointer) for i in spec.issues} == {(i.severity, i.code, i.pointer) for i in built_in.issues}


def test_validate_cli_with_the_specs(voucherify_specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from inspector.cli import main

    engine = make_engine([str(voucherify_specs)])
    data = instance(engine.registry.get("customer.order.paid").schema, full=True)  # type: ignore[union-attr]
    good = tmp_path / "paid.json"
    good.write_text(json.dumps(wrap("envelope", data, "customer.order.paid")))
    assert main(["validate", "--spec", str(voucherify_specs), str(good)]) == 0
    assert "customer.order.paid · 0 errors" in capsys.readouterr().out
    assert main(["validate", str(good)]) == 0
    assert "schema.none" in capsys.readouterr().out


def _single_file(folder: Path) -> dict[str, Any]:
    """The seven files in the layout of Voucherify's single OpenAPIWebhooks.json (what `spec fetch`
    downloads): one document, events as ``/EVENTS.*`` paths whose 200 response is the event data."""
    out: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "Events"}, "paths": {}, "components": {}}
    for f in sorted(folder.glob("events-*.json")):
        doc = json.loads(f.read_text())
        for section, entries in doc.get("components", {}).items():
            out["components"].setdefault(section, {}).update(entries)
        for key, item in doc["webhooks"].items():
            op = item["post"]
            media = op["requestBody"]["content"]["application/json"]
            response = {"description": op.get("summary", ""), "content": {"application/json": media}}
            out["paths"]["/" + key] = {"post": {"summary": op.get("summary"), "responses": {"200": response}}}
    return out


def test_the_single_file_layout_fetches_all_72_events(voucherify_specs: Path, tmp_path: Path) -> None:
    from inspector.cli import main
    from inspector.engine.fetched import load_fetched

    single = tmp_path / "OpenAPIWebhooks.json"
    single.write_text(json.dumps(_single_file(voucherify_specs)))
    assert main(["spec", "fetch", "--from", str(single)]) == 0
    registry = Registry()
    loaded = load_fetched(registry)
    assert loaded is not None and len(loaded.added) == 72 and loaded.document.skipped == {}
    per_topic = make_engine([str(voucherify_specs)], fetched=False).registry
    for event_type in SEVERAL:
        a, b = registry.get(event_type), per_topic.get(event_type)
        assert a is not None and b is not None
        assert sorted(a.schema.properties) == sorted(b.schema.properties)
        assert a.schema.required == b.schema.required


def test_loyalty_tier_earning_rules_map_values_are_checked(engine: Engine) -> None:
    """``earning_rules`` is a map of MappingPoints (oneOf MULTIPLY | CUSTOM) in the published spec."""
    data = instance(engine.registry.get("campaign.loyalty_tier.created").schema, full=True)  # type: ignore[union-attr]
    data["loyalty_tier"]["earning_rules"] = {"ern_1": {"type": "MULTIPLY_BOGUS"}, "ern_2": {"type": "CUSTOM", "points": 5}}
    for form in FORMS:
        result = engine.analyze(wrap(form, data, "campaign.loyalty_tier.created"), event_type="campaign.loyalty_tier.created" if form == "data" else None)
        at = prefix(form) + "/loyalty_tier/earning_rules"
        assert {(i.code, i.pointer) for i in result.issues if i.severity == "error"} == {("discriminator", f"{at}/ern_1/type")}
        doc = describe(result.schema, result.payload, f"{at}/ern_2")
        assert doc.map_schema is not None and doc.map_schema.label == "MappingPoints" and doc.variant == "MappingFixed"


def test_spec_min_items_is_checked(engine: Engine) -> None:
    """``promotion_stack.tiers.ids`` has ``minItems: 1`` in the published spec."""
    event_type = "customer.redemption.rollback.succeeded"
    data = instance(engine.registry.get(event_type).schema, full=True)  # type: ignore[union-attr]
    assert engine.analyze(data, event_type=event_type).errors == 0
    data["promotion_stack"]["tiers"]["ids"] = []
    result = engine.analyze(wrap("envelope", data, event_type))
    assert {(i.code, i.pointer) for i in result.issues if i.severity == "error"} == {("min-items", "/data/promotion_stack/tiers/ids")}


def _names(label: str | None) -> set[str]:
    return set((label or "").split(" | "))


def test_every_event_is_inferred_from_its_bare_data(engine: Engine) -> None:
    """With 72 types loaded (many without required top-level fields), each type's data, complete,
    is read as that type (or the family sharing its schema) and validates clean."""
    wrong = []
    for entry in engine.registry:
        result = engine.analyze(instance(entry.schema, full=True))
        label = result.event_type or ""
        family = label.endswith(".*") and entry.event_type.startswith(label[:-1])
        if not (result.validated and result.errors == 0 and (entry.event_type in _names(label) or family)):
            wrong.append((entry.event_type, label, result.errors))
    assert wrong == []


@pytest.mark.parametrize("dropped", ["voucher", "campaign", "customer"])
def test_partial_holder_data_is_typed_with_the_specs_loaded(engine: Engine, docs_created_data: dict[str, Any], dropped: str) -> None:
    data = copy.deepcopy(docs_created_data)
    del data[dropped]
    result = engine.analyze(data)
    assert (result.event_type, result.validated) == ("customer.holder.assignment.*", True)
    assert ("error", "required", f"/{dropped}") in {(i.severity, i.code, i.pointer) for i in result.issues}


def test_holder_data_without_holder_is_ambiguous_with_the_specs_loaded(engine: Engine, docs_created_data: dict[str, Any]) -> None:
    """{voucher, campaign, customer} is what customer.publication.succeeded lacks publication for,
    just as the holder event lacks holder: no rule can tell, so nothing is claimed."""
    data = copy.deepcopy(docs_created_data)
    del data["holder"]
    result = engine.analyze(data)
    assert (result.event_type, result.validated) == (None, False)
    [warning] = [i for i in result.issues if i.code == "schema.ambiguous"]
    assert "customer.holder.assignment.*" in warning.message and "customer.publication.succeeded" in warning.message


@pytest.fixture
def docs_created_data() -> dict[str, Any]:
    return json.loads((ROOT / "samples" / "holder-assignment-created.data.json").read_text())


def test_data_missing_a_required_key_is_typed_right_or_called_ambiguous(engine: Engine) -> None:
    """Every spec event's complete data, less one required top-level key: either read as its own
    type with the required error at that key, or not validated with its type among the tied;
    never read as another type."""
    typed = ambiguous = 0
    wrong = []
    for entry in engine.registry:
        schema = entry.schema
        data = instance(schema, full=True)
        for key in sorted(schema.required):
            partial = copy.deepcopy(data)
            del partial[key]
            result = engine.analyze(partial)
            label = result.event_type or ""
            own = entry.event_type in _names(label) or (label.endswith(".*") and entry.event_type.startswith(label[:-1]))
            found = {(i.severity, i.code, i.pointer) for i in result.issues}
            if result.validated and own and ("error", "required", f"/{key}") in found:
                typed += 1
            elif not result.validated and any(i.code == "schema.ambiguous" for i in result.issues):
                ambiguous += 1
            else:
                wrong.append((entry.event_type, key, label))
    assert wrong == []
    assert typed > 4 * ambiguous
