"""Pilot tests of the inspector: what a developer sees and does with a payload."""

from __future__ import annotations

import json
from pathlib import Path

from textual.actions import parse
from textual.message import Message
from textual.widgets import Static

from inspector.engine.analyze import Engine
from inspector.listen.capture import Entry
from inspector.tui import _textual_private as private
from inspector.tui import commands
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.event_list import entry_row
from inspector.tui.messages import EntriesAdded, PayloadsLoaded
from inspector.tui.nodes import GHOST, MORE
from inspector.tui.payload_tree import PAGE
from inspector.tui.search_bar import SearchBar
from inspector.tui.welcome import Welcome

from .conftest import cursor_pointer, details_text, loaded, make_entry, sample, until

VALID = sample("holder-assignment-created.envelope.json")
MISSING = sample("invalid-missing-required.envelope.json")


def expanded(app: InspectorApp, pointer: str) -> bool:
    return app.main_screen.payload_tree.by_pointer[pointer].is_expanded


async def test_no_path_shows_the_welcome_screen(engine: Engine) -> None:
    app = create_app(engine=engine)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.has_class("-empty")
        welcome = app.query_one(Welcome)
        assert welcome.display
        text = str(welcome.content)
        assert "voucherify-inspect payload.json" in text and "voucherify-inspect listen" in text
        assert not app.query_one("#main").display


async def test_opens_to_depth_two_and_the_first_error(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[MISSING])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        assert not app.screen.has_class("-multi")  # one payload: no event list
        assert expanded(app, "") and expanded(app, "/data") and expanded(app, "/event")
        assert not expanded(app, "/data/voucher")
        assert expanded(app, "/data/holder")  # the path to the first error
        summary = str(app.query_one("#summary", Static).content)
        assert "webhook envelope v2024-01-01" in summary and "customer.holder.assignment.created" in summary
        assert "3 errors" in summary and "12 warnings" in summary


async def test_vim_and_arrow_navigation(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        assert cursor_pointer(app) == ""
        await pilot.press("j", "j")
        assert cursor_pointer(app) == "/project_id"
        await pilot.press("k")
        assert cursor_pointer(app) == "/id"
        await pilot.press("G")
        last = cursor_pointer(app)
        assert last is not None and last.startswith("/event/")
        await pilot.press("h")  # a leaf: h goes to its parent
        assert cursor_pointer(app) == "/event"
        await pilot.press("h")  # expanded: h collapses
        assert not expanded(app, "/event")
        await pilot.press("l")
        assert expanded(app, "/event")
        await pilot.press("l")
        assert cursor_pointer(app) == "/event/id"
        await pilot.press("g", "down")
        assert cursor_pointer(app) == "/id"
        assert "Pointer  /id" in details_text(app)


async def test_expand_to_level_and_all(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("1")
        assert expanded(app, "") and not expanded(app, "/data")
        await pilot.press("3")
        assert expanded(app, "/data/holder") and not expanded(app, "/data/voucher/discount")
        await pilot.press("e")
        assert expanded(app, "/data/voucher/discount") and expanded(app, "/data/campaign/voucher/discount")
        await pilot.press("E")
        assert expanded(app, "") and not expanded(app, "/data")


async def test_ghost_nodes_and_jumping_between_issues(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[MISSING])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        assert cursor_pointer(app) == "/data/holder/customer_id"
        node = app.main_screen.payload_tree.cursor_node
        assert node is not None and node.data is not None and node.data.kind == GHOST
        label = app.main_screen.payload_tree.render_label(node, app.main_screen.payload_tree.rich_style, app.main_screen.payload_tree.rich_style).plain
        assert "customer_id — missing, required" in label
        details = details_text(app)
        assert "missing" in details and "required" in details and "missing required field customer_id" in details
        await pilot.press("n")
        assert cursor_pointer(app) == "/data/voucher/code"
        await pilot.press("N")
        assert cursor_pointer(app) == "/data/holder/customer_id"
        # n works from the issues pane too, and choosing an issue there jumps to it.
        app.main_screen.issues_pane.focus()
        await pilot.pause()
        last = len(app.main_screen.index.issues) - 1
        app.main_screen.issues_pane.highlighted = last
        await pilot.press("enter")
        assert cursor_pointer(app) == app.main_screen.index.issues[last].pointer
        assert app.focused is app.main_screen.payload_tree


async def test_collapsed_ancestor_counts_issues_beneath(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("invalid-wrong-types.envelope.json")])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        voucher = app.main_screen.payload_tree.by_pointer["/data"]
        voucher.collapse()
        await pilot.pause()
        label = app.main_screen.payload_tree.render_label(voucher, app.main_screen.payload_tree.rich_style, app.main_screen.payload_tree.rich_style).plain
        assert "✖ 4" in label and "▲ 12" in label


def shown(app: InspectorApp) -> list[str]:
    """Pointers of the tree lines on screen (or a scroll away), top to bottom."""
    out: list[str] = []
    stack = [app.main_screen.payload_tree.root]
    while stack:
        node = stack.pop()
        if node.data is not None and node.data.kind in ("value", "ghost"):
            out.append(node.data.pointer)
        if node.is_expanded:
            stack.extend(reversed(node.children))
    return out


async def test_search_filters_reveals_cycles_and_clears(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        # An expansion state of the user's own, which the search must give back.
        app.main_screen.payload_tree.by_pointer["/event"].collapse()
        app.main_screen.payload_tree.by_pointer["/data/holder"].expand()
        await pilot.pause()
        before = shown(app)
        assert "/data/holder/id" in before and "/event/id" not in before
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        await pilot.press(*"start_date")
        matches = app.main_screen.search_state.matches
        assert matches == ("/data/voucher/start_date", "/data/campaign/start_date")
        # Only the matches and the path to them; /data/voucher was collapsed (depth 2).
        assert shown(app) == ["", "/data", "/data/voucher", "/data/voucher/start_date", "/data/campaign", "/data/campaign/start_date"]
        assert cursor_pointer(app) == "/data/voucher/start_date"
        assert "search: 1/2" in str(app.query_one("#summary", Static).content)
        await pilot.press("enter")
        assert app.focused is app.main_screen.payload_tree
        await pilot.press("n")
        assert cursor_pointer(app) == "/data/campaign/start_date"
        assert "search: 2/2" in str(app.query_one("#summary", Static).content)
        await pilot.press("n")
        assert cursor_pointer(app) == "/data/voucher/start_date"
        await pilot.press("N")
        assert cursor_pointer(app) == "/data/campaign/start_date"
        await pilot.press("N")
        assert cursor_pointer(app) == "/data/voucher/start_date"
        # Values and paths match too; a matching container keeps its children closed.
        await pilot.press("slash")
        app.query_one(SearchBar).value = ""
        await pilot.press(*"referral_program")
        found = app.main_screen.search_state.matches
        assert "/data/holder/campaign_type" in found and "/data/campaign/campaign_type" in found  # values
        assert "/data/campaign/referral_program" in found  # a key
        assert "/data/holder/id" not in shown(app) and "/id" not in shown(app)
        program = app.main_screen.payload_tree.by_pointer["/data/campaign/referral_program"]
        assert not program.is_expanded and program.allow_expand
        await pilot.press("enter")
        app.main_screen.payload_tree.focus_node(program)
        await pilot.press("l")
        assert "/data/campaign/referral_program/conversion_event_type" in shown(app)
        # Escape: the whole tree as it was, the cursor on the node it was on.
        await pilot.press("slash", "escape")
        assert not app.main_screen.search_state.active and not app.main_screen.payload_tree.matches and not app.main_screen.payload_tree.filtered
        assert not app.query_one(SearchBar).display
        assert cursor_pointer(app) == "/data/campaign/referral_program"
        after = shown(app)
        assert set(before) <= set(after) and "/event/id" not in after and "/data/holder/id" in after
        assert not app.main_screen.payload_tree.by_pointer["/event"].is_expanded
        assert "search" not in str(app.query_one("#summary", Static).content)
        await pilot.press("n")  # back to issues
        assert cursor_pointer(app) == app.main_screen.index.issues[0].pointer


async def test_search_with_no_match_and_an_emptied_query(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        before = shown(app)
        await pilot.press("slash", *"zzzq")
        assert app.main_screen.search_state.matches == () and shown(app) == [""]
        assert "no node matches" in details_text(app) or "search: 0/0" in str(app.query_one("#summary", Static).content)
        await pilot.press("enter", "n")
        assert app.is_running
        await pilot.press("slash", *["backspace"] * 4)
        assert shown(app) == before and not app.main_screen.payload_tree.filtered


async def test_search_finds_ghosts_by_key(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[MISSING])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"customer_id")
        assert "/data/holder/customer_id" in app.main_screen.search_state.matches
        ghost = app.main_screen.payload_tree.by_pointer["/data/holder/customer_id"]
        assert ghost.data is not None and ghost.data.kind == GHOST
        assert "/data/holder/customer_id" in shown(app)


async def test_search_stops_at_its_limit_and_says_so(engine: Engine, monkeypatch: object) -> None:
    from inspector.tui import payload_tree, search_index

    monkeypatch.setattr(search_index, "SEARCH_LIMIT", 50)  # type: ignore[attr-defined]
    monkeypatch.setattr(payload_tree, "SEARCH_LIMIT", 50)  # type: ignore[attr-defined]
    payload = {"rows": [{"name": f"row {i}", "other": i} for i in range(PAGE * 2)]}
    app = create_app(engine=engine, entries=[make_entry(engine, payload)])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("slash", *"name")
        assert len(app.main_screen.search_state.matches) == 50 and app.main_screen.search_state.cut
        assert "search: 1/50+" in str(app.query_one("#summary", Static).content)
        last = app.main_screen.payload_tree.root.children[-1]
        assert last.data is not None and "stopped at 50 matches" in str(last.data.value)
        assert len(shown(app)) == 1 + 1 + 50 * 2  # root, /rows, each row and its name


async def test_copy_value_paths_payload_and_report(engine: Engine, copied: list[str]) -> None:
    app = create_app(engine=engine, paths=[MISSING])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        app.main_screen.payload_tree.focus_node(app.main_screen.payload_tree.reveal("/data/holder/holder_role") or app.main_screen.payload_tree.root)
        await pilot.pause()
        await pilot.press("y")
        assert copied[-1] == "REFEREE" and app.clipboard == "REFEREE"
        await pilot.press("p")
        assert copied[-1] == "/data/holder/holder_role"
        await pilot.press("P")
        assert copied[-1] == ".data.holder.holder_role"
        await pilot.press("Y")
        assert copied[-1] == Path(MISSING).read_text()  # as received, not re-serialised
        await pilot.press("R")
        assert "missing required field customer_id" in copied[-1]
        await pilot.pause()
        titles = [n.title for n in private.notifications(app)]
        assert "Copied value (7 characters)" in titles and "Copied issue report" in " ".join(titles)


async def test_event_list_of_an_ndjson_file(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        events = app.main_screen.event_list
        assert app.screen.has_class("-multi") and app.focused is events
        assert [e.analysis.line for e in events.entries] == [1, 2, 3, 4, 5, 6]
        assert events.children == () or len(events.children) == 0  # lines, not widgets
        await pilot.press("j", "j", "j")
        assert app.main_screen.current is events.entries[3]
        assert "3 errors" in str(app.query_one("#summary", Static).content)
        await pilot.press("G")
        assert app.main_screen.current is events.entries[5] and not app.main_screen.current.analysis.readable
        details = details_text(app)
        assert "invalid JSON" in details and "at line 6, column 15" in details
        await pilot.press("enter")
        assert app.focused is app.main_screen.payload_tree


async def test_a_file_that_cannot_be_parsed_opens(engine: Engine, tmp_path: Path) -> None:
    app = create_app(engine=engine, paths=[sample("invalid-json-trailing-comma.json"), str(tmp_path / "nope.json")])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        first, second = app.main_screen.event_list.entries
        assert not first.analysis.readable and not second.analysis.readable
        assert "line 2, column 27" in details_text(app)
        assert "unreadable" in str(app.query_one("#summary", Static).content)
        await pilot.press("y", "n")  # nothing to copy, one issue: no crash
        await pilot.press("j")
        assert "no such file" in details_text(app)


async def test_many_payloads_stay_virtual(engine: Engine) -> None:
    payload = json.loads(Path(VALID).read_text())
    analysis = engine.analyze(payload, source="stored")
    from inspector.listen.capture import Entry

    entries = [Entry(analysis) for _ in range(5000)]
    app = create_app(engine=engine, entries=entries)
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        events = app.main_screen.event_list
        assert len(events.entries) == 5000 and len(list(events.children)) == 0
        assert events.virtual_size.height == 5000
        await pilot.press("G")
        assert events.cursor == 4999 and events.scroll_offset.y > 4900


async def test_huge_containers_load_in_pages(engine: Engine) -> None:
    payload = {"items": list(range(PAGE * 3 + 5)), "deep": {"a": {"b": {"c": {"d": 1}}}}}
    app = create_app(engine=engine, entries=[make_entry(engine, payload)])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        items = app.main_screen.payload_tree.by_pointer["/items"]
        assert len(items.children) == PAGE + 1
        more = items.children[-1]
        assert more.data is not None and more.data.kind == MORE and more.data.value == PAGE * 2 + 5
        node = app.main_screen.payload_tree.reveal(f"/items/{PAGE * 2 + 3}")
        assert node is not None and cursor_pointer(app) == f"/items/{PAGE * 2 + 3}"
        await pilot.press("e")
        assert app.main_screen.payload_tree.by_pointer["/deep/a/b/c"].is_expanded


async def test_entries_added_go_on_top_without_stealing_focus(engine: Engine) -> None:
    payload = json.loads(Path(VALID).read_text())
    first = make_entry(engine, payload, source="a")
    app = create_app(engine=engine, entries=[first, make_entry(engine, payload, source="b")])
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: app.main_screen.current is first)
        app.main_screen.payload_tree.focus()
        await pilot.press("j", "j")
        reading = cursor_pointer(app)
        burst = [make_entry(engine, payload, source=f"live{i}") for i in range(300)]
        for entry in burst:
            app.main_screen.post_message(EntriesAdded([entry]))
        await pilot.pause()
        events = app.main_screen.event_list
        assert len(events.entries) == 302
        assert events.entries[0] is burst[-1] and events.entries[299] is burst[0]
        assert events.current is first and app.main_screen.current is first  # still reading the same one
        assert app.focused is app.main_screen.payload_tree and cursor_pointer(app) == reading
        assert events.border_title == "events 302"


async def test_command_palette_reaches_every_action(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test() as pilot:
        await loaded(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Search", "Next issue or match", "Expand all", "Collapse all", "Expand to level 3",
                       "Copy value", "Copy JSON Pointer", "Copy jq path", "Copy payload", "Copy issue report",
                       "Theme", "Keys"):
            assert wanted in titles
        # Every entry names an action that exists, and running one does what the keys do.
        for command in (*commands.INSPECTOR, *commands.LIVE):
            namespace, name, _ = parse(command.action)
            target = app if namespace == "app" else app.main_screen
            assert callable(getattr(target, f"action_{name}", None)), command
        palette = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        await palette["Expand to level 1"]()
        await palette["Focus issues"]()
        await pilot.pause()
        assert not expanded(app, "/data") and app.focused is app.main_screen.issues_pane
        await pilot.press("f1")
        assert app.screen.query("HelpPanel")


async def test_stdin_bytes_are_read_as_a_payload(engine: Engine) -> None:
    data = Path(MISSING).read_bytes()
    app = create_app(engine=engine, paths=["-"], stdin=data)
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert app.main_screen.current is not None and app.main_screen.current.analysis.source == "<stdin>"
        assert app.main_screen.current.analysis.errors == 3


def test_open_refuses_without_a_terminal(capsys: object, monkeypatch: object) -> None:
    import argparse

    from inspector.cli import open as open_cmd

    code = open_cmd.run(argparse.Namespace(paths=[VALID], type=None, spec=None, fetched_spec=True))
    assert code == 2
    assert "needs a terminal" in capsys.readouterr().err  # type: ignore[attr-defined]


async def test_retries_in_an_ndjson_file_are_marked(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        events = app.main_screen.event_list
        third = events.entries[2]
        await until(pilot, lambda: third.key in events.retries)
        assert events.retries == {third.key: "L1"}  # lines 1 and 3 share an envelope id
        assert "↻" in entry_row(third, 60, True).plain and "↻" not in entry_row(events.entries[0], 60).plain
        strip = events.render_line(2 - events.scroll_offset.y)
        assert "↻" in "".join(segment.text for segment in strip)
        await pilot.press("j", "j")
        assert app.main_screen.current is third
        assert "↻ retry of L1 (same envelope id)" in details_text(app)
        await pilot.press("k")
        assert "retry of" not in details_text(app)


async def test_retries_across_files_name_the_first_file(engine: Engine, tmp_path: Path) -> None:
    body = Path(VALID).read_text()
    first, again = tmp_path / "first.json", tmp_path / "again.json"
    first.write_text(body)
    again.write_text(body)
    app = create_app(engine=engine, paths=[str(first), MISSING, str(again)])
    async with app.run_test(size=(140, 50)) as pilot:
        await loaded(pilot)
        entries = app.main_screen.event_list.entries
        await until(pilot, lambda: bool(app.main_screen.event_list.retries))
        assert app.main_screen.event_list.retries == {entries[2].key: "first.json"}


async def test_ten_thousand_lines_list_at_once_and_retries_follow(engine: Engine, tmp_path: Path) -> None:
    lines = [ln for ln in Path(sample("events.ndjson")).read_text().splitlines()[:5]]
    big = tmp_path / "10k.ndjson"
    big.write_text("\n".join(lines[i % 5] for i in range(10_000)) + "\n")
    app = create_app(engine=engine, paths=[str(big)])
    listed: list[Entry] = []
    analysed_when_listed: list[int] = []

    def on_message(message: Message) -> None:
        if isinstance(message, PayloadsLoaded) and not analysed_when_listed:
            listed.extend(message.entries)
            if message.done:
                analysed_when_listed.append(sum(1 for e in listed if e.analysed))

    async with app.run_test(size=(140, 50), message_hook=on_message) as pilot:
        await loaded(pilot)
        # Listed without analysing each line first (its speed is benchmarks/tui.py's to measure).
        assert len(listed) == 10_000 and analysed_when_listed[0] < 200
        events = app.main_screen.event_list
        assert len(events.entries) == 10_000
        # Of every 5 lines, 4 are envelopes with 3 ids (lines 1 and 3 share one); line 5 has none.
        await until(pilot, lambda: len(events.retries) == 8_000 - 3, timeout=20)
        # Found by parsing, not by analysing every line.
        assert sum(1 for e in events.entries if e.analysed) < 200
        assert events.retries[events.entries[2].key] == "L1"
        assert events.retries[events.entries[8].key] == "L4"
        assert events.entries[9].key not in events.retries


async def test_a_folder_opens_its_payload_files(engine: Engine, tmp_path: Path) -> None:
    for name in ("holder-assignment-created.envelope.json", "invalid-enum-values.envelope.json"):
        (tmp_path / name).write_bytes(Path(sample(name)).read_bytes())
    (tmp_path / "README.txt").write_text("not a payload")
    app = create_app(engine=engine, paths=[str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await loaded(pilot)
        sources = [e.analysis.source for e in app.main_screen.event_list.entries]
        assert sources == [str(tmp_path / "holder-assignment-created.envelope.json"), str(tmp_path / "invalid-enum-values.envelope.json")]


async def test_footer_says_match_while_searching(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(140, 40)) as pilot:
        await loaded(pilot)

        def shown() -> set[str]:
            return {b.binding.description for b in app.screen.active_bindings.values() if b.enabled and b.binding.show}

        assert "Next issue" in shown() and "Next match" not in shown()
        await pilot.press("slash", *"created_at", "enter")
        await pilot.pause()
        assert app.focused is app.main_screen.payload_tree
        assert "Next match" in shown() and "Next issue" not in shown()
        before = cursor_pointer(app)
        await pilot.press("n")
        assert cursor_pointer(app) != before
        await pilot.press("escape")
        await pilot.pause()
        assert "Next issue" in shown()


async def test_a_huge_value_skips_the_terminal_clipboard(engine: Engine, copied: list[str], tmp_path: Path) -> None:
    from inspector.tui.clipboard import OSC52_LIMIT

    payload = json.loads(Path(VALID).read_text())
    payload["data"]["customer"]["metadata"] = {"blob": "x" * (OSC52_LIMIT + 1)}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(payload))
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await loaded(pilot)
        app.main_screen.payload_tree.focus_node(app.main_screen.payload_tree.reveal("/data/customer/metadata/blob") or app.main_screen.payload_tree.root)
        await pilot.pause()
        await pilot.press("y")
        assert copied[-1] == "x" * (OSC52_LIMIT + 1)
        assert app.clipboard == ""  # no OSC 52 sequence of a megabyte went to the terminal
        await pilot.pause()
        assert any("copied to the system clipboard only" in (n.title or "") for n in private.notifications(app))
