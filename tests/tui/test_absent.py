"""The `a` key: the documented fields a payload does not carry, shown dim in their place, beside
the error ghosts of missing required fields; off by default."""

from __future__ import annotations

import copy
from typing import Any, Optional

import pytest
from textual.widgets import Static

from inspector.engine.analyze import Engine
from inspector.tui import commands
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.nodes import ABSENT, GHOST, NodeKind

from .conftest import cursor_pointer, details_text, load_sample, make_entry, until


def _payload() -> Any:
    """The missing-required sample with a category (an array of objects) and an empty gift."""
    payload = copy.deepcopy(load_sample("invalid-missing-required.envelope.json"))
    voucher = payload["data"]["voucher"]
    voucher["categories"] = [
        {"id": "cat_1", "name": "Summer", "hierarchy": 1, "created_at": "2024-01-01T11:11:11.111Z", "object": "category"}
    ]
    voucher["gift"] = {}
    return payload


def kind(app: InspectorApp, pointer: str) -> Optional[NodeKind]:
    node = app.main_screen.payload_tree.by_pointer.get(pointer)
    return node.data.kind if node is not None and node.data is not None else None


def label(app: InspectorApp, pointer: str) -> str:
    tree = app.main_screen.payload_tree
    return tree.render_label(tree.by_pointer[pointer], tree.rich_style, tree.rich_style).plain


@pytest.mark.parametrize("size", [(140, 50), (80, 24)])
async def test_absent_fields_on_and_off(engine: Engine, size: tuple[int, int]) -> None:
    app = create_app(engine=engine, entries=[make_entry(engine, _payload())])
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        tree = app.main_screen.payload_tree
        tree.reveal("/data/voucher/discount/type")
        tree.reveal("/data/voucher/categories/0/id")
        tree.reveal("/data/holder/id")
        await pilot.pause()
        assert kind(app, "/data/voucher/loyalty_card") is None  # off by default
        assert kind(app, "/data/holder/customer_id") == GHOST
        assert "Absent fields" in str(app.screen.active_bindings["a"].binding.description)

        await pilot.press("a")
        # In place, under the object that lacks them: plain objects, array items, the variant the
        # discount reads as (Amount), an empty object; the ghost stays a ghost.
        for pointer in (
            "/data/voucher/loyalty_card",
            "/data/voucher/categories/0/updated_at",
            "/data/voucher/discount/amount_off_formula",
        ):
            assert kind(app, pointer) == ABSENT, pointer
        assert kind(app, "/data/voucher/discount/percent_off") is None  # the other variant's field
        assert kind(app, "/data/holder/customer_id") == GHOST
        assert "customer_id — missing, required" in label(app, "/data/holder/customer_id")
        assert "loyalty_card — absent, optional" in label(app, "/data/voucher/loyalty_card")
        gift = tree.by_pointer["/data/voucher/gift"]
        assert gift.allow_expand  # {}: it lacks two required keys and an optional one
        tree.reveal("/data/voucher/gift/effect")
        await pilot.pause()
        assert [c.data.kind for c in gift.children if c.data is not None] == [GHOST, GHOST, ABSENT]
        # The expansion the user had is kept; the cursor stays put.
        assert tree.by_pointer["/data/voucher/categories/0"].is_expanded and tree.by_pointer["/data/holder"].is_expanded
        assert cursor_pointer(app) == "/data/voucher/gift/effect"
        details = details_text(app)
        assert "absent: an optional field" in details and "Required optional" in details
        assert "absent fields shown" in str(tree.border_subtitle)

        tree.reveal("/data/voucher/loyalty_card")
        await pilot.pause()
        await pilot.press("a")  # off: the cursor goes to the object that lacked the field
        assert kind(app, "/data/voucher/loyalty_card") is None and kind(app, "/data/voucher/categories/0/updated_at") is None
        assert kind(app, "/data/holder/customer_id") == GHOST
        assert cursor_pointer(app) == "/data/voucher"
        assert "absent" not in str(tree.border_subtitle)
        assert app.is_running


async def test_absent_details_carry_the_docs_description(engine: Engine) -> None:
    app = create_app(engine=engine, entries=[make_entry(engine, _payload())])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("a")
        app.main_screen.payload_tree.reveal("/data/voucher/categories/0/updated_at")
        await pilot.pause()
        details = details_text(app)
        assert "Pointer  /data/voucher/categories/0/updated_at" in details
        assert "Not listed" not in details and "Type     string" in details


async def test_search_matches_absent_fields_only_when_shown(engine: Engine) -> None:
    app = create_app(engine=engine, entries=[make_entry(engine, _payload())])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("slash", *"loyalty_card", "enter")
        assert "/data/voucher/loyalty_card" not in app.main_screen.search_state.matches
        await pilot.press("a")  # while the search is on: it runs again over the absent fields
        matches = app.main_screen.search_state.matches
        assert "/data/voucher/loyalty_card" in matches
        assert kind(app, "/data/voucher/loyalty_card") == ABSENT
        for _ in range(len(matches)):
            if cursor_pointer(app) == "/data/voucher/loyalty_card":
                break
            await pilot.press("n")
        assert cursor_pointer(app) == "/data/voucher/loyalty_card"
        assert "loyalty_card — absent, optional" in label(app, "/data/voucher/loyalty_card")
        await pilot.press("escape")  # the whole tree again, absent fields still shown
        assert not app.main_screen.payload_tree.filtered
        assert kind(app, "/data/voucher/loyalty_card") == ABSENT
        assert cursor_pointer(app) == "/data/voucher/loyalty_card"


async def test_absent_fields_follow_the_entry_shown_and_need_a_schema(engine: Engine) -> None:
    unknown = {"type": "nobody.knows", "id": "x", "data": {"a": 1}}
    known = make_entry(engine, _payload(), source="known")
    app = create_app(engine=engine, entries=[known, make_entry(engine, {"a": {"b": 1}}, source="bare")])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("a")
        assert app.main_screen.index.absent  # the first entry
        app.main_screen.event_list.focus()
        await pilot.press("j")
        assert app.main_screen.current is not known and app.main_screen.show_absent
        assert not app.main_screen.index.absent  # bare data of no known type: nothing documented
        app.main_screen.add_entries([make_entry(engine, unknown)], top=True)
        await pilot.pause()
        assert app.is_running


async def test_absent_toggle_is_in_the_palette(engine: Engine) -> None:
    assert any(c.action == "toggle_absent" for c in commands.INSPECTOR)
    app = create_app(engine=engine, entries=[make_entry(engine, _payload())])
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        palette = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        await palette["Show or hide absent fields"]()
        await pilot.pause()
        assert app.main_screen.show_absent and app.main_screen.index.absent
        assert isinstance(app.query_one("#summary"), Static)
