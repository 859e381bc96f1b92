"""The inspector at every terminal size from 80×24: which pane gets the room, what the summary
line keeps, zoom and hide keys, the focused pane, and the event list's rows."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.widgets import Footer, Input, Static

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.event_list import EventList, entry_row
from inspector.tui.fit import shorten_middle
from inspector.tui.summary import summary_text

from .conftest import load_sample, loaded, make_entry, sample, until

SIZES = [(80, 24), (100, 30), (120, 40), (160, 48)]
EVENTS = sample("events.ndjson")


def summary(app: InspectorApp) -> str:
    return str(app.query_one("#summary", Static).content)


def width(app: InspectorApp, selector: str) -> int:
    return app.main_screen.query_one(selector).region.width


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_tree_is_the_widest_pane_and_the_summary_keeps_its_counts(engine: Engine, size: tuple[int, int]) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("j", "j", "j")  # the line with 3 errors and 12 warnings
        tree = width(app, "#tree")
        assert tree > width(app, "#events") and tree > width(app, "#details") and tree > width(app, "#issues")
        assert tree >= 50
        line = summary(app)
        assert "customer.holder.assignment.created" in line
        assert "✖ 3" in line and "▲ 12" in line and "envelope" in line
        assert app.query_one("#summary", Static).region.width == size[0]
        # Every key the footer shows is on screen.
        keys = list(app.query("FooterKey"))
        assert keys and all(key.region.right <= size[0] for key in keys)
        tree_region = app.main_screen.query_one("#tree").region
        details = app.main_screen.query_one("#details").region
        issues = app.main_screen.query_one("#issues").region
        if size[0] < 130:
            # Details and issues sit under the tree, side by side.
            assert details.y >= tree_region.bottom and issues.y == details.y and issues.x >= details.right
        else:
            # Right of the tree, details over issues.
            assert details.x >= tree_region.right and issues.x == details.x and issues.y >= details.bottom


async def test_the_summary_shortens_the_source_and_the_words_first() -> None:
    engine = Engine()
    analysis = engine.analyze(load_sample("invalid-enum-values.envelope.json"), source="/a/very/long/folder/name/with-a-long-file-name-for-the-payload.json")
    full = summary_text(analysis, "", width=0).plain
    assert "with-a-long-file-name-for-the-payload.json" in full and "errors" in full
    for cells in (100, 80, 60, 50):
        fitted = summary_text(analysis, " search: 1/3 ", width=cells).plain
        assert len(fitted) <= cells, fitted
        assert "search: 1/3" in fitted and "✖ 3" in fitted and "▲" in fitted
    assert "customer.holder.assignment.created" in summary_text(analysis, "", width=80).plain
    # At the narrowest, the event type keeps both its ends.
    narrow = summary_text(analysis, "", width=40).plain
    assert narrow.startswith("envelope · custom") and ".created · ✖" in narrow and len(narrow) <= 40


@pytest.mark.parametrize("text, cells, expected", [
    ("customer.holder.assignment.created", 28, "customer.hold…gnment.created"),
    ("customer.holder.assignment.created", 34, "customer.holder.assignment.created"),
    ("short", 3, "s…t"),
    ("日本語のイベント名", 7, "日…ト名"),
])
def test_names_are_shortened_in_the_middle(text: str, cells: int, expected: str) -> None:
    from rich.cells import cell_len

    shortened = shorten_middle(text, cells)
    assert cell_len(shortened) <= cells
    assert shortened == expected


def test_event_rows_keep_the_end_of_the_name_and_no_blank_columns() -> None:
    engine = Engine()
    entry = make_entry(engine, load_sample("invalid-enum-values.envelope.json"))
    entry.analysis.line = 7
    row = entry_row(entry, 24, where_width=2).plain
    assert len(row) == 24
    assert row.startswith("L7 custom…") and "created ✖" in row and row.endswith("✖3 ▲12")
    # Wider numbers in view pad the narrower ones, by the widest only.
    assert entry_row(entry, 30, where_width=5).plain.startswith("L7    custom")
    capture = Capture(received_at=0.0, method="POST", path="/a/rather/long/path/to/the/webhook/handler", http_status=405)
    rejected = entry_row(Entry(engine.analyze(None, source="live"), capture=capture), 30, where_width=8).plain
    assert rejected.rstrip().endswith("→ 405") or "→ 405" in rejected


async def test_z_zooms_the_focused_pane_and_back(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = app.main_screen
        await pilot.press("enter")  # to the tree
        assert app.focused is screen.payload_tree
        await pilot.press("z")
        assert screen.maximized is screen.query_one("#center")
        assert screen.payload_tree.region.width == 80
        assert not screen.event_list.region.width  # not on screen while zoomed
        assert summary(app) and app.query_one(Footer).region.height == 1
        await pilot.press("z")
        assert screen.maximized is None and screen.event_list.region.width > 0
        # The issues pane zooms alone.
        screen.issues_pane.focus()
        await pilot.press("z")
        assert screen.maximized is screen.issues_pane and screen.issues_pane.region.width == 80
        await pilot.press("escape")
        assert screen.maximized is None


async def test_keys_hide_the_event_list_and_the_details(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = app.main_screen
        before = width(app, "#tree")
        assert app.focused is screen.event_list
        await pilot.press("L")
        assert not screen.event_list.display and app.focused is screen.payload_tree
        assert width(app, "#tree") == 80
        await pilot.press("d")
        assert not screen.query_one("#side").display
        assert screen.payload_tree.region.height == 24 - 2  # summary and footer only
        await pilot.press("d", "L")
        assert screen.event_list.display and width(app, "#tree") == before


async def test_the_focused_pane_shows_beyond_its_border_colour(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        screen = app.main_screen
        panes = [screen.event_list, screen.payload_tree, screen.query_one("#details"), screen.issues_pane]
        for pane in panes:
            pane.focus()
            await pilot.pause()
            for other in panes:
                styles = other.styles
                inverted = styles.border_title_background.a > 0 and "bold" in str(styles.border_title_style)
                assert inverted == (other is pane), (pane, other)


async def test_a_click_selects_the_row_under_the_pointer(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        events = app.main_screen.event_list
        for row in (3, 0, 5):
            # y counts the border: row r is drawn at y = r + 1.
            assert await pilot.click(EventList, offset=(6, row + 1))
            assert events.cursor == row and app.main_screen.current is events.entries[row]
        await pilot.click(EventList, offset=(6, 0))  # the border: nothing changes
        assert events.cursor == 5


async def test_the_welcome_screen_offers_only_keys_that_work(engine: Engine) -> None:
    app = create_app(engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = {str(getattr(key, "description", "")) for key in app.query("FooterKey")}
        assert shown <= {"Quit", "Keys", "palette"}, shown
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Search" not in titles and "Copy payload" not in titles and "Quit" in titles
        await pilot.press("slash", "n", "z", "e", "y")
        assert not isinstance(app.focused, Input)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, timeout=5)


async def test_the_light_theme_reaches_the_event_list(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[EVENTS])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        events = app.main_screen.event_list

        def row_background() -> object:
            strip = events.render_line(1)  # not the cursor's row
            styles = [segment.style for segment in strip if segment.style is not None]
            assert styles
            return styles[0].bgcolor

        dark = row_background()
        app.theme = "textual-light"
        await pilot.pause()
        light = row_background()
        assert light != dark
        assert light == Style.parse(str(events.rich_style)).bgcolor or light == events.rich_style.bgcolor


def test_the_status_bar_keeps_address_counts_and_secret_state_at_80_columns() -> None:
    from inspector.tui.status_bar import status_text

    line = status_text("http://127.0.0.1:18765/", 12, 3, False, answer="→ 503", width=78).plain
    assert len(line) <= 78 and "127.0.0.1:18765" in line and "12 requests" in line and "3" in line and "no secret" in line
    assert "listening on http://" in status_text("http://127.0.0.1:18765/", 12, 3, False, width=160).plain


async def test_the_welcome_screen_fits_80_columns(engine: Engine) -> None:
    from inspector.tui.welcome import welcome_text

    assert all(len(line) <= 76 for line in welcome_text().plain.splitlines()[3:])  # 80 less padding


def test_a_payload_not_validated_says_so_in_the_summary_at_any_width() -> None:
    engine = Engine()
    legacy = engine.analyze(load_sample("legacy-envelope.json"), source="legacy-envelope.json")
    assert not legacy.validated
    assert "? not validated" in summary_text(legacy, "", width=0).plain
    narrow = summary_text(legacy, "", width=50).plain
    assert len(narrow) <= 50 and "?" in narrow and "✖ 0" in narrow


async def test_the_footer_fits_80_columns_when_listening(engine: Engine) -> None:
    from .conftest import FakeListener

    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert listener.on_entry is not None
        listener.on_entry(make_entry(engine, load_sample("invalid-enum-values.envelope.json")))
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.pause()
        keys = list(app.query("FooterKey"))
        shown = {str(getattr(key, "description", "")) for key in keys}
        assert {"Quit", "Search", "Raw", "Keys"} <= shown
        assert all(key.region.right <= 80 and key.region.width > 0 for key in keys)
