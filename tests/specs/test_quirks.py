"""A spec event behaves like a built-in one: severities, pointers, descriptions, unions, forms."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.describe import describe
from tests.specs.instances import FORMS, instance, pointers, prefix, wrap

ORDER = "shop.order.created"


def _data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"order": {"id": "ord_1", "amount": 100, "status": "PAID"}, "created_at": "2024-01-01T11:11:11.111Z"}
    data.update(fields)
    return data


def _found(result: Analysis) -> list[tuple[str, str, str]]:
    return [(i.severity, i.code, i.pointer) for i in result.issues if i.severity != "info"]


def _analyze(engine: Engine, data: dict[str, Any], form: str = "data", event_type: str = ORDER) -> Analysis:
    return engine.analyze(wrap(form, data, event_type), event_type=event_type if form == "data" else None)


@pytest.mark.parametrize("form", FORMS)
def test_valid_payload_is_clean_in_every_form(fixture_engine: Engine, form: str) -> None:
    full = instance(fixture_engine.registry.get(ORDER).schema, full=True)  # type: ignore[union-attr]
    result = _analyze(fixture_engine, full, form)
    assert result.form == form
    assert result.event_type == ORDER
    assert result.event_origin is not None and result.event_origin.endswith("fixture-openapi.json")
    assert _found(result) == []


@pytest.mark.parametrize("form", FORMS)
def test_errors_carry_the_same_pointers_in_every_form(fixture_engine: Engine, form: str) -> None:
    data = _data(order={"id": "ord_1", "amount": -5, "status": "SHIPPED", "items": [{"quantity": 2}]}, created_at="yesterday")
    at = prefix(form)
    assert sorted(_found(_analyze(fixture_engine, data, form))) == sorted([
        ("error", "range", f"{at}/order/amount"),
        ("error", "enum", f"{at}/order/status"),
        ("error", "required", f"{at}/order/items/0/sku"),
        ("error", "format.date-time", f"{at}/created_at"),
    ])


def test_nullable_beside_ref_and_allof_is_honoured(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, _data(gift=None, loyalty=None, gift_strict=None))
    assert _found(result) == [("warning", "null", "/gift_strict")]
    assert "Gift object" in [i.message for i in result.issues if i.code == "null"][0]
    doc = describe(result.schema, result.payload, "/loyalty")
    assert doc.nullable and doc.description == "Loyalty details, null for non-members."


def test_null_on_non_nullable_fields_is_a_warning_never_an_error(fixture_engine: Engine) -> None:
    data = _data(order={"id": None, "amount": None, "status": None, "customer_name": None}, created_at=None, discount=None)
    result = _analyze(fixture_engine, data)
    assert result.errors == 0
    assert {(c, p) for s, c, p in _found(result)} == {
        ("null", "/order/id"), ("null", "/order/amount"), ("null", "/order/status"),
        ("null", "/order/customer_name"), ("null", "/created_at"), ("null", "/discount"),
    }


def test_undeclared_fields_are_warnings_also_under_additional_properties_false(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, _data(surprise=1, settings={"mode": "x", "extra": True}, metadata={"anything": [1]}))
    assert sorted(_found(result)) == [("warning", "unknown-field", "/settings/extra"), ("warning", "unknown-field", "/surprise")]
    closed = [i.message for i in result.issues if i.pointer == "/settings/extra"][0]
    assert "forbid additional fields" in closed
    assert not describe(result.schema, result.payload, "/surprise").listed
    assert "custom key" in describe(result.schema, result.payload, "/metadata/anything").reason


@pytest.mark.parametrize(
    ("pointer", "value", "variant", "how"),
    [
        ("/discount", {"type": "PERCENT", "percent_off": 10}, "Percent", "type="),
        ("/earning", {"type": "PROPORTIONAL", "calculation_type": "ORDER_METADATA", "property": "x"}, "Order Metadata", "calculation_type="),
        ("/earning", {"type": "FIXED", "points": 5}, "Fixed", "type="),
        ("/reward", {"coin": {"exchange_ratio": 2}}, "Pay with Points", "has coin"),
        ("/transaction_type", "CREDITS_ADDITION", "Gift Card Transaction Type", "in its enum"),
    ],
)
def test_union_branch_is_chosen_by_its_discriminating_value_and_named(
    fixture_engine: Engine, pointer: str, value: Any, variant: str, how: str
) -> None:
    result = _analyze(fixture_engine, _data(**{pointer[1:]: value}))
    assert _found(result) == []
    assert not [i for i in result.issues if i.code == "schema.variant"]
    doc = describe(result.schema, result.payload, pointer)
    assert doc.variant == variant
    assert how in doc.variant_how


def test_nested_oneof_branches_are_seen_as_one_union(fixture_engine: Engine) -> None:
    earning = fixture_engine.registry.get(ORDER).schema.properties["earning"]  # type: ignore[union-attr]
    assert [v.label for v in earning.variants] == ["Fixed", "Order Amount", "Order Metadata"]
    result = _analyze(fixture_engine, _data(earning={"type": "PROPORTIONAL", "calculation_type": "ORDER_AMOUNT", "every": "ten"}))
    assert _found(result) == [("error", "type", "/earning/every")]
    assert describe(result.schema, result.payload, "/earning/every").listed


def test_overlapping_branches_fall_back_to_the_best_fit_and_say_so(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, _data(referrer={"id": "cust_1", "object": "customer"}))
    assert _found(result) == []
    infos = [(i.pointer, i.message) for i in result.issues if i.code == "schema.variant"]
    assert infos == [("/referrer", "read as Customer Id (the variant that fits best)")]


def test_missing_discriminator_falls_back_to_the_best_fit(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, _data(discount={"percent_off": 5}))
    assert _found(result) == [("error", "required", "/discount/type")]
    assert [i.message for i in result.issues if i.code == "schema.variant"] == ["read as Percent (it has percent_off, which only that variant declares)"]


def test_unknown_discriminator_value_is_an_error(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, _data(discount={"type": "BOGUS"}))
    assert _found(result) == [("error", "discriminator", "/discount/type")]
    assert "AMOUNT, PERCENT" in [i.message for i in result.issues if i.code == "discriminator"][0]


def test_array_level_enum_constrains_the_items() -> None:
    from inspector.engine.inputs import make_engine
    from tests.specs.conftest import FIXTURE

    engine = make_engine([str(FIXTURE)])
    result = engine.analyze({"channels": ["email", "fax"]}, event_type="manual_distribution_schedule")
    assert _found(result) == [("error", "enum", "/channels/1")]
    assert describe(result.schema, result.payload, "/channels/1").enum == ("email", "sms")


@pytest.mark.parametrize("form", FORMS)
def test_every_node_of_a_full_payload_has_its_docs_entry(fixture_engine: Engine, form: str) -> None:
    full = instance(fixture_engine.registry.get(ORDER).schema, full=True)  # type: ignore[union-attr]
    result = _analyze(fixture_engine, full, form)
    at = prefix(form)
    for pointer in pointers(full):
        doc = describe(result.schema, result.payload, at + pointer)
        assert doc.listed, (pointer, doc.reason)
    assert describe(result.schema, result.payload, f"{at}/order/id").description == "Unique order ID."
    assert describe(result.schema, result.payload, f"{at}/order/id").required is True


def test_ghost_node_of_a_missing_required_field_is_described(fixture_engine: Engine) -> None:
    result = _analyze(fixture_engine, {"created_at": "2024-01-01T11:11:11.111Z"}, "envelope")
    assert ("error", "required", "/data/order") in _found(result)
    doc = describe(result.schema, result.payload, "/data/order")
    assert doc.listed and doc.required and doc.title == "Order"


def test_bare_data_is_recognised_without_type_when_only_one_schema_fits(fixture_engine: Engine) -> None:
    result = fixture_engine.analyze({"id": "rule_1", "name": None})
    assert result.event_type == "business_validation_rule.created"
    assert _found(result) == []
