"""Small defects found trying the inspector as a new user (issue 12, section 4), one test each."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from textual.widgets import Static

from inspector.engine.analyze import Engine
from inspector.tui.app import create_app
from inspector.tui.nodes import MORE
from inspector.tui.payload_tree import PAGE
from inspector.tui.search_index import SearchIndex, jq_path_query
from inspector.tui.settings import load_settings, settings_path

from .conftest import cursor_pointer, details_text, loaded, make_entry, sample, until

VALID = sample("holder-assignment-created.envelope.json")


async def test_a_search_with_no_match_says_no_key_is_shown(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"zzzq")
        tree = app.main_screen.payload_tree
        label = tree.render_label(tree.root, tree.rich_style, tree.rich_style).plain
        assert "0 of 7 keys shown" in label and "1 of" not in label
        assert "search: 0/0" in str(app.query_one("#summary", Static).content)


async def test_a_discriminator_no_variant_matches_is_still_documented(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("invalid-discount-discriminator.envelope.json")])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.main_screen.payload_tree.reveal("/data/voucher/discount/type")
        await pilot.pause()
        details = details_text(app)
        assert "Not listed in the docs" not in details
        assert "Enum" in details and all(kind in details for kind in ("AMOUNT", "PERCENT", "UNIT", "FIXED"))
        assert "discriminator" in details  # the error on the node is still there


async def test_loading_the_next_page_updates_the_details(engine: Engine) -> None:
    payload = {"items": list(range(PAGE * 3))}
    app = create_app(engine=engine, entries=[make_entry(engine, payload)])
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        tree = app.main_screen.payload_tree
        more = tree.by_pointer["/items"].children[-1]
        assert more.data is not None and more.data.kind == MORE
        tree.focus_node(more)
        await pilot.pause()
        assert f"{PAGE * 2:,} more items" in details_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert cursor_pointer(app) == f"/items/{PAGE}"
        details = details_text(app)
        assert "more items" not in details and f"/items/{PAGE}" in details


def test_jq_paths_read_as_paths() -> None:
    assert jq_path_query(".data.holder.id") == "/data/holder/id"
    assert jq_path_query('.data["odd/key"][0]') == "/data/odd~1key/0"
    assert jq_path_query(".data.hol") == "/data/hol"
    assert jq_path_query(".data.") == "/data/"
    assert jq_path_query("holder") is None and jq_path_query(".") is None
    payload = json.loads(Path(VALID).read_text())
    index = SearchIndex(payload)
    assert index.find(".data.holder.id") == ["/data/holder/id"]
    assert index.find(".event.event_source") == ["/event/event_source"]
    # A leading dot is still text too: ".com" finds a URL.
    assert index.find(".com") == ["/source/target_url"]


async def test_search_matches_the_jq_path_the_details_show(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.main_screen.payload_tree.reveal("/data/holder/id")
        await pilot.pause()
        assert "jq       .data.holder.id" in details_text(app)
        await pilot.press("slash", *".data.holder.id", "enter")
        assert app.main_screen.search_state.matches == ("/data/holder/id",)
        assert cursor_pointer(app) == "/data/holder/id"


async def test_j_and_k_move_in_the_issues_and_details_panes(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("invalid-missing-required.envelope.json")])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        issues = app.main_screen.issues_pane
        issues.focus()
        await pilot.press("j")
        first = issues.highlighted
        await pilot.press("j", "j")
        assert issues.highlighted == (first or 0) + 2
        await pilot.press("k")
        assert issues.highlighted == (first or 0) + 1
        await pilot.press("enter")
        assert cursor_pointer(app) == app.main_screen.index.issues[(first or 0) + 1].pointer
        details = app.main_screen.query_one("#details")
        details.focus()
        app.main_screen.payload_tree.reveal("")
        await pilot.pause()
        await pilot.press("j", "j")
        assert details.scroll_offset.y == 2


async def test_the_theme_is_remembered_in_the_user_settings(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        default = app.theme
        app.theme = "textual-light"
        await pilot.pause()
    path = settings_path()
    assert json.loads(path.read_text()) == {"theme": "textual-light"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    again = create_app(engine=engine, paths=[VALID])
    async with again.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert again.theme == "textual-light" != default
    # A damaged file or a theme this Textual does not know: the default, no crash; other keys kept.
    path.write_text('{"theme": "no-such-theme", "later": 1}')
    third = create_app(engine=engine, paths=[VALID])
    async with third.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert third.theme == default
        third.theme = "nord"
        await pilot.pause()
    assert json.loads(path.read_text()) == {"later": 1, "theme": "nord"}
    path.write_text("{not json")
    assert load_settings().theme is None


async def test_a_big_payload_is_searched_off_the_ui_thread(engine: Engine, tmp_path: Path) -> None:
    from inspector.tui.search import BIG_TEXT

    payload = {"rows": [{"id": f"row_{i:06d}", "note": "x" * 60} for i in range(BIG_TEXT // 60)]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(payload))
    assert path.stat().st_size >= BIG_TEXT
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        screen = app.main_screen
        entry = screen.current
        assert entry is not None and screen.typing.slow  # typing waits for a pause
        await pilot.press("slash")
        await until(pilot, lambda: screen._index_of(entry) is not None)  # indexed while typing
        await pilot.press(*"row_000123")
        await until(pilot, lambda: screen.search_state.query == "row_000123" and not screen.search_state.searching)
        assert screen.search_state.matches == ("/rows/123/id",) and cursor_pointer(app) == "/rows/123/id"
        # An answer to a query no longer typed is dropped.
        from inspector.tui.messages import SearchDone
        from inspector.tui.search import SearchState

        screen.post_message(SearchDone(entry=entry, state=SearchState(query="row_0001", matches=("/rows/1/id",), position=0)))
        await pilot.pause()
        assert screen.search_state.query == "row_000123"
