"""Copies are byte-exact and the toasts honest about where a copy went; Save payload as…; and
numbers shown as they were written."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry
from inspector.tui import _textual_private as private
from inspector.tui import clipboard
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.screens.save import SaveScreen

from .conftest import details_text, loaded, until

# Spellings a re-serialisation changes: 1.10 -> 1.1, 1e400 -> Infinity, a repeated key dropped,
# an escape decoded, -0 -> 0.
ODD = '{"amount": 1.10, "huge": 1e400, "dup": 1, "dup": 2, "name": "caf\\u00e9", "neg": -0, "exp": 1E2}'


def toasts(app: InspectorApp) -> list[tuple[str, str]]:
    return [(n.title or "", n.message) for n in private.notifications(app)]


@pytest.fixture
def odd_file(tmp_path: Path) -> Path:
    path = tmp_path / "odd.json"
    path.write_bytes(ODD.encode())
    return path


async def test_copy_payload_is_the_bytes_received_and_pretty_keeps_every_spelling(engine: Engine, odd_file: Path, copied: list[str]) -> None:
    app = create_app(engine=engine, paths=[str(odd_file)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("Y")
        assert copied[-1] == ODD
        await pilot.press("J")
        pretty = copied[-1]
        for written in ('"amount": 1.10', '"huge": 1e400', '"dup": 1,', '"dup": 2', '"caf\\u00e9"', '"neg": -0', '"exp": 1E2'):
            assert written in pretty
        assert pretty.startswith('{\n  "amount"') and pretty.endswith("\n}")
        assert json.loads(pretty) == json.loads(ODD)


async def test_an_ndjson_line_copies_as_its_line(engine: Engine, tmp_path: Path, copied: list[str]) -> None:
    lines = ['{"type": "a", "n": 1.50}', '{"type": "b",   "n": 2}']
    path = tmp_path / "two.ndjson"
    path.write_bytes(("\ufeff" + lines[0] + "\r\n" + lines[1] + "\n").encode())
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("Y")
        assert copied[-1] == "\ufeff" + lines[0] + "\r"  # the byte order mark and the CR were received
        await pilot.press("j", "Y")
        assert copied[-1] == lines[1]


async def test_numbers_show_as_written_in_the_tree_details_and_value_copy(engine: Engine, odd_file: Path, copied: list[str]) -> None:
    app = create_app(engine=engine, paths=[str(odd_file)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.payload_tree
        for pointer, written in (("/amount", "1.10"), ("/huge", "1e400"), ("/exp", "1E2")):
            node = tree.reveal(pointer)
            assert node is not None
            await pilot.pause()
            label = tree.render_label(node, tree.rich_style, tree.rich_style).plain
            assert f": {written}  number" in label and "inf" not in label
            assert f"Value    {written}" in details_text(app)
            await pilot.press("y")
            assert copied[-1] == written


async def test_only_the_terminal_clipboard_is_not_called_copied(engine: Engine, odd_file: Path) -> None:
    # No system clipboard (the tests' default): the text goes out as OSC 52 only.
    app = create_app(engine=engine, paths=[str(odd_file)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard == ODD
        titles = [title for title, _ in toasts(app)]
        assert "Payload sent to the terminal clipboard (OSC 52)" in titles
        assert not any(title.startswith("Copied") for title in titles)


async def test_when_nothing_takes_the_copy_the_toast_says_so_and_offers_a_file(engine: Engine, odd_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "OSC52_LIMIT", 10)  # the payload is too long for OSC 52
    app = create_app(engine=engine, paths=[str(odd_file)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard == ""
        (title, message), = [t for t in toasts(app) if "Not copied" in t[0]]
        assert title == "Not copied: no clipboard available" and "Save payload as…" in message
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Save payload as…" in titles


async def test_save_payload_as_writes_the_bytes_0600_and_never_overwrites(engine: Engine, odd_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "saved.json"
    target.parent.mkdir()
    app = create_app(engine=engine, paths=[str(odd_file)])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)

        async def save_as(path: Path) -> None:
            await pilot.press("S")
            await until(pilot, lambda: isinstance(app.screen, SaveScreen))
            field = app.screen.query_one("#save-path", Input)
            assert field.value == "odd-copy.json"
            field.value = str(path)
            await pilot.press("enter")
            await until(pilot, lambda: not isinstance(app.screen, SaveScreen))

        await save_as(target)
        assert target.read_bytes() == ODD.encode()
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        target.write_bytes(b"mine")
        await save_as(target)
        assert target.read_bytes() == b"mine"
        await pilot.pause()
        assert any(title == "Not saved" and "exists" in message for title, message in toasts(app))
        await save_as(tmp_path / "no-such-dir" / "x.json")
        await pilot.pause()
        assert any(title == "Not saved" and "No such file" in message for title, message in toasts(app))
        # Escape cancels.
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SaveScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SaveScreen))


async def test_a_body_that_is_not_utf8_saves_exactly(engine: Engine, tmp_path: Path, copied: list[str]) -> None:
    body = b'{"a": "\xff\xfe"}'
    capture = Capture(received_at=1_700_000_000.0, method="POST", path="/hooks", body=body, id=9)
    entry = Entry(engine.analyze_bytes(body, source="POST /hooks")[0], capture=capture)
    app = create_app(engine=engine, entries=[entry])
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main_screen.current is entry)
        await pilot.press("Y")
        assert copied[-1] == '{"a": "\\xff\\xfe"}'
        await pilot.pause()
        assert any("not UTF-8" in title for title, _ in toasts(app))
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SaveScreen))
        field = app.screen.query_one("#save-path", Input)
        assert field.value == "capture-9.json"
        field.value = str(tmp_path / "body.bin")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "body.bin").exists())
        assert (tmp_path / "body.bin").read_bytes() == body

