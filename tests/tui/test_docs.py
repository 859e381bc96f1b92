"""The docs screen (`docs [TYPE]`): an event type's documentation as a tree without a payload,
the list of types, search, copy, the docs' example in the payload view, and the trigger key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest
from textual.widgets import Input, OptionList, Static
from textual.widgets.tree import TreeNode

from inspector.engine.analyze import Engine
from inspector.engine.inputs import make_engine
from inspector.tui import commands
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.doc_tree import DocItem, DocTree
from inspector.tui.screens.docs import DocsScreen, DocsStart
from inspector.tui.screens.main import MainScreen
from inspector.tui.search_bar import SearchBar
from inspector.tui.trigger import TriggerScreen

from .conftest import Handler, until

SPEC = Path(__file__).resolve().parents[1] / "specs" / "fixture-fetch.json"
HOLDER = "customer.holder.assignment.created"
SIZES = [(140, 44), (80, 24)]


@pytest.fixture(scope="module")
def spec_engine() -> Engine:
    return make_engine([str(SPEC)], fetched=False)


def docs(app: InspectorApp) -> DocsScreen:
    screen = app.screen
    assert isinstance(screen, DocsScreen)
    return screen


def tree(app: InspectorApp) -> DocTree:
    return docs(app).doc_tree


def find(app: InspectorApp, path: str, variant: Optional[str] = None) -> TreeNode[DocItem]:
    """The loaded tree node of the field at dotted ``path`` (inside ``variant``, if given)."""
    stack = [tree(app).root]
    while stack:
        node = stack.pop()
        item = node.data
        if item is not None and item.doc.path == path and item.doc.kind != "variant":
            if variant is None or variant in item.doc.variants:
                return node
        stack.extend(node.children)
    raise AssertionError(f"{path} is not in the tree")


def label(app: InspectorApp, node: TreeNode[DocItem]) -> str:
    t = tree(app)
    return t.render_label(node, t.rich_style, t.rich_style).plain


def details(app: InspectorApp) -> str:
    return str(app.screen.query_one("#details-body", Static).content)


async def opened(pilot: Any) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DocsScreen) and bool(app.screen.query(DocTree)) and app.screen.doc_tree.doc is not None)


@pytest.mark.parametrize("size", SIZES)
async def test_a_built_in_type(engine: Engine, size: tuple[int, int]) -> None:
    app = create_app(engine=engine, docs=DocsStart(event_type=HOLDER))
    async with app.run_test(size=size) as pilot:
        await opened(pilot)
        screen = docs(app)
        assert screen.has_class("-single") and not screen.type_list.display
        assert app.focused is tree(app)
        summary = str(screen.query_one("#doc-summary", Static).content)
        assert summary.startswith(HOLDER) and "built-in" in summary
        # Envelope and event data, open to depth 2.
        assert find(app, "data").is_expanded and not find(app, "data.holder").is_expanded
        assert "required" in label(app, find(app, "data.holder"))
        await pilot.press("e")
        role = find(app, "data.holder.holder_role")
        assert '"OWNER" | "REFERRER" | "REFEREE"' in label(app, role)
        tree(app).move_cursor(role, animate=False)
        await pilot.pause()
        text = details(app)
        assert "Pointer  /data/holder/holder_role" in text and "Required required" in text
        assert "Role of the holder" in text and 'Enum     "OWNER"  "REFERRER"  "REFEREE"' in text
        await pilot.press("h")  # a leaf: to its parent
        assert tree(app).cursor_item is not None and tree(app).cursor_item.doc.path == "data.holder"


@pytest.mark.parametrize("size", SIZES)
async def test_a_spec_type_variants_maps_arrays_and_a_cycle(spec_engine: Engine, size: tuple[int, int]) -> None:
    app = create_app(engine=spec_engine, docs=DocsStart(event_type="EVENTS.SHOP.ORDER.PAID"))
    async with app.run_test(size=size) as pilot:
        await opened(pilot)
        assert docs(app).event_type == "shop.order.paid"
        assert "fixture-fetch.json" in str(docs(app).query_one("#doc-summary", Static).content)
        await pilot.press("e")
        payment = find(app, "data.payment")
        assert [label(app, c).split("  ")[0] for c in payment.children] == ["▼ ◇ Card payment", "▼ ◇ Transfer payment"]
        assert "one of Card payment | Transfer payment" in label(app, payment)
        assert "card" in label(app, find(app, "data.payment.type", "Card payment"))
        assert find(app, "data.payment.iban", "Transfer payment") is not None
        assert "[]  each item  object (Item)" in label(app, find(app, "data.order.items[]"))
        assert "*  each value  string" in label(app, find(app, "data.metadata.*"))
        amount = label(app, find(app, "data.amount"))
        assert "integer  required  0…1000000  e.g. 1500" in amount
        assert "nullable" in label(app, find(app, "data.note"))
        # The cycle: order.parent is an Order, shown once.
        parent = find(app, "data.order.parent")
        assert not parent.allow_expand and "↻ same as data.order (recursive)" in label(app, parent)
        tree(app).move_cursor(parent, animate=False)
        await pilot.pause()
        assert "the same schema as data.order above" in details(app)


async def test_search_n_and_copy_of_the_pointer(spec_engine: Engine, copied: list[str]) -> None:
    app = create_app(engine=spec_engine, docs=DocsStart(event_type="shop.order.paid"))
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        assert "n" not in app.screen.active_bindings  # no search: n is not offered
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        await pilot.press(*"sku", "enter")
        state = docs(app).search_state
        assert len(state.matches) == 1 and app.focused is tree(app)
        assert tree(app).cursor_item is not None and tree(app).cursor_item.doc.path == "data.order.items[].sku"
        assert "search: 1/1" in str(docs(app).query_one("#doc-summary", Static).content)
        await pilot.press("p")
        assert copied[-1] == "/data/order/items/*/sku"
        await pilot.press("P")
        assert copied[-1] == ".data.order.items[].sku"
        # Descriptions match too; n and N walk the matches in tree order, wrapping.
        await pilot.press("slash")
        app.screen.query_one(SearchBar).value = ""
        await pilot.press(*"cents")
        paths = [tree(app).reveal(at, move=False) for at in docs(app).search_state.matches]
        assert [n.data.doc.path for n in paths if n is not None and n.data is not None] == ["data.amount"]
        app.screen.query_one(SearchBar).value = "type"
        await pilot.press("enter")
        first = tree(app).cursor_item
        count = len(docs(app).search_state.matches)
        assert count >= 4 and first is not None  # the envelope's and both payment variants'
        for _ in range(count):
            await pilot.press("n")
        assert tree(app).cursor_item is first
        await pilot.press("N")
        assert tree(app).cursor_item is not first
        await pilot.press("escape")
        assert not docs(app).search_state.active and not app.screen.query_one(SearchBar).display
        assert not tree(app).matches


@pytest.mark.parametrize("size", SIZES)
async def test_without_a_type_the_list_chooses(spec_engine: Engine, size: tuple[int, int]) -> None:
    app = create_app(engine=spec_engine, docs=DocsStart())
    async with app.run_test(size=size) as pilot:
        await opened(pilot)
        screen = docs(app)
        options = screen.query_one("#type-options", OptionList)
        assert screen.type_list.display and app.focused is options
        assert screen.event_type == HOLDER  # the first type, shown as the cursor is on it
        await pilot.press("j")
        assert screen.event_type == "customer.holder.assignment.deleted"
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"refund")
        assert options.option_count == 1 and screen.event_type == "shop.refund.created"
        await pilot.press("enter")
        assert app.focused is tree(app) and docs(app).doc_tree.doc is not None
        assert docs(app).doc_tree.doc.key == "shop.refund.created"
        # Every word must match, in the type or its title.
        screen.query_one("#type-filter", Input).value = "shop paid"
        await pilot.pause()
        assert options.option_count == 1 and screen.event_type == "shop.order.paid"
        screen.query_one("#type-filter", Input).value = "zzz"
        await pilot.pause()
        assert options.option_count == 0 and screen.event_type == "shop.order.paid"  # nothing else to show
        assert app.is_running


async def test_only_built_in_types_say_how_to_get_the_rest(engine: Engine) -> None:
    app = create_app(engine=engine, docs=DocsStart())
    async with app.run_test() as pilot:
        await opened(pilot)
        note = str(app.screen.query_one("#type-note", Static).content)
        assert "spec fetch" in note


@pytest.mark.parametrize(("event_type", "origin"), [("shop.order.paid", "the spec's example"), (HOLDER, "the docs' example (built in)")])
async def test_x_opens_the_example_in_the_payload_view_and_escape_comes_back(spec_engine: Engine, event_type: str, origin: str) -> None:
    app = create_app(engine=spec_engine, docs=DocsStart(event_type=event_type))
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        before = app.screen
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
        main = app.screen
        assert isinstance(main, MainScreen) and main is not app.main_screen
        assert main.current is not None
        analysis = main.current.analysis
        assert analysis.form == "envelope" and analysis.event_type == event_type and analysis.errors == 0
        assert analysis.source.startswith(origin)
        assert app.screen.active_bindings["escape"].binding.description == "Back"
        # Escape ends a search first, then goes back.
        await pilot.press("slash", *"id", "enter", "escape")
        assert app.screen is main and not main.search_state.active
        await pilot.press("escape")
        assert app.screen is before


async def test_the_example_in_the_data_form(spec_engine: Engine) -> None:
    app = create_app(engine=spec_engine, docs=DocsStart(event_type="shop.order.paid", form="data"))
    async with app.run_test() as pilot:
        await opened(pilot)
        assert find(app, "order").is_expanded  # no envelope: the data's fields at the top
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
        assert isinstance(app.screen, MainScreen) and app.screen.current is not None
        analysis = app.screen.current.analysis
        assert analysis.form == "data" and analysis.event_type == "shop.order.paid" and analysis.errors == 0


async def test_t_sends_the_example_to_a_handler(spec_engine: Engine, handler: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import SECRET

    app = create_app(engine=spec_engine, docs=DocsStart(event_type="shop.order.paid"), secret=SECRET)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriggerScreen))
        app.screen.query_one("#replay-url", Input).value = handler.url
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(handler.received))
        _headers, body, ok = handler.received[0]
        sent = json.loads(body)
        assert ok and sent["type"] == "shop.order.paid" and sent["data"]["order"]["id"] == "ord_1"
        assert sent["id"].startswith("whs_")
        assert isinstance(app.screen, DocsScreen)


async def test_palette_and_hostile_spec_text(tmp_path: Path) -> None:
    hostile = "\x1b[31mred\x1b[0m [bold]markup[/bold] \u202e"
    spec = json.loads(SPEC.read_text())
    paid = spec["components"]["schemas"]["ShopOrderPaidData"]
    paid["properties"]["note"]["description"] = hostile
    paid["properties"]["note"]["title"] = hostile
    paid["properties"]["note"]["example"] = hostile
    paid["properties"][hostile] = {"type": "string", "description": hostile}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(spec))
    app = create_app(engine=make_engine([str(path)], fetched=False), docs=DocsStart(event_type="shop.order.paid"))
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        note = find(app, "data.note")
        tree(app).move_cursor(note, animate=False)
        await pilot.pause()
        text = details(app)
        assert "\x1b" not in text and "\u202e" not in text
        assert "\\e[31mred" in text and "[bold]markup[/bold]" in text
        key = next(c for c in find(app, "data").children if c.data is not None and c.data.doc.key == hostile)
        shown = label(app, key)
        assert "\x1b" not in shown and "[bold]markup[/bold]" in shown
        await pilot.press("slash", *"markup", "enter")
        assert len(docs(app).search_state.matches) >= 2
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for command in commands.DOCS:
            assert command.title in titles
        palette = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        await palette["Collapse all"]()
        await pilot.pause()
        assert not find(app, "data").is_expanded
        await palette["Expand to level 2"]()
        await pilot.pause()
        assert find(app, "data").is_expanded and not find(app, "data.order").is_expanded
