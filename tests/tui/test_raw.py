"""The raw view (v): the text as received, the node under the cursor highlighted, and where
unreadable input breaks; it opens by itself when the tree has nothing to show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.sourcemap import SourceMap
from inspector.listen.capture import Capture, Entry
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.raw_view import RawView
from inspector.tui.rawtext import RawText

from .conftest import cursor_pointer, loaded, sample, until

VALID = sample("holder-assignment-created.envelope.json")


def rows(view: RawView) -> list[str]:
    """What the view draws, row by row (the rows on screen)."""
    return ["".join(segment.text for segment in view.render_line(y)) for y in range(view.scrollable_content_region.height)]


def highlighted(view: RawView, y: int) -> str:
    """The characters of row ``y`` drawn with the highlight's background."""
    style = view.get_component_rich_style("raw-view--highlight")
    return "".join(s.text for s in view.render_line(y) if s.style is not None and s.style.bgcolor == style.bgcolor)


def raw(app: InspectorApp) -> RawView:
    return app.main_screen.raw_view


async def test_v_shows_the_text_as_received_and_follows_the_cursor(engine: Engine) -> None:
    text = Path(VALID).read_text()
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        screen = app.main_screen
        assert not raw(app).display
        await pilot.press("v")
        assert raw(app).display and not screen.payload_tree.display and app.focused is raw(app)
        assert f"{len(text.encode()):,} bytes as received" in str(raw(app).border_title)
        shown = rows(raw(app))
        assert shown[0].startswith("  1 │ {") and '"id": "wh_evt_0f1e2d3c4b5a690001"' in shown[1]
        # n moves the tree's cursor (hidden) to an issue: the raw view marks where it is written.
        await pilot.press("n")
        await pilot.pause()
        pointer = cursor_pointer(app)
        assert pointer
        span = SourceMap(text).span(pointer)
        assert span is not None
        line = text.count("\n", 0, span.start)
        y = line - raw(app).scroll_offset.y
        assert 0 <= y < raw(app).scrollable_content_region.height
        marked = highlighted(raw(app), y)
        key = pointer.rsplit("/", 1)[1]
        assert marked.startswith(f'"{key}"') and text[span.start : span.end] in marked
        assert "▌" in rows(raw(app))[y]
        await pilot.press("v")
        assert screen.payload_tree.display and not raw(app).display and app.focused is screen.payload_tree


async def test_unreadable_input_opens_the_raw_view_at_the_error(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    lines = ['{"id": "evt_1",', *[f'  "k{i}": {i},' for i in range(40)], '  "data": {"a": 1,, "b": 2}', "}"]
    broken.write_text("\n".join(lines) + "\n")
    app = create_app(engine=engine, paths=[str(broken)])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.pause()
        view = raw(app)
        assert view.display
        shown = rows(view)
        at = next(i for i, row in enumerate(shown) if "✖" in row)
        assert shown[at].startswith(f"{len(lines) - 1} ✖ ") and '"data": {"a": 1,, "b": 2}' in shown[at]
        caret = shown[at + 1]
        # The caret sits under the second comma (line 42, column 19), the reason after it.
        assert caret.index("^") == shown[at].index(",,") + 1
        assert "Expecting property name" in caret  # no hint for ",,": the message
        assert view.raw is not None and view.raw.caret is not None and view.raw.caret.line == len(lines) - 2
        # v closes it (the tree says there is none), v opens it again.
        await pilot.press("v")
        assert not view.display and app.main_screen.payload_tree.display
        await pilot.press("v")
        assert view.display


async def test_an_ndjson_line_keeps_its_number_and_the_view_closes_on_a_readable_line(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert not raw(app).display
        await pilot.press("G")  # line 6 is cut short
        await pilot.pause()
        assert raw(app).display and app.focused is app.main_screen.event_list  # the list keeps the keys
        shown = rows(raw(app))
        assert shown[0].startswith('6 ✖ {"truncated":') and "^ the document ends before it is complete" in shown[1]
        await pilot.press("k")
        assert not raw(app).display  # it opened by itself; a readable line has its tree


@pytest.mark.parametrize(
    "body, seen",
    [
        (b'{"a": "\xff"}', "\\xff"),
        (b'{"a": "\x1b[2J\xe2\x80\xae"}', "\\e[2J\\u202e"),
    ],
    ids=["not-utf8", "controls"],
)
async def test_hostile_bytes_show_as_escapes(engine: Engine, tmp_path: Path, body: bytes, seen: str) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(body)
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        if not raw(app).display:  # valid JSON: the tree shows first
            await pilot.press("v")
        await pilot.pause()
        drawn = "".join(rows(raw(app)))
        assert seen in drawn and "\x1b" not in drawn and "\u202e" not in drawn
        if b"\xff" in body:
            assert "not UTF-8" in str(raw(app).border_title)
            assert raw(app).raw is not None and raw(app).raw.caret is not None


async def test_a_request_body_that_is_not_json_is_shown(engine: Engine) -> None:
    body = b"event=customer.created&id=cust_1\r\nsecond line"
    capture = Capture(received_at=1_700_000_000.0, method="POST", path="/hooks", body=body, id=1)
    entry = Entry(engine.analyze_bytes(body, source="POST /hooks")[0], capture=capture)
    app = create_app(engine=engine, entries=[entry])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main_screen.current is entry)
        await pilot.pause()
        shown = rows(raw(app))
        assert raw(app).display
        assert "event=customer.created&id=cust_1\\r" in shown[0] and "second line" in "".join(shown)


async def test_a_long_line_scrolls_sideways_to_the_node(engine: Engine, tmp_path: Path) -> None:
    payload = {"items": [{"n": i, "note": "x" * 30} for i in range(2000)], "last": "here"}
    path = tmp_path / "one-line.json"
    path.write_text(json.dumps(payload))
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.main_screen.payload_tree.reveal("/last")
        await pilot.press("v")
        await pilot.pause()
        view = raw(app)
        assert view.scroll_offset.x > 50_000
        assert highlighted(view, 0) == '"last": "here"'
        await pilot.press("0")
        await pilot.pause()
        assert view.scroll_offset.x == 0 and rows(view)[0].startswith('1 ▌ {"items": [{"n": 0')


def test_raw_text_maps_escapes_and_tabs_to_columns() -> None:
    text = RawText(b'{\n\t"a\\u0000": "\x01",\t"b": 1.10}', None)
    line = text.line(1)
    assert line.shown == '    "a\\u0000": "\\x01",  "b": 1.10}'
    assert line.column(1) == 4  # after the tab
    assert line.column(line.text.index('"b"')) == line.shown.index('"b"')
    assert text.line_count == 2 and text.position(text.text.index("1.10")) == (1, line.text.index("1.10"))


def test_raw_text_of_a_bom_and_crlf() -> None:
    text = RawText(b'\xef\xbb\xbf{"a": 1}\r\n', None)
    assert text.bom and text.line_count == 1 and text.line(0).shown == '{"a": 1}\\r'


async def test_the_caret_says_the_likely_cause_when_the_engine_knows_it(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("invalid-json-trailing-comma.json")])
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.pause()
        shown = rows(raw(app))
        at = next(i for i, row in enumerate(shown) if "✖" in row)
        assert "^ a trailing comma before }" in shown[at + 1]
        assert shown[at + 1].index("^") == shown[at].index(",}") + 1
