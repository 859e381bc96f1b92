"""The docs' example of an event type, its envelope, and --set: inspector/engine/examples.py."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.examples import (
    PROJECT_ID,
    apply_overrides,
    builtin_example,
    example_of,
    is_voucherify_type,
    parse_override,
    restamp,
    stamps_of,
    synthesise,
    wrap,
)
from inspector.engine.inputs import make_engine
from inspector.engine.pointer import set_value
from inspector.engine.registry import BUILTIN_EVENT_TYPES
from inspector.engine.schema import from_json_schema
from inspector.engine.specs import load_spec

from .conftest import FIXTURE_SPEC, HOLDER

REPO = Path(__file__).resolve().parents[2]
SHARED_OPENAPI = REPO.parent / "shared" / "voucherify-openapi"
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return make_engine([str(FIXTURE_SPEC)])


def _findings(engine: Engine, payload: Any, event_type: str | None = None) -> list[tuple[str, str, str]]:
    analysis = engine.analyze(payload, event_type=event_type)
    return [(i.severity, i.pointer, i.code) for i in analysis.issues if i.severity != "info"]


# -- where the example comes from --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "sample"),
    [(HOLDER, "holder-assignment-created.data.json"), (BUILTIN_EVENT_TYPES[1], "holder-assignment-deleted.data.json")],
)
def test_the_built_in_example_is_the_docs_sample(engine: Engine, event_type: str, sample: str) -> None:
    # The package carries its own copy (samples/ is not installed); samples/_generate.py writes both.
    entry = engine.registry.get(event_type)
    assert entry is not None
    example = example_of(entry)
    assert example.origin == "built-in"
    assert example.data == json.loads((REPO / "samples" / sample).read_text())
    example.data["holder"]["id"] = "changed"
    assert builtin_example(event_type)["holder"]["id"] != "changed"  # every call is a fresh copy


def test_the_loader_keeps_request_body_examples_in_order() -> None:
    doc = load_spec(FIXTURE_SPEC)
    by_type = {ev.event_type: ev for ev in doc.events}
    created = by_type["shop.order.created"].examples
    assert [e["order"]["id"] for e in created] == ["ord_broken", "ord_fixture_1"]  # inline, then a $ref
    assert by_type["shop.order.paid"].examples[0]["order"]["status"] == "PAID"  # ``example``
    assert by_type["shop.refund.created"].examples == ()  # its only example is a broken $ref


def test_a_spec_example_with_errors_gives_way_to_one_without(engine: Engine) -> None:
    entry = engine.registry.get("shop.order.created")
    assert entry is not None and entry.examples
    example = example_of(entry)
    assert example.origin == "spec"
    assert example.data["order"]["id"] == "ord_fixture_1"
    assert _findings(engine, example.data, "shop.order.created") == []


def test_a_type_without_an_example_is_synthesised_from_its_fields(engine: Engine) -> None:
    entry = engine.registry.get("shop.refund.created")
    assert entry is not None
    example = example_of(entry)
    assert example.origin == "synthesised"
    refund = example.data["refund"]
    assert refund["id"] == "rf_0a1b2c"  # the field's example
    assert refund["reason"] == "DAMAGED"  # the first enum value
    assert refund["currency"] == "EUR"  # the default
    assert refund["amount"] == 100  # a number within the documented minimum
    assert ISO_MS.match(refund["created_at"])  # a value of the format
    assert refund["lines"] == [{"sku": "SKU-1", "qty": 1}]
    assert "note" in refund  # every documented field, optional ones too
    assert _findings(engine, example.data, "shop.refund.created") == []


def test_required_fields_only(engine: Engine) -> None:
    entry = engine.registry.get("shop.refund.created")
    assert entry is not None
    data = synthesise(entry.schema, every_field=False)
    assert set(data["refund"]) == {"id", "amount", "reason", "created_at"}
    assert _findings(engine, data, "shop.refund.created") == []


def test_a_recursive_schema_is_cut_where_it_recurs() -> None:
    schema = from_json_schema(
        {
            "$ref": "#/$defs/Node",
            "$defs": {
                "Node": {
                    "type": "object",
                    "required": ["name", "parent"],
                    "properties": {
                        "name": {"type": "string"},
                        "parent": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                    },
                }
            },
        }
    )
    value = synthesise(schema)
    assert value["name"] == "example_name"
    assert json.dumps(value).count("example_name") < 30  # bounded, not one level per stack frame
    from inspector.engine.validation import validate

    assert [i for i in validate(schema, value) if i.severity == "error"] == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("customer.created", True),
        ("EVENTS.BUS_VAL_RULE.CREATED", True),
        ("voucher.loyalty_card.points_added", True),
        ("manual_distribution_schedule", True),
        ("shop.order.created", False),
        ("customers.created", False),
    ],
)
def test_is_voucherify_type(name: str, expected: bool) -> None:
    assert is_voucherify_type(name) is expected


def test_every_published_event_synthesises_without_findings(voucherify_specs: Path) -> None:
    engine = make_engine([str(voucherify_specs)])
    assert len(engine.registry) >= 72
    for entry in engine.registry:
        for every in (True, False):
            data = synthesise(entry.schema, every_field=every)
            for form in ("envelope", "distribution", "data"):
                payload = wrap(data, entry.event_type, form)  # type: ignore[arg-type]
                pinned = entry.event_type if form == "data" else None
                assert _findings(engine, payload, pinned) == [], (entry.event_type, form, every)


@pytest.fixture(scope="module")
def voucherify_specs() -> Path:
    if not SHARED_OPENAPI.is_dir() or not any(SHARED_OPENAPI.glob("events-*.json")):
        pytest.skip(f"{SHARED_OPENAPI} is absent")
    return SHARED_OPENAPI


# -- the envelope -----------------------------------------------------------------------------------------


def test_the_envelope_has_fresh_ids_and_now(engine: Engine) -> None:
    data = builtin_example(HOLDER)
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    one = wrap(data, HOLDER, "envelope", target_url="http://127.0.0.1:3000/hooks")
    two = wrap(data, HOLDER, "envelope")
    assert list(one) == ["id", "project_id", "created_at", "type", "data", "source", "event"]
    assert re.fullmatch(r"whs_[0-9a-f]{18}", one["id"]) and one["id"] != two["id"]
    assert re.fullmatch(r"evcus_[0-9a-f]{18}", one["event"]["id"]) and one["event"]["id"] != two["event"]["id"]
    assert one["project_id"] == PROJECT_ID
    assert one["type"] == one["event"]["type"] == HOLDER
    assert ISO_MS.match(one["created_at"])
    assert datetime.fromisoformat(one["created_at"].replace("Z", "+00:00")) >= before
    assert one["source"] == {"id": "wh_voucherify_inspect", "object": "webhook", "target_url": "http://127.0.0.1:3000/hooks"}
    assert one["event"]["entity_id"] == data["customer"]["id"]
    analysis = engine.analyze(one)
    assert (analysis.form, analysis.event_type, analysis.errors) == ("envelope", HOLDER, 0)


def test_the_distribution_envelope(engine: Engine) -> None:
    payload = wrap(builtin_example(HOLDER), HOLDER, "distribution")
    assert payload["source"]["object"] == "distribution"
    assert payload["type"] != HOLDER and payload["event"]["type"] == HOLDER
    analysis = engine.analyze(payload)
    assert (analysis.form, analysis.event_type, analysis.errors) == ("distribution", HOLDER, 0)


def test_bare_data_is_the_data_itself() -> None:
    data = builtin_example(HOLDER)
    assert wrap(data, HOLDER, "data") is data


def test_a_non_customer_event_gets_a_generic_event_id() -> None:
    payload = wrap({"order": {"id": "ord_1"}}, "shop.order.created", "envelope")
    assert payload["event"]["id"].startswith("ev_")
    assert "entity_id" not in payload["event"]  # no data.shop to name the resource


def test_restamp_renews_generated_values_and_keeps_the_users() -> None:
    payload = wrap(builtin_example(HOLDER), HOLDER, "envelope")
    stamps = stamps_of(payload)
    payload = apply_overrides(payload, [parse_override("/event/group_id=mine")])
    again = restamp(payload, stamps)
    assert again["id"] != payload["id"] and again["event"]["id"] != payload["event"]["id"]
    assert again["event"]["group_id"] == "mine"
    assert again["data"] == payload["data"] and again["data"] is not payload["data"]


# -- --set ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pointer", "value"),
    [
        ('/data/holder/holder_role="REFEREE"', "/data/holder/holder_role", "REFEREE"),
        ("/data/holder/holder_role=REFEREE", "/data/holder/holder_role", "REFEREE"),
        ("/a=12", "/a", 12),
        ("/a=null", "/a", None),
        ('/a={"b": [1, true]}', "/a", {"b": [1, True]}),
        ("/a=12abc", "/a", "12abc"),
        ("/a=", "/a", ""),
        ("/a=x=y", "/a", "x=y"),
        ("/m~1n~0o=1", "/m~1n~0o", 1),
        ('/a="\\u001b[2J"', "/a", "\x1b[2J"),
    ],
)
def test_parse_override(text: str, pointer: str, value: Any) -> None:
    o = parse_override(text)
    assert (o.pointer, o.value) == (pointer, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("data/holder=1", "starts with '/'"),
        ("/data/holder", "POINTER=VALUE"),
        ('/a={"b": }', "not valid JSON"),
        ("/a=[1,", "not valid JSON"),
        ('/a="open', "not valid JSON"),
    ],
)
def test_parse_override_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_override(text)


def test_set_value_nested_arrays_and_append() -> None:
    doc: Any = {"a": {"list": [{"x": 1}, {"x": 2}]}}
    set_value(doc, "/a/list/1/x", 20)
    set_value(doc, "/a/list/-", {"x": 3})
    set_value(doc, "/a/new/deeper/key", "made")  # missing objects on the way are created
    set_value(doc, "/a/m~1n", True)
    assert doc == {"a": {"list": [{"x": 1}, {"x": 20}, {"x": 3}], "new": {"deeper": {"key": "made"}}, "m/n": True}}
    assert set_value(doc, "", [1]) == [1]


@pytest.mark.parametrize(
    ("pointer", "message"),
    [
        ("/a/list/5", "/a/list/5: index 5 is past the end of an array of 1"),
        ("/a/list/x", "is not an array index"),
        ("/a/list/01", "is not an array index"),
        ("/a/list/-/x", "'-' (append) can only be the last token"),
        ("/a/n/x", "/a/n is not an object or array"),
    ],
)
def test_set_value_refuses(pointer: str, message: str) -> None:
    doc = {"a": {"list": [1], "n": 5}}
    with pytest.raises(ValueError, match=re.escape(message)):
        set_value(doc, pointer, 1)
