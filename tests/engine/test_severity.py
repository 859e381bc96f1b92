"""The severity policy: errors break an integration written against the docs, warnings are the
drift real payloads show, and every issue points at its node."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from inspector.engine.analyze import Engine
from tests.engine.conftest import codes_at


def test_docs_example_has_no_errors(engine: Engine, docs_created: dict[str, Any]) -> None:
    result = engine.analyze(docs_created)
    assert result.errors == 0
    # The docs' own example carries nulls on non-nullable fields and a stray "units" key.
    assert ("warning", "null", "/customer/name") in codes_at(result)
    assert ("warning", "unknown-field", "/campaign/voucher/discount/units") in codes_at(result)


def _set(doc: dict[str, Any], pointer: str, value: Any) -> None:
    keys = pointer.strip("/").split("/")
    node = doc
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    node[keys[-1]] = value


def _delete(doc: dict[str, Any], pointer: str) -> None:
    keys = pointer.strip("/").split("/")
    node = doc
    for k in keys[:-1]:
        node = node[k]
    del node[keys[-1]]


ERROR_CASES = [
    ("/data/voucher/active", "yes", "type"),  # "yes" is not a boolean
    ("/data/voucher/discount/amount_off", "900", "type"),  # "900" is not a number
    ("/data/voucher/redemption/redeemed_quantity", 1.5, "type"),  # 1.5 is not an integer
    ("/data/voucher/active", 1, "type"),
    ("/data/voucher/redemption/redeemed_quantity", True, "type"),  # a bool is not an integer
    ("/data/voucher/metadata", [], "type"),
    ("/data/holder/holder_role", "FRIEND", "enum"),
    ("/data/holder/redeemable_object", "Voucher", "enum"),
    ("/event/event_source/channel", "WEB", "enum"),
    ("/data/holder/created_at", "19/07/2024 12:19", "format.date-time"),
    ("/data/holder/created_at", "2024-02-30T10:00:00Z", "format.date-time"),
    ("/data/holder/created_at", "2024-07-19", "format.date-time"),
    ("/created_at", "2024-07-19T25:00:00Z", "format.date-time"),
    ("/data/voucher/discount/type", "BOGO", "discriminator"),
    ("/data/campaign/voucher/loyalty_card", {"points": 1, "expiration_rules": {"period_type": "MONTH", "fixed_month": 13}}, "range"),
]


@pytest.mark.parametrize(("pointer", "value", "code"), ERROR_CASES)
def test_errors(engine: Engine, envelope: Callable[..., dict[str, Any]], pointer: str, value: Any, code: str) -> None:
    env = envelope()
    _set(env, pointer, value)
    result = engine.analyze(env)
    errors = {(i.code, i.pointer) for i in result.issues if i.severity == "error"}
    expected_pointer = {
        "range": "/data/campaign/voucher/loyalty_card/expiration_rules/fixed_month",
    }.get(code, pointer)
    assert (code, expected_pointer) in errors
    assert result.errors == 1


@pytest.mark.parametrize(
    "pointer",
    ["/data/holder/customer_id", "/data/voucher/code", "/data/voucher/object", "/event/event_source", "/data/customer", "/project_id"],
)
def test_missing_required_is_an_error_at_the_pointer_it_would_have(
    engine: Engine, envelope: Callable[..., dict[str, Any]], pointer: str
) -> None:
    env = envelope()
    _delete(env, pointer)
    result = engine.analyze(env)
    issue = next(i for i in result.issues if i.severity == "error")
    assert (issue.code, issue.pointer) == ("required", pointer)
    assert pointer.rsplit("/", 1)[1] in issue.message
    assert result.errors == 1


def test_publication_id_null_is_fine_but_absent_is_an_error(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    assert env["data"]["holder"]["publication_id"] is None
    assert engine.analyze(env).errors == 0
    del env["data"]["holder"]["publication_id"]
    assert ("error", "required", "/data/holder/publication_id") in codes_at(engine.analyze(env))


@pytest.mark.parametrize(
    ("pointer", "value", "code"),
    [
        ("/data/voucher/code", None, "null"),  # required and non-nullable: present as null is drift, not absence
        ("/data/campaign/voucher/gift", None, "null"),
        ("/data/voucher/loyalty_tier", "gold", "unknown-field"),
        ("/data/customer/phone", "+48", "unknown-field"),
        ("/source/secret_hint", "x", "unknown-field"),
        ("/data/voucher/gift", {"amount": 1000, "balance": 500, "currency": "EUR"}, "unknown-field"),  # Gift is closed
        ("/data/voucher/metadata/order", 12345678901234567890123456789012345678901, "number.precision"),
        ("/data/voucher/discount/amount_off", 9007199254740993, "number.precision"),
    ],
)
def test_warnings(engine: Engine, envelope: Callable[..., dict[str, Any]], pointer: str, value: Any, code: str) -> None:
    env = envelope()
    _set(env, pointer, value)
    result = engine.analyze(env)
    assert result.errors == 0
    found = {(i.code, i.pointer) for i in result.issues if i.severity == "warning"}
    expected = pointer + "/currency" if pointer.endswith("/gift") and value else pointer
    assert (code, expected) in found


def test_closed_object_says_so(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["voucher"]["gift"] = {"amount": 1000, "balance": 500, "currency": "EUR"}
    issue = next(i for i in engine.analyze(env).issues if i.pointer == "/data/voucher/gift/currency")
    assert "forbid" in issue.message


def test_number_overflow_is_reported_at_its_pointer(engine: Engine) -> None:
    results = engine.analyze_bytes(b'{"holder": {}, "voucher": {}, "campaign": {}, "customer": {"metadata": {"x": 1e400}}}')
    assert ("warning", "number.overflow", "/customer/metadata/x") in codes_at(results[0])


def test_integers_accept_integral_floats_only(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["voucher"]["redemption"]["redeemed_quantity"] = 2.0
    assert engine.analyze(env).errors == 0


def test_error_messages_say_expected_and_found(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["holder"]["holder_role"] = "FRIEND"
    env["data"]["voucher"]["active"] = "yes"
    messages = {i.pointer: i.message for i in engine.analyze(env).issues}
    assert "OWNER, REFERRER, REFEREE" in messages["/data/holder/holder_role"]
    assert '"FRIEND"' in messages["/data/holder/holder_role"]
    assert "boolean" in messages["/data/voucher/active"] and '"yes"' in messages["/data/voucher/active"]


def test_pointer_escaping_of_hostile_keys(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["customer"]["a/b~c"] = 1
    assert ("warning", "unknown-field", "/data/customer/a~1b~0c") in codes_at(engine.analyze(env))


@pytest.mark.parametrize(
    ("discount", "variant"),
    [
        ({"type": "AMOUNT", "amount_off": 900}, None),
        ({"type": "PERCENT", "percent_off": 10}, None),
        ({"type": "FIXED", "fixed_amount": 500}, None),
        ({"type": "UNIT", "unit_off": 1, "unit_type": "prod_1"}, "Unit"),
        ({"type": "UNIT", "effect": "ADD_MANY_ITEMS", "units": [{"effect": "ADD_NEW_ITEMS", "unit_type": "prod_1"}]}, "Unit Multiple"),
    ],
)
def test_discount_variants(engine: Engine, envelope: Callable[..., dict[str, Any]], discount: dict[str, Any], variant: str | None) -> None:
    env = envelope()
    env["data"]["voucher"]["discount"] = discount
    result = engine.analyze(env)
    assert result.errors == 0
    assert not [i for i in result.issues if i.pointer.startswith("/data/voucher/discount") and i.severity != "info"]
    infos = [i.message for i in result.issues if i.code == "schema.variant"]
    if variant:
        assert any(variant in m for m in infos)


def test_discount_variant_errors_come_from_the_chosen_branch(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["data"]["voucher"]["discount"] = {"type": "PERCENT", "percent_off": "10%"}
    assert ("error", "type", "/data/voucher/discount/percent_off") in codes_at(engine.analyze(env))
    env["data"]["voucher"]["discount"] = {"type": "UNIT", "units": [{"effect": "ADD_NEW_ITEMS"}]}
    assert ("error", "required", "/data/voucher/discount/units/0/unit_type") in codes_at(engine.analyze(env))
