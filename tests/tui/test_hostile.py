"""Hostile keys and values: shown literally, never markup, never raw control sequences."""

from __future__ import annotations

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.textsafe import visible
from inspector.tui import _textual_private as private
from inspector.tui.app import create_app

from .conftest import cursor_pointer, details_text, loaded, make_entry, sample, until

HOSTILE = [
    "[/",
    "[@click=app.quit]x",
    "[bold]b",
    "\u001b[2J",
    "\u001b]52;c;aGk=\u0007",
    "\u202eevil\u202c",
    "x" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=["close-tag", "click-action", "bold", "ansi-clear", "osc52", "bidi", "10k"])
async def test_hostile_key_and_value_show_literally(engine: Engine, text: str, copied: list[str]) -> None:
    payload = {"customer": {text: text, "list": [text]}, text: {"inner": 1}}
    app = create_app(engine=engine, entries=[make_entry(engine, payload)])
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("e")
        shown = visible(text)
        node = app.main_screen.payload_tree.reveal("/customer/" + text.replace("~", "~0").replace("/", "~1"))
        assert node is not None
        await pilot.pause()
        label = app.main_screen.payload_tree.render_label(node, app.main_screen.payload_tree.rich_style, app.main_screen.payload_tree.rich_style).plain
        assert shown[:40] in label
        assert "\x1b" not in label and "\u202e" not in label and "\x07" not in label
        details = details_text(app)
        assert shown[:500] in details and "\x1b" not in details and "\u202e" not in details
        screen = app.export_screenshot()
        assert "\x1b" not in screen and "\u202e" not in screen
        if text.startswith("[") and len(text) < 40:
            assert text in screen.replace("&#160;", " ")  # markup shown as written
        # Clicking the node runs no action hidden in it.
        await pilot.click("#tree", offset=(4, node.line - app.main_screen.payload_tree.scroll_offset.y + 1))
        await pilot.press("y")
        await pilot.pause()
        assert app.is_running and copied[-1] == text
        toast = private.notifications(app)
        assert all("\x1b" not in n.message and "\u202e" not in n.message for n in toast)


async def test_hostile_sample_file_opens(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("hostile-strings.data.json")])
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        for _ in range(60):
            await pilot.press("j")
        assert app.is_running and cursor_pointer(app)
        assert "\x1b" not in app.export_screenshot()
