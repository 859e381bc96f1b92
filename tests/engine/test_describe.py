"""The description lookup answers for any pointer into a payload."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.describe import describe
from inspector.engine.schema import MISSING


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
