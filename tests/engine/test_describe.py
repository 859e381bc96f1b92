"""The description lookup answers for any pointer into a payload."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.describe import absent_fields, describe
from inspector.engine.inputs import make_engine
from inspector.engine.schema import MISSING

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def analysed(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> Any:
    env = envelope()
    env["data"]["voucher"]["categories"] = [
        {"id": "cat_1", "name": "Summer", "hierarchy": 1, "created_at": "2024-01-01T11:11:11.111Z", "object": "category"}
    ]
    return engine.analyze(env)


@pytest.mark.parametrize(
    ("pointer", "words", "required", "type_label"),
    [
        ("/data/holder", "holder of the redeemable", True, "object"),
        ("/data/holder/holder_role", "Role of the holder", True, "string"),
        ("/data/holder/publication_id", "publication", True, "string"),
        ("/data/voucher/categories/0/name", "Category name", True, "string"),
        ("/data/voucher/discount/amount_off", "Amount taken off", True, "number"),
        ("/data/campaign/voucher/code_config/pattern", "hashes (#)", True, "string"),
        ("/event/event_source/channel", "channel that initiated", True, "string"),
        ("/id", "delivery", True, "string"),
        ("/data/customer/email", "email", False, "string"),
    ],
)
def test_described(analysed: Any, pointer: str, words: str, required: bool, type_label: str) -> None:
    doc = describe(analysed.schema, analysed.payload, pointer)
    assert doc.listed
    assert words in (doc.description or "")
    assert doc.required is required
    assert doc.type_label.startswith(type_label)


def test_enum_example_and_nullable(analysed: Any) -> None:
    role = describe(analysed.schema, analysed.payload, "/data/holder/holder_role")
    assert role.enum == ("OWNER", "REFERRER", "REFEREE")
    assert role.example == "REFERRER"
    assert describe(analysed.schema, analysed.payload, "/data/holder/publication_id").nullable
    assert not describe(analysed.schema, analysed.payload, "/data/customer/name").nullable
    assert describe(analysed.schema, analysed.payload, "/data/customer/name").example is MISSING


def test_discount_resolves_to_its_variant(analysed: Any) -> None:
    doc = describe(analysed.schema, analysed.payload, "/data/voucher/discount")
    assert doc.variant == "Amount"
    assert "AMOUNT" in doc.variant_how


def test_not_listed(analysed: Any) -> None:
    units = describe(analysed.schema, analysed.payload, "/data/campaign/voucher/discount/units")
    assert not units.listed and "units" in units.reason
    meta = describe(analysed.schema, analysed.payload, "/data/voucher/metadata/anything")
    assert not meta.listed and "metadata" in meta.reason


def test_missing_field_is_still_described(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    del env["data"]["holder"]["customer_id"]
    result = engine.analyze(env)
    doc = describe(result.schema, result.payload, "/data/holder/customer_id")
    assert doc.listed and doc.required and "customer" in (doc.description or "")


def test_no_schema(engine: Engine) -> None:
    result = engine.analyze({"foo": 1})
    assert not describe(result.schema, result.payload, "/foo").listed


# -- absent documented fields (the TUI's `a` key) --------------------------------------------------

FIXTURE_SPEC = ROOT / "tests" / "specs" / "fixture-openapi.json"


def test_absent_fields_of_the_built_in_sample(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    del env["data"]["customer"]["email"]  # optional
    del env["data"]["holder"]["customer_id"]  # required: an error ghost, never "absent"
    result = engine.analyze(env)
    absent = absent_fields(result.schema, result.payload)
    assert "email" in absent["/data/customer"]
    assert "customer_id" not in absent.get("/data/holder", [])
    # The docs' order, and the discount's keys are those of the variant it reads as (Amount).
    assert absent["/data/voucher/discount"] == ["amount_off_formula", "aggregated_amount_limit", "is_dynamic"]
    for pointer, keys in absent.items():
        for key in keys:
            doc = describe(result.schema, result.payload, f"{pointer}/{key}")
            assert doc.listed and doc.required is False, (pointer, key)


def test_absent_fields_inside_arrays_and_the_chosen_variant() -> None:
    engine = make_engine([str(FIXTURE_SPEC)], fetched=False)
    payload = {
        "order": {"id": "o1", "amount": 5, "status": "PAID", "items": [{"sku": "a"}, {"sku": "b", "quantity": 2}]},
        "created_at": "2024-01-01T00:00:00Z",
        "discount": {"type": "PERCENT", "percent_off": 10},
        "metadata": {"free": {"form": 1}},
    }
    result = engine.analyze(payload, event_type="shop.order.created")
    absent = absent_fields(result.schema, result.payload)
    assert absent["/order"] == ["customer_name"]
    assert absent["/order/items/0"] == ["quantity"] and "/order/items/1" not in absent
    assert "/discount" not in absent  # Percent: every field present; Amount's amount_off is not listed
    assert absent[""][:3] == ["gift", "gift_strict", "loyalty"]
    assert "order" not in absent[""] and "created_at" not in absent[""]
    assert not any(p.startswith("/metadata") for p in absent)  # free-form: nothing is documented


def test_absent_fields_without_a_schema_and_along_a_deep_recursion(
    engine: Engine, envelope: Callable[..., dict[str, Any]]
) -> None:
    assert absent_fields(None, {"a": 1}) == {}
    result = engine.analyze(envelope("nobody.knows"))
    absent = absent_fields(result.schema, result.payload)
    # The envelope is documented, the data of an unknown type is not.
    assert "/event/event_source" in absent and not any(p.startswith("/data") for p in absent)
    # A recursive schema (an order's parent is an order) followed 5,000 levels down: no recursion.
    spec = make_engine([str(ROOT / "tests" / "specs" / "fixture-fetch.json")], fetched=False)
    entry = spec.registry.get("shop.order.paid")
    assert entry is not None
    order: Any = {"id": "o", "status": "PAID"}
    for n in range(5000):
        order = {"id": f"o{n}", "status": "PAID", "parent": order}
    absent = absent_fields(entry.schema, {"order": order, "paid_at": "x", "amount": 1})
    assert absent["/order"] == ["items"] and absent["/order" + "/parent" * 5000] == ["items", "parent"]


def test_a_union_no_variant_fits_still_documents_its_fields(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["voucher"]["discount"] = {"type": "BOGO", "amount_off": 5, "effect": "APPLY_TO_ORDER"}
    a = engine.analyze(env)
    assert any(i.code == "discriminator" for i in a.issues)
    kind = describe(a.schema, a.payload, "/data/voucher/discount/type")
    assert kind.listed and kind.required is True
    assert kind.enum is not None and {"AMOUNT", "PERCENT", "UNIT", "FIXED"} <= set(kind.enum) and "BOGO" not in kind.enum
    # A field only some variants declare is documented by them, and not required.
    amount = describe(a.schema, a.payload, "/data/voucher/discount/amount_off")
    assert amount.listed and amount.required is False
    assert not describe(a.schema, a.payload, "/data/voucher/discount/nothing_like_it").listed
