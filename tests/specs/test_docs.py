"""The documentation tree of an event type (``inspector.engine.doctree``) and ``docs TYPE
--format markdown|json``: every documented field with its facts, variants as branches, maps as
their values, recursion shown once."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from inspector.cli import main
from inspector.engine.analyze import Engine
from inspector.engine.doctree import ANY_INDEX, DocNode, doc_tree, event_doc_tree, node_json, to_markdown, walk
from inspector.engine.inputs import make_engine
from inspector.engine.schema import MISSING

HERE = Path(__file__).resolve().parent
SPEC = HERE / "fixture-fetch.json"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return make_engine([str(SPEC)], fetched=False)


def _by_path(root: DocNode) -> dict[tuple[str, tuple[str, ...]], DocNode]:
    return {(n.path, n.variants): n for n in walk(root) if n.kind != "variant"}


def test_every_documented_field_in_document_order(engine: Engine) -> None:
    root = event_doc_tree(engine, "shop.order.paid", form="data")
    assert root is not None and root.kind == "root" and root.key == "shop.order.paid"
    assert [(n.kind, n.path, n.variants) for n in walk(root)][1:] == [
        ("field", "order", ()),
        ("field", "order.id", ()),
        ("field", "order.status", ()),
        ("field", "order.items", ()),
        ("items", "order.items[]", ()),
        ("field", "order.items[].sku", ()),
        ("field", "order.items[].quantity", ()),
        ("field", "order.parent", ()),
        ("field", "paid_at", ()),
        ("field", "amount", ()),
        ("field", "currency", ()),
        ("field", "metadata", ()),
        ("values", "metadata.*", ()),
        ("field", "payment", ()),
        ("variant", "payment", ("Card payment",)),
        ("field", "payment.type", ("Card payment",)),
        ("field", "payment.last4", ("Card payment",)),
        ("variant", "payment", ("Transfer payment",)),
        ("field", "payment.type", ("Transfer payment",)),
        ("field", "payment.iban", ("Transfer payment",)),
        ("field", "note", ()),
    ]


def test_each_node_carries_the_docs_facts(engine: Engine) -> None:
    root = event_doc_tree(engine, "shop.order.paid", form="data")
    assert root is not None
    nodes = _by_path(root)
    amount = nodes[("amount", ())]
    assert (amount.type_label, amount.required, amount.minimum, amount.maximum, amount.example) == ("integer", True, 0, 1000000, 1500)
    assert amount.description == "Amount paid, in cents."
    paid_at = nodes[("paid_at", ())]
    assert (paid_at.type_label, paid_at.format, paid_at.required) == ("string (date-time)", "date-time", True)
    assert nodes[("currency", ())].enum == ("EUR", "USD") and not nodes[("currency", ())].required
    assert nodes[("note", ())].nullable and nodes[("note", ())].example is MISSING
    assert nodes[("order.items", ())].type_label == "array of Item"
    assert nodes[("order.items[].sku", ())].required and not nodes[("order.items[].quantity", ())].required
    assert nodes[("order.items[]", ())].keys == ("order", "items", ANY_INDEX)
    assert nodes[("order.items[].sku", ())].pointer == "/order/items/*/sku"
    assert nodes[("order.items[].sku", ())].jq == ".order.items[].sku"
    assert nodes[("metadata", ())].type_label == "map of string"
    assert nodes[("metadata.*", ())].description == "One tag value." and nodes[("metadata.*", ())].jq == ".metadata[]"
    payment = nodes[("payment", ())]
    assert payment.type_label == "one of Card payment | Transfer payment" and payment.description == "How it was paid."
    assert [c.key for c in payment.children] == ["Card payment", "Transfer payment"]
    assert all(c.pointer == "/payment" for c in payment.children)
    assert nodes[("payment.type", ("Transfer payment",))].enum == ("transfer",)


def test_a_recursive_schema_is_shown_once(engine: Engine) -> None:
    root = event_doc_tree(engine, "shop.order.paid", form="data")
    assert root is not None
    nodes = _by_path(root)
    parent = nodes[("order.parent", ())]
    assert parent.repeats is nodes[("order", ())]
    assert parent.children == () and not parent.expandable
    # Its own words stay: the field's description and nullability.
    assert parent.nullable and parent.description == "The order this one splits from."
    assert parent.type_label == "object (Order)"


def test_a_self_containing_schema_terminates() -> None:
    from inspector.engine.schema import from_json_schema

    schema = from_json_schema({
        "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}},
        "$ref": "#/$defs/Node",
    })
    nodes = list(walk(doc_tree(schema)))
    assert [n.path for n in nodes] == ["", "next", "kids", "kids[]"]
    assert nodes[1].repeats is nodes[0] and nodes[3].repeats is nodes[0]


def test_children_are_built_when_first_read(engine: Engine) -> None:
    root = event_doc_tree(engine, "shop.order.paid")
    assert root is not None and root._children is None
    data = next(c for c in root.children if c.key == "data")
    assert data._children is None and data.expandable
    assert [c.key for c in data.children][:2] == ["order", "paid_at"]


def test_the_envelope_form_wraps_the_event_data(engine: Engine) -> None:
    root = event_doc_tree(engine, "shop.order.paid")
    assert root is not None
    keys = [c.key for c in root.children]
    assert keys[:5] == ["id", "project_id", "created_at", "type", "data"] and "event" in keys
    nodes = _by_path(root)
    assert nodes[("data.order.items[].sku", ())].pointer == "/data/order/items/*/sku"
    assert nodes[("data", ())].description == "Event data of an order that was paid."
    assert event_doc_tree(engine, "no.such.type") is None


def test_markdown_of_a_built_in_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "customer.holder.assignment.created", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "# customer.holder.assignment.created — Event Customer Holder Assignment Created"
    assert "| Field | Type | Required | Description |" in lines
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| `")}
    assert rows["`data.holder.id`"].startswith("| `data.holder.id` | string | yes | Unique identifier of the redeemable holder.")
    assert "One of: `\"OWNER\"`, `\"REFERRER\"`, `\"REFEREE\"`." in rows["`data.holder.holder_role`"]
    assert "| string · nullable | yes |" in rows["`data.holder.publication_id`"]
    # The discount's oneOf: each variant a labelled branch, its fields named after it.
    assert any(line.startswith("| `data.voucher.discount` (in ") and "variant: " in line for line in lines)
    assert any(line.startswith("| `data.voucher.discount.amount_off` (in ") for line in lines)


def test_json_is_the_whole_tree(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "EVENTS.SHOP.ORDER.PAID", "--spec", str(SPEC), "--form", "data", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["event_type"], doc["form"], doc["origin"]) == ("shop.order.paid", "data", str(SPEC))

    def flat(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node] + [d for c in node.get("children", []) for d in flat(c)]

    nodes = {(n["path"], tuple(n.get("variants", ()))): n for n in flat(doc["tree"]) if n["kind"] != "variant"}
    assert nodes[("amount", ())] == {
        "kind": "field", "key": "amount", "pointer": "/amount", "path": "amount", "type": "integer",
        "required": True, "nullable": False, "minimum": 0, "maximum": 1000000,
        "description": "Amount paid, in cents.", "example": 1500, "children": [],
    }
    assert nodes[("order.parent", ())]["repeats"] == "/order" and "children" not in nodes[("order.parent", ())]
    assert nodes[("payment.iban", ("Transfer payment",))]["pointer"] == "/payment/iban"
    root = event_doc_tree(engine, "shop.order.paid", form="data")
    assert root is not None and doc["tree"] == node_json(root)


def test_without_a_type_it_lists_the_types(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    assert "- `customer.holder.assignment.created` — Event Customer Holder Assignment Created (built-in)" in out
    assert "`voucherify-inspect spec fetch` gets every event type" in out
    assert main(["docs", "--spec", str(SPEC), "--format", "json"]) == 0
    types = [t["event_type"] for t in json.loads(capsys.readouterr().out)["event_types"]]
    assert "shop.order.paid" in types and "customer.holder.assignment.deleted" in types


def test_an_unknown_type_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "customer.holder.assigment.created"]) == 2
    err = capsys.readouterr().err
    assert "no schema for TYPE 'customer.holder.assigment.created'; did you mean customer.holder.assignment.created" in err
    assert "spec fetch" in err


def test_without_format_it_prints_markdown_unless_on_a_terminal_where_the_tui_opens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from inspector.tui.app import InspectorApp

    assert main(["docs", "customer.holder.assignment.deleted"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# customer.holder.assignment.deleted") and captured.err == ""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    opened: list[InspectorApp] = []
    monkeypatch.setattr(InspectorApp, "run", lambda self, *a, **k: opened.append(self))
    tty = Tty()
    monkeypatch.setattr("sys.stdout", tty)
    # On a terminal: the docs screen, on the type's canonical name and the form asked for.
    assert main(["docs", "EVENTS.CUSTOMER.HOLDER.ASSIGNMENT.DELETED", "--form", "data"]) == 0
    assert main(["docs"]) == 0
    assert tty.getvalue() == "" and capsys.readouterr().err == ""
    first, second = (app.docs_screen for app in opened)
    assert first is not None and (first.start.event_type, first.start.form) == ("customer.holder.assignment.deleted", "data")
    assert second is not None and second.start.event_type is None
    # --format prints, terminal or not.
    assert main(["docs", "customer.holder.assignment.deleted", "--format", "markdown"]) == 0
    assert tty.getvalue().startswith("# customer.holder.assignment.deleted") and len(opened) == 2


@pytest.mark.parametrize(
    "hostile",
    ["pipe | in a cell", "line\nbreak", "\x1b]52;c;aGk=\x07osc", "bidi \u202e override", "back`tick"],
)
def test_hostile_spec_text_stays_one_safe_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str) -> None:
    spec = {"openapi": "3.1.0", "webhooks": {"EVENTS.EVIL.ONE": {"post": {"requestBody": {"content": {"application/json": {"schema": {
        "type": "object",
        "title": hostile,
        "properties": {hostile: {"type": "string", "description": hostile, "enum": [hostile]}, "a/b~c": {"type": "string"}},
    }}}}}}}}
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(spec))
    assert main(["docs", "evil.one", "--spec", str(path), "--form", "data"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    table = [line for line in out.splitlines() if line.startswith("| `") or line.startswith("| ``")]
    assert len(table) == 2  # one row per field: nothing broke the table
    for row in table:
        assert len(row.replace("\\|", "").split("|")) == 6  # four cells
    assert main(["docs", "evil.one", "--spec", str(path), "--form", "data", "--format", "json"]) == 0
    tree = json.loads(capsys.readouterr().out)["tree"]
    assert tree["children"][1]["pointer"] == "/a~1b~0c"


def test_voucherify_specs_every_event_has_a_finite_tree(voucherify_specs: Path) -> None:
    engine = make_engine([str(voucherify_specs)], fetched=False)
    sizes = {}
    for entry in engine.registry:
        root = event_doc_tree(engine, entry.event_type)
        assert root is not None
        nodes = list(walk(root))
        sizes[entry.event_type] = len(nodes)
        assert len({(n.pointer, n.variants, n.kind) for n in nodes}) == len(nodes)  # no node twice
        assert to_markdown(root, heading=entry.event_type).count("\n| `") == len(nodes) - 1
    assert len(sizes) == 72 and max(sizes.values()) < 20_000
